"""Word documents: .docx read from its XML; legacy .doc converted by LibreOffice.

Order is the document's: body paragraphs and tables as they come. Official
documents put the header (issuer | national motto) and the signature block
(Nơi nhận | KT. CHỦ TỊCH ... name) in tables: each cell is emitted as its own
lines, row by row, left cell before right, with a blank line between cells, so
columns never interleave. Text boxes follow the paragraph that anchors them.
Automatic list numbers ("1.", "a)", "-") are written out as Word shows them.
Footnotes and endnotes are appended at the end after a blank line, each as
"[n] text". Deleted tracked changes, hidden text, field codes and the
fallback copies of text boxes are left out.

Every table is also given as cell spans (`RawDocument.tables`, source "docx"):
row by row, a span per grid column, each cell's span running from its first
line to its last, an empty cell an empty span. A cell merged across columns
(gridSpan, or the old hMerge) or down rows (vMerge) holds its span at its first
position and is listed in the table's `merges`; the positions it covers are
empty spans. Rows marked "repeat as header row" (tblHeader) at the top are the
table's `header`. A table that holds another table is a layout frame (a page
laid out in a grid, a signature block beside the recipients): only the tables
inside it are given, each as its own table. Tables in footnotes are not given.
The spans point into the text as it is written above: the text is the same
whether or not the tables are recorded.

The zip is checked from its directory before anything is decompressed: a
member or total that would unpack too large, or an extreme compression ratio
(a zip bomb), is refused. XML is parsed without entity expansion or DTDs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from vanban.pipeline.readers.base import RawDocument, ReadError
from vanban.pipeline.readers.cells import (LEGACY_CONVERTERS, MAX_CELLS, Cell, Grid, Mark, has_text, is_blank,
                                           join_lines, remap, text_len)
from vanban.pipeline.readers.legacy import fix_legacy_text
from vanban.schemas.document import TableSpans

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

MB = 1024 * 1024
MAX_MEMBER_BYTES = 200 * MB          # one part, uncompressed
MAX_TOTAL_BYTES = 500 * MB           # all parts, uncompressed (env VANBAN_MAX_UNZIPPED_MB)
MAX_TREE_BYTES = 32 * MB             # a part parsed whole (numbering, styles, notes); the body is streamed
MAX_BLOCK_ELEMENTS = 1_000_000       # one paragraph or table of the body, held whole (~0.3 KB an element)
MAX_RATIO = 200                      # uncompressed : compressed, for parts over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 10 * MB
MAX_MEMBERS = 20000
CHUNK = 1 << 16                      # bytes unpacked at a time
SOFFICE_TIMEOUT = int(os.environ.get("VANBAN_SOFFICE_TIMEOUT", "180"))


def _limits() -> tuple[int, int]:
    """(one part, all parts) uncompressed, in bytes: env VANBAN_MAX_UNZIPPED_MB
    (or VANBAN_MAX_UNZIPPED_BYTES) bounds the total, default 500 MB."""
    total = MAX_TOTAL_BYTES
    for name, unit in (("VANBAN_MAX_UNZIPPED_MB", MB), ("VANBAN_MAX_UNZIPPED_BYTES", 1)):
        raw = os.environ.get(name, "").strip()
        if raw:
            try:
                total = max(1, int(float(raw) * unit))
            except ValueError:
                pass
            break
    return min(MAX_MEMBER_BYTES, total), total


def check_zip(path: str | Path, z: zipfile.ZipFile) -> None:
    """Refuse zip bombs from the central directory, before decompressing."""
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ReadError(path, f"zip holds {len(infos)} parts (over {MAX_MEMBERS}): refused as a possible zip bomb")
    max_member, max_total = _limits()
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        if size > max_member:
            raise ReadError(path, f"zip bomb? part {info.filename} would unpack to {size / MB:.0f} MB "
                                  f"(limit {max_member / MB:.0f} MB)")
        if size > RATIO_MIN_BYTES and size / packed > MAX_RATIO:
            raise ReadError(path, f"zip bomb? part {info.filename} unpacks {size / MB:.0f} MB from "
                                  f"{packed / 1024:.0f} KB (ratio {size // packed}:1)")
    if total > max_total:
        raise ReadError(path, f"zip bomb? parts would unpack to {total / MB:.0f} MB in all "
                              f"(limit {max_total / MB:.0f} MB; VANBAN_MAX_UNZIPPED_MB)")


class _Member:
    """A zip part read a chunk at a time: never more than the size the zip's
    directory declares (checked by `check_zip`) comes out, whatever the
    compressed data would inflate to (a lying directory ends in a CRC error)."""

    def __init__(self, path, z: zipfile.ZipFile, name: str):
        self.path, self.name = path, name
        try:
            self.f = z.open(name)
        except Exception as e:      # a damaged local header, an unknown compression ...
            raise ReadError(path, f"corrupt zip: cannot unpack {name} ({type(e).__name__}: {e})")
        self.declared = z.getinfo(name).file_size
        self.done = 0

    def read(self, n: int = -1) -> bytes:
        n = CHUNK if n is None or n < 0 or n > CHUNK else n
        try:
            data = self.f.read(n)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
            raise ReadError(self.path, f"corrupt zip: cannot unpack {self.name} ({e})")
        except Exception as e:      # zlib.error and friends
            raise ReadError(self.path, f"corrupt zip: cannot unpack {self.name} ({type(e).__name__}: {e})")
        self.done += len(data)
        if self.done > self.declared:
            raise ReadError(self.path, f"corrupt zip: {self.name} unpacks to more than the {self.declared} bytes "
                                       "its directory declares")
        return data

    def close(self) -> None:
        self.f.close()

    def __enter__(self) -> "_Member":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _parser():
    from lxml import etree
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=True, remove_comments=True, remove_pis=True)


def _parse(path, z: zipfile.ZipFile, name: str, required: bool = False, warnings: list[str] | None = None):
    """A small part parsed whole (None when it is absent, too large or not XML)."""
    from lxml import etree
    try:
        size = z.getinfo(name).file_size
    except KeyError:
        if required:
            raise ReadError(path, f"not a Word document: {name} is missing")
        return None
    if size > MAX_TREE_BYTES:
        if required:
            raise ReadError(path, f"{name} is {size / MB:.0f} MB, over the limit of {MAX_TREE_BYTES // MB} MB")
        if warnings is not None:
            warnings.append(f"{name} is {size / MB:.0f} MB, over the limit of {MAX_TREE_BYTES // MB} MB: left out")
        return None
    parts = []
    with _Member(path, z, name) as m:
        while True:
            chunk = m.read(CHUNK)
            if not chunk:
                break
            parts.append(chunk)
    try:
        return etree.fromstring(b"".join(parts), _parser())
    except etree.XMLSyntaxError as e:
        if required:
            raise ReadError(path, f"{name} is not well-formed XML ({e})")
        return None


def _body_children(path, z: zipfile.ZipFile, name: str):
    """Each child of w:body (a paragraph, a table ...) as its end tag is parsed,
    freed once the caller has read it: memory holds one of them at a time, not
    the document's whole tree."""
    from lxml import etree
    if name not in z.namelist():
        raise ReadError(path, f"not a Word document: {name} is missing")
    with _Member(path, z, name) as m:
        events = etree.iterparse(m, events=("start", "end"), resolve_entities=False, no_network=True,
                                 load_dtd=False, huge_tree=True, remove_comments=True, remove_pis=True)
        depth = 0
        body = None
        elements = 0            # in the body child being parsed
        try:
            for ev, el in events:
                if ev == "start":
                    depth += 1
                    if depth == 2 and el.tag == f"{W}body":
                        body = el
                    elif depth > 2:
                        elements += 1
                        if elements > MAX_BLOCK_ELEMENTS:
                            raise ReadError(path, f"one paragraph or table of {name} holds more than "
                                                  f"{MAX_BLOCK_ELEMENTS:,} XML elements: refused (too large "
                                                  "to read within memory)")
                    continue
                depth -= 1
                if body is not None and depth == 2 and el.getparent() is body:
                    yield el
                    el.clear()
                    while el.getprevious() is not None:
                        del body[0]
                    elements = 0
        except etree.XMLSyntaxError as e:
            raise ReadError(path, f"{name} is not well-formed XML ({e})")
        if body is None:
            raise ReadError(path, f"{name} has no body")


