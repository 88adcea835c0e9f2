"""Linear time and memory of the whole pipeline on one document.

One text of n characters and one of `factor`·n, made of paragraphs of the
benchmark's real documents (every document in turn, so the mix is the same at
both sizes; the larger goes on with further paragraphs), each extracted whole
(`extract_file`: read, clean, structure, every extractor) in a fresh process.
The process loads every tool on the largest benchmark document first, then
reports the CPU time of the extraction and its peak resident memory (VmHWM,
reset after loading) with the resident memory it had before it: the extra
memory one document costs. Fastest of `runs` runs, the sizes taking turns.
Linear (or N log N) work gives a time ratio near `factor`; the goal is at most
10 for 8x. The memory ratio is reported beside it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench_common import log

# Runs in the child: the package comes from PYTHONPATH (the benchmark's snapshot).
_CHILD = r"""
import json, os, resource, sys, time
from vanban.pipeline.extract import extract_file
extract_file(sys.argv[2])          # every tool loaded and every pattern compiled, on another document
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
def hwm_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:                    # reset the peak to what is resident now (Linux): the peak is then the extraction's
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
except OSError:
    pass
before = rss_mb()
t0 = time.process_time()
ex = extract_file(sys.argv[1])
cpu = time.process_time() - t0
peak = hwm_mb()
print(json.dumps({"cpu_seconds": cpu, "rss_before_mb": before, "peak_rss_mb": peak,
                  "items": sum(len(getattr(ex, k)) for k in ("citations", "dates", "commemorations", "targets"))}))
"""


def corpus_text(texts: list[Path], size: int) -> str:
    """Paragraphs of every document in turn, repeated as often as `size` needs."""
    paras = [[p for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()] for f in texts]
    paras = [p for p in paras if p]
    out, n, i = [], 0, 0
    longest = max(len(p) for p in paras)
    while n < size:
        for doc in paras:
            p = doc[i % len(doc)]
            out.append(p)
            n += len(p) + 2
        i += 1
        if i > longest * 1000:
            break
    return "\n\n".join(out)[:size]


def _child(path: Path, warmup: Path, src: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    r = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(warmup)], cwd=src, env=env, capture_output=True, text=True,
                       timeout=1800)
    if r.returncode != 0:
        raise RuntimeError(f"linear-time child failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def bench_linear(texts: list[Path], work: Path, src: Path, base: int, factor: int = 8, runs: int = 3) -> dict[str, Any]:
    # the large text goes on with other paragraphs rather than repeating the small
    # one: a repeated block would be cheaper (per-string caches) and flatter the ratio
    sizes = {"small": corpus_text(texts, base), "large": corpus_text(texts, factor * base)}
    paths = {}
    for k, t in sizes.items():
        paths[k] = work / f"linear-{k}.txt"
        paths[k].write_text(t, encoding="utf-8")
    best: dict[str, dict[str, Any]] = {}
    for _ in range(runs):
        for k in ("small", "large"):
            r = _child(paths[k], max(texts, key=lambda f: f.stat().st_size), src)
            if k not in best or r["cpu_seconds"] < best[k]["cpu_seconds"]:
                best[k] = r
    s, lg = best["small"], best["large"]
    extra = {k: max(0.0, v["peak_rss_mb"] - v["rss_before_mb"]) for k, v in best.items()}
    out = {
        "factor": factor, "runs": runs,
        "small": {"chars": len(sizes["small"]), **{k: round(v, 3) for k, v in s.items()}, "extra_rss_mb": round(extra["small"], 1)},
        "large": {"chars": len(sizes["large"]), **{k: round(v, 3) for k, v in lg.items()}, "extra_rss_mb": round(extra["large"], 1)},
        "time_ratio": round(lg["cpu_seconds"] / max(s["cpu_seconds"], 1e-3), 2),
        "memory_ratio": round(extra["large"] / max(extra["small"], 1.0), 2),
    }
    log(f"  {out['small']['chars']:,} chars: {s['cpu_seconds']:.2f} s CPU, +{extra['small']:.0f} MB;  "
        f"{out['large']['chars']:,} chars: {lg['cpu_seconds']:.2f} s CPU, +{extra['large']:.0f} MB;  "
        f"time ratio {out['time_ratio']}")
    return out
