"""kill -9 in the middle of an ingest, then run again: the store equals that of
an uninterrupted run (every table, ignoring timestamps and run ids)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from vanban.pipeline.store import Store

FIX = Path(__file__).parent / "fixtures" / "store"
N_COPIES = 40


def make_corpus(root: Path) -> int:
    """N_COPIES documents, each a fixture with its own extra lines (so every
    sha differs and the extractors find slightly different things), plus one
    file the readers reject."""
    root.mkdir(parents=True)
    fixtures = sorted(FIX.glob("*.txt"))
    for i in range(N_COPIES):
        src = fixtures[i % len(fixtures)]
        sub = root / f"batch{i % 3}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:03d}_{src.name}").write_text(
            src.read_text(encoding="utf-8") + f"\nBản sao số {i}, ngày {i % 28 + 1} tháng {i % 12 + 1} năm 2024.\n",
            encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return N_COPIES


def ingest_cmd(root: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "vanban", "ingest", str(root), "--db", str(db), "--workers", "2",
            "--log-json"]


def snapshot(db: Path) -> dict:
    with Store(db, read_only=True) as s:
        return s.snapshot()


def test_kill_9_mid_run_then_rerun_equals_a_clean_run(tmp_path):
    root = tmp_path / "corpus"
    n = make_corpus(root)
    clean_db, killed_db = tmp_path / "clean.duckdb", tmp_path / "killed.duckdb"

    r = subprocess.run(ingest_cmd(root, clean_db), capture_output=True, text=True, timeout=300)
    assert r.returncode == 3, r.stderr                      # the empty file
    clean = snapshot(clean_db)
    assert len(clean["documents"]) == n and len(clean["failures"]) == 1

    # Kill as soon as a few documents are committed (a log line is written
    # after its document's transaction commits).
    p = subprocess.Popen(ingest_cmd(root, killed_db), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    committed = 0
    for line in p.stdout:
        rec = json.loads(line)
        if rec.get("status") == "new":
            committed += 1
        if committed >= 5:
            os.kill(p.pid, signal.SIGKILL)
            break
    p.wait(timeout=60)
    p.stdout.close()
    assert p.returncode == -signal.SIGKILL, "the run finished before it could be killed"

    partial = snapshot(killed_db)                           # the WAL replays: whole documents only
    stored = len(partial["documents"])
    assert 5 <= stored < n
    ids = {row[0] for row in partial["documents"]}
    for t in ("citations", "dates", "commemorations", "targets", "signatories", "citation_mentions"):
        assert {row[0] for row in partial[t]} <= ids
    # every stored document has exactly the rows a clean run gives it
    for t in ("citations", "dates", "citation_mentions"):
        assert partial[t] == [row for row in clean[t] if row[0] in ids]

    r = subprocess.run(ingest_cmd(root, killed_db), capture_output=True, text=True, timeout=300)
    assert r.returncode == 3, r.stderr
    summary = json.loads(r.stdout.splitlines()[-1])
    assert summary["new"] == n - stored and summary["skipped"] == stored
    assert snapshot(killed_db) == clean
    with Store(killed_db, read_only=True) as s:
        statuses = [x for (x,) in s.con.execute("SELECT status FROM runs ORDER BY id").fetchall()]
    assert statuses == ["interrupted", "failures"]


def test_sigterm_stops_cleanly(tmp_path):
    root = tmp_path / "corpus"
    n = make_corpus(root)
    db = tmp_path / "s.duckdb"
    p = subprocess.Popen(ingest_cmd(root, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in p.stdout:
        if json.loads(line).get("status") == "new":
            p.send_signal(signal.SIGTERM)
            break
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "interrupted" in err
    # the --log-json log still ends with its summary line
    summary = json.loads(out.splitlines()[-1])
    assert summary["event"] == "summary" and summary["status"] == "interrupted"
    assert summary["exit_code"] == 130 and 1 <= summary["new"] < n
    with Store(db, read_only=True) as s:
        assert s.con.execute("SELECT status, finished_at IS NOT NULL FROM runs").fetchall() == [("interrupted", True)]
        stored = s.con.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 1 <= stored < n
    # no worker outlives it
    ps = subprocess.run(["ps", "-eo", "ppid,args"], capture_output=True, text=True).stdout
    assert not [x for x in ps.splitlines() if x.split(None, 1)[0] == str(p.pid)]
