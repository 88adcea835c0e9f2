"""Table cells as offsets of the text a reader writes line by line.

The docx and html readers write a table as lines (each cell's lines in turn) and
know, from the file, which cell each line came from. They record that here, so
the text stays exactly what it was and the structure stage gets the table:

- `Mark`s go into the reader's list of lines, around a cell's lines; `join_lines`
  joins the list into the text and gives every marked cell its [start, end).
- `Grid` lays the cells out row by row and column by column: a cell merged over
  several columns or rows (Word's gridSpan / vMerge, HTML's colspan / rowspan)
  holds its span at its first position and is listed in `merges`; each position it
  covers beyond that is an empty span, so every row's k-th span is column k.
- `remap` moves the spans when the whole text is converted afterwards from a
  legacy font (TCVN3 / VNI), which can change the text's length.

Sizes are bounded: a merge is clamped to MAX_SPAN positions and all tables of
a document together to MAX_CELLS positions (the grids share one `budget`), so a
file declaring colspan="1000000" on every cell cannot grow memory.
"""
from __future__ import annotations

from vanban.pipeline.readers.legacy import fix_legacy_text, tcvn3_to_unicode, vni_to_unicode
from vanban.schemas.document import TableSpans

MAX_SPAN = 1000             # the largest colspan HTML allows; rowspan clamped alike
MAX_CELLS = 300_000         # positions of a document's tables (a long statistical annex holds tens of thousands)


class Cell:
    """One cell of a table: its [start, end) in the joined text, once known."""
    __slots__ = ("start", "end")

    def __init__(self) -> None:
        self.start: int | None = None
        self.end: int | None = None

    def span(self) -> tuple[int, int]:
        if self.start is None or self.end is None:
            return (0, 0)
        return (self.start, max(self.start, self.end))


class Mark:
    """An entry in a list of lines that is not text: a cell opens (its next
    non-blank line starts it), closes (its last non-blank line so far ends it)
    or is empty (it stands where the text has got to)."""
    __slots__ = ("cell", "kind")
    OPEN, CLOSE, EMPTY = 0, 1, 2

    def __init__(self, cell: Cell, kind: int) -> None:
        self.cell, self.kind = cell, kind


def is_blank(line) -> bool:
    """A blank line (a `Mark` is not one: it holds no text but is kept in place)."""
    return isinstance(line, str) and not line.strip()


def text_len(lines) -> int:
    """Characters the text lines of a list will take, a newline each."""
    return sum(len(ln) + 1 for ln in lines if isinstance(ln, str))


def join_lines(lines) -> str:
    """Lines joined with newlines: each right-stripped, runs of blank lines kept
    as one, none at either end. `Mark`s in the list are not text: each sets its
    cell's offsets in the result."""
    out: list[str] = []
    pos = 0                 # len("\n".join(out))
    last_end = 0            # end of the last non-blank line
    waiting: list[Cell] = []
    for ln in lines:
        if isinstance(ln, Mark):
            c = ln.cell
            if ln.kind == Mark.OPEN:
                waiting.append(c)
            elif ln.kind == Mark.CLOSE:
                if c in waiting:        # opened and closed with no text between
                    waiting.remove(c)
                    c.start = last_end
                c.end = last_end
            else:
                c.start = c.end = last_end
            continue
        ln = ln.rstrip()
        if not ln.strip():
            if out and out[-1] != "":
                out.append("")
                pos += 1
            continue
        start = pos + 1 if out else 0
        out.append(ln)
        pos = start + len(ln)
        last_end = pos
        for c in waiting:
            c.start = start
        waiting.clear()
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


