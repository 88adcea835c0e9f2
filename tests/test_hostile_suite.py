"""The generated hostile-input suite (tests/hostile_cases.py), through the real
command line with its limits: `vanban extract --json` on every case at once,
then `vanban ingest` of the folder holding them.

Every case must end as it says (a record, or one clear error naming the file);
none may print a traceback, time out, hit the memory limit or kill a worker,
and nothing may read files a document points at (/etc/passwd)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import hostile_cases as H
from vanban.pipeline.batch import find_documents, shown
from vanban.pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
BAD_ENDINGS = ("timed out after", "memory limit", "the worker process died", "Traceback")


def _env() -> dict[str, str]:
    return dict(os.environ, **H.SUITE_ENV)


def test_the_suite_is_large_enough():
    assert len(H.CASES) >= 100
    assert len({c.name for c in H.CASES}) == len(H.CASES)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return root, H.build(root)


@pytest.fixture(scope="module")
def extracted(built):
    root, cases = built
    r = subprocess.run([sys.executable, "-m", "vanban", "extract", "--json", "--timeout", "60",
                        *[str(p) for _, p in cases]], capture_output=True, env=_env(), cwd=ROOT, timeout=1500)
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    records = {}
    for line in out.splitlines():
        rec = json.loads(line)
        records[rec["source"]["path"]] = line
    return r.returncode, records, err.splitlines()


def test_no_traceback_and_exit_1(extracted):
    code, _, err = extracted
    assert code == 1
    assert not [ln for ln in err if "Traceback" in ln or not ln.startswith("vanban: ")], err[:20]


@pytest.mark.parametrize("case", H.CASES, ids=[c.name for c in H.CASES])
def test_case(built, extracted, case):
    _, cases = built
    path = next(p for c, p in cases if c is case)
    _, records, err = extracted
    name = shown(str(path))
    rec = records.get(name)
    errors = [ln for ln in err if ln.startswith(f"vanban: {name}: ")]
    assert not any(bad in ln for ln in errors for bad in BAD_ENDINGS), errors
    if case.expect == "ok":
        assert rec is not None and not errors, errors
        if case.match:
            assert re.search(case.match, rec), rec[:500]
        if case.warning:
            assert any(re.search(case.warning, w) for w in json.loads(rec)["warnings"]), json.loads(rec)["warnings"]
    elif case.expect == "error":
        assert rec is None and len(errors) == 1, (rec or "")[:300]
        assert re.search(case.match, errors[0]), errors[0]
    else:
        assert (rec is None) != (not errors), (errors, (rec or "")[:300])
    if rec is not None:
        assert "root:x:0:0" not in rec              # no entity or include read a local file


def test_ingest_gives_every_entry_a_row(built, tmp_path):
    """The same files as one folder: each document or problem entry is a row of
    documents or failures; entries that are not documents are listed, not stored."""
    root, cases = built
    db = tmp_path / "s.duckdb"
    r = subprocess.run([sys.executable, "-m", "vanban", "ingest", str(root), "--db", str(db), "--timeout", "60",
                        "--log-json"], capture_output=True, env=_env(), cwd=ROOT, timeout=1500)
    err = r.stderr.decode("utf-8")
    assert r.returncode == 3, err[-3000:]
    assert "Traceback" not in err
    found = find_documents([root])
    with Store(db, read_only=True) as s:
        docs = {p for (p,) in s.con.execute("SELECT path FROM documents").fetchall()}
        fails = dict(s.con.execute("SELECT path, message FROM failures").fetchall())
    want = {shown(p) for p in found.files} | {shown(p) for p, _ in found.problems}
    assert want == docs | fails.keys() and not docs & fails.keys()
    assert not [m for m in fails.values() if any(bad in m for bad in BAD_ENDINGS)]
    # every case's entry is accounted for: a row, listed as not a document, or a folder walked
    listed = {shown(p) for p, _ in found.skipped}
    for case, path in cases:
        if path.is_dir() and not path.is_symlink():
            continue
        assert shown(str(path)) in want | listed, case.name
    summary = json.loads(r.stdout.decode("utf-8").splitlines()[-1])
    assert summary["event"] == "summary" and summary["not_documents"] == len(found.skipped)
