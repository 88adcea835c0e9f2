"""PDF reader: real PDFs from tests/fixtures/pdf (see make_fixtures.py there), no mocks.

OCR tests need the tesseract CLI with the `vie` model (CI installs tesseract-ocr and
tesseract-ocr-vie); they are skipped only when it is missing.
"""
from __future__ import annotations

import ctypes
import functools
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

from vanban.pipeline.readers import ocr
from vanban.pipeline.readers import pdf as pdf_reader
from vanban.pipeline.readers.base import ReadError
from vanban.pipeline.readers.pdf import read_pdf, syllable_stats
from vanban.pipeline.readers.pdf.syllables import accented_share

FIX = Path(__file__).parent / "fixtures" / "pdf"
CONG_DIEN_064 = FIX / "064_cong-dien-58-cd-vpcp-2026.pdf"
QD_067 = FIX / "067_quyet-dinh-2536-qd-ubnd-lam-dong-2025.pdf"
SCAN_111_P1 = FIX / "111_p1_scan.pdf"
STAMP_111_P3 = FIX / "111_p3_stamp.pdf"
SIGNATURE_098_P3 = FIX / "098_p3_signature.pdf"
SIGNER_WARNING = "signer's name read from the signature image by OCR"


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


def test_a_layer_of_vietnamese_words_without_their_marks_is_garbled(tmp_path, monkeypatch):
    # What a provincial scanner's font without Vietnamese glyphs leaves (extra 069 page 2,
    # 077 page 3): ASCII letters and digits where the marks were. Valid syllables are most
    # of it ("tinh", "nghi", "chinh"), so only the missing marks tell.
    broken = ("Tham muu UBND tinh t6 chric HQi nghi tham vdn chuy6n m6n vdi sy tham dg cta c6c chuy6n gia "
              "nhim nang cao Chi si5 PCI trong thoi gian t6i. Giao Thanh tra tinh cht tri phi5i hqp v6i c6c "
              "co quan c6 li6n quan tr5 chtic thanh tra kirim tra c6ng t6c phdng ch6ng tham nhfing trong "
              "giai quyiit thu tuc hanh chinh c6c c6p tr6n dia bdn tinh")
    marked, words = accented_share(broken)
    assert words >= 40 and marked == 0
    words_ = broken.split()
    runs = [(" ".join(words_[i:i + 9]), 60, 780 - 20 * (i // 9), 11) for i in range(0, len(words_), 9)]
    monkeypatch.setenv("VANBAN_OCR", "0")
    doc = read_pdf(_text_pdf(tmp_path / "broken-font.pdf", runs))
    assert any("VANBAN_OCR=0" in w and "page 1" in w for w in doc.warnings)     # judged unusable: OCR it
    good = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 của Quốc hội"
    assert accented_share(good) == (15, 15)                  # every word marked; the 3 numbers left out
    assert accented_share("CỘNG HÒA UBND HĐND") == (0, 0)    # short capitals are not judged


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


# --- the signer's name printed only in the signature image -----------------------------------

def _ocr_calls(monkeypatch) -> list:
    """Record every tesseract call (and still make it)."""
    calls: list = []
    real = ocr.ocr_image

    def spy(image, **kw):
        calls.append(kw)
        return real(image, **kw)

    monkeypatch.setattr(ocr, "ocr_image", spy)
    return calls


@needs_tesseract
def test_signer_name_read_from_the_signature_image(monkeypatch):
    # 098 page 3: "GIÁM ĐỐC" and an e-signature stamp are in the text layer; the name
    # "Nguyễn Tấn Bi" is printed only inside the signature picture.
    calls = _ocr_calls(monkeypatch)
    doc = read_pdf(SIGNATURE_098_P3)
    assert doc.ocr_pages == []                                   # a text-layer page
    assert doc.warnings == ["page 1: " + SIGNER_WARNING]
    assert len(calls) == 1 and calls[0]["psm"] == pdf_reader.SIG_PSM     # one small crop
    lines = _lines(doc.text)
    title = lines.index("GIÁM ĐỐC")
    assert lines[title + 1] == "Nguyễn Tấn Bi"
    assert doc.text.count("Nguyễn Tấn Bi") == 1
    assert doc.pages[0].start == 0 and doc.pages[0].end == len(doc.text)
    # Only that line is added: the rest is the text layer as read without OCR.
    monkeypatch.setenv("VANBAN_OCR", "0")
    plain = read_pdf(SIGNATURE_098_P3)
    assert plain.warnings == [] and "Nguyễn Tấn Bi" not in plain.text
    assert doc.text == plain.text.replace("GIÁM ĐỐC\n", "GIÁM ĐỐC\nNguyễn Tấn Bi\n", 1)
    # The e-signature stamp (text layer, drawn beside the picture) is not read into the name.
    assert "Người ký: Sở Tài" in doc.text and "Thời gian ký:" in doc.text


@needs_tesseract
def test_pages_after_the_inserted_name_shift(tmp_path):
    # The signature page first, then an ordinary page: the name line moves the second
    # page's span, and the second page's text is what it is when read alone.
    path = tmp_path / "two.pdf"
    merged = pdfium.PdfDocument.new()
    with pdfium.PdfDocument(str(SIGNATURE_098_P3)) as a, pdfium.PdfDocument(str(CONG_DIEN_064)) as b:
        merged.import_pages(a, [0])
        merged.import_pages(b, [0])
        merged.save(path)
    merged.close()
    doc = read_pdf(path)
    assert doc.warnings == ["page 1: " + SIGNER_WARNING]
    first, second = doc.pages
    assert first.start == 0 and second.end == len(doc.text)
    assert doc.text[first.end:second.start] == "\n\n"
    assert doc.page_at(doc.text.index("Nguyễn Tấn Bi")) == 1
    assert "Nguyễn Tấn Bi" in doc.text[first.start:first.end]
    alone = read_pdf(CONG_DIEN_064)
    assert doc.text[second.start:second.end] == alone.text[alone.pages[0].start:alone.pages[0].end]
    assert doc.page_at(doc.text.index("Số: 58/CĐ-VPCP")) == 2


@pytest.mark.parametrize("path, title, name", [
    (CONG_DIEN_064, "PHÓ CHỦ NHIỆM", "Phạm Mạnh Cường"),
    (QD_067, "PHÓ CHỦ TỊCH", "Nguyễn Minh"),
])
def test_no_ocr_when_the_name_is_in_the_text_layer(monkeypatch, path, title, name):
    # 064 and 067 have a signature picture just below the title, and the name typed
    # under it in the text layer: nothing is rendered or OCR'd.
    # As if tesseract were installed (a function with cache_clear, as the real one).
    monkeypatch.setattr(ocr, "tesseract_problem", functools.lru_cache(lambda lang=ocr.LANG: None))
    calls: list = []
    monkeypatch.setattr(ocr, "ocr_image", lambda image, **kw: calls.append(kw) or "")
    doc = read_pdf(path)
    assert calls == []
    assert not any(SIGNER_WARNING in w for w in doc.warnings)
    lines = _lines(doc.text)
    assert lines[lines.index(title) + 1] == name and lines.count(name) == 1
    # The picture is there (in the signature widget): it is the name line that stops the OCR.
    with pdfium.PdfDocument(str(path)) as pdf:
        n = len(pdf) - 1
        page = pdf[n]
        assert pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY) == pdfium_c.FLATTEN_SUCCESS
        page.close()
        page = pdf[n]
        assert pdf_reader._image_boxes(page)
        page.close()


def test_no_signature_ocr_when_ocr_is_off(monkeypatch, tmp_path):
    calls: list = []
    monkeypatch.setattr(ocr, "ocr_image", lambda image, **kw: calls.append(kw) or "")
    monkeypatch.setenv("VANBAN_OCR", "0")
    doc = read_pdf(SIGNATURE_098_P3)
    assert calls == [] and doc.warnings == [] and "Nguyễn Tấn Bi" not in doc.text
    monkeypatch.delenv("VANBAN_OCR")
    monkeypatch.setenv("PATH", str(tmp_path))              # no tesseract on this PATH
    ocr.tesseract_problem.cache_clear()
    doc = read_pdf(SIGNATURE_098_P3)
    assert calls == [] and doc.warnings == [] and "GIÁM ĐỐC" in doc.text


def _tsv(lines: list[list[tuple[str, float]]]) -> str:
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"]
    for n, words in enumerate(lines, 1):
        for k, (w, conf) in enumerate(words, 1):
            rows.append(f"5\t1\t1\t1\t{n}\t{k}\t{10 * k}\t{40 * n}\t30\t20\t{conf}\t{w}")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("lines, name", [
    ([[("AuuZ", 27.0)], [("Nguyễn", 96.5), ("Tấn", 53.2), ("Bi", 95.8)]], "Nguyễn Tấn Bi"),
    ([[("LtZ”", 0.0), ("Phan", 96.2), ("Thị", 96.8), ("Hiếu", 95.9)]], "Phan Thị Hiếu"),   # strokes before it
    ([[("NguyễnVănCường", 91.0)]], "Nguyễn Văn Cường"),                      # run together
    ([[("SỞ", 90.0), ("TÀI", 91.0), ("CHÍNH", 92.0)]], None),                 # a seal's capitals
    ([[("ĐẾN", 88.0), ("Số:", 90.0), ("9639", 95.0)],
      [("Ngày", 93.0), ("19/05/2025", 90.0)]], None),                          # a receiving stamp
    ([[("Đắk", 95.0), ("Nông", 95.0)]], None),                                # a place, no family name
    ([[("uyên", 96.3), ("Ngọc", 96.5), ("Phúc", 96.7)]], None),               # family name cut off
    ([[("Người", 95.0), ("ký:", 95.0), ("Nguyễn", 95.0), ("Văn", 95.0), ("An", 95.0)]], None),  # in a sentence
    ([[("Trần", 40.0), ("Văn", 41.0), ("Nam", 42.0)]], None),                  # unsure
    ([[("Lâm", 95.0), ("Đồng", 95.0)]], None),                                # a province
    ([[("Hoàng", 95.0), ("Anh", 95.0)]], None),                               # "Nguyễn" lost?
    ([[("Hoàng", 95.0), ("Văn", 95.0), ("Thụ", 95.0)]], "Hoàng Văn Thụ"),
])
def test_signer_name_from_ocr_words(lines, name):
    assert pdf_reader._signer_name(_tsv(lines)) == name
