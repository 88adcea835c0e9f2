"""Every item's offsets slice the normalized text to exactly its `text`, and
every worked example in the rule data files does what it says."""
import re
from pathlib import Path

import pytest

from vanban.extractors.data import load
from vanban.extractors.places import province_in
from vanban.pipeline.clean import clean, clean_text
from vanban.pipeline.extract import extract_file, extract_text, text_of
from vanban.pipeline.readers import RawDocument

SAMPLES = sorted(p for p in (Path(__file__).parent.parent / "corpus" / "samples").glob("*.txt"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_offsets_slice_to_text(path):
    ex = extract_file(path)
    text = text_of(path)
    items = [*ex.citations, *ex.dates, *ex.commemorations, *ex.targets, *ex.signatories]
    assert items, "a sample document should yield items"
    for it in items:
        assert text[it.start:it.end] == it.text
    for c in ex.citations:
        for m in c.mentions:
            assert text[m.start:m.end] == m.text
    for span in ex.document.spans.values():
        assert text[span.start:span.end] == span.text


def test_offset_map_points_back_to_raw_text():
    raw = "**ỦY BAN NHÂN DÂN**\n|\nSố: 12/KH-UBND\nHà No\u0323\u0302i, nga\u0300y 3 tháng 4 năm 2024"
    c = clean(RawDocument(path="x", format="txt", text=raw))
    assert "Nội" in c.text and "**" not in c.text and "|" not in c.text
    i = c.text.index("Số")
    assert raw[c.offsets[i]:c.offsets[i] + 2] == "Số"
    assert len(c.offsets) == len(c.text) + 1


def test_cleaning_hostile_characters():
    assert clean_text("58/2025/NÐ-CP") == "58/2025/NĐ-CP"          # Latin Eth
    assert clean_text("26/02 – 30/4/2021") == "26/02 - 30/4/2021"  # en dash
    assert clean_text("Quyết định số\n1850/QĐ-TTg") == "Quyết định số 1850/QĐ-TTg"  # broken line joined
    assert clean_text("1. Mục đích\n2. Yêu cầu") == "1. Mục đích\n2. Yêu cầu"       # list kept


@pytest.mark.parametrize("entry", load("doc_types")["types"], ids=lambda e: e["word"])
def test_doc_type_examples(entry):
    cites = extract_text("Căn cứ " + entry["example"] + ";").citations
    assert cites and cites[0].doc_type.casefold() == entry["word"].casefold()


@pytest.mark.parametrize("entry", load("provinces")["provinces"], ids=lambda e: e["name"])
def test_province_examples(entry):
    assert province_in(entry["example"], "2024-01-01") in (entry["name"], entry.get("renamed_to"),
                                                           "Thừa Thiên Huế" if entry["name"] == "Huế" else None)


@pytest.mark.parametrize("entry", load("doc_types")["qualifiers"], ids=lambda e: e["words"])
def test_doc_type_qualifier_examples(entry):
    assert [c.doc_type for c in extract_text(entry["example"]).citations] == [entry["doc_type"]]


@pytest.mark.parametrize("entry", load("relations")["relations"], ids=lambda e: e["relation"])
def test_relation_examples(entry):
    assert extract_text(entry["example"]).citations[0].relation == entry["relation"]


@pytest.mark.parametrize("entry", load("units")["units"], ids=lambda e: e["unit"])
def test_unit_examples(entry):
    ts = extract_text("Phấn đấu năm 2025 " + entry["example"] + ".").targets
    assert [t.unit for t in ts] == [entry["unit"]]


@pytest.mark.parametrize("entry", load("commemorative_days")["days"], ids=lambda e: e["day"] + " " + e["names"][0])
def test_commemorative_day_examples(entry):
    cs = extract_text("Nhân dịp kỷ niệm " + entry["example"] + " năm 2025.").commemorations
    assert cs, entry["example"]


@pytest.mark.parametrize("entry", load("commemorative_days")["event_ends_before"], ids=lambda e: e["word"])
def test_commemoration_event_ends(entry):
    assert [c.event for c in extract_text(entry["example"]).commemorations] == [entry["event"]]


def test_a_repeated_commemoration_is_one_entry():
    text = ("Nhân kỷ niệm 50 năm Ngày giải phóng tỉnh Hòa Bình (26/3/1975 - 26/3/2025), tỉnh tổ chức gặp mặt.\n\n"
            "Kỷ niệm 50 năm Ngày giải phóng tỉnh Hòa Bình là dịp để ôn lại truyền thống.\n\n"
            "Kỷ niệm 49 năm Ngày giải phóng tỉnh Hòa Bình đã được tổ chức năm ngoái.")
    cs = extract_text(text).commemorations
    assert [(c.years, c.event, c.origin_date) for c in cs] == [
        (50, "Ngày giải phóng tỉnh Hòa Bình", "1975-03-26"), (49, "Ngày giải phóng tỉnh Hòa Bình", None)]


@pytest.mark.parametrize("entry", load("issuers")["named_before"], ids=lambda e: e["lead"])
def test_issuer_named_before_examples(entry):
    assert [c.issuer for c in extract_text(entry["example"]).citations] == [entry["issuer"]]


def test_issuer_named_before_a_list_is_each_members_with_its_code():
    got = extract_text("Xét đề nghị của Chính phủ tại Tờ trình số 35/TTr-CP và Đề án số 36/ĐA-CP ngày 09/5/2025, "
                       "Báo cáo thẩm tra số 42/BC-UBPL ngày 03/6/2025 của Ủy ban Pháp luật;").citations
    assert [(c.number, c.issuer) for c in got] == [("35/TTr-CP", "Chính phủ"), ("36/ĐA-CP", "Chính phủ"),
                                                   ("42/BC-UBPL", "Ủy ban Pháp luật")]


def test_issuer_printed_after_wins_over_one_named_before():
    got = extract_text("Theo đề nghị của Sở Nội vụ tại Công văn số 12/UBND-NC ngày 03/11/2025 của UBND tỉnh.").citations
    assert [c.issuer for c in got] == ["UBND tỉnh"]


@pytest.mark.parametrize("entry", load("issuers")["issuers"], ids=lambda e: e["code"])
def test_issuer_code_examples(entry):
    from vanban.extractors.symbols import issuer_code
    assert re.sub(r"\d+$", "", issuer_code(entry["example"])) == entry["code"]  # QH15 -> QH


def _site_examples():
    d = load("web_sites")
    return [e["example"] for e in d["portals"] + d["departments"]] + d["district_examples"]


@pytest.mark.parametrize("example", _site_examples(), ids=lambda e: e["url"])
def test_web_site_examples(example):
    from vanban.extractors.sites import site_of
    s = site_of(example["url"])
    assert (s.name if s else None, s.province if s else None) == (example["site"], example["province"])


@pytest.mark.parametrize("entry", load("provinces")["provinces"], ids=lambda e: e["name"])
def test_every_province_has_its_portal_address(entry):
    # <province>.gov.vn, the name without accents or spaces, names that province only
    from vanban.extractors.sites import site_of, squash
    s = site_of(f"https://{squash(entry['name'])}.gov.vn/")
    assert s.province == entry["name"] and s.name.startswith("Cổng thông tin điện tử ")


def test_news_item_issuer_from_a_site_address_tag():
    doc = extract_text("(binhdinh.gov.vn) - Chiều 30/3, UBND tỉnh tổ chức gặp mặt đại biểu tiêu biểu của tỉnh.")
    assert doc.document.issuer == "Cổng thông tin điện tử tỉnh Bình Định"
    assert doc.document.province == "Bình Định"        # the site's province, not Gia Lai it merged into
    doc = extract_text("(example.com) - Chiều 30/3, UBND tỉnh tổ chức gặp mặt đại biểu tiêu biểu.")
    assert doc.document.issuer is None                  # an address that is no government site


@pytest.mark.parametrize("entry", load("news_sources")["sources"], ids=lambda e: e["tags"][0])
def test_news_source_examples(entry):
    assert extract_text(entry["example"] + " tổ chức hội nghị.").document.issuer == entry["name"]
