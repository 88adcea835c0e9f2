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
   syllables: a scanner's bad OCR layer, a legacy font without Unicode), or is
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

import ctypes
import functools
import math
import os
import re
import threading
import time
import unicodedata
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from vanban.pipeline.readers import ocr, pdfscan
from vanban.pipeline.readers.base import PageSpan, RawDocument, ReadError
from vanban.pipeline.readers.sniff import check_chars

# PDFium is not thread-safe: every call into it, from any thread of the process, goes
# through this lock (tesseract runs outside it).
_PDFIUM_LOCK = threading.RLock()

MB = 1 << 20
MAX_CHARS_PER_PAGE = 200_000
MAX_IMAGE_PIXELS = 250_000_000      # an embedded image bigger than this is not decoded
OCR_DPI = ocr.DPI

# --- configuration -------------------------------------------------------------------


def _env_num(name: str, default: float, lo: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        val = float(raw)
    except ValueError:
        return default
    return val if val >= lo else default


def _settings() -> dict:
    return {
        "max_pages": int(_env_num("VANBAN_MAX_PAGES", 500, 1)),
        "ocr": os.environ.get("VANBAN_OCR", "1").strip().lower() not in {"0", "false", "no", "off"},
        "ocr_timeout": _env_num("VANBAN_OCR_TIMEOUT", 300.0, 1),
        "max_page_pixels": int(_env_num("VANBAN_MAX_PAGE_PIXELS", 40_000_000, 1_000_000)),
        "workers": max(1, min(2, os.cpu_count() or 1)),
    }


# --- Vietnamese syllables: is a text layer usable? ---------------------------------------

_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}(?:ch|nh|ng|[cmnpt])?$")
_STRIP = ".,;:!?()[]{}\"'“”‘’«»-–—/…*•·"


@functools.lru_cache(maxsize=65536)
def is_syllable(token: str) -> bool:
    """True if `token` (one word, any case, with tone marks) is a well-formed Vietnamese syllable."""
    t = unicodedata.normalize("NFD", token.lower()).translate(_TONE_MARKS)
    return bool(_SYLLABLE.match(unicodedata.normalize("NFC", t)))


def syllable_stats(text: str, limit: int | None = None) -> tuple[int, int]:
    """(valid syllables, word tokens judged), over the first `limit` tokens if given.
    Numbers and short all-caps abbreviations are not judged."""
    valid = judged = 0
    for tok in text.split()[:limit]:
        tok = tok.strip(_STRIP)
        if not tok or any(c.isdigit() for c in tok):
            continue
        if tok.isalpha() and is_syllable(tok):
            valid += 1
            judged += 1
        elif tok.isalpha() and tok.isupper() and len(tok) <= 6:
            continue                       # UBND, HĐND, CCHC, PCI ...
        else:
            judged += 1
    return valid, judged


# A digital-signature stamp: "Người ký: ... Email: ... Cơ quan: ... Thời gian ký: 24.07.2019 16:08:57 +07:00"
_STAMP_BLOCK = re.compile(
    r"(?:Người\s*ký|Ký\s*bởi|Signed\s*by)\s*:.{0,400}?(?:Thời\s*gian\s*ký|Giờ\s*ký|Ngày\s*ký|Date)\s*:?"
    r"\s*[\d./:\- ]*\d(?:\s*[+-]\d\d:?\d\d)?",
    re.S | re.I)
_STAMP_LINE = re.compile(r"^\s*(?:Người\s*ký|Ký\s*bởi|Email|Cơ\s*quan|Thời\s*gian\s*ký|Giờ\s*ký|Ngày\s*ký|"
                         r"Signed\s*by|Signature\s*valid)\b.*$", re.M | re.I)
MIN_BODY_SYLLABLES = 15


def stamp_text(text: str) -> str:
    """The digital-signature stamps in a page's text, one after another."""
    return "\n".join(m.group(0).strip() for m in _STAMP_BLOCK.finditer(text))


def body_text(text: str) -> str:
    """The page text without digital-signature stamp text."""
    return _STAMP_LINE.sub("", _STAMP_BLOCK.sub(" ", text))


