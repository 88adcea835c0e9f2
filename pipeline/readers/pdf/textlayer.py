"""The text layer of one page through PDFium: glyph items, rotated text, flattened
annotations, images that cover the page (step 1 and 4 of the reader)."""
from __future__ import annotations

import ctypes
import math
import re
import unicodedata

import pypdfium2.raw as pdfium_c

from vanban.pipeline.readers.pdf.common import MAX_CHARS_PER_PAGE, _Page, _SEQ, _SP, _T
from vanban.pipeline.readers.pdf.lines import _layout, _runs
from vanban.pipeline.readers.pdf.signer import _signature_probes
from vanban.pipeline.readers.pdf.syllables import MIN_BODY_SYLLABLES, accented_share, body_text, syllable_stats

# --- text layer ------------------------------------------------------------------------

_SPACES = {0x20, 0xA0, 0x09, 0x2002, 0x2003, 0x2009, 0x202F, 0x3000}
_BREAKS = {0x0A, 0x0D}


def _char_items(textpage, warnings: list[str], pno: int) -> tuple[list, list[str]]:
    """Glyph items of a text page, plus the text of rotated glyphs (margin stamps, vertical notes)."""
    tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    if n > MAX_CHARS_PER_PAGE:
        warnings.append(f"page {pno}: {n} characters in the text layer, only the first {MAX_CHARS_PER_PAGE} read")
        n = MAX_CHARS_PER_PAGE
    # The whole text in one call is ~50x faster than a call per character; it has one
    # UTF-16 unit per character index (checked, else per-character calls).
    text = textpage.get_text_range(0, n)
    if len(text) != n:
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(tp, i) or 0xFFFD) for i in range(n))
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    get_angle = pdfium_c.FPDFText_GetCharAngle
    rect = pdfium_c.FS_RECTF()
    prect = ctypes.byref(rect)
    combining = unicodedata.combining
    items: list = []
    rotated: list[str] = []
    last = None
    last_rot = False
    for i, ch in enumerate(text):
        u = ord(ch)
        if u in _SPACES:
            if last_rot:
                rotated.append(" ")
            elif last is not None:
                last[_SP] = True
            continue
        if u in _BREAKS:
            continue
        if u == 0xFFFE or u == 0x02:             # pdfium's mark for a hyphen at a line end
            ch = "-"
        elif u < 0x20 or 0xD800 <= u <= 0xDFFF or u in (0xFFFF, 0xFFFD):
            continue
        if u >= 0x300 and combining(ch):
            if last_rot and rotated:
                rotated[-1] += ch
            elif last is not None:
                last[_T] += ch
            continue
        get_box(tp, i, prect)
        x0, y0, x1, y1 = rect.left, rect.bottom, rect.right, rect.top
        # An upright glyph's loose box is taller than wide (font height vs advance);
        # only a box that is not is worth asking about rotation.
        if x1 - x0 > 0.95 * (y1 - y0):
            a = get_angle(tp, i)
            if a > 0.05 and abs(a - 2 * math.pi) > 0.05 and _is_rotated(tp, i):
                if not last_rot and rotated:
                    rotated.append("\n")
                rotated.append(ch)
                last_rot = True
                continue
        last_rot = False
        it = [ch, x0, y0, x1, y1, False, i]
        items.append(it)
        last = it
    rot_lines = [re.sub(r"[ \t]+", " ", s).strip() for s in "".join(rotated).split("\n")]
    return items, [s for s in rot_lines if s]


def _is_rotated(tp, i: int) -> bool:
    """The glyph's baseline is not horizontal (a skewed italic is not rotated)."""
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFText_GetMatrix(tp, i, ctypes.byref(m)):
        return False
    return not (m.a > 0 and abs(m.b) <= 0.2 * m.a)


_FLATTEN_SKIP = {pdfium_c.FPDF_ANNOT_LINK, pdfium_c.FPDF_ANNOT_POPUP}


