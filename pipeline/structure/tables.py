"""Table parts from the tables cleaning kept (`CleanText.tables`).

Official documents use tables for layout (the two-column header, the signature
block beside the recipients, a web page's frame); those are read as header and
signature, not as tables. A data table becomes a `table` part: `row` parts,
the first marked `header` when its cells are labels, and `cell` parts that
carry their column index and, under a header row, the column's heading.

When the file marks its heading rows (`TableSpans.header`: docx, html), or a
first-row heading cell is merged down over the rows under it, those rows are
the header, and a column's heading joins what each of them says over it, a cell
merged across columns counting for each column it covers (`Kế hoạch` over
`Năm 2026` | `Năm 2030` gives `Kế hoạch Năm 2026`, `Kế hoạch Năm 2030`); the
first row's cells carry it as `heading`.
"""
from __future__ import annotations

import re
from operator import attrgetter

from vanban.schemas.document import TableSpans
from vanban.schemas.structure import Part

_START_END = attrgetter("start", "end")
_START = attrgetter("start")
_END = attrgetter("end")
_COL_NAMES = [str(i) for i in range(64)]


def _col_name(i: int) -> str:
    return _COL_NAMES[i] if i < 64 else str(i)
MAX_CELL = 3000             # a cell longer than this is a page frame, not data
MAX_HEAD_ROWS = 5           # heading rows a file may mark that are read as such
MAX_SPAN_READ = 1000        # columns of one merged heading cell read
_NUMERIC = re.compile(r"[\d.,%\s()/+-]+")


def _marked_heads(t: TableSpans, text: str, n: int) -> list[str]:
    """Each column's heading from the first n rows (the file's heading rows)."""
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, nr, nc in t.merges:
        if r0 < n:
            for r in range(r0, min(r0 + nr, n)):
                for c in range(c0, c0 + min(nc, MAX_SPAN_READ)):
                    owner[(r, c)] = (r0, c0)
    ncols = max(len(t.rows[r]) for r in range(n))
    heads = []
    for c in range(ncols):
        words: list[str] = []
        for r in range(n):
            r0, c0 = owner.get((r, c), (r, c))
            if c0 < len(t.rows[r0]):
                s, e = t.rows[r0][c0]
                w = " ".join(text[s:e].split())
                if w and w not in words:
                    words.append(w)
        heads.append(" ".join(words)[:80])
    return heads


def table_part(t: TableSpans, text: str) -> Part | None:
    kept = [i for i, r in enumerate(t.rows) if any(s < e for s, e in r)]
    rows = [t.rows[i] for i in kept]
    if len(rows) < 2:
        return None
    if any(e - s > MAX_CELL for r in rows for s, e in r):
        return None
    first = rows[0]
    labels = all(not _NUMERIC.fullmatch(text[s:e]) for s, e in first if s < e)
    n = min(t.header, MAX_HEAD_ROWS, len(t.rows))
    if n == 0 and labels and kept[0] == 0:
        # unmarked, but a heading cell of the first row merged down over the rows
        # under it makes them heading rows too (Kết quả thống kê / Đơn vị tính | Số liệu)
        n = min(max((nr for r0, _, nr, _ in t.merges if r0 == 0), default=1), MAX_HEAD_ROWS, len(t.rows))
        n = n if n > 1 else 0
    marked = sum(1 for i in kept if i < n)
    if 0 < marked < len(rows):
        header = True
        heads = _marked_heads(t, text, n)
    else:
        marked = 0
        header = labels and len(rows) >= 2
        heads = [" ".join(text[s:e].split())[:80] for s, e in first] if header else []
    row_parts: list[Part] = []
    nheads = len(heads)
    head_rows = max(1, marked)
    for ri, row in enumerate(rows):
        cells = []
        append = cells.append
        # which heading a cell of this row carries: the column's, under the heading rows;
        # over all the heading rows, on the first row of a table whose file marks them
        key = "column" if header and ri >= head_rows else "heading" if marked and ri == 0 else None
        for ci, (s, e) in enumerate(row):
            if key is not None and ci < nheads and heads[ci]:
                attrs = {"col": _col_name(ci), key: heads[ci]}
            else:
                attrs = {"col": _col_name(ci)}
            append(Part("cell", s, e, attrs=attrs))
        # an empty cell stands where the cell before it ends (or where the next begins)
        first = next((c.start for c in cells if c.start < c.end), None)
        prev = first
        for c in cells:
            if c.start < c.end:
                prev = c.end
            elif prev is not None:
                c.start = c.end = prev
        cells.sort(key=_START_END)
        rs = min(map(_START, cells))
        re_ = max(map(_END, cells))
        rp = Part("row", rs, re_, attrs={"row": str(ri)}, children=cells)
        if header and ri < head_rows:
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
