"""Target rule data (data/target_cues.yaml, data/units.yaml) run as tests, and the
pieces of the target extractor: the quantity grammar, where a figure stands
(with the printed outline and with the structure stage's parts), tables."""
import re

import pytest

from vanban.extractors.data import load
from vanban.extractors.quantities import find_quantities
from vanban.extractors.target_context import heading_kind, outline_from_text
from vanban.pipeline.extract import extract_text
from vanban.schemas.document import CleanText, Doc, RawDocument
from vanban.schemas.structure import Part, Structure

CUES = load("target_cues")


def goals(text: str):
    return [t for t in extract_text(text).targets if t.status == "target"]


def actuals(text: str):
    return [t for t in extract_text(text).targets if t.status == "actual"]


# ---- rule data: every entry's worked example -------------------------------------

@pytest.mark.parametrize("entry", CUES["sections"], ids=lambda e: e["example"])
def test_section_examples(entry):
    assert heading_kind(entry["example"]) == entry["kind"]


@pytest.mark.parametrize("entry", CUES["lead_ins"], ids=lambda e: e["example"])
def test_lead_in_examples_announce_goals(entry):
    # the list item has no goal word of its own: only the line above makes it a goal
    text = "III. NỘI DUNG\n" + entry["example"] + "\n- 90% hộ dân được sử dụng nước sạch.\n"
    assert re.search(entry["pattern"], entry["example"], re.I)
    assert [(t.value, t.unit) for t in goals(text)] == [(90, "%")]


def test_without_lead_in_the_same_item_is_no_goal():
    assert goals("III. NỘI DUNG\nCác đơn vị triển khai như sau:\n- 90% hộ dân được sử dụng nước sạch.\n") == []


@pytest.mark.parametrize("entry", CUES["goal_words"], ids=lambda e: e["example"])
def test_goal_word_examples(entry):
    assert re.search(entry["pattern"], entry["example"], re.I)
    assert len(goals(entry["example"])) == 1


@pytest.mark.parametrize("entry", CUES["report_words"], ids=lambda e: e["example"])
def test_report_word_examples_are_results(entry):
    assert re.search(entry["pattern"], entry["example"], re.I)
    assert goals(entry["example"]) == []
    if entry.get("strong"):
        # strong report words hold even inside a goal section
        assert goals("II. MỤC TIÊU\n- " + entry["example"]) == []
        assert actuals("II. MỤC TIÊU\n- " + entry["example"])


def _matches_near_a_figure(pattern: str, example: str) -> bool:
    """Patterns that look just before a figure end with `$`: try each figure's left context."""
    return bool(re.search(pattern, example, re.I)) or any(
        re.search(pattern, example[:m.start()], re.I) or re.search(pattern, example[m.end():], re.I)
        for m in re.finditer(r"\d+(?:[.,]\d+)*\s*%?", example))


@pytest.mark.parametrize("entry", CUES["not_goal"] + CUES["not_goal_words"] + CUES["yardsticks"]
                         + CUES["rule_after"] + CUES["rule_before"], ids=lambda e: e["example"])
def test_not_a_goal_examples(entry):
    assert _matches_near_a_figure(entry["pattern"], entry["example"])
    assert goals(entry["example"]) == []


@pytest.mark.parametrize("entry", CUES["goal_verbs"], ids=lambda e: e["example"])
def test_goal_verb_examples_are_goals_even_in_a_review(entry):
    assert _matches_near_a_figure(entry["pattern"], entry["example"])
    review = "I. TÌNH HÌNH THỰC HIỆN NĂM 2026\n- "
    assert [t.value for t in goals(review + entry["example"])] == [100]
    # without the goal verb the same words report a result measured against the plan
    plain = re.sub(r"(?i)\b(?:phấn\s+đấu|quyết\s+tâm)\s+", "", entry["example"])
    assert goals(review + plain) == [] and actuals(review + plain)


@pytest.mark.parametrize("entry", CUES["relative_clauses"], ids=lambda e: e["example"])
def test_relative_clause_examples_keep_the_goal(entry):
    assert re.search(entry["pattern"], entry["example"], re.I)
    assert [t.value for t in goals("II. MỤC TIÊU\n- " + entry["example"])] == [90]
    # "đã" that governs the figure is still the clause's tense
    assert goals("II. MỤC TIÊU\n- Toàn tỉnh đã có 90% hộ gia đình mở tài khoản.") == []


