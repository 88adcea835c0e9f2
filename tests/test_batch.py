"""Batch ingestion: discovery, incremental skips, failures, time limits, the
lock, and the `vanban ingest` command's output and exit codes."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vanban.pipeline import batch
from vanban.pipeline.batch import Options, discover, extract_record, ingest
from vanban.pipeline.store import IngestLock, Store

FIX = Path(__file__).parent / "fixtures" / "store"
BAD = b""            # the readers reject an empty file (ReadError naming the file)


def fixture_files() -> list[Path]:
    return sorted(FIX.glob("*.txt"))


def make_corpus(root: Path) -> Path:
    (root / "sub" / ".hidden").mkdir(parents=True)
    for i, f in enumerate(fixture_files()):
        shutil.copy(f, (root if i % 2 else root / "sub") / f.name)
    (root / "sub" / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    (root / "notes.gold.json").write_text("{}", encoding="utf-8")
    return root


def run(db, paths, out=None, **kw) -> batch.Summary:
    kw.setdefault("workers", 2)
    return ingest(Options(paths=[str(p) for p in paths], db=str(db), progress=False, **kw), out=out or io.StringIO(),
                  err=io.StringIO())


def cli(*args, cwd, timeout=120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vanban", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, **kw)


def table(db, sql):
    with Store(db, read_only=True) as s:
        return s.con.execute(sql).fetchall()


# Worker tasks for the fault tests (spawned workers import this module).

def faulty(path: str) -> dict:
    name = os.path.basename(path)
    if name.startswith("boom"):
        raise RuntimeError("extractor bug")
    if name.startswith("hang"):
        time.sleep(3600)
    if name.startswith("crash"):
        os.kill(os.getpid(), 9)
    return extract_record(path)


# ---------------------------------------------------------------------------

def test_discover_finds_documents_recursively(tmp_path):
    root = make_corpus(tmp_path / "c")
    (root / "sub" / "A.PDF").write_bytes(b"%PDF")
    (root / "sub" / "~$owner.docx").write_bytes(b"x")
    (root / "page.htm").write_text("<p>x</p>")
    found = discover([root, root / "sub" / "A.PDF"])
    names = [os.path.relpath(p, root) for p in found]
    assert names == sorted(names) and all(os.path.isabs(p) for p in found)
    assert set(names) == {os.path.relpath(p, root) for p in root.rglob("*") if p.suffix.lower() in
                          (".txt", ".pdf", ".htm") and ".hidden" not in p.parts}
    explicit = tmp_path / "odd.name"
    explicit.write_text("x")
    assert discover([explicit]) == [str(explicit)]
    with pytest.raises(FileNotFoundError, match="no such file"):
        discover([tmp_path / "missing"])


def test_ingest_then_rerun_skips_everything(tmp_path):
    root = make_corpus(tmp_path / "c")
    db = tmp_path / "s.duckdb"
    n = len(fixture_files())
    s1 = run(db, [root])
    assert (s1.new, s1.updated, s1.skipped, s1.failed, s1.exit_code) == (n, 0, 0, 0, 0)
    before = table(db, "SELECT path, ingested_at FROM documents ORDER BY path")
    assert len(before) == n and {os.path.basename(p) for p, _ in before} == {f.name for f in fixture_files()}
    with Store(db, read_only=True) as s:
        snap = s.snapshot()
        for f in fixture_files():
            path = next(p for p, _ in before if p.endswith(f.name))
            ex = s.load_extraction(path)
            assert ex.source.sha256 and ex.source.size == f.stat().st_size
    s2 = run(db, [root])
    assert (s2.new, s2.updated, s2.skipped, s2.failed, s2.exit_code) == (0, 0, n, 0, 0)
    assert table(db, "SELECT path, ingested_at FROM documents ORDER BY path") == before
    with Store(db, read_only=True) as s:
        assert s.snapshot() == snap
    assert table(db, "SELECT status, n_new, n_skipped FROM runs ORDER BY id") == [("ok", n, 0), ("ok", 0, n)]


def test_changed_files_are_replaced_and_touched_files_skipped(tmp_path):
    root = make_corpus(tmp_path / "c")
    db = tmp_path / "s.duckdb"
    run(db, [root])
    files = sorted(p for p in root.rglob("*.txt") if ".hidden" not in p.parts)
    touched, changed, reversioned = files[0], files[1], files[2]
    st = touched.stat()
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nNgày 15 tháng 3 năm 2024.\n", encoding="utf-8")
    with Store(db) as s:
        s.con.execute("UPDATE documents SET extractor_version = 'old' WHERE path = ?", [str(reversioned)])
    old_sha = table(db, f"SELECT sha256 FROM documents WHERE path = '{changed}'")[0][0]
    out = io.StringIO()
    summary = run(db, [root], out=out, log_json=True)
    assert (summary.new, summary.updated, summary.skipped) == (0, 2, len(files) - 2)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    status = {os.path.basename(x["path"]): x["status"] for x in lines if x["event"] == "file"}
    assert status[changed.name] == status[reversioned.name] == "updated" and status[touched.name] == "skipped"
    assert lines[-1]["event"] == "summary" and lines[-1]["updated"] == 2
    assert table(db, f"SELECT mtime_ns FROM documents WHERE path = '{touched}'")[0][0] == touched.stat().st_mtime_ns
    new_sha = table(db, f"SELECT sha256, extractor_version FROM documents WHERE path = '{changed}'")[0]
    assert new_sha[0] != old_sha and new_sha[1] != "old"
    # the changed document's rows equal those of a fresh store
    fresh = tmp_path / "fresh.duckdb"
    run(fresh, [root])
    with Store(db, read_only=True) as a, Store(fresh, read_only=True) as b:
        assert a.snapshot() == b.snapshot()


def test_unreadable_file_is_a_failure_and_the_batch_goes_on(tmp_path):
    root = make_corpus(tmp_path / "c")
    junk = root / "junk.txt"
    junk.write_bytes(BAD)
    db = tmp_path / "s.duckdb"
    n = len(fixture_files())
    s1 = run(db, [root])
    assert (s1.new, s1.failed, s1.exit_code) == (n, 1, 3)
    [(path, cls, msg, sha)] = table(db, "SELECT path, error_class, message, sha256 FROM failures")
    assert path == str(junk) and cls == "ReadError" and str(junk) in msg and sha
    failed_at = table(db, "SELECT failed_at FROM failures")
    # unchanged: not retried, still reported (exit 3)
    s2 = run(db, [root])
    assert (s2.skipped, s2.failed, s2.known_failed, s2.exit_code) == (n, 1, 1, 3)
    assert table(db, "SELECT failed_at FROM failures") == failed_at
    s3 = run(db, [root], retry_failed=True)
    assert (s3.failed, s3.known_failed) == (1, 0)
    assert table(db, "SELECT failed_at FROM failures") != failed_at
    # fixed: stored, and the failure row is gone
    shutil.copy(fixture_files()[0], junk)
    s4 = run(db, [root])
    assert (s4.new, s4.failed, s4.exit_code) == (1, 0, 0)
    assert table(db, "SELECT count(*) FROM failures") == [(0,)]
    # a stored file that turns bad: a failure, and its old rows are gone
    junk.write_bytes(BAD)
    s5 = run(db, [root])
    assert s5.failed == 1
    assert table(db, f"SELECT count(*) FROM documents WHERE path = '{junk}'") == [(0,)]


def test_extractor_error_timeout_and_worker_crash_are_failures(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    good = fixture_files()[:2]
    for f in good:
        shutil.copy(f, root / f.name)
    for name in ("boom.txt", "hang.txt", "crash.txt"):
        shutil.copy(good[0], root / name)
    db = tmp_path / "s.duckdb"
    summary = ingest(Options(paths=[str(root)], db=str(db), workers=2, timeout=2, progress=False), fn=faulty,
                     out=io.StringIO(), err=io.StringIO())
    assert (summary.new, summary.failed, summary.exit_code) == (2, 3, 3)
    fails = {os.path.basename(p): (c, m) for p, c, m in table(db, "SELECT path, error_class, message FROM failures")}
    assert fails["boom.txt"][0] == "RuntimeError"
    assert str(root / "boom.txt") in fails["boom.txt"][1] and "extractor bug" in fails["boom.txt"][1]
    assert "test_batch.py" in fails["boom.txt"][1]                     # where it was raised
    assert fails["hang.txt"] == ("Timeout", "timed out after 2 s")
    assert fails["crash.txt"][0] == "WorkerDied" and "SIGKILL" in fails["crash.txt"][1]
    assert sorted(os.path.basename(p) for (p,) in table(db, "SELECT path FROM documents")) == \
        sorted(f.name for f in good)


PROBE = """
import sys
def modules_loaded(path):
    return {"path": path, "typer": "typer" in sys.modules, "cli": "vanban.pipeline.cli" in sys.modules}
