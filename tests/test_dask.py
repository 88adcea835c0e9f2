"""The Dask executor on a real (small, in-process) LocalCluster: the store it
builds equals a local run's; time limits and extractor errors become failures."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from vanban.pipeline.batch import DaskExecutor, ExecutorError, Options, extract_record, ingest  # noqa: E402
from vanban.pipeline.store import Store  # noqa: E402

FIX = Path(__file__).parent / "fixtures" / "store"
RELEASE = threading.Event()


def faulty(path: str) -> dict:
    name = os.path.basename(path)
    if name.startswith("boom"):
        raise ValueError("bad table")
    if name.startswith("hang"):
        RELEASE.wait(120)            # a thread cannot be killed: the test lets it go at the end
    return extract_record(path)


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", dashboard_address=None,
                      silence_logs=40) as c:
        yield c
    RELEASE.set()


def make_corpus(root: Path) -> Path:
    (root / "a").mkdir(parents=True)
    for i, f in enumerate(sorted(FIX.glob("*.txt"))):
        shutil.copy(f, root / ("a" if i % 2 else ".") / f.name)
        (root / f"v{i}.txt").write_text(f.read_text(encoding="utf-8") + f"\nBản sao {i}.\n", encoding="utf-8")
    (root / "a" / "empty.txt").write_bytes(b"")
    return root


def cli(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vanban", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=180)


def test_dask_store_equals_local_store(tmp_path, cluster):
    root = make_corpus(tmp_path / "c")
    r = cli("ingest", root, "--db", "local.duckdb", "--workers", "2", cwd=tmp_path)
    assert r.returncode == 3, r.stderr                    # the empty file
    r = cli("ingest", root, "--db", "dask.duckdb", "--executor", "dask", "--scheduler", cluster.scheduler_address,
            cwd=tmp_path)
    assert r.returncode == 3, r.stderr
    assert "dask" in r.stderr
    with Store(tmp_path / "local.duckdb", read_only=True) as a, Store(tmp_path / "dask.duckdb", read_only=True) as b:
        sa, sb = a.snapshot(), b.snapshot()
        assert sa == sb
        assert len(sa["documents"]) == 2 * len(list(FIX.glob("*.txt"))) and len(sa["failures"]) == 1
        assert b.con.execute("SELECT executor, scheduler, workers, status FROM runs").fetchall() == \
            [("dask", cluster.scheduler_address, 2, "failures")]
    # and a rerun on Dask skips everything
    r = cli("ingest", root, "--db", "dask.duckdb", "--executor", "dask", "--scheduler", cluster.scheduler_address,
            cwd=tmp_path)
    assert r.returncode == 3 and " 0 new, 0 updated" in r.stderr


def test_dask_time_limit_and_errors(tmp_path, cluster):
    root = tmp_path / "c"
    root.mkdir()
    good = sorted(FIX.glob("*.txt"))[:2]
    for f in good:
        shutil.copy(f, root / f.name)
    shutil.copy(good[0], root / "boom.txt")
    shutil.copy(good[0], root / "hang.txt")
    db = tmp_path / "s.duckdb"
    s = ingest(Options(paths=[str(root)], db=str(db), executor="dask", scheduler=cluster.scheduler_address,
                       timeout=1, progress=False), fn=faulty, out=io.StringIO(), err=io.StringIO())
    RELEASE.set()
    assert (s.new, s.failed, s.exit_code) == (2, 2, 3)
    with Store(db, read_only=True) as st:
        fails = {os.path.basename(p): (c, m) for p, c, m in
                 st.con.execute("SELECT path, error_class, message FROM failures").fetchall()}
    assert fails["hang.txt"] == ("Timeout", "timed out after 1 s")
    assert fails["boom.txt"][0] == "ValueError" and str(root / "boom.txt") in fails["boom.txt"][1]


def test_unreachable_scheduler_is_an_executor_error():
    ex = DaskExecutor("tcp://127.0.0.1:9", connect_timeout=1)
    with pytest.raises(ExecutorError, match="cannot use the Dask scheduler"):
        ex.connect()
