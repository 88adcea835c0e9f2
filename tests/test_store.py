"""The DuckDB store: migrations, atomic writes, the registry, failures, the lock,
read-only queries, export, and the status/sql/export commands."""
from __future__ import annotations

import json
import os
import threading
import time

import duckdb
import pytest
from typer.testing import CliRunner

from vanban.pipeline import store as st
from vanban.pipeline.store import IngestLock, Store, StoreBusy, StoreError, doc_id
from vanban.schemas.models import (Citation, Commemoration, DateMention, DocumentMeta, Extraction, Signatory, Source, Span,
                            Target)


def make_extraction(path: str, *, sha: str = "a" * 64, cites: list[tuple] | None = None, n_dates: int = 2,
                    version: str = "test-1", big_offset: bool = False) -> Extraction:
    """A synthetic Extraction that uses every field of the model.
    `cites`: (key, number, date, title) per citation."""
    cites = cites if cites is not None else [("02/CT-BCT|BCT|2024", "02/CT-BCT", "2024-01-23", "về thi đua"),
                                              ("LUAT|TDKT|2022", None, None, "Luật Thi đua, khen thưởng")]
    citations = [Citation(text=f"Chỉ thị số {num}", start=10 * i, end=10 * i + 8, page=1, rule="number",
                          doc_type="Chỉ thị", number=num, date=date, issuer="Bộ Công Thương", title=title,
                          relation="based_on", pin="Điều 3" if i == 0 else None, key=key,
                          mentions=[Span(text="Chỉ thị", start=10 * i, end=10 * i + 7, page=1),
                                    Span(text="Chỉ thị 02", start=500 + i, end=510 + i, page=2)])
                 for i, (key, num, date, title) in enumerate(cites)]
    dates = [DateMention(text=f"ngày {i + 1}/3/2024", start=100 + 20 * i,
                         end=(2 ** 31 + 5) if big_offset and i == 1 else 115 + 20 * i,
                         page=None, rule="dmy", value=f"2024-03-0{i + 1}", role="event") for i in range(n_dates)]
    return Extraction(
        source=Source(path=path, sha256=sha, format="txt", size=1234, pages=2, ocr_pages=[2]),
        document=DocumentMeta(doc_type="plan", number="300/KH-SCT", issuer="Sở Công Thương tỉnh Hà Tĩnh",
                              province="Hà Tĩnh", issue_place="Hà Tĩnh", issue_date="2024-03",
                              published_date=None, title="Tổ chức phong trào thi đua", author=None,
                              spans={"number": Span(text="300/KH-SCT", start=3, end=13, page=1)}),
        citations=citations, dates=dates,
        commemorations=[Commemoration(text="49 năm", start=200, end=260, years=49, event="Ngày giải phóng",
                                      origin_date="1975-04-30", date="2024-04-30", consistent=True, rule="k")],
        targets=[Target(text="đạt 1.750 triệu USD", start=300, end=320, indicator="Kim ngạch xuất khẩu",
                        value=1750.0, unit="triệu USD", comparator=">=", growth_pct=14.38,
                        baseline="ước thực hiện năm 2023", year=2024, status="target")],
        signatories=[Signatory(text="Hoàng Văn Quảng", start=400, end=415, page=2, name="Hoàng Văn Quảng",
                               title="Giám đốc", organization="Sở Công Thương", on_behalf="KT. GIÁM ĐỐC")],
        warnings=["not UTF-8: decoded as Windows-1258"], extractor_version=version)


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "s.duckdb")


def test_new_store_records_its_migrations(db):
    with Store(db) as s:
        names = st.applied_migrations(s.con)
        assert names == [m.name for m in st.migrations()]
        assert names[0] == "0001_initial" and len(names) >= 2
        assert set(st.TABLES) <= set(s.tables())
        assert s.pending == []
    with Store(db) as s:   # reopening applies nothing twice
        assert s.con.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(names)


