"""Targets in tables, read row by row.

A table of indicators (`Chỉ tiêu | Đơn vị tính | Thực hiện 2024 | Kế hoạch 2025`)
says in its header row what each column holds: the indicator, the unit, and, for
each value column, a year and whether it is a plan (`Kế hoạch`, `Mục tiêu`,
`Chỉ tiêu`, `Dự kiến`) or a result (`Thực hiện`, `Ước TH`, `Kết quả`). A plan
value due in or after the document's year is a target; a result column gives
`actual`; comparison columns (`So sánh`, `Tỷ lệ %`, `TH/KH`) give nothing.
A cell under an expected-output column (`Sản phẩm`, `Kết quả cần đạt`) that
states a share (`100% hồ sơ …`) is a target too. Tables come from the structure
stage (`doc.structure`); without it there are none to read.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vanban.extractors.quantities import NUMBER, find_quantities, parse_number
from vanban.extractors.text import collapse
from vanban.schemas.models import Target

if TYPE_CHECKING:   # pragma: no cover
    from vanban.extractors.targets import _Ctx

_INDICATOR_COL = re.compile(r"(?i:chỉ\s+tiêu|nội\s+dung|tên|danh\s+mục|hạng\s+mục|lĩnh\s+vực)")
_UNIT_COL = re.compile(r"(?i:đơn\s+vị\s+tính|đvt|đơn\s+vị)")
_PLAN_COL = re.compile(r"(?i:kế\s+hoạch|\bKH\b|mục\s+tiêu|chỉ\s+tiêu|dự\s+kiến|phấn\s+đấu|định\s+hướng)")
_RESULT_COL = re.compile(r"(?i:thực\s+hiện|\bTH\b|ước|kết\s+quả\s+(?:thực|đạt)|năm\s+trước|cùng\s+kỳ|lũy\s+kế)")
_COMPARE_COL = re.compile(r"(?i:so\s+sánh|tỷ\s+lệ\s*\(?%|%\s*so|/|\bso\s+với|tăng\s*,?\s*giảm|ghi\s+chú)")
_OUTPUT_COL = re.compile(r"(?i:sản\s+phẩm|kết\s+quả\s+(?:cần|phải|dự\s+kiến)|yêu\s+cầu\s+cần\s+đạt)")
_YEAR = re.compile(r"(?:19|20)\d\d")
_VALUE = re.compile(rf"^\s*(?P<cmp>[≥≤><]=?|trên|dưới|tối\s+thiểu|ít\s+nhất)?\s*(?P<num>{NUMBER})\s*(?P<pct>%)?\s*$", re.I)
_CMP = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<", "trên": ">", "dưới": "<",
        "tối thiểu": ">=", "ít nhất": ">="}


def _cells(row) -> list:
    return sorted(row.children, key=lambda c: int(c.attrs.get("col", 0)))


def table_targets(doc, ctx: "_Ctx"):
    from vanban.extractors.targets import Found
    st = doc.structure
    if not st.parts:
        return
    text = doc.text
    for table in st.find("table"):
        rows = [r for r in table.children if r.kind == "row"]
        head = next((r for r in rows if r.attrs.get("header") == "1"), None)
        if head is None:
            continue
        # a heading over several rows (Kế hoạch / Năm 2026 | Năm 2030) is on the first row's cells
        heads = [c.attrs.get("heading") or collapse(text[c.start:c.end]) for c in _cells(head)]
        ind_col = next((k for k, h in enumerate(heads) if _INDICATOR_COL.search(h)), None)
        unit_col = next((k for k, h in enumerate(heads) if _UNIT_COL.search(h)), None)
        out_cols = [k for k, h in enumerate(heads) if _OUTPUT_COL.search(h)]
        value_cols = []
        for k, h in enumerate(heads):
            if k in (ind_col, unit_col) or k in out_cols or _COMPARE_COL.search(h):
                continue
            plan, result = _PLAN_COL.search(h), _RESULT_COL.search(h)
            if not (plan or result):
                continue
            years = _YEAR.findall(h)
            year = int(years[-1]) if years else None
            value_cols.append((k, "target" if plan and not result else "actual", year))
        where = ctx.zones.at(table.start)
        if where.kind in ("budget", "criteria"):
            continue
        for r in rows:
            if r.attrs.get("header") == "1":
                continue
            cells = _cells(r)
            if ind_col is not None and value_cols and ind_col < len(cells):
                yield from _row_values(doc, ctx, cells, ind_col, unit_col, value_cols, Found)
            for k in out_cols:
                if k < len(cells):
                    c = cells[k]
                    ctx.goal_cell = True
                    try:
                        found = ctx.line(c.start, c.end, find_quantities(text, c.start, c.end))
                    finally:
                        ctx.goal_cell = False
                    for f in found:
                        f.in_goal_zone = False
                        yield f


def _row_values(doc, ctx, cells, ind_col, unit_col, value_cols, Found):
    text = doc.text
    ic = cells[ind_col]
    indicator = re.sub(r"^\s*(?:\(?\d+[.)]|[a-zđ]\)|[-+•])\s*", "", collapse(text[ic.start:ic.end]))
    if len(indicator) < 3:
        return
    unit = collapse(text[cells[unit_col].start:cells[unit_col].end]) if unit_col is not None and unit_col < len(cells) else ""
    for k, status, year in value_cols:
        if k >= len(cells):
            continue
        c = cells[k]
        m = _VALUE.match(text[c.start:c.end])
        if not m:
            continue
        u = "%" if m.group("pct") else unit
        if not u:
            continue
        y = year or ctx.plan_year or ctx.ref_year
        st = status
        if st == "target" and y is not None and ctx.ref_year is not None and y < ctx.ref_year:
            continue              # a past year's plan, quoted beside its result
        cmp = _CMP.get(" ".join((m.group("cmp") or "").lower().split()), "=")
        t = Target(indicator=indicator, value=parse_number(m.group("num")), unit=u, comparator=cmp, year=y,
                   status=st, rule="table", **doc.span(ic.start, c.end))
        yield Found(t, st == "target")
