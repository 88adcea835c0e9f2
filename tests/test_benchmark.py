"""The benchmark command runs (`benchmarks/run.py --quick`), writes its JSON and
chart, and reports per-document gains and losses. No timing is asserted: the
numbers are the benchmark's output, not a test's."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "benchmarks" / "run.py"
KINDS = ("citations", "dates", "commemorations", "targets", "signatories")

import dateparser  # noqa: E402,F401  (`make test` installs the baselines: missing is a failure)
import matplotlib  # noqa: E402,F401
import pdfplumber  # noqa: E402,F401
import underthesea  # noqa: E402,F401


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RUN), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    r = _run("--quick", "--n", "20", "--out", str(out))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out, r.stdout


def test_quick_run_writes_result_and_chart(quick):
    out, stdout = quick
    res = json.loads((out / "quick.json").read_text(encoding="utf-8"))
    png = (out / "quick.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert res["mode"] == "quick" and res["schema"] == 1
    t = res["text"]
    assert t["docs"] > 0 and t["chars"] > 0
    for tool in ("vanban", "dateparser", "underthesea_ner"):
        assert set(t["rates"][tool]) == {"seconds", "chars_per_s", "docs_per_s"}
        assert t["rates"][tool]["seconds"] > 0
    assert set(t["ratios"]) == {"vs_dateparser", "vs_underthesea_ner"}
    assert res["pdf"]["pages"] > 0 and set(res["pdf"]["ratios"]) == {"vs_pdfplumber"}
    stages = res["stages_text"]
    for k in ("read", "clean", "metadata", "citations", "commemorations", "dates", "targets", "signatories", "other"):
        assert 0 <= stages[k]["share"] <= 1
    assert abs(sum(v["share"] for v in stages.values()) - 1) < 0.02
    runs = res["ingest"]["runs"]
    assert [r["n"] for r in runs] == [2, 20]
    for r in runs:
        assert r["first"]["new"] == r["n"] and r["first"]["failed"] == 0
        assert r["rerun"]["skipped"] == r["n"] and r["rerun"]["new"] == 0
        assert r["first"]["peak_rss_total_mb"] > 0 and r["rerun_percent"] > 0
    lin = res["linear"]
    assert lin["factor"] == 8 and lin["large"]["chars"] >= 8 * lin["small"]["chars"] > 0
    for k in ("small", "large"):
        assert lin[k]["cpu_seconds"] > 0 and lin[k]["peak_rss_mb"] >= lin[k]["rss_before_mb"] > 0
        assert lin[k]["items"] > 0                      # the text is real: the extractors find things in it
    assert lin["time_ratio"] > 0 and "linear time" in stdout
    goals = {g["goal"] for g in res["goals"]}
    assert any("underthesea" in g for g in goals) and any("RSS" in g for g in goals)
    assert any("linear time" in g for g in goals) and any("one core" in g for g in goals)
    docs = res["documents"]
    assert len(docs) == t["docs"] + res["pdf"]["docs"]
    for d in docs.values():
        assert set(d["counts"]) == set(KINDS)
    assert "changes" not in res                       # nothing earlier in an empty folder
    assert "no previous result" in stdout and "goals:" in stdout


def test_gains_and_losses_against_a_previous_result(quick, tmp_path):
    out, _ = quick
    new = json.loads((out / "quick.json").read_text(encoding="utf-8"))
    old = json.loads(json.dumps(new))
    name = sorted(old["documents"])[0]
    counts = old["documents"][name]["counts"]
    counts["citations"] += 2                           # the new result lost two citations here ...
    gained_date = counts["dates"] > 0
    if gained_date:
        counts["dates"] -= 1                           # ... and gained a date
    old["documents"]["gone.txt"] = {"format": "txt", "counts": {k: 1 for k in KINDS}}
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")

    r = _run("--diff", str(tmp_path / "old.json"), str(out / "quick.json"))
    assert r.returncode == 0, r.stderr
    assert "-2 citations" in r.stdout and name in r.stdout
    assert "documents removed: gone.txt" in r.stdout
    if gained_date:
        assert "+1 dates" in r.stdout

    # The library function behind it, as the full run stores it.
    spec = importlib.util.spec_from_file_location("vanban_benchmark_run", RUN)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    d = bench.diff_results(old, new)
    assert d["totals"]["citations"] == {"gained": 0, "lost": 2}
    assert d["documents_removed"] == ["gone.txt"]
    assert {c["document"] for c in d["changes"]} == {name}
    assert bench.diff_results(new, new)["changes"] == []