# --- line building -------------------------------------------------------------------
# An item is a list [text, x0, y0, x1, y1, space_after, seq(, conf)]: a glyph (text layer)
# or a word (OCR), with a box in PDF points (y grows upwards) and its position in the
# content stream (seq; -1 for OCR words, where every pair of words is separated by a
# space). OCR words also carry tesseract's confidence (0-100).

_T, _X0, _Y0, _X1, _Y1, _SP, _SEQ, _CONF = range(8)

_HEADER_RE = re.compile(
    r"C[ỘÔO]NG\s*H[ÒOÓ]A|Độc\s*lập|Hạnh\s*phúc|^\s*S[ốô]\s*[:.]|ĐẢNG\s*C[ỘO]NG\s*S[ẢA]N|ngày\b.{0,40}tháng|V/v",
    re.M | re.I)
_SIG_RE = re.compile(
    r"(?i:N[ơo]i\s*nh[ậa]n)|\b(?:KT|TM|TL|TUQ|Q)\s*\.|CH[ỦU]\s*T[ỊI]CH|GI[ÁA]M\s*Đ[ỐO]C|TR[ƯU][ỞƠO]NG|CHÁNH|"
    r"BÍ\s*THƯ|ĐẠI\s*DIỆN|(?i:Người\s*ký)", re.M)


# "Kính gửi:" opens the body: a header block never runs into it (its recipient list,
# printed beside it, would land in the header's right column).
_BARRIER_RE = re.compile(r"^\s*K[íi]nh\s*g[ửu]i", re.I)


@dataclass
class _Line:
    top: float
    bot: float
    h: float
    items: list
    segs: list = field(default_factory=list)   # [x0, x1, text]


def _runs(items: list) -> list:
    """Consecutive glyphs of the content stream on one baseline, as pseudo-items
    [top, bot, h, glyphs]: grouping runs instead of glyphs into lines is much faster."""
    runs: list = []
    cur = None
    for it in items:
        top, bot = it[_Y1], it[_Y0]
        if cur is not None:
            tol = 0.2 * cur[2]
            if abs(top - cur[0]) <= tol and abs(bot - cur[1]) <= tol:
                cur[3].append(it)
                continue
        cur = [top, bot, max(top - bot, 0.5), [it]]
        runs.append(cur)
    return runs


def _group_lines(items: list, words: bool = False) -> list[_Line]:
    """Group items into lines by vertical overlap; lines top to bottom.

    Glyph boxes of one font are all as tall, so the tallest glyph sets a line's band
    (a raised footnote mark joins it). OCR word boxes vary (a seal or a blot can make
    a tall "word"), so there the band is the running mean of the words' boxes.
    """
    units = [[it[_Y1], it[_Y0], max(it[_Y1] - it[_Y0], 0.5), [it]] for it in items] if words else _runs(items)
    lines: list[_Line] = []
    for top, bot, h, its in sorted(units, key=lambda u: -(u[0] + u[1])):
        best = None
        best_ov = 0.0
        for ln in lines[-4:]:
            ov = min(top, ln.top) - max(bot, ln.bot)
            if ov > 0.5 * min(h, ln.h) and ov > best_ov:
                best, best_ov = ln, ov
        if best is None:
            lines.append(_Line(top, bot, h, list(its)))
        elif words:
            best.items.extend(its)
            n = len(best.items)
            best.top += (top - best.top) / n
            best.bot += (bot - best.bot) / n
            best.h = max(best.top - best.bot, 0.5)
        else:
            best.items.extend(its)
            if h > best.h:                      # the tallest glyph sets the line's band
                best.top, best.bot, best.h = top, bot, h
    lines.sort(key=lambda ln: -ln.top)
    return lines


