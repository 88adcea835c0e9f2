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
3. the share of the pipeline's time per stage (read, clean, the extractors);
4. `vanban ingest` of N documents (default 10,000, made by replicating the text
   corpus with varied file names and document numbers, or the folder --corpus)
   on all cores, at N/10 and N: docs/s, the unchanged rerun's time, and peak RSS
   of the ingest's processes;
5. the extraction counts of every document compared with the previous saved
   result (gains and losses).
Results: benchmarks/results/{full,quick}.json and .png (--out DIR elsewhere).
`--diff OLD.json NEW.json` prints the gains and losses between two results.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCHEMA_VERSION = 1
KINDS = ("citations", "dates", "commemorations", "targets", "signatories")
STAGES = ("read", "clean", "metadata", "citations", "commemorations", "dates", "targets", "signatories")
DATEPARSER_LANGUAGES = ["vi"]
GOALS = {
    "text_vs_underthesea_ner": 100.0,      # chars/s ratio, at least
    "text_vs_dateparser": 30.0,            # chars/s ratio, at least
    "pdf_vs_pdfplumber": 10.0,             # pages/s ratio, at least
    "ingest_10k_seconds_2_cores": 300.0,   # at most
    "rerun_percent": 2.0,                  # at most
    "peak_rss_mb": 1024.0,                 # at most
    "rss_growth": 1.2,                     # peak RSS at N / at N/10, at most ("flat")
}
# --quick: a few small documents and a small ingest, for the test suite.
QUICK_TEXTS = ("seed_000.txt", "seed_004.txt", "135_news-binh-dinh-ky-niem-50-nam-giai-phong-mien-nam.txt",
               "140_news-binh-dinh-thu-hut-36-du-an-dau-tu.txt", "026_nghi-quyet-36-2025-nq-hdnd-hdnd-tp-hue.txt")
QUICK_PDFS = ("073_to-trinh-124-ttr-snv-ke-hoach-thi-dua-cchc-2026.pdf",)


def now() -> float:
    return time.perf_counter()


def log(msg: str = "") -> None:
    print(msg, flush=True)


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
# 4. ingest

# A document number before its symbol: "172/KH-UBND", "36/2025/NQ-HĐND" (not a date).
_NUMBER = re.compile(r"(?<![\d/.])(\d{1,5})(/(?:\d{4}/)?[A-ZĐ])")


def make_corpus(sources: list[Path], n: int, dest: Path) -> int:
    """N documents from the sources: copy k of a source has its document numbers
    shifted by 37*k and a name of its own, in one folder per (made-up) province.
    Returns the bytes written."""
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sources]
    total = 0
    for i in range(n):
        stem, text = texts[i % len(texts)]
        k = i // len(texts)
        if k:
            text = _NUMBER.sub(lambda m: f"{(int(m.group(1)) + 37 * k) % 99999 + 1}{m.group(2)}", text)
        folder = dest / f"tinh-{i % 63:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (folder / f"{i:06d}-{stem[:48]}-ban-{k}.txt").write_bytes(data)
        total += len(data)
    return total


