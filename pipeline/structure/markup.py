"""Tables written in text markup, found before cleaning removes the markup.

Cleaning drops table bars (they split phrases); the table they drew is kept
here as cell spans, which cleaning carries to the normalized text. Three
markups occur in converted documents:

- bar lines (pages saved from thuvienphapluat.vn and the like): a `|` alone on
  a line opens a cell, the cell's lines follow, and two bars in a row close a
  row and open the next (`|`, cell, `|`, cell, `|`, `|`, cell …). The page puts
  the two-column header and the signature block in such tables.
- Markdown pipe tables: one row per line, `| a | b |`, a `|---|---|` line under
  the header row.
- pandoc grid tables (`+----+----+` borders, `| a | b |` rows whose cells run
  over several lines) and multiline tables (two or more dash groups
  `-----  -----` above and below, rows split by blank lines). Their columns
  sit side by side on each line, so a cell's words are scattered over the
  lines: these tables are rewritten cell by cell (each cell's lines, then a
  blank line), and every character written keeps its offset into the raw text.

Everything here is linear in the text size: one pass over the lines.
"""
from __future__ import annotations

import re

from vanban.extractors.alternation import line_starts_holding, scan
from vanban.schemas.document import TableSpans

_GRID_BORDER = re.compile(r"[ \t]*\+(?:[-=:]+\+)+[ \t]*")
_GRID_ROW = re.compile(r"[ \t]*\|.*\|[ \t]*")
_DASH_GROUPS = re.compile(r"[ \t]*-{3,}(?:[ \t]+-{3,})+[ \t]*")
_MD_ROW = re.compile(r"[ \t]*\|.*\|[ \t]*")
MAX_MULTILINE_ROWS = 200        # lines a pandoc multiline table may span before its closing dashes


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its newline."""
    out = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl == -1:
            out.append((pos, n))
            break
        out.append((pos, nl))
        pos = nl + 1
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


# ---- bar lines ------------------------------------------------------------------

_BAR_ONLY = re.compile(r"(?m)^[ \t]*\|[ \t]*$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BAR_ONLY_REST = re.compile(r"\|[ \t]*(?=\n|\Z)")


def _bar_only_spans(text: str) -> list[tuple[int, int]]:
    """`_BAR_ONLY`'s matches: found in C from the literal bar (with the rest of
    its line), then kept when only spaces or tabs stand before it on its line."""
    out = []
    for m in _BAR_ONLY_REST.finditer(text):
        b = m.start()
        ls = text.rfind("\n", 0, b) + 1
        if ls == b or not text[ls:b].strip(" \t"):
            out.append((ls, m.end()))
    return out


def bar_tables(text: str) -> list[TableSpans]:
    """Tables drawn with bar lines. A table is a run of bar lines with no blank
    line between them; the blocks of text between bars are cells. Two bars
    between blocks end a row (the converter leaves out empty cells at the end
    of a row, so a row may be short); more bars, or two at the start, stand for
    empty cells. Text before the first bar or after the last is not the table's."""
    if "|" not in text:
        return []
    bars = _bar_only_spans(text)
    tables: list[TableSpans] = []
    i = 0
    while i < len(bars):
        j = i
        while j + 1 < len(bars) and not _BLANK_LINE.search(text, bars[j][1], bars[j + 1][0] + 1):
            j += 1
        t = _bar_table(text, bars[i:j + 1])
        if t is not None:
            tables.append(t)
        i = j + 1
    return tables


def _bar_table(text: str, run: list[tuple[int, int]]) -> TableSpans | None:
    rows: list[list[tuple[int, int]]] = []
    row: list[tuple[int, int]] = []
    bars_since = 0
    first = True
    for idx in range(len(run) - 1):
        bars_since += 1
        s, e = _trim(text, run[idx][1], run[idx + 1][0])
        if s >= e:
            continue                            # two bars in a row
        if first:
            empties = bars_since - 1            # `|`, `|` at the start: an empty first cell
            first = False
        elif bars_since >= 2:                   # a row ends; more bars are empty cells
            rows.append(row)
            row = []
            empties = bars_since - 2
        else:
            empties = 0
        row.extend([(s, s)] * empties)
        row.append((s, e))
        bars_since = 0
    if row:
        rows.append(row)
    if not rows:
        return None
    return TableSpans(rows=rows, source="bars")


# ---- Markdown pipe tables --------------------------------------------------------

_MD_SEP_LINE = re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$")


def markdown_tables(text: str) -> list[TableSpans]:
    """`| a | b |` rows around a `|---|---|` separator line; one row per line."""
    if "|" not in text or "---" not in text:
        return []
    tables: list[TableSpans] = []
    for m in scan(_MD_SEP_LINE, text, line_starts_holding(text, "---")):
        hs = text.rfind("\n", 0, max(m.start() - 1, 0)) + 1
        he = m.start() - 1
        if he <= hs or not _MD_ROW.fullmatch(text, hs, he):
            continue
        rows = [_md_cells(text, hs, he)]
        pos = m.end() + 1
        while pos < len(text):
            le = text.find("\n", pos)
            le = len(text) if le == -1 else le
            if not _MD_ROW.fullmatch(text, pos, le):
                break
            rows.append(_md_cells(text, pos, le))
            pos = le + 1
        tables.append(TableSpans(rows=rows, source="markdown"))
    return tables


