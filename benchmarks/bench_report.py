"""Part 5 of the benchmark and its output: gains and losses against the previous
result, the goals, the text report and the chart (see run.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from bench_common import GOALS, KINDS


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
    v = res["text"]["rates"]["vanban"]["chars_per_s"]
    add("whole extraction in process, one core, chars/s", round(v), f">= {GOALS['text_chars_per_s']:,.0f}",
        v >= GOALS["text_chars_per_s"])
    lin = res.get("linear")
    if lin:
        add(f"linear time: {lin['factor']}x the text, x the CPU time", lin["time_ratio"],
            f"<= {GOALS['linear_time_ratio']:g}", lin["time_ratio"] <= GOALS["linear_time_ratio"],
            f"{lin['small']['chars']:,} -> {lin['large']['chars']:,} chars; memory x{lin['memory_ratio']}")
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
    lin = res.get("linear")
    if lin:
        L += ["", f"linear time (one document, extracted whole in a fresh process, fastest of {lin['runs']}):"]
        for k in ("small", "large"):
            v = lin[k]
            L.append(f"  {v['chars']:>10,} chars: {v['cpu_seconds']:7.3f} s CPU ({v['chars'] / max(v['cpu_seconds'], 1e-3):,.0f} "
                     f"chars/s), peak RSS {v['peak_rss_mb']:.0f} MB (+{v['extra_rss_mb']:.0f} MB over the loaded process)")
        L.append(f"  x{lin['factor']} the text: x{lin['time_ratio']} the time, x{lin['memory_ratio']} the extra memory")
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