# ---- numbering ------------------------------------------------------------------

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = []
    for v, s in _ROMAN:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _letters(n: int) -> str:
    # Vietnamese documents letter items a, b, c, d, đ, e ...: Word itself uses a-z.
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(ord("a") + r) + s
    return s


# Word keeps list counters in 0..32767 (the largest start value its dialog takes)
# and levels in 0..8; a file may say anything, so values are clamped to that.
MAX_COUNTER = 32767
MAX_LEVEL = 8


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    """An attribute's integer, clamped to lo..hi (default when it is not one)."""
    if value is None:
        return default
    value = value.strip()
    digits = value.lstrip("+-")
    if not digits.isdigit() or len(value) - len(digits) > 1:
        return default
    if len(digits) > 18:                  # far out of range (and int() of 5,000 digits is refused)
        return lo if value.startswith("-") else hi
    return min(hi, max(lo, int(value)))


def _fmt_num(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n)
    if fmt in ("upperLetter",):
        return _letters(n).upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        return _roman(n) if fmt == "lowerRoman" else _roman(n).upper()
    if fmt in ("decimalZero",):
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    def __init__(self, numbering_xml, styles_xml) -> None:
        self.abstract: dict[str, dict[int, dict]] = {}
        self.num: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_xml is not None:
            for a in numbering_xml.iter(f"{W}abstractNum"):
                levels = {}
                for lvl in a.iter(f"{W}lvl"):
                    il = _int(lvl.get(f"{W}ilvl"), 0, 0, MAX_LEVEL)
                    fmt = lvl.find(f"{W}numFmt")
                    txt = lvl.find(f"{W}lvlText")
                    start = lvl.find(f"{W}start")
                    levels[il] = {
                        "fmt": fmt.get(f"{W}val") if fmt is not None else "decimal",
                        "text": txt.get(f"{W}val") if txt is not None else "",
                        "start": _int(start.get(f"{W}val"), 1, 0, MAX_COUNTER) if start is not None else 1,
                    }
                self.abstract[a.get(f"{W}abstractNumId")] = levels
            for n in numbering_xml.iter(f"{W}num"):
                aid = n.find(f"{W}abstractNumId")
                overrides = {}
                for ov in n.iter(f"{W}lvlOverride"):
                    so = ov.find(f"{W}startOverride")
                    if so is not None:
                        overrides[_int(ov.get(f"{W}ilvl"), 0, 0, MAX_LEVEL)] = _int(so.get(f"{W}val"), 1, 0,
                                                                                      MAX_COUNTER)
                if aid is not None:
                    self.num[n.get(f"{W}numId")] = (aid.get(f"{W}val"), overrides)
        if styles_xml is not None:
            for st in styles_xml.iter(f"{W}style"):
                numpr = st.find(f"{W}pPr/{W}numPr")
                if numpr is not None:
                    nid = numpr.find(f"{W}numId")
                    il = numpr.find(f"{W}ilvl")
                    if nid is not None:
                        self.style_num[st.get(f"{W}styleId")] = (
                            nid.get(f"{W}val"), _int(il.get(f"{W}val"), 0, 0, MAX_LEVEL) if il is not None else 0)

    def label(self, p) -> str:
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            return ""
        numpr = ppr.find(f"{W}numPr")
        nid, ilvl = None, 0
        if numpr is not None:
            n = numpr.find(f"{W}numId")
            il = numpr.find(f"{W}ilvl")
            nid = n.get(f"{W}val") if n is not None else None
            ilvl = _int(il.get(f"{W}val"), 0, 0, MAX_LEVEL) if il is not None else 0
        else:
            ps = ppr.find(f"{W}pStyle")
            if ps is not None and ps.get(f"{W}val") in self.style_num:
                nid, ilvl = self.style_num[ps.get(f"{W}val")]
        if not nid or nid == "0" or nid not in self.num:
            return ""
        aid, overrides = self.num[nid]
        levels = self.abstract.get(aid, {})
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        counts = self.counters.setdefault(nid, {})
        if ilvl in counts:
            counts[ilvl] = min(MAX_COUNTER, counts[ilvl] + 1)
        else:
            counts[ilvl] = overrides.get(ilvl, lvl["start"])
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if lvl["fmt"] == "bullet":
            return "- "
        text = lvl["text"]
        for k in range(9):
            if f"%{k + 1}" in text:
                lv = levels.get(k, {"fmt": "decimal", "start": 1})
                val = counts.get(k, overrides.get(k, lv["start"]))
                text = text.replace(f"%{k + 1}", _fmt_num(val, lv["fmt"]))
        return (text + " ") if text.strip() else ""


