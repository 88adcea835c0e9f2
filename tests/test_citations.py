"""Citations on real sentences from the dev documents."""
import pytest

from vanban.pipeline.extract import extract_text


def cites(text: str):
    return extract_text(text).citations


CASES = [
    # (sentence, [(doc_type, number, date, issuer)])
    ("Thực hiện Chỉ thị số 02/CT-BCT ngày 23/01/2024 của Bộ Công Thương về tổ chức phong trào thi đua năm 2024;",
     [("Chỉ thị", "02/CT-BCT", "2024-01-23", "Bộ Công Thương")]),
    ("Căn cứ Chỉ thị số 02/CTLT-BCT-CĐCT ngày 23 tháng 01 năm 2024 của Bộ Công Thương về tổ chức phong trào thi đua năm 2024;",
     [("Chỉ thị", "02/CTLT-BCT-CĐCT", "2024-01-23", "Bộ Công Thương")]),
    ("Tiếp tục thực hiện có hiệu quả Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị về “Tiếp tục đổi mới công tác thi đua, khen thưởng”;",
     [("Chỉ thị", "34-CT/TW", "2014-04-07", "Bộ Chính trị")]),
    ("Nghị quyết số 02-NQ/ĐU-SCT ngày 03/01/2024 của Đảng ủy Sở về tập trung lãnh đạo",
     [("Nghị quyết", "02-NQ/ĐU-SCT", "2024-01-03", "Đảng ủy Sở")]),
    ("Căn cứ Luật Giáo dục số 43/2019/QH14;", [("Luật", "43/2019/QH14", None, None)]),
    ("Nghị quyết số 27/NQ- TW ngày 09/11/2022 của Ban Chấp hành Trung ương",
     [("Nghị quyết", "27/NQ-TW", "2022-11-09", "Ban Chấp hành Trung ương")]),
    ("Thực hiện Quyết định số 309/QĐ-BCT và Quyết định số 310/QĐ-BCT ngày 17 ngày 02 năm 2023 của Bộ Công Thương về việc phân chia Khối",
     [("Quyết định", "309/QĐ-BCT", "2023-02-17", "Bộ Công Thương"),
      ("Quyết định", "310/QĐ-BCT", "2023-02-17", "Bộ Công Thương")]),
    ("Căn cứ các Nghị định của Chính phủ: số 78/2025/NĐ-CP ngày 01/4/2025 quy định chi tiết; số 133/2025/NĐ-CP ngày 12/6/2025 quy định về phân quyền;",
     [("Nghị định", "78/2025/NĐ-CP", "2025-04-01", None), ("Nghị định", "133/2025/NĐ-CP", "2025-06-12", None)]),
    ("Văn bản số 477/BCA-H01 ngày 04/02/2026 và 1095/BCA-C04 ngày 19/3/2026 của Bộ Công an",
     [("Văn bản", "477/BCA-H01", "2026-02-04", "Bộ Công an"), ("Văn bản", "1095/BCA-C04", "2026-03-19", "Bộ Công an")]),
    ("Công văn số 15972/SXD-QLN& TTBĐS ngày 14/11/2025 của Sở Xây dựng",
     [("Công văn", "15972/SXD-QLN&TTBĐS", "2025-11-14", "Sở Xây dựng")]),
    ("Xét Tờ trình số 16241/TTr-UBND ngày 11 tháng 11 năm 2025 của Ủy ban nhân dân thành phố Huế",
     [("Tờ trình", "16241/TTr-UBND", "2025-11-11", "Ủy ban nhân dân thành phố Huế")]),
    ("Căn cứ theo Điều 1 Quyết định 167-HĐBT năm 1982 quy định về ngày Nhà giáo Việt Nam",
     [("Quyết định", "167-HĐBT", None, None)]),
    ("Căn cứ Nghị quyết số 66.2/2025/NQ-CP ngày 28 tháng 7 năm 2025 của Chính phủ",
     [("Nghị quyết", "66.2/2025/NQ-CP", "2025-07-28", "Chính phủ")]),
    ("Chính phủ vừa ban hành Nghị định số 58/2025/NÐ-CP ngày 3.3.2025 quy định chi tiết",
     [("Nghị định", "58/2025/NĐ-CP", "2025-03-03", None)]),
]


@pytest.mark.parametrize("sentence,expected", CASES)
def test_numbered(sentence, expected):
    got = [(c.doc_type, c.number, c.date, c.issuer) for c in cites(sentence) if c.number]
    assert got == expected


