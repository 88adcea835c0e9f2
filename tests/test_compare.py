"""Targets across provinces: the indicator taxonomy, unit normalization, the
provinces before and after the 2025 merger, and `vanban compare` on a store
built from real plans (tests/fixtures/analysis, copied from the shared corpus)."""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vanban.extractors.data import load
from vanban.pipeline.batch import Options, ingest
from vanban.pipeline.cli import app
from vanban.pipeline.analysis.compare import indicator_summary, target_rows
from vanban.pipeline.extract import text_of
from vanban.pipeline.analysis.indicators import UNMAPPED, map_indicator, normalize_value, taxonomy

FIX = Path(__file__).parent / "fixtures" / "analysis"
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("compare") / "analysis.duckdb")
    summary = ingest(Options(paths=[str(FIX)], db=path, workers=2, progress=False))
    assert summary.failed == 0 and summary.new == len(list(FIX.iterdir()))
    return path


# ---------------------------------------------------------------------------
# The taxonomy

@pytest.mark.parametrize("ind", taxonomy(), ids=lambda i: i.code)
def test_every_taxonomy_example_maps_to_its_code(ind):
    m = map_indicator(ind.example, ind.example_unit)
    assert m.code == ind.code, (ind.example, m)
    assert m.confidence >= 0.5


def test_taxonomy_covers_what_the_issue_asks_for():
    codes = {i.code for i in taxonomy()}
    assert {"export_turnover", "import_turnover", "retail_sales", "industrial_production_index",
            "industrial_production_value", "cpi", "grdp_growth", "budget_revenue", "households_on_grid",
            "renewable_capacity", "par_index", "sipas", "papi", "pci"} <= codes
    assert any(c.startswith("award_") for c in codes)
    dims = {u["dimension"] for u in load("units")["units"]}
    for i in taxonomy():
        assert set(i.dimensions) <= dims, i.code
        assert i.name and i.synonyms, i.code


def test_the_words_nearest_the_value_name_the_indicator():
    # The extracted phrase carries the sentence before the indicator.
    m = map_indicator('Phát động phong trào thi đua “Lao động giỏi”, hoàn thành vượt mức các chỉ tiêu kế hoạch '
                      'năm 2024 của ngành, cụ thể: Phấn đấu thực hiện giá trị sản xuất CN-TTCN', "tỷ đồng")
    assert m.code == "industrial_production_value"
    # The value first: "100% cán bộ … đạt danh hiệu Lao động tiên tiến".
    m = map_indicator('cán bộ công chức đạt danh hiệu "Lao động tiên tiến", có', "%",
                      ' 100% cán bộ công chức đạt danh hiệu "Lao động tiên tiến", có ')
    assert m.code == "award_advanced_worker"


def test_units_decide_between_level_and_growth():
    assert map_indicator("kim ngạch xuất khẩu", "triệu USD").measure == "level"
    m = map_indicator("kim ngạch xuất khẩu", "%")
    assert (m.code, m.measure) == ("export_turnover", "growth")
    assert map_indicator("GRDP theo giá hiện hành", "tỷ đồng").code == "grdp"
    assert map_indicator("tăng trưởng GRDP", "%").code == "grdp_growth"


def test_what_maps_nowhere_stays_unmapped():
    for phrase, unit in [("số vụ phạm tội về ma túy được phát hiện, bắt giữ", "%"), ("Phấn đấu", "%"),
                         ("tỷ trọng công nghiệp trong GRDP", "%"),          # excluded: a share, not growth
                         ("tổng giá trị sản phẩm Xoài tham gia xuất khẩu", "triệu USD")]:   # a sub-item
        assert map_indicator(phrase, unit).code == UNMAPPED, phrase
    # A unit alone is a weak hint: below the default threshold, visible with a lower one.
    m = map_indicator("đưa vào khai thác", "MW")
    assert m.code == UNMAPPED and 0 < m.confidence < 0.5
    assert map_indicator("đưa vào khai thác", "MW", min_confidence=0.3).code == "renewable_capacity"


def test_a_target_naming_several_indices_counts_for_each():
    m = map_indicator("Phấn đấu kết quả đánh giá các Chỉ số PAR Index, SIPAS, PAPI năm 2026 của tỉnh nằm trong nhóm",
                      "tỉnh, thành phố")
    assert set(m.codes) == {"par_index", "sipas", "papi"}


@pytest.mark.parametrize("value,unit,base,base_unit", [
    (1750, "triệu USD", 1.75e9, "USD"), (2.6, "tỷ USD", 2.6e9, "USD"), (42500, "tỷ đồng", 4.25e13, "VND"),
    (75, "triệu đồng", 7.5e7, "VND"), (12, "nghìn tỷ đồng", 1.2e13, "VND"), (99.82, "%", 99.82, "%"),
    (115, "MW", 1.15e8, "W"), (419, "hộ", 419, "hộ")])
def test_units_are_normalized_for_comparison(value, unit, base, base_unit):
    n = normalize_value(value, unit)
    assert math.isclose(n.value, base) and n.unit == base_unit


# ---------------------------------------------------------------------------
# The store

