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

Library entry points:

* `indicator_summary(db, ...)`: every indicator (key, official code where a
  source gives one, system, name, unit) with how many provinces, documents and
  targets the store has for it;
* `target_rows(db, indicator, ...)`: one row per province and target;
* `province_comparison(db, indicator, year=..., merged=...)`: one row per
  province (and year): the target, its comparator, the actual a later report
  of that province states for the same indicator and year, and the source
  documents of both; with `merged`, provinces are rolled up to their post-2025
  province under `ROLLUP_RULE`;
* `unmapped_phrasings(db, ...)`: the most frequent phrasings that map to no
  indicator, so that the taxonomy grows where the documents are.

`indicator` is a taxonomy key, a legacy key or an official code (`0205`).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from vanban.extractors.places import merged_province, name_on
from vanban.pipeline.analysis.indicators import (ADDITIVE, DEFAULT_MIN_CONFIDENCE, UNMAPPED, map_indicator, normalize,
                                                 normalize_value, resolve, taxonomy)
from vanban.pipeline.store import StoreError, connect

STATUSES = ("target", "actual", "all")

# Row fields, in order (csv/json output).
FIELDS = ("province", "province_on_date", "province_merged", "indicator_code", "official_code", "breakdown",
          "confidence", "measure",
          "rule", "matched", "indicator",
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
            "breakdown": m.breakdown,
            "rule": m.rule, "matched": m.matched,
            "indicator": t["indicator"], "value": t["value"], "unit": t["unit"], "value_base": norm.value,
            "unit_base": norm.unit, "dimension": norm.dimension, "comparator": t["comparator"],
            "growth_pct": t["growth_pct"], "baseline": t["baseline"], "year": t["year"], "status": t["status"],
            "document": t["path"], "document_number": t["number"], "document_date": t["doc_date"],
            "char_start": t["char_start"], "char_end": t["char_end"], "page": t["page"], "text": t["text"],
            "_key": (t["document_id"], t["seq"]),
        }
        for code in (m.codes or (UNMAPPED,)):
            ind = resolve(code)
            out.append({**base, "indicator_code": code, "official_code": ind.official_code if ind else None})
    return out


def _key(indicator: str) -> str:
    if indicator == UNMAPPED:
        return UNMAPPED
    ind = resolve(indicator)
    if ind is None:
        raise StoreError(f"unknown indicator {indicator!r}; `vanban compare` lists the codes")
    return ind.code


