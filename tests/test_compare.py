"""Targets across provinces on a store built from real plans (tests/fixtures/analysis,
copied from the shared corpus): the indicator summary with codes, rows per target,
one row per province (target against actual), the 2025 merger roll-up, unmapped
phrasings, and `vanban compare`. The taxonomy itself is tested in test_indicators.py."""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vanban.pipeline.analysis.compare import (ROLLUP_RULE, _roll_up, constituents_of, indicator_summary,
                                              province_comparison, target_rows, unmapped_phrasings)
from vanban.pipeline.analysis.indicators import UNMAPPED, taxonomy
from vanban.pipeline.batch import Options, ingest
from vanban.pipeline.cli import app
from vanban.pipeline.extract import text_of
from vanban.pipeline.store import StoreError

FIX = Path(__file__).parent / "fixtures" / "analysis"
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("compare") / "analysis.duckdb")
    summary = ingest(Options(paths=[str(FIX)], db=path, workers=2, progress=False))
    assert summary.failed == 0 and summary.new == len(list(FIX.iterdir()))
    return path


# ---------------------------------------------------------------------------
# The store

def test_without_an_indicator_compare_lists_indicators(db):
    rows = indicator_summary(db)
    by = {r["indicator_code"]: r for r in rows}
    assert set(by) == {i.code for i in taxonomy()} | {UNMAPPED}
    assert len(rows) >= 150
    assert by["export_turnover"]["province_names"] == ["Bến Tre", "Hòa Bình", "Sơn La"]
    assert by["sex_ratio_at_birth"]["official_code"] == "0205" and by["sex_ratio_at_birth"]["code_version"] == "2010"
    assert by["par_index"]["system"] == "governance" and by["par_index"]["source"]
    assert by[UNMAPPED]["targets"] > 0          # visible, not dropped
    assert rows[-1]["indicator_code"] == UNMAPPED
    counts = [r["provinces"] for r in rows[:-1]]
    assert counts == sorted(counts, reverse=True)
    res = runner.invoke(app, ["compare", "--db", db])
    assert res.exit_code == 0, res.output
    assert "export_turnover" in res.output and "unmapped" in res.output and "0205" in res.output


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


def test_most_targets_of_real_plans_map_to_an_indicator(db):
    rows = target_rows(db, UNMAPPED)
    mapped = [r for r in indicator_summary(db) if r["indicator_code"] != UNMAPPED]
    total = sum(r["targets"] for r in mapped) + len(rows)
    # Targets naming several indices count once per index: the share is a lower bound on targets.
    assert sum(r["targets"] for r in mapped) / total >= 0.6


def test_a_commodity_goal_is_compared_with_the_same_commodity_only(db):
    rows = province_comparison(db, "export_by_commodity")
    assert rows and all(r["breakdown"] for r in rows)
    keys = [(r["province"], r["year"], r["breakdown"], r["target_unit"]) for r in rows]
    assert len(keys) == len(set(keys))          # one row per commodity and unit, never one summed export
    xoai = {r["target_unit"]: r["target"] for r in rows if r["breakdown"] == "Xoài"}
    assert xoai == {"tấn": 18000.0, "triệu USD": 10.0}
    assert all(r["indicator_code"] != "export_by_commodity"
               for r in target_rows(db, "export_turnover"))
    res = runner.invoke(app, ["compare", "-i", "export_by_commodity", "--provinces", "--db", db])
    assert res.exit_code == 0 and "breakdown" in res.output and "Xoài" in res.output
    res = runner.invoke(app, ["compare", "-i", "export_turnover", "--provinces", "--db", db])
    assert res.exit_code == 0 and "breakdown" not in res.output


def test_official_codes_and_legacy_keys_select_an_indicator(db):
    assert target_rows(db, "0205") == target_rows(db, "sex_ratio_at_birth")     # an official code is accepted
    with pytest.raises(StoreError, match="unknown indicator"):
        target_rows(db, "9999")
    rows = target_rows(db, "online_public_services")
    assert rows and all(r["rule"] in {"synonym", "weak", "rule", "unaccented", "span"} and r["matched"] for r in rows)


