"""Part 4 of the benchmark: `vanban ingest` of N documents, its speed, the
unchanged rerun and the peak RSS of its processes (see run.py)."""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from bench_common import log, now


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