def _segment(ln: _Line, words: bool) -> None:
    """Sort a line's items left to right, drop fake-bold doubles, cut at wide gaps.
    OCR segments that are noise (a blot beside a real line) are dropped."""
    its = sorted(ln.items, key=lambda t: t[_X0])
    h = ln.h
    seg_gap = 1.2 * h if not words else 1.6 * h
    jump_gap = 0.8 * h                 # smaller gap is enough where the content stream jumps
    space_gap = 0.15 * h
    segs: list = []                    # [x0, x1, text parts, items]
    cur = None
    prev = None
    for it in its:
        if prev is not None and not words and it[_T] == prev[_T] \
                and abs(it[_X0] - prev[_X0]) < min(0.3 * h, 0.4 * (prev[_X1] - prev[_X0])) \
                and abs(it[_Y0] - prev[_Y0]) < 0.3 * h:
            prev[_SP] = prev[_SP] or it[_SP]          # the same glyph drawn twice: fake bold
            continue
        if cur is not None:
            gap = it[_X0] - cur[1]
            stream_jump = not words and not (0 < it[_SEQ] - prev[_SEQ] <= 3)
            if gap > seg_gap or (stream_jump and gap > jump_gap):
                cur = None
            else:
                if words or prev[_SP] or gap > space_gap:
                    cur[2].append(" ")
                cur[2].append(it[_T])
                cur[3].append(it)
                cur[1] = max(cur[1], it[_X1])
        if cur is None:
            cur = [it[_X0], it[_X1], [it[_T]], [it]]
            segs.append(cur)
        prev = it
    out = []
    for x0, x1, parts, items in segs:
        text = re.sub(r"\s+", " ", "".join(parts)).strip()
        if text and not (words and _noise_line(items)):
            out.append([x0, x1, text])
    ln.segs = out


def _seeds(lines: list[_Line], i: int) -> list[tuple[int, int, float, float]]:
    """Two-column starts at line i: a line split by a wide gap (each gap a candidate
    gutter), or two lines side by side (one wholly left of the other), as when the
    columns' baselines do not line up."""
    ln = lines[i]
    if len(ln.segs) >= 2:
        return [(i, i, max(s[1] for s in ln.segs[: k + 1]), min(s[0] for s in ln.segs[k + 1:]))
                for k in range(len(ln.segs) - 1)]
    if i + 1 < len(lines) and len(lines[i + 1].segs) == 1:
        nx = lines[i + 1]
        h = max(ln.h, nx.h)
        if ln.bot - nx.top > 1.0 * h:
            return []
        a, b = ln.segs[0], nx.segs[0]
        if b[0] - a[1] >= h:
            return [(i, i + 1, a[1], b[0])]
        if a[0] - b[1] >= h:
            return [(i, i + 1, b[1], a[0])]
    return []


def _grow_zone(lines: list[_Line], used: list[bool], seed: tuple[int, int, float, float]
               ) -> tuple[int, int, float, float]:
    """Largest run of lines around a seed that all stay clear of one vertical gutter."""
    lo, hi, left_edge, right_edge = seed
    h = max(ln.h for ln in lines[lo: hi + 1])
    min_gutter = 0.6 * h

    def fits(ln: _Line, le: float, re_: float) -> tuple[float, float] | None:
        mid = (le + re_) / 2
        for s in ln.segs:
            if (s[0] + s[1]) / 2 < mid:
                le = max(le, s[1])
            else:
                re_ = min(re_, s[0])
        return (le, re_) if re_ - le >= min_gutter else None

    j = hi + 1
    while j < len(lines) and not used[j]:
        if lines[j - 1].bot - lines[j].top > 2.0 * max(h, lines[j].h) or _BARRIER_RE.match(lines[j].segs[0][2]):
            break
        r = fits(lines[j], left_edge, right_edge)
        if r is None:
            break
        left_edge, right_edge = r
        hi = j
        j += 1
    j = lo - 1
    while j >= 0 and not used[j]:
        if lines[j].bot - lines[j + 1].top > 2.0 * max(h, lines[j].h) or _BARRIER_RE.match(lines[j].segs[0][2]):
            break
        r = fits(lines[j], left_edge, right_edge)
        if r is None:
            break
        left_edge, right_edge = r
        lo = j
        j -= 1
    return lo, hi, left_edge, right_edge


def layout_lines(items: list, words: bool = False) -> list[str]:
    """Text lines of one page in reading order, two-column blocks column by column."""
    return [text for text, _ in _layout(items, words)]


def _seg_box(ln: _Line, segs: list) -> tuple[float, float, float, float]:
    return (min(s[0] for s in segs), ln.bot, max(s[1] for s in segs), ln.top)


