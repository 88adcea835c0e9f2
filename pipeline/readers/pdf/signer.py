"""A signer's name printed only inside the signature image (step 5 of the reader)."""
from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

from vanban.pipeline.readers import ocr
from vanban.pipeline.readers.pdf.common import OCR_DPI, _Page, _SEQ, _X0, _X1, _Y0, _Y1
from vanban.pipeline.readers.pdf.ocr_words import _device_boxes, _unglue
from vanban.pipeline.readers.pdf.syllables import _STAMP_LINE, _STRIP, is_syllable

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
