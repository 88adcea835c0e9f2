"""Tables the docx and html readers know from the file's markup: each cell's span
in the text they write (which is the same with or without the tables), merged
cells once, header rows, layout frames left out; then cleaning and the
structure stage turn them into table parts that the targets extractor reads row
by row."""
from __future__ import annotations

import zipfile
from pathlib import Path

from vanban.pipeline.clean import clean
from vanban.pipeline.extract import extract_file
from vanban.pipeline.readers.cells import MAX_CELLS, MAX_SPAN, Cell, Grid, Mark, join_lines, remap
from vanban.pipeline.readers.docx import read_docx
from vanban.pipeline.readers.html import read_html
from vanban.pipeline.readers.legacy import vni_to_unicode
from vanban.pipeline.structure import parse_structure
from vanban.schemas.document import TableSpans

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def tc(*paras: str, pr: str = "") -> str:
    body = "".join(p(x) for x in paras) or "<w:p/>"
    return f"<w:tc>{'<w:tcPr>' + pr + '</w:tcPr>' if pr else ''}{body}</w:tc>"


def tr(*cells: str, header: bool = False) -> str:
    return "<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if header else "") + "".join(cells) + "</w:tr>"


def make_docx(path: Path, body: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{body}</w:body></w:document>')
    return path


def cells(doc, t: TableSpans) -> list[list[str]]:
    return [[doc.text[s:e] for s, e in row] for row in t.rows]


# A plan's indicator table: two heading rows (the second under a cell merged over
# two columns, beside cells merged down), a group row whose title spans the
# table, an empty cell, and a task whose name is merged down over two rows.
GOALS_TABLE = (
    "<w:tbl>"
    + tr(tc("STT", pr='<w:vMerge w:val="restart"/>'), tc("Chỉ tiêu", pr='<w:vMerge w:val="restart"/>'),
         tc("Đơn vị tính", pr='<w:vMerge w:val="restart"/>'), tc("Kế hoạch", pr='<w:gridSpan w:val="2"/>'),
         header=True)
    + tr(tc(pr="<w:vMerge/>"), tc(pr="<w:vMerge/>"), tc(pr="<w:vMerge/>"), tc("Năm 2026"), tc("Năm 2030"),
         header=True)
    + tr(tc("I"), tc("Kinh tế", pr='<w:gridSpan w:val="4"/>'))
    + tr(tc("1"), tc("Tốc độ tăng trưởng GRDP"), tc("%"), tc("8,5"), tc("10"))
    + tr(tc("2", pr='<w:vMerge w:val="restart"/>'), tc("Tỷ lệ đô thị hóa", pr='<w:vMerge w:val="restart"/>'),
         tc("%"), tc("45"), tc())
    + tr(tc(pr="<w:vMerge/>"), tc(pr="<w:vMerge/>"), tc("%"), tc(), tc("55"))
    + "</w:tbl>"
)


def test_docx_cells_point_at_their_text_merged_cells_once(tmp_path):
    body = p("KẾ HOẠCH") + p("Các chỉ tiêu chủ yếu:") + GOALS_TABLE + p("Sau bảng.")
    d = read_docx(make_docx(tmp_path / "t.docx", body))
    # the text is written as before: each cell's lines, a blank line after each
    assert d.text.split("\n\n")[:4] == ["KẾ HOẠCH\nCác chỉ tiêu chủ yếu:", "STT", "Chỉ tiêu", "Đơn vị tính"]
    assert d.text.endswith("Tỷ lệ đô thị hóa\n\n%\n\n45\n\n%\n\n55\n\nSau bảng.")
    (t,) = d.tables
    assert t.source == "docx" and t.header == 2
    assert cells(d, t) == [
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", ""],
        ["", "", "", "Năm 2026", "Năm 2030"],
        ["I", "Kinh tế", "", "", ""],
        ["1", "Tốc độ tăng trưởng GRDP", "%", "8,5", "10"],
        ["2", "Tỷ lệ đô thị hóa", "%", "45", ""],
        ["", "", "%", "", "55"],
    ]
    assert sorted(t.merges) == [(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 2, 1), (0, 3, 1, 2), (2, 1, 1, 4),
                                (4, 0, 2, 1), (4, 1, 2, 1)]
    # every span lies in the text, in order; an empty one stands where its row has got to
    flat = [s for row in t.rows for s in row]
    assert all(0 <= s <= e <= len(d.text) for s, e in flat)
    starts = [s for s, e in flat if s < e]
    assert starts == sorted(starts)


def test_docx_layout_frame_is_left_out_nested_table_kept(tmp_path):
    inner = "<w:tbl>" + tr(tc("Chỉ tiêu"), tc("Năm 2030")) + tr(tc("Tỷ lệ che phủ rừng"), tc("55%")) + "</w:tbl>"
    frame = ("<w:tbl>" + tr(tc("Nơi nhận:", "- Lưu: VT."),
                            "<w:tc>" + p("KT. CHỦ TỊCH") + inner + p("Nguyễn Văn A") + "</w:tc>") + "</w:tbl>")
    d = read_docx(make_docx(tmp_path / "n.docx", p("KẾ HOẠCH") + frame))
    assert d.text.splitlines() == ["KẾ HOẠCH", "", "Nơi nhận:", "- Lưu: VT.", "", "KT. CHỦ TỊCH", "", "Chỉ tiêu", "",
                                   "Năm 2030", "", "Tỷ lệ che phủ rừng", "", "55%", "", "Nguyễn Văn A"]
    (t,) = d.tables
    assert cells(d, t) == [["Chỉ tiêu", "Năm 2030"], ["Tỷ lệ che phủ rừng", "55%"]]


def test_docx_absurd_spans_are_bounded(tmp_path):
    row = tr(tc("a", pr='<w:gridSpan w:val="999999999"/>'), tc("b"))
    d = read_docx(make_docx(tmp_path / "b.docx", "<w:tbl>" + row + tr(tc("c"), tc("d")) + "</w:tbl>"))
    (t,) = d.tables
    assert len(t.rows[0]) <= 64 and cells(d, t)[1] == ["c", "d"]


def test_docx_legacy_font_table_spans_follow_the_conversion(tmp_path):
    vni = ["Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Ñoäc laäp - Töï do - Haïnh phuùc", "Tyû leä hoä ngheøo",
           "döôùi 1%"]
    body = p(vni[0]) + p(vni[1]) + "<w:tbl>" + tr(tc("Chæ tieâu"), tc("Naêm 2030")) + tr(tc(vni[2]), tc(vni[3])) \
        + "</w:tbl>"
    d = read_docx(make_docx(tmp_path / "v.docx", body))
    assert any("VNI" in w for w in d.warnings)
    assert d.text.startswith("Cộng hòa xã hội chủ nghĩa Việt Nam")
    assert cells(d, d.tables[0]) == [["Chỉ tiêu", "Năm 2030"], ["Tỷ lệ hộ nghèo", "dưới 1%"]]


PAGE = """<html><head><title>Kế hoạch</title></head><body>
<table class="layout"><tr><td class="menu"><a href="/">Trang chủ</a></td><td>
 <div class="content">
  <h1>Tỉnh A ban hành kế hoạch phát triển kinh tế năm 2026</h1>
  <p>Ủy ban nhân dân tỉnh A vừa ban hành kế hoạch phát triển kinh tế - xã hội năm 2026, với các chỉ tiêu chủ yếu như sau, theo từng lĩnh vực và từng địa phương trong tỉnh.</p>
  <table border="1">
   <thead><tr><th rowspan="2">Chỉ tiêu</th><th rowspan="2">Đơn vị tính</th><th colspan="2">Kế hoạch</th></tr>
          <tr><th>Năm 2026</th><th>Năm 2030</th></tr></thead>
   <tbody>
    <tr><td>Tốc độ tăng trưởng GRDP</td><td>%</td><td>8,5</td><td>10</td></tr>
    <tr><td><p>Thu nhập bình quân</p><p>đầu người</p></td><td>triệu đồng</td><td></td><td>150</td></tr>
   </tbody>
  </table>
  <p>Các sở, ngành và địa phương tổ chức triển khai thực hiện kế hoạch này một cách nghiêm túc, hiệu quả, đúng tiến độ đề ra.</p>
 </div>
</td></tr></table>
</body></html>"""


def test_html_cells_point_at_their_text_header_and_spans(tmp_path):
    f = tmp_path / "kh.html"
    f.write_text(PAGE, encoding="utf-8")
    d = read_html(f)
    assert "Trang chủ" not in d.text
    (t,) = d.tables                              # the page's layout table holds a table: not data
    assert t.source == "html" and t.header == 2
    assert cells(d, t) == [
        ["Chỉ tiêu", "Đơn vị tính", "Kế hoạch", ""],
        ["", "", "Năm 2026", "Năm 2030"],
        ["Tốc độ tăng trưởng GRDP", "%", "8,5", "10"],
        ["Thu nhập bình quân\nđầu người", "triệu đồng", "", "150"],
    ]
    assert sorted(t.merges) == [(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 1, 2)]


def test_html_absurd_spans_are_bounded(tmp_path):
    # colspan 1000 is the most HTML allows; rowspan is clipped to the table's rows
    table = ('<table><tr><td colspan="1000" rowspan="65534">a</td><td>b</td></tr>'
             + '<tr><td>c</td><td>d</td></tr>' * 3 + '<tr><td colspan="99999999999">e</td></tr></table>')
    f = tmp_path / "big.html"
    f.write_text("<html><body><h1>Bảng số liệu thống kê của tỉnh</h1><p>Ủy ban nhân dân tỉnh công bố số liệu "
                 "thống kê chủ yếu của năm, theo từng lĩnh vực, như bảng sau đây.</p>" + table * 400
                 + "</body></html>", encoding="utf-8")
    d = read_html(f)
    first = cells(d, d.tables[0])
    assert first[0][0] == "a" and first[1][1000:] == ["c", "d"] and first[4][1000:] == ["e"]
    assert max(len(r) for t in d.tables for r in t.rows) <= MAX_SPAN + 2
    assert sum(len(r) for t in d.tables for r in t.rows) <= MAX_CELLS        # all tables of the page together
    assert any("cells past that are kept as text" in w for w in d.warnings)


# ---- the pieces --------------------------------------------------------------------

def test_join_lines_marks_give_offsets_of_the_joined_text():
    a, b, e = Cell(), Cell(), Cell()
    lines = ["", "Tiêu đề  ", "", "", Mark(a, Mark.OPEN), "ô một", "dòng hai ", Mark(a, Mark.CLOSE), "",
             Mark(e, Mark.EMPTY), Mark(b, Mark.OPEN), "  ô hai", Mark(b, Mark.CLOSE), "", ""]
    text = join_lines(lines)
    assert text == "Tiêu đề\n\nô một\ndòng hai\n\n  ô hai"
    assert text[a.start:a.end] == "ô một\ndòng hai" and text[b.start:b.end] == "  ô hai"
    assert e.start == e.end == a.end


def test_grid_rowspan_from_above_pushes_cells_right():
    g = Grid("html")
    cs = [Cell() for _ in range(5)]
    for i, c in enumerate(cs):
        c.start, c.end = 10 * i, 10 * i + 3
    g.new_row()
    g.add(cs[0], rows=2)
    g.add(cs[1])
    g.new_row()
    g.add(cs[2])                  # column 1: column 0 is covered from above
    g.new_row()
    g.add(cs[3])
    g.add(cs[4], cols=2)
    t = g.spans()
    # a covered position stands where its row's text begins, or where the cell before it ends
    assert t.rows == [[(0, 3), (10, 13)], [(20, 20), (20, 23)], [(30, 33), (40, 43), (43, 43)]]
    assert t.merges == [(0, 0, 2, 1), (2, 1, 1, 2)]


def test_remap_follows_a_conversion_that_changes_lengths():
    raw = "Coäng hoøa\n\nTyû leä\n\nhoä ngheøo"
    t = TableSpans(rows=[[(12, 19), (21, 31)]], source="docx")
    conv = vni_to_unicode(raw)
    (m,) = remap(raw, conv, vni_to_unicode, [t])
    assert [conv[s:e] for s, e in m.rows[0]] == ["Tỷ lệ", "hộ nghèo"]
    # a conversion that does not work piece by piece keeps no table rather than wrong spans
    assert remap(raw, conv, lambda s: s[::-1], [t]) == []


# ---- end to end: the structure stage's table parts, the targets read from them -------

def _table_part(doc_clean):
    s = parse_structure(doc_clean)
    (table,) = s.find("table")
    return s, table


def test_docx_table_is_a_table_part_and_its_goals_are_read(tmp_path):
    body = (p("ỦY BAN NHÂN DÂN") + p("TỈNH A") + p("Số: 12/KH-UBND") + p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
            + p("Độc lập - Tự do - Hạnh phúc") + p("A, ngày 5 tháng 1 năm 2026") + p("KẾ HOẠCH")
            + p("Phát triển kinh tế - xã hội giai đoạn 2026 - 2030") + p("I. MỤC TIÊU")
            + p("Các chỉ tiêu chủ yếu như sau:")
            + "<w:tbl>" + tr(tc("STT"), tc("Chỉ tiêu"), tc("Đơn vị tính"), tc("Kế hoạch năm 2030"), header=True)
            + tr(tc("1"), tc("Tỷ lệ che phủ rừng"), tc("%"), tc("55"))
            + tr(tc("2"), tc("Số xã đạt chuẩn nông thôn mới"), tc("xã"), tc("120")) + "</w:tbl>"
            + p("II. TỔ CHỨC THỰC HIỆN") + p("Các sở, ngành triển khai thực hiện."))
    path = make_docx(tmp_path / "kh.docx", body)
    raw = read_docx(path)
    c = clean(raw)
    s, table = _table_part(c)
    assert table.attrs["source"] == "docx" and table.attrs["rows"] == "3" and table.attrs["columns"] == "4"
    assert [p.kind for p in s.path_at(table.start)][:3] == ["body", "section", "table"]
    head, first, second = table.children
    assert head.attrs.get("header") == "1"
    assert [c.text[x.start:x.end] for x in first.children] == ["1", "Tỷ lệ che phủ rừng", "%", "55"]
    assert first.children[3].attrs["column"] == "Kế hoạch năm 2030"
    ex = extract_file(path)
    got = {(t.indicator, t.value, t.unit, t.year) for t in ex.targets if t.rule == "table"}
    assert got == {("Tỷ lệ che phủ rừng", 55, "%", 2030), ("Số xã đạt chuẩn nông thôn mới", 120, "xã", 2030)}


def test_html_table_is_a_table_part_with_both_heading_rows(tmp_path):
    f = tmp_path / "kh.html"
    f.write_text(PAGE, encoding="utf-8")
    c = clean(read_html(f))
    s, table = _table_part(c)
    assert table.attrs["source"] == "html" and table.attrs["rows"] == "4"
    head, sub, growth, income = table.children
    assert head.attrs.get("header") == sub.attrs.get("header") == "1"       # <thead>'s two rows
    assert [c.text[x.start:x.end] for x in growth.children] == ["Tốc độ tăng trưởng GRDP", "%", "8,5", "10"]
    assert c.text[income.children[0].start:income.children[0].end] == "Thu nhập bình quân đầu người"   # lines joined
    # `Kế hoạch` (colspan 2) heads both year columns
    assert [x.attrs.get("column") for x in growth.children] == ["Chỉ tiêu", "Đơn vị tính", "Kế hoạch Năm 2026",
                                                                 "Kế hoạch Năm 2030"]
    assert [x.attrs.get("heading") for x in head.children][2:] == ["Kế hoạch Năm 2026", "Kế hoạch Năm 2030"]
    # and the targets extractor reads each year's column
    got = {(t.indicator, t.value, t.unit, t.year) for t in extract_file(f).targets if t.rule == "table"}
    assert got == {("Tốc độ tăng trưởng GRDP", 8.5, "%", 2026), ("Tốc độ tăng trưởng GRDP", 10, "%", 2030),
                   ("Thu nhập bình quân đầu người", 150, "triệu đồng", 2030)}


def test_docx_heading_merged_down_makes_two_heading_rows(tmp_path):
    """No row marked as a heading, but the first row's labels are merged down over
    the second: both are the header, and a column's heading joins them."""
    unmarked = GOALS_TABLE.replace("<w:trPr><w:tblHeader/></w:trPr>", "")
    raw = read_docx(make_docx(tmp_path / "u.docx", p("Các chỉ tiêu chủ yếu của kế hoạch:") + unmarked))
    assert raw.tables[0].header == 0
    c = clean(raw)
    s, table = _table_part(c)
    rows = table.children
    assert [r.attrs.get("header") for r in rows] == ["1", "1", None, None, None, None]
    growth = rows[3]
    assert [x.attrs.get("column") for x in growth.children] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch Năm 2026",
                                                                 "Kế hoạch Năm 2030"]
    # without merges the second row is data, as before
    plain = TableSpans(rows=c.tables[0].rows, source="docx")
    from vanban.pipeline.structure.tables import table_part
    assert [r.attrs.get("header") for r in table_part(plain, c.text).children][:2] == ["1", None]