"""

CONSOLE_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
from vanban.pipeline.cli import main   # what the `vanban` console script holds
if __name__ == "__main__":
    from probe import modules_loaded
    from vanban.pipeline.batch import LocalPool
    print(list(LocalPool(1, fn=modules_loaded, warm=None).run(["x"]))[0])
"""


def test_workers_do_not_import_the_cli_the_console_script_loads(tmp_path):
    # A spawned worker runs the parent's main script again unless told not to:
    # for the `vanban` script that is the whole CLI (typer) in every worker.
    (tmp_path / "probe.py").write_text(PROBE)
    script = tmp_path / "vanban_script.py"
    script.write_text(CONSOLE_SCRIPT)
    out = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "{'path': 'x', 'typer': False, 'cli': False}"


def test_prune_forgets_deleted_files(tmp_path):
    root = make_corpus(tmp_path / "c")
    db = tmp_path / "s.duckdb"
    run(db, [root])
    gone = sorted(root.rglob("*.txt"))[0]
    gone.unlink()
    s = run(db, [root])
    assert s.pruned == 0 and table(db, f"SELECT count(*) FROM documents WHERE path = '{gone}'") == [(1,)]
    s = run(db, [root], prune=True)
    assert s.pruned == 1 and table(db, f"SELECT count(*) FROM documents WHERE path = '{gone}'") == [(0,)]


