"""`Store`: one open store; each write of a document is one transaction."""
from __future__ import annotations

import datetime as _dt
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import duckdb

from vanban.schemas.models import Extraction
from vanban.pipeline.store.connection import connect, readers_path
from vanban.pipeline.store.lock import ingest_holder
from vanban.pipeline.store.migrations import applied_migrations, migrate, pending_migrations
from vanban.pipeline.store.query import own_tables
from vanban.pipeline.store.tables import ITEM_TABLES, ORDER_BY, StoreError, _COLUMNS, _META_FIELDS, _ROWS_PER_INSERT, doc_id, utcnow

# ---------------------------------------------------------------------------
# The store

@dataclass
class Known:
    """What the store knows about one path, for incremental decisions."""
    kind: str                 # "document" | "failure"
    sha256: str | None
    size: int | None
    mtime_ns: int | None
    extractor_version: str
    error_class: str | None = None


def _span_row(s) -> tuple:
    return (s.text, s.start, s.end, s.page)


def _item_rows(doc: int, ex: Extraction) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {t: [] for t in ITEM_TABLES}
    for i, c in enumerate(ex.citations):
        rows["citations"].append((doc, i) + _span_row(c) + (c.rule, c.doc_type, c.number, c.date, c.issuer, c.title,
                                                             c.relation, c.pin, c.key))
        for j, m in enumerate(c.mentions):
            rows["citation_mentions"].append((doc, i, j) + _span_row(m))
    for i, d in enumerate(ex.dates):
        rows["dates"].append((doc, i) + _span_row(d) + (d.rule, d.value, d.role))
    for i, c in enumerate(ex.commemorations):
        rows["commemorations"].append((doc, i) + _span_row(c) + (c.rule, c.years, c.event, c.origin_date, c.date,
                                                                 c.consistent))
    for i, t in enumerate(ex.targets):
        rows["targets"].append((doc, i) + _span_row(t) + (t.rule, t.indicator, t.value, t.unit, t.comparator,
                                                          t.growth_pct, t.baseline, t.year, t.status))
    for i, s in enumerate(ex.signatories):
        rows["signatories"].append((doc, i) + _span_row(s) + (s.rule, s.name, s.title, s.organization, s.on_behalf))
    return rows


