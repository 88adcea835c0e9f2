"""PDF reader: real PDFs from tests/fixtures/pdf (see make_fixtures.py there), no mocks.

OCR tests need the tesseract CLI with the `vie` model (CI installs tesseract-ocr and
tesseract-ocr-vie); they are skipped only when it is missing.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pipeline.readers import ocr
from pipeline.readers import pdf as pdf_reader
from pipeline.readers.base import ReadError
from pipeline.readers.pdf import read_pdf, syllable_stats

FIX = Path(__file__).parent / "fixtures" / "pdf"
CONG_DIEN_064 = FIX / "064_cong-dien-58-cd-vpcp-2026.pdf"
QD_067 = FIX / "067_quyet-dinh-2536-qd-ubnd-lam-dong-2025.pdf"
SCAN_111_P1 = FIX / "111_p1_scan.pdf"
STAMP_111_P3 = FIX / "111_p3_stamp.pdf"


def _has_tesseract_vie() -> bool:
    if shutil.which("tesseract") is None:
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    return "vie" in (out.stdout + out.stderr).split()


needs_tesseract = pytest.mark.skipif(
    not _has_tesseract_vie(), reason="tesseract with the 'vie' model is not installed "
                                     "(apt-get install tesseract-ocr tesseract-ocr-vie)")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("VANBAN_OCR", "VANBAN_OCR_TIMEOUT", "VANBAN_MAX_PAGES", "VANBAN_MAX_PAGE_PIXELS"):
        monkeypatch.delenv(name, raising=False)
    ocr.tesseract_problem.cache_clear()
    yield
    ocr.tesseract_problem.cache_clear()


def _lines(text: str) -> list[str]:
    return [ln.replace("\t", " ").strip() for ln in text.split("\n")]


# --- synthetic PDFs (built with pdfium, or by hand where pdfium cannot write it) ----------

def _text_pdf(path: Path, runs: list[tuple[str, float, float, float]], size=(595, 842), font=b"Helvetica") -> Path:
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(*size)
    for text, x, y, fs in runs:
        obj = pdfium_c.FPDFPageObj_NewTextObj(doc.raw, font, fs)
        ws = (text + "\x00").encode("utf-16-le")
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(ctypes.c_char_p(ws), ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    doc.save(path)
    doc.close()
    return path


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _encrypted_pdf(path: Path, user_pw: bytes, owner_pw: bytes) -> Path:
    """A one-page PDF encrypted with the standard security handler (RC4 40-bit, R2)."""
    doc_id = hashlib.md5(b"vanban-test").digest()
    o = _rc4(hashlib.md5((owner_pw + _PAD)[:32]).digest()[:5], (user_pw + _PAD)[:32])
    p = -44
    key = hashlib.md5((user_pw + _PAD)[:32] + o + p.to_bytes(4, "little", signed=True) + doc_id).digest()[:5]
    u = _rc4(key, _PAD)
    content = b"BT /F1 12 Tf 72 720 Td (Secret text) Tj ET"
    obj_key = hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
    stream = _rc4(obj_key, content)
    objs = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Filter/Standard/V 1/R 2/O<" + o.hex().encode() + b">/U<" + u.hex().encode()
        + b">/P %d>>" % p,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<</Size %d/Root 1 0 R/Encrypt 5 0 R/ID[<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, doc_id.hex().encode(), doc_id.hex().encode(), xref))
    path.write_bytes(bytes(out))
    return path


# --- text layer -------------------------------------------------------------------------

def test_header_columns_are_not_interleaved():
    # 067's content stream writes the header row by row across both columns.
    doc = read_pdf(QD_067)
    lines = _lines(doc.text)
    assert not any("ỦY BAN NHÂN DÂN" in ln and "CỘNG HÒA" in ln for ln in lines)
    assert not any("TỈNH LÂM ĐỒNG" in ln and "Độc lập" in ln for ln in lines)
    # Left column (issuing body, number), then right column (motto, place and date).
    at = {key: next(i for i, ln in enumerate(lines) if ln.startswith(key))
          for key in ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số:", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                      "Độc lập - Tự do - Hạnh phúc", "Lâm Đồng, ngày")}
    assert list(at.values()) == sorted(at.values())
    assert at["Lâm Đồng, ngày"] - at["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] == 2
    # The number and the day are form widgets filled in at signing: they must be read.
    assert lines[at["Số:"]] == "Số: 2536 /QĐ-UBND"
    assert lines[at["Lâm Đồng, ngày"]] == "Lâm Đồng, ngày 12 tháng 12 năm 2025"


def test_header_and_signature_block_064():
    doc = read_pdf(CONG_DIEN_064)
    assert doc.format == "pdf" and not doc.ocr_pages and not doc.warnings
    lines = _lines(doc.text)
    assert "Số: 58/CĐ-VPCP" in lines
    assert "Hà Nội, ngày 10 tháng 01 năm 2026" in lines
    assert "VĂN PHÒNG CHÍNH PHỦ\n" in doc.text
    # Signature block: recipients (left) first, then the signer's column, contiguous.
    assert "KT. BỘ TRƯỞNG, CHỦ NHIỆM\nPHÓ CHỦ NHIỆM\nPhạm Mạnh Cường" in doc.text
    assert doc.text.index("Nơi nhận:") < doc.text.index("- Lưu: VT, TH (2) Thạch") < doc.text.index("KT. BỘ TRƯỞNG")
    assert not any("Nơi nhận" in ln and "KT." in ln for ln in lines)
    # A hyphen pdfium marks as a line-end hyphen stays a hyphen.
    assert "2764/QĐ-\nTTg" in doc.text or "2764/QĐ-TTg" in doc.text


def test_page_spans_point_at_their_pages():
    doc = read_pdf(CONG_DIEN_064)
    assert [s.page for s in doc.pages] == [1, 2]
    first, second = doc.pages
    assert first.start == 0 and second.end == len(doc.text)
    assert doc.text[first.end:second.start] == "\n\n"
    assert "Số: 58/CĐ-VPCP" in doc.text[first.start:first.end]
    assert "Phạm Mạnh Cường" in doc.text[second.start:second.end]
    assert doc.page_at(doc.text.index("Phạm Mạnh Cường")) == 2
    # Every word in a page's span is printed on that page.
    src = pdfium.PdfDocument(str(CONG_DIEN_064))
    try:
        for span in doc.pages:
            page_words = set(re.findall(r"[^\W_]+", src[span.page - 1].get_textpage().get_text_range()))
            span_words = set(re.findall(r"[^\W_]+", doc.text[span.start:span.end]))
            assert span_words <= page_words, span_words - page_words
    finally:
        src.close()


def test_fake_bold_glyphs_are_read_once(tmp_path):
    runs = [("Body text of the letter, long enough to be a line.", 72, 700, 12)]
    x = 200.0
    for ch in "BOLD TITLE":                      # each glyph drawn twice, 0.4 pt apart
        runs += [(ch, x, 500, 13), (ch, x + 0.4, 500.2, 13)]
        x += 7.8
    doc = read_pdf(_text_pdf(tmp_path / "bold.pdf", runs, font=b"Courier"))
    assert "BOLD TITLE" in doc.text
    assert "BB" not in doc.text and "OO" not in doc.text


# --- files that cannot be read ----------------------------------------------------------

def test_encrypted_pdf(tmp_path):
    path = _encrypted_pdf(tmp_path / "locked.pdf", b"secret", b"owner")
    with pdfium.PdfDocument(str(path), password="secret") as opened:   # a genuine encrypted PDF
        assert "Secret text" in opened[0].get_textpage().get_text_range()
    with pytest.raises(ReadError, match="encrypted PDF"):
        read_pdf(path)


def test_pdf_with_only_an_owner_password_reads(tmp_path):
    doc = read_pdf(_encrypted_pdf(tmp_path / "owner-only.pdf", b"", b"owner"))
    assert "Secret text" in doc.text


def test_truncated_pdf(tmp_path):
    data = CONG_DIEN_064.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match="truncated"):
        read_pdf(path)


@pytest.mark.parametrize("data, problem", [
    (b"", "empty file"),
    (b"<!DOCTYPE html><html><body>404</body></html>", "not a PDF"),
    (b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n", "corrupt PDF"),
])
def test_unreadable_files(tmp_path, data, problem):
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=problem):
        read_pdf(path)


def test_page_limit(monkeypatch):
    monkeypatch.setenv("VANBAN_MAX_PAGES", "1")
    with pytest.raises(ReadError, match=r"too many pages \(2"):
        read_pdf(CONG_DIEN_064)


def test_giant_page_is_rendered_under_the_pixel_cap(tmp_path):
    path = _text_pdf(tmp_path / "giant.pdf", [("Poster", 100, 100, 400)], size=(14400, 14400))
    doc = read_pdf(path)                     # text layer only: nothing rendered
    assert "Poster" in doc.text
    warnings: list[str] = []
    with pdfium.PdfDocument(str(path)) as pdf:
        image, scale, height = pdf_reader._render(pdf, 0, 2_000_000, warnings)
    width = int(image.split(b"\n")[1].split()[0])
    assert width * height <= 2_000_000
    assert warnings and "pixels" in warnings[0]


def test_garbled_text_is_measured():
    good = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 của Quốc hội"
    tcvn3 = "Uû ban nh©n d©n tØnh §¾k N«ng quyÕt ®Þnh vÒ viÖc ban hµnh quy chÕ ho¹t ®éng"
    v, j = syllable_stats(good)
    assert v == j > 10
    v, j = syllable_stats(tcvn3)
    assert v < 0.5 * j


# --- OCR ----------------------------------------------------------------------------------

@needs_tesseract
def test_ocr_of_a_scanned_page():
    start = time.monotonic()
    doc = read_pdf(SCAN_111_P1)
    assert time.monotonic() - start < 40
    assert doc.ocr_pages == [1]
    assert any("page 1 had no usable text layer: text from OCR" in w for w in doc.warnings)
    text = doc.text
    assert "Luật Thú y số 79/2015/QH13" in text
    assert "Nghị định số 35/2016/NĐ-CP" in text
    lines = _lines(text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert not any("ỦY BAN NHÂN DÂN" in ln and "CỘNG HÒA" in ln for ln in lines)
    assert doc.pages[0].start == 0 and doc.pages[0].end == len(text)


@needs_tesseract
def test_ocr_keeps_the_signature_stamp_text():
    # The page's only text layer is the digital-signature stamp: not a usable body.
    doc = read_pdf(STAMP_111_P3)
    assert doc.ocr_pages == [1]
    text = doc.text
    assert "Chi cục Thú y vùng V" in text                     # from OCR
    assert "Toản" in text                                      # the signer, from OCR
    assert "24.07.2019 16:08:57" in text                       # the stamp, from the layer
    assert text.index("Chi cục Thú y") < text.index("Thời gian ký")


def test_ocr_disabled(monkeypatch):
    monkeypatch.setenv("VANBAN_OCR", "0")
    doc = read_pdf(SCAN_111_P1)
    assert doc.ocr_pages == [] and doc.text == ""
    assert any("VANBAN_OCR=0" in w and "page 1" in w for w in doc.warnings)


def test_missing_tesseract_is_a_warning(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))              # no tesseract on this PATH
    ocr.tesseract_problem.cache_clear()
    doc = read_pdf(STAMP_111_P3)
    assert doc.ocr_pages == []
    assert any("install tesseract-ocr and tesseract-ocr-vie to read page 1" in w for w in doc.warnings)
    assert "24.07.2019 16:08:57" in doc.text                # what text there is


@needs_tesseract
def test_ocr_time_budget(monkeypatch):
    monkeypatch.setenv("VANBAN_OCR_TIMEOUT", "1")
    doc = read_pdf(SCAN_111_P1)
    assert doc.ocr_pages == []
    assert any("time budget" in w for w in doc.warnings)
