"""The body as lines: paragraphs with their runs (hidden text, deleted changes,
field codes and text-box fallbacks left out), text boxes after the paragraph
that anchors them, note references, and tables cell by cell with their cell
spans."""
from __future__ import annotations

from vanban.pipeline.readers.cells import MAX_CELLS, Cell, Grid, Mark, is_blank
from vanban.pipeline.readers.docx.numbering import Numbering, _int
from vanban.pipeline.readers.docx.parts import MC, W


class _Doc:
    def __init__(self, numbering: Numbering, cells: bool = True) -> None:
        self.numbering = numbering
        self.notes: list[tuple[str, str]] = []      # (kind, id) in order of reference
        # Tables found, as grids of cells; each cell's lines are put between
        # `Mark`s so that joining the lines gives its offsets.
        self.cells = cells
        self.grids: list[Grid] = []
        self.budget = [MAX_CELLS]                   # grid positions left for the document's tables

    def paragraph(self, p, extra: list[str]) -> str:
        """Text of one w:p; text boxes found inside go to `extra`."""
        out: list[str] = [self.numbering.label(p)]
        self._inline(p, out, extra)
        return "".join(out)

    def _inline(self, el, out: list[str], extra: list[str]) -> None:
        for c in el:
            tag = c.tag
            if not isinstance(tag, str):
                continue
            if tag == f"{W}r":
                rpr = c.find(f"{W}rPr")
                if rpr is not None and rpr.find(f"{W}vanish") is not None and rpr.find(f"{W}specVanish") is None:
                    continue
                self._run(c, out, extra)
            elif tag in (f"{W}del", f"{W}moveFrom", f"{W}pPr", f"{W}rPr"):
                continue
            elif tag == f"{MC}AlternateContent":
                choice = c.find(f"{MC}Choice")
                self._inline(choice if choice is not None else c, out, extra)
            elif tag == f"{MC}Fallback":
                continue
            else:   # hyperlink, ins, moveTo, smartTag, customXml, sdt/sdtContent, fldSimple ...
                self._inline(c, out, extra)

    def _run(self, r, out: list[str], extra: list[str]) -> None:
        stack = list(reversed(list(r)))
        while stack:
            c = stack.pop()
            tag = c.tag
            if not isinstance(tag, str):
                continue
            if tag == f"{W}t":
                out.append(c.text or "")
                for ch in c:        # unexpanded entity references: keep the text after them
                    out.append(ch.tail or "")
            elif tag == f"{W}tab":
                out.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                out.append("\n")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")
            elif tag == f"{W}sym":
                ch = c.get(f"{W}char") or ""
                try:
                    code = int(ch, 16)
                    if code >= 0xF000:
                        code -= 0xF000
                    if 32 <= code < 0x110000 and code != 0x7F and not 0xD800 <= code < 0xE000:
                        out.append(chr(code))
                except ValueError:
                    pass
            elif tag == f"{W}footnoteReference":
                self.notes.append(("footnote", c.get(f"{W}id")))
            elif tag == f"{W}endnoteReference":
                self.notes.append(("endnote", c.get(f"{W}id")))
            elif tag == f"{W}txbxContent":
                extra.extend(ln for ln in self.block(c))   # a text box: its own lines
            elif tag in (f"{MC}Fallback", f"{W}rPr", f"{W}instrText", f"{W}delText"):
                continue
            elif tag == f"{MC}AlternateContent":
                choice = c.find(f"{MC}Choice")
                if choice is not None:
                    stack.extend(reversed(list(choice)))
            else:       # drawing, pict, shape, textbox wrappers ...
                stack.extend(reversed(list(c)))

    def block(self, container) -> list[str]:
        """Lines of a body, cell, text box or note: paragraphs and tables in order."""
        lines: list[str] = []
        for c in container:
            self.child(c, lines)
        return lines

    def child(self, c, lines: list[str]) -> None:
        """Add the lines of one child of a body, cell, text box or note."""
        tag = c.tag
        if not isinstance(tag, str):
            return
        if tag == f"{W}p":
            extra: list[str] = []
            text = self.paragraph(c, extra)
            lines.extend(text.split("\n"))
            for x in extra:
                lines.append(x)
        elif tag == f"{W}tbl":
            lines.append("")
            lines.extend(self.table(c))
            lines.append("")
        elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}moveTo"):
            lines.extend(self.block(c))
        elif tag == f"{MC}AlternateContent":
            choice = c.find(f"{MC}Choice")
            if choice is not None:
                lines.extend(self.block(choice))

    def table(self, tbl) -> list:
        lines: list = []
        # A table holding another table is a layout frame: only the inner ones are data.
        grid = Grid("docx", self.budget) if self.cells and tbl.find(f".//{W}tbl") is None else None
        heading = grid is not None
        for tr in tbl.iter(f"{W}tr"):
            if _owner_table(tr) is not tbl:
                continue
            if grid is not None:
                grid.new_row()
                trpr = tr.find(f"{W}trPr")
                if heading and _on(trpr, "tblHeader"):
                    grid.header += 1
                else:
                    heading = False
                if trpr is not None:
                    before = trpr.find(f"{W}gridBefore")
                    if before is not None:
                        grid.skip(_int(before.get(f"{W}val"), 0, 0, 63))
            owner = None            # the row's last cell that holds a position (for hMerge)
            for tc in tr:
                if tc.tag == f"{W}sdt":
                    tcs = tc.findall(f".//{W}tc")
                else:
                    tcs = [tc] if tc.tag == f"{W}tc" else []
                for cell in tcs:
                    cell_lines = [ln for ln in self.block(cell)]
                    while cell_lines and is_blank(cell_lines[-1]):
                        cell_lines.pop()
                    while cell_lines and is_blank(cell_lines[0]):
                        cell_lines.pop(0)
                    if grid is not None:
                        owner = self._place(grid, cell, bool(cell_lines), owner, lines, cell_lines)
                    elif cell_lines:
                        lines.extend(cell_lines)
                        lines.append("")
        if grid is not None:
            self.grids.append(grid)
        return lines

    def _place(self, grid: Grid, tc, has_lines: bool, owner, lines: list, cell_lines: list):
        """Put one w:tc on the grid (and its lines, between marks, on `lines`).
        Returns the (row, column) of the cell that now ends the row."""
        pr = tc.find(f"{W}tcPr")
        span = 1
        vmerge = hmerge = None
        if pr is not None:
            gs = pr.find(f"{W}gridSpan")
            if gs is not None:
                span = _int(gs.get(f"{W}val"), 1, 1, 63)     # Word's grid has at most 63 columns
            vmerge, hmerge = pr.find(f"{W}vMerge"), pr.find(f"{W}hMerge")
        if not has_lines:
            # A merge's continuation holds no text of its own: the cell it continues covers it.
            if vmerge is not None and vmerge.get(f"{W}val") in (None, "continue"):
                col = grid.next_free()
                if grid.extend_down(col, span):
                    grid.skip(span)
                    return owner
            if hmerge is not None and hmerge.get(f"{W}val") in (None, "continue") and owner is not None:
                grid.widen(owner[0], owner[1], span)
                grid.skip(span)
                return owner
        c = Cell()
        col = grid.next_free()
        grid.add(c, cols=span)
        if has_lines:
            lines.append(Mark(c, Mark.OPEN))
            lines.extend(cell_lines)
            lines.append(Mark(c, Mark.CLOSE))
            lines.append("")
        else:
            lines.append(Mark(c, Mark.EMPTY))
        return (len(grid.rows) - 1, col)


def _on(parent, name: str) -> bool:
    """A Word on/off property (<w:tblHeader/>, w:val="1"/"true"/"on") set on `parent`."""
    if parent is None:
        return False
    el = parent.find(f"{W}{name}")
    return el is not None and (el.get(f"{W}val") or "true").lower() not in ("0", "false", "off")


def _owner_table(tr):
    a = tr.getparent()
    while a is not None and a.tag != f"{W}tbl":
        a = a.getparent()
    return a
