"""Harvest the table-driven phrase suite (tests/fixtures/phrases.yaml) from the
annotated dev documents.

For every gold item that the current extractor finds, the sentence around it
becomes a test phrase, and the expected value is the GOLD value (a person's
annotation, not this program's output). Only items whose value is fully
printed in the sentence are kept (no year inferred from elsewhere), so the
phrase alone decides the answer. Run from the repository root:
    .venv/bin/python scripts/harvest_phrases.py ../shared/corpus/dev
"""
import json
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from vanban.pipeline.extract import extract_file, extract_text, text_of  # noqa: E402


def sentence(text: str, s: int, e: int) -> str:
    a = max(text.rfind("\n", 0, s), text.rfind(". ", 0, s) + 1, text.rfind(";", 0, s), s - 220)
    b_candidates = [x for x in (text.find("\n", e), text.find(";", e), text.find(". ", e)) if x != -1]
    b = min(b_candidates + [e + 220, len(text)])
    return text[a + 1 if a >= 0 and text[a] in "\n;" else max(a, 0):b].strip()


def found(row: dict) -> bool:
    ex = extract_text(row["phrase"])
    e = row["expect"]
    if row["kind"] == "date":
        return any(d.value == e for d in ex.dates)
    if row["kind"] == "citation":
        return any(c.number and c.number.upper() == re.sub(r"\s+", "", e["number"]).upper()
                   and (not e.get("date") or c.date == e["date"]) for c in ex.citations)
    if row["kind"] == "target":
        # as tests/test_phrases.py checks it: a goal (not an actual figure) with this comparator
        return any(abs(t.value - e["value"]) < 1e-9 and t.unit == e["unit"] and t.comparator == e["comparator"]
                   and t.status == "target" for t in ex.targets)
    return any(m.years == e["years"] and m.origin_date == e["origin_date"] for m in ex.commemorations)


def main(gold_dir: str) -> None:
    rows = []
    for g in sorted(Path(gold_dir).glob("*.gold.json")):
        base = g.name[: -len(".gold.json")]
        doc = next(p for p in g.parent.iterdir() if p.name.startswith(base + ".") and not p.name.endswith(".json"))
        if doc.suffix == ".pdf" and base.startswith(("082", "111")):
            continue                                  # scans: OCR text varies with the engine
        gold = json.loads(g.read_text(encoding="utf-8"))
        ex = extract_file(doc)
        text = text_of(doc)
        used = set()
        for gd in gold["dates"]:
            for d in ex.dates:
                if d.value == gd["value"] and d.start not in used and d.rule and "noyear" not in d.rule \
                        and d.rule not in ("known_day", "range_days", "range_first"):
                    used.add(d.start)
                    rows.append({"source": doc.name, "kind": "date", "phrase": sentence(text, d.start, d.end),
                                 "expect": gd["value"]})
                    break
        for gc in gold["citations"]:
            if not gc.get("number"):
                continue
            for c in ex.citations:
                if c.number and c.number.upper() == re.sub(r"\s+", "", gc["number"].replace("Ð", "Đ")).upper():
                    rows.append({"source": doc.name, "kind": "citation", "phrase": sentence(text, c.start, c.end),
                                 "expect": {"number": gc["number"], "date": gc.get("date")}})
                    break
        for gt in gold["targets"]:
            for t in ex.targets:
                if abs(t.value - gt["value"]) < 1e-9 and t.unit == gt["unit"]:
                    rows.append({"source": doc.name, "kind": "target", "phrase": sentence(text, t.start, t.end),
                                 "expect": {"value": gt["value"], "unit": gt["unit"], "comparator": gt["comparator"]}})
                    break
        for gm in gold["commemorations"]:
            for m in ex.commemorations:
                if m.years == gm["years"] and m.origin_date == gm["origin_date"] and gm["origin_date"]:
                    rows.append({"source": doc.name, "kind": "commemoration",
                                 "phrase": sentence(text, m.start, m.end),
                                 "expect": {"years": gm["years"], "origin_date": gm["origin_date"]}})
                    break
    # Keep phrases that stand on their own: a goal that needs its section heading,
    # or a date whose year comes from elsewhere, is not a fair phrase test.
    kept, dropped = [], 0
    seen = set()
    for r in rows:
        key = (r["kind"], r["phrase"], json.dumps(r["expect"], ensure_ascii=False))
        if key in seen:
            continue
        seen.add(key)
        if found(r):
            kept.append(r)
        else:
            dropped += 1
    print("dropped (need more context than the sentence):", dropped)
    out = Path("tests/fixtures/phrases.yaml")
    with out.open("w", encoding="utf-8") as f:
        f.write("# Real phrases from the annotated dev documents with the annotators' values.\n")
        f.write("# Generated by scripts/harvest_phrases.py; tests/test_phrases.py runs every row.\n")
        yaml.safe_dump(kept, f, allow_unicode=True, sort_keys=False, width=10_000)
    by = {}
    for r in kept:
        by[r["kind"]] = by.get(r["kind"], 0) + 1
    print(len(kept), by)


if __name__ == "__main__":
    main(sys.argv[1])