def test_store_at_migration_1_upgrades_in_place(db, tmp_path, monkeypatch):
    exs = [make_extraction("/docs/a.txt"),
           make_extraction("/docs/b.txt", cites=[("02/CT-BCT|BCT|2024", "02/CT-BCT", None, "về thi đua năm 2024"),
                                                 ("X|Y|2020", "5/2020/NĐ-CP", None, None)])]
    # An old store: migration 1 only, written by code that had no registry.
    with monkeypatch.context() as m:
        m.setattr(Store, "_merge_cited", lambda self, rows: None)
        m.setattr(Store, "_recompute_cited", lambda self, keys: None)
        with Store(db, migrate_upto=1) as old:
            assert st.applied_migrations(old.con) == ["0001_initial"]
            assert "cited_documents" not in old.tables()
            assert [m.name for m in st.pending_migrations(old.con)][0] == "0002_cited_documents"
            for ex in exs:
                old.write_extraction(ex, size=1234, mtime_ns=1)
    with Store(db, read_only=True) as ro:
        assert ro.pending and "0002_cited_documents" in ro.pending
    with Store(db) as upgraded:
        assert st.applied_migrations(upgraded.con) == [m.name for m in st.migrations()]
        got = upgraded.snapshot()
        assert upgraded.load_extraction("/docs/b.txt") == exs[1]
    fresh_db = str(tmp_path / "fresh.duckdb")
    with Store(fresh_db) as fresh:
        for ex in exs:
            fresh.write_extraction(ex, size=1234, mtime_ns=1)
        assert got == fresh.snapshot()
    assert dict((r[0], r) for r in got["cited_documents"])["02/CT-BCT|BCT|2024"][1:] == \
        ("Chỉ thị", "02/CT-BCT", "Bộ Công Thương", 2024, "2024-01-23", "về thi đua")
    assert dict((r[0], r) for r in got["cited_documents"])["X|Y|2020"][4] == 2020   # year from the number


def test_store_from_newer_version_is_refused(db):
    with Store(db) as s:
        s.con.execute("INSERT INTO migrations VALUES (9999, '9999_future', now()::TIMESTAMP)")
    with pytest.raises(StoreError, match="newer vanban"):
        Store(db)


def test_extraction_round_trips(db):
    ex = make_extraction("/docs/a.txt")
    with Store(db) as s:
        did = s.write_extraction(ex, size=1234, mtime_ns=99, run_id=7)
        assert did == doc_id("/docs/a.txt")
        assert s.load_extraction("/docs/a.txt") == ex
        assert s.load_extraction("/docs/none.txt") is None
        row = s.con.execute("SELECT size, mtime_ns, run_id, extractor_version, ocr_pages, warnings "
                            "FROM documents").fetchone()
        assert row == (1234, 99, 7, "test-1", [2], ["not UTF-8: decoded as Windows-1258"])
        counts = {t: s.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in st.ITEM_TABLES}
        assert counts == {"citations": 2, "citation_mentions": 4, "dates": 2, "commemorations": 1, "targets": 1,
                          "signatories": 1}


def test_replacing_a_document_replaces_its_rows_and_registry(db):
    with Store(db) as s:
        s.write_extraction(make_extraction("/a.txt", cites=[("K1", "1/A", "2020-01-01", "t1"),
                                                             ("K2", "2/B", None, "zzz")], n_dates=3))
        s.write_extraction(make_extraction("/b.txt", cites=[("K2", "2/B", "2021-05-05", "aaa")]))
        reg = {r[0]: r for r in s.con.execute("SELECT * FROM cited_documents").fetchall()}
        assert set(reg) == {"K1", "K2"}
        assert reg["K2"][5:] == ("2021-05-05", "aaa")
        # a.txt changes: it now cites K3 only, and has one date
        s.write_extraction(make_extraction("/a.txt", sha="b" * 64, cites=[("K3", None, None, "new")], n_dates=1))
        reg = {r[0]: r for r in s.con.execute("SELECT * FROM cited_documents").fetchall()}
        assert set(reg) == {"K2", "K3"}
        aid = doc_id("/a.txt")
        assert s.con.execute("SELECT count(*) FROM dates WHERE document_id = ?", [aid]).fetchone()[0] == 1
        assert s.con.execute("SELECT count(*) FROM citation_mentions WHERE document_id = ?",
                             [aid]).fetchone()[0] == 2
        assert s.con.execute("SELECT count(*), min(sha256) FROM documents").fetchone() == (2, "a" * 64)
        assert s.load_extraction("/a.txt").citations[0].key == "K3"
        # no citation points outside the registry
        assert s.con.execute("SELECT count(*) FROM citations c ANTI JOIN cited_documents d ON c.key = d.key"
                             ).fetchone()[0] == 0


