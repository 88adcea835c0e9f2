"""Bar charts as plain geometry, drawn by a template as SVG on the server:
nothing to download, nothing to run in the browser, and every label escaped
like any other text.

Values are compared in the base unit of their dimension (the comparison rows'
`value_base`/`unit_base`): one chart per base unit, so a percentage is never
drawn on the same axis as an amount of money.
"""
from __future__ import annotations

from typing import Any

from vanban.pipeline.web import labels

LABEL_W, BAR_W, ROW_H, PAD = 230, 520, 26, 8


def bar_charts(rows: list[dict[str, Any]], max_bars: int = 60) -> list[dict[str, Any]]:
    groups: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("value_base") is None:
            continue
        groups.setdefault(r.get("unit_base") or r.get("unit") or "", []).append(r)
    charts = []
    for unit, rs in groups.items():
        rs = rs[:max_bars]
        vmax = max(abs(r["value_base"]) for r in rs) or 1.0
        bars = []
        for i, r in enumerate(rs):
            v = r["value_base"]
            w = round(BAR_W * abs(v) / vmax, 1)
            name = r.get("province") or "(không rõ tỉnh)"
            if r.get("breakdown"):      # one commodity of export_by_commodity: its bar says which
                name += f" · {r['breakdown']}"
            if r.get("year"):
                name += f" · {r['year']}"
            bars.append({"x": LABEL_W, "y": PAD + i * ROW_H, "w": max(w, 1.0), "h": ROW_H - 8,
                         "label": name, "value": f"{labels.COMPARATORS.get(r.get('comparator'), '')} "
                                                 f"{labels.number(r['value'])} {r.get('unit') or ''}".strip(),
                         "negative": v < 0, "text_x": LABEL_W + max(w, 1.0) + 6,
                         "text_y": PAD + i * ROW_H + ROW_H // 2 + 1})
        charts.append({"unit": unit, "width": LABEL_W + BAR_W + 170, "height": PAD * 2 + len(bars) * ROW_H,
                       "bars": bars, "label_x": LABEL_W - 8})
    return charts
