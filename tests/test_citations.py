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


# ---- rule data: every entry's worked example ---------------------------------

from vanban.extractors.citations import _plausible_bare, fix_title, repair_number  # noqa: E402
from vanban.extractors.data import load  # noqa: E402
from vanban.extractors.symbols import (SYMBOL_RX, issuer_code, match_view, normalize_symbol,  # noqa: E402
                                       symbol_year, type_code)

OCR = load("ocr_variants")
LAWS = load("law_names")


@pytest.mark.parametrize("entry", OCR["view"], ids=lambda e: e["example"][0])
def test_ocr_view_examples(entry):
    wrong, right = entry["example"]
    assert match_view(wrong) == right
    assert len(match_view(wrong)) == len(wrong)          # offsets never move


@pytest.mark.parametrize("entry", OCR["number"], ids=lambda e: e["example"][0])
def test_ocr_number_examples(entry):
    assert repair_number(entry["example"][0]) == entry["example"][1]


@pytest.mark.parametrize("entry", OCR["title"], ids=lambda e: e["example"][0])
def test_ocr_title_examples(entry):
    assert fix_title(entry["example"][0]) == entry["example"][1]


def test_ocr_view_reads_so_only_before_a_number():
    assert match_view("sé thuế") == "sé thuế"
    assert match_view("Luật sé 72/2020/QH14") == "Luật số 72/2020/QH14"


def _law_entries():
    for section in ("ends_before", "tail_words", "single_word", "inside", "fragments"):
        for e in LAWS[section]:
            yield pytest.param(e, id=f"{section}: {e['example']}")


@pytest.mark.parametrize("entry", list(_law_entries()))
def test_law_name_examples(entry):
    laws = [c.title for c in cites(entry["example"]) if c.doc_type in ("Luật", "Bộ luật", "Pháp lệnh")]
    if entry["name"] is None:
        assert laws == []
    else:
        assert entry["name"] in laws, laws


@pytest.mark.parametrize("entry", load("abbreviations")["abbreviations"], ids=lambda e: e["short"])
def test_abbreviation_examples(entry):
    got = [c for c in cites(entry["example"]) if c.doc_type == "Luật"]
    assert len(got) == 1 and got[0].number, [(c.title, c.number) for c in got]
    assert any(entry["short"] in m.text for m in got[0].mentions)   # the short mention joined it
    assert entry["short"] not in got[0].title                       # the name as printed in full


# ---- symbols: read to their true end ---------------------------------------------

SYMBOLS = [
    ("11554/VPCP-V.I", "11554/VPCP-V.I", "VPCP", None),
    ("9123 /BCT.PC", "9123/BCT.PC", "BCT", None),
    ("4999 /QCPH - BHXH - TCT", "4999/QCPH-BHXH-TCT", "QCPH", None),
    ("26984/CT-TTHT-H", "26984/CT-TTHT-H", "TTHT", None),
    ("9086/BNV-CTTN&BĐG", "9086/BNV-CTTN&BĐG", "BNV", None),
    ("4347/QĐ-BVHTT&DL", "4347/QĐ-BVHTT&DL", "BVHTT&DL", None),
    ("27102017- 02/HC-VCST", "27102017-02/HC-VCST", "HC", None),
    ("18-2016-QĐ-UBND", "18-2016-QĐ-UBND", "UBND", 2016),
    ("19-2018/NQ-CP", "19-2018/NQ-CP", "CP", 2018),
    ("98/201 7/NĐ-CP", "98/2017/NĐ-CP", "CP", 2017),
    ("71/NQ -CP", "71/NQ-CP", "CP", None),
    ("30/2020/NĐ-CP", "30/2020/NĐ-CP", "CP", 2020),
    ("34-CT/TW", "34-CT/TW", "TW", None),
]


@pytest.mark.parametrize("printed,number,issuer,year", SYMBOLS)
def test_symbol_read_to_its_end(printed, number, issuer, year):
    text = f"theo văn bản số {printed} ngày 05/5/2017."
    found = [normalize_symbol(m.group()) for m in SYMBOL_RX.finditer(match_view(text))]
    assert found == [number]
    assert issuer_code(number) == issuer and symbol_year(number) == year


@pytest.mark.parametrize("text", ["Số: 300/KH-SCT. Căn cứ", "Quyết định số 300/QĐ-UBND.Trong năm",
                                  "Quyết định số 12/QĐ-UBND - Sở Nội vụ"])
