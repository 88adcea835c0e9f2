"""Guard for speed work: extraction output must not change unless meant to.

Runs `extract_file` on every document of the dev and extra sets and the
benchmark corpus (OCR off, so a scanned PDF reads the same every run), keeps the
JSON minus `extractor_version`, with the cleaned text and the document's parts,
and compares it with a saved baseline, printing every difference. The baseline
can come from other code: `PYTHONPATH=/path/to/old/package python … --save`.

    python scripts/output_diff.py --save            # write the baseline
    python scripts/output_diff.py                   # compare with it (exit 1 on any difference)
    python scripts/output_diff.py --out FILE        # compare and keep this run too
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ["VANBAN_OCR"] = "0"

ROOT = Path(__file__).resolve().parent.parent
SETS = [Path("/work/shared/corpus/dev"), Path("/work/shared/corpus/extra"),
        ROOT / "benchmarks" / "corpus"]
SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".doc", ".html", ".htm"}


def documents() -> list[Path]:
    out = []
    for s in SETS:
        if s.is_dir():
            out += sorted(p for p in s.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    return out


def run() -> dict[str, object]:
    from vanban.pipeline.extract import extract_file
    from vanban.pipeline.structure import structure_of
    res: dict[str, object] = {}
    for p in documents():
        try:
            d = json.loads(extract_file(p).model_dump_json())
            d.pop("extractor_version", None)
            # the document's parts too: no extractor shows all of them
            st, c = structure_of(p)
            d["structure"] = st.to_dict()
            d["clean"] = {"text": c.text, "joined": c.joined,
                          "tables": [{"rows": t.rows, "source": t.source} for t in c.tables]}
        except Exception as e:          # a failure is an output too
            d = {"error": f"{type(e).__name__}: {e}"}
        res[str(p)] = json.loads(json.dumps(d, ensure_ascii=False))      # tuples as lists, as saved
    return res


def diff(a, b, path: str, out: list[str]) -> None:
    if type(a) is not type(b):
        out.append(f"{path}: {a!r} -> {b!r}")
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a:
                out.append(f"{path}.{k}: added {b[k]!r}")
            elif k not in b:
                out.append(f"{path}.{k}: removed {a[k]!r}")
            else:
                diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list):
        if len(a) != len(b):
            sa = [json.dumps(x, sort_keys=True, ensure_ascii=False) for x in a]
            sb = [json.dumps(x, sort_keys=True, ensure_ascii=False) for x in b]
            for x in sa:
                if x not in sb:
                    out.append(f"{path}: removed {x[:300]}")
            for x in sb:
                if x not in sa:
                    out.append(f"{path}: added {x[:300]}")
            if not out or not out[-1].startswith(path):
                out.append(f"{path}: length {len(a)} -> {len(b)} (order/duplicates)")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: {a!r} -> {b!r}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="/tmp/vanban-output-baseline.json")
    ap.add_argument("--save", action="store_true")
    ap.add_argument("--out")
    a = ap.parse_args()
    res = run()
    if a.save:
        Path(a.baseline).write_text(json.dumps(res, ensure_ascii=False, sort_keys=True))
        print(f"saved {len(res)} documents to {a.baseline}")
        return 0
    if a.out:
        Path(a.out).write_text(json.dumps(res, ensure_ascii=False, sort_keys=True))
    base = json.loads(Path(a.baseline).read_text())
    out: list[str] = []
    for k in sorted(set(base) | set(res)):
        if k not in res:
            out.append(f"{k}: missing from this run")
        elif k not in base:
            out.append(f"{k}: not in the baseline")
        else:
            diff(base[k], res[k], Path(k).name, out)
    for line in out:
        print(line)
    print(f"{len(res)} documents, {len(out)} differences")
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
