"""Hostile and damaged stores (issue #10): a store is data someone may hand you.

Nothing in a store file runs (table names, views), read commands never touch
other files or the network, damaged or foreign files as --db are one clear
error naming the file (exit 1, no traceback), `sql` decides on the parsed
statement under a time and memory limit, and read commands get in while an
ingest writes the store."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from vanban.pipeline import batch
from vanban.pipeline.batch import Options, extract_record
from vanban.pipeline.store import TABLES, Store

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures" / "store"


def cli(*args, env=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vanban", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def clean_store(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("store")
    db = d / "clean.duckdb"
    r = cli("ingest", FIX, "--db", db, "--workers", "2")
    assert r.returncode == 0, r.stderr
    return db


@pytest.fixture
def store(clean_store, tmp_path) -> Path:
    db = tmp_path / "s.duckdb"
    shutil.copy(clean_store, db)
    return db


# ---------------------------------------------------------------------------
# Nothing in a store runs

def test_export_does_not_run_sql_hidden_in_a_table_name(store, tmp_path):
    target = tmp_path / "written-by-the-store.sh"
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret: do not export", encoding="utf-8")
    con = duckdb.connect(str(store))
    con.execute(f"""CREATE TABLE "documents ORDER BY ALL) TO '{target}' (FORMAT csv); --" (x INTEGER)""")
    con.execute(f"""INSERT INTO "documents ORDER BY ALL) TO '{target}' (FORMAT csv); --" VALUES (1)""")
    con.execute(f"CREATE VIEW leak AS SELECT * FROM read_text('{secret}')")
    con.execute("CREATE TABLE extra AS SELECT 1 AS x")
    con.close()
    out = tmp_path / "out"
    r = cli("export", out, "--db", store, "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert not target.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert not any("top secret" in p.read_text(encoding="utf-8") for p in out.iterdir())


def test_read_commands_do_not_run_a_stores_views(store, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    con = duckdb.connect(str(store))
    con.execute(f"CREATE VIEW leak AS SELECT * FROM read_text('{secret}')")
    con.execute("CREATE VIEW slow AS SELECT count(*) FROM range(100000000) a, range(100000000) b")
    con.close()
    for args in (["status"], ["status", "-f", "json"], ["graph", "top"], ["compare"]):
        r = cli(*args, "--db", store, timeout=60)
        assert r.returncode == 0 and "Traceback" not in r.stderr, (args, r.stderr)
        assert "top secret" not in r.stdout
    r = cli("sql", "SELECT * FROM leak", "--db", store)
    assert r.returncode == 1 and "top secret" not in r.stdout and "disabled" in r.stderr


# ---------------------------------------------------------------------------
# Damaged, foreign and broken stores: one clear error naming the file

def _truncate(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def _header_only(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:100])


def _sqlite(db: Path) -> None:
    import sqlite3
    db.unlink()
    c = sqlite3.connect(db)
    c.execute("CREATE TABLE documents (path TEXT)")
    c.commit()
    c.close()


def _text(db: Path) -> None:
    db.write_text("not a database\n", encoding="utf-8")


def _empty(db: Path) -> None:
    db.write_bytes(b"")


def _sql(statement: str):
    def damage(db: Path) -> None:
        con = duckdb.connect(str(db))
        con.execute(statement)
        con.close()
    return damage


def _directory(db: Path) -> None:
    db.unlink()
    db.mkdir()


DAMAGE = {
    "truncated": _truncate,
    "cut within its header": _header_only,
    "a SQLite database": _sqlite,
    "a text file": _text,
    "an empty file": _empty,
    "a directory": _directory,
    "dropped table": _sql("DROP TABLE targets"),
    "dropped column": _sql("ALTER TABLE targets DROP COLUMN value"),
    "dropped migrations": _sql("DROP TABLE migrations"),
    "a view for a table": _sql("DROP TABLE citation_mentions; CREATE VIEW citation_mentions AS "
                               "SELECT * FROM citations"),
    "a foreign DuckDB database": _sql("DROP TABLE migrations; DROP TABLE documents; DROP TABLE citations; "
                                      "DROP TABLE citation_mentions; DROP TABLE cited_documents; DROP TABLE dates; "
                                      "DROP TABLE commemorations; DROP TABLE targets; DROP TABLE signatories; "
                                      "DROP TABLE failures; DROP TABLE runs; CREATE TABLE sales (x INTEGER)"),
}
COMMANDS = {
    "status": ["status"],
    "graph": ["graph", "top"],
    "compare": ["compare"],
    "export": ["export", "OUT"],
    "ingest": ["ingest", str(FIX)],
    "sql": ["sql", "SELECT * FROM documents"],
}
# `sql` reads whatever a DuckDB file holds (no schema check): on these it may work.
SQL_READS = ("dropped table", "dropped column", "dropped migrations", "a view for a table",
             "a foreign DuckDB database")


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_damaged_store_is_one_clear_error(store, tmp_path, damage):
    DAMAGE[damage](store)
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home))
    for name, args in COMMANDS.items():
        args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
        r = cli(*args, "--db", store, env=env, timeout=120)
        assert "Traceback" not in r.stderr and "Error:" not in r.stderr.split(":", 2)[0], (name, r.stderr)
        if name == "sql" and damage in SQL_READS:
            assert r.returncode in (0, 1), (name, r.stderr)
            continue
        assert r.returncode == 1, (name, r.returncode, r.stdout[-500:], r.stderr)
        assert str(store) in r.stderr, (name, r.stderr)
        assert r.stderr.count("\n") <= 2, (name, r.stderr)
    if damage == "a SQLite database":
        assert "SQLite" in r.stderr
    # no command tried to fetch a DuckDB extension (for a SQLite file: the sqlite scanner)
    assert not (home / ".duckdb").exists()


def test_ingest_refuses_a_store_missing_the_macro_it_writes_with(store):
    _sql("DROP MACRO vanban_year")(store)
    r = cli("ingest", FIX, "--db", store, "--force")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"store {store} is damaged: macro vanban_year is missing" in r.stderr
    assert cli("status", "--db", store).returncode == 0          # reading does not need it


def test_garbage_in_the_middle_of_a_store(store, tmp_path):
    data = bytearray(store.read_bytes())
    import random
    rnd = random.Random(5)
    for off in range(len(data) // 3, 2 * len(data) // 3, 4096):
        data[off:off + 512] = rnd.randbytes(512)
    store.write_bytes(bytes(data))
    for name, args in COMMANDS.items():
        args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
        r = cli(*args, "--db", store, timeout=120)
        assert "Traceback" not in r.stderr, (name, r.stderr)
        assert r.returncode in (0, 1, 3), (name, r.stderr)
        if r.returncode == 1:
            assert str(store) in r.stderr


# ---------------------------------------------------------------------------
# sql: read-only by construction, bounded

@pytest.mark.parametrize("statement", [
    "EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1",
    "EXPLAIN ANALYZE COPY (SELECT 1) TO 'x.csv'",
    "EXPLAIN ANALYZE SET threads = 1",
    "EXPLAIN (FORMAT json) INSERT INTO runs (id) VALUES (1)",
    "/* a comment */ EXPLAIN ANALYZE CREATE TEMP TABLE t2 AS SELECT 1",
    "SET threads = 1",
    "CALL pragma_version()",
    "PRAGMA enable_profiling",
    "PRAGMA memory_limit = '100GB'",
    "INSTALL httpfs",
    "CHECKPOINT",
    "SELECT 1; SELECT 2",
])
def test_sql_refuses_what_could_write_or_change_settings(store, statement):
    r = cli("sql", statement, "--db", store)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "only read-only" in r.stderr or "exactly one statement" in r.stderr, r.stderr
    assert not Path(str(store) + ".tmp").exists()


@pytest.mark.parametrize("statement", [
    "EXPLAIN SELECT * FROM documents",
    "EXPLAIN ANALYZE SELECT count(*) FROM citations",
    "PRAGMA table_info('documents')",
    "DESCRIBE documents",
    "SUMMARIZE dates",
    "WITH d AS (SELECT * FROM documents) SELECT count(*) FROM d",
])
def test_sql_runs_what_only_reads(store, statement):
    r = cli("sql", statement, "--db", store)
    assert r.returncode == 0, r.stderr


def test_sql_time_limit(store):
    t0 = time.monotonic()
    r = cli("sql", "SELECT count(*) FROM range(100000000) a, range(100000000) b", "--db", store, "--timeout", "1",
            timeout=60)
    assert r.returncode == 1 and "stopped after 1 s" in r.stderr, r.stderr
    assert time.monotonic() - t0 < 50


def test_sql_memory_limit(store):
    env = dict(os.environ, VANBAN_SQL_MEMORY="64MB")
    r = cli("sql", "SELECT range, repeat('x', 100) FROM range(30000000) ORDER BY 2 DESC, 1 DESC", "--db", store,
            env=env, timeout=120)
    assert r.returncode == 1 and "more memory than the limit" in r.stderr, r.stderr
    assert not Path(str(store) + ".tmp").exists()          # nothing spilled to disk


def test_sql_output_is_capped_and_streamed(store):
    r = cli("sql", "SELECT range AS n FROM range(1000000)", "--db", store, "-f", "jsonl", "--max-rows", "5")
    assert r.returncode == 0
    assert [json.loads(x)["n"] for x in r.stdout.splitlines()] == [0, 1, 2, 3, 4]
    assert "cut at 5 rows" in r.stderr
    r = cli("sql", "SELECT range AS n FROM range(3)", "--db", store, "-f", "csv", "--max-rows", "5")
    assert r.stdout.split() == ["n", "0", "1", "2"] and r.stderr == ""
    r = cli("sql", "SELECT range AS n FROM range(100)", "--db", store, "--max-rows", "3")
    assert "(3 rows)" in r.stdout and "cut at 3 rows" in r.stderr


# ---------------------------------------------------------------------------
# status formats

def test_status_formats(store):
    as_json = cli("status", "--db", store, "-f", "json")
    alias = cli("status", "--db", store, "--json")
    assert as_json.returncode == alias.returncode == 0
    a, b = json.loads(as_json.stdout), json.loads(alias.stdout)
    assert a["counts"]["documents"] == b["counts"]["documents"] == len(list(FIX.glob("*.txt")))
    table = cli("status", "--db", store, "-f", "table")
    assert table.returncode == 0 and table.stdout.startswith("store ")


# ---------------------------------------------------------------------------
# Readers during an ingest

def slow(path: str) -> dict:
    time.sleep(0.3)
    return extract_record(path)


def test_read_commands_get_in_during_an_ingest(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    fixtures = sorted(FIX.glob("*.txt"))
    n = 40
    for i in range(n):
        src = fixtures[i % len(fixtures)]
        (root / f"{i:03d}_{src.name}").write_text(src.read_text(encoding="utf-8") + f"\nBản số {i}.\n",
                                                  encoding="utf-8")
    db = tmp_path / "s.duckdb"
    out = io.StringIO()
    result: dict = {}

    def run() -> None:
        result["summary"] = batch.ingest(Options(paths=[str(root)], db=str(db), workers=2, progress=False,
                                                 log_json=True), fn=slow, out=out, err=io.StringIO())

    t = threading.Thread(target=run)
    t.start()
    try:
        deadline = time.monotonic() + 60
        while '"status": "new"' not in out.getvalue():
            assert time.monotonic() < deadline and t.is_alive()
            time.sleep(0.05)
        reads = {}
        for name, args in {"status": ["status", "-f", "json"], "sql": ["sql", "SELECT count(*) AS n FROM documents",
                                                                       "-f", "jsonl"],
                           "graph": ["graph", "top"], "compare": ["compare"]}.items():
            r = cli(*args, "--db", db, "--wait", timeout=120)
            reads[name] = (r.returncode, r.stdout, r.stderr)
        still_running = t.is_alive()
    finally:
        t.join(timeout=300)
    assert all(code == 0 for code, _, _ in reads.values()), reads
    assert still_running, "the ingest ended before the readers were let in: make it slower"
    counted = json.loads(reads["sql"][1])["n"]
    assert 1 <= counted < n
    assert result["summary"].new == n and result["summary"].exit_code == 0
    with Store(db, read_only=True) as s:
        assert s.con.execute("SELECT count(*) FROM documents").fetchone()[0] == n