def _layout(items: list, words: bool = False) -> list[tuple[str, tuple[float, float, float, float]]]:
    """`layout_lines` with each line's box (x0, y0, x1, y1; in a two-column block, the
    box of the line's part in its column)."""
    if not items:
        return []
    lines = _group_lines(items, words)
    if words:       # OCR noise from seals and signatures
        lines = [ln for ln in lines if not _noise_line(ln.items)]
    for ln in lines:
        _segment(ln, words)
    lines = [ln for ln in lines if ln.segs]
    used = [False] * len(lines)
    zones: dict[int, tuple[int, list]] = {}      # first line -> (last line, output lines)
    for i, ln in enumerate(lines):
        if used[i]:
            continue
        best = None
        for seed in _seeds(lines, i):
            if any(used[seed[0]: seed[1] + 1]) \
                    or any(_BARRIER_RE.match(lines[j].segs[0][2]) for j in range(seed[0], seed[1] + 1)):
                continue
            zone = _grow_zone(lines, used, seed)
            if best is None or zone[1] - zone[0] > best[1] - best[0]:
                best = zone                  # the gutter that holds over the most lines
        if best is None:
            continue
        lo, hi, le, re_ = best
        block = lines[lo: hi + 1]
        text = "\n".join(" ".join(s[2] for s in b.segs) for b in block)
        if not (_HEADER_RE.search(text) or _SIG_RE.search(text)):
            continue
        mid = (le + re_) / 2
        left: list = []
        right: list = []
        for b in block:
            ls = [s for s in b.segs if (s[0] + s[1]) / 2 < mid]
            rs = [s for s in b.segs if (s[0] + s[1]) / 2 >= mid]
            if ls:
                left.append(("\t".join(s[2] for s in ls), _seg_box(b, ls)))
            if rs:
                right.append(("\t".join(s[2] for s in rs), _seg_box(b, rs)))
        for j in range(lo, hi + 1):
            used[j] = True
        zones[lo] = (hi, left + right)
    out: list = []
    i = 0
    while i < len(lines):
        if i in zones:
            hi, block_lines = zones[i]
            out.extend(block_lines)
            i = hi + 1
            continue
        ln = lines[i]
        out.append(("\t".join(s[2] for s in ln.segs), _seg_box(ln, ln.segs)))
        i += 1
    return out


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


@dataclass
class _Page:
    number: int
    text: str = ""
    garbled: bool = False
    usable: bool = True
    ocr: bool = False
    ocr_text: str | None = None
    cover: float = 0.0
    image_px: int = 0
    mask: list = field(default_factory=list)    # text-layer boxes to hide from OCR
    sig_block: bool = False                     # a signature title line in the right column
    probes: list = field(default_factory=list)  # _SigProbe: signature images to read a name from


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
        pg.garbled = judged >= 20 and valid < 0.5 * judged
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


_CODE_LIKE = re.compile(r"\w[/-]\w|^S[ốôó]", re.I)


def _noise_line(words: list) -> bool:
    """An OCR line that is noise: hardly a letter, or unsure and mostly not Vietnamese.
    A line with a document-number-like word (".../QĐ-UBND", "Số:") is kept however
    unsure: the number may be handwritten."""
    text = " ".join(w[_T] for w in words)
    if sum(c.isalnum() for c in text) < 2:
        return True
    if any(w[_CONF] >= 40 and _CODE_LIKE.search(w[_T]) for w in words):
        return False
    conf = sum(w[_CONF] for w in words) / len(words)
    if conf < 50:
        return True
    valid, judged = syllable_stats(text)
    if valid >= 2 and valid == judged:
        return False                     # a run of real syllables ("Lê Mai Toản"), though unsure
    if conf < 75 and len(words) <= 4 and not any(
            w[_CONF] >= 80 and sum(c.isalpha() for c in w[_T]) >= 3 for w in words):
        return True
    if conf < 70:
        return judged > 0 and valid < 0.5 * judged
    return False


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


# --- the signer's name printed only in the signature image -------------------------------
# A text-layer page whose signature block has the title ("GIÁM ĐỐC") but no name line,
# with an image just below the title in its column: the name is then often printed
# inside the signature image, where a reader sees it and the text layer does not have
# it. That region alone (the title's column, a few cm below it, text-layer glyphs
# painted white) is rendered and OCR'd, and a personal name read there becomes a line
# after the title. Only the last page with a signature block is looked at, one region
# per document, and only when OCR is available. Other images (a receiving-office
# stamp, a seal away from the title) are never read.

