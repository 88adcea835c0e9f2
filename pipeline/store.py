"""The DuckDB store: one file holding every extracted document.

Library entry points:

* `Store(path)` opens (creating and migrating) a store for writing;
  `Store(path, read_only=True)` opens it for reading only.
* `Store.write_extraction(ex, ...)` stores one `Extraction` in one transaction:
  the document and all its items are stored whole or not at all, replacing
  whatever the same path held before, and clearing its failure row.
* `Store.record_failure(...)` records why a file could not be stored.
* `Store.start_run` / `finish_run`, `Store.status()`, `Store.load_extraction()`.
* `query(db, sql)` runs one read-only query; `export(db, dir, fmt)` writes every table.
* `IngestLock` is the per-store lock that keeps two ingests apart.

The schema is a list of named migrations (`schemas/migrations/NNNN_name.sql`),
applied in order and recorded in the `migrations` table, so a store made by an
older version is upgraded in place when opened for writing.
"""
from __future__ import annotations

import datetime as _dt
import errno
import fcntl
import hashlib
import json
import os
import re
import socket
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

import duckdb

from vanban.schemas.models import Extraction

ITEM_TABLES = ("citations", "citation_mentions", "dates", "commemorations", "targets", "signatories")
# Every table a current store holds, in a sensible reading order.
TABLES = ("documents", "citations", "citation_mentions", "cited_documents", "dates", "commemorations",
          "targets", "signatories", "failures", "runs", "migrations")
# The key each table is ordered by in exports and comparisons.
ORDER_BY = {
    "documents": "path", "citations": "document_id, seq", "citation_mentions": "document_id, citation_seq, seq",
    "cited_documents": "key", "dates": "document_id, seq", "commemorations": "document_id, seq",
    "targets": "document_id, seq", "signatories": "document_id, seq", "failures": "path", "runs": "id",
    "migrations": "id",
}
_SPAN = ("text", "char_start", "char_end", "page")
_ITEM = ("document_id", "seq") + _SPAN + ("rule",)
_COLUMNS = {
    "documents": ("id", "path", "sha256", "format", "size", "mtime_ns", "pages", "ocr_pages", "doc_type", "number",
                  "issuer", "province", "issue_place", "issue_date", "published_date", "title", "author",
                  "meta_spans", "warnings", "extractor_version", "ingested_at", "run_id"),
    "citations": _ITEM + ("doc_type", "number", "date", "issuer", "title", "relation", "pin", "key"),
    "citation_mentions": ("document_id", "citation_seq", "seq") + _SPAN,
    "dates": _ITEM + ("value", "role"),
    "commemorations": _ITEM + ("years", "event", "origin_date", "date", "consistent"),
    "targets": _ITEM + ("indicator", "value", "unit", "comparator", "growth_pct", "baseline", "year", "status"),
    "signatories": _ITEM + ("name", "title", "organization", "on_behalf"),
}
_META_FIELDS = ("doc_type", "number", "issuer", "province", "issue_place", "issue_date", "published_date",
                "title", "author")
_ROWS_PER_INSERT = 400


class StoreError(Exception):
    """A store that cannot be opened or used; the message says why and what to do."""


class StoreBusy(StoreError):
    """The store is locked by another process."""


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def doc_id(path: str) -> int:
    """The id of the document stored for `path`: a signed 64-bit hash of the path,
    stable across runs and executors."""
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:8], "big", signed=True)


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------------
# Migrations

_MIGRATION_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    id: int
    name: str      # file stem, e.g. "0001_initial"
    sql: str


def migrations() -> list[Migration]:
    """Every migration this version knows, in order."""
    out = []
    for entry in resources.files("vanban.schemas.migrations").iterdir():
        m = _MIGRATION_RE.match(entry.name)
        if m:
            out.append(Migration(int(m.group(1)), entry.name[:-4], entry.read_text(encoding="utf-8")))
    out.sort(key=lambda m: m.id)
    ids = [m.id for m in out]
    if len(set(ids)) != len(ids):
        raise StoreError(f"two migrations share a number: {[m.name for m in out]}")
    return out


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'migrations' "
                      "AND table_schema = 'main'").fetchone()[0]
    if not has:
        return []
    return [r[0] for r in con.execute("SELECT name FROM migrations ORDER BY id").fetchall()]


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    done = applied_migrations(con)
    known = {m.name for m in migrations()}
    unknown = [n for n in done if n not in known]
    if unknown:
        raise StoreError(f"the store was written by a newer vanban (unknown migrations: {', '.join(unknown)}); "
                         "upgrade vanban to use it")
    return [m for m in migrations() if m.name not in done]


