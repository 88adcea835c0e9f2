"""PDF: text layer through pypdfium2, column-aware line building, OCR for scans.

How a page is read:
1. The characters of the text layer come from pypdfium2 with their boxes.
   Annotations that draw text (digital-signature stamps are form widgets) are
   flattened first so their text is in the layer.
2. Characters are grouped into lines by vertical overlap (a footnote mark,
   raised and small, stays on its line), sorted left to right, and a glyph drawn
   twice at nearly the same spot (fake bold) is kept once. A line is cut into
   segments where there is a wide gap.
3. Official documents print the header (issuing body | national motto, number
   | place and date) and the signature block (recipients | signer) as two
   columns. Where consecutive lines all split at one gutter and the block looks
   like a header or signature block, the left column is written out first and
   then the right one, so no line mixes the two.
4. A page whose text layer is garbled (under half of its words are Vietnamese
   syllables: a scanner's bad OCR layer, a legacy font without Unicode; or under a
   quarter of its words carry a Vietnamese mark: a font that maps them to ASCII
   and digits, "tinh t6 chric"), or is
   missing or only a signature stamp on a page covered by an image (a scan), is
   rendered at 300 dpi and OCR'd with tesseract (`-l vie`, TSV output). The OCR
   words go through the same line and column building, with noise from seals
   and signatures dropped. A page that reads badly gets an orientation check
   (a landscape table printed sideways) and is read again upright. The text of a
   stamp is kept, after the OCR text. Pages run in a small thread pool (at most
   2); a time budget bounds the whole document.
5. A signer's name printed only inside the signature picture: on the last page with
   a signature block, when the title line in the right-hand column ("GIÁM ĐỐC") has
   no name line below it in the text layer but an image there, that small region
   alone is rendered and OCR'd; a personal name read there is put on its own line
   after the title (with a warning). Other images are never read.

Environment: VANBAN_OCR=0 disables OCR; VANBAN_OCR_TIMEOUT (s, default 300)
bounds OCR per document; VANBAN_MAX_PAGES (default 500); VANBAN_MAX_PAGE_PIXELS
(default 40 million) caps the rendered size of one page; VANBAN_MAX_STREAM_MB
(default 32) how far one compressed stream may unpack (pdfscan).
"""
from __future__ import annotations

import re
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from vanban.pipeline.readers import ocr, pdfscan
from vanban.pipeline.readers.base import PageSpan, RawDocument, ReadError
from vanban.pipeline.readers.sniff import check_chars
from vanban.pipeline.readers.pdf.common import MAX_IMAGE_PIXELS, MB, _PDFIUM_LOCK, _Page, _settings
from vanban.pipeline.readers.pdf.ocr_words import _ocr_job, _render
from vanban.pipeline.readers.pdf.signer import _read_signer_names, _render_probe
from vanban.pipeline.readers.pdf.syllables import stamp_text
from vanban.pipeline.readers.pdf.textlayer import _read_text_layer


# The reader is a package (common, syllables, lines, textlayer, ocr_words, signer:
# the steps above); these names are its public face, and what tests reach for.
from vanban.pipeline.readers.pdf.lines import layout_lines  # noqa: E402
from vanban.pipeline.readers.pdf.signer import SIG_PSM, _image_boxes, _signer_name  # noqa: E402
from vanban.pipeline.readers.pdf.syllables import is_syllable, syllable_stats  # noqa: E402

__all__ = ["read_pdf", "layout_lines", "is_syllable", "syllable_stats", "SIG_PSM", "_image_boxes", "_signer_name",
           "_render"]


def _ranges(pages: list[int]) -> str:
    """'page 3', 'pages 1-3', 'pages 1, 4-5'."""
    out: list[list[int]] = []
    for p in sorted(pages):
        if out and out[-1][1] == p - 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    nums = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in out)
    return f"page {nums}" if len(pages) == 1 else f"pages {nums}"


def _run_ocr(path: Path, pages: list[_Page], cfg: dict, warnings: list[str]) -> None:
    """OCR the pages in a thread pool. Rendering stays in this thread (pdfium is not
    thread-safe) and uses a fresh copy of the document: the reader's copy has its
    annotations flattened into the pages."""
    with _PDFIUM_LOCK:
        pdf = _open(path)
    try:
        _ocr_loop(pdf, pages, cfg, warnings)
    finally:
        with _PDFIUM_LOCK:
            pdf.close()