SIG_DEPTH = 170.0            # how far below the title line the name may be printed (pt, 6 cm)
SIG_MIN_HALF_WIDTH = 100.0   # half the width of the region read (pt), at least
SIG_PSM = 11                 # sparse text: the name line among a signature's strokes
SIG_OCR_TIMEOUT = 30.0

_AUTH_PREFIX = re.compile(r"^(?:KT|TM|TL|TUQ|Q)\s*\.")
# A title's words, compared without accents.
_POSITION = re.compile(r"\b(?:CHU TICH|GIAM DOC|TRUONG|PHO|CHANH|BI THU|CHU NHIEM|TONG|THU KY|UY VIEN|"
                       r"KE TOAN|DAI DIEN|CHI HUY|TU LENH|CHINH UY|THU TUONG)\b")
_RANK_PREFIX = re.compile(r"^(?:(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy|uý)|"
                          r"(?:PGS|GS|TS|ThS|Ths|KS|BS|Bs)\.(?:\s*TS\.)?)\s*")
# A name read by OCR must start with a family name: seal and stamp text never does.
_SURNAMES = frozenset("""
    Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Trương
    Lương Mai Trịnh Lâm Phùng Tạ Hà Cao Đoàn Lưu Tôn Vương Quách Thái Tống Kiều Châu Từ La
    Triệu Hứa Lại Đàm Khúc Mạc Nông Lò Lục Chu Giang Tăng Âu Thân Nghiêm Doãn Tô Mạch
    Bạch Diệp Hầu Khổng Kim Lạc Lã Lữ Mã Ma Ninh Phó Quan Sầm Thạch Tiêu Trà Trang Trình Ung
    Viên Vi Hàn Hồng Khương Đồng Đông Cù Cấn Bế Ông Phí Quang Bành Cung Đường Hoa Khuất
    Kha Lều Lường Mẫn Nhan Phương Quản Tào Thiều Tiết Ứng Vàng Điêu Đèo Cầm Bàn Chảo Ngân
    Giàng Thào Sùng Mùa Lầu Yên Chử Cổ Dư Hàng Lạng Lư Mông Nhữ Thang
""".split())
# Family names that are as often a middle name ("Nguyễn Hoàng Anh" read without its first
# word): a name starting with one has three syllables at least.
_MIDDLE_TOO = frozenset("Hoàng Hồng Kim Quang Phương Mai Thái Hoa Ngân".split())
# Places that read like a name ("Lâm Đồng" on a stamp).
_PLACES = frozenset({"Lâm Đồng", "Hà Nội", "Hà Giang", "Hà Tĩnh", "Hà Nam", "Cao Bằng", "Thái Nguyên",
                     "Thái Bình", "Ninh Bình", "Ninh Thuận", "Đồng Nai", "Đồng Tháp", "Trà Vinh", "Yên Bái",
                     "Lâm Hà", "Đông Hà", "Đông Hải"})
_NOT_IN_NAME = frozenset("Người Ký Ngày Số Cơ Thời Gian Sở Tỉnh Huyện Xã Ủy Cục Bộ Phòng Giám Đốc Tịch "
                         "Đến Chủ Trưởng Phó Nơi Nhận Lưu Kính Gửi Email".split())


@dataclass
class _SigProbe:
    line: int                      # index of the title line in the page's text lines
    title: str
    box: tuple[float, float, float, float]     # region to read, page space (x0, y0, x1, y1)
    mask: list                     # text-layer glyph boxes in the region (painted white)
    image: bytes | None = None     # the rendered region (PGM)


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in s if not unicodedata.combining(c)).upper()


def _caps_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and not any(c.isdigit() for c in text)


def _is_sig_title(text: str) -> bool:
    """A title line of a signature block: "KT. CHỦ TỊCH", "PHÓ GIÁM ĐỐC", "CỤC TRƯỞNG"."""
    t = text.strip()
    return "\t" not in t and len(t.split()) <= 10 and _caps_line(t) \
        and bool(_AUTH_PREFIX.match(t) or _POSITION.search(_fold(t)))


