"""Targets, commemorations and signatories on real passages from dev documents."""
import pytest

from vanban.extractors.data import load
from vanban.pipeline.extract import extract_text
from vanban.extractors.targets import parse_number


def test_vietnamese_numbers():
    assert parse_number("42.500") == 42500
    assert parse_number("8,44") == 8.44
    assert parse_number("1.218") == 1218
    assert parse_number("99,82") == 99.82


SEED0 = ("Phát động phong trào thi đua “Lao động giỏi”, cụ thể: Phấn đấu thực hiện giá trị sản xuất CN-TTCN đạt "
         "42.500 tỷ đồng (giá so sánh 2010), tăng 8,44% so với ước thực hiện năm 2023. Tổng mức bán lẻ hàng hóa và "
         "doanh thu dịch vụ tiêu dùng đạt 70.540 tỷ đồng, tăng 11,55% so ước thực hiện năm 2023. Kim ngạch xuất khẩu "
         "đạt 1.750 triệu USD, tăng 14,38% so với ước thực hiện năm 2023; kim ngạch nhập khẩu đạt 500 triệu USD. "
         "Phấn đấu đưa vào khai thác 115 MW điện gió.")


def test_targets_with_growth_and_baseline():
    ts = extract_text(SEED0).targets
    got = [(t.value, t.unit, t.growth_pct) for t in ts]
    assert got == [(42500, "tỷ đồng", 8.44), (70540, "tỷ đồng", 11.55), (1750, "triệu USD", 14.38),
                   (500, "triệu USD", None), (115, "MW", None)]
    assert ts[2].baseline == "ước thực hiện năm 2023"
    assert all(t.status == "target" for t in ts)


def test_comparators_and_percent_first_indicator():
    text = ("II. MỤC TIÊU\n\n- 100% cán bộ công chức đạt danh hiệu “Lao động tiên tiến”;\n"
            "- Có ít nhất 02 tập thể được UBND tỉnh tặng Bằng khen;\n"
            "- Trên 50% CBCC, lao động được Giám đốc Sở tặng Giấy khen;\n"
            "- chỉ số giá tiêu dùng bình quân cả năm tăng dưới 5%.")
    ts = extract_text(text).targets
    assert [(t.value, t.unit, t.comparator) for t in ts] == [(100, "%", "="), (2, "tập thể", ">="), (50, "%", ">"),
                                                            (5, "%", "<")]
    assert ts[0].indicator.startswith("cán bộ công chức")
    assert ts[3].growth_pct == 5


def test_range_lower_bound_and_reported_results_are_actual():
    text = ("Báo cáo cho thấy, quý I/2025 tổng giá trị sản phẩm đạt 655,44 tỷ đồng, tăng 11,79% so với cùng kỳ. "
            "Chủ tịch yêu cầu phấn đấu tăng trưởng GRDP năm 2025 đạt từ 11,5 - 12,4% trở lên.")
    ts = extract_text(text).targets
    goals = [t for t in ts if t.status == "target"]
    assert [(t.value, t.comparator, t.year) for t in goals] == [(11.5, ">=", 2025)]
    assert any(t.status == "actual" and t.value == 655.44 for t in ts)


def test_budget_money_and_rainfall_are_not_targets():
    text = ("Đề nghị ngân sách trung ương hỗ trợ khoảng 16.750 tỷ đồng. "
            "Từ tối nay có mưa phổ biến 200-400mm, cục bộ trên 700mm.")
    assert [t for t in extract_text(text).targets if t.status == "target"] == []


def test_commemorations_with_dates_and_shared_count():
    text = ("kỷ niệm 80 năm Cách mạng tháng Tám thành công (19/8/1945-19/8/2025) và Quốc khánh nước Cộng hòa "
            "xã hội chủ nghĩa Việt Nam (02/9/1945-02/9/2025) như sau:")
    cs = extract_text(text).commemorations
    assert [(c.years, c.origin_date, c.date) for c in cs] == [(80, "1945-08-19", "2025-08-19"),
                                                              (80, "1945-09-02", "2025-09-02")]
    assert all(c.consistent for c in cs)


def test_commemoration_inconsistent_count_is_flagged():
    cs = extract_text("chào mừng 70 năm ngày truyền thống ngành công thương (14/5/1951-14/5/2020).").commemorations
    assert cs[0].years == 70 and cs[0].consistent is False


def test_two_counts_share_dates():
    text = ("kỷ niệm 56 năm Chiến thắng Đồng Lộc và tưởng niệm 55 năm ngày hy sinh của 10 Nữ liệt sỹ Thanh niên "
            "xung phong Ngã Ba Đồng Lộc (24/7/1968 - 24/7/2024);")
    cs = extract_text(text).commemorations
    assert [(c.years, c.origin_date) for c in cs] == [(56, "1968-07-24"), (55, "1968-07-24")]


def test_commemoration_from_known_day():
    cs = extract_text("Trường tổ chức văn nghệ kỷ niệm 43 năm ngày Nhà giáo Việt Nam 20/11/2025.").commemorations
    assert [(c.years, c.origin_date, c.date) for c in cs] == [(43, "1982-11-20", "2025-11-20")]


@pytest.mark.parametrize("entry", load("person_names")["examples"], ids=lambda e: e["phrase"])
def test_person_name_examples(entry):
    from vanban.extractors.text import looks_like_name
    assert looks_like_name(entry["phrase"]) == entry["name"]


def test_signer_whose_given_names_are_common_words():
    text = ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. UỶ BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n"
            "Trần Văn Nam")
    assert [(x.name, x.title, x.on_behalf) for x in extract_text(text).signatories] == [
        ("Trần Văn Nam", "Phó Chủ tịch", "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH")]


def test_signature_block():
    text = ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\n"
            "Trần Thị Diệu Thúy")
    s = extract_text(text).signatories
    assert [(x.name, x.title, x.on_behalf) for x in s] == [
        ("Trần Thị Diệu Thúy", "Phó Chủ tịch", "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH")]


def test_unsigned_draft_gives_no_signatory():
    assert extract_text("Nơi nhận:\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n").signatories == []


def test_covenant_signer_in_article():
    text = ("Giám đốc Sở Công Thương tỉnh An Giang Nguyễn Minh Hùng ký kết giao ước thi đua ngành công thương. "
            "Ông Nguyễn Văn A, phóng viên, đưa tin.")
    s = extract_text(text).signatories
    assert [(x.name, x.title) for x in s] == [("Nguyễn Minh Hùng", "Giám đốc Sở Công Thương tỉnh An Giang")]


def test_commemorative_days_listed_in_a_campaign_are_each_marked():
    text = ("Kế hoạch năm 2025. Nâng cao ý thức của người dân về biển thông qua các chiến dịch tuyên truyền "
            "cao điểm hàng năm bao gồm: Ngày Môi trường thế giới (05/6), Ngày Đại dương thế giới (08/6), "
            "Tuần lễ Biển và Hải đảo Việt Nam (01 - 08/6).")
    cs = extract_text(text).commemorations
    assert [(c.event, c.date, c.years, c.origin_date) for c in cs] == [
        ("Ngày Môi trường thế giới", "2025-06-05", None, None),
        ("Ngày Đại dương thế giới", "2025-06-08", None, None),
        ("Tuần lễ Biển và Hải đảo Việt Nam", "2025-06-01", None, None)]       # a week: its first day
    # a known day's name and date mentioned with no cue, campaign or list is not marked
    assert extract_text("Kế hoạch năm 2025. Thời tiết xấu vào Ngày Môi trường thế giới (05/6) năm nay.").commemorations == []
