"""Every example in README.md runs as shown.

The fenced `sh` blocks are run line by line with bash, in README order, in a
scratch folder that holds the repository's `corpus/` and this environment as
`.venv/` (so `.venv/bin/vanban` is the one under test); the store the README
builds (`vanban.duckdb`) is built there, from corpus/samples, by the README's own
`ingest` line. The fenced `python` blocks run there too. `make` lines are checked
with `make -n` (the recipe exists and parses), and `make demo`'s script is run
for real on a scratch store; `make test` would run this suite again.

Skipped: only lines whose comment says what they need that a test machine has
not got (`# needs ...`), and that list is checked to be exactly the one below.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
NEEDS = re.compile(r"#\s*needs\b(.*)$")

# The only commands that cannot run on a test machine, and why.
SKIPPED = {
    "ingest corpus/samples --db vanban.duckdb --executor dask": "a Dask cluster (tests/test_dask.py runs the executor)",
    "python3 ../shared/eval/score.py": "the annotated dev set, which is not in the repository",
}


def blocks(lang: str) -> list[str]:
    return [body for kind, body in FENCE.findall(README) if kind == lang]


def sh_lines() -> list[str]:
    out = []
    for body in blocks("sh"):
        body = body.replace("\\\n", " ")
        out += [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return out


def _command(line: str) -> str:
    """The line without its trailing comment (shlex knows quotes from `#`)."""
    lex = shlex.shlex(line, posix=False, punctuation_chars=False)
    lex.whitespace_split = True
    lex.commenters = "#"
    return " ".join(lex)


def test_the_skip_list_is_small_and_named():
    marked = [ln for ln in sh_lines() if NEEDS.search(ln)]
    assert len(marked) == len(SKIPPED) <= 3
    for ln in marked:
        assert any(key in ln for key in SKIPPED), ln
    assert sum(1 for ln in sh_lines() if not NEEDS.search(ln)) >= 20     # the rest run, below


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    d = tmp_path_factory.mktemp("readme")
    (d / "corpus").symlink_to(ROOT / "corpus")
    (d / ".venv").symlink_to(Path(sys.prefix))
    assert (d / ".venv" / "bin" / "vanban").exists()
    return d


def _run(cmd: str, cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "VANBAN_OCR": os.environ.get("VANBAN_OCR", "1")}
    return subprocess.run(["bash", "-c", "set -o pipefail; " + cmd], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env, **kw)


def test_every_sh_example_runs(scratch):
    ran = []
    for line in sh_lines():
        if NEEDS.search(line):
            continue
        cmd = _command(line)
        if cmd.startswith("make "):
            target = cmd.split()[1]
            r = _run(f"make -n {target}", ROOT)
            assert r.returncode == 0 and r.stdout.strip(), (line, r.stderr)
            if target == "demo":           # what the recipe runs after the set-up, on a scratch store
                r = _run(f"VANBAN_DB={scratch / 'demo.duckdb'} ./scripts/demo.sh", ROOT)
                assert r.returncode == 0, (line, r.stdout[-2000:], r.stderr[-2000:])
                assert "Most cited documents" in r.stdout and "Luật" in r.stdout
            ran.append(cmd)
            continue
        r = _run(cmd, scratch)
        assert r.returncode == 0, (line, r.stdout[-2000:], r.stderr[-2000:])
        assert "Traceback" not in r.stderr, (line, r.stderr[-2000:])
        assert r.stdout.strip() or r.stderr.strip() or ">" in cmd, line
        ran.append(cmd)
    assert len(ran) >= 20
    # what the examples promise
    assert (scratch / "page.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (scratch / "graph.graphml").stat().st_size > 1000
    assert any((scratch / "out").iterdir())
    r = _run(".venv/bin/vanban graph cites 300/KH-SCT --db vanban.duckdb", scratch)
    assert "is cited by 1 document but is not in the store" in r.stdout


def test_every_python_example_runs(scratch):
    codes = blocks("python")
    assert len(codes) >= 2
    for code in codes:
        r = subprocess.run([sys.executable, "-c", code], cwd=scratch, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (code, r.stderr[-3000:])
        assert r.stdout.strip(), code
