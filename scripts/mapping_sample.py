"""The mapped share of a store's targets and a random sample of mappings to check by hand
(issue #16): `python scripts/mapping_sample.py STORE [--seed N] [--n 50]`.

Prints how many targets (status `target`) map to an indicator, then one JSON line per
sampled mapping: the target's text, value and unit, the codes chosen (with breakdown),
the confidence and the rule that decided."""
from __future__ import annotations

import argparse
import json
import random

from vanban.pipeline.analysis.compare import _read_targets
from vanban.pipeline.analysis.indicators import map_indicator, resolve


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--n", type=int, default=50)
    a = ap.parse_args(argv)
    targets = _read_targets(a.db, None, "target")
    mapped = []
    for t in targets:
        m = map_indicator(t["indicator"], t["unit"], t["text"])
        if m.codes:
            mapped.append((t, m))
    print(f"targets {len(targets)} mapped {len(mapped)} share {len(mapped) / max(1, len(targets)):.3f}")
    random.seed(a.seed)
    for i, (t, m) in enumerate(random.sample(mapped, min(a.n, len(mapped))), 1):
        print(json.dumps({"i": i, "document": t["path"].rsplit("/", 1)[-1], "text": t["text"].strip(),
                          "value": t["value"], "unit": t["unit"], "indicator": t["indicator"],
                          "codes": [f"{c} ({resolve(c).official_code or '-'}: {resolve(c).name})" for c in m.codes],
                          "breakdown": m.breakdown, "confidence": round(m.confidence, 2), "rule": m.rule},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
