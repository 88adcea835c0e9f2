"""Normalize a document's text once, early, keeping an offset map.

Every extractor works on the string this stage returns, and every item's
`start`/`end` index into it (it is what `vanban text FILE` prints). The offset
map sends each normalized character back to the raw text a reader returned, so
page numbers stay right.

What changes, and why:
- Unicode NFC: Vietnamese arrives in NFD from some PDFs and Macs.
- `Ð`/`ð` (Latin Eth) become `Đ`/`đ`: the glyphs look alike and PDFs mix them.
- Unicode dashes and minus become `-`: numbers and ranges use any of them.
- No-break and other odd spaces become a plain space; soft hyphens and
  zero-width characters are dropped.
- Markdown emphasis (`**`, `*`) and table bars (`|`) that converted documents
  carry are dropped: they split phrases (`Thành phố Huế**, ngày`).
- A line broken in mid-phrase is joined: the newline becomes a space when the
  next line plainly continues the sentence (starts in lower case or with a
  digit, or the line ends on a word that cannot end a phrase).
Replacements that keep the length (newline -> space) keep offsets unchanged.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from vanban.schemas.document import CleanText, RawDocument, TableSpans

_CHAR_MAP = {
    "\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
    "\u200a": " ", "\u3000": " ", "\t": " ",
    "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x0b": "\n",
    "\u2018": "'", "\u2019": "'",
}
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


def _normalize_chars(raw: str) -> tuple[str, list[int]]:
    """NFC per combining sequence, character map, drops; with offsets.

    A combining sequence is a character and the combining marks after it. Each
    one that is more than one character, or one character that NFC, the map or
    the drops change, is rewritten and every character written for it points at
    the sequence's first raw character. Everything in between is copied as it is
    (offsets i -> i), so the work is done in C except at the sequences found."""
    pattern = _special_pattern(frozenset(raw))
    if pattern is None:
        return raw, list(range(len(raw)))
    pieces: list[str] = []
    offs: list[int] = []
    last = 0
    for m in pattern.finditer(raw):
        i, j = m.span()
        if i > last:
            pieces.append(raw[last:i])
            offs.extend(range(last, i))
        seq = m.group()
        if len(seq) > 1 or not seq.isascii():
            seq = unicodedata.normalize("NFC", seq)
        out = "".join(_CHAR_MAP.get(ch, ch) for ch in seq if ch not in _DROP)
        pieces.append(out)
        offs.extend([i] * len(out))
        last = j
    if last < len(raw):
        pieces.append(raw[last:])
        offs.extend(range(last, len(raw)))
    return "".join(pieces), offs


@lru_cache(maxsize=4096)
def _char_kind(ch: str) -> int:
    """1 a combining mark, 2 a character rewritten on its own (mapped, dropped,
    or changed by NFC), 0 a character copied as it is."""
    if unicodedata.combining(ch):
        return 1
    if ch in _DROP or ch in _CHAR_MAP or (not ch.isascii() and unicodedata.normalize("NFC", ch) != ch):
        return 2
    return 0


@lru_cache(maxsize=256)
def _special_pattern(chars: frozenset[str]) -> re.Pattern | None:
    """For a text made of `chars`: a pattern matching each combining sequence
    that must be rewritten (any character followed by marks, or a lone character
    of kind 2 or a mark at the start), or None when there is none."""
    marks = sorted(c for c in chars if _char_kind(c) == 1)
    singles = sorted(c for c in chars if _char_kind(c) == 2)
    if not marks and not singles:
        return None
    cls = lambda cs: "[" + "".join(re.escape(c) for c in cs) + "]"   # noqa: E731
    alts = []
    if marks:
        alts.append(f"(?s:.){cls(marks)}+")
    alts.append(cls(singles + marks))
    return re.compile("|".join(alts))


Edits = list[tuple[int, int, str]]        # (start, end, text written) of each replacement, in order


def _apply(text: str, offs: list[int], pattern: re.Pattern, repl,
           edits_out: Edits | None = None) -> tuple[str, list[int]]:
    """re.sub that keeps the offset map: replaced spans map to their first char.
    When every replacement keeps its length the map is unchanged (and not copied).
    `edits_out` receives every replacement, so positions can be carried through
    (`_move`)."""
    edits: list[tuple[int, int, str]] = []
    same_length = True
    for m in pattern.finditer(text):
        r = repl(m) if callable(repl) else repl
        s, e = m.span()
        if len(r) != e - s:
            same_length = False
        edits.append((s, e, r))
    if edits_out is not None:
        edits_out.extend(edits)
    if not edits:
        return text, offs
    pieces: list[str] = []
    last = 0
    for s, e, r in edits:
        pieces.append(text[last:s])
        pieces.append(r)
        last = e
    pieces.append(text[last:])
    if same_length:
        return "".join(pieces), offs
    new_offs: list[int] = []
    last = 0
    for s, e, r in edits:
        new_offs.extend(offs[last:s])
        if len(r) == e - s:
            new_offs.extend(offs[s:e])
        else:
            anchor = offs[s] if s < len(offs) else (offs[-1] if offs else 0)
            new_offs.extend([anchor] * len(r))
        last = e
    new_offs.extend(offs[last:])
    return "".join(pieces), new_offs


def _move(positions: list[int], edits: Edits) -> list[int]:
    """Carry positions (boundaries between characters) through one pass's edits:
    a position inside a replaced span lands inside what replaced it. Linear in
    positions + edits once the positions are sorted."""
    if not edits or not positions:
        return positions
    order = sorted(range(len(positions)), key=positions.__getitem__)
    out = [0] * len(positions)
    k, shift = 0, 0
    for idx in order:
        p = positions[idx]
        while k < len(edits) and edits[k][1] <= p:
            s, e, r = edits[k]
            shift += len(r) - (e - s)
            k += 1
        if k < len(edits) and edits[k][0] < p:
            s, e, r = edits[k]
            out[idx] = s + shift + min(p - s, len(r))
        else:
            out[idx] = p + shift
    return out


# Markdown emphasis and table bars. A bar alone on a line (a table cell border
# from a converted page) goes with its line; a bar inside a line becomes a space.
_BAR_LINE = re.compile(r"(?m)^[ \t]*\|[ \t|]*(?:\n|$)")
_BAR_INLINE = re.compile(r"\s*\|\s*")
_EMPHASIS = re.compile(r"\*+")
_MD_HEADING = re.compile(r"(?m)^#{1,6}[ \t]+")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_SPACES = re.compile(r"[ ]{2,}")
_TRAIL_SPACE = re.compile(r"(?m)[ ]+$")
_LEAD_SPACE = re.compile(r"(?m)^[ ]+")
_MANY_BLANK = re.compile(r"\n{3,}")
_EDGES = re.compile(r"\A\s+|\s+\Z")

# Words after which a phrase cannot end: a line ending on one continues.
_CONTINUES = {
    "số", "ngày", "tháng", "năm", "của", "và", "về", "các", "cho", "với", "theo", "tại", "trong",
    "để", "được", "là", "có", "những", "một", "từ", "đến", "hoặc",
    "quyết", "nghị", "chỉ", "kế", "thông", "luật",
}
_LINE_BREAK = re.compile(r"(?<=\S)\n(?=\S)")
_LIST_START = re.compile(r"(?:[-+•–]\s|[IVXLC]+\.\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|Điều\s+\d)")


_RULE_CHARS = "-_=*~."            # a line of only these is a rule drawn in text
_NUMBERED = re.compile(r"\d+[.)]\s")


def _join_decision(text: str):
    def repl(m: re.Match) -> str:
        s, e = m.span()
        prev = text[text.rfind("\n", 0, s) + 1:s]
        nxt_end = text.find("\n", e)
        nxt = text[e: nxt_end if nxt_end != -1 else len(text)]
        ps, ns = prev.strip(), nxt.strip()
        if not ps or not ns:
            return "\n"
        last = ps[-1]
        if last in ".;:!?" or _LIST_START.match(nxt):
            return "\n"
        if not ps.strip(_RULE_CHARS) or not ns.strip(_RULE_CHARS):
            return "\n"
        first = ns[0]
        if first.islower() or last in ",(-/" or prev.rsplit(None, 1)[-1].casefold() in _CONTINUES:
            return " "
        # Digit-led next line: join only when it does not look like a list item.
        if first.isdigit() and not _NUMBERED.match(nxt):
            return " "
        return "\n"
    return repl


# pandoc's backslash escapes (`1\\.`, `\\-\\-`) and hard line breaks (a `\\` ending a line)
_PANDOC_ESCAPE = re.compile(r"\\(?=[-.*_#+!()\[\]`|>~<'\"\\]|\n|$)", re.M)


class _Positions:
    """Positions in the text being cleaned, carried through every pass."""

    def __init__(self) -> None:
        self.pos: list[int] = []

    def add(self, p: int) -> int:
        self.pos.append(p)
        return len(self.pos) - 1

    def apply(self, text: str, offs: list[int], pattern: re.Pattern, repl) -> tuple[str, list[int]]:
        edits: Edits = []
        text, offs = _apply(text, offs, pattern, repl, edits if self.pos else None)
        # replacements that keep their length move nothing
        if self.pos and edits and any(len(r) != e - s for s, e, r in edits):
            self.pos = _move(self.pos, edits)
        return text, offs


def _raw_to_text(offs: list[int], raw_pos: int) -> int:
    """The first position of the text whose raw offset is at or after raw_pos
    (offsets are in raw order here: before any table is rewritten)."""
    from bisect import bisect_left
    return bisect_left(offs, raw_pos)


def clean(raw: RawDocument) -> CleanText:
    from vanban.pipeline.structure import markup

    text, offs = _normalize_chars(raw.text)
    track = _Positions()
    tables: list[tuple[TableSpans, list[list[tuple[int, int]]]]] = []     # cells as indices into track.pos

    def keep(found: list[TableSpans], shift=None) -> None:
        for t in found:
            rows = []
            for row in t.rows:
                cells = []
                for s, e in row:
                    if shift is not None:
                        s, e = shift(s), shift(e)
                    cells.append((track.add(s), track.add(e)))
                rows.append(cells)
            tables.append((t, rows))

    # Tables first: the reader's (raw offsets), then those drawn in markup,
    # before the passes below remove the bars.
    if raw.tables:
        keep(raw.tables, lambda p: _raw_to_text(offs, p))
    elif raw.format == "txt":
        text, offs, grid = markup.linearize_tables(text, offs)
        keep(grid)
    if "|" in text:
        keep(markup.bar_tables(text))
        keep(markup.markdown_tables(text))
    # Each pass is skipped when the text lacks what every match of it contains
    # (a plain `in` test is far cheaper than a regex scan that finds nothing).
    if "|" in text:
        text, offs = track.apply(text, offs, _BAR_LINE, "")
        text, offs = track.apply(text, offs, _BAR_INLINE, lambda m: "\n" if "\n" in m.group() else " ")
    if "*" in text:
        text, offs = track.apply(text, offs, _EMPHASIS, "")
    if "\\" in text:
        text, offs = track.apply(text, offs, _PANDOC_ESCAPE, "")
    if "#" in text:
        text, offs = track.apply(text, offs, _MD_HEADING, "")
    if "![" in text:
        text, offs = track.apply(text, offs, _MD_IMAGE, "")
    if " \n" in text or text.endswith(" "):
        text, offs = track.apply(text, offs, _TRAIL_SPACE, "")
    if "\n " in text or text.startswith(" "):
        text, offs = track.apply(text, offs, _LEAD_SPACE, "")
    if "  " in text:
        text, offs = track.apply(text, offs, _SPACES, " ")
    if "\n\n\n" in text:
        text, offs = track.apply(text, offs, _MANY_BLANK, "\n\n")
    # Joining broken lines comes last, so the positions of the joins it makes
    # are final (it keeps the length; nothing after it moves text but the trim).
    edits: Edits = []
    text, offs = _apply(text, offs, _LINE_BREAK, _join_decision(text), edits)
    joined = [s for s, e, r in edits if r == " "]
    # _EDGES (white space at either end) by slicing: the regex's `\s+\Z` is tried at
    # every run of white space in the text; str.strip() uses the same white space.
    lead = len(text) - len(text.lstrip())
    end = len(text.rstrip()) if lead < len(text) else lead
    text, offs = text[lead:end], offs[lead:end]
    n = len(text)
    joined = [p - lead for p in joined if lead <= p < end]
    spans = []
    pos = track.pos
    for found, rows in tables:
        out_rows = []
        for row in rows:
            cells = []
            for a, b in row:
                s = min(max(pos[a] - lead, 0), n)
                e = min(max(pos[b] - lead, s), n)
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                cells.append((s, e))
            out_rows.append(cells)
        if any(s < e for row in out_rows for s, e in row):
            # the same rows and columns: what the file's markup said of them (header, merges) holds
            spans.append(TableSpans(rows=out_rows, source=found.source, header=found.header, merges=found.merges))
    return CleanText(text=text, offsets=offs + [len(raw.text)], raw=raw, joined=joined, tables=spans)


def clean_text(s: str) -> str:
    """Clean a bare string (tests, value normalization)."""
    return clean(RawDocument(path="<string>", format="txt", text=s)).text
