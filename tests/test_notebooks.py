"""Both notebooks run top to bottom, with a kernel from this virtual
environment, on a store built from corpus/samples and the analysis fixtures,
and save their charts under notebooks/output/. Those PNGs are not tracked
(.gitignore): this run makes them afresh, so they always show what the
notebooks compute now."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import ipykernel  # noqa: F401  (the set-up installs the notebooks extra: missing is a failure, not a skip)
import matplotlib  # noqa: F401
import nbclient
import nbformat
import pytest

from vanban.pipeline.batch import Options, ingest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "vanban-test-venv"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("notebooks")
    db = tmp / "corpus.duckdb"
    summary = ingest(Options(paths=[str(ROOT / "corpus" / "samples"), str(ROOT / "tests" / "fixtures" / "analysis")],
                             db=str(db), workers=2, progress=False))
    assert summary.failed == 0 and summary.new >= 25, summary
    # A kernel spec that runs this interpreter, whatever else is installed.
    spec = tmp / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "vanban test", "language": "python"}))
    out = NOTEBOOKS / "output"
    for old in out.glob("*.png"):           # what is there afterwards is this run's
        old.unlink()
    return {"db": db, "out": out, "jupyter": tmp / "jupyter"}


def run(name: str, env, monkeypatch) -> "nbformat.NotebookNode":
    monkeypatch.setenv("JUPYTER_PATH", str(env["jupyter"]))
    monkeypatch.setenv("VANBAN_DB", str(env["db"]))
    monkeypatch.setenv("VANBAN_NOTEBOOK_OUTPUT", str(env["out"]))
    monkeypatch.delenv("VANBAN_INDICATOR", raising=False)
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


def printed(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "stream")


def is_png(p: Path) -> bool:
    return p.exists() and p.stat().st_size > 10_000 and p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_charts_are_not_tracked():
    import subprocess

    tracked = subprocess.run(["git", "ls-files", "notebooks/output"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode == 0:             # (a source tree without git has nothing to check)
        assert tracked.stdout.strip() == ""
    assert "/notebooks/output/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_cross_province_targets_notebook(env, monkeypatch):
    nb = run("cross_province_targets", env, monkeypatch)
    text = printed(nb)
    assert "export_turnover" in text and "Vĩnh Long" in text and "Phú Thọ" in text
    assert is_png(env["out"] / "targets_export_turnover.png")
    # The provenance cell prints the figure from the source text.
    assert "1.750 triệu USD" in text


def test_citation_graph_notebook(env, monkeypatch):
    nb = run("citation_graph", env, monkeypatch)
    text = printed(nb)
    assert "Nghị định 13/2023/NĐ-CP" in text
    assert is_png(env["out"] / "citation_graph_top.png")
