"""The date grammar on real phrases from the dev documents."""
import pytest

from vanban.extractors.datefind import find_dates, infer_years
from vanban.pipeline.clean import clean_text


def values(phrase: str, ref_year=None) -> list[str]:
    text = clean_text(phrase)
    found = find_dates(text)
    infer_years(text, found, ref_year)
    return [f.value for f in found]


CASES = [
    ("Quyết định số 1850/QĐ-TTg ngày 27 tháng 8 năm 2025 của Thủ tướng", ["2025-08-27"]),
    ("Chỉ thị số 02/CT-BCT ngày 23/01/2024 của Bộ Công Thương", ["2024-01-23"]),
    ("Hà Tĩnh, ngày tháng 3 năm 2024", ["2024-03"]),
    ("Lâm Đồng, ngày … tháng 4 năm 2026", ["2026-04"]),
    ("Lâm Đồng, ngày … tháng … năm 2026", []),
    # the day left blank for the signing, numeric form (tnt305's Phụ lục: "ngày\n/11/2025")
    ("(Ban hành kèm theo Quyết định số /QĐ-UBND ngày\n/11/2025 của Chủ tịch UBND tỉnh)", ["2025-11"]),
    ("Lâm Đồng, ngày …/3/2026", ["2026-03"]),
    ("ngày / /2026", []),
    ("Thời gian thi đua từ ngày 26/02 - 30/4/2021.", ["2021-02-26", "2021-04-30"]),
    ("Từ ngày 16-20/11/2025 khu vực có mưa", ["2025-11-16", "2025-11-20"]),
    ("Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/6 2025;", ["2025-06-16"]),
    ("(30.4.1975 - 30.4.2025), sáng 22.4, Ban Tuyên giáo", ["1975-04-30", "2025-04-30", "2025-04-22"]),
    ("trong tháng 4/2026 và tháng 5/2026", ["2026-04", "2026-05"]),
    ("Được đăng: 02 Tháng 3 2021", ["2021-03-02"]),
    ("ngày 19\ntháng 11 năm 2025", ["2025-11-19"]),
    ("Quyết định số 309/QĐ-BCT ngày 17 ngày 02 năm 2023", ["2023-02-17"]),
    ("(14/5/1951-14/5/2021)", ["1951-05-14", "2021-05-14"]),
    ("Ngày Quyền của người tiêu dùng Việt Nam 15/3” năm 2019", ["2019-03-15"]),
    ("văn nghệ 20/11 kỷ niệm 43 năm ngày Nhà giáo Việt Nam 20/11/2025", ["2025-11-20", "2025-11-20"]),
    ("(ngày 19/8/1945-19/8/2025)", ["1945-08-19", "2025-08-19"]),
    ("Luật Thú y số 79/2015/QH13 ngày 19/6/2015", ["2015-06-19"]),
    ("Thời gian ký: 24.07.2019 16:08:57 +07:00", ["2019-07-24"]),
    ("phiên họp Chính phủ thường kỳ tháng 01/2026", ["2026-01"]),
    ("từ ngày 26/02 đến ngày 30/4/2021", ["2021-02-26", "2021-04-30"]),
    ("tổ chức trong các ngày 16, 17/11/2025", ["2025-11-16", "2025-11-17"]),
    ("ngày 16 và 17 tháng 11 năm 2025", ["2025-11-16", "2025-11-17"]),
    ("trong 03 ngày làm việc (từ ngày 08 đến ngày 10 tháng 12 năm 2025)", ["2025-12-08", "2025-12-10"]),
]

NOT_DATES = [
    "Điện thoại: 0275.3822 365- 3822 251",
    "Nghị định số 30/2020/NĐ-CP của Chính phủ",
    "Việt Nam xếp thứ 50/194, đứng thứ 5/11 trong khu vực",
    "trực 24/7 để ứng phó",
    "giá trị sản xuất đạt 42.500 tỷ đồng, tăng 8,44%",
    "Quý IV năm 2025; giai đoạn 2021-2025; năm 2024",
    "lượng mưa 100-150mm, cục bộ 200-400mm",
    "Ngày Giỗ Tổ Hùng Vương: 01 ngày (ngày 10 tháng 3 âm lịch)",
    "không quá 9 tháng/năm học",
    "ra Lời kêu gọi phòng, chống đại dịch COVID-19 - họp",
    "Quyết định 167-HĐBT năm 1982",
    "Nghị quyết số 01, 02/NQ-CP của Chính phủ",
    "mục 3.2 và 3.3 của Kế hoạch",
]


@pytest.mark.parametrize("phrase,expected", CASES)
def test_dates_found(phrase, expected):
    assert values(phrase, 2025) == expected


@pytest.mark.parametrize("phrase", NOT_DATES)
def test_not_dates(phrase):
    assert values(phrase, 2025) == []


def test_year_inferred_from_paragraph_not_origin():
    # "sáng 22.4" sits next to an anniversary's origin (1975): the latest year wins.
    assert values("(30.4.1975 - 30.4.2025), sáng 22.4")[-1] == "2025-04-22"