@pytest.mark.parametrize("entry", CUES["goal_continuations"], ids=lambda e: e["example"])
def test_goal_continuation_examples(entry):
    last = re.split(r"(?<=\.)\s+", entry["example"])[-1]
    assert re.search(entry["pattern"], last, re.I)
    assert [(t.value, t.unit) for t in goals(entry["example"])] == [(40, "thủ tục hành chính")]
    # the same count without the goals named before it is a task, not a goal
    assert goals(last) == []


@pytest.mark.parametrize("entry", CUES["breakdowns"], ids=lambda e: e["example"])
def test_breakdown_examples_give_the_whole_only(entry):
    assert _matches_near_a_figure(entry["pattern"], entry["example"])
    assert [(t.value, t.unit) for t in goals(entry["example"])] == [(40, "trường học")]


@pytest.mark.parametrize("entry", [c for c in CUES["comparators"] if c.get("counter_example")],
                         ids=lambda e: e["counter_example"])
def test_comparator_counter_examples(entry):
    assert [q.comparator for q in find_quantities(entry["counter_example"])] == ["="]


def test_share_with_chiem_is_a_goal_under_a_goal_heading():
    t, = goals("KẾ HOẠCH\nII. MỤC TIÊU\n- Kinh tế số chiếm 30% GRDP của tỉnh.")
    assert (t.value, t.indicator) == (30, "Kinh tế số chiếm GRDP của tỉnh")
    assert goals("Năm 2025, kinh tế số chiếm 12% GRDP của tỉnh.") == []


def test_numbered_items_under_a_long_announcing_paragraph():
    text = ("III. NỘI DUNG\n1. Nội dung\n" + "Tuyên truyền, vận động người dân sử dụng dịch vụ công trực tuyến; " * 6
            + "các nội dung này được cụ thể hóa bằng các chỉ tiêu như sau:\n"
            "(1) 100% hồ sơ được tiếp nhận trên Hệ thống thông tin giải quyết thủ tục hành chính;\n"
            "(2) Ít nhất 80% hồ sơ trực tuyến toàn trình hoặc hồ sơ đã được số hóa được trả kết quả điện tử;\n"
            "2. Phương án triển khai\n")
    assert len(text.split("\n")[2]) > 400
    assert [(t.value, t.comparator) for t in goals(text)] == [(100, "="), (80, ">=")]
    # a long paragraph that closes by announcing results announces no goals
    report = text.replace("các nội dung này được cụ thể hóa bằng các chỉ tiêu như sau:",
                          "kết quả thực hiện các chỉ tiêu như sau:")
    assert goals(report) == []


def test_goal_word_before_the_year_keeps_the_indicator():
    t, = goals("II. CHỈ TIÊU\n- Tổng sản lượng cà phê tham gia xuất khẩu phấn đấu đến năm 2030 đạt trên 39.000 tấn.")
    assert (t.value, t.unit, t.comparator, t.year) == (39000, "tấn", ">", 2030)
    assert t.indicator == "Tổng sản lượng cà phê tham gia xuất khẩu"


def test_growth_words_with_a_period_belong_to_the_level_before():
    t, = goals("Phấn đấu giá trị xuất khẩu đến năm 2030 đạt 400 triệu USD, tăng bình quân hằng năm "
               "trong giai đoạn này đạt 10 - 13%/năm.")
    assert (t.value, t.unit, t.growth_pct, t.indicator) == (400, "triệu USD", 10, "giá trị xuất khẩu")


def test_range_broken_over_two_lines_is_one_range():
    qs = find_quantities("tốc độ tăng bình quân 05\n- 06%/năm")
    assert [(q.value, q.upper, q.growth) for q in qs] == [(5, 6, 1)]
    t, = goals("Phấn đấu giá trị xuất khẩu chè đạt 33 triệu USD, tốc độ tăng bình quân 05\n- 06%/năm.")
    assert (t.value, t.growth_pct) == (33, 5)
    # a year or a numbered thing at the end of a line does not start a range
    assert [q.value for q in find_quantities("Kết quả năm 2025\n- 5% hộ nghèo")] == [5]


