"""Read-only queries over the store for the web pages.

Each function opens the store read-only (sandboxed: no file access beyond
it) for the length of one call and closes it, so an ingest can take the store
between requests. Every value from a request is a bound parameter.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from vanban.pipeline.store import StoreError, connect, sha256_file
from vanban.pipeline.web import labels

FACETS = ("province", "doc_type", "issuer", "year")
PAGE_SIZE = 50
_YEAR = "substr(coalesce(issue_date, published_date), 1, 4)"
# Accent- and case-insensitive text match (đ folds to d, which strip_accents leaves).
_FOLD = "replace(strip_accents(lower({})), 'đ', 'd')"


@contextmanager
def reading(db: str | Path) -> Iterator[Any]:
    con = connect(db, read_only=True, retry_seconds=3.0)
    try:
        yield con
    finally:
        con.close()


def _rows(con, sql: str, params: list | tuple = ()) -> list[dict[str, Any]]:
    cur = con.execute(sql, list(params))
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}


def _need_store(con, db) -> None:
    if "documents" not in _tables(con):
        raise StoreError(f"{db} is not a vanban store (no documents table); create one with `vanban ingest`")


def status(db: str | Path) -> dict[str, Any]:
    """What the store holds: counts per table, documents per type and format, the last run."""
    if not os.path.exists(db):
        return {"db": str(db), "exists": False, "counts": {}, "by_type": [], "by_format": {}, "last_run": None}
    with reading(db) as con:
        have = _tables(con)
        _need_store(con, db)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "citations", "dates", "commemorations", "targets", "signatories", "failures")
                  if t in have}
        by_type = [{"doc_type": t, "label": labels.doc_type(t), "documents": n} for t, n in con.execute(
            "SELECT doc_type, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()]
        by_format = dict(con.execute("SELECT format, count(*) FROM documents GROUP BY 1 ORDER BY 1").fetchall())
        last = None
        if "runs" in have:
            r = _rows(con, "SELECT id, started_at, finished_at, status, n_files, n_new, n_updated, n_failed "
                           "FROM runs ORDER BY id DESC LIMIT 1")
            if r:
                last = {k: (str(v) if v is not None and k.endswith("_at") else v) for k, v in r[0].items()}
    return {"db": str(db), "exists": True, "counts": counts, "by_type": by_type, "by_format": by_format,
            "last_run": last}


def _where(filters: dict[str, str | None], skip: str | None = None) -> tuple[str, list]:
    sql, params = [], []
    for f in FACETS:
        v = filters.get(f)
        if not v or f == skip:
            continue
        if f == "year":
            sql.append(f"{_YEAR} = ?")
        else:
            sql.append(f"coalesce({f}, '') = ?")
        params.append(v)
    q = (filters.get("q") or "").strip()
    if q:
        hay = " || ' ' || ".join(f"coalesce({c}, '')" for c in ("title", "number", "issuer", "province", "author",
                                                                  "path"))
        for word in q.split()[:8]:
            sql.append(f"{_FOLD.format('(' + hay + ')')} LIKE '%' || {_FOLD.format('?')} || '%' ESCAPE '\\'")
            params.append(word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
    return (" WHERE " + " AND ".join(sql)) if sql else "", params


def list_documents(db: str | Path, filters: dict[str, str | None], page: int = 1,
                   page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """The documents matching `filters` (province, doc_type, issuer, year: exact;
    q: every word somewhere in title, number, issuer, province, author or file
    name, ignoring accents and case), newest first; with, for each facet, its
    values and how many documents each would leave (the other filters applied)."""
    page = max(1, page)
    with reading(db) as con:
        _need_store(con, db)
        where, params = _where(filters)
        total = con.execute(f"SELECT count(*) FROM documents{where}", params).fetchone()[0]
        docs = _rows(con, "SELECT id, path, format, doc_type, number, issuer, province, issue_date, published_date, "
                          f"title, {_YEAR} AS year, "
                          "(SELECT count(*) FROM citations c WHERE c.document_id = d.id) AS citations, "
                          "(SELECT count(*) FROM targets t WHERE t.document_id = d.id) AS targets "
                          f"FROM documents d{where} "
                          "ORDER BY coalesce(issue_date, published_date) DESC NULLS LAST, path "
                          "LIMIT ? OFFSET ?", params + [page_size, (page - 1) * page_size])
        facets = {}
        for f in FACETS:
            w, p = _where(filters, skip=f)
            col = _YEAR if f == "year" else f
            facets[f] = [{"value": v, "label": labels.doc_type(v) if f == "doc_type" else v, "documents": n}
                         for v, n in con.execute(
                             f"SELECT {col} AS v, count(*) FROM documents{w} GROUP BY 1 HAVING v IS NOT NULL "
                             f"AND v <> '' ORDER BY {'1 DESC' if f == 'year' else '2 DESC, 1'}", p).fetchall()]
    for d in docs:
        d["id"] = str(d["id"])
        d["name"] = Path(d["path"]).name
        d["doc_type_label"] = labels.doc_type(d["doc_type"])
    return {"total": total, "page": page, "page_size": page_size, "pages": max(1, -(-total // page_size)),
            "filters": {k: v for k, v in filters.items() if v}, "documents": docs, "facets": facets}


def parse_id(raw: str) -> int | None:
    """A document id from a URL: a signed 64-bit integer, else None."""
    try:
        v = int(raw)
    except (TypeError, ValueError):
        return None
    return v if -(1 << 63) <= v < (1 << 63) and raw.lstrip("-").isdigit() else None


_ITEM_SQL = {
    "citations": "SELECT seq, text, char_start, char_end, page, rule, doc_type, number, date, issuer, title, "
                 "relation, pin, key, (SELECT count(*) FROM citation_mentions m WHERE m.document_id = c.document_id "
                 "AND m.citation_seq = c.seq) AS mentions FROM citations c WHERE document_id = ? ORDER BY seq",
    "dates": "SELECT seq, text, char_start, char_end, page, rule, value, role FROM dates WHERE document_id = ? "
             "ORDER BY seq",
    "commemorations": "SELECT seq, text, char_start, char_end, page, rule, years, event, origin_date, date, "
                      "consistent FROM commemorations WHERE document_id = ? ORDER BY seq",
    "targets": "SELECT seq, text, char_start, char_end, page, rule, indicator, value, unit, comparator, growth_pct, "
               "baseline, year, status FROM targets WHERE document_id = ? ORDER BY seq",
    "signatories": "SELECT seq, text, char_start, char_end, page, rule, name, title, organization, on_behalf "
                   "FROM signatories WHERE document_id = ? ORDER BY seq",
}


def get_document(db: str | Path, did: int) -> dict[str, Any] | None:
    """One stored document: its metadata (with where each field was read), every
    item with its normalized value, and whether its original file is still there."""
    with reading(db) as con:
        _need_store(con, db)
        rows = _rows(con, "SELECT id, path, sha256, format, size, pages, ocr_pages, doc_type, number, issuer, "
                          "province, issue_place, issue_date, published_date, title, author, meta_spans, warnings, "
                          "extractor_version, ingested_at FROM documents WHERE id = ?", [did])
        if not rows:
            return None
        doc = rows[0]
        items: dict[str, list[dict]] = {}
        for table, sql in _ITEM_SQL.items():
            kind = labels.KIND_OF_FIELD[table]
            items[table] = []
            for r in _rows(con, sql, [did]):
                r["start"], r["end"] = r.pop("char_start"), r.pop("char_end")
                r["value_text"] = labels.value_of(kind, r)
                if kind == "citation":
                    r["relation_label"] = labels.RELATIONS.get(r["relation"], r["relation"])
                items[table].append(r)
    spans = json.loads(doc.pop("meta_spans") or "{}")
    doc["id"] = str(doc["id"])
    doc["name"] = Path(doc["path"]).name
    doc["ingested_at"] = str(doc["ingested_at"])
    doc["doc_type_label"] = labels.doc_type(doc["doc_type"])
    doc["meta"] = [{"field": f, "label": lab, "value": labels.value_of("meta", {"value": doc.get(f)}, f),
                    "span": spans.get(f)} for f, lab in labels.META_FIELDS.items() if doc.get(f)]
    doc["file_available"] = os.path.isfile(doc["path"])
    doc["items"] = items
    doc["counts"] = {k: len(v) for k, v in items.items()}
    return doc


def document_file(db: str | Path, did: int) -> tuple[Path, str, str] | None:
    """(path, format, file name) of a stored document's original file, only when
    the file is still there with the content the store holds; else None."""
    with reading(db) as con:
        _need_store(con, db)
        r = con.execute("SELECT path, sha256, format FROM documents WHERE id = ?", [did]).fetchone()
    if r is None:
        return None
    path, sha, fmt = r
    p = Path(path)
    try:
        if not p.is_file() or sha256_file(p) != sha:
            return None
    except OSError:
        return None
    return p, fmt, p.name


def documents_by_sha(db: str | Path, sha: str) -> list[dict[str, Any]]:
    """Stored documents with this content (an upload that is already in the store)."""
    if not os.path.exists(db):
        return []
    with reading(db) as con:
        _need_store(con, db)
        return [{"id": str(i), "path": p, "name": Path(p).name} for i, p in con.execute(
            "SELECT id, path FROM documents WHERE sha256 = ? ORDER BY path", [sha]).fetchall()]


def document_id_for_path(db: str | Path, path: str) -> str | None:
    with reading(db) as con:
        r = con.execute("SELECT id FROM documents WHERE path = ?", [path]).fetchone()
    return str(r[0]) if r else None