def migrate(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[str]:
    """Apply the pending migrations (those numbered <= `upto` when given), each in
    its own transaction together with its `migrations` row. Returns their names."""
    con.execute("CREATE TABLE IF NOT EXISTS migrations (id INTEGER NOT NULL, name VARCHAR PRIMARY KEY, "
                "applied_at TIMESTAMP NOT NULL)")
    applied = []
    for m in pending_migrations(con):
        if upto is not None and m.id > upto:
            break
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(m.sql)
            con.execute("INSERT INTO migrations VALUES (?, ?, ?)", [m.id, m.name, utcnow()])
            con.execute("COMMIT")
        except Exception as e:
            con.execute("ROLLBACK")
            raise StoreError(f"migration {m.name} failed: {e}") from e
        applied.append(m.name)
    return applied


# ---------------------------------------------------------------------------
# Opening

def _holder_pid(message: str) -> int | None:
    m = re.search(r"PID (\d+)", message)
    return int(m.group(1)) if m else None


def connect(path: str | Path, read_only: bool = False, retry_seconds: float = 0.0,
            sandbox: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, turning lock conflicts into `StoreBusy` (after retrying
    for `retry_seconds`) and a missing file (read-only) into `StoreError`.
    A read-only connection is sandboxed (no file access beyond the store) unless
    `sandbox` is False."""
    path = str(path)
    if read_only and not os.path.exists(path):
        raise StoreError(f"no store at {path} (create one with `vanban ingest PATH --db {path}`)")
    config = {"enable_external_access": False} if read_only and sandbox else {}
    deadline = time.monotonic() + retry_seconds
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=config)
        except duckdb.IOException as e:
            msg = str(e)
            if "lock" not in msg.lower():
                raise StoreError(f"cannot open store {path}: {msg}") from e
            if time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            holder = ingest_holder(path)
            if holder and holder != os.getpid():
                raise StoreBusy(f"store {path} is busy: vanban ingest (pid {holder}) is writing it; "
                                "try again when it has finished") from e
            pid = _holder_pid(msg)
            who = f"process {pid}" if pid else "another process"
            raise StoreBusy(f"store {path} is open in {who}; try again when it has finished") from e
        except duckdb.Error as e:
            raise StoreError(f"cannot open store {path}: {e}") from e


# ---------------------------------------------------------------------------
# The lock that keeps two ingests apart

def lock_path(db: str | Path) -> Path:
    return Path(str(db) + ".lock")


def ingest_holder(db: str | Path) -> int | None:
    """The pid of the ingest holding the store's lock, or None when it is free."""
    lp = lock_path(db)
    if not lp.exists():
        return None
    try:
        fd = os.open(lp, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return _read_pid(lp) or -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_pid(lp: Path) -> int | None:
    try:
        return int(lp.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class IngestLock:
    """An exclusive `flock` on DB.lock, holding the owner's pid. The kernel drops
    it when the process dies, even on kill -9, so it is never stale."""

    def __init__(self, db: str | Path):
        self.path = lock_path(db)
        self.fd: int | None = None

    def acquire(self, wait: bool = False, on_wait=None) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                pid = _read_pid(self.path)
                holder = f"pid {pid}" if pid else "another process"
                if not wait:
                    raise StoreBusy(f"another vanban ingest ({holder}) is writing {str(self.path)[:-5]}; "
                                    "use --wait to wait for it") from None
                if on_wait:
                    on_wait(pid)
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {socket.gethostname()} {utcnow().isoformat()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            except OSError:
                pass
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "IngestLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


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
                 retry_seconds: float = 0.0):
        self.path = str(path)
        self.read_only = read_only
        self.con = connect(self.path, read_only=read_only, retry_seconds=retry_seconds)
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
            except duckdb.Error:
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
        have = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        return [t for t in TABLES if t in have] + sorted(have - set(TABLES))

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


# ---------------------------------------------------------------------------
# Read-only query and export

_READ_ONLY_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA"}


def query(db: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one read-only statement (SELECT, WITH … SELECT, DESCRIBE, SHOW, EXPLAIN,
    PRAGMA). The store is opened read-only with file access disabled, so
    neither the store nor any other file can be written."""
    con = connect(db, read_only=True, retry_seconds=2.0)
    try:
        try:
            stmts = con.extract_statements(sql)
        except duckdb.Error as e:
            raise StoreError(f"invalid SQL: {e}") from e
        if len(stmts) != 1:
            raise StoreError(f"give exactly one statement (got {len(stmts)})")
        kind = stmts[0].type.name
        if kind not in _READ_ONLY_STATEMENTS:
            raise StoreError(f"only read-only queries are allowed (this is a {kind} statement)")
        try:
            cur = con.execute(sql)
            cols = [c[0] for c in cur.description] if cur.description else []
            return cols, cur.fetchall() if cur.description else []
        except duckdb.Error as e:
            raise StoreError(f"query failed: {e}") from e
    finally:
        con.close()


def export(db: str | Path, out_dir: str | Path, fmt: str) -> list[Path]:
    """Write every table to OUT_DIR/TABLE.parquet (or .csv, with a header), each
    in key order. Each file is written under a temporary name and renamed."""
    if fmt not in ("parquet", "csv"):
        raise StoreError(f"unknown export format {fmt!r} (parquet or csv)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Not sandboxed: COPY must write files.
    con = connect(db, read_only=True, retry_seconds=2.0, sandbox=False)
    written = []
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()]
        ordered = [t for t in TABLES if t in tables] + sorted(set(tables) - set(TABLES))
        for t in ordered:
            final = out / f"{t}.{fmt}"
            tmp = out / f".{t}.{fmt}.tmp"
            opts = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
            order = ORDER_BY.get(t, "ALL")
            con.execute(f"COPY (SELECT * FROM {t} ORDER BY {order}) TO '{_sql_str(tmp)}' ({opts})")
            os.replace(tmp, final)
            written.append(final)
    except duckdb.Error as e:
        raise StoreError(f"export failed: {e}") from e
    finally:
        con.close()
    return written


def _sql_str(p: Path) -> str:
    return str(p).replace("'", "''")