def test_count_indicator_is_headed_by_its_noun():
    t, = goals("Phấn đấu đến năm 2030, toàn tỉnh có ít nhất 20 bộ dữ liệu mở được công bố.")
    assert (t.value, t.unit, t.indicator) == (20, "bộ dữ liệu mở", "bộ dữ liệu mở được công bố")


@pytest.mark.parametrize("entry", CUES["report_titles"], ids=lambda e: e["example"])
def test_report_title_examples(entry):
    text = ("ỦY BAN NHÂN DÂN\nHUYỆN KRÔNG NÔ\nSố: 237/TB-UBND\nKrông Nô, ngày 16 tháng 7 năm 2019\n"
            "THÔNG BÁO\n" + entry["example"] + "\n1. Các chỉ tiêu kinh tế:\n"
            "Thu ngân sách nhà nước trên địa bàn đạt 132,354 tỷ đồng.\n")
    assert goals(text) == []
    assert [t.value for t in actuals(text)] == [132.354]


@pytest.mark.parametrize("entry", CUES["recurring"], ids=lambda e: e["example"])
def test_recurring_examples_have_no_year(entry):
    ts = goals("KẾ HOẠCH giai đoạn 2026 - 2030\nII. CHỈ TIÊU\n- " + entry["example"])
    assert ts and all(t.year is None for t in ts)


@pytest.mark.parametrize("entry", CUES["comparators"], ids=lambda e: e["example"])
def test_comparator_examples(entry):
    qs = find_quantities(entry["example"])
    assert [q.comparator for q in qs] == [entry["comparator"]]


@pytest.mark.parametrize("entry", CUES["rank_words"], ids=lambda e: e["example"])
def test_rank_examples(entry):
    ts = goals(entry["example"])
    assert [(t.value, t.comparator) for t in ts] == [(15, "<=")]


@pytest.mark.parametrize("entry", load("units")["rate_bases"], ids=lambda e: e["base"])
def test_rate_base_examples(entry):
    ts = goals("Phấn đấu năm 2026 " + entry["example"] + ".")
    assert [(t.value, t.unit) for t in ts] == [(entry["value"], entry["unit"])]


# ---- the quantity grammar --------------------------------------------------------

@pytest.mark.parametrize("text,expect", [
    ("giảm 30% số vụ tai nạn giao thông", [(30, "%", -1)]),
    ("tăng trên 3%", [(3, "%", 1)]),
    ("đạt từ 11,5 - 12,4% trở lên", [(11.5, "%", 0)]),
    ("còn 1,5 lần", [(1.5, "lần", 0)]),
    ("Tổng tỷ suất sinh đạt 2,1 con/phụ nữ", [(2.1, "con/phụ nữ", 0)]),
    ("ít nhất 01 sáng kiến/mô hình/giải pháp", [(1, "sáng kiến/mô hình/giải pháp", 0)]),
    ("tăng 8%/năm", [(8, "%", 1)]),
])
def test_quantity_forms(text, expect):
    assert [(q.value, q.unit, q.growth) for q in find_quantities(text)] == expect


@pytest.mark.parametrize("text", ["đạt 12/12 xã", "2/3 số xã", "trẻ em dưới 5 tuổi", "trong 10 ngày làm việc",
                                  "Điều 14 Nghị định số 118/2025/NĐ-CP", "năm 2030", "ngày 30/6/2026"])
def test_not_quantities(text):
    assert find_quantities(text) == []


def test_frequency_is_marked_not_a_goal():
    qs = find_quantities("tổ chức diễn tập tối thiểu 01 lần/năm")
    assert [q.frequency for q in qs] == [True]
    assert goals("Phấn đấu tổ chức diễn tập tối thiểu 01 lần/năm.") == []


def test_change_from_a_baseline_keeps_the_later_figure():
    ts = goals("II. MỤC TIÊU\n- Nâng tỷ lệ người dân tham gia bảo hiểm y tế từ 92% năm 2025 lên 95% vào năm 2030.")
    assert [(t.value, t.year) for t in ts] == [(95, 2030)]


def test_reduction_has_negative_growth_and_its_baseline():
    t, = goals("II. MỤC TIÊU\n- Giảm 30% số vụ tai nạn giao thông so với năm 2025.")
    assert (t.value, t.unit, t.growth_pct, t.baseline) == (30, "%", -30, "năm 2025")
    assert t.indicator == "số vụ tai nạn giao thông"


