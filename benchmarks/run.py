#!/usr/bin/env python
"""vanban's benchmark: one command, one run, ratios against baselines run in the
same process on the same inputs (see benchmarks/README.md).

    .venv/bin/python benchmarks/run.py            # the full run (make bench)
    .venv/bin/python benchmarks/run.py --quick    # a small run (the test uses it)

What it measures, in this order:
1. text documents (benchmarks/corpus/text): chars/s and docs/s of the whole
   pipeline (`extract_file`: read, clean, every extractor), interleaved document
   by document with `dateparser.search_dates` and `underthesea.ner` on the same
   texts; the ratios are ours / theirs;
2. text-layer PDFs (benchmarks/corpus/pdf): pages/s of the whole pipeline
   against pdfplumber's `extract_text` on every page alone;
3. the share of the pipeline's time per stage (read, clean, the extractors),
   and the linear-time check: one text of n and one of 8n characters, each
   extracted whole in a fresh process (CPU time and peak memory);
4. `vanban ingest` of N documents (default 10,000, made by replicating the text
   corpus with varied file names and document numbers, or the folder --corpus)
   on all cores, at N/10 and N: docs/s, the unchanged rerun's time, and peak RSS
   of the ingest's processes;
5. the extraction counts of every document compared with the previous saved
   result (gains and losses).
Results: benchmarks/results/{full,quick}.json and .png (--out DIR elsewhere).
The parts live beside this file: bench_ingest.py (4), bench_report.py (5, the
goals, report and chart), bench_common.py (what they share).
`--diff OLD.json NEW.json` prints the gains and losses between two results.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(ROOT), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from bench_common import (DATEPARSER_LANGUAGES, GOALS, KINDS, QUICK_PDFS, QUICK_TEXTS, SCHEMA_VERSION,  # noqa: E402
                          STAGES, log, now)
from bench_ingest import bench_ingest  # noqa: E402
from bench_linear import bench_linear  # noqa: E402
from bench_report import chart, check_goals, diff_results, format_diff, report  # noqa: E402,F401

# ---------------------------------------------------------------------------
# 1. text documents against dateparser and underthesea

def bench_text(paths: list[Path]) -> dict[str, Any]:
    from dateparser.search import search_dates
    import underthesea

    from vanban.pipeline.extract import components, extract_file

    # Load every tool once before any clock starts (models, rule data, imports).
    components()
    extract_file(paths[0])
    search_dates("Ngày 23 tháng 01 năm 2024", languages=DATEPARSER_LANGUAGES)
    underthesea.ner("Ủy ban nhân dân tỉnh Bến Tre")

    timings: dict[str, float] = {}
    docs: dict[str, Any] = {}
    tot = {"vanban": 0.0, "dateparser": 0.0, "underthesea_ner": 0.0}
    found = {"dateparser_dates": 0, "underthesea_entity_tokens": 0}
    chars = 0
    for p in paths:
        text = p.read_text(encoding="utf-8")
        lines = [ln for ln in text.splitlines() if ln.strip()]
        # The three run one after another on each document, so a change in the
        # machine's load falls on all of them alike.
        t0 = now()
        ex = extract_file(p, timings=timings)
        t_v = now() - t0
        t0 = now()
        dp = search_dates(text, languages=DATEPARSER_LANGUAGES) or []
        t_d = now() - t0
        t0 = now()
        ents = 0
        for ln in lines:       # a sentence-level tagger: one call per line (the whole text at once is far slower)
            ents += sum(1 for tok in underthesea.ner(ln) if tok[-1] != "O")
        t_u = now() - t0
        chars += len(text)
        tot["vanban"] += t_v
        tot["dateparser"] += t_d
        tot["underthesea_ner"] += t_u
        found["dateparser_dates"] += len(dp)
        found["underthesea_entity_tokens"] += ents
        docs[p.name] = {"format": "txt", "chars": len(text), "seconds": round(t_v, 5),
                        "counts": {k: len(getattr(ex, k)) for k in KINDS},
                        "baseline_seconds": {"dateparser": round(t_d, 5), "underthesea_ner": round(t_u, 5)}}
    n = len(paths)
    # The date grammar runs inside the first component that asks for the dates
    # (commemorations; citations use it on short spans too) and its result is
    # cached, so the "dates" stage is tiny: time it alone on the same texts.
    grammar = None
    try:
        from vanban.extractors.datefind import find_dates
        from vanban.pipeline.extract import text_of
        cleaned = [text_of(p) for p in paths]
        t0 = now()
        for t in cleaned:
            find_dates(t)
        grammar = round(now() - t0, 4)
    except ImportError:
        pass
    rates = {k: {"seconds": round(v, 4), "chars_per_s": round(chars / v, 1), "docs_per_s": round(n / v, 3)}
             for k, v in tot.items()}
    return {
        "docs": n, "chars": chars, "rates": rates,
        "ratios": {"vs_dateparser": round(tot["dateparser"] / tot["vanban"], 2),
                   "vs_underthesea_ner": round(tot["underthesea_ner"] / tot["vanban"], 2)},
        "baseline_found": found, "timings": timings, "documents": docs, "date_grammar_seconds": grammar,
        "baselines": {"dateparser": f"dateparser.search.search_dates(text, languages={DATEPARSER_LANGUAGES}) "
                                    f"(dateparser {_version('dateparser')})",
                      "underthesea_ner": f"underthesea.ner(line) for every non-blank line (underthesea "
                                         f"{_version('underthesea')}, its bundled CRF model, offline)"},
    }


# ---------------------------------------------------------------------------
# 2. text-layer PDFs against pdfplumber

def bench_pdf(paths: list[Path]) -> dict[str, Any]:
    import pdfplumber

    from vanban.pipeline.extract import extract_file

    def plumb(p: Path) -> tuple[int, int]:
        with pdfplumber.open(p) as pdf:
            return len(pdf.pages), sum(len(pg.extract_text() or "") for pg in pdf.pages)

    extract_file(paths[0])
    plumb(paths[0])
    timings: dict[str, float] = {}
    docs: dict[str, Any] = {}
    tot_v = tot_p = 0.0
    pages = 0
    for p in paths:
        t0 = now()
        ex = extract_file(p, timings=timings)
        t_v = now() - t0
        t0 = now()
        n_pages, n_chars = plumb(p)
        t_p = now() - t0
        tot_v += t_v
        tot_p += t_p
        pages += n_pages
        docs[p.name] = {"format": "pdf", "pages": n_pages, "chars": n_chars,
                        "seconds": round(t_v, 5), "ocr_pages": list(ex.source.ocr_pages or []),
                        "counts": {k: len(getattr(ex, k)) for k in KINDS},
                        "baseline_seconds": {"pdfplumber_extract_text": round(t_p, 5)},
                        "warnings": [w for w in ex.warnings if "OCR" in w or "scan" in w]}
    return {
        "docs": len(paths), "pages": pages,
        "rates": {"vanban": {"seconds": round(tot_v, 4), "pages_per_s": round(pages / tot_v, 2)},
                  "pdfplumber_extract_text": {"seconds": round(tot_p, 4), "pages_per_s": round(pages / tot_p, 2)}},
        "ratios": {"vs_pdfplumber": round(tot_p / tot_v, 2)},
        "timings": timings, "documents": docs,
        "baselines": {"pdfplumber_extract_text": f"pdfplumber.open(f); page.extract_text() for every page "
                                                 f"(pdfplumber {_version('pdfplumber')})"},
    }


def stage_shares(timings: dict[str, float], total: float) -> dict[str, Any]:
    """Seconds and share of the pipeline's wall time per stage; 'other' is what no
    stage clock covers (hashing the file, building the result models)."""
    out = {k: {"seconds": round(timings.get(k, 0.0), 4), "share": round(timings.get(k, 0.0) / total, 4)}
           for k in STAGES}
    for k, v in timings.items():
        if k not in out:
            out[k] = {"seconds": round(v, 4), "share": round(v / total, 4)}
    other = max(0.0, total - sum(timings.values()))
    out["other"] = {"seconds": round(other, 4), "share": round(other / total, 4)}
    return out


# ---------------------------------------------------------------------------

def _version(pkg: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "?"


def _commit() -> str | None:
    try:
        r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                           timeout=10)
        return r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def profile_text(paths: list[Path], out: Path) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        log("  --profile needs pyinstrument (.venv/bin/pip install pyinstrument): skipped")
        return
    from vanban.pipeline.extract import extract_file
    prof = Profiler(interval=0.0005)
    prof.start()
    for p in paths:
        extract_file(p)
    prof.stop()
    out.write_text(prof.output_text(unicode=True, color=False), encoding="utf-8")
    log(f"  profile of the text pass: {out}")


def snapshot_code(dest: Path) -> Path:
    """Copy the code the pipeline runs into `dest`, laid out as the installed
    package is: `dest/vanban/` holds the package root (vanban/) and its
    subpackages (pipeline/, extractors/, schemas/ of the repository). With
    `dest` first on sys.path, `import vanban` takes this copy."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "vanban", dest / "vanban", ignore=ignore)
    for pkg in ("pipeline", "extractors", "schemas"):
        shutil.copytree(ROOT / pkg, dest / "vanban" / pkg, ignore=ignore)
    return dest