# ---- text -----------------------------------------------------------------------

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


def _notes(path, z, name: str, kind: str, doc: _Doc, warnings: list[str]) -> dict[str, str]:
    root = _parse(path, z, name, warnings=warnings)
    out: dict[str, str] = {}
    if root is None:
        return out
    tag = f"{W}{kind}"
    for n in root.iter(tag):
        if n.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        lines = [ln.strip() for ln in doc.block(n) if ln.strip()]
        if lines:
            out[n.get(f"{W}id")] = " ".join(lines)
    return out


def docx_text(path: str | Path, z: zipfile.ZipFile) -> tuple[str, list[str], list[TableSpans]]:
    """(text, warnings, tables): the document's text and its tables' cell spans in it."""
    from vanban.pipeline.readers.sniff import check_chars, max_chars

    warnings: list[str] = []
    numbering = Numbering(_parse(path, z, "word/numbering.xml", warnings=warnings),
                          _parse(path, z, "word/styles.xml", warnings=warnings))
    doc = _Doc(numbering)
    lines: list[str] = []
    chars, limit = 0, max_chars()
    for el in _body_children(path, z, "word/document.xml"):
        n = len(lines)
        doc.child(el, lines)
        chars += text_len(lines[n:])
        if chars > limit:             # say so now, not after building all of it
            check_chars(path, chars, limit, at_least=True)
    refs = list(doc.notes)
    # Notes use their own numbering; reset list counters are irrelevant there.
    foot = _notes(path, z, "word/footnotes.xml", "footnote", _Doc(Numbering(None, None), cells=False), warnings)
    end = _notes(path, z, "word/endnotes.xml", "endnote", _Doc(Numbering(None, None), cells=False), warnings)
    note_lines: list[str] = []
    seen = set()
    fn = en = 0
    for kind, nid in refs:
        if (kind, nid) in seen:
            continue
        seen.add((kind, nid))
        if kind == "footnote" and nid in foot:
            fn += 1
            note_lines.append(f"[{fn}] {foot[nid]}")
        elif kind == "endnote" and nid in end:
            en += 1
            note_lines.append(f"[{_roman(en)}] {end[nid]}")
    # collapse runs of blank lines; keep single blank lines as separators
    text = join_lines(lines)
    tables = [t for t in (g.spans() for g in doc.grids) if has_text(t)]
    if any(g.full for g in doc.grids):
        warnings.append(f"the tables hold more than {MAX_CELLS:,} cells: the cells past that are kept as text "
                        "only, not as table cells")
    if note_lines:
        text = text.rstrip("\n") + "\n\n" + "\n".join(note_lines)
    return text, warnings, tables