def test_share_before_its_indicator():
    t, = goals("II. MỤC TIÊU\n- Đạt 70% các xã, phường có mô hình chăm sóc người cao tuổi.")
    assert t.indicator.startswith("các xã, phường")


# ---- where a figure stands -------------------------------------------------------

PLAN = """ỦY BAN NHÂN DÂN
TỈNH LÂM ĐỒNG
Số: 12/KH-UBND
Lâm Đồng, ngày 10 tháng 3 năm 2026
KẾ HOẠCH
Cải cách hành chính giai đoạn 2026 - 2030
I. KẾT QUẢ THỰC HIỆN GIAI ĐOẠN 2021 - 2025
Tỷ lệ hồ sơ trực tuyến toàn trình đạt 62%.
II. MỤC
TIÊU
1. Cải cách thủ tục hành chính
a) Mục tiêu
- 100% thủ tục hành chính nội bộ được công bố đúng quy định.
- Tối thiểu 98% hồ sơ tiếp nhận hằng năm được giải quyết đúng hạn.
b) Nhiệm vụ
- Rà soát 114 hồ sơ tồn đọng, bảo đảm 100% thủ tục hành chính nội bộ được công bố đúng quy định.
III. KINH PHÍ
Kinh phí thực hiện là 500 triệu đồng.
IV. TIÊU CHUẨN KHEN THƯỞNG
Đơn vị có ít nhất 95% hồ sơ đúng hạn được cộng 05 điểm.
"""


def test_where_a_figure_stands_in_a_plan():
    ex = extract_text(PLAN)
    got = [(t.value, t.unit, t.status, t.year) for t in ex.targets]
    # the result section's figure is actual; the two goals once each (the task restates one);
    # the 114 files, the budget line and the award rule are not targets
    assert got == [(62, "%", "actual", 2025), (100, "%", "target", 2030), (98, "%", "target", None)]


def test_heading_printed_over_two_lines():
    sections, _ = outline_from_text(PLAN)
    assert any(s.title == "MỤC TIÊU" and s.kind == "goal" for s in sections)


def test_past_plan_year_is_not_a_goal():
    text = ("ỦY BAN NHÂN DÂN\nHUYỆN KRÔNG NÔ\nSố: 237/TB-UBND\nKrông Nô, ngày 16 tháng 7 năm 2019\nTHÔNG BÁO\n"
            "Về các chỉ tiêu phát triển kinh tế - xã hội\nII. CHỈ TIÊU\n- Đến năm 2018, tỷ lệ hộ nghèo còn 8,69%.\n"
            "- Đến năm 2020, tỷ lệ hộ nghèo còn 5%.\n")
    assert [(t.value, t.year) for t in goals(text)] == [(5, 2020)]
    assert [(t.value, t.year) for t in actuals(text)] == [(8.69, 2018)]


def _doc(text: str, structure: Structure) -> Doc:
    raw = RawDocument(path="<t>", format="txt", text=text)
    d = Doc(clean=CleanText(text=text, offsets=list(range(len(text) + 1)), raw=raw), structure=structure)
    from vanban.pipeline.extract import run_components
    return run_components(d)


def test_structure_sections_are_used_when_present():
    # no printed numbering: only the structure stage knows that the list is a goal section
    text = "Mục tiêu đến năm 2030\n90% hộ dân được sử dụng nước sạch.\nNội dung thực hiện\n50% hộ dân tham gia tập huấn.\n"
    a = text.index("Mục tiêu")
    b = text.index("Nội dung")
    st = Structure(parts=[Part("body", 0, len(text), children=[
        Part("section", a, b, level=1, title="Mục tiêu đến năm 2030"),
        Part("section", b, len(text), level=1, title="Nội dung thực hiện")])], layout="official")
    ts = [t for t in _doc(text, st).results["targets"] if t.status == "target"]
    assert [(t.value, t.year) for t in ts] == [(90, 2030)]


def test_header_and_signature_parts_hold_no_targets():
    text = "Phấn đấu 100% hồ sơ đúng hạn.\nPhấn đấu 90% hồ sơ trực tuyến.\n"
    st = Structure(parts=[Part("signature", 0, text.index("\n") + 1),
                          Part("body", text.index("\n") + 1, len(text))], layout="official")
    ts = _doc(text, st).results["targets"]
    assert [t.value for t in ts] == [90]


