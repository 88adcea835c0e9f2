"""The indicator taxonomy as rule data: every entry's worked examples and
counter-examples, its sources, and the mapping rules (specificity, accents,
units, conjunctive rules, the span fallback, measures) on phrasings from real
plans."""
from __future__ import annotations

import math
import unicodedata

import pytest

from vanban.extractors.data import load
from vanban.pipeline.analysis.indicators import (BASE_UNITS, SYSTEMS, UNMAPPED, map_indicator, normalize_value, resolve,
                                                 taxonomy, unit_dimension)

EXAMPLES = [(i.code, ph, u) for i in taxonomy() for ph, u in i.examples]
COUNTER = [(i.code, ph, u) for i in taxonomy() for ph, u in i.counter_examples]


@pytest.mark.parametrize("code,phrase,unit", EXAMPLES, ids=[f"{c}:{p[:30]}" for c, p, _ in EXAMPLES])
def test_every_worked_example_maps_to_its_code(code, phrase, unit):
    m = map_indicator(phrase, unit)
    assert m.code == code, m
    assert m.confidence >= 0.5 and m.matched and m.rule != "none"


@pytest.mark.parametrize("code,phrase,unit", COUNTER, ids=[f"{c}:{p[:30]}" for c, p, _ in COUNTER])
def test_every_counter_example_maps_elsewhere(code, phrase, unit):
    assert map_indicator(phrase, unit).code != code


def test_the_taxonomy_has_every_system_and_enough_indicators():
    t = taxonomy()
    assert len(t) >= 150
    assert {i.system for i in t} == set(SYSTEMS)
    assert {"par_index", "sipas", "pci", "papi", "dti", "ict_index"} <= {i.code for i in t if i.system == "governance"}


def _dimensions() -> set[str]:
    return ({u["dimension"] for u in load("units")["units"]} | {u["dimension"] for u in load("indicators/units")["units"]}
            | set(BASE_UNITS))


@pytest.mark.parametrize("ind", taxonomy(), ids=lambda i: i.code)
def test_every_entry_names_its_source_and_says_whether_it_was_verified(ind):
    assert ind.name and (ind.synonyms or ind.rules), ind.code
    assert ind.examples, "every entry carries a worked example"
    assert set(ind.dimensions) <= _dimensions(), ind.code
    assert ind.sources and all(s.document for s in ind.sources)
    # An entry is verified only when every source it cites was checked.
    assert ind.verified == all(s.verified for s in ind.sources)
    for s in ind.sources:
        if s.verified:    # a verified code names where it was read
            assert s.code and s.url.startswith("http") and s.version


def test_official_codes_resolve_with_their_version():
    srb = resolve("0205")
    assert srb is not None and srb.code == "sex_ratio_at_birth"
    v2010 = next(s for s in srb.sources if s.code == "0205")
    assert v2010.version == "2010" and v2010.verified
    assert resolve("0207").code == "total_fertility_rate"
    assert resolve("export_turnover").code == "export_turnover"
    assert resolve("no_such_code") is None


# ---------------------------------------------------------------------------
# The mapping rules

def test_matching_is_case_accent_placement_and_diacritic_robust():
    base = map_indicator("Tỷ lệ hộ nghèo đa chiều", "%")
    assert base.code == "poverty_rate"
    for variant in ["TỶ LỆ HỘ NGHÈO ĐA CHIỀU", "Tỉ lệ hộ nghèo đa chiều",
                    unicodedata.normalize("NFD", "Tỷ lệ hộ nghèo đa chiều")]:
        assert map_indicator(variant, "%").code == "poverty_rate", variant
    # Typed without diacritics: matched against the unaccented aliases, a little lower.
    plain = map_indicator("ty le ho ngheo da chieu", "%")
    assert (plain.code, plain.rule) == ("poverty_rate", "unaccented") and plain.confidence < base.confidence
    # Old accent placement (hoá) and Ð for Đ.
    assert map_indicator("Tỷ lệ đô thị hoá", "%").code == "urbanization_rate"
    assert map_indicator("ÐVSN tự bảo đảm", "%").code == "self_financing_public_units"