# ---------------------------------------------------------------------------
# The command, as cron runs it

def test_cli_exit_codes_log_json_and_summary(tmp_path):
    root = make_corpus(tmp_path / "c")
    n = len(fixture_files())
    r = cli("ingest", root, "--db", "s.duckdb", "--workers", "2", "--log-json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    files = [x for x in lines if x["event"] == "file"]
    assert [x["status"] for x in files] == ["new"] * n and lines[-1]["event"] == "summary"
    assert all(set(x["items"]) == set(batch.ITEM_KINDS) for x in files)
    # the entry that is not a document is accounted for, not stored
    [other] = [x for x in lines if x["event"] == "not_document"]
    assert other["path"].endswith("notes.gold.json") and ".json" in other["reason"]
    assert lines[-1]["not_documents"] == 1
    assert f"{n} new, 0 updated, 0 skipped, 0 failed" in r.stderr
    assert "\x1b[" not in r.stderr                                      # no progress bar off a terminal
    (root / "junk.txt").write_bytes(BAD)
    r = cli("ingest", root, "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 3 and r.stdout == ""
    assert f"0 new, 0 updated, {n} skipped, 1 failed" in r.stderr and "junk.txt" in r.stderr
    r = cli("ingest", tmp_path / "missing", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 2 and "no such file" in r.stderr
    r = cli("ingest", root, "--db", "s.duckdb", "--executor", "dask", cwd=tmp_path)
    assert r.returncode == 2 and "--scheduler" in r.stderr
    r = cli("status", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 0 and f"documents {n}" in r.stdout and "ReadError 1" in r.stdout


def test_cli_timeout_flag(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    # ~3 MB of real text takes seconds to clean; the limit is a hundredth of that
    text = fixture_files()[0].read_text(encoding="utf-8")
    (root / "long.txt").write_text(text * (3_000_000 // len(text)), encoding="utf-8")
    r = cli("ingest", root, "--db", "s.duckdb", "--workers", "1", "--timeout", "0.01", cwd=tmp_path)
    assert r.returncode == 3, r.stderr
    assert table(tmp_path / "s.duckdb", "SELECT error_class, message FROM failures") == \
        [("Timeout", "timed out after 0.01 s")]


def test_cli_lock_refuses_or_waits(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    shutil.copy(fixture_files()[0], root)
    db = tmp_path / "s.duckdb"
    lock = IngestLock(db)
    lock.acquire()
    try:
        r = cli("ingest", root, "--db", db, cwd=tmp_path)
        assert r.returncode == 4 and f"pid {os.getpid()}" in r.stderr and "--wait" in r.stderr
        p = subprocess.Popen([sys.executable, "-m", "vanban", "ingest", str(root), "--db", str(db), "--wait",
                              "--workers", "1"], cwd=tmp_path, stderr=subprocess.PIPE, text=True)
        first = p.stderr.readline()
        assert "waiting" in first and str(os.getpid()) in first
    finally:
        lock.release()
    assert p.wait(timeout=120) == 0, p.stderr.read()
    p.stderr.close()
    assert table(db, "SELECT count(*) FROM documents") == [(1,)]


def test_cli_read_commands_report_a_busy_store(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db):
        pass
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        r = cli("sql", "SELECT 1", "--db", db, cwd=tmp_path)
        assert r.returncode == 4 and f"process {holder.pid}" in r.stderr
        r = cli("ingest", tmp_path, "--db", db, cwd=tmp_path)
        assert r.returncode == 4 and f"process {holder.pid}" in r.stderr
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
