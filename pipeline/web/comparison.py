"""The web's one adapter over `vanban.pipeline.analysis.compare`.

Everything the Compare page and its API know about indicators goes through
here, so a change of the indicator taxonomy (codes, names, fields of a row)
is absorbed in this module alone.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from vanban.pipeline.analysis.compare import (COMPARISON_FIELDS, FIELDS, ROLLUP_RULE, STATUSES, indicator_summary,
                                              province_comparison, target_rows)
from vanban.pipeline.analysis.indicators import UNMAPPED
from vanban.pipeline.store import StoreError, doc_id
from vanban.pipeline.web import labels

__all__ = ["FIELDS", "COMPARISON_FIELDS", "STATUSES", "UNMAPPED", "UnknownIndicator", "indicators", "comparison",
           "to_csv", "provinces_to_csv"]


class UnknownIndicator(LookupError):
    """An indicator code the taxonomy does not know."""


def indicators(db: str | Path, *, year: int | None, merged: bool, status: str) -> list[dict[str, Any]]:
    """Every indicator with how many provinces, documents and targets the store has."""
    out = []
    for r in indicator_summary(db, year=year, merged=merged, status=status):
        out.append({"code": r["indicator_code"], "name": "(không khớp chỉ tiêu nào)" if r["indicator_code"] == UNMAPPED
                    else r["name"], "dimension": r["dimension"], "provinces": r["provinces"],
                    "documents": r["documents"], "targets": r["targets"], "province_names": r["province_names"]})
    return out


def comparison(db: str | Path, code: str, *, year: int | None, merged: bool, status: str) -> dict[str, Any]:
    """One row per province and target of indicator `code`, with the source
    document's id (for a link), and the years the store has for it."""
    try:
        every_year = target_rows(db, code, year=None, merged=merged, status=status)
    except StoreError as e:
        if str(e).startswith("unknown indicator"):
            raise UnknownIndicator(code) from e
        raise
    years = sorted({r["year"] for r in every_year if r["year"] is not None}, reverse=True)
    rows = every_year if year is None else [r for r in every_year if r["year"] == year]
    for r in rows:
        r["document_id"] = str(doc_id(r["document"]))
        r["document_name"] = Path(r["document"]).name
        r["comparator_label"] = labels.COMPARATORS.get(r["comparator"], r["comparator"])
        r["value_label"] = labels.number(r["value"])
    provinces = sorted({r["province"] for r in rows if r["province"]})
    # The comparison proper: one row per province (and year), its target against
    # the actual a later report states; with the merger toggle, rolled up by ROLLUP_RULE.
    by_province = province_comparison(db, code, year=year, merged=merged)
    for r in by_province:
        r["target_label"] = labels.number(r["target"])
        r["actual_label"] = labels.number(r["actual"])
        r["comparator_label"] = labels.COMPARATORS.get(r["comparator"], r["comparator"])
        r["measure_label"] = labels.MEASURES.get(r["measure"], r["measure"])
        r["target_links"] = [{"id": str(doc_id(d)), "name": Path(d).name} for d in r["target_documents"]]
        r["actual_links"] = [{"id": str(doc_id(d)), "name": Path(d).name} for d in r["actual_documents"]]
    return {"indicator": code, "year": year, "merged": merged, "status": status, "years": years,
            "provinces": provinces, "rows": rows, "by_province": by_province,
            "rollup_rule": ROLLUP_RULE if merged else None, "rollup_rule_vi": labels.ROLLUP_RULE_VI if merged else None}


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(v: Any) -> Any:
    """A CSV cell that a spreadsheet will not run: text starting like a formula
    gets a leading apostrophe (numbers stay numbers)."""
    if v is None:
        return ""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def provinces_to_csv(rows: list[dict[str, Any]]) -> str:
    """The one-row-per-province comparison as CSV (the library's fields, lists joined by "; ")."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COMPARISON_FIELDS)
    for r in rows:
        w.writerow([_cell("; ".join(map(str, v)) if isinstance(v, list) else v) for v in
                    (r.get(f) for f in COMPARISON_FIELDS)])
    return buf.getvalue()


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV (every field of the library's rows, in its order)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(FIELDS)
    for r in rows:
        w.writerow([_cell(r.get(f)) for f in FIELDS])
    return buf.getvalue()
