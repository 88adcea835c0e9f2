"""The schema as named migrations (`schemas/migrations/NNNN_name.sql`), applied in order and
recorded in the `migrations` table, so an older store is upgraded in place when opened for writing."""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import duckdb

from vanban.pipeline.store.tables import StoreError, utcnow

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
