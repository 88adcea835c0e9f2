"""CPU time of the cleaning and structure stages alone on the benchmark texts:
best of N runs each, the files read once beforehand. To compare with other
code, put that code's package first on the path:

    .venv/bin/python benchmarks/clean_structure.py [--runs 10]
    PYTHONPATH=/tmp/snap .venv/bin/python benchmarks/clean_structure.py     # /tmp/snap/vanban/...
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from vanban.pipeline.clean import clean
from vanban.pipeline.readers import read_document
from vanban.pipeline.structure import parse_structure

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=10)
a = ap.parse_args()
files = sorted((Path(__file__).parent / "corpus" / "text").iterdir())
raws = [read_document(f) for f in files]
cleaned = [clean(r) for r in raws]
for c in cleaned:
    parse_structure(c)
best_clean = best_structure = float("inf")
for _ in range(a.runs):
    t = time.process_time()
    for r in raws:
        clean(r)
    best_clean = min(best_clean, time.process_time() - t)
    t = time.process_time()
    for c in cleaned:
        parse_structure(c)
    best_structure = min(best_structure, time.process_time() - t)
import vanban  # noqa: E402
print(f"{vanban.__file__}: clean {best_clean * 1000:.1f} ms, structure {best_structure * 1000:.1f} ms "
      f"({len(files)} files, CPU time, best of {a.runs})")