def test_without_an_indicator_compare_lists_indicators(db):
    rows = indicator_summary(db)
    by = {r["indicator_code"]: r for r in rows}
    assert set(by) == {i.code for i in taxonomy()} | {UNMAPPED}
    assert by["export_turnover"]["province_names"] == ["Bến Tre", "Hòa Bình", "Sơn La"]
    assert by[UNMAPPED]["targets"] > 0          # visible, not dropped
    assert rows[-1]["indicator_code"] == UNMAPPED
    counts = [r["provinces"] for r in rows[:-1]]
    assert counts == sorted(counts, reverse=True)
    res = runner.invoke(app, ["compare", "--db", db])
    assert res.exit_code == 0, res.output
    assert "export_turnover" in res.output and "unmapped" in res.output


# (indicator, province, as printed in the source, value in the base unit, base unit)
EXPECTED = [
    ("export_turnover", "Bến Tre", "1.750 triệu USD", 1.75e9, "USD"),
    ("export_turnover", "Hòa Bình", "1.218 triệu USD", 1.218e9, "USD"),
    ("export_turnover", "Sơn La", "400 triệu USD", 4.0e8, "USD"),
    ("import_turnover", "Bến Tre", "500 triệu USD", 5.0e8, "USD"),
    ("import_turnover", "Hòa Bình", "980 USD", 980.0, "USD"),        # as the source prints it
    ("retail_sales", "Bến Tre", "70.540 tỷ đồng", 7.054e13, "VND"),
    ("retail_sales", "Hòa Bình", "44.462 tỷ đồng", 4.4462e13, "VND"),
    ("online_public_services", "Bắc Ninh", "80%", 80.0, "%"),
    ("online_public_services", "Lâm Đồng", "90%", 90.0, "%"),
]


@pytest.mark.parametrize("code", sorted({e[0] for e in EXPECTED}))
def test_indicator_rows_from_several_provinces_match_the_sources(db, code):
    rows = target_rows(db, code)
    assert len({r["province"] for r in rows}) >= 2
    for _, province, printed, base, base_unit in [e for e in EXPECTED if e[0] == code]:
        hits = [r for r in rows if r["province"] == province and math.isclose(r["value_base"], base)]
        assert hits, (province, printed, [(r["province"], r["value_base"]) for r in rows])
        r = hits[0]
        assert r["unit_base"] == base_unit and r["status"] == "target" and r["confidence"] >= 0.5
        # The offsets point at the figure in the source document's text.
        span = text_of(r["document"])[r["char_start"]:r["char_end"]]
        assert printed in span, (span, printed)
        assert r["text"].strip() == span.strip()


def test_provinces_before_and_after_the_merger(db):
    rows = {r["province_on_date"]: r for r in target_rows(db, "export_turnover", merged=True)}
    assert rows["Bến Tre"]["province"] == rows["Bến Tre"]["province_merged"] == "Vĩnh Long"
    assert rows["Hòa Bình"]["province"] == "Phú Thọ"
    assert rows["Sơn La"]["province"] == "Sơn La"            # not merged
    by = {r["indicator_code"]: r for r in indicator_summary(db, merged=True)}
    assert by["retail_sales"]["province_names"] == ["Phú Thọ", "Vĩnh Long"]


def test_year_and_status_filters(db):
    assert {r["province"] for r in target_rows(db, "export_turnover", year=2030)} == {"Sơn La"}
    assert all(r["status"] == "target" for r in target_rows(db, "sipas"))
    assert len(target_rows(db, "export_turnover", status="all")) >= len(target_rows(db, "export_turnover"))


def test_unmapped_targets_can_be_listed(db):
    rows = target_rows(db, UNMAPPED)
    assert rows and all(r["indicator_code"] == UNMAPPED for r in rows)
    assert any("ma túy" not in r["indicator"] and r["province"] == "Đồng Tháp" for r in rows)


def test_compare_command_formats_and_errors(db):
    res = runner.invoke(app, ["compare", "--indicator", "export_turnover", "--format", "json", "--db", db])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert {"province", "value", "unit", "value_base", "unit_base", "growth_pct", "year", "comparator", "document",
            "char_start", "char_end"} <= set(rows[0])
    bt = next(r for r in rows if r["province"] == "Bến Tre")
    assert (bt["value"], bt["unit"], bt["growth_pct"], bt["comparator"]) == (1750.0, "triệu USD", 14.38, "=")
    res = runner.invoke(app, ["compare", "-i", "retail_sales", "--merged-provinces", "--format", "csv", "--db", db])
    assert res.exit_code == 0
    table = list(csv.DictReader(io.StringIO(res.output)))
    assert {r["province"] for r in table} == {"Vĩnh Long", "Phú Thọ"}
    res = runner.invoke(app, ["compare", "-i", "retail_sales", "--db", db])
    assert res.exit_code == 0 and "Bến Tre" in res.output and "(2 rows)" in res.output
    res = runner.invoke(app, ["compare", "-i", "no_such_code", "--db", db])
    assert res.exit_code == 1 and "unknown indicator" in res.output
    res = runner.invoke(app, ["compare", "--db", str(Path(db).with_name("missing.duckdb"))])
    assert res.exit_code == 1 and "no store" in res.output