def _md_cells(text: str, s: int, e: int) -> list[tuple[int, int]]:
    s, e = _trim(text, s, e)
    if text[s:s + 1] == "|":
        s += 1
    if e > s and text[e - 1] == "|":
        e -= 1
    cells = []
    pos = s
    while True:
        bar = text.find("|", pos, e)
        end = bar if bar != -1 else e
        cells.append(_trim(text, pos, end))
        if bar == -1:
            break
        pos = bar + 1
    return cells


# ---- pandoc grid and multiline tables: rewritten cell by cell --------------------

def linearize_tables(text: str, offs: list[int]) -> tuple[str, list[int], list[TableSpans]]:
    """Rewrite pandoc grid and multiline tables cell by cell. Returns the new
    text, its offsets, and the tables' cell spans in the new text."""
    if not (("+-" in text and "-+" in text) or "--- --" in text or "---  " in text):
        return text, offs, []
    lines = _lines(text)
    pieces: list[str] = []
    new_offs: list[int] = []
    tables: list[TableSpans] = []
    out_len = 0
    copied = 0                  # text[:copied] is written
    i, n = 0, len(lines)
    while i < n:
        s, e = lines[i]
        found = None
        if _GRID_BORDER.fullmatch(text, s, e):
            found = _grid(text, lines, i)
        elif _DASH_GROUPS.fullmatch(text, s, e):
            found = _multiline(text, lines, i)
        if found is None:
            i += 1
            continue
        end_line, rows = found
        # copy what comes before the table
        t0 = lines[i][0]
        pieces.append(text[copied:t0])
        new_offs.extend(offs[copied:t0])
        out_len += t0 - copied
        spans: list[list[tuple[int, int]]] = []
        for row in rows:
            row_spans = []
            for cell in row:              # cell: list of (start, end) fragments, one per line
                c0 = out_len
                for k, (a, b) in enumerate(cell):
                    if k:
                        pieces.append("\n")
                        new_offs.append(offs[a])
                        out_len += 1
                    pieces.append(text[a:b])
                    new_offs.extend(offs[a:b])
                    out_len += b - a
                row_spans.append((c0, out_len))
                pieces.append("\n\n")
                anchor = offs[min(cell[-1][1] if cell else t0, len(offs) - 1)] if offs else 0
                new_offs.extend([anchor, anchor])
                out_len += 2
            spans.append(row_spans)
        tables.append(TableSpans(rows=spans, source="grid"))
        copied = lines[end_line][1]
        i = end_line + 1
    if not tables:
        return text, offs, []
    pieces.append(text[copied:])
    new_offs.extend(offs[copied:len(text)])
    return "".join(pieces), new_offs, tables


def _cell_fragments(text: str, s: int, e: int, a: int, b: int) -> tuple[int, int] | None:
    """The part of line [s, e) between columns a and b, trimmed; None if blank."""
    lo, hi = min(s + a, e), min(s + b, e)
    lo, hi = _trim(text, lo, hi)
    return (lo, hi) if hi > lo else None


def _grid(text: str, lines, i: int):
    s, e = lines[i]
    border = text[s:e]
    cols = [k for k, ch in enumerate(border) if ch == "+"]
    if len(cols) < 2:
        return None
    rows = []
    cur: list[list[tuple[int, int]]] | None = None
    j = i + 1
    last_border = i
    while j < len(lines):
        s, e = lines[j]
        if _GRID_BORDER.fullmatch(text, s, e):
            if cur is not None:
                rows.append(cur)
            cur = None
            last_border = j
            j += 1
            continue
        if not _GRID_ROW.fullmatch(text, s, e):
            break
        if cur is None:
            cur = [[] for _ in range(len(cols) - 1)]
        for c in range(len(cols) - 1):
            frag = _cell_fragments(text, s, e, cols[c] + 1, cols[c + 1])
            if frag is not None:
                cur[c].append(frag)
        j += 1
    if not rows:
        return None
    return last_border, [[c for c in r] for r in rows]


def _multiline(text: str, lines, i: int):
    s, e = lines[i]
    head = text[s:e]
    groups = [m.span() for m in re.finditer(r"-{3,}", head)]
    starts = [g[0] for g in groups]
    # the closing line: dash groups at the same columns
    close = None
    for j in range(i + 1, min(len(lines), i + MAX_MULTILINE_ROWS)):
        s2, e2 = lines[j]
        if _DASH_GROUPS.fullmatch(text, s2, e2):
            other = [m.start() for m in re.finditer(r"-{3,}", text[s2:e2])]
            if other == starts:
                close = j
            break
    if close is None or close == i + 1:
        return None
    bounds = starts[1:] + [10 ** 9]
    rows = []
    cur = None
    for j in range(i + 1, close):
        s2, e2 = lines[j]
        if not text[s2:e2].strip():
            if cur is not None:
                rows.append(cur)
            cur = None
            continue
        if cur is None:
            cur = [[] for _ in starts]
        for c, a in enumerate(starts):
            lo = 0 if c == 0 else a
            frag = _cell_fragments(text, s2, e2, lo, bounds[c])
            if frag is not None:
                cur[c].append(frag)
    if cur is not None:
        rows.append(cur)
    rows = [r for r in rows if any(r)]
    if not rows or len(starts) < 2:
        return None
    return close, rows
