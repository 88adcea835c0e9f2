"""Quick in-process throughput of the whole pipeline on the benchmark texts:
best of N runs, with the time per stage (`extract_file(timings=...)`).

    .venv/bin/python benchmarks/inproc.py [--runs 3]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from vanban.pipeline.extract import extract_file

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=5)
a = ap.parse_args()
files = sorted((Path(__file__).parent / "corpus" / "text").iterdir())
tot = sum(len(f.read_text(errors="ignore")) for f in files)
for f in files[:3]:
    extract_file(f)
best, bt = None, {}
for _ in range(a.runs):
    tim: dict[str, float] = {}
    t, c = time.perf_counter(), time.process_time()
    for f in files:
        extract_file(f, timings=tim)
    el = time.perf_counter() - t
    cpu = time.process_time() - c
    best_cpu = cpu if best is None else min(best_cpu, cpu)
    if best is None or el < best:
        best, bt = el, tim
print(f"{tot / best / 1e6:.2f} M chars/s, {best:.3f} s for {tot:,} chars in {len(files)} files "
      f"(CPU time {best_cpu:.3f} s: {tot / best_cpu / 1e6:.2f} M chars/s)")
print("  ".join(f"{k} {v:.3f} ({100 * v / best:.1f}%)" for k, v in sorted(bt.items(), key=lambda kv: -kv[1])))
