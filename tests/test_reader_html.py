"""HTML reader: the article only, headline first, then the date line, then the body."""
from __future__ import annotations

from pathlib import Path

import pytest

from vanban.pipeline.readers import ReadError, read_document
from vanban.pipeline.extract import extract_file
from vanban.pipeline.readers.html import find_byline, page_url, parse_date, published_from_line, read_html, unglue
from vanban.pipeline.readers.legacy import unicode_to_cp1258

FIX = Path(__file__).parent / "fixtures" / "html"
SAMPLES = Path(__file__).parent.parent / "corpus" / "samples"     # 122 is a sample document too


def fixture(prefix: str) -> Path:
    (p,) = [*FIX.glob(f"{prefix}_*.html"), *SAMPLES.glob(f"{prefix}_*.html")]
    return p


# ---- real pages (answers from the dev gold files and ANNOTATION-NOTES) ---------------

def test_117_article_only():
    d = read_document(fixture("117"))
    assert d.format == "html"
    lines = d.text.splitlines()
    assert lines[0] == "Nhiều hoạt động kỷ niệm 60 năm Ngày mở đường Hồ Chí Minh"
    assert "(05.08.2019 16:32)" in d.text.split("Ngày 3/4")[0]          # date line before the body
    assert d.meta["title"] == "Nhiều hoạt động kỷ niệm 60 năm Ngày mở đường Hồ Chí Minh"
    assert d.meta["published"] == "2019-08-05"
    assert "author" not in d.meta
    for must in ["Ngày 3/4, tại Hà Nội", "(19/5/1959-19/5/2019)", "từ ngày 01/5 đến 31/5/2019",
                 "ngày 09/5/2019", "tối 11/5/2019", "ngày 18/5/2019", "ngày 19/5/2019", "ngày 2/9/1969",
                 "1969 - 2019"]:
        assert must in d.text, must
    for out in ["Kỷ niệm 90 năm Ngày Thành lập Công đoàn", "TIN MỚI HƠN", "Vinh danh 150 gương",
                "cấp ngày 08/08/2013", "Giấy phép", "SỐ LƯỢT TRUY CẬP", "Thủ tục hành chính", "Sign In"]:
        assert out not in d.text, out


def test_122_byline_site_and_lead():
    d = read_document(fixture("122"))
    assert d.text.startswith("Thủ tướng chỉ thị tăng cường bảo đảm an toàn, an ninh mạng\n")
    assert d.meta["published"] == "2019-07-30"
    assert d.meta["author"] == "chinhphu.vn"
    assert d.meta["site"] == "Ủy ban nhân dân huyện Krông Nô"
    for must in ["Chỉ thị số 14/CT-TTg", "tháng 3 năm 2019", "31 tháng 12 năm 2019", "trước ngày 14 tháng 12",
                 "tối thiểu 10%", "Theo chinhphu.vn"]:
        assert must in d.text, must
    for out in ["TIN ĐÃ ĐƯA", "(11/06/2019)", "(30/05/2019)", "cấp ngày 03/11/2016", "Xem chi tiết",
                "TIN TỨC - SỰ KIỆN", "Cơ quan chủ quản"]:
        assert out not in d.text, out
    # headline, date line and lead come before the rest
    assert d.text.index("30/07/2019") < d.text.index("Chỉ thị số 14/CT-TTg") < d.text.index("Chỉ thị nêu rõ")


def test_129_vbpl_status_line_and_full_text():
    d = read_document(fixture("129"))
    head = d.text.split("\n\n")
    assert head[0].startswith("Thông tư số 05/2025/TT-BCT hướng dẫn thực hiện")
    assert "Ngày có hiệu lực: 30/01/2026" in head[1] and "Ngày cập nhật: 06/04/2026" in head[1]
    assert d.meta["published"] == "2026-04-06"
    assert d.meta["site"] == "Bộ Tư pháp"
    for must in ["Số: 05/2026/TT-BCT", "Hà Nội, ngày 30 tháng 01 năm 2026", "Căn cứ Nghị định số 40/2025/NĐ-CP",
                 "có hiệu lực thi hành kể từ ngày 30 tháng 01 năm 2026", "KT. BỘ TRƯỞNG", "Nguyễn Sinh Nhật Tân"]:
        assert must in d.text, must
    # breadcrumbs repeat the headline: it must be there once only
    assert d.text.count("Thông tư số 05/2025/TT-BCT") == 1
    for out in ["Mục lục", "Văn bản quy phạm pháp luật Trung ương", "Đơn vị chủ quản", "Khoản 1\n",
                "Lược đồ", "Số 60 Trần Phú", "TRANG CHỦ"]:
        assert out not in d.text, out
    # header table cells stay whole: issuer before the motto, number before the place-date line
    t = d.text
    assert t.index("BỘ CÔNG THƯƠNG") < t.index("CỘNG HÒA XÃ HỘI") < t.index("Độc lập - Tự do")


