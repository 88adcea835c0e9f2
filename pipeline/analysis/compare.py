"""Compare targets across provinces (`vanban compare`).

Every stored target is mapped to the indicator taxonomy (pipeline.analysis.indicators)
when it is read, not when it is ingested: a better taxonomy applies to every
store at once, with no re-ingest and no stale stored codes. Each row carries:

* the province named in the document (documents.province) under the name in
  force on the document's date (`name_on`) and the province it belongs to
  after the 1 July 2025 merger (`merged_province`), so a 2024 Bến Tre target
  can be compared within today's Vĩnh Long;
* the value as printed and in the base unit of its dimension (VND, USD, %, W …);
* the source document and the target's offsets in its normalized text.

A file stored under several paths (same sha256) counts once, under its first path.

Library entry points: `target_rows(db, ...)`, `indicator_summary(db, ...)`.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from vanban.extractors.places import merged_province, name_on
from vanban.pipeline.analysis.indicators import (DEFAULT_MIN_CONFIDENCE, UNMAPPED, by_code, map_indicator, normalize_value,
                                 taxonomy)
from vanban.pipeline.store import StoreError, connect

STATUSES = ("target", "actual", "all")

# Row fields, in order (csv/json output).
FIELDS = ("province", "province_on_date", "province_merged", "indicator_code", "confidence", "measure", "indicator",
          "value", "unit", "value_base", "unit_base", "dimension", "comparator", "growth_pct", "baseline", "year",
          "status", "document", "document_number", "document_date", "char_start", "char_end", "page", "text")


def _province_names(province: str | None, on_date: str | None) -> tuple[str | None, str | None]:
    if not province:
        return None, None
    now = name_on(province, on_date)
    return now, merged_province(now) or now


def _read_targets(db: str | Path, year: int | None, status: str) -> list[dict[str, Any]]:
    if status not in STATUSES:
        raise StoreError(f"unknown status {status!r} (target, actual or all)")
    con = connect(db, read_only=True, retry_seconds=2.0)
    try:
        have = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        if not {"targets", "documents"} <= have:
            raise StoreError(f"{db} is not a vanban store (no targets table); create one with `vanban ingest`")
        where, params = [], []
        if status != "all":
            where.append("t.status = ?")
            params.append(status)
        if year is not None:
            where.append("t.year = ?")
            params.append(year)
        cur = con.execute(
            "SELECT t.document_id, t.seq, t.indicator, t.value, t.unit, t.comparator, t.growth_pct, t.baseline, "
            "t.year, t.status, t.char_start, t.char_end, t.page, t.text, d.path, d.number, d.province, "
            "coalesce(d.issue_date, d.published_date) AS doc_date "
            "FROM targets t JOIN documents d ON d.id = t.document_id "
            # A file stored under two paths (same sha256) is one document.
            "WHERE d.path IN (SELECT min(path) FROM documents GROUP BY sha256) "
            + "".join(f"AND {w} " for w in where) + "ORDER BY d.path, t.seq", params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


def _rows(db, year, status, min_confidence, merged) -> list[dict[str, Any]]:
    """Every target as a comparison row, once per indicator it maps to
    (a target naming `PAR Index, SIPAS, PAPI` counts for each)."""
    out = []
    for t in _read_targets(db, year, status):
        m = map_indicator(t["indicator"], t["unit"], t["text"], min_confidence=min_confidence)
        norm = normalize_value(t["value"], t["unit"])
        on_date, after_merger = _province_names(t["province"], t["doc_date"])
        base = {
            "province": after_merger if merged else on_date, "province_on_date": on_date,
            "province_merged": after_merger, "confidence": round(m.confidence, 3), "measure": m.measure,
            "indicator": t["indicator"], "value": t["value"], "unit": t["unit"], "value_base": norm.value,
            "unit_base": norm.unit, "dimension": norm.dimension, "comparator": t["comparator"],
            "growth_pct": t["growth_pct"], "baseline": t["baseline"], "year": t["year"], "status": t["status"],
            "document": t["path"], "document_number": t["number"], "document_date": t["doc_date"],
            "char_start": t["char_start"], "char_end": t["char_end"], "page": t["page"], "text": t["text"],
            "_key": (t["document_id"], t["seq"]),
        }
        for code in (m.codes or (UNMAPPED,)):
            out.append({**base, "indicator_code": code})
    return out


def target_rows(db: str | Path, indicator: str, *, year: int | None = None, merged: bool = False,
                status: str = "target", min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[dict[str, Any]]:
    """One row per province and target of `indicator` (a taxonomy code, or
    `unmapped`), ordered by province, year and source. With `merged`, the
    `province` column is the post-2025 province."""
    if indicator != UNMAPPED and indicator not in by_code():
        raise StoreError(f"unknown indicator {indicator!r}; `vanban compare` lists the codes")
    rows = [r for r in _rows(db, year, status, min_confidence, merged) if r["indicator_code"] == indicator]
    rows.sort(key=lambda r: (r["province"] is None, r["province"] or "", r["year"] or 0, r["document"],
                             r["char_start"]))
    return [{k: r[k] for k in FIELDS} for r in rows]


def indicator_summary(db: str | Path, *, year: int | None = None, merged: bool = False, status: str = "target",
                      min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[dict[str, Any]]:
    """Every indicator of the taxonomy (and `unmapped`) with how many provinces,
    documents and targets the store has for it; most provinces first."""
    provinces: dict[str, set] = defaultdict(set)
    docs: dict[str, set] = defaultdict(set)
    targets: dict[str, int] = defaultdict(int)
    for r in _rows(db, year, status, min_confidence, merged):
        c = r["indicator_code"]
        if r["province"]:
            provinces[c].add(r["province"])
        docs[c].add(r["document"])
        targets[c] += 1
    out = []
    for ind in taxonomy():
        c = ind.code
        out.append({"indicator_code": c, "name": ind.name, "dimension": ind.dimension, "provinces": len(provinces[c]),
                    "documents": len(docs[c]), "targets": targets[c],
                    "province_names": sorted(provinces[c])})
    out.sort(key=lambda r: (-r["provinces"], -r["targets"], r["indicator_code"]))
    out.append({"indicator_code": UNMAPPED, "name": "(no indicator matched)", "dimension": None,
                "provinces": len(provinces[UNMAPPED]), "documents": len(docs[UNMAPPED]),
                "targets": targets[UNMAPPED], "province_names": sorted(provinces[UNMAPPED])})
    return out
