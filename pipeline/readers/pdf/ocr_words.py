"""OCR of a rendered page: tesseract words kept or dropped as noise, rendering under
the pixel limit (step 4 of the reader)."""
from __future__ import annotations

import ctypes
import math
import time

import pypdfium2.raw as pdfium_c

from vanban.pipeline.readers import ocr
from vanban.pipeline.readers.pdf.common import OCR_DPI
from vanban.pipeline.readers.pdf.lines import layout_lines
from vanban.pipeline.readers.pdf.syllables import _STRIP, is_syllable, syllable_stats

# --- OCR -------------------------------------------------------------------------------

_OCR_MIN_CONF = 25.0
_OCR_SURE_CONF = 60.0


def _unglue(word: str) -> str:
    """Tesseract sometimes runs a name together ("LêMaiToản"): split it at capitals
    when every piece is a Vietnamese syllable."""
    core = word.strip(_STRIP)
    if not core.isalpha() or core.isupper() or core.islower():
        return word
    parts: list[str] = []
    for c in core:
        if c.isupper() or not parts:
            parts.append(c)
        else:
            parts[-1] += c
    if len(parts) < 2 or not all(len(p) > 1 and is_syllable(p) for p in parts):
        return word
    return word.replace(core, " ".join(parts))


def _keep_word(word: str, conf: float) -> bool:
    """Is an OCR word text, or noise from a seal, a signature or a blot?"""
    if conf < _OCR_MIN_CONF:
        return False
    if not any(c.isalnum() for c in word):
        return conf >= _OCR_SURE_CONF and all(c in "-–—•·+*.,;:…()\"'“”/" for c in word)
    if conf >= _OCR_SURE_CONF:
        return True
    core = word.strip(_STRIP)
    if any(c.isdigit() for c in core):
        return len(core) >= 2
    return all(p.isalpha() and (is_syllable(p) or p.isupper() and len(p) >= 2) for p in core.split())


def _ocr_items(tsv: str, scale: float, height_px: int) -> list:
    """Word items (PDF points) from tesseract TSV output; drops low-confidence noise."""
    items: list = []
    k = 1.0 / scale
    page_h = height_px * k
    for row in tsv.splitlines()[1:]:
        f = row.split("\t")
        if len(f) < 12 or f[0] != "5":
            continue
        word = _unglue(f[11].strip())
        if not word:
            continue
        try:
            left, top, width, height = (int(v) for v in f[6:10])
            conf = float(f[10])
        except ValueError:
            continue
        if not _keep_word(word, conf):
            continue
        x0 = left * k
        x1 = (left + width) * k
        y1 = page_h - top * k
        y0 = page_h - (top + height) * k
        items.append([word, x0, y0, x1, y1, True, -1, conf])
    return items


def _device_boxes(page, width: int, height: int, boxes: list) -> list[tuple[int, int, int, int]]:
    """Page-space boxes (x0, y0, x1, y1) as pixel boxes of a rendering width x height."""
    out = []
    dx = ctypes.c_int()
    dy = ctypes.c_int()
    for x0, y0, x1, y1 in boxes:
        xs, ys = [], []
        for x, y in ((x0, y0), (x1, y1)):
            if pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, x, y, ctypes.byref(dx), ctypes.byref(dy)):
                xs.append(dx.value)
                ys.append(dy.value)
        if len(xs) == 2:
            out.append((min(xs) - 2, min(ys) - 2, max(xs) + 3, max(ys) + 3))
    return out


def _render(pdf, i: int, max_pixels: int, warnings: list[str], mask: list = ()) -> tuple[bytes, float, int] | None:
    """Grayscale PGM of page i at 300 dpi (less for giant pages), with the `mask` boxes
    painted white: (image, scale, height in px)."""
    page = pdf[i]
    try:
        pw, ph = page.get_size()
        if page.get_rotation() in (90, 270):
            pw, ph = ph, pw
        scale = OCR_DPI / 72.0
        if pw * ph * scale * scale > max_pixels:
            scale = math.sqrt(max_pixels / max(pw * ph, 1.0)) * 0.995     # rendering rounds up
            warnings.append(f"page {i + 1}: page is {pw:.0f}x{ph:.0f} pt, rendered at "
                            f"{scale * 72:.0f} dpi to stay under {max_pixels} pixels")
        if scale * min(pw, ph) < 1:
            return None
        # Annotations are left out: a signature stamp's text is already in the text layer
        # (the reader keeps it), and OCR of a stamp drawn over the signature block is noise.
        bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False, draw_annots=False)
        try:
            white = _device_boxes(page, bitmap.width, bitmap.height, mask) if mask else []
            image = ocr.pgm_bytes(bitmap.width, bitmap.height, bitmap.stride, bitmap.buffer, white)
            height = bitmap.height
        finally:
            bitmap.close()
        return image, scale, height
    finally:
        page.close()


def _ocr_text(tsv: str, scale: float, height: int) -> tuple[str, int]:
    """Page text from tesseract TSV, and how many valid syllables it has."""
    text = "\n".join(layout_lines(_ocr_items(tsv, scale, height), words=True))
    return text, syllable_stats(text)[0]


def _ocr_job(image: bytes, scale: float, height: int, deadline: float) -> str:
    """OCR one rendered page (runs in a worker thread; no pdfium here). A page that reads
    badly is checked for orientation (a landscape table printed sideways) and, if
    tesseract finds it turned, read again upright."""
    tsv = ocr.ocr_image(image, timeout=deadline - time.monotonic(), tsv=True)
    text, valid = _ocr_text(tsv, scale, height)
    judged = syllable_stats(text)[1]
    if valid >= 20 and valid >= 0.6 * judged:
        return text
    left = deadline - time.monotonic()
    rot = ocr.osd_rotation(image, timeout=min(30.0, left))
    if not rot:
        return text
    turned = ocr.rotate_image(image, rot)
    if turned is None:
        return text
    image2, _, height2 = turned
    try:
        tsv2 = ocr.ocr_image(image2, timeout=deadline - time.monotonic(), tsv=True)
    except ocr.OcrError:
        return text
    text2, valid2 = _ocr_text(tsv2, scale, height2)
    return text2 if valid2 > valid else text