def link_subset(files: list[Path], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(files):
        os.symlink(f, dest / f"{i:06d}-{f.name}")


class RssSampler:
    """Peak RSS of a process and its children (the ingest writer and its workers),
    sampled every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.1):
        import psutil
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_total = self.peak_main = self.peak_worker = 0
        self.max_procs = 0
        self.cpu: dict[int, float] = {}      # pid -> user + system seconds, last seen
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        import psutil
        while not self._stop.is_set():
            try:
                main = self.proc.memory_info().rss
                self._cpu(self.proc)
                kids = []
                for c in self.proc.children(recursive=True):
                    try:
                        kids.append(c.memory_info().rss)
                        self._cpu(c)
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak_main = max(self.peak_main, main)
            self.peak_worker = max([self.peak_worker, *kids])
            self.peak_total = max(self.peak_total, main + sum(kids))
            self.max_procs = max(self.max_procs, 1 + len(kids))
            self._stop.wait(self.interval)

    def _cpu(self, p) -> None:
        t = p.cpu_times()
        self.cpu[p.pid] = t.user + t.system

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        self._t.join()
        mb = 1 << 20
        return {"peak_rss_total_mb": round(self.peak_total / mb, 1), "peak_rss_writer_mb": round(self.peak_main / mb, 1),
                "peak_rss_worker_mb": round(self.peak_worker / mb, 1), "processes": self.max_procs,
                # as last sampled (up to 0.1 s short): the writer's share of the CPU time
                "cpu_seconds_writer": round(self.cpu.get(self.proc.pid, 0.0), 2)}


def run_ingest(folder: Path, db: Path, workers: int, src: Path) -> dict[str, Any]:
    """`vanban ingest FOLDER --db DB --workers W` in a subprocess, running the code
    in `src`: wall time, the run's own summary and the peak RSS of its processes."""
    cmd = [sys.executable, "-m", "vanban", "ingest", str(folder), "--db", str(db), "--workers", str(workers),
           "--no-progress", "--log-json", "--timeout", "600"]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = now()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    proc = subprocess.Popen(cmd, cwd=src, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = RssSampler(proc.pid)
    out, err = proc.communicate()
    wall = now() - t0
    mem = sampler.stop()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of the ingest and every worker it waited for: what the run cost,
    # whatever else the machine was doing meanwhile.
    mem["cpu_seconds"] = round(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, 2)
    summary = {}
    for line in reversed(out.splitlines()):
        if line.startswith('{"event": "summary"'):
            summary = json.loads(line)
            break
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"ingest failed ({proc.returncode}): {err[-2000:]}")
    return {"wall_seconds": round(wall, 3), "ingest_seconds": summary.get("seconds"),
            "new": summary.get("new"), "skipped": summary.get("skipped"), "failed": summary.get("failed"),
            "files": summary.get("files"), **mem}


def bench_ingest(sizes: list[int], workers: int, work: Path, corpus: Path | None,
                 sources: list[Path], src: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"workers": workers, "source": str(corpus) if corpus else "replicated text corpus",
                           "runs": []}
    given: list[Path] = []
    if corpus is not None:
        from vanban.pipeline.batch import discover
        given = [Path(p) for p in discover([corpus])]
        sizes = sorted({max(1, len(given) // 10), len(given)})
    for n in sizes:
        folder = work / f"docs-{n}"
        t0 = now()
        if corpus is not None and n == len(given):
            folder, nbytes = corpus, sum(p.stat().st_size for p in given)
        elif corpus is not None:
            link_subset(given[:n], folder)
            nbytes = sum(p.stat().st_size for p in given[:n])
        else:
            nbytes = make_corpus(sources, n, folder)
        made = now() - t0
        db = work / f"store-{n}.duckdb"
        log(f"  ingest of {n} documents ({nbytes / 1e6:.1f} MB, made in {made:.1f} s) with {workers} workers ...")
        first = run_ingest(folder, db, workers, src)
        log(f"    first: {first['wall_seconds']:.1f} s, {n / first['wall_seconds']:.1f} docs/s, "
            f"peak RSS {first['peak_rss_total_mb']:.0f} MB; unchanged rerun ...")
        rerun = run_ingest(folder, db, workers, src)
        if rerun["skipped"] != first["new"]:
            out.setdefault("warnings", []).append(
                f"N={n}: the rerun extracted {rerun['new']} new, {rerun['files'] - rerun['skipped']} not skipped: "
                "not an unchanged rerun")
        out["runs"].append({
            "n": n, "bytes": nbytes, "first": first, "rerun": rerun,
            "docs_per_s": round(n / first["wall_seconds"], 2),
            "cpu_ms_per_doc": round(1000 * first["cpu_seconds"] / n, 2),
            # what `workers` idle cores would take, were the CPU time spread evenly on them
            "cpu_bound_seconds": round(first["cpu_seconds"] / workers, 1),
            "rerun_percent": round(100 * rerun["wall_seconds"] / first["wall_seconds"], 3),
            "db_mb": round(db.stat().st_size / 1e6, 1) if db.exists() else None,
        })
    return out


# ---------------------------------------------------------------------------
# 5. gains and losses against the previous result

def diff_results(prev: dict[str, Any], cur: dict[str, Any]) -> dict[str, Any]:
    """Per-document changes of the extraction counts between two saved results."""
    pd, cd = prev.get("documents", {}), cur.get("documents", {})
    changes = []
    totals = {k: {"gained": 0, "lost": 0} for k in KINDS}
    for name in sorted(set(pd) & set(cd)):
        a, b = pd[name].get("counts", {}), cd[name].get("counts", {})
        for k in KINDS:
            d = b.get(k, 0) - a.get(k, 0)
            if d:
                changes.append({"document": name, "kind": k, "before": a.get(k, 0), "after": b.get(k, 0)})
                totals[k]["gained" if d > 0 else "lost"] += abs(d)
    out: dict[str, Any] = {
        "previous": {"started": prev.get("started"), "commit": prev.get("commit"),
                     "extractor_version": prev.get("extractor_version")},
        "documents_compared": len(set(pd) & set(cd)),
        "documents_added": sorted(set(cd) - set(pd)), "documents_removed": sorted(set(pd) - set(cd)),
        "changes": changes, "totals": totals,
    }
    speed = {}
    for key, path in (("text_chars_per_s", ("text", "rates", "vanban", "chars_per_s")),
                      ("pdf_pages_per_s", ("pdf", "rates", "vanban", "pages_per_s"))):
        a, b = _get(prev, path), _get(cur, path)
        if a and b:
            speed[key] = {"before": a, "after": b, "ratio": round(b / a, 3)}
    out["speed"] = speed
    return out


def format_diff(d: dict[str, Any]) -> list[str]:
    prev = d["previous"]
    lines = [f"gains and losses against the result of {prev.get('started')} (commit {prev.get('commit')}, "
             f"extractor {prev.get('extractor_version')}): {d['documents_compared']} documents compared"]
    if not d["changes"]:
        lines.append("  no document gained or lost an item")
    for c in d["changes"]:
        delta = c["after"] - c["before"]
        lines.append(f"  {'+' if delta > 0 else '-'}{abs(delta)} {c['kind']:<15} {c['document']} "
                     f"({c['before']} -> {c['after']})")
    tot = ", ".join(f"{k} +{v['gained']}/-{v['lost']}" for k, v in d["totals"].items() if v["gained"] or v["lost"])
    if tot:
        lines.append(f"  totals: {tot}")
    for what in ("added", "removed"):
        if d[f"documents_{what}"]:
            lines.append(f"  documents {what}: {', '.join(d[f'documents_{what}'])}")
    for k, v in d.get("speed", {}).items():
        lines.append(f"  {k}: {v['before']:,.0f} -> {v['after']:,.0f} (x{v['ratio']})")
    return lines


def _get(d: dict, path: tuple[str, ...]) -> Any:
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


# ---------------------------------------------------------------------------
# goals, report, chart

def check_goals(res: dict[str, Any]) -> list[dict[str, Any]]:
    g = []

    def add(name: str, value, target, ok, note: str = "") -> None:
        g.append({"goal": name, "value": value, "target": target, "met": bool(ok), "note": note})

    r = res["text"]["ratios"]
    add("whole extraction vs underthesea.ner, chars/s", r["vs_underthesea_ner"], f">= {GOALS['text_vs_underthesea_ner']:g}x",
        r["vs_underthesea_ner"] >= GOALS["text_vs_underthesea_ner"])
    add("whole extraction vs dateparser.search_dates, chars/s", r["vs_dateparser"], f">= {GOALS['text_vs_dateparser']:g}x",
        r["vs_dateparser"] >= GOALS["text_vs_dateparser"])
    if res.get("pdf"):
        v = res["pdf"]["ratios"]["vs_pdfplumber"]
        add("text-layer PDFs vs pdfplumber extract_text, pages/s", v, f">= {GOALS['pdf_vs_pdfplumber']:g}x",
            v >= GOALS["pdf_vs_pdfplumber"])
    runs = (res.get("ingest") or {}).get("runs") or []
    if runs:
        big, small = runs[-1], runs[0]
        secs = 10_000 / big["docs_per_s"]
        cores = res["ingest"]["workers"]
        note = "" if big["n"] == 10_000 else f"projected from N={big['n']} at {big['docs_per_s']} docs/s"
        if cores != 2:
            note = (note + "; " if note else "") + f"on {cores} workers, not 2"
        add("10,000 text documents ingested, seconds", round(secs, 1), f"< {GOALS['ingest_10k_seconds_2_cores']:g} s",
            secs < GOALS["ingest_10k_seconds_2_cores"], note)
        add("unchanged rerun, % of the first run", big["rerun_percent"], f"< {GOALS['rerun_percent']:g} %",
            big["rerun_percent"] < GOALS["rerun_percent"], f"N={big['n']}")
        peak = max(x["first"]["peak_rss_total_mb"] for x in runs)
        add("peak RSS of the ingest (writer + workers), MB", peak, f"< {GOALS['peak_rss_mb']:g} MB",
            peak < GOALS["peak_rss_mb"])
        if len(runs) > 1:
            growth = round(big["first"]["peak_rss_total_mb"] / small["first"]["peak_rss_total_mb"], 3)
            add(f"peak RSS flat in N (N={big['n']} / N={small['n']})", growth, f"<= {GOALS['rss_growth']:g}",
                growth <= GOALS["rss_growth"])
    return g


def report(res: dict[str, Any]) -> list[str]:
    t = res["text"]
    L = [f"vanban benchmark ({res['mode']}) {res['started']}  commit {res['commit']}  "
         f"extractor {res['extractor_version']}"
         + (f" (uncommitted changes: {', '.join(res['tree_changed'])})" if res.get("tree_changed") else ""),
         f"machine: {res['machine']['cpus']} cores ({res['machine']['cpu']}), Python {res['machine']['python']}, "
         f"load average {res['machine']['load_before']} before, {res['machine']['load_after']} after",
         "",
         f"text documents: {t['docs']} documents, {t['chars']:,} chars (one pass each, interleaved per document)"]
    for k, v in t["rates"].items():
        L.append(f"  {k:<16} {v['chars_per_s']:>12,.0f} chars/s {v['docs_per_s']:>9.2f} docs/s {v['seconds']:>9.2f} s")
    L.append(f"  ratio: whole extraction = {t['ratios']['vs_underthesea_ner']:.1f}x underthesea.ner, "
             f"{t['ratios']['vs_dateparser']:.1f}x dateparser.search_dates (chars/s)")
    if res.get("pdf"):
        p = res["pdf"]
        L += ["", f"text-layer PDFs: {p['docs']} files, {p['pages']} pages"]
        for k, v in p["rates"].items():
            L.append(f"  {k:<24} {v['pages_per_s']:>8.1f} pages/s {v['seconds']:>8.2f} s")
        L.append(f"  ratio: whole extraction = {p['ratios']['vs_pdfplumber']:.1f}x pdfplumber extract_text (pages/s)")
        ocr = [n for n, d in res["documents"].items() if d["format"] == "pdf" and (d["ocr_pages"] or d["warnings"])]
        if ocr:
            L.append(f"  note: pages without a usable text layer in {', '.join(ocr)}")
    for label, key in (("text", "stages_text"), ("PDF", "stages_pdf")):
        if res.get(key):
            L += ["", f"share of the pipeline's time per stage ({label}):"]
            for k, v in sorted(res[key].items(), key=lambda kv: -kv[1]["seconds"]):
                L.append(f"  {k:<15} {100 * v['share']:5.1f} %  {v['seconds']:8.3f} s  {'#' * round(50 * v['share'])}")
            if key == "stages_text" and t.get("date_grammar_seconds"):
                g = t["date_grammar_seconds"]
                L.append(f"  (the date grammar, find_dates, alone on the same texts: {g:.3f} s = "
                         f"{100 * g / t['rates']['vanban']['seconds']:.1f} %; it runs inside commemorations, "
                         "which asks for the dates first)")
    ing = res.get("ingest")
    if ing:
        L += ["", f"ingest ({ing['source']}), {ing['workers']} workers:"]
        for r in ing["runs"]:
            f, rr = r["first"], r["rerun"]
            L.append(f"  N={r['n']:>6}: {f['wall_seconds']:8.1f} s  {r['docs_per_s']:7.1f} docs/s  "
                     f"rerun {rr['wall_seconds']:.2f} s = {r['rerun_percent']:.2f} %  peak RSS {f['peak_rss_total_mb']:.0f} MB "
                     f"(writer {f['peak_rss_writer_mb']:.0f}, largest worker {f['peak_rss_worker_mb']:.0f}; "
                     f"rerun {rr['peak_rss_total_mb']:.0f})  new {f['new']} failed {f['failed']}, rerun skipped {rr['skipped']}")
            L.append(f"          CPU {f['cpu_seconds']:.1f} s ({r['cpu_ms_per_doc']:.1f} ms/doc; writer "
                     f"{f['cpu_seconds_writer']:.1f} s): {r['cpu_bound_seconds']:.0f} s on {ing['workers']} idle cores")
        for w in ing.get("warnings", []):
            L.append(f"  WARNING: {w}")
    L += ["", "goals:"]
    for g in res["goals"]:
        L.append(f"  [{'met ' if g['met'] else 'MISS'}] {g['goal']}: {g['value']} (goal {g['target']})"
                 + (f"  [{g['note']}]" if g["note"] else ""))
    L.append("")
    if res.get("changes"):
        L += format_diff(res["changes"])
    else:
        L.append("gains and losses: no previous result to compare with")
    return L


def chart(res: dict[str, Any], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.ticker
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    fig.suptitle(f"vanban benchmark ({res['mode']}) {res['started'][:16]}, commit {res['commit']}, "
                 f"{res['machine']['cpus']} cores", fontsize=12)

    ax = axes[0][0]
    t = res["text"]
    names = ["vanban (whole pipeline)", "dateparser.search_dates", "underthesea.ner"]
    vals = [t["rates"][k]["chars_per_s"] for k in ("vanban", "dateparser", "underthesea_ner")]
    bars = ax.barh(names[::-1], vals[::-1], color=["#8c8c8c", "#dd8452", "#4c72b0"])
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlim(min(vals) / 3, max(vals) * 6)
    ax.set_xlabel("chars/s (log scale)")
    ax.set_title(f"text documents ({t['docs']} docs, {t['chars']:,} chars)")
    for b, v in zip(bars, vals[::-1]):
        ax.text(v, b.get_y() + b.get_height() / 2, f" {v:,.0f}", va="center", fontsize=9)
    ax.text(0.98, 0.02, f"vanban = {t['ratios']['vs_underthesea_ner']:.0f}x ner (goal 100x)\n"
                        f"vanban = {t['ratios']['vs_dateparser']:.1f}x dateparser (goal 30x)",
            transform=ax.transAxes, ha="right", va="bottom", fontsize=9)

    ax = axes[0][1]
    if res.get("pdf"):
        p = res["pdf"]
        vals = [p["rates"]["vanban"]["pages_per_s"], p["rates"]["pdfplumber_extract_text"]["pages_per_s"]]
        bars = ax.bar(["vanban (whole pipeline)", "pdfplumber extract_text"], vals, color=["#4c72b0", "#8c8c8c"])
        for b, v in zip(bars, vals):
            ax.text(b.get_x() + b.get_width() / 2, v, f"{v:.1f}", ha="center", va="bottom")
        ax.set_ylabel("pages/s")
        ax.set_title(f"text-layer PDFs ({p['pages']} pages): {p['ratios']['vs_pdfplumber']:.1f}x (goal 10x)")
    else:
        ax.axis("off")

    ax = axes[1][0]
    st = res["stages_text"]
    items = sorted(((k, v["share"]) for k, v in st.items()), key=lambda kv: kv[1])
    ax.barh([k for k, _ in items], [100 * v for _, v in items], color="#55a868")
    for i, (_, v) in enumerate(items):
        ax.text(100 * v, i, f" {100 * v:.1f} %", va="center", fontsize=9)
    ax.set_xlabel("% of the whole pipeline's time (text documents; the date grammar runs inside commemorations)")
    ax.set_title("time per stage and per extractor")

    ax = axes[1][1]
    ing = res.get("ingest")
    if ing and ing["runs"]:
        runs = ing["runs"]
        xs = [f"N={r['n']:,}" for r in runs]
        rss = [r["first"]["peak_rss_total_mb"] for r in runs]
        bars = ax.bar(xs, rss, color="#8172b2", width=0.5)
        ax.axhline(1024, color="#c44e52", ls="--", lw=1)
        ax.text(0.99, 1024, "1 GB goal", color="#c44e52", va="bottom", ha="right", fontsize=9,
                transform=ax.get_yaxis_transform())
        for b, r in zip(bars, runs):
            ax.text(b.get_x() + b.get_width() / 2, b.get_height(),
                    f"{b.get_height():.0f} MB\n{r['docs_per_s']:.1f} docs/s ({r['first']['wall_seconds']:.0f} s)\n"
                    f"CPU {r['cpu_ms_per_doc']:.0f} ms/doc\nrerun {r['rerun_percent']:.2f} %",
                    ha="center", va="bottom", fontsize=9)
        ax.set_ylim(0, max(1100, max(rss) * 1.35))
        ax.set_ylabel("peak RSS, writer + workers (MB)")
        ax.set_title(f"ingest on {ing['workers']} workers")
    else:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


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
    """Copy the packages the pipeline runs (pipeline, extractors, schemas) to `dest`."""
    for pkg in ("pipeline", "extractors", "schemas"):
        shutil.copytree(ROOT / pkg, dest / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def run_all(a: argparse.Namespace, mode: str, texts: list[Path], pdfs: list[Path], n: int, work: Path,
            src: Path) -> dict[str, Any]:
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
        r = subprocess.run(["git", "status", "--porcelain", "--", "pipeline", "extractors", "schemas"], cwd=ROOT,
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