def test_the_most_specific_indicator_wins():
    assert map_indicator("Tỷ lệ hộ cận nghèo", "%").code == "near_poverty_rate"
    assert map_indicator("Tỷ lệ hộ nghèo", "%").code == "poverty_rate"
    assert map_indicator("giá trị sản xuất công nghiệp", "tỷ đồng").code == "industrial_production_value"
    assert map_indicator("giá trị sản xuất", "tỷ đồng").code == "gross_output"
    assert map_indicator("Số xã đạt chuẩn nông thôn mới nâng cao", "xã").code == "advanced_new_rural_communes"
    assert map_indicator("Số xã đạt chuẩn nông thôn mới", "xã").code == "new_rural_communes"


def test_the_unit_dimension_decides_between_a_rate_and_a_count():
    # A money indicator stated in % is its growth rate …
    m = map_indicator("kim ngạch xuất khẩu", "%")
    assert (m.code, m.measure) == ("export_turnover", "growth")
    assert map_indicator("kim ngạch xuất khẩu", "triệu USD").measure == "level"
    # … or its share of the plan when the span says so.
    m = map_indicator("Chi đầu tư từ nguồn thu xổ số kiến thiết", "%",
                      "Chi đầu tư từ nguồn thu xổ số kiến thiết: ước thực hiện 100% kế hoạch")
    assert (m.code, m.measure) == ("development_expenditure", "plan_share")
    # A rate indicator with a count unit does not fit: recurrent spending in % is not a growth rate either.
    assert map_indicator("chi thường xuyên", "%").code == UNMAPPED
    assert map_indicator("chi thường xuyên", "tỷ đồng").code == "recurrent_expenditure"
    # GRDP in money is its level, in % its growth.
    assert map_indicator("GRDP theo giá hiện hành", "tỷ đồng").code == "grdp"
    assert map_indicator("tăng trưởng GRDP", "%").code == "grdp_growth"


def test_conjunctive_rules_allow_words_between_the_words_of_a_name():
    m = map_indicator("Tỷ lệ doanh nghiệp vừa và nhỏ trên địa bàn tỉnh đã ứng dụng công nghệ số", "%")
    assert (m.code, m.rule) == ("sme_digital_adoption", "rule")
    assert "doanh nghiệp" in m.matched and "công nghệ số" in m.matched
    # One group missing: the rule does not fire.
    assert map_indicator("Tỷ lệ hợp tác xã ứng dụng công nghệ số", "%").code != "sme_digital_adoption"


def test_the_span_is_read_when_the_phrase_names_nothing():
    text = (" số xã, phường, đặc khu trên toàn tỉnh không có ma túy, riêng năm 2025 phấn đấu xây dựng được "
            "ít nhất 20%")
    m = map_indicator("xây dựng được", "%", text)
    assert (m.code, m.rule) == ("drug_free_communes", "span")
    assert m.confidence < map_indicator("xã, phường, đặc khu trên toàn tỉnh không có ma túy", "%").confidence
    assert map_indicator("xây dựng được", "%").code == UNMAPPED


def test_the_words_nearest_the_value_name_the_indicator():
    m = map_indicator('Phát động phong trào thi đua “Lao động giỏi”, hoàn thành vượt mức các chỉ tiêu kế hoạch '
                      'năm 2024 của ngành, cụ thể: Phấn đấu thực hiện giá trị sản xuất CN-TTCN', "tỷ đồng")
    assert m.code == "industrial_production_value"
    m = map_indicator('cán bộ công chức đạt danh hiệu "Lao động tiên tiến", có', "%",
                      ' 100% cán bộ công chức đạt danh hiệu "Lao động tiên tiến", có ')
    assert m.code == "award_advanced_worker"


BREAKDOWN_FORMS = [(f, v["name"]) for v in load("indicators/breakdowns")["breakdowns"]["commodity"]["values"]
                   for f in v["forms"]]


@pytest.mark.parametrize("form,name", BREAKDOWN_FORMS, ids=[f for f, _ in BREAKDOWN_FORMS])
def test_every_commodity_form_names_its_breakdown(form, name):
    for unit in ("triệu USD", "tấn"):
        m = map_indicator(f"Giá trị sản phẩm {form} tham gia xuất khẩu", unit)
        assert (m.code, m.breakdown) == ("export_by_commodity", name), (form, unit, m)