def read_docx(path: str | Path, fmt: str = "docx", warnings: list[str] | None = None) -> RawDocument:
    p = Path(path)
    warnings = list(warnings or [])
    try:
        z = zipfile.ZipFile(p)
    except zipfile.BadZipFile as e:
        raise ReadError(p, f"corrupt or truncated .docx: not a complete zip file ({e})")
    except (OSError, EOFError, ValueError) as e:
        raise ReadError(p, f"corrupt or truncated .docx ({e})")
    with z:
        check_zip(p, z)
        text, w, tables = docx_text(p, z)
    warnings += w
    fixed, legacy = fix_legacy_text(text)
    if legacy:
        warnings.append(f"text was typed in a legacy {legacy} font: converted to Unicode")
        tables = remap(text, fixed, LEGACY_CONVERTERS[legacy], tables)
        text = fixed
    if not text.strip():
        raise ReadError(p, "the Word document has no text (scanned images only?)")
    return RawDocument(path=str(p), format=fmt, text=text, warnings=warnings, tables=tables)


# ---- legacy .doc ----------------------------------------------------------------

def soffice_binary() -> str | None:
    for name in ("soffice", "libreoffice"):
        b = shutil.which(name)
        if b:
            return b
    return None


def read_doc(path: str | Path, warnings: list[str] | None = None) -> RawDocument:
    p = Path(path)
    binary = soffice_binary()
    if not binary:
        raise ReadError(p, "legacy .doc needs LibreOffice (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="vanban-doc-") as tmp:
        src = Path(tmp) / "in.doc"
        shutil.copyfile(p, src)
        profile = Path(tmp) / "profile"
        cmd = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", tmp, str(src)]
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=SOFFICE_TIMEOUT, start_new_session=True)
        except subprocess.TimeoutExpired:
            raise ReadError(p, f"LibreOffice did not convert the .doc within {SOFFICE_TIMEOUT} s")
        except OSError as e:
            raise ReadError(p, f"cannot run LibreOffice ({e})")
        out = Path(tmp) / "in.docx"
        if proc.returncode != 0 or not out.exists():
            msg = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip().splitlines()
            raise ReadError(p, "LibreOffice could not convert the .doc" + (f": {msg[-1]}" if msg else ""))
        doc = read_docx(out, fmt="doc", warnings=(warnings or []) + ["converted from .doc by LibreOffice"])
    doc.path = str(p)
    return doc
