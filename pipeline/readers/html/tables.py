"""The article's tables as cell spans (`RawDocument.tables`, source "html")."""
from __future__ import annotations

from vanban.pipeline.readers.html.render import Line
from vanban.pipeline.readers.html.tree import CELL_TAGS, _tag
from vanban.pipeline.readers.cells import MAX_CELLS, Cell, Grid, has_text
from vanban.schemas.document import TableSpans


def _span_attr(el, name: str) -> int:
    v = (el.get(name) or "").strip()
    return int(v) if v.isdigit() and len(v) <= 6 else 1


def _tables(lines: list[Line], first: int, scope, warnings: list[str]) -> list[TableSpans]:
    """Cell spans of the tables inside `scope` whose cells hold `lines` (joined
    by newlines from offset `first` of the text). One pass over the tables'
    elements: each element inside an innermost table's cell maps to that cell."""
    owner: dict = {}                # element -> its td/th
    found = []                      # innermost tables, with their rows of cells
    for t in scope.iter("table"):
        if t.find(".//table") is not None:
            continue                # a layout frame: the tables inside it are the data
        rows = []
        for tr in t.iter("tr"):
            tds = [td for td in tr if _tag(td) in CELL_TAGS]
            for td in tds:
                for el in td.iter():
                    owner[el] = td
            rows.append((tr, tds))
        found.append(rows)
    if not found:
        return []
    cells: dict = {}                # td/th -> Cell
    pos = first
    for ln in lines:
        start, pos = pos, pos + len(ln.text) + 1
        td = owner.get(ln.el)
        if td is None:
            continue
        c = cells.get(td)
        if c is None:
            c = cells[td] = Cell()
            c.start = start
        c.end = start + len(ln.text)
    out: list[tuple[int, TableSpans]] = []
    budget = [MAX_CELLS]            # grid positions left for the page's tables
    for rows in found:
        if not any(td in cells for _, tds in rows for td in tds):
            continue
        grid = Grid("html", budget)
        heading = True
        for ri, (tr, tds) in enumerate(rows):
            grid.new_row()
            in_head = _tag(tr.getparent()) == "thead" if tr.getparent() is not None else False
            if heading and tds and (in_head or all(_tag(td) == "th" for td in tds)):
                grid.header += 1
            else:
                heading = False
            for td in tds:
                grid.add(cells.get(td) or Cell(), cols=_span_attr(td, "colspan"),
                         rows=min(_span_attr(td, "rowspan"), len(rows) - ri))     # as browsers clip it
        spans = grid.spans()
        if has_text(spans):
            out.append((min(s for r in spans.rows for s, e in r if s < e), spans))
    if budget[0] <= 0:
        warnings.append(f"the tables hold more than {MAX_CELLS:,} cells: the cells past that are kept as text "
                        "only, not as table cells")
    return [t for _, t in sorted(out, key=lambda x: x[0])]