def test_registry_does_not_depend_on_ingest_order(tmp_path):
    exs = [make_extraction(f"/d{i}.txt", cites=[("K", f"{i}/X", f"202{i}-01-01", f"title {9 - i}"),
                                                 (f"K{i}", None, None, None)]) for i in range(4)]
    snaps = []
    for n, order in enumerate(([0, 1, 2, 3], [3, 1, 0, 2])):
        with Store(str(tmp_path / f"{n}.duckdb")) as s:
            for i in order:
                s.write_extraction(exs[i])
            snaps.append(s.snapshot())
    assert snaps[0] == snaps[1]


def test_a_failed_write_leaves_the_previous_version_whole(db):
    good = make_extraction("/a.txt")
    with Store(db) as s:
        s.write_extraction(good)
        before = s.snapshot()
        # An offset beyond INTEGER fails on the dates insert, after the document
        # row and the citations were written inside the transaction.
        bad = make_extraction("/a.txt", sha="c" * 64, cites=[("NEW", None, None, None)], big_offset=True)
        with pytest.raises(StoreError, match="out of range"):
            s.write_extraction(bad)
        assert s.snapshot() == before
        assert s.load_extraction("/a.txt") == good
        # a new document that fails is not there at all
        with pytest.raises(StoreError):
            s.write_extraction(make_extraction("/b.txt", big_offset=True))
        assert s.load_extraction("/b.txt") is None
        assert s.snapshot() == before


def test_failures_are_recorded_and_cleared(db):
    with Store(db) as s:
        s.record_failure("/x.txt", "RuntimeError", "/x.txt: RuntimeError: boom (at dates.py:3 in f)",
                         sha256="d" * 64, size=5, mtime_ns=6, extractor_version="v", run_id=1)
        s.record_failure("/x.txt", "ReadError", "/x.txt: bad bytes", extractor_version="v")   # latest wins
        assert s.con.execute("SELECT path, error_class, message FROM failures").fetchall() == \
            [("/x.txt", "ReadError", "/x.txt: bad bytes")]
        assert s.known()["/x.txt"].kind == "failure"
        s.write_extraction(make_extraction("/x.txt"))
        assert s.con.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
        assert s.known()["/x.txt"].kind == "document"
        # a stored file that now fails: its stale rows go, the failure stays
        s.record_failure("/x.txt", "ReadError", "/x.txt: truncated", extractor_version="v")
        assert s.load_extraction("/x.txt") is None
        assert all(n == 0 for t, n in ((t, s.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                                       for t in ("documents", "citations", "cited_documents", "dates")))
        assert s.con.execute("SELECT message FROM failures").fetchone()[0] == "/x.txt: truncated"


def test_runs_are_recorded(db):
    with Store(db) as s:
        r1 = s.start_run(executor="local", scheduler=None, workers=2, extractor_version="v", roots=["/d"])
        r2 = s.start_run(executor="dask", scheduler="tcp://h:8786", workers=None, extractor_version="v",
                         roots=["/d"])
        s.finish_run(r2, "ok", n_files=3, n_new=1, n_updated=1, n_skipped=1, n_failed=0, seconds=1.5)
        rows = s.con.execute("SELECT id, status, executor, n_files, finished_at IS NOT NULL FROM runs ORDER BY id"
                             ).fetchall()
        assert rows == [(r1, "interrupted", "local", None, False), (r2, "ok", "dask", 3, True)]
        rep = s.status()
        assert rep["runs"][0]["id"] == r2 and rep["counts"]["runs"] == 2


def test_sql_is_read_only(db):
    with Store(db) as s:
        s.write_extraction(make_extraction("/a.txt"))
        before = s.snapshot()
    cols, rows = st.query(db, "SELECT path, doc_type FROM documents")
    assert cols == ["path", "doc_type"] and rows == [("/a.txt", "plan")]
    assert st.query(db, "DESCRIBE documents")[1]
    for bad in ("DELETE FROM documents", "INSERT INTO failures VALUES ('p', NULL, NULL, NULL, 'e', 'm', 'v', "
                "now()::TIMESTAMP, NULL)", "DROP TABLE documents", "UPDATE documents SET title = 'x'",
                f"COPY documents TO '{db}.csv'", f"ATTACH '{db}.other' AS o", "CREATE TABLE t (x INT)",
                "SELECT 1; DELETE FROM documents"):
        with pytest.raises(StoreError):
            st.query(db, bad)
    with pytest.raises(StoreError, match="query failed"):
        st.query(db, "SELECT * FROM read_csv('/etc/hostname')")
    assert not os.path.exists(db + ".csv")
    with Store(db, read_only=True) as s:
        assert s.snapshot() == before
    with pytest.raises(StoreError, match="no store"):
        st.query(db + ".missing", "SELECT 1")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_table(db, tmp_path, fmt):
    with Store(db) as s:
        s.write_extraction(make_extraction("/a.txt"))
        s.record_failure("/b.txt", "ReadError", "/b.txt: bad", extractor_version="v")
        counts = {t: s.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in s.tables()}
    files = st.export(db, tmp_path / "out", fmt)
    assert sorted(f.name for f in files) == sorted(f"{t}.{fmt}" for t in counts)
    con = duckdb.connect()
    for f in files:
        reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
        assert con.execute(f"SELECT count(*) FROM {reader}('{f}')").fetchone()[0] == counts[f.stem], f
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_ingest_lock_refuses_then_waits(db):
    with IngestLock(db):
        assert st.ingest_holder(db) == os.getpid()
        other = IngestLock(db)
        with pytest.raises(StoreBusy, match=f"pid {os.getpid()}.*--wait"):
            other.acquire(wait=False)
    assert st.ingest_holder(db) is None
    first = IngestLock(db)
    first.acquire()
    got = threading.Event()
    waited_for = []

    def waiter():
        lk = IngestLock(db)   # flock locks belong to the open file, so this blocks even in one process
        lk.acquire(wait=True, on_wait=waited_for.append)
        got.set()
        lk.release()

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.2)
    assert not got.is_set()
    first.release()
    t.join(10)
    assert got.is_set() and waited_for == [os.getpid()]