def _ocr_loop(pdf, pages: list[_Page], cfg: dict, warnings: list[str]) -> None:
    deadline = time.monotonic() + cfg["ocr_timeout"]
    running: dict[Future, _Page] = {}
    failed: dict[str, list[int]] = {}

    def collect(done) -> None:
        for fut in done:
            pg = running.pop(fut)
            try:
                pg.ocr_text = fut.result()
            except ocr.OcrTimeout:
                failed.setdefault("the OCR time budget ran out", []).append(pg.number)
                continue
            except ocr.OcrError as e:
                failed.setdefault(str(e), []).append(pg.number)
            except MemoryError:
                raise           # the worker's memory limit: not a damaged page
            except Exception as e:  # noqa: BLE001 - one page's OCR must not lose the document
                failed.setdefault(f"OCR failed ({type(e).__name__}: {e})", []).append(pg.number)

    with ThreadPoolExecutor(max_workers=cfg["workers"]) as pool:
        for pg in pages:
            while len(running) >= cfg["workers"]:
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                collect(done)
            left = deadline - time.monotonic()
            if left <= 1:
                failed.setdefault("the OCR time budget ran out", []).append(pg.number)
                continue
            if pg.image_px > MAX_IMAGE_PIXELS:
                failed.setdefault(f"an embedded image is too large to render (over {MAX_IMAGE_PIXELS} pixels)",
                                  []).append(pg.number)
                continue
            try:
                with _PDFIUM_LOCK:
                    rendered = _render(pdf, pg.number - 1, cfg["max_page_pixels"], warnings, pg.mask)
            except MemoryError:
                raise           # the worker's memory limit: not a damaged page
            except Exception as e:  # noqa: BLE001 - a page pdfium cannot render
                failed.setdefault(f"the page could not be rendered ({e})", []).append(pg.number)
                continue
            if rendered is None:
                continue
            image, scale, height = rendered
            fut = pool.submit(_ocr_job, image, scale, height, deadline)
            running[fut] = pg
        while running:
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            collect(done)
    for problem, nums in failed.items():
        if "budget" in problem:
            problem += f" (VANBAN_OCR_TIMEOUT={cfg['ocr_timeout']:.0f} s)"
        warnings.append(f"{_ranges(nums)}: no OCR text, {problem}")


# --- the reader ------------------------------------------------------------------------


def _check_file(p: Path) -> None:
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as e:
        raise ReadError(p, f"cannot read file ({e.strerror or e})") from None
    if size == 0:
        raise ReadError(p, "empty file")
    if b"%PDF-" not in head:
        raise ReadError(p, "not a PDF (no %PDF- header)")
    if b"%%EOF" not in tail:
        raise ReadError(p, "truncated PDF (no %%EOF end marker: the file is incomplete)")
    _check_streams(p)


def _check_streams(p: Path) -> None:
    """Refuse a PDF with a stream that unpacks beyond the limit, before PDFium
    builds anything from it (see pdfscan)."""
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(p, f"cannot read file ({e.strerror or e})") from None
    streams, cost = pdfscan.repair_cost(data)
    if cost > max(64 * MB, 8 * len(data)):
        raise ReadError(p, f"damaged PDF: {streams} streams have no length, and finding where each ends would "
                           f"mean reading {cost / MB:.0f} MB")
    big = pdfscan.oversized_streams(data)
    if big:
        o = big[0]
        what = "an image stream" if o.image else "a compressed stream"
        raise ReadError(p, f"{what} (at byte {o.offset}, {o.filters}) unpacks to more than {o.limit / MB:g} MB, "
                           "over the limit (set VANBAN_MAX_STREAM_MB to raise it)")


def _has_encrypt(p: Path) -> bool:
    """Whether the file names an /Encrypt dictionary (PDFium reports some
    damaged files as needing a password)."""
    try:
        return b"/Encrypt" in p.read_bytes()
    except OSError:
        return True


def _open(p: Path):
    try:
        return pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            if _has_encrypt(p):
                raise ReadError(p, "encrypted PDF (password required)") from None
            raise ReadError(p, "corrupt PDF (PDFium cannot load it)") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadError(p, "encrypted PDF (unsupported security handler)") from None
        if code in (pdfium_c.FPDF_ERR_FORMAT, pdfium_c.FPDF_ERR_SUCCESS, pdfium_c.FPDF_ERR_UNKNOWN, None):
            # PDFium sometimes fails without saying why ("Success"): the file cannot be loaded
            raise ReadError(p, "corrupt PDF (the file structure cannot be parsed)") from None
        if code == pdfium_c.FPDF_ERR_FILE:
            raise ReadError(p, "cannot open file") from None
        raise ReadError(p, f"unreadable PDF ({e})") from None


