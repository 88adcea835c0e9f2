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
