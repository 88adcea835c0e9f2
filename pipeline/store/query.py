"""Read-only SQL over a store (parsed, limited) and exports of every table."""
from __future__ import annotations

import contextlib
import os
import re
import threading
from pathlib import Path
from typing import Iterator

import duckdb

from vanban.pipeline.store.connection import Connection, _DAMAGE, _first_line, connect, store_error
from vanban.pipeline.store.tables import ORDER_BY, StoreError, TABLES

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