def test_yearly_deadline_is_the_first_after_issue():
    from vanban.pipeline.extract import extract_text
    head = "Số: 141/KH-UBND\nBắc Ninh, ngày 20 tháng 11 năm 2025\n\nKẾ HOẠCH\n\nGiai đoạn 2026 - 2030\n\n"
    body = "Báo cáo kết quả thực hiện Kế hoạch hằng năm (trước ngày 15 tháng 11) và trước ngày 30/11 hằng năm; đến năm 2035."
    dates = {d.text: d.value for d in extract_text(head + body).dates}
    assert dates["ngày 15 tháng 11"] == "2026-11-15"      # 2025-11-15 had passed when the plan was issued
    assert dates["30/11"] == "2025-11-30"


def test_year_falls_back_to_document_year():
    assert values("trước ngày 14 tháng 12 hằng năm", 2019) == ["2019-12-14"]


# ---- the words around a year-less day/month (data/date_context.yaml) -------------

from vanban.extractors.data import load  # noqa: E402

CONTEXT = load("date_context")


def _context_entries():
    for section in ("count_nouns", "count_before", "relative_years", "recurring"):
        for e in CONTEXT[section]:
            yield pytest.param(e, id=f"{section}: {e['example']}")


@pytest.mark.parametrize("entry", list(_context_entries()))
def test_date_context_examples(entry):
    got = [v for v in values(entry["example"], 2025) if v is not None]
    assert got == ([entry["value"]] if entry["value"] else [])


def _extract(entry, issued="2025-11-20"):
    """The dates (but the issue date) of an example printed under a plan's header."""
    from vanban.pipeline.extract import extract_text
    y, m, d = issued.split("-")
    head = f"Số: 12/KH-UBND\nTỉnh A, ngày {int(d)} tháng {int(m)} năm {y}\n\nKẾ HOẠCH\n\n"
    return [(d.value, d.role) for d in extract_text(head + entry["example"]).dates if d.role != "issue"]


def _listed(entry):
    v, r = entry["value"], entry["role"]
    return list(zip(v, r)) if isinstance(v, list) else [(v, r)]


@pytest.mark.parametrize("entry", CONTEXT["after_issue"], ids=lambda e: e["example"])
def test_after_issue_examples(entry):
    assert _extract(entry, entry["issued"]) == _listed(entry)


@pytest.mark.parametrize("entry", CONTEXT["month_ranges"], ids=lambda e: e["example"])
def test_month_range_examples(entry):
    assert _extract(entry) == _listed(entry)


def test_glued_month_and_day():
    assert values("Hà Nội, ngày 05 tháng12 năm 2017") == ["2017-12-05"]
    assert values("Đề án số 358/ĐA-CP ngày 09tháng 5 năm 2025") == ["2025-05-09"]
    assert "2025-05-23" not in values("ngày 123 tháng 5 năm 2025")     # not the tail of a longer number
    assert values("Lâm Đồng, ngày 4 6tháng 10 năm 2025") == ["2025-10"]     # nor of one OCR split


def test_year_from_its_own_sentence_not_a_later_date():
    # no document year: the later (effective) date does not lend its year
    assert values("Ngày 27 tháng 6 năm 2025, Quốc hội họp. Chiều 26/6, Quốc hội thông qua Luật, "
                  "có hiệu lực từ ngày 1/1/2026.") == ["2025-06-27", "2025-06-26", "2026-01-01"]
    # a year printed earlier in the sentence
    assert values("Năm 2026, hoàn thành trước ngày 30/6.", 2025) == ["2026-06-30"]
    # a citation's date is in its symbol's year
    assert values("Thông tư số 24/2018/TT-BCA ngày 31/7 của Bộ Công an", 2025) == ["2018-07-31"]


def test_recurring_date_without_a_document_year_gets_none():
    assert values("trước ngày 15/12 hằng năm", None) == [None]
    assert values("gửi trước ngày 30/01 của năm sau", None) == [None]
    assert values("gửi trước ngày 30/01 của năm sau", 2025) == ["2026-01-30"]


@pytest.mark.parametrize("phrase", [
    "(lũy kế đến\n2.6. thời điểm báo cáo)",
    "Nội dung thực hiện từ\n1.1. Rà soát",
    "bị thiệt hại từ 2/3 diện tích trở lên",
    "đã tổ chức được 02/03 cuộc đối thoại",
    "chiếm từ 1/3 đến 1/2",
])
def test_item_numbers_and_fractions_are_not_dates(phrase):
    assert values(phrase, 2025) == []


def test_a_date_before_a_noun_it_qualifies_stays_a_date():
    assert values("tổ chức văn nghệ 20/11 trường tiểu học kỷ niệm ngày Nhà giáo", 2025) == ["2025-11-20"]
    assert values("từ ngày 01/7 thực hiện", 2025) == ["2025-07-01"]