def _check_snapshot(src: Path) -> None:
    """The measured code is the copy, not the working tree (an editable install
    maps `vanban` to the tree; the copy must come first)."""
    import vanban.pipeline.extract as e

    if not Path(e.__file__).resolve().is_relative_to(src.resolve()):
        raise RuntimeError(f"the benchmark would measure {e.__file__}, not its snapshot in {src}")


def run_all(a: argparse.Namespace, mode: str, texts: list[Path], pdfs: list[Path], n: int, work: Path,
            src: Path) -> dict[str, Any]:
    _check_snapshot(src)
    from vanban.pipeline.batch import default_workers
    from vanban.pipeline.extract import EXTRACTOR_VERSION

    workers = a.workers or default_workers()
    res: dict[str, Any] = {
        "schema": SCHEMA_VERSION, "mode": mode, "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "commit": _commit(), "tree_changed": _tree_changed(), "extractor_version": EXTRACTOR_VERSION,
        "machine": {"cpus": os.cpu_count(), "cpu": _cpu_model(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_before": _load()},
        "goals_definition": GOALS,
    }
    t_start = now()
    log(f"text documents: {len(texts)} from {a.texts} (vanban, dateparser, underthesea.ner) ...")
    res["text"] = bench_text(texts)
    res["stages_text"] = stage_shares(res["text"].pop("timings"), res["text"]["rates"]["vanban"]["seconds"])
    if pdfs:
        log(f"text-layer PDFs: {len(pdfs)} from {a.pdfs} (vanban, pdfplumber) ...")
        res["pdf"] = bench_pdf(pdfs)
        res["stages_pdf"] = stage_shares(res["pdf"].pop("timings"), res["pdf"]["rates"]["vanban"]["seconds"])
    if a.profile:
        profile_text(texts, a.out / f"profile-{mode}.txt")
    base = a.linear_base or (20_000 if mode == "quick" else 100_000)
    log(f"linear time: the whole pipeline on one text of {base:,} and {8 * base:,} characters ...")
    res["linear"] = bench_linear(texts, work, src, base, factor=8, runs=1 if mode == "quick" else 3)
    res["documents"] = {**res["text"].pop("documents"), **(res["pdf"].pop("documents") if pdfs else {})}
    if not a.no_ingest:
        sizes = sorted({max(1, n // 10), n})
        log(f"ingest: N = {', '.join(map(str, sizes))} ...")
        res["ingest"] = bench_ingest(sizes, workers, work, a.corpus, sorted(a.texts.glob("*.txt")), src)
    res["machine"]["load_after"] = _load()
    res["goals"] = check_goals(res)
    res["seconds"] = round(now() - t_start, 1)
    return res


def _tree_changed() -> list[str] | None:
    """Files of the pipeline that differ from the commit (git status, read only)."""
    try:
        r = subprocess.run(["git", "status", "--porcelain", "--", "vanban", "pipeline", "extractors", "schemas"], cwd=ROOT,
                           capture_output=True, text=True, timeout=10)
        return [ln[3:] for ln in r.stdout.splitlines()] if r.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a few documents and a small ingest (about 10 s)")
    ap.add_argument("--n", type=int, default=None, help="documents to ingest (default 10000; --quick 60); "
                                                        "N/10 is ingested too, to show memory is flat")
    ap.add_argument("--corpus", type=Path, default=None, help="ingest this folder instead of the replicated corpus")
    ap.add_argument("--texts", type=Path, default=HERE / "corpus" / "text", help="text documents (default %(default)s)")
    ap.add_argument("--pdfs", type=Path, default=HERE / "corpus" / "pdf", help="text-layer PDFs (default %(default)s)")
    ap.add_argument("--workers", type=int, default=0, help="ingest workers (default: one per core)")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="where results go (default %(default)s)")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="the result to compare counts with (default: the previous OUT/{full,quick}.json)")
    ap.add_argument("--no-ingest", action="store_true", help="skip the ingest part")
    ap.add_argument("--linear-base", type=int, default=None,
                    help="the smaller text of the linear-time check, in characters (default 100,000; --quick 20,000)")
    ap.add_argument("--profile", action="store_true", help="also write a pyinstrument profile of the text pass")
    ap.add_argument("--workdir", type=Path, default=None, help="where the ingest's documents and stores go "
                                                               "(default: a temporary folder, removed after)")
    ap.add_argument("--diff", nargs=2, type=Path, metavar=("OLD", "NEW"),
                    help="only print the gains and losses between two saved results")
    a = ap.parse_args(argv)

    if a.diff:
        old, new = (json.loads(p.read_text(encoding="utf-8")) for p in a.diff)
        d = diff_results(old, new)
        log("\n".join(format_diff(d)))
        return 0

    missing = [m for m in ("dateparser", "underthesea", "pdfplumber", "matplotlib", "psutil")
               if importlib.util.find_spec(m) is None]
    if missing:
        log(f"the benchmark needs {', '.join(missing)}: .venv/bin/pip install -e '.[baselines,notebooks]'")
        return 2
    # The PDFs here all have a text layer: nothing may be OCR'd (a page that would be
    # is reported in the result, not silently timed with tesseract).
    os.environ.setdefault("VANBAN_OCR", "0")
    mode = "quick" if a.quick else "full"
    texts = sorted(a.texts.glob("*.txt"))
    pdfs = sorted(a.pdfs.glob("*.pdf"))
    if a.quick:
        texts = [p for p in texts if p.name in QUICK_TEXTS] or texts[:5]
        pdfs = [p for p in pdfs if p.name in QUICK_PDFS] or pdfs[:1]
    if not texts:
        log(f"no text documents in {a.texts}")
        return 2
    n = a.n if a.n is not None else (60 if a.quick else 10_000)
    a.out.mkdir(parents=True, exist_ok=True)
    json_path, png_path = a.out / f"{mode}.json", a.out / f"{mode}.png"
    baseline_path = a.baseline or json_path
    previous = json.loads(baseline_path.read_text(encoding="utf-8")) if baseline_path.exists() else None

    work = Path(tempfile.mkdtemp(prefix="vanban-bench-", dir=a.workdir))
    try:
        # Everything runs the code as it is now, copied: an edit made to the tree
        # during the run (it is shared) cannot change what is measured halfway,
        # nor make the "unchanged" rerun re-extract (the extractor version is a
        # digest of the code).
        src = snapshot_code(work / "src")
        sys.path.insert(0, str(src))
        res = run_all(a, mode, texts, pdfs, n, work, src)
    finally:
        if a.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    if previous is not None:
        res["changes"] = diff_results(previous, res)
    json_path.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    chart(res, png_path)
    log("")
    log("\n".join(report(res)))
    log(f"\nresults: {json_path}  chart: {png_path}  ({res['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