def _read_layers(p: Path, cfg: dict, warnings: list[str]) -> list[_Page]:
    pdf = _open(p)
    try:
        try:
            n = len(pdf)
        except Exception as e:  # noqa: BLE001
            raise ReadError(p, f"corrupt PDF (page tree unreadable: {e})") from None
        if n == 0:
            raise ReadError(p, "PDF has no pages")
        if n > cfg["max_pages"]:
            raise ReadError(p, f"too many pages ({n}; the limit is {cfg['max_pages']}, set VANBAN_MAX_PAGES)")
        pages: list[_Page] = []
        bad: list[int] = []
        for i in range(n):
            try:
                pages.append(_read_text_layer(pdf, i, warnings))
            except MemoryError:
                raise           # the worker's memory limit: not a damaged page
            except Exception:  # noqa: BLE001 - one broken page must not lose the document
                bad.append(i + 1)
                pages.append(_Page(i + 1, usable=False))
        if len(bad) == n:
            raise ReadError(p, "corrupt PDF (no page could be read)")
        if bad:
            warnings.append(f"{_ranges(bad)}: could not be read (damaged page)")
        _render_probes(pdf, pages, cfg)
        return pages
    finally:
        pdf.close()


def _render_probes(pdf, pages: list[_Page], cfg: dict) -> None:
    """Keep the probes of the last page with a signature block only (the document's
    end), and render them when OCR can run."""
    last = next((pg for pg in reversed(pages) if pg.sig_block), None)
    for pg in pages:
        if pg is not last:
            pg.probes = []
    if last is None or not last.probes:
        return
    last.probes = last.probes[:1]
    if not cfg["ocr"] or ocr.tesseract_problem() is not None:
        return
    for probe in last.probes:
        try:
            _render_probe(pdf, last.number, probe)
        except MemoryError:
            raise           # the worker's memory limit: not a damaged page
        except Exception:  # noqa: BLE001 - the text layer is read; the name is a bonus
            probe.image = None


def read_pdf(path: str | Path) -> RawDocument:
    """Read a PDF: text layer, columns kept apart, OCR for pages without usable text.
    Raises ReadError for a file that is not a readable PDF."""
    p = Path(path)
    cfg = _settings()
    _check_file(p)
    warnings: list[str] = []
    with _PDFIUM_LOCK:
        pages = _read_layers(p, cfg, warnings)
    check_chars(p, sum(len(pg.text) for pg in pages))

    need = [pg for pg in pages if pg.ocr]
    if need:
        nums = _ranges([pg.number for pg in need])
        missing = ocr.tesseract_problem() if cfg["ocr"] else None
        if not cfg["ocr"]:
            warnings.append(f"scanned PDF: {nums} have no usable text layer and OCR is disabled (VANBAN_OCR=0)")
        elif missing:
            warnings.append(f"scanned PDF: install tesseract-ocr and tesseract-ocr-vie to read {nums} ({missing})")
        else:
            _run_ocr(p, need, cfg, warnings)
            done = [pg.number for pg in need if pg.ocr_text is not None]
            if done:
                warnings.append(f"{_ranges(done)} had no usable text layer: text from OCR")
    if any(pg.probes for pg in pages):
        _read_signer_names(pages, cfg, warnings)

    parts: list[str] = []
    spans: list[PageSpan] = []
    ocr_pages: list[int] = []
    pos = 0
    for pg in pages:
        text = pg.text
        if pg.ocr_text is not None:
            ocr_pages.append(pg.number)
            text = pg.ocr_text.strip()
            # Keep what the layer had (a signature stamp and its date); of a garbled
            # layer only the stamps.
            layer = stamp_text(pg.text) if pg.garbled else pg.text.strip()
            if layer:
                text = f"{text}\n{layer}" if text else layer
        text = re.sub(r"\n{2,}", "\n", text.strip())
        if parts:
            pos += 2
        spans.append(PageSpan(pg.number, pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    return RawDocument(path=str(p), format="pdf", text="\n\n".join(parts), pages=spans,
                       warnings=warnings, ocr_pages=ocr_pages)