def test_one_row_per_province_pairs_a_target_with_the_actual(db):
    rows = province_comparison(db, "online_public_services")
    by = {(r["province"], r["year"]): r for r in rows}
    assert {p for p, _ in by} == {"Bắc Ninh", "Lâm Đồng"}
    for r in rows:
        assert r["target_documents"] and r["target"] is not None and r["comparator"]
        if r["actual"] is not None:
            assert r["actual_documents"] and r["achieved_pct"] == round(100 * r["actual_base"] / r["target_base"], 1)
    assert province_comparison(db, "online_public_services", year=2030) == [r for r in rows if r["year"] == 2030]


def test_merged_provinces_add_money_and_never_add_rates(db):
    assert constituents_of("Vĩnh Long") == ["Bến Tre", "Trà Vinh", "Vĩnh Long"]
    rows = {r["province"]: r for r in province_comparison(db, "export_turnover", merged=True)}
    vl = rows["Vĩnh Long"]
    assert vl["constituents"] == ["Bến Tre"] and math.isclose(vl["target"], 1.75e9) and vl["target_unit"] == "USD"
    assert vl["rollup"].startswith("sum (incomplete: 1 of 3")
    assert rows["Sơn La"]["rollup"] is None          # not merged: as printed
    # Two pre-merger provinces with a rate target: listed, never added.
    base = {"year": 2025, "measure": "level", "comparator": ">=", "unit_base": "%", "achieved_pct": None,
            "actual": None, "actual_unit": None, "actual_base": None, "target_documents": ["a"], "actual_documents": [],
            "province_merged": "Vĩnh Long", "indicator_code": "poverty_rate", "official_code": None, "rollup": None}
    rate = _roll_up([{**base, "province": "Bến Tre", "constituents": ["Bến Tre"], "dimension": "percent",
                      "target": 2.0, "target_unit": "%", "target_base": 2.0},
                     {**base, "province": "Trà Vinh", "constituents": ["Trà Vinh"], "dimension": "percent",
                      "target": 1.5, "target_unit": "%", "target_base": 1.5}])
    assert len(rate) == 1 and rate[0]["target"] is None and rate[0]["target_base"] is None
    assert rate[0]["rollup"].startswith("not added (rate)") and "Bến Tre 2" in rate[0]["rollup"]
    money = _roll_up([{**base, "province": p, "constituents": [p], "dimension": "money_vnd", "unit_base": "VND",
                       "target": v, "target_unit": "tỷ đồng", "target_base": v * 1e9}
                      for p, v in [("Bến Tre", 10), ("Trà Vinh", 20), ("Vĩnh Long", 30)]])
    assert money[0]["target"] == 6e10 and money[0]["rollup"] == "sum"
    assert "never added" in ROLLUP_RULE


def test_unmapped_phrasings_are_listed_most_frequent_first(db):
    rows = unmapped_phrasings(db, limit=0)
    assert rows and all(r["targets"] >= 1 and r["phrasing"] and r["document"] for r in rows)
    counts = [r["targets"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == len(target_rows(db, UNMAPPED))
    assert len(unmapped_phrasings(db, limit=2)) == 2
    res = runner.invoke(app, ["compare", "--unmapped", "-n", "3", "--format", "json", "--db", db])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert len(out) == 3 and out[0]["targets"] == counts[0]


def test_compare_provinces_command(db):
    res = runner.invoke(app, ["compare", "-i", "export_turnover", "--provinces", "--merged-provinces", "--db", db])
    assert res.exit_code == 0, res.output
    assert "Vĩnh Long" in res.output and "sum (incomplete" in res.output and "seed_000.txt" in res.output
    res = runner.invoke(app, ["compare", "--provinces", "--db", db])
    assert res.exit_code == 1 and "--indicator" in res.output
