"""Document fields written for people: a subject line printed in capitals comes back
in sentence case without mangling symbols, numerals or the names the body capitalises."""
from __future__ import annotations


def test_caps_subject_keeps_symbols_numerals_and_the_bodys_capitals():
    from vanban.extractors.text import sentence_case

    subject = ("THỰC HIỆN NGHỊ QUYẾT SỐ 48/NQ-CP NGÀY 03/4/2023 CỦA CHÍNH PHỦ VỀ BẦU CỬ ĐẠI BIỂU QUỐC HỘI "
               "KHÓA XVI VÀ ĐẠI BIỂU HĐND CÁC CẤP THỜI ĐIỂM 0H00")
    body = ("Căn cứ Nghị quyết số 48/NQ-CP ngày 03/4/2023 của Chính phủ về việc phê duyệt; theo Nghị quyết "
            "của Chính phủ, đại biểu HĐND các cấp và đại biểu Quốc hội được bầu.\n")
    plain = sentence_case(subject)
    assert "48/NQ-CP" in plain and "khóa XVI" in plain and "0h00" in plain and "chính phủ" in plain
    cased = sentence_case(subject, body)
    assert cased.startswith("Thực hiện Nghị quyết số 48/NQ-CP ngày 03/4/2023 của Chính phủ")
    assert "đại biểu HĐND các cấp" in cased and "đại biểu Quốc hội khóa XVI" in cased
    # a word the body capitalises only where a sentence or a line starts keeps its lower case
    assert "về bầu cử" in sentence_case("BAN HÀNH KẾ HOẠCH VỀ BẦU CỬ", "Nội dung.\nVề bầu cử thì.\n- Về bầu cử.")
    assert sentence_case("Đã viết thường", body) == "Đã viết thường"


def test_a_body_name_in_capitals_keeps_abbreviations_and_the_provinces_spelling():
    from vanban.extractors.text import sentence_case, title_case_org

    # OCR changed the accents of the province (ĐỒNG -> ĐÒNG): its letters still name it
    assert title_case_org("ỦY BAN NHÂN DÂN TỈNH LÂM ĐÒNG") == "Ủy ban nhân dân tỉnh Lâm Đồng"
    assert title_case_org("SỞ TÀI CHÍNH TỈNH ĐĂK NÔNG") == "Sở Tài chính tỉnh Đắk Nông"
    assert title_case_org("UBND TỈNH BÀ RỊA - VŨNG TÀU") == "UBND tỉnh Bà Rịa - Vũng Tàu"
    assert sentence_case("GIAO CHỈ TIÊU CHO UBND CÁC XÃ") == "Giao chỉ tiêu cho UBND các xã"
    # letters that only look like a province's inside other words are left alone
    assert title_case_org("BAN QUẢN LÝ DỰ ÁN") == "Ban Quản lý dự án"