def _needs_flatten(page) -> bool:
    n = pdfium_c.FPDFPage_GetAnnotCount(page.raw)
    for k in range(min(n, 200)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, k)
        if not annot:
            continue
        sub = pdfium_c.FPDFAnnot_GetSubtype(annot)
        pdfium_c.FPDFPage_CloseAnnot(annot)
        if sub not in _FLATTEN_SKIP:
            return True
    return False


def _image_info(page) -> tuple[float, int]:
    """(share of the page covered by the largest image, pixels of the largest embedded image)."""
    pw, ph = page.get_size()
    area = max(pw * ph, 1.0)
    best_cover = 0.0
    max_px = 0
    w = ctypes.c_uint()
    h = ctypes.c_uint()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        try:
            x0, y0, x1, y1 = obj.get_bounds()
            best_cover = max(best_cover, max(0.0, x1 - x0) * max(0.0, y1 - y0) / area)
        except Exception:
            pass
        if pdfium_c.FPDFImageObj_GetImagePixelSize(obj.raw, ctypes.byref(w), ctypes.byref(h)):
            max_px = max(max_px, w.value * h.value)
    return min(best_cover, 1.0), max_px




def _glyph_boxes(textpage, items: list) -> list[tuple[float, float, float, float]]:
    """Tight boxes of the glyphs' runs (for hiding a stamp from OCR without touching
    the scanned lines next to it)."""
    tp = textpage.raw
    l, r, b, t = (ctypes.c_double() for _ in range(4))
    refs = [ctypes.byref(v) for v in (l, r, b, t)]
    boxes = []
    for run in _runs(items):
        x0 = y0 = math.inf
        x1 = y1 = -math.inf
        for it in run[3]:
            if pdfium_c.FPDFText_GetCharBox(tp, it[_SEQ], *refs):
                x0, x1 = min(x0, l.value), max(x1, r.value)
                y0, y1 = min(y0, b.value), max(y1, t.value)
        if x0 < x1 and y0 < y1:
            boxes.append((x0, y0, x1, y1))
    return boxes


def _read_text_layer(pdf, i: int, warnings: list[str]) -> _Page:
    pg = _Page(i + 1)
    page = pdf[i]
    textpage = None
    try:
        if _needs_flatten(page):
            if pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY) == pdfium_c.FLATTEN_SUCCESS:
                page.close()
                page = pdf[i]
        textpage = page.get_textpage()
        items, rotated = _char_items(textpage, warnings, i + 1)
        if items and sum(map(len, rotated)) > 4 * len(items):   # a page set sideways: pdfium's order
            text = textpage.get_text_range()
            lines = [ln.strip() for ln in text.replace("\r", "").split("\n")]
            laid = None
        else:
            laid = _layout(items)
            lines = [t for t, _ in laid] + rotated
        pg.text = "\n".join(ln for ln in lines if ln)
        body = body_text(pg.text)
        valid, judged = syllable_stats(body, limit=400)
        marked, words = accented_share(body, limit=400)
        # garbled: not Vietnamese syllables, or Vietnamese words with none of their marks
        # (a font whose glyphs map to ASCII and digits: "Tham muu UBND tinh t6 chric")
        pg.garbled = (judged >= 20 and valid < 0.5 * judged) or (words >= 40 and marked < 0.25 * words)
        pg.usable = valid >= MIN_BODY_SYLLABLES and not pg.garbled
        if not pg.usable:
            pg.cover, pg.image_px = _image_info(page)
            # A scan; a garbled layer (a bad scanner OCR layer, glyphs without Unicode);
            # or a page drawn only with vector paths (text converted to outlines).
            pg.ocr = pg.cover >= 0.2 or pg.garbled or (
                not items and pdfium_c.FPDFPage_CountObjects(page.raw) >= 50)
            if pg.ocr and not pg.garbled and items:
                # The layer (a stamp drawn on the page) is kept as text; OCR of it would
                # repeat it and, drawn over the signature block, mix into it.
                pg.mask = _glyph_boxes(textpage, items)
        if laid and not pg.ocr:
            pg.sig_block, pg.probes = _signature_probes(page, textpage, laid, items)
    finally:
        if textpage is not None:
            textpage.close()
        page.close()
    return pg