def test_number_list_shares_the_symbol():
    c = cites("Thực hiện Nghị quyết số 01, 02/NQ-CP ngày 06/01/2023 của Chính phủ về nhiệm vụ, giải pháp chủ yếu;")
    assert [(x.number, x.date, x.issuer) for x in c] == [("01/NQ-CP", "2023-01-06", "Chính phủ"),
                                                         ("02/NQ-CP", "2023-01-06", "Chính phủ")]


def test_amending_law_and_amended_law_are_two_citations():
    c = cites("Triển khai thi hành Luật sửa đổi, bổ sung một số điều của Luật Tiêu chuẩn và quy chuẩn kỹ thuật trên địa bàn tỉnh.")
    assert sorted(x.title for x in c) == ["Tiêu chuẩn và quy chuẩn kỹ thuật",
                                          "sửa đổi, bổ sung một số điều của Luật Tiêu chuẩn và quy chuẩn kỹ thuật"]


def test_law_as_common_noun_is_not_a_citation():
    assert cites("tổ chức thi hành Luật và các văn bản quy định chi tiết; có trình độ đại học Luật hoặc tương đương") == []


def test_named_plan_with_quoted_title():
    c = cites("Triển khai thực hiện Đề án “Tuyên truyền, phổ biến, giáo dục pháp luật về phòng, chống tham nhũng giai đoạn 2019-2021”.")
    assert [(x.doc_type, x.title) for x in c] == [
        ("Đề án", "Tuyên truyền, phổ biến, giáo dục pháp luật về phòng, chống tham nhũng giai đoạn 2019-2021")]


def test_named_law_title_and_year_kept():
    c = [c for c in cites("Triển khai thi hành Luật Tài nguyên nước năm 2023 trên địa bàn.") if not c.number]
    assert [(x.doc_type, x.title) for x in c] == [("Luật", "Tài nguyên nước năm 2023")]


def test_named_law_with_date():
    c = cites("Triển khai có hiệu quả Luật thi đua, khen thưởng ngày 15 tháng 6 năm 2022 trong toàn ngành.")
    assert [(x.doc_type, x.title, x.date) for x in c] == [("Luật", "thi đua, khen thưởng", "2022-06-15")]


def test_repeated_mention_is_one_entry_with_every_mention():
    text = ("Căn cứ Nghị định số 289/2025/NĐ-CP ngày 06 tháng 11 năm 2025 của Chính phủ; "
            "theo Nghị định số 289/2025/NĐ-CP.")
    c = cites(text)
    assert len(c) == 1 and len(c[0].mentions) == 2
    for m in c[0].mentions:
        assert text[m.start:m.end] == m.text


def test_short_remention_joins_full_mention():
    c = cites("Quyết định số 2270/QĐ-UBND ngày 01/10/2025 của UBND tỉnh; theo Quyết định 2270, các sở phải thực hiện.")
    assert [x.number for x in c] == ["2270/QĐ-UBND"] and len(c[0].mentions) == 2


def test_own_number_is_not_a_citation():
    text = "Số: 36/2025/NQ-HĐND\n\nNGHỊ QUYẾT\n\n(Ban hành kèm theo Nghị quyết số 36/2025/NQ-HĐND ngày 18 tháng 11 năm 2025)"
    assert cites(text) == []


def test_relation_from_verb():
    c = cites("Căn cứ Luật Giáo dục số 43/2019/QH14; Thực hiện Chỉ thị số 02/CT-BCT ngày 23/01/2024; "
              "bãi bỏ Nghị quyết số 15/2024/NQ-HĐND.")
    assert [(x.number, x.title, x.relation) for x in c] == [
        ("43/2019/QH14", "Giáo dục", "based_on"), ("02/CT-BCT", None, "implements"), ("15/2024/NQ-HĐND", None, "repeals")]


def test_key_is_issuer_and_year_aware():
    a = cites("Quyết định số 40/QĐ-UBND ngày 02/01/2025 của UBND tỉnh")[0]
    b = cites("Quyết định số 40/QĐ-UBND ngày 05/01/2026 của UBND tỉnh")[0]
    assert a.key != b.key and "UBND" in a.key and "2025" in a.key


def test_pin_cite_attached():
    c = cites("theo quy định tại Điều 51, Điều 52 Nghị định số 133/2025/NĐ-CP ngày 12/6/2025 của Chính phủ")
    assert c[0].pin == "Điều 51, Điều 52"


def test_draft_is_not_a_citation():
    assert cites("trình dự thảo Quyết định số 12/QĐ-UBND về việc phê chuẩn") == []