def test_126_portal_heading_is_not_the_headline():
    d = read_document(fixture("126"))
    assert d.meta["title"].startswith("Hội Nông dân huyện Đắk Song tổng kết")
    assert "Công đoàn cấp trên cơ sở" not in d.text      # the portlet's own title
    assert "Thứ năm, 09/05/2019" not in d.text            # the site's clock, not the article's date
    assert "2.160 hộ nông dân" in d.text


def test_127_archived_page_wrapped_in_toolbar():
    # A Wayback toolbar <div id="wm-ipp"> left open wraps the whole saved page.
    d = read_document(fixture("127"))
    assert d.meta["title"] == "Huyện Đắk Song hướng đến phát triển hồ tiêu bền vững"
    assert d.text.count("Huyện Đắk Song hướng đến phát triển hồ tiêu bền vững") == 1
    assert "Thay vì phải mua trụ gỗ" in d.text
    assert "Câu hỏi mới nhất" not in d.text and "Công khai ngân sách dự toán quyết toán" not in d.text


def test_127_archived_page_says_whose_site_it_is():
    # No footer owner, no "Website …" title: the captured address stc.daknong.gov.vn does.
    d = read_document(fixture("127"))
    assert d.meta["url"] == "http://stc.daknong.gov.vn/Pages/default.aspx"
    doc = extract_file(fixture("127"))
    assert doc.document.issuer == "Sở Tài chính tỉnh Đắk Nông"
    assert doc.document.province == "Đắk Nông"             # as the site named it in 2018


def test_site_names_glued_in_the_title_are_split():
    # <title>Trang chủ - Website Sở Tư pháp tỉnh ĐắkNông</title>
    assert read_document(fixture("117")).meta["site"] == "Sở Tư pháp tỉnh Đắk Nông"
    assert unglue("Trang thông tin điện tử Huyện ĐắkGlong") == "Trang thông tin điện tử Huyện Đắk Glong"
    for same in ["Ủy ban nhân dân huyện Krông Nô", "Đăk GLong", "eGov", "TP.HCM", "Nguyễn Văn A"]:
        assert unglue(same) == same


def test_126_site_named_by_its_footer_line():
    # Neither a "chủ quản" line nor a "Website …" title; the footer's own line names it.
    assert read_document(fixture("126")).meta["site"] == "Liên đoàn lao động tỉnh Đắk Nông"


def test_page_address():
    head = {"canonical": "https://vbpl.vn/van-ban/chi-tiet/187166", "og:url": "https://x.vn/a"}
    assert page_url("<html></html>", head) == "https://vbpl.vn/van-ban/chi-tiet/187166"
    assert page_url("<html></html>", {"canonical": "http:///guest"}) is None      # no host: no address
    wb = '<script>__wm.bt(600, 27, 25, 2, "web", "http://dakglong.daknong.gov.vn/a.aspx?b=1", "2017-07-08");</script>'
    assert page_url(wb, head) == "http://dakglong.daknong.gov.vn/a.aspx?b=1"      # the captured page, first
    wombat = '<script>__wm.wombat("https://snv.lamdong.gov.vn/tin","20250101","https://web.archive.org/")</script>'
    assert page_url(wombat, {}) == "https://snv.lamdong.gov.vn/tin"
    saved = "<!-- saved from url=(0027)https://stp.daknong.gov.vn/ -->\n<html></html>"
    assert page_url(saved, {}) == "https://stp.daknong.gov.vn/"