def test_symbol_does_not_swallow_the_next_word(text):
    assert [m.group() for m in SYMBOL_RX.finditer(text)] in (["300/KH-SCT"], ["300/QĐ-UBND"], ["12/QĐ-UBND"])


@pytest.mark.parametrize("text", ["Thời gian thực hiện: tháng 11 - 12/2025.", "giai đoạn 2016-2020/2021-2025",
                                  "từ 10-12/2025", "các mục 2.1-2.3/Phụ lục", "đạt 15-2018/KH"])
def test_ranges_and_list_numbers_are_not_symbols(text):
    assert [m.group() for m in SYMBOL_RX.finditer(match_view(text))] == []


def test_dash_for_the_first_slash_is_kept_as_printed_and_merges():
    got = cites("theo Nghị quyết 19-2018/NQ-CP và Nghị quyết số 19/2018/NQ-CP ngày 15/5/2018 của Chính phủ")
    assert [(c.number, c.date, len(c.mentions)) for c in got] == [("19-2018/NQ-CP", "2018-05-15", 2)]


def test_type_code_of_odd_forms():
    assert type_code("18-2016-QĐ-UBND") == "QĐ" and type_code("9123/BCT.PC") == "BCT"


@pytest.mark.parametrize("number,fixed", [("43/2024/QH1", "43/2024/QH15"), ("163/2024/QHI5", "163/2024/QH15"),
                                          ("22/2023/OH15", "22/2023/QH15"), ("80/2015/QH13", "80/2015/QH13"),
                                          ("12/2016/QH1", "12/2016/QH1")])   # 2016: QH13 or QH14, left alone
def test_law_code_completed_from_its_year(number, fixed):
    assert repair_number(number) == fixed


@pytest.mark.parametrize("sym,ok", [("99/KH", False), ("6/C04", False), ("05/GTGT", False), ("123/BTC", True),
                                    ("2388/C04-P6", True), ("14-KH/TU", True), ("30/2020/NĐ-CP", True)])
def test_a_bare_symbol_must_look_like_a_document(sym, ok):
    assert _plausible_bare(sym) == ok


def test_issuer_code_repaired_only_when_the_text_names_the_body():
    assert [c.number for c in cites("Thông tư số 39/2014/TT-BIC ngày 31/03/2014 của Bộ Tài chính")] == ["39/2014/TT-BTC"]
    assert [c.number for c in cites("Thông tư số 39/2014/TT-BIC ngày 31/03/2014 của Bộ Y tế")] == ["39/2014/TT-BIC"]


# ---- one entry per document; type words bound to their numbers --------------------

def test_named_law_then_numbered_is_one_entry_with_the_number():
    c = cites("Triển khai Luật Bảo vệ môi trường trên địa bàn. Căn cứ Luật Bảo vệ môi trường số 72/2020/QH14;")
    assert [(x.number, x.title, len(x.mentions)) for x in c] == [("72/2020/QH14", "Bảo vệ môi trường", 2)]


def test_ocr_spellings_of_one_law_are_one_entry():
    c = cites("Căn cứ Luật Tổ chức chính quyên địa phương; theo Luật Tổ chức chính quyền địa phương.")
    assert [(x.title, len(x.mentions)) for x in c] == [("Tổ chức chính quyền địa phương", 2)]


def test_law_word_does_not_take_a_decree_number():
    c = cites("theo Luật Bảo vệ môi trường và khoản 1 Điều 18 Nghị định số 08/2022/NĐ-CP")
    assert sorted((x.doc_type, x.number) for x in c) == [("Luật", None), ("Nghị định", "08/2022/NĐ-CP")]


def test_a_law_has_no_issuer_but_the_national_assembly():
    c = cites("giao đất theo Luật Đất đai của tổ chức kinh tế; Luật Đầu tư số 61/2020/QH14 của Quốc hội")
    assert [(x.title, x.issuer) for x in c] == [("Đất đai", None), ("Đầu tư", "Quốc hội")]


def test_unresolved_short_form_with_so_is_its_own_citation():
    c = cites("theo Nghị định số 34 của Chính phủ")
    assert [(x.doc_type, x.number) for x in c] == [("Nghị định", "34")]
    assert cites("theo Quyết định 2270, các sở phải thực hiện") == []


def test_a_title_does_not_start_at_the_next_citation():
    c = cites("Đề án số 358/ĐA-CP ngày 09 tháng 5 năm 2025, Báo cáo thẩm tra số 429/BC-UBPLTP15 ngày 03 tháng 6 năm 2025")
    assert [(x.number, x.title) for x in c] == [("358/ĐA-CP", None), ("429/BC-UBPLTP15", None)]
