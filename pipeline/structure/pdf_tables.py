"""Ruled tables in a PDF's text layer, read with pdfplumber.

The PDF reader writes a table row by row, its cells side by side on a line
(a cell of several lines spreads over the row's lines), so the text alone does
not say where a cell ends. pdfplumber finds the table from its ruling (the
lines drawn around the cells) and gives each cell's words; those words are then
found again, row by row, in the normalized text of that page.

pdfplumber is slow (a page takes a tenth of a second or more), so it reads only
pages that look tabular in the text already: several lines in a row each
holding three or more figures, on a page whose text came from the text layer
(a scanned page has no ruling to read), at most MAX_PAGES pages a document.
A table whose cells cannot be found again in order is left out: every part
must slice the text that offsets refer to.
"""
from __future__ import annotations

import re

from vanban.schemas.document import CleanText
from vanban.schemas.structure import Part

MAX_PAGES = 8               # pages of one document pdfplumber may read
MIN_FIGURE_LINES = 3        # consecutive lines with figures that make a page worth reading
MIN_FIGURES = 3             # figures on such a line
FIGURE_SHARE = 40           # … making at least this % of its words (a sentence citing dates is no row)
MIN_RULES = 6               # ruled lines (or rectangles' sides) a table page draws, at the least
_FIGURE = re.compile(r"(?<![\w/])\d[\d.,/%]*")


def _tabular_pages(clean: CleanText) -> list[int]:
    """Pages whose text has MIN_FIGURE_LINES lines in a row, each with MIN_FIGURES figures."""
    text = clean.text
    pages: list[int] = []
    run = 0
    pos = 0
    ocr = set(clean.raw.ocr_pages)
    for line in text.split("\n"):
        figures = len(_FIGURE.findall(line))
        if figures >= MIN_FIGURES and figures * 100 >= FIGURE_SHARE * len(line.split()):
            run += 1
            if run >= MIN_FIGURE_LINES:
                p = clean.page_at(pos)
                if p is not None and p not in ocr and p not in pages:
                    pages.append(p)
                    if len(pages) >= MAX_PAGES:
                        break
        elif len(line.split()) > 2:         # a cell's second line (`Lâm` / `Đồng 83,1/100 …`) keeps the run
            run = 0
        pos += len(line) + 1
    return pages


def _ruled(path: str, page: int) -> bool:
    """The page draws a grid: horizontal and vertical rules (path objects,
    looked at through pypdfium2, which is far cheaper than pdfplumber's layout)."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        pdf = pdfium.PdfDocument(path)
        try:
            pg = pdf[page - 1]
            h = v = 0
            for obj in pg.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
                x0, y0, x1, y1 = obj.get_bounds()
                w, ht = x1 - x0, y1 - y0
                if w > 20 and ht < 3:
                    h += 1
                elif ht > 10 and w < 3:
                    v += 1
                elif w > 20 and ht > 8:         # a rectangle: its sides
                    h += 2
                    v += 2
            return h >= MIN_RULES and v >= MIN_RULES // 2
        finally:
            pdf.close()
    except Exception:
        return False


def _page_range(clean: CleanText, page: int) -> tuple[int, int]:
    """The normalized text's [start, end) for one page."""
    span = next((p for p in clean.raw.pages if p.page == page), None)
    if span is None:
        return 0, 0
    from bisect import bisect_left
    offs = clean.offsets
    return bisect_left(offs, span.start), bisect_left(offs, span.end)


ROW_GAP = 60                # characters between two cells of a row in the text (a cell of
                            # several lines puts its other lines between them)


def _row_rx(cells: list[str | None]) -> tuple[re.Pattern, list[int]] | None:
    """One pattern for a row: each non-empty cell's first line, in order, with
    at most ROW_GAP characters between them. Returns it and the cells' indices."""
    parts, idx = [], []
    for k, c in enumerate(cells):
        first = (c or "").strip().splitlines()[0] if c and c.strip() else ""
        words = first.split()
        if not words:
            continue
        parts.append("(" + r"\s+".join(re.escape(w) for w in words) + ")")
        idx.append(k)
    if not parts:
        return None
    return re.compile(r"(?<!\w)" + rf"[\s\S]{{0,{ROW_GAP}}}?".join(parts) + r"(?!\w)"), idx


def _locate(text: str, cells: list[str | None], lo: int, hi: int) -> list[tuple[int, int]] | None:
    """Each cell's span (its first line, for a cell of several lines), the row
    found whole and in order from `lo`; None if it is not there."""
    rx = _row_rx(cells)
    if rx is None:
        return None
    pattern, idx = rx
    m = pattern.search(text, lo, hi)
    if m is None:
        return None
    out: list[tuple[int, int]] = []
    pos = m.start()
    spans = {k: m.span(g + 1) for g, k in enumerate(idx)}
    for k in range(len(cells)):
        if k in spans:
            out.append(spans[k])
            pos = spans[k][1]
        else:
            out.append((pos, pos))
    return out


def pdf_tables(clean: CleanText) -> list[Part]:
    """Table parts for the ruled tables of a PDF's text-layer pages."""
    pages = _tabular_pages(clean)
    if not pages:
        return []
    try:
        import pdfplumber
    except ImportError:                     # a declared dependency; without it, no PDF tables
        return []
    text = clean.text
    parts: list[Part] = []
    pages = [p for p in pages if _ruled(clean.raw.path, p)]
    if not pages:
        return []
    try:
        with pdfplumber.open(clean.raw.path) as pdf:
            for page_no in pages:
                if page_no > len(pdf.pages):
                    continue
                lo, hi = _page_range(clean, page_no)
                for table in pdf.pages[page_no - 1].find_tables():
                    part = _table_part(text, table.extract(), lo, hi)
                    if part is not None:
                        parts.append(part)
                        lo = part.end
    except Exception:                       # a file pdfplumber cannot parse: the text stays as read
        return []
    return parts


def _table_part(text: str, rows: list[list[str | None]], lo: int, hi: int) -> Part | None:
    rows = [r for r in rows if any(c and c.strip() for c in r)]
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return None
    row_parts: list[Part] = []
    pos = lo
    for ri, row in enumerate(rows):
        spans = _locate(text, row, pos, hi if ri == 0 else min(hi, pos + ROW_GAP * max(4, len(row))))
        if spans is None:
            return None
        cells = [Part("cell", s, e, attrs={"col": str(ci)}) for ci, (s, e) in enumerate(spans)]
        live = [c for c in cells if c.end > c.start]
        rp = Part("row", live[0].start, max(c.end for c in live), attrs={"row": str(ri)}, children=cells)
        for c in cells:                     # an empty cell sits inside its row
            if c.start == c.end:
                c.start = c.end = min(max(c.start, rp.start), rp.end)
        cells.sort(key=lambda c: (c.start, c.end))
        row_parts.append(rp)
        pos = rp.end
    head = rows[0]
    if all(not re.fullmatch(r"[\d.,%\s()/+-]+", c or "x") for c in head):
        row_parts[0].attrs["header"] = "1"
        names = [" ".join((c or "").split())[:80] for c in head]
        for rp in row_parts[1:]:
            for c in rp.children:
                k = int(c.attrs["col"])
                if k < len(names) and names[k]:
                    c.attrs["column"] = names[k]
    return Part("table", row_parts[0].start, row_parts[-1].end, children=row_parts,
                attrs={"source": "pdf", "rows": str(len(row_parts)), "columns": str(max(len(r) for r in rows))})
