#!/usr/bin/env python
"""Does the time of the date and citation extractors grow linearly with the text?

    .venv/bin/python benchmarks/scaling.py              # 100 KB and 800 KB (about 30 s)
    .venv/bin/python benchmarks/scaling.py --base 725000  # 725 KB and 5.8 MB

Issue #10 measured the overlap checks of dates and citations as quadratic
(116 KB of dates 1.2 s, 464 KB 13 s, 5.8 MB past 180 s; 1.3 MB of citations
27 s). This runs each component on texts of n and 8n characters built from the
same material and reports the ratio of the times; linear (or N log N) work
gives about 8, quadratic about 64. The goal is a ratio of at most 10.

Three kinds of text, each made by repeating real phrases with their numbers
varied (so citations do not collapse into one entry):
- dates: the date grammar's hardest case, a text of year-less and full dates,
  fractions and item numbers, no blank line (one paragraph, one sentence run);
- citations: a run of căn cứ lines, named laws, short re-mentions and symbols;
- corpus: paragraphs of the benchmark's real documents (benchmarks/corpus/text),
  every document in turn, the same block once and eight times.
The components run as the pipeline runs them (metadata first: citations need
the document's own number), on one Doc per text; each is timed alone.
Times are CPU seconds of this process (the machine may be shared), the fastest
of --runs runs with the two sizes taking turns, floored at 5 ms.
Results are printed and written to benchmarks/results/scaling.json.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

GOAL = 10.0
FLOOR = 0.005        # below 5 ms a time is mostly the clock's noise: both sizes are floored at it


def _clock() -> float:
    # CPU time of this process: the machine is shared, and other processes'
    # load would otherwise fall on one size and not the other
    return time.process_time()

DATE_PHRASES = [
    "Sáng {d}/{m}, Đoàn công tác làm việc tại xã; chiều {d2}/{m} tiếp tục kiểm tra, đến ngày {d}/{m}/{y} hoàn thành",
    "trước ngày {d}/{m} hằng năm báo cáo kết quả, đạt từ 2/3 số xã trở lên, 02/03 cuộc đối thoại",
    "từ ngày {d} tháng {m} năm {y} đến ngày {d2} tháng {m} năm {y}, trong tháng {m}/{y}",
    "2.{m}. Nội dung thứ {d}, ngày {d}.{m} và {d2}.{m}, từ {d}/{m} - {d2}/{m}/{y}",
]
CITATION_PHRASES = [
    "Căn cứ Nghị định số {n}/{y}/NĐ-CP ngày {d}/{m}/{y} của Chính phủ quy định chi tiết",
    "Thực hiện Kế hoạch số {n}/KH-UBND ngày {d} tháng {m} năm {y} của UBND tỉnh về triển khai",
    "Căn cứ Luật Quản lý, sử dụng tài sản công số {n}/2017/QH14 và Luật Đất đai; theo Quyết định {n}",
    "Công văn số {n}/BTC-TCT, {n2}/UBND-VX và {n3}-NQ/TU ngày {d}/{m}/{y}; Nghị định số {n}",
]


def _fill(phrases: list[str], size: int) -> str:
    out, i, n = [], 0, 0
    while n < size:
        k = i % 997
        s = phrases[i % len(phrases)].format(d=1 + k % 28, d2=1 + (k + 3) % 28, m=1 + k % 12, y=2000 + k % 26,
                                               n=100 + i, n2=5000 + i, n3=20 + i % 9000)
        out.append(s)
        n += len(s) + 2
        i += 1
    return ". ".join(out)[:size]


def _corpus(size: int) -> str:
    """Paragraphs of every document in turn (the same mix at every size), the
    whole set repeated as often as the size needs."""
    files = sorted((HERE / "corpus" / "text").glob("*.txt"))
    paras = [[p for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()] for f in files]
    out, n, i = [], 0, 0
    longest = max(len(p) for p in paras)
    while n < size:
        for doc in paras:
            p = doc[i % len(doc)]
            out.append(p)
            n += len(p) + 2
        i += 1
        if i > longest * 4:
            break
    return "\n\n".join(out)[:size]


def _time_components(text: str) -> dict[str, float]:
    import gc

    from vanban.extractors.citations import CitationExtractor
    from vanban.extractors.commemorations import CommemorationExtractor
    from vanban.extractors.datefind import find_dates, infer_years
    from vanban.extractors.dates import DateExtractor
    from vanban.extractors.metadata import MetadataExtractor
    from vanban.pipeline.clean import clean
    from vanban.schemas.document import Doc, RawDocument

    out = {}
    doc = Doc(clean=clean(RawDocument(path="<bench>", format="txt", text=text)))
    # the date grammar alone (it runs inside the first component that asks for dates)
    gc.collect()
    t0 = _clock()
    found = find_dates(doc.text)
    infer_years(doc.text, found, None)
    out["date_grammar"] = _clock() - t0
    del found
    for comp in (MetadataExtractor(), CitationExtractor(), CommemorationExtractor(), DateExtractor()):
        gc.collect()
        t0 = _clock()
        comp(doc)
        out[comp.name] = _clock() - t0
    return out


def _best(small: str, large: str, runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """The fastest of `runs` runs of each component on each text, the two sizes
    taking turns: what the code costs, not what the machine was doing."""
    bs: dict[str, float] = {}
    bl: dict[str, float] = {}
    for _ in range(runs):
        for text, best in ((small, bs), (large, bl)):
            for k, v in _time_components(text).items():
                best[k] = min(best.get(k, v), v)
    return bs, bl


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=100_000, help="the smaller size in characters (default 100,000)")
    ap.add_argument("--factor", type=int, default=8)
    ap.add_argument("--runs", type=int, default=3, help="runs per size; the fastest counts (default 3)")
    ap.add_argument("--out", default=str(HERE / "results" / "scaling.json"))
    args = ap.parse_args()
    _time_components("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020; từ ngày 1/7")      # load rule data first
    block = _corpus(args.base)
    kinds = {"dates": lambda n: _fill(DATE_PHRASES, n), "citations": lambda n: _fill(CITATION_PHRASES, n),
             # the same block of paragraphs, once and `factor` times
             "corpus": lambda n: block if n == args.base else "\n\n".join([block] * (n // args.base))}
    rows, ok = [], True
    print(f"sizes {args.base:,} and {args.base * args.factor:,} characters; ratio goal ≤ {GOAL}")
    print(f"{'text':10} {'component':15} {'small s':>9} {'large s':>9} {'ratio':>7}")
    for kind, make in kinds.items():
        small, large = make(args.base), make(args.base * args.factor)
        ts, tl = _best(small, large, args.runs)
        for comp in ("citations", "commemorations", "dates", "date_grammar"):
            ratio = max(tl[comp], FLOOR) / max(ts[comp], FLOOR)
            good = ratio <= GOAL
            ok &= good
            rows.append({"text": kind, "component": comp, "small_chars": len(small), "large_chars": len(large),
                         "small_s": round(ts[comp], 4), "large_s": round(tl[comp], 4), "ratio": round(ratio, 2),
                         "met": good})
            print(f"{kind:10} {comp:15} {ts[comp]:9.3f} {tl[comp]:9.3f} {ratio:7.2f}{'' if good else '  MISSED'}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"goal_ratio": GOAL, "factor": args.factor, "machine": platform.platform(),
                                          "python": platform.python_version(), "rows": rows, "all_met": ok},
                                         indent=1), encoding="utf-8")
    print("all met" if ok else "some MISSED", "->", args.out)


if __name__ == "__main__":
    main()