def _is_name_line(text: str) -> bool:
    """A line that reads as a personal name (any case, a rank or degree before it)."""
    t = _RANK_PREFIX.sub("", unicodedata.normalize("NFC", text.strip()))
    words = t.split()
    return 2 <= len(words) <= 6 and all(w.isalpha() and w[0].isupper() and is_syllable(w) for w in words)


def _image_boxes(page) -> list[tuple[float, float, float, float]]:
    """Page-space boxes of the page's images, those inside form XObjects included (a
    flattened signature widget draws its picture from a form inside a form)."""
    boxes = []
    forms: list = []                         # matrices of the enclosing forms, by level
    for obj in page.get_objects(max_depth=8):
        lvl = obj.level
        del forms[lvl:]
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            forms.append(obj.get_matrix())
            continue
        if obj.type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        try:
            box = obj.get_bounds()
            for m in reversed(forms):
                box = m.on_rect(*box)
        except Exception:  # noqa: BLE001 - an object pdfium cannot measure
            continue
        boxes.append(box)
    return boxes


def _overlap(a, b) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _signature_probes(page, textpage, laid: list, items: list) -> tuple[bool, list[_SigProbe]]:
    """(the page has a signature title in its right-hand column, the region to read a
    name from when that title has no name line below it but an image there)."""
    pw, _ = page.get_size()
    titles = [k for k, (t, b) in enumerate(laid) if (b[0] + b[2]) / 2 > 0.45 * pw and _is_sig_title(t)]
    if not titles:
        return False, []
    k = min(titles, key=lambda j: laid[j][1][1])          # the lowest title line
    x0, y0, x1, y1 = laid[k][1]
    # A title split over two lines ("PHÓ CHỦ" / "TỊCH"): the name goes after the last.
    for j in range(k + 1, min(k + 3, len(laid))):
        t, b = laid[j]
        if _caps_line(t) and len(t.split()) <= 3 and b[0] < x1 and b[2] > x0 \
                and 0 <= y0 - b[3] < 0.8 * (y1 - y0):
            k, y0 = j, b[1]
            x0, x1 = min(x0, b[0]), max(x1, b[2])
        else:
            break
    cx = (x0 + x1) / 2
    hw = max((x1 - x0) / 2 + 40, SIG_MIN_HALF_WIDTH)
    region = (max(0.0, cx - hw), max(0.0, y0 - SIG_DEPTH), min(pw, cx + hw), y0)
    for j, (t, b) in enumerate(laid):
        if j == k or b[3] > y0 + 1 or b[3] < region[1] or b[2] <= region[0] or b[0] >= region[2]:
            continue
        if _is_name_line(t) and x0 - 20 <= (b[0] + b[2]) / 2 <= x1 + 20:
            return True, []                  # the name is in the text layer
        if len(t.split()) > 8 and not _STAMP_LINE.match(t):
            return True, []                  # body text goes on: not a bare signature space
    if page.get_rotation() or region[2] - region[0] < 20 or region[3] - region[1] < 20:
        return True, []
    # Images there: a signature picture (the name printed in it), a name picture, a scan.
    # Only their part of the region is read.
    area = (region[2] - region[0]) * (region[3] - region[1])
    imgs = [b for b in _image_boxes(page)
            if _overlap(b, region) >= 0.25 * area
            or b[3] - b[1] >= 10 and _overlap(b, region) >= 0.5 * (b[2] - b[0]) * (b[3] - b[1])]
    if not imgs:
        return True, []
    region = (max(region[0], min(b[0] for b in imgs)), max(region[1], min(b[1] for b in imgs)),
              min(region[2], max(b[2] for b in imgs)), min(region[3], max(b[3] for b in imgs)))
    # Visible glyphs in the region (an e-signature stamp's text) are painted white; an
    # invisible layer (a scanner's OCR over the page image) is not: the image is the print.
    mask = []
    tp = textpage.raw
    for it in items:
        box = (it[_X0], it[_Y0], it[_X1], it[_Y1])
        if _overlap(box, region) > 0:
            obj = pdfium_c.FPDFText_GetTextObject(tp, it[_SEQ])
            invisible = obj and pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
            if not invisible:
                mask.append(box)
    return True, [_SigProbe(k, laid[k][0], region, mask)]


