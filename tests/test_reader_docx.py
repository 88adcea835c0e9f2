"""DOCX reader: paragraphs and tables in order, cells whole, footnotes, text boxes,
list numbers; zip bombs and broken files refused with a clear reason."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from vanban.pipeline.readers import ReadError, read_document
from vanban.pipeline.readers.docx import read_docx

FIX = Path(__file__).parent / "fixtures" / "docx"

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')


def fixture(prefix: str) -> Path:
    (p,) = FIX.glob(f"{prefix}_*.docx")
    return p


def p(text: str, extra: str = "") -> str:
    return f'<w:p>{extra}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def cell(*paras: str) -> str:
    return "<w:tc>" + "".join(p(x) for x in paras) + "</w:tc>"


def make_docx(path: Path, body: str, footnotes: str | None = None, numbering: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{body}</w:body></w:document>')
        if footnotes:
            z.writestr("word/footnotes.xml", f'<?xml version="1.0"?><w:footnotes {NS}>{footnotes}</w:footnotes>')
        if numbering:
            z.writestr("word/numbering.xml", f'<?xml version="1.0"?><w:numbering {NS}>{numbering}</w:numbering>')
    return path


# ---- real documents --------------------------------------------------------------------

def test_085_header_and_signature_tables_not_interleaved():
    d = read_document(fixture("085"))
    assert d.format == "docx"
    lines = [ln.strip() for ln in d.text.splitlines()]
    order = ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "Độc lập - Tự do - Hạnh phúc", "KẾ HOẠCH"]
    idx = [lines.index(x) for x in order]
    assert idx == sorted(idx)
    assert lines[idx[1] + 1].startswith("Số:")                       # left cell whole before the right one
    sig = ["Nơi nhận:", "- Lưu: VT, NC.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Ngọc Phúc"]
    idx = [lines.index(x) for x in sig]
    assert idx == sorted(idx)
    assert "Căn cứ Kế hoạch số 9669/KH-UBND ngày 24/12/2025" in d.text
    # the footnote comes at the end, after a blank line
    assert d.text.rstrip().splitlines()[-1].startswith("[1] Theo Quyết định: Thống nhất áp dụng Quyết định số 01/2025/QĐ-UBND")
    assert "\n\n[1] " in d.text


def test_093_signature_and_dates():
    d = read_document(fixture("093"))
    lines = [ln.strip() for ln in d.text.splitlines()]
    assert "Lâm Đồng, ngày        tháng 4 năm 2026".split() == lines[lines.index("Độc lập - Tự do - Hạnh phúc") + 1].split()
    sig = ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Nguyễn Ngọc Nam"]
    idx = [lines.index(x) for x in sig]
    assert idx == sorted(idx)
    assert "phấn đấu đến ngày 30/6/2026 hoàn thành tối thiểu 80%" in d.text
    assert any(ln.startswith("[1] Tham dự họp") for ln in lines)


# ---- synthetic structure ------------------------------------------------------------

def test_tables_cells_in_order_nested_and_merged(tmp_path):
    body = (
        "<w:tbl><w:tr>" + cell("ỦY BAN NHÂN DÂN", "TỈNH A", "Số: 12/KH-UBND")
        + cell("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc") + "</w:tr></w:tbl>"
        + p("KẾ HOẠCH")
        + "<w:tbl><w:tr><w:tc>" + p("Nơi nhận:") + p("- Lưu: VT.")
        + "</w:tc><w:tc>" + p("KT. CHỦ TỊCH")
        + "<w:tbl><w:tr>" + cell("(nested)") + "</w:tr></w:tbl>" + p("Nguyễn Văn A") + "</w:tc></w:tr>"
        + '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>' + cell("ghi chú") + "</w:tr></w:tbl>"
    )
    d = read_docx(make_docx(tmp_path / "t.docx", body))
    lines = [ln for ln in d.text.splitlines()]
    want = ["ỦY BAN NHÂN DÂN", "TỈNH A", "Số: 12/KH-UBND", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc", "", "KẾ HOẠCH", "", "Nơi nhận:", "- Lưu: VT.", "",
            "KT. CHỦ TỊCH", "", "(nested)", "", "Nguyễn Văn A", "", "ghi chú"]
    assert lines == want


def test_numbering_textbox_tracked_changes_hidden_and_footnotes(tmp_path):
    numbering = (
        '<w:abstractNum w:abstractNumId="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>'
        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#61623;"/></w:lvl>'
        '</w:abstractNum><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    )

    def num(lvl: int, nid: int = 1) -> str:
        return f'<w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{nid}"/></w:numPr></w:pPr>'

    textbox = ('<w:p><w:r><w:t xml:space="preserve">Đoạn có hộp chữ.</w:t></w:r><w:r><mc:AlternateContent>'
               '<mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>' + p("DỰ THẢO") +
               '</w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
               '<mc:Fallback><w:pict><v:textbox><w:txbxContent>' + p("DỰ THẢO") +
               '</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    body = (p("MỤC ĐÍCH", num(0)) + p("Mục đích", num(1)) + p("Thứ nhất", num(2)) + p("Thứ hai", num(2))
            + p("Yêu cầu", num(1)) + p("NHIỆM VỤ", num(0)) + p("gạch đầu dòng", num(0, 2)) + textbox
            + '<w:p><w:r><w:t xml:space="preserve">Căn cứ Luật số 1</w:t></w:r><w:del><w:r><w:delText>XÓA</w:delText></w:r></w:del>'
              '<w:ins><w:r><w:t>2</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>ẨN</w:t></w:r>'
              '<w:r><w:footnoteReference w:id="3"/></w:r><w:r><w:t xml:space="preserve">/2025/QH15;</w:t></w:r></w:p>')
    foot = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:id="3"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Văn bản số 477/BCA-H01 ngày 04/02/2026.</w:t></w:r></w:p></w:footnote>')
    d = read_docx(make_docx(tmp_path / "n.docx", body, footnotes=foot, numbering=numbering))
    lines = d.text.splitlines()
    assert lines[:7] == ["I. MỤC ĐÍCH", "1. Mục đích", "a) Thứ nhất", "b) Thứ hai", "2. Yêu cầu", "II. NHIỆM VỤ",
                         "- gạch đầu dòng"]
    assert lines[7:9] == ["Đoạn có hộp chữ.", "DỰ THẢO"]            # text box once, on its own line
    assert "Căn cứ Luật số 12/2025/QH15;" in lines                     # no deleted/hidden text, no marker
    assert lines[-1] == "[1] Văn bản số 477/BCA-H01 ngày 04/02/2026."
    assert lines[-2] == ""


def test_legacy_font_text_in_docx(tmp_path):
    body = p("Céng hßa x· héi chñ nghÜa ViÖt Nam") + p("§éc lËp - Tù do - H¹nh phóc") + p("Quy ®Þnh vÒ viÖc thùc hiÖn")
    d = read_docx(make_docx(tmp_path / "l.docx", body))
    assert d.text.splitlines()[:2] == ["Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập - Tự do - Hạnh phúc"]
    assert any("TCVN3" in w for w in d.warnings)


# ---- refused files ------------------------------------------------------------------

def _patch_central_sizes(path: Path, name: str, size: int) -> None:
    """Rewrite the uncompressed size a zip's central directory declares for `name`."""
    data = bytearray(path.read_bytes())
    sig = b"PK\x01\x02"
    i = data.find(sig)
    while i != -1:
        n = struct.unpack_from("<H", data, i + 28)[0]
        fname = data[i + 46: i + 46 + n].decode()
        if fname == name:
            struct.pack_into("<I", data, i + 24, size)
        i = data.find(sig, i + 4)
    path.write_bytes(bytes(data))


