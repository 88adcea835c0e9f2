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
from vanban.pipeline.readers.cells import MAX_CELLS, fix_legacy, has_text, join_lines, text_len
from vanban.schemas.document import TableSpans
# The reader is a package (parts: the zip and its XML read safely; numbering:
# list labels; body: paragraphs, text boxes and tables as lines and cell
# spans); the reading flow stays here, and these names are its public face.
from vanban.pipeline.readers.docx.body import _Doc
from vanban.pipeline.readers.docx.numbering import Numbering, _roman
from vanban.pipeline.readers.docx.parts import W, _body_children, _parse, check_zip

__all__ = ["read_docx", "read_doc", "soffice_binary", "docx_text", "check_zip", "Numbering"]

SOFFICE_TIMEOUT = int(os.environ.get("VANBAN_SOFFICE_TIMEOUT", "180"))


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
    text, tables, legacy = fix_legacy(text, tables)
    if legacy:
        warnings.append(f"text was typed in a legacy {legacy} font: converted to Unicode")
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