def test_a_commodity_goal_is_its_breakdown_not_the_total():
    m = map_indicator("kim ngạch xuất khẩu gạo", "triệu USD")
    assert (m.code, m.breakdown, m.measure) == ("export_by_commodity", "Gạo", "level")
    assert map_indicator("Tổng sản phẩm Xoài tham gia xuất khẩu", "tấn").measure == "level"     # volume, not growth
    assert map_indicator("tổng sản phẩm tinh bột sắn xuất khẩu", "tấn").breakdown == "Sắn và sản phẩm từ sắn"
    total = map_indicator("kim ngạch xuất khẩu năm 2021", "triệu USD")
    assert (total.code, total.breakdown) == ("export_turnover", None)
    assert map_indicator("sản phẩm xuất khẩu có nhãn hiệu", "%").code != "export_by_commodity"


def test_a_unit_that_names_what_it_counts_names_the_indicator():
    # an OCR'd line left the phrase unreadable ("thiêu"); the unit still says what is counted
    m = map_indicator("thiêu", "giường bệnh/10.000 dân", "thiêu 23 giường bệnh/10.000 dân")
    assert (m.code, m.rule) == ("hospital_beds_per_10k", "unit name")
    assert map_indicator("thiêu", "%", "thiêu 23%").code == UNMAPPED
    assert map_indicator("thu nhập bình quân đầu người", "triệu đồng/người/năm").code == "income_per_capita"


def test_unmapped_stays_explicit():
    for phrase, unit in [("Phấn đấu", "%"), ("(chỉ tiêu đề ra", "%"), ("chi thường xuyên Đơn vị 29", "%"),
                         # every product but the named ones: no commodity, no total
                         ("tổng giá trị sản phẩm nông sản chế biến và nông sản khác tham gia xuất khẩu", "triệu USD")]:
        m = map_indicator(phrase, unit)
        assert m.code == UNMAPPED and not m.mapped and m.codes == (), phrase
    m = map_indicator("đưa vào khai thác", "MW")
    assert m.code == UNMAPPED and 0 < m.confidence < 0.5 and m.rule == "unit"
    assert map_indicator("đưa vào khai thác", "MW", min_confidence=0.3).code == "renewable_capacity"


def test_a_target_naming_several_indices_counts_for_each():
    m = map_indicator("Phấn đấu kết quả đánh giá các Chỉ số PAR Index, SIPAS, PAPI năm 2026 của tỉnh nằm trong nhóm",
                      "tỉnh, thành phố")
    assert set(m.codes) == {"par_index", "sipas", "papi"}


# ---------------------------------------------------------------------------
# Units

@pytest.mark.parametrize("value,unit,base,base_unit,dim", [
    (1750, "triệu USD", 1.75e9, "USD", "money_usd"), (42500, "tỷ đồng", 4.25e13, "VND", "money_vnd"),
    (12, "nghìn tỷ đồng", 1.2e13, "VND", "money_vnd"),
    (350, "nghìn USD", 3.5e5, "USD", "money_usd"),          # not in units.yaml: read from its scale words
    (2, "ngàn tỷ đồng", 2e12, "VND", "money_vnd"), (5, "tỉ đồng", 5e9, "VND", "money_vnd"),
    (16, "‰", 16, "‰", "per_mille"), (0.62, "%o", 0.62, "‰", "per_mille"),
    (12, "bác sĩ/vạn dân", 12, "/10,000", "per_10000"), (45, "/100.000 trẻ đẻ sống", 45, "/100,000", "per_100000"),
    (99.82, "%", 99.82, "%", "percent"), (115, "MW", 1.15e8, "W", "power"), (419, "hộ", 419, "hộ", "count"),
    # per head and per year belong to the indicator's definition: the amount stays money, the rate a rate
    (75, "triệu đồng/người/năm", 7.5e7, "VND", "money_vnd"), (5000, "USD/người", 5000, "USD", "money_usd"),
    (7, "%/năm", 7, "%", "percent")])
def test_units_are_normalized_for_comparison(value, unit, base, base_unit, dim):
    n = normalize_value(value, unit)
    assert math.isclose(n.value, base) and n.unit == base_unit and n.dimension == dim
    assert unit_dimension(unit) == dim


@pytest.mark.parametrize("entry", load("indicators/units")["units"], ids=lambda e: e["unit"])
def test_every_indicator_unit_form_is_read(entry):
    for form in [entry["unit"], *entry["forms"]]:
        assert unit_dimension(form) == entry["dimension"], form
    assert any(f in entry["example"] for f in entry["forms"])