def _table(text: str, rows: list[list[str]], header_row: bool = True) -> Part:
    """A table part over `text`, whose cells are the given strings in order."""
    pos = 0
    row_parts = []
    for ri, row in enumerate(rows):
        cells = []
        for ci, cell in enumerate(row):
            s = text.index(cell, pos)
            cells.append(Part("cell", s, s + len(cell), attrs={"col": str(ci)}))
            pos = s + len(cell)
        rp = Part("row", cells[0].start, cells[-1].end, children=cells, attrs={"row": str(ri)})
        if ri == 0 and header_row:
            rp.attrs["header"] = "1"
        row_parts.append(rp)
    return Part("table", row_parts[0].start, row_parts[-1].end, children=row_parts)


def test_table_rows_with_plan_and_result_columns():
    rows = [["STT", "Chỉ tiêu", "Đơn vị tính", "Thực hiện năm 2025", "Kế hoạch năm 2026", "So sánh (%)"],
            ["1", "Tổng sản phẩm trên địa bàn", "tỷ đồng", "62.000", "68.500", "110,5"],
            ["2", "Tỷ lệ hộ nghèo", "%", "2,1", "1,5", "71,4"]]
    text = "Phụ biểu\n" + "\n".join(" | ".join(r) for r in rows) + "\n"
    table = _table(text, rows)
    st = Structure(parts=[Part("body", 0, len(text), children=[table])], layout="official")
    d = _doc(text, st)
    got = sorted((t.value, t.unit, t.status, t.year, t.indicator) for t in d.results["targets"])
    assert got == [(1.5, "%", "target", 2026, "Tỷ lệ hộ nghèo"), (2.1, "%", "actual", 2025, "Tỷ lệ hộ nghèo"),
                   (62000, "tỷ đồng", "actual", 2025, "Tổng sản phẩm trên địa bàn"),
                   (68500, "tỷ đồng", "target", 2026, "Tổng sản phẩm trên địa bàn")]


def test_table_output_column_states_a_goal():
    rows = [["Nhiệm vụ", "Sản phẩm", "Thời gian"],
            ["Siết chặt kỷ luật hành chính", "100% cán bộ chấp hành nghiêm kỷ luật", "Hằng năm"]]
    text = "\n".join("\t".join(r) for r in rows) + "\n"
    st = Structure(parts=[Part("body", 0, len(text), children=[_table(text, rows)])], layout="official")
    ts = _doc(text, st).results["targets"]
    assert [(t.value, t.unit, t.status) for t in ts] == [(100, "%", "target")]


def test_offsets_point_at_the_figure():
    text = "II. MỤC TIÊU\n- Tỷ lệ hồ sơ trực tuyến toàn trình đạt tối thiểu 90%.\n"
    t, = extract_text(text).targets
    assert text[t.start:t.end] == t.text and "90%" in t.text


def test_a_plans_minimum_is_a_goal_but_not_an_award_rule():
    plan = ("ỦY BAN NHÂN DÂN\nTỈNH SƠN LA\nSố: 12/KH-UBND\nSơn La, ngày 10 tháng 3 năm 2026\nKẾ HOẠCH\n"
            "Phát triển kinh tế tập thể năm 2026\nIII. NHIỆM VỤ\n"
            "- Mỗi xã lựa chọn ít nhất 02 hợp tác xã làm đầu mối liên kết tiêu thụ sản phẩm.\n"
            "IV. TIÊU CHUẨN KHEN THƯỞNG\n- Đơn vị có ít nhất 03 hợp tác xã hoạt động hiệu quả.\n")
    assert [(t.value, t.unit, t.comparator) for t in goals(plan)] == [(2, "hợp tác xã", ">=")]
    # the same task in an official letter commits to nothing
    letter = plan.replace("KẾ HOẠCH", "CÔNG VĂN").replace("12/KH-UBND", "12/UBND-KT")
    assert goals(letter) == []
    # a decision that issues the plan holds it
    decision = plan.replace("KẾ HOẠCH\n", "QUYẾT ĐỊNH\nBan hành Kế hoạch ").replace("12/KH-UBND", "12/QĐ-UBND")
    assert [(t.value, t.unit) for t in goals(decision)] == [(2, "hợp tác xã")]