# ---------------------------------------------------------------------------
# Commands

runner = CliRunner()


def _app():
    from vanban.pipeline.cli import app
    return app


def test_commands_have_help():
    app = _app()
    for cmd in ("ingest", "status", "sql", "export"):
        r = runner.invoke(app, [cmd, "--help"])
        assert r.exit_code == 0, r.output
        assert "--db" in r.output
    r = runner.invoke(app, ["ingest", "--help"])
    assert "Exit codes" in r.output and "--timeout" in r.output and "--executor" in r.output


def test_status_sql_export_commands(db, tmp_path):
    with Store(db) as s:
        s.write_extraction(make_extraction("/a.txt"))
        run = s.start_run(executor="local", scheduler=None, workers=1, extractor_version="v", roots=["/"])
        s.finish_run(run, "ok", n_files=1, n_new=1, n_updated=0, n_skipped=0, n_failed=0, seconds=0.1)
    app = _app()
    r = runner.invoke(app, ["status", "--db", db])
    assert r.exit_code == 0, r.output
    assert "documents 1" in r.output and "0002_cited_documents" in r.output and "#1" in r.output
    rep = json.loads(runner.invoke(app, ["status", "--db", db, "--json"]).output)
    assert rep["counts"]["citations"] == 2 and rep["runs"][0]["status"] == "ok"
    r = runner.invoke(app, ["sql", "SELECT key, year FROM cited_documents ORDER BY key", "--db", db,
                            "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.output) == [{"key": "02/CT-BCT|BCT|2024", "year": 2024},
                                                         {"key": "LUAT|TDKT|2022", "year": None}]
    r = runner.invoke(app, ["sql", "SELECT path, ocr_pages FROM documents", "--db", db, "--format", "csv"])
    assert r.output.splitlines() == ["path,ocr_pages", "/a.txt,[2]"]
    r = runner.invoke(app, ["sql", "SELECT count(*) AS n FROM dates", "--db", db])
    assert r.exit_code == 0 and "(1 row)" in r.output and "2" in r.output
    r = runner.invoke(app, ["sql", "DELETE FROM dates", "--db", db])
    assert r.exit_code == 1
    r = runner.invoke(app, ["export", str(tmp_path / "x"), "--format", "csv", "--db", db])
    assert r.exit_code == 0 and (tmp_path / "x" / "cited_documents.csv").exists()
    r = runner.invoke(app, ["status", "--db", str(tmp_path / "nope.duckdb")])
    assert r.exit_code == 1
    assert not (tmp_path / "nope.duckdb").exists()