# ---- synthetic pages: general rules ---------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Báo Mẫu - Tin tức</title>
<meta property="og:site_name" content="Báo Mẫu">
</head><body>
<!-- BEGIN WAYBACK TOOLBAR INSERT --><div id="wm-ipp"><p>Internet Archive capture 12 Jul 2019, 3 captures</p></div>
<!-- END WAYBACK TOOLBAR INSERT -->
<header><div class="logo">Báo Mẫu</div><ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/x">Thời sự</a></li></ul></header>
<nav class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="/ts">Thời sự</a></nav>
<marquee>Chào mừng kỷ niệm 80 năm Cách mạng Tháng Tám (19/8/1945 - 19/8/2025)</marquee>
<div class="main"><article>
<h1>Tỉnh A khởi công dự án đường ven biển</h1>
<div class="meta"><span>Thứ ba, 12/08/2025 08:30</span></div>
<p class="sapo">Sáng 11/8, UBND tỉnh A tổ chức lễ khởi công dự án đường ven biển dài 30 km, tổng vốn 2.000 tỷ đồng.</p>
<p>Dự án được phê duyệt tại Quyết định số 123/QĐ-UBND ngày 5/6/2025 của UBND tỉnh, dự kiến hoàn thành trong năm 2027.</p>
<p>Phát biểu tại buổi lễ, Chủ tịch UBND tỉnh yêu cầu nhà thầu bảo đảm chất lượng, tiến độ và an toàn lao động.</p>
<div class="related"><h3>Tin liên quan</h3><ul><li><a href="/1">Tỉnh A họp báo quý II (01/07/2025)</a></li>
<li><a href="/2">Khánh thành cầu B (20/06/2025)</a></li></ul></div>
<p><a href="/print">In bài</a></p>
<p class="author"><strong>Minh Anh</strong></p>
<p>Nguồn: Báo Tỉnh A</p>
</article>
<aside><h3>Đọc nhiều</h3><ul><li><a href="/3">Bài khác rất được quan tâm trong tuần qua ở tỉnh</a></li></ul></aside>
</div>
<footer><p>Giấy phép số 99/GP-BTTTT cấp ngày 01/01/2020. Cơ quan chủ quản: Sở Thông tin và Truyền thông tỉnh A</p></footer>
</body></html>"""


def test_generic_article_rules(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(PAGE, encoding="utf-8")
    d = read_html(f)
    lines = d.text.splitlines()
    assert lines[0] == "Tỉnh A khởi công dự án đường ven biển"
    assert "Thứ ba, 12/08/2025 08:30" in lines[1:4]
    assert d.meta["published"] == "2025-08-12"
    assert d.meta["author"] == "Báo Tỉnh A"
    assert d.meta["site"] == "Sở Thông tin và Truyền thông tỉnh A"
    assert "Sáng 11/8, UBND tỉnh A" in d.text and "Quyết định số 123/QĐ-UBND" in d.text
    for out in ["Internet Archive", "Trang chủ", "Cách mạng Tháng Tám", "Tin liên quan", "họp báo quý II",
                "Khánh thành cầu B", "In bài", "Đọc nhiều", "Giấy phép"]:
        assert out not in d.text, out


def test_windows_1258_and_legacy_font_pages(tmp_path):
    body = "<html><head><meta charset='windows-1258'><title>t</title></head><body><h1>Thông báo kết quả tuyển dụng</h1>" \
           "<p>Ủy ban nhân dân huyện thông báo kết quả tuyển dụng viên chức năm 2019, như sau: danh sách kèm theo.</p></body></html>"
    f = tmp_path / "a.html"
    f.write_bytes(unicode_to_cp1258(body))
    d = read_html(f)
    import unicodedata
    assert "Ủy ban nhân dân huyện thông báo" in unicodedata.normalize("NFC", d.text)
    # A page typed in a TCVN3 (.VnTime) font: characters are Latin-1 look-alikes.
    tc = "<html><body><h1>Th«ng b¸o</h1><p>Céng hßa x· héi chñ nghÜa ViÖt Nam, §éc lËp - Tù do - H¹nh phóc, " \
         "ñy ban nh©n d©n tØnh th«ng b¸o kÕt qu¶.</p></body></html>"
    g = tmp_path / "b.html"
    g.write_text(tc, encoding="utf-8")
    d = read_html(g)
    assert "Cộng hòa xã hội chủ nghĩa Việt Nam" in d.text
    assert any("TCVN3" in w for w in d.warnings)


def test_no_article_and_empty(tmp_path):
    f = tmp_path / "menu.html"
    f.write_text("<html><body><ul><li><a href='/a'>Trang chủ</a></li><li><a href='/b'>Giới thiệu</a></li>"
                 "</ul><nav><a href='/c'>Liên hệ</a></nav></body></html>", encoding="utf-8")
    with pytest.raises(ReadError, match="no article text"):
        read_html(f)
    e = tmp_path / "blank.html"
    e.write_text("   \n", encoding="utf-8")
    with pytest.raises(ReadError, match="empty"):
        read_html(e)


def test_short_page_without_prose_keeps_visible_text(tmp_path):
    f = tmp_path / "short.html"
    f.write_text("<html><body><p>Thông báo nghỉ lễ</p></body></html>", encoding="utf-8")
    d = read_html(f)
    assert "Thông báo nghỉ lễ" in d.text


def test_json_ld_metadata(tmp_path):
    f = tmp_path / "ld.html"
    f.write_text("""<html><head><script type="application/ld+json">
    {"@type":"NewsArticle","headline":"Tiêu đề","datePublished":"2024-03-05T07:00:00+07:00","author":{"name":"Lan Hương"}}
    </script></head><body><h1>Tiêu đề bài báo mẫu</h1><p>Nội dung bài báo mẫu dài hơn hai mươi lăm ký tự, có dấu phẩy, nhiều chữ.</p>
    </body></html>""", encoding="utf-8")
    d = read_html(f)
    assert d.meta["published"] == "2024-03-05"
    assert d.meta["author"] == "Lan Hương"


def test_date_helpers():
    assert parse_date("(05.08.2019 16:32)") == "2019-08-05"
    assert parse_date("Thứ năm, 9/5/2019") == "2019-05-09"
    assert parse_date("ngày 30 tháng 01 năm 2026") == "2026-01-30"
    assert parse_date("2024-03-05T07:00") == "2024-03-05"
    assert parse_date("tháng 11/2025") == "2025-11"
    assert published_from_line("Ngày có hiệu lực: 30/01/2026\nNgày cập nhật: 06/04/2026") == "2026-04-06"
    assert find_byline(["Nội dung.", "Theo chinhphu.vn"]) == (1, "chinhphu.vn")
    assert find_byline(["Nội dung.", "Nguồn: TTXVN"]) == (1, "TTXVN")
    assert find_byline(["Theo Thiếu tướng Cao Đình Kiếm, số lượng người đến viếng Bác ngày càng đông."]) is None