class Grid:
    """A table's cells by row and column, with merged cells listed once."""

    def __init__(self, source: str, budget: list[int] | None = None) -> None:
        self.source = source
        self.header = 0                             # leading rows the file marks as headings
        # positions left for the document's tables, shared by its grids
        self.budget = budget if budget is not None else [MAX_CELLS]
        self.rows: list[list[Cell | None]] = []     # None: a position another cell covers, or none
        self.merges: list[list[int]] = []           # [row, col, rows, cols]
        self.full = False                           # MAX_CELLS reached: later cells are not placed
        self._below: set[tuple[int, int]] = set()   # positions a rowspan from above covers

    def new_row(self) -> None:
        self.rows.append([])

    def next_free(self) -> int:
        """The current row's next column not covered by a cell from a row above."""
        r = len(self.rows) - 1
        row = self.rows[r]
        while (r, len(row)) in self._below:
            self._below.discard((r, len(row)))
            row.append(None)            # counted when the cell above claimed it
        return len(row)

    def skip(self, n: int) -> None:
        """n positions of the current row that hold no cell of their own."""
        for _ in range(max(0, min(n, MAX_SPAN))):
            if not self._put(None):
                return

    def add(self, cell: Cell, cols: int = 1, rows: int = 1) -> None:
        """`cell` at the current row's next free column, covering `cols` columns
        and `rows` rows (the positions below are skipped when their rows come;
        the caller clips `rows` to the rows the table has)."""
        cols = max(1, min(cols, MAX_SPAN))
        rows = max(1, min(rows, MAX_SPAN))
        r = len(self.rows) - 1
        col = self.next_free()
        if not self._put(cell):
            return
        self.skip(cols - 1)
        if cols > 1 or rows > 1:
            self.merges.append([r, col, rows, cols])
            for dr in range(1, rows):
                if cols > self.budget[0]:
                    self.full = True
                    break
                self.budget[0] -= cols
                self._below.update((r + dr, col + dc) for dc in range(cols))

    def extend_down(self, col: int, cols: int) -> bool:
        """Word's vMerge continuation at `col` of the current row: the cell above,
        which opened the merge, covers one row more. False when there is none."""
        r = len(self.rows) - 1
        for m in reversed(self.merges):
            if m[1] == col and m[0] + m[2] == r:
                m[2] += 1
                return True
        if r > 0 and col < len(self.rows[r - 1]) and self.rows[r - 1][col] is not None:
            self.merges.append([r - 1, col, 2, max(1, min(cols, MAX_SPAN))])
            return True
        return False

    def widen(self, row: int, col: int, by: int) -> None:
        """The cell at (row, col) covers `by` columns more (Word's old hMerge)."""
        for m in self.merges:
            if m[0] == row and m[1] == col:
                m[3] += by
                return
        self.merges.append([row, col, 1, 1 + by])

    def _put(self, cell: Cell | None) -> bool:
        if self.budget[0] <= 0:
            self.full = True
            return False
        self.rows[-1].append(cell)
        self.budget[0] -= 1
        return True

    def spans(self) -> TableSpans:
        rows: list[list[tuple[int, int]]] = []
        for row in self.rows:
            out: list[tuple[int, int]] = []
            prev = None
            for c in row:
                if c is not None and c.start is not None:
                    s = c.span()
                    prev = s[1]
                else:       # covered or absent: an empty span where the row has got to
                    p = prev if prev is not None else _first_start(row)
                    s = (p, p)
                out.append(s)
            rows.append(out)
        merges = [(m[0], m[1], m[2], m[3]) for m in self.merges if m[2] > 1 or m[3] > 1]
        return TableSpans(rows=rows, source=self.source, header=min(self.header, len(rows)), merges=merges)


def _first_start(row) -> int:
    for c in row:
        if c is not None and c.start is not None:
            return c.start
    return 0


# The conversions `fix_legacy_text` may apply, by the name it returns.
LEGACY_CONVERTERS = {"TCVN3": tcvn3_to_unicode, "VNI": vni_to_unicode}


def fix_legacy(text: str, tables: list[TableSpans]) -> tuple[str, list[TableSpans], str | None]:
    """`fix_legacy_text` for a reader that also has table spans: the text converted
    from TCVN3 or VNI when it was typed in one, its tables' spans moved with it,
    and the legacy encoding's name (None when the text was Unicode already)."""
    fixed, legacy = fix_legacy_text(text)
    if not legacy:
        return text, tables, None
    return fixed, remap(text, fixed, LEGACY_CONVERTERS[legacy], tables), legacy


def has_text(t: TableSpans) -> bool:
    return any(s < e for row in t.rows for s, e in row)


def remap(text: str, converted: str, convert, tables: list[TableSpans]) -> list[TableSpans]:
    """Spans of `tables` in `text` moved to `converted` = convert(text), a
    conversion that works character by character (TCVN3, VNI). The text is
    converted piece by piece between the spans' edges; if the pieces do not add
    up to the whole (a conversion that reads across an edge), no table is kept."""
    if not tables:
        return tables
    edges = sorted({p for t in tables for row in t.rows for s, e in row for p in (s, e)} | {0, len(text)})
    moved: dict[int, int] = {}
    pieces: list[str] = []
    n = 0
    prev = 0
    for p in edges:
        if p < prev or p > len(text):
            continue
        piece = convert(text[prev:p])
        pieces.append(piece)
        n += len(piece)
        moved[p] = n
        prev = p
    if "".join(pieces) != converted:
        return []
    out = []
    for t in tables:
        rows = [[(moved[s], moved[e]) for s, e in row] for row in t.rows]
        out.append(TableSpans(rows=rows, source=t.source, header=t.header, merges=list(t.merges)))
    return out