def _to_device(page, width: int, height: int, x: float, y: float) -> tuple[int, int]:
    dx = ctypes.c_int()
    dy = ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
    return dx.value, dy.value


def _render_probe(pdf, number: int, probe: _SigProbe) -> None:
    """Render a probe's region of page `number` at 300 dpi, text-layer glyphs painted white."""
    page = pdf[number - 1]
    try:
        scale = OCR_DPI / 72.0
        pw, ph = page.get_size()
        width, height = math.ceil(pw * scale), math.ceil(ph * scale)
        x0, y0, x1, y1 = probe.box
        (ax, ay), (bx, by) = _to_device(page, width, height, x0, y1), _to_device(page, width, height, x1, y0)
        px0, px1 = max(0, min(ax, bx)), min(width, max(ax, bx))
        py0, py1 = max(0, min(ay, by)), min(height, max(ay, by))
        if px1 - px0 < 20 or py1 - py0 < 20:
            return
        crop = (px0 / scale, (height - py1) / scale, (width - px1) / scale, py0 / scale)
        bitmap = page.render(scale=scale, crop=crop, grayscale=True, may_draw_forms=False, draw_annots=False)
        try:
            white = [(a - px0, b - py0, c - px0, d - py0)
                     for a, b, c, d in _device_boxes(page, width, height, probe.mask)]
            probe.image = ocr.pgm_bytes(bitmap.width, bitmap.height, bitmap.stride, bitmap.buffer, white)
        finally:
            bitmap.close()
    finally:
        page.close()


def _signer_name(tsv: str) -> str | None:
    """The personal name in tesseract's TSV of a signature region: on one line, 2-5
    capitalised Vietnamese syllables read with fair confidence, a family name first,
    and nothing else on that line but noise (strokes of the signature, of a seal)."""
    rows: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for row in tsv.splitlines()[1:]:
        f = row.split("\t")
        if len(f) < 12 or f[0] != "5" or not f[11].strip():
            continue
        try:
            conf = float(f[10])
        except ValueError:
            continue
        for w in _unglue(f[11].strip()).split():
            rows.setdefault((f[2], f[3], f[4]), []).append((unicodedata.normalize("NFC", w), conf))
    best: tuple[float, str] | None = None
    for words in rows.values():
        runs: list[list[int]] = [[]]
        for n, (w, conf) in enumerate(words):
            core = w.strip(_STRIP)
            if conf >= 45 and core.isalpha() and core[0].isupper() and core[1:].islower() \
                    and is_syllable(core) and core not in _NOT_IN_NAME:
                runs[-1].append(n)
            elif runs[-1]:
                runs.append([])
        for run in runs:
            if not 2 <= len(run) <= 5:
                continue
            names = [words[n][0].strip(_STRIP) for n in run]
            confs = [words[n][1] for n in run]
            if names[0] not in _SURNAMES or sum(confs) / len(confs) < 65 \
                    or names[0] in _MIDDLE_TOO and len(names) < 3 or " ".join(names[-2:]) in _PLACES:
                continue
            others = [words[n] for n in range(len(words)) if n not in run]
            if any(conf >= 60 and sum(c.isalpha() for c in w) >= 2 for w, conf in others):
                continue                    # a name inside other text is not a name line
            score = sum(confs) / len(confs)
            if best is None or score > best[0]:
                best = (score, " ".join(names))
    return best[1] if best else None


def _read_signer_names(pages: list[_Page], cfg: dict, warnings: list[str]) -> None:
    """OCR the rendered probes and put the names read after their title lines."""
    for pg in pages:
        for probe in pg.probes:
            if probe.image is None:
                continue
            try:
                tsv = ocr.ocr_image(probe.image, psm=SIG_PSM, tsv=True,
                                    timeout=min(SIG_OCR_TIMEOUT, cfg["ocr_timeout"]))
            except ocr.OcrError as e:
                warnings.append(f"page {pg.number}: the signature image could not be read ({e})")
                continue
            name = _signer_name(tsv)
            lines = pg.text.split("\n")
            if name and probe.line < len(lines) and lines[probe.line] == probe.title:
                lines.insert(probe.line + 1, name)
                pg.text = "\n".join(lines)
                warnings.append(f"page {pg.number}: signer's name read from the signature image by OCR")


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
