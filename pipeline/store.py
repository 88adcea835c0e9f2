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

import contextlib
import datetime as _dt
import errno
import fcntl
import functools
import hashlib
import json
import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

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
#
# A store is data someone may hand you: nothing in it may run code, touch other
# files or reach the network. Every connection is opened with file access off
# (the store file itself excepted; `export` allows exactly the files it writes)
# and extension auto-loading off (a SQLite file given as --db must not make DuckDB
# fetch its sqlite extension). Before DuckDB sees the file its header is checked
# (a DuckDB file, not cut short), and after opening, the tables and columns the
# store's migrations made are checked, so a damaged or foreign store is one clear
# error naming the file. Errors DuckDB raises later (a damaged block read by a
# query) come out of the connection as StoreError naming the file.

_SAFE_CONFIG = {"autoload_known_extensions": False, "autoinstall_known_extensions": False}
_DAMAGE = (duckdb.IOException, duckdb.InternalException, duckdb.FatalException, duckdb.SerializationException)
_HEADER = 4096           # DuckDB's main header and its two database headers are 4 KB each
_FILE_KINDS = [(b"SQLite format 3\x00", "a SQLite database"), (b"PK\x03\x04", "a zip archive"),
               (b"%PDF-", "a PDF"), (b"PAR1", "a Parquet file"), (b"\x89PNG", "a PNG image")]

# Read commands wait for an ingest to let them in (`--wait`) when this is set;
# ON_WAIT(pid) is told once when they start waiting.
READ_WAIT = False
ON_WAIT = None


class StoreDamaged(StoreError):
    """The store file is damaged, cut short, or not a vanban store."""


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def store_error(path: str, e: BaseException) -> StoreError:
    """A DuckDB error met while using the store at `path`, as a StoreError naming it."""
    if isinstance(e, StoreError):
        return e
    msg = _first_line(e)
    if isinstance(e, _DAMAGE) or "corrupt" in msg.lower():
        return StoreDamaged(f"store {path} is damaged or cut short and cannot be read ({msg}); "
                            "build a new store with `vanban ingest`")
    if isinstance(e, duckdb.InterruptException):
        return StoreError(f"store {path}: interrupted")
    if isinstance(e, duckdb.OutOfMemoryException):
        return StoreError(f"store {path}: out of memory ({msg})")
    return StoreError(f"store {path}: {msg}")