def target_rows(db: str | Path, indicator: str, *, year: int | None = None, merged: bool = False,
                status: str = "target", min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[dict[str, Any]]:
    """One row per province and target of `indicator` (a taxonomy code, or
    `unmapped`), ordered by province, year and source. With `merged`, the
    `province` column is the post-2025 province."""
    indicator = _key(indicator)
    rows = [r for r in _rows(db, year, status, min_confidence, merged) if r["indicator_code"] == indicator]
    rows.sort(key=lambda r: (r["breakdown"] or "", r["province"] is None, r["province"] or "", r["year"] or 0,
                             r["document"], r["char_start"]))
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
        src = next((x for x in ind.sources if x.code), ind.sources[0])
        out.append({"indicator_code": c, "official_code": ind.official_code,
                    "code_version": src.version if src.code else None, "system": ind.system, "group": ind.group,
                    "name": ind.name, "dimension": ind.dimension, "unit": ind.unit, "verified": ind.verified,
                    "source": src.document, "provinces": len(provinces[c]), "documents": len(docs[c]),
                    "targets": targets[c], "province_names": sorted(provinces[c])})
    out.sort(key=lambda r: (-r["provinces"], -r["targets"], r["indicator_code"]))
    out.append({"indicator_code": UNMAPPED, "official_code": None, "code_version": None, "system": None, "group": None,
                "name": "(no indicator matched)", "dimension": None, "unit": None, "verified": None, "source": None,
                "provinces": len(provinces[UNMAPPED]), "documents": len(docs[UNMAPPED]),
                "targets": targets[UNMAPPED], "province_names": sorted(provinces[UNMAPPED])})
    return out


# ---------------------------------------------------------------------------
# One row per province: target against actual

ROLLUP_RULE = ("Provinces merged on 1 July 2025 are rolled up into the province they joined: a money, count, "
               "area, mass, power or energy target is the sum of its constituents' targets (marked incomplete "
               "when not every constituent has one); a rate, ratio, index or rank (%, ‰, per 1,000, top-N) is "
               "never added: each constituent's value is listed and the merged value is left empty.")

COMPARISON_FIELDS = ("province", "constituents", "year", "indicator_code", "official_code", "breakdown", "measure",
                     "comparator",
                     "target", "target_unit", "target_base", "unit_base", "actual", "actual_unit", "actual_base",
                     "achieved_pct", "rollup", "target_documents", "actual_documents")


def _pick(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The target that counts when a province states several for one year: the
    latest document's, then the most confident mapping."""
    return max(rows, key=lambda r: (r["document_date"] or "", r["confidence"], -(r["char_start"] or 0)))


def province_comparison(db: str | Path, indicator: str, *, year: int | None = None, merged: bool = False,
                        min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[dict[str, Any]]:
    """One row per province and year for `indicator`: the target (value,
    comparator, unit and base unit), the actual that a report of the same
    province states for the same indicator and year, how much of the target
    it reached, and the source documents. Only targets and actuals of the same
    measure (level, growth, plan share) and dimension are paired. With
    `merged`, provinces are rolled up to their post-merger province under
    `ROLLUP_RULE`."""
    code = _key(indicator)
    rows = [r for r in _rows(db, year, "all", min_confidence, False) if r["indicator_code"] == code]
    groups: dict[tuple, dict[str, list]] = defaultdict(lambda: {"target": [], "actual": []})
    for r in rows:
        if not r["province_on_date"]:
            continue
        # a breakdown value (one commodity) is compared with the same value only
        groups[(r["province_on_date"], r["year"], r["breakdown"], r["measure"], r["dimension"])][r["status"]].append(r)
    per_province = []
    for (prov, yr, breakdown, measure, dim), g in groups.items():
        if not g["target"]:
            continue
        t = _pick(g["target"])
        # A later report's actual: dated after the target's document when both are dated.
        later = [a for a in g["actual"] if not (a["document_date"] and t["document_date"])
                 or a["document_date"] >= t["document_date"]]
        a = _pick(later) if later else None
        achieved = None
        if a and a["value_base"] is not None and t["value_base"]:
            achieved = round(100.0 * a["value_base"] / t["value_base"], 1)
        per_province.append({
            "province": prov, "province_merged": t["province_merged"], "constituents": [prov], "year": yr,
            "indicator_code": code, "official_code": t["official_code"], "breakdown": breakdown, "measure": measure,
            "comparator": t["comparator"], "target": t["value"], "target_unit": t["unit"], "target_base": t["value_base"],
            "unit_base": t["unit_base"], "dimension": dim, "actual": a["value"] if a else None,
            "actual_unit": a["unit"] if a else None, "actual_base": a["value_base"] if a else None,
            "achieved_pct": achieved, "rollup": None,
            "target_documents": sorted({r["document"] for r in g["target"]}),
            "actual_documents": sorted({x["document"] for x in later})})
    if merged:
        per_province = _roll_up(per_province)
    per_province.sort(key=lambda r: (r["province"], r["year"] or 0, r["breakdown"] or "", r["measure"]))
    return [{k: r.get(k) for k in COMPARISON_FIELDS} for r in per_province]


def constituents_of(province: str) -> list[str]:
    """The provinces of before 1 July 2025 that make up `province` after the merger."""
    from vanban.extractors.data import load

    return sorted(e["name"] for e in load("provinces")["provinces"]
                  if not e.get("since") and merged_province(e["name"]) == province)


def _roll_up(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple, list] = defaultdict(list)
    for r in rows:
        groups[(r["province_merged"] or r["province"], r["year"], r.get("breakdown"), r["measure"], r["dimension"],
                r["unit_base"])].append(r)
    out = []
    for (prov, yr, _breakdown, measure, dim, unit_base), g in groups.items():
        names = sorted(r["province"] for r in g)
        first = g[0]
        row = {**first, "province": prov, "constituents": names,
               "target_documents": sorted({d for r in g for d in r["target_documents"]}),
               "actual_documents": sorted({d for r in g for d in r["actual_documents"]})}
        if len(g) == 1 and names == [prov]:
            out.append(row)
            continue
        additive = dim in ADDITIVE and measure == "level"
        if additive:
            expected = set(constituents_of(prov)) or set(names)
            complete = expected <= set(names)
            # The sum is stated in the base unit (VND, USD …): constituents may print different scales.
            row["target"] = row["target_base"] = sum(r["target_base"] or 0 for r in g)
            row["target_unit"] = unit_base
            actuals = [r["actual_base"] for r in g if r["actual_base"] is not None]
            row["actual_base"] = sum(actuals) if len(actuals) == len(g) else None
            row["actual"], row["actual_unit"] = row["actual_base"], unit_base if row["actual_base"] is not None else None
            row["achieved_pct"] = (round(100.0 * row["actual_base"] / row["target_base"], 1)
                                   if row["actual_base"] is not None and row["target_base"] else None)
            row["comparator"] = first["comparator"] if len({r["comparator"] for r in g}) == 1 else None
            row["rollup"] = "sum" + ("" if complete else f" (incomplete: {len(names)} of {len(expected)} provinces)")
        else:
            row.update(target=None, target_unit=None, target_base=None, actual=None, actual_unit=None, actual_base=None,
                       achieved_pct=None,
                       rollup="not added (rate): " + "; ".join(
                           f"{r['province']} {r['target']:g} {r['target_unit'] or ''}".strip() for r in g))
        out.append(row)
    return out


# ---------------------------------------------------------------------------
# Where the taxonomy should grow

_NUMBERS = re.compile(r"\b\d[\d\s]*\b")


def _phrasing(indicator: str | None) -> str:
    """The unmapped phrase as a grouping key: normalized, years and numbers
    dropped, its last eight words (the words nearest the value name it)."""
    words = _NUMBERS.sub(" ", normalize(indicator)).split()
    return " ".join(words[-8:])


def _tail(indicator: str) -> str:
    """The same eight words as printed (for display)."""
    words = _NUMBERS.sub(" ", re.sub(r"[()\[\]“”\"',;:]+", " ", indicator)).split()
    return " ".join(words[-8:])


def unmapped_phrasings(db: str | Path, *, status: str = "target", limit: int = 50,
                       min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[dict[str, Any]]:
    """The most frequent phrasings of unmapped targets: how many targets,
    documents and provinces use each, an example as extracted, its unit, and
    the nearest alias found below the threshold (if any)."""
    groups: dict[str, list] = defaultdict(list)
    for r in _rows(db, None, status, min_confidence, False):
        if r["indicator_code"] == UNMAPPED:
            key = _phrasing(r["indicator"])
            if key:
                groups[key].append(r)
    out = []
    for key, g in groups.items():
        near = max(g, key=lambda r: r["confidence"])
        out.append({"phrasing": _tail(g[0]["indicator"]), "key": key, "targets": len(g), "documents": len({r["document"] for r in g}),
                    "provinces": len({r["province"] for r in g if r["province"]}),
                    "units": ", ".join(u for u, _ in Counter(r["unit"] for r in g).most_common(3)),
                    "example": g[0]["indicator"], "nearest": near["matched"], "nearest_confidence": near["confidence"],
                    "document": g[0]["document"]})
    out.sort(key=lambda r: (-r["targets"], -r["documents"], r["phrasing"]))
    return out[:limit] if limit else out
