"""Opening a store: sandboxed connections, header and schema checks, readers' signal."""
from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import re
import time
from pathlib import Path
from typing import Sequence

import duckdb

from vanban.pipeline.store.lock import ingest_holder
from vanban.pipeline.store.migrations import applied_migrations, migrations
from vanban.pipeline.store.tables import StoreBusy, StoreError, TABLES

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


def set_read_wait(wait: bool, on_wait=None) -> None:
    """Make read connections opened from now on wait for an ingest (`--wait`),
    calling on_wait(pid) once when they start waiting."""
    global READ_WAIT, ON_WAIT
    READ_WAIT, ON_WAIT = bool(wait), (on_wait if wait else None)


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