class Connection:
    """A DuckDB connection to one store whose errors are StoreErrors naming the
    file (everything else is DuckDB's own connection: `execute` returns this
    object, so `con.execute(sql).fetchall()` works as usual)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str):
        self.raw = con
        self.path = path

    def execute(self, *args, **kw) -> "Connection":
        try:
            self.raw.execute(*args, **kw)
        except duckdb.Error as e:
            raise store_error(self.path, e) from e
        return self

    def __getattr__(self, name: str):
        attr = getattr(self.raw, name)
        if not callable(attr):
            return attr

        def call(*args, **kw):
            try:
                out = attr(*args, **kw)
            except duckdb.Error as e:
                raise store_error(self.path, e) from e
            return self if out is self.raw else out
        return call

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        self.raw.close()


def _holder_pid(message: str) -> int | None:
    m = re.search(r"PID (\d+)", message)
    return int(m.group(1)) if m else None


def check_file(path: str, read_only: bool) -> None:
    """Refuse what is not a DuckDB file before DuckDB opens it: another kind of
    file (DuckDB would try to load an extension for a SQLite one), an empty file
    given to a read command, a file cut short within its headers. (A file cut
    short later shows when a query reads the missing blocks: a StoreDamaged.)"""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(3 * _HEADER)
    except IsADirectoryError:
        raise StoreError(f"cannot open store {path}: it is a directory") from None
    except OSError as e:
        raise StoreError(f"cannot open store {path}: {e.strerror or e}") from None
    if not head:
        if read_only:
            raise StoreDamaged(f"store {path} is an empty file, not a vanban store")
        return
    if head[8:12] != b"DUCK":
        what = next((name for magic, name in _FILE_KINDS if head.startswith(magic)), "not a DuckDB file")
        raise StoreDamaged(f"{path} is not a vanban store ({what}); give --db a DuckDB file made by `vanban ingest`")
    if len(head) < 3 * _HEADER:
        raise StoreDamaged(f"store {path} is cut short ({size} bytes: not even its header)")


def _open(path: str, read_only: bool, writable: Sequence[str], config: dict | None) -> duckdb.DuckDBPyConnection:
    """Connect with extension loading off, then, before anything else runs: allow
    exactly the `writable` files, apply the settings in `config` that concern
    files (temp_directory), turn file access off, and lock the configuration
    when `config` asks for it. (DuckDB accepts allowed paths and a temp
    directory only on a running database.)"""
    config = dict(config or {})
    lock = config.pop("lock_configuration", False)
    temp_dir = config.pop("temp_directory", None)
    con = duckdb.connect(path, read_only=read_only, config=dict(_SAFE_CONFIG, **config))
    try:
        if writable:
            con.execute("SET allowed_paths = ?", [[os.path.abspath(w) for w in writable]])
        if temp_dir is not None:
            con.execute("SET temp_directory = ?", [temp_dir])
        con.execute("SET enable_external_access = false")
        if lock or writable:
            con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


class _ReaderSignal:
    """A reader that finds the store held by an ingest takes a shared lock on
    DB.readers until it has opened the store; the ingest sees it between two
    documents, closes the store and waits until the readers are in."""

    def __init__(self, db: str):
        self.fd: int | None = None
        try:
            self.fd = os.open(readers_path(db), os.O_RDONLY)
            fcntl.flock(self.fd, fcntl.LOCK_SH)
        except OSError:
            self.release()

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def readers_path(db: str | Path) -> Path:
    return Path(str(db) + ".readers")


def connect(path: str | Path, read_only: bool = False, retry_seconds: float = 0.0, *,
            wait: bool | None = None, writable: Sequence[str | Path] = (), config: dict | None = None,
            check_schema: bool = True, on_wait=None) -> Connection:
    """Open the store at `path` (sandboxed: no file access beyond the store and
    the `writable` files, no extension loading). A lock conflict is retried for
    `retry_seconds` and then raises `StoreBusy`; with `wait` (default: READ_WAIT
    for read-only connections) it is retried until the holder lets us in. A
    missing file (read-only), another kind of file, a damaged file or one whose
    tables are not what its migrations made raise StoreError naming the file."""
    path = str(path)
    if wait is None:
        wait = READ_WAIT and read_only
    if on_wait is None and read_only:
        on_wait = ON_WAIT
    if read_only and not os.path.exists(path):
        raise StoreError(f"no store at {path} (create one with `vanban ingest PATH --db {path}`)")
    if os.path.exists(path):
        check_file(path, read_only)
    deadline = time.monotonic() + retry_seconds
    signal_ = None
    told = False
    try:
        while True:
            try:
                con = _open(path, read_only, [str(w) for w in writable], config)
                break
            except duckdb.IOException as e:
                msg = str(e)
                if "lock" not in msg.lower():
                    raise store_error(path, e) from e
                if read_only and signal_ is None:
                    signal_ = _ReaderSignal(path)
                if wait or time.monotonic() < deadline:
                    if wait and not told and on_wait is not None:
                        on_wait(ingest_holder(path))
                        told = True
                    time.sleep(0.1)
                    continue
                holder = ingest_holder(path)
                if holder and holder != os.getpid():
                    raise StoreBusy(f"store {path} is busy: vanban ingest (pid {holder}) is writing it; "
                                    "try again when it has finished, or use --wait") from e
                pid = _holder_pid(msg)
                who = f"process {pid}" if pid else "another process"
                raise StoreBusy(f"store {path} is open in {who}; try again when it has finished") from e
            except duckdb.Error as e:
                raise store_error(path, e) from e
    finally:
        if signal_ is not None:
            signal_.release()
    wrapped = Connection(con, path)
    if check_schema:
        try:
            check_schema_of(wrapped, read_only)
        except BaseException:
            con.close()
            raise
    return wrapped


@functools.lru_cache(maxsize=8)
def _expected_schema(names: tuple[str, ...]) -> tuple[dict[str, dict[str, str]], frozenset[str]]:
    """Tables (column -> type) and macros that the migrations `names` make, found
    by running them on an empty in-memory database."""
    mem = duckdb.connect(":memory:", config=dict(_SAFE_CONFIG, enable_external_access=False))
    try:
        for m in migrations():
            if m.name in names:
                mem.execute(m.sql)
        return _schema_of(mem)
    finally:
        mem.close()


def _schema_of(con, macros: bool = True) -> tuple[dict[str, dict[str, str]], frozenset[str]]:
    tables: dict[str, dict[str, str]] = {}
    for t, c, typ in con.execute(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_catalog = c.table_catalog "
            "AND t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = 'main' AND c.table_catalog = current_database() "
            "AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position").fetchall():
        tables.setdefault(t, {})[c] = typ
    if not macros:
        return tables, frozenset()
    return tables, frozenset(r[0] for r in con.execute(
        "SELECT function_name FROM duckdb_functions() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND function_type IN ('macro', 'table_macro')").fetchall())


def check_schema_of(con, read_only: bool = True) -> None:
    """Raise StoreDamaged unless every table and column the store's applied
    migrations made is there, with its type, and (for writing, which uses them)
    every macro."""
    path = getattr(con, "path", "?")
    tables, macros = _schema_of(con, macros=not read_only)
    if "migrations" not in tables:
        if set(tables) & set(TABLES):
            raise StoreDamaged(f"store {path} is damaged: table migrations is missing; "
                               "build a new store with `vanban ingest`")
        if tables:
            raise StoreDamaged(f"{path} is a DuckDB database but not a vanban store (tables: "
                               f"{', '.join(sorted(tables)[:8])}); give --db a store made by `vanban ingest`")
        if read_only:
            raise StoreDamaged(f"{path} is an empty DuckDB database, not a vanban store")
        return
    done = applied_migrations(con)
    known = {m.name for m in migrations()}
    want_tables, want_macros = _expected_schema(tuple(n for n in done if n in known))
    problems = []
    for t, cols in want_tables.items():
        have = tables.get(t)
        if have is None:
            problems.append(f"table {t} is missing")
            continue
        for c, typ in cols.items():
            if c not in have:
                problems.append(f"column {t}.{c} is missing")
            elif have[c] != typ:
                problems.append(f"column {t}.{c} is {have[c]}, not {typ}")
    if not read_only:
        problems += [f"macro {m} is missing" for m in sorted(want_macros - macros)]
    if problems:
        more = f" and {len(problems) - 4} more" if len(problems) > 4 else ""
        raise StoreDamaged(f"store {path} is damaged: {'; '.join(problems[:4])}{more} "
                           f"(its migrations {', '.join(done)} made them); build a new store with `vanban ingest`")


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


# ---------------------------------------------------------------------------
# Read-only query and export

# `sql` decides on the parsed statement: SELECT (with WITH, VALUES, FROM-first,
# DESCRIBE, SHOW, SUMMARIZE, which DuckDB parses as SELECT), EXPLAIN of a
# statement that is itself allowed (EXPLAIN ANALYZE runs what it wraps), and the
# PRAGMAs that only report. Everything else (SET, CALL, COPY, CREATE, ATTACH,
# INSTALL, LOAD, EXPORT, CHECKPOINT, PIVOT ...) is refused.
_READ_PRAGMAS = frozenset({
    "table_info", "show", "show_tables", "show_tables_expanded", "show_databases", "database_list",
    "database_size", "storage_info", "metadata_info", "version", "platform", "functions", "collations",
    "user_agent"})
_LEADING_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.S)
_EXPLAIN = re.compile(r"EXPLAIN\b\s*(?:\((?P<opts>[^()]*)\)\s*)?(?:ANALY[SZ]E\b\s*)?", re.I)
_PRAGMA = re.compile(r"PRAGMA\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)", re.I)

SQL_TIMEOUT = 60.0                 # seconds; `vanban sql --timeout`
SQL_MEMORY = "1GB"                 # DuckDB's memory limit for one query; env VANBAN_SQL_MEMORY
SQL_MAX_ROWS = 100_000             # rows printed; `vanban sql --max-rows`


def _statement_text(sql: str) -> str:
    return _LEADING_COMMENTS.sub("", sql, count=1)


def check_read_only(con, sql: str, _depth: int = 0) -> str:
    """Raise StoreError unless `sql` is one statement that only reads; returns
    the kind of statement it is."""
    raw = getattr(con, "raw", con)
    try:
        stmts = raw.extract_statements(sql)
    except duckdb.Error as e:
        raise StoreError(f"invalid SQL: {_first_line(e)}") from e
    if len(stmts) != 1:
        raise StoreError(f"give exactly one statement (got {len(stmts)})")
    kind = stmts[0].type.name
    text = _statement_text(stmts[0].query if hasattr(stmts[0], "query") else sql)
    if kind == "SELECT":
        return kind
    if kind == "EXPLAIN" and _depth < 4:
        m = _EXPLAIN.match(text)
        if m and not re.search(r"\bFORMAT\s+GRAPHVIZ\b", m.group("opts") or "", re.I):
            inner = text[m.end():]
            if inner.strip():
                check_read_only(con, inner, _depth + 1)
                return kind
    if kind == "PRAGMA":
        m = _PRAGMA.match(text)
        if m and m.group("name").lower() in _READ_PRAGMAS:
            return kind
        raise StoreError("only read-only queries are allowed (this PRAGMA changes settings or runs something; "
                         f"allowed: {', '.join(sorted(_READ_PRAGMAS))})")
    raise StoreError(f"only read-only queries are allowed (this is a {kind} statement)")


class QueryResult:
    """Rows of one read-only query, fetched as they are read (so a huge result
    never sits in memory), under a time limit that interrupts DuckDB."""

    def __init__(self, con: Connection, sql: str, timeout: float | None):
        self.con = con
        self.timed_out = False
        self.timer = None
        self.timeout = timeout
        if timeout:
            self.timer = threading.Timer(timeout, self._interrupt)
            self.timer.daemon = True
            self.timer.start()
        try:
            self.cur = con.raw.execute(sql)
        except duckdb.Error as e:
            self.close()
            raise self._error(e) from e
        self.columns = [c[0] for c in self.cur.description] if self.cur.description else []

    def _interrupt(self) -> None:
        self.timed_out = True
        with contextlib.suppress(Exception):
            self.con.raw.interrupt()

    def _error(self, e: BaseException) -> StoreError:
        if self.timed_out or isinstance(e, duckdb.InterruptException):
            return StoreError(f"query stopped after {self.timeout:g} s (the time limit; --timeout to change it)")
        if isinstance(e, duckdb.OutOfMemoryException):
            return StoreError(f"query needs more memory than the limit ({_first_line(e)}; VANBAN_SQL_MEMORY "
                              "to change it)")
        if isinstance(e, _DAMAGE) or "corrupt" in _first_line(e).lower():
            return store_error(self.con.path, e)
        return StoreError(f"query failed: {_first_line(e)}")

    def rows(self, batch: int = 1000) -> Iterator[tuple]:
        if not self.columns:
            return
        while True:
            try:
                chunk = self.cur.fetchmany(batch)
            except duckdb.Error as e:
                raise self._error(e) from e
            if not chunk:
                return
            yield from chunk

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.con.close()

    def __enter__(self) -> "QueryResult":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_query(db: str | Path, sql: str, *, timeout: float | None = SQL_TIMEOUT, wait: bool | None = None,
               memory: str | None = None) -> QueryResult:
    """Open one read-only statement on the store (see `check_read_only`): the
    store read-only, file access off, no spilling to disk, DuckDB's memory
    limited (`memory`, default env VANBAN_SQL_MEMORY or 1GB), settings locked,
    and DuckDB interrupted after `timeout` seconds."""
    memory = memory or os.environ.get("VANBAN_SQL_MEMORY", "").strip() or SQL_MEMORY
    con = connect(db, read_only=True, retry_seconds=2.0, wait=wait, check_schema=False,
                  config={"memory_limit": memory, "temp_directory": "", "lock_configuration": True})
    try:
        check_read_only(con, sql)
        return QueryResult(con, sql, timeout)
    except BaseException:
        con.close()
        raise


def query(db: str | Path, sql: str, *, timeout: float | None = SQL_TIMEOUT,
          max_rows: int | None = SQL_MAX_ROWS) -> tuple[list[str], list[tuple]]:
    """Run one read-only statement; (columns, at most `max_rows` rows)."""
    with open_query(db, sql, timeout=timeout) as res:
        rows = []
        for r in res.rows():
            if max_rows is not None and len(rows) >= max_rows:
                break
            rows.append(r)
        return res.columns, rows


def own_tables(con) -> list[str]:
    """The store's own tables (TABLES) that it holds as tables, in TABLES order."""
    have = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_catalog = current_database() AND table_type = 'BASE TABLE'").fetchall()}
    return [t for t in TABLES if t in have]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export(db: str | Path, out_dir: str | Path, fmt: str) -> list[Path]:
    """Write each of the store's own tables to OUT_DIR/TABLE.parquet (or .csv,
    with a header), in key order. Each file is written under a temporary name
    and renamed. Other tables and views a store file may hold are not read:
    their names and definitions are data, not something to run."""
    if fmt not in ("parquet", "csv"):
        raise StoreError(f"unknown export format {fmt!r} (parquet or csv)")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot create {out}: {e.strerror or e}") from None
    tmp_of = {t: out / f".{t}.{fmt}.tmp" for t in TABLES}
    # File access stays off except for exactly the files written here.
    con = connect(db, read_only=True, retry_seconds=2.0, writable=list(tmp_of.values()))
    written = []
    try:
        opts = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
        for t in own_tables(con):
            final, tmp = out / f"{t}.{fmt}", tmp_of[t]
            order = ", ".join(quote_ident(c.strip()) for c in ORDER_BY[t].split(","))
            con.execute(f"COPY (SELECT * FROM main.{quote_ident(t)} ORDER BY {order}) TO '{_sql_str(tmp)}' ({opts})")
            os.replace(tmp, final)
            written.append(final)
    except StoreError as e:
        raise StoreError(f"export failed: {e}") from e
    finally:
        con.close()
    return written


def _sql_str(p: Path) -> str:
    return os.path.abspath(p).replace("'", "''")
