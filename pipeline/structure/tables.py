"""Table parts from the tables cleaning kept (`CleanText.tables`).

Official documents use tables for layout (the two-column header, the signature
block beside the recipients, a web page's frame); those are read as header and
signature, not as tables. A data table becomes a `table` part: `row` parts,
the first marked `header` when its cells are labels, and `cell` parts that
carry their column index and, under a header row, the column's heading.
"""
from __future__ import annotations

import re
from operator import attrgetter

from vanban.schemas.document import TableSpans
from vanban.schemas.structure import Part

_START_END = attrgetter("start", "end")
_START = attrgetter("start")
MAX_CELL = 3000             # a cell longer than this is a page frame, not data
_NUMERIC = re.compile(r"[\d.,%\s()/+-]+")


def table_part(t: TableSpans, text: str) -> Part | None:
    rows = [r for r in t.rows if any(s < e for s, e in r)]
    if len(rows) < 2:
        return None
    if any(e - s > MAX_CELL for r in rows for s, e in r):
        return None
    first = rows[0]
    header = all(not _NUMERIC.fullmatch(text[s:e]) for s, e in first if s < e) and len(rows) >= 2
    heads = [" ".join(text[s:e].split())[:80] for s, e in first] if header else []
    row_parts: list[Part] = []
    for ri, row in enumerate(rows):
        cells = []
        for ci, (s, e) in enumerate(row):
            attrs = {"col": str(ci)}
            if header and ri > 0 and ci < len(heads) and heads[ci]:
                attrs["column"] = heads[ci]
            cells.append(Part("cell", s, e, attrs=attrs))
        # an empty cell stands where the cell before it ends (or where the next begins)
        first = next((c.start for c in cells if c.start < c.end), None)
        prev = first
        for c in cells:
            if c.start < c.end:
                prev = c.end
            elif prev is not None:
                c.start = c.end = prev
        cells.sort(key=_START_END)
        rs = min(c.start for c in cells)
        re_ = max(c.end for c in cells)
        rp = Part("row", rs, re_, attrs={"row": str(ri)}, children=cells)
        if ri == 0 and header:
            rp.attrs["header"] = "1"
        row_parts.append(rp)
    row_parts.sort(key=_START)
    # rows must not overlap (a reader's odd spans): drop a row that does
    kept: list[Part] = []
    for r in row_parts:
        if kept and r.start < kept[-1].end:
            continue
        kept.append(r)
    if len(kept) < 2:
        return None
    ncols = max(len(r.children) for r in kept)
    return Part("table", kept[0].start, kept[-1].end, children=kept,
                attrs={"source": t.source, "rows": str(len(kept)), "columns": str(ncols)})