class Store:
    """One open store. Writing methods each run in their own transaction."""

    def __init__(self, path: str | Path, read_only: bool = False, migrate_upto: int | None = None,
                 retry_seconds: float = 0.0, wait: bool | None = None):
        self.path = str(path)
        self.read_only = read_only
        self._readers_fd: int | None = None
        self.con = connect(self.path, read_only=read_only, retry_seconds=retry_seconds, wait=wait)
        try:
            if read_only:
                self.pending = [m.name for m in pending_migrations(self.con)]
            else:
                migrate(self.con, upto=migrate_upto)
                self.pending = [m.name for m in pending_migrations(self.con)]
        except BaseException:
            self.con.close()
            raise

    def close(self) -> None:
        self.con.close()
        if self._readers_fd is not None:
            os.close(self._readers_fd)
            self._readers_fd = None

    # -- letting readers in during a long write ---------------------------------

    def readers_waiting(self) -> bool:
        """True when a read command is waiting for this (writing) store: it holds
        a shared lock on DB.readers (see `connect`)."""
        if self._readers_fd is None:
            try:
                self._readers_fd = os.open(readers_path(self.path), os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                return False
        try:
            fcntl.flock(self._readers_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(self._readers_fd, fcntl.LOCK_UN)
        return False

    def let_readers_in(self, on_wait=None) -> bool:
        """Between two documents: when readers wait, close the store until they
        have opened it, then open it again (waiting for them to finish). Returns
        whether it did. Every document is committed, so nothing is in flight."""
        if self.read_only or not self.readers_waiting():
            return False
        self.con.close()
        fcntl.flock(self._readers_fd, fcntl.LOCK_EX)      # every waiting reader has opened the store
        fcntl.flock(self._readers_fd, fcntl.LOCK_UN)
        self.con = connect(self.path, retry_seconds=0.0, wait=True, check_schema=False, on_wait=on_wait)
        return True

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions -------------------------------------------------------

    def _transaction(self, fn, *args):
        self.con.execute("BEGIN TRANSACTION")
        try:
            out = fn(*args)
            self.con.execute("COMMIT")
            return out
        except BaseException:
            try:
                self.con.execute("ROLLBACK")
            except (duckdb.Error, StoreError):
                pass
            raise

    def _insert(self, table: str, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        cols = _COLUMNS[table]
        one = "(" + ", ".join("?" * len(cols)) + ")"
        for i in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[i:i + _ROWS_PER_INSERT]
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES " + ", ".join([one] * len(chunk))
            self.con.execute(sql, [v for r in chunk for v in r])

    def _delete_document(self, did: int) -> list[str]:
        """Delete a document and its items; returns the citation keys it held."""
        if not self.con.execute("SELECT 1 FROM documents WHERE id = ?", [did]).fetchone():
            return []
        keys = [r[0] for r in self.con.execute("SELECT DISTINCT key FROM citations WHERE document_id = ?",
                                               [did]).fetchall()]
        for t in ITEM_TABLES:
            self.con.execute(f"DELETE FROM {t} WHERE document_id = ?", [did])
        self.con.execute("DELETE FROM documents WHERE id = ?", [did])
        return keys

    def _recompute_cited(self, keys: Iterable[str]) -> None:
        """Rebuild the registry rows of `keys` from the citations now stored
        (dropping keys nothing cites any more)."""
        keys = sorted(set(keys))
        if not keys:
            return
        self.con.execute("DELETE FROM cited_documents WHERE key IN (SELECT unnest(?::VARCHAR[]))", [keys])
        self.con.execute(
            "INSERT INTO cited_documents SELECT key, min(doc_type), min(number), min(issuer), "
            "min(vanban_year(date, number)), min(date), min(title) FROM citations "
            "WHERE key IN (SELECT unnest(?::VARCHAR[])) GROUP BY key", [keys])

    def _merge_cited(self, rows: list[tuple]) -> None:
        """Fold one document's citations into the registry (same rule as
        `_recompute_cited`: the least non-NULL value per column)."""
        if not rows:
            return
        one = "(?, ?, ?, ?, ?, ?)"
        for i in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[i:i + _ROWS_PER_INSERT]
            self.con.execute(
                "INSERT INTO cited_documents SELECT key, min(doc_type), min(number), min(issuer), "
                "min(vanban_year(date, number)), min(date), min(title) FROM (VALUES "
                + ", ".join([one] * len(chunk)) + ") AS v(key, doc_type, number, issuer, date, title) GROUP BY key "
                "ON CONFLICT (key) DO UPDATE SET doc_type = least(cited_documents.doc_type, excluded.doc_type), "
                "number = least(cited_documents.number, excluded.number), "
                "issuer = least(cited_documents.issuer, excluded.issuer), "
                "year = least(cited_documents.year, excluded.year), "
                "date = least(cited_documents.date, excluded.date), "
                "title = least(cited_documents.title, excluded.title)",
                [v for r in chunk for v in r])

    # -- writing ------------------------------------------------------------

    def write_extraction(self, ex: Extraction, *, size: int | None = None, mtime_ns: int | None = None,
                         run_id: int | None = None) -> int:
        """Store one document and all its items in one transaction, replacing what
        the same path held, and clear the path's failure row. Returns the document id."""
        path = ex.source.path
        did = doc_id(path)
        d = ex.document
        doc_row = (did, path, ex.source.sha256, ex.source.format,
                   size if size is not None else ex.source.size, mtime_ns, ex.source.pages,
                   list(ex.source.ocr_pages)) + tuple(getattr(d, f) for f in _META_FIELDS) + (
            json.dumps({k: v.model_dump() for k, v in d.spans.items()}, ensure_ascii=False, sort_keys=True),
            list(ex.warnings), ex.extractor_version, utcnow(), run_id)
        items = _item_rows(did, ex)
        cited = [(c.key, c.doc_type, c.number, c.issuer, c.date, c.title) for c in ex.citations]

        def tx() -> None:
            old_keys = self._delete_document(did)
            self._insert("documents", [doc_row])
            for t in ITEM_TABLES:
                self._insert(t, items[t])
            if old_keys:
                self._recompute_cited(set(old_keys) | {c[0] for c in cited})
            else:
                self._merge_cited(cited)
            self.con.execute("DELETE FROM failures WHERE path = ?", [path])

        self._transaction(tx)
        return did

    def record_failure(self, path: str, error_class: str, message: str, *, sha256: str | None = None,
                       size: int | None = None, mtime_ns: int | None = None, extractor_version: str,
                       run_id: int | None = None) -> None:
        """Record that `path` could not be stored. Whatever the store held for the
        path (an older version of the file) is removed in the same transaction,
        so the store never presents stale content as current."""
        def tx() -> None:
            old_keys = self._delete_document(doc_id(path))
            self._recompute_cited(old_keys)
            self.con.execute("DELETE FROM failures WHERE path = ?", [path])
            self.con.execute("INSERT INTO failures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [path, sha256, size, mtime_ns, error_class, message, extractor_version, utcnow(),
                              run_id])
        self._transaction(tx)

    def touch(self, path: str, mtime_ns: int) -> None:
        """The file's mtime changed but its content did not: remember the new
        mtime so the next run skips it without hashing."""
        self._transaction(lambda: (
            self.con.execute("UPDATE documents SET mtime_ns = ? WHERE id = ?", [mtime_ns, doc_id(path)]),
            self.con.execute("UPDATE failures SET mtime_ns = ? WHERE path = ?", [mtime_ns, path])))

    def remove(self, path: str) -> None:
        """Forget a path entirely (its file is gone)."""
        def tx() -> None:
            self._recompute_cited(self._delete_document(doc_id(path)))
            self.con.execute("DELETE FROM failures WHERE path = ?", [path])
        self._transaction(tx)

    # -- runs -----------------------------------------------------------------

    def start_run(self, *, executor: str, scheduler: str | None, workers: int | None, extractor_version: str,
                  roots: list[str]) -> int:
        def tx() -> int:
            # A run still "running" while we hold the ingest lock was killed.
            self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            return self.con.execute(
                "INSERT INTO runs (started_at, status, executor, scheduler, workers, extractor_version, pid, host, "
                "roots) VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [utcnow(), executor, scheduler, workers, extractor_version, os.getpid(), socket.gethostname(),
                 roots]).fetchone()[0]
        return self._transaction(tx)

    def finish_run(self, run_id: int, status: str, *, n_files: int, n_new: int, n_updated: int, n_skipped: int,
                   n_failed: int, seconds: float) -> None:
        self._transaction(lambda: self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, n_files = ?, n_new = ?, n_updated = ?, n_skipped = ?, "
            "n_failed = ?, seconds = ? WHERE id = ?",
            [utcnow(), status, n_files, n_new, n_updated, n_skipped, n_failed, seconds, run_id]))

    # -- reading --------------------------------------------------------------

    def known(self) -> dict[str, Known]:
        """Every path the store knows (stored or failed), for the incremental check."""
        out: dict[str, Known] = {}
        for path, sha, size, mtime, ver in self.con.execute(
                "SELECT path, sha256, size, mtime_ns, extractor_version FROM documents").fetchall():
            out[path] = Known("document", sha, size, mtime, ver)
        for path, sha, size, mtime, ver, cls in self.con.execute(
                "SELECT path, sha256, size, mtime_ns, extractor_version, error_class FROM failures").fetchall():
            out[path] = Known("failure", sha, size, mtime, ver, cls)
        return out

    def load_extraction(self, path: str) -> Extraction | None:
        """Rebuild the `Extraction` stored for `path` (None when there is none)."""
        did = doc_id(path)
        cur = self.con.execute("SELECT * FROM documents WHERE id = ?", [did])
        row = cur.fetchone()
        if row is None:
            return None
        doc = dict(zip([c[0] for c in cur.description], row))

        def items(table: str) -> list[dict]:
            c = self.con.execute(f"SELECT * FROM {table} WHERE document_id = ? ORDER BY seq", [did])
            names = [x[0] for x in c.description]
            out = []
            for r in c.fetchall():
                d = dict(zip(names, r))
                d.pop("document_id"), d.pop("seq")
                d["start"], d["end"] = d.pop("char_start"), d.pop("char_end")
                out.append(d)
            return out

        mentions: dict[int, list[dict]] = {}
        for cseq, text, s, e, page in self.con.execute(
                "SELECT citation_seq, text, char_start, char_end, page FROM citation_mentions "
                "WHERE document_id = ? ORDER BY citation_seq, seq", [did]).fetchall():
            mentions.setdefault(cseq, []).append({"text": text, "start": s, "end": e, "page": page})
        citations = items("citations")
        for i, c in enumerate(citations):
            c["mentions"] = mentions.get(i, [])
        return Extraction.model_validate({
            "source": {"path": doc["path"], "sha256": doc["sha256"], "format": doc["format"], "size": doc["size"],
                       "pages": doc["pages"], "ocr_pages": doc["ocr_pages"] or []},
            "document": {**{f: doc[f] for f in _META_FIELDS}, "spans": json.loads(doc["meta_spans"] or "{}")},
            "citations": citations, "dates": items("dates"), "commemorations": items("commemorations"),
            "targets": items("targets"), "signatories": items("signatories"),
            "warnings": doc["warnings"] or [], "extractor_version": doc["extractor_version"],
        })

    def tables(self) -> list[str]:
        """The store's own tables that it holds (a store may hold other tables and
        views; they are neither counted, compared nor exported)."""
        return own_tables(self.con)

    def status(self, last_runs: int = 5) -> dict[str, Any]:
        """What the store holds, as plain data (the `vanban status` report)."""
        q = self.con.execute
        tables = self.tables()
        out: dict[str, Any] = {
            "db": self.path, "bytes": os.path.getsize(self.path) if os.path.exists(self.path) else None,
            "migrations": applied_migrations(self.con), "pending_migrations": self.pending,
            "counts": {t: q(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables if t != "migrations"},
            "ingest_running": ingest_holder(self.path),
        }
        if "documents" in tables:
            out["by_format"] = dict(q("SELECT format, count(*) FROM documents GROUP BY 1 ORDER BY 1").fetchall())
            out["extractor_versions"] = dict(q("SELECT extractor_version, count(*) FROM documents GROUP BY 1 "
                                               "ORDER BY 1").fetchall())
        if "failures" in tables:
            out["failures_by_class"] = dict(q("SELECT error_class, count(*) FROM failures GROUP BY 1 "
                                              "ORDER BY 2 DESC, 1").fetchall())
            out["recent_failures"] = [
                {"path": p, "error_class": c, "message": m, "failed_at": str(t)} for p, c, m, t in
                q("SELECT path, error_class, message, failed_at FROM failures ORDER BY failed_at DESC, path "
                  "LIMIT 5").fetchall()]
        if "runs" in tables:
            cur = q("SELECT id, started_at, finished_at, status, executor, workers, n_files, n_new, n_updated, "
                    "n_skipped, n_failed, seconds FROM runs ORDER BY id DESC LIMIT ?", [last_runs])
            names = [c[0] for c in cur.description]
            out["runs"] = [{k: (str(v) if isinstance(v, _dt.datetime) else v) for k, v in zip(names, r)}
                           for r in cur.fetchall()]
            if not out["ingest_running"]:   # "running" with nobody holding the lock: it was killed
                for r in out["runs"]:
                    if r["status"] == "running":
                        r["status"] = "interrupted"
        return out

    def snapshot(self, exclude: Sequence[str] = ("ingested_at", "run_id", "failed_at")) -> dict[str, list[tuple]]:
        """Every table's rows in key order, without the columns that differ between
        equivalent runs (timestamps, run ids); `runs` and `migrations` left out.
        Two stores built from the same files compare equal."""
        snap = {}
        for t in self.tables():
            if t in ("runs", "migrations"):
                continue
            cols = [r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main' "
                "ORDER BY ordinal_position", [t]).fetchall() if r[0] not in exclude]
            snap[t] = self.con.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY {ORDER_BY.get(t, 'ALL')}"
                                       ).fetchall()
        return snap