def test_zip_bomb_declared_size(tmp_path):
    f = make_docx(tmp_path / "bomb.docx", p("x"))
    _patch_central_sizes(f, "word/document.xml", 4_000_000_000)
    with pytest.raises(ReadError, match=r"zip bomb\? part word/document.xml would unpack to 3815 MB"):
        read_docx(f)


def test_zip_bomb_ratio(tmp_path):
    f = tmp_path / "ratio.docx"
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("word/document.xml", b"<" + b" " * (40 * 1024 * 1024))
    with pytest.raises(ReadError, match=r"zip bomb\?.*ratio \d+:1"):
        read_docx(f)


def test_truncated_corrupt_and_incomplete(tmp_path):
    good = make_docx(tmp_path / "g.docx", p("Nội dung văn bản"))
    t = tmp_path / "trunc.docx"
    t.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(ReadError, match="corrupt or truncated"):
        read_document(t)
    bad_xml = tmp_path / "badxml.docx"
    with zipfile.ZipFile(bad_xml, "w") as z:
        z.writestr("word/document.xml", "<w:document><w:body><w:p>")
    with pytest.raises(ReadError, match="word/document.xml is not well-formed XML"):
        read_document(bad_xml)
    nodoc = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(nodoc, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReadError, match="not a Word document"):
        read_document(nodoc)
    empty = make_docx(tmp_path / "e.docx", "<w:p/>")
    with pytest.raises(ReadError, match="no text"):
        read_document(empty)


def test_entity_expansion_is_not_performed(tmp_path):
    f = tmp_path / "laughs.docx"
    xml = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
           f'<w:document {NS}><w:body>' + p("Văn bản &d; kết thúc") + "</w:body></w:document>")
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("word/document.xml", xml)
    d = read_document(f)
    assert "hahaha" not in d.text and "kết thúc" in d.text
