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
from bisect import bisect_left, bisect_right
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


# Identity offsets (`list(range(a, b))`) are sliced from one list kept between
# documents: making a million int objects costs more than all of cleaning's
# passes; copying a slice of shared ones is a memcpy. Kept to 2^18 entries (~9 MB).
_IDENTITY_MAX = 1 << 18
_identity_ints: list[int] = []


def _identity(a: int, b: int) -> list[int]:
    """list(range(a, b))."""
    global _identity_ints
    have = _identity_ints
    if b > len(have) and len(have) < _IDENTITY_MAX:
        have = _identity_ints = list(range(min(_IDENTITY_MAX, max(b, 2 * len(have), 4096))))
    if b <= len(have):
        return have[a:b]
    if a >= len(have):
        return list(range(a, b))
    out = have[a:]
    out.extend(range(len(have), b))
    return out


def _normalize_chars(raw: str) -> tuple[str, list[int]]:
    """NFC per combining sequence, character map, drops; with offsets.

    A combining sequence is a character and the combining marks after it. Each
    one that is more than one character, or one character that NFC, the map or
    the drops change, is rewritten and every character written for it points at
    the sequence's first raw character. Everything in between is copied as it is
    (offsets i -> i), so the work is done in C except at the sequences found."""
    pattern = _special_pattern(frozenset(_UNCOMMON.findall(raw)))
    if pattern is None:
        return raw, _identity(0, len(raw))
    pieces: list[str] = []
    offs: list[int] = []
    last = 0
    for m in pattern.finditer(raw):
        i, j = m.span()
        if i > last:
            pieces.append(raw[last:i])
            offs.extend(_identity(last, i))
        seq = m.group()
        if len(seq) > 1 or not seq.isascii():
            seq = unicodedata.normalize("NFC", seq)
        out = "".join(_CHAR_MAP.get(ch, ch) for ch in seq if ch not in _DROP)
        pieces.append(out)
        offs.extend([i] * len(out))
        last = j
    if last < len(raw):
        pieces.append(raw[last:])
        offs.extend(_identity(last, len(raw)))
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


# Characters that are never rewritten (printable ASCII, newline, precomposed Latin
# letters that NFC keeps): the set of a text's other characters is found by one
# scan that skips these in C, instead of a set of all its characters.
_UNCOMMON = re.compile("[^\n\x20-\x7e" + "".join(
    re.escape(chr(cp)) for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)] if _char_kind(chr(cp)) == 0) + "]")


Edits = list[tuple[int, int, str]]        # (start, end, text written) of each replacement, in order


_IN_PLACE_EDITS = 8


def _apply(text: str, offs: list[int], pattern: re.Pattern, repl,
           edits_out: Edits | None = None) -> tuple[str, list[int]]:
    """re.sub that keeps the offset map: replaced spans map to their first char.
    When every replacement keeps its length the map is unchanged (and not copied);
    `offs` may be changed in place (it is the caller's to give up).
    `edits_out` receives every replacement, so positions can be carried through
    (`_move`)."""
    if isinstance(pattern, _Finder) and callable(repl):
        spans = pattern.spans(text)
        edits = [(s, e, repl(text[s:e])) for s, e in spans]
        if not edits:
            return text, offs
        same_length = all(len(r) == e - s for s, e, r in edits)
        pieces = []
        last = 0
        for s, e, r in edits:
            pieces.append(text[last:s])
            pieces.append(r)
            last = e
        pieces.append(text[last:])
        new_text = "".join(pieces)
    elif callable(repl):
        edits = [(m.start(), m.end(), repl(m)) for m in pattern.finditer(text)]
        if not edits:
            return text, offs
        same_length = all(len(r) == e - s for s, e, r in edits)
        pieces: list[str] = []
        last = 0
        for s, e, r in edits:
            pieces.append(text[last:s])
            pieces.append(r)
            last = e
        pieces.append(text[last:])
        new_text = "".join(pieces)
    else:
        # one replacement string: the text between the spans, joined by it
        spans = pattern.spans(text) if isinstance(pattern, _Finder) else [m.span() for m in pattern.finditer(text)]
        if not spans:
            return text, offs
        edits = [(s, e, repl) for s, e in spans]
        n = len(repl)
        same_length = all(e - s == n for s, e in spans)
        bounds = [0]
        for s, e in spans:
            bounds.append(s)
            bounds.append(e)
        bounds.append(len(text))
        new_text = repl.join([text[bounds[i]:bounds[i + 1]] for i in range(0, len(bounds), 2)])
    if edits_out is not None:
        edits_out.extend(edits)
    if same_length:
        return new_text, offs
    if len(edits) <= _IN_PLACE_EDITS:
        # a few edits: made in the map itself, from the last one back (each moves
        # the pointers after it; a copy would take a reference to every offset)
        size = len(offs)
        for s, e, r in reversed(edits):
            if len(r) != e - s:
                if r:
                    anchor = offs[s] if s < size else (offs[-1] if offs else 0)
                    offs[s:e] = [anchor] * len(r)
                else:
                    del offs[s:e]
        return new_text, offs
    new_offs: list[int] = []
    extend = new_offs.extend
    last = 0
    if repl == "":
        # deletions only: the offsets of the text kept between them
        for s, e, _ in edits:
            extend(offs[last:s])
            last = e
        extend(offs[last:])
        return new_text, new_offs
    size = len(offs)
    for s, e, r in edits:
        if last < s:
            extend(offs[last:s])
        if len(r) == e - s:
            extend(offs[s:e])
        elif r:
            anchor = offs[s] if s < size else (offs[-1] if offs else 0)
            extend([anchor] * len(r))
        last = e
    extend(offs[last:])
    return new_text, new_offs


def _move(positions: list[int], edits: Edits) -> list[int]:
    """Carry sorted positions (boundaries between characters) through one
    pass's edits: a position inside a replaced span lands inside what replaced
    it. The result is sorted too (the move is monotone). Between two edits every
    position moves by the same amount: one slice per edit, not a step per
    position."""
    if not edits or not positions:
        return positions
    out: list[int] = []
    extend = out.extend
    shift = lo = 0
    n = len(positions)
    for s, e, r in edits:
        # before the edit (an insertion, s == e, counts as before what follows it)
        hi = bisect_right(positions, s, lo) if e > s else bisect_left(positions, s, lo)
        if lo < hi:
            extend([p + shift for p in positions[lo:hi]] if shift else positions[lo:hi])
        inside = bisect_left(positions, e, hi)
        if hi < inside:
            extend([s + shift + min(p - s, len(r)) for p in positions[hi:inside]])
        shift += len(r) - (e - s)
        lo = inside
        if lo >= n:
            break
    if lo < n:
        extend([p + shift for p in positions[lo:]] if shift else positions[lo:])
    return out


# Markdown emphasis and table bars. A bar alone on a line (a table cell border
# from a converted page) goes with its line; a bar inside a line becomes a space.
# A pattern that opens with a repeat (`\*+`, `\n{3,}`) is tried at every position;
# one that opens with a literal is searched for in C: so `\*\**` for `\*+`, and
# the passes whose matches open with white space are found from the literal
# they hold (`_Finder`).
_BAR_LINE = re.compile(r"(?m)^[ \t]*\|[ \t|]*(?:\n|$)")
_BAR_INLINE = re.compile(r"\s*\|\s*")
_EMPHASIS = re.compile(r"\*\**")               # \*+
_MD_HEADING = re.compile(r"(?m)^#{1,6}[ \t]+")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_SPACES = re.compile(r"  +")                   # [ ]{2,}
_TRAIL_SPACE = re.compile(r"(?m)[ ]+$")
_LEAD_SPACE = re.compile(r"(?m)^[ ]+")
_MANY_BLANK = re.compile(r"\n\n\n+")            # \n{3,}


class _Finder:
    """The spans `pattern.finditer` gives, found by `spans(text)` from a literal
    every match holds. With a `_Finder`, a callable replacement is given the
    matched text."""

    def __init__(self, pattern: re.Pattern, spans) -> None:
        self.pattern = pattern
        self.spans = spans


# the end of a bar line, from its first bar: searched for in C from the literal `|`
_BAR_LINE_REST = re.compile(r"\|[ \t|]*(?:\n|\Z)")


def _bar_line_runs(text: str) -> list[tuple[int, int]]:
    """`_BAR_LINE`'s matches, each run of adjacent ones as one span (they are all
    deleted: one edit for a run moves positions as the edits one by one would).
    A page converted with a bar alone on every other line has thousands. Found
    from the bar, then its line's start: only spaces or tabs may stand before it."""
    out: list[tuple[int, int]] = []
    last_end = -1
    for m in _BAR_LINE_REST.finditer(text):
        b = m.start()
        ls = text.rfind("\n", 0, b) + 1
        if ls != b and text[ls:b].strip(" \t"):
            continue
        if ls == last_end:
            out[-1] = (out[-1][0], m.end())
        else:
            out.append((ls, m.end()))
        last_end = m.end()
    return out


def _bar_inline_spans(text: str) -> list[tuple[int, int]]:
    """`_BAR_INLINE`: each bar with the white space on either side (not before
    where the last match ended)."""
    out = []
    end = 0
    n = len(text)
    q = text.find("|")
    while q >= 0:
        p = q
        while p > end and text[p - 1].isspace():
            p -= 1
        e = q + 1
        while e < n and text[e].isspace():
            e += 1
        out.append((p, e))
        end = e
        q = text.find("|", e)
    return out


def _trail_space_spans(text: str) -> list[tuple[int, int]]:
    """`_TRAIL_SPACE`: the spaces before a newline or the end of the text."""
    out = []
    q = text.find(" \n")
    while q >= 0:
        p = q
        while p > 0 and text[p - 1] == " ":
            p -= 1
        out.append((p, q + 1))
        q = text.find(" \n", q + 2)
    if text.endswith(" "):
        p = len(text) - 1
        while p > 0 and text[p - 1] == " ":
            p -= 1
        if not out or out[-1][1] <= p:
            out.append((p, len(text)))
    return out


def _at_line_starts(pattern: re.Pattern) -> _Finder:
    """A `(?m)^…` pattern whose matches stay on their line, found from the
    newline before each line (the text's start tried on its own): a pattern
    that opens with `^` is tried at every position of the text, one that opens
    with a literal only where the literal stands."""
    assert pattern.pattern.startswith("(?m)^")
    body = pattern.pattern[len("(?m)^"):]
    after_nl = re.compile("(?m)\n" + body)

    def spans(text: str) -> list[tuple[int, int]]:
        out = []
        m = pattern.match(text)
        if m:
            out.append(m.span())
        out += [(m.start() + 1, m.end()) for m in after_nl.finditer(text, out[0][1] if out else 0)]
        return out
    return _Finder(pattern, spans)


_BAR_LINE_F = _Finder(_BAR_LINE, _bar_line_runs)
_MD_HEADING_F = _at_line_starts(_MD_HEADING)
_LEAD_SPACE_F = _at_line_starts(_LEAD_SPACE)
_BAR_INLINE_F = _Finder(_BAR_INLINE, _bar_inline_spans)
_TRAIL_SPACE_F = _Finder(_TRAIL_SPACE, _trail_space_spans)
_EDGES = re.compile(r"\A\s+|\s+\Z")

# Words after which a phrase cannot end: a line ending on one continues.
_CONTINUES = {
    "số", "ngày", "tháng", "năm", "của", "và", "về", "các", "cho", "với", "theo", "tại", "trong",
    "để", "được", "là", "có", "những", "một", "từ", "đến", "hoặc",
    "quyết", "nghị", "chỉ", "kế", "thông", "luật",
}
_WORD_WINDOW = max(map(len, _CONTINUES)) + 2
# (the newline first, the look-behind after it: the engine skips from newline to newline)
# A newline between two non-blank characters, but not after . ; : ! ? (kept
# whatever follows): the newline first, the look-behind after it, so the engine
# skips from newline to newline.
_LINE_BREAK_OPEN = re.compile(r"\n(?<=[^\s.;:!?]\n)(?=\S)")
_LIST_START = re.compile(r"(?:[-+•–]\s|[IVXLC]+\.\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|Điều\s+\d)")


_RULE_CHARS = "-_=*~."            # a line of only these is a rule drawn in text
_NUMBERED = re.compile(r"\d+[.)]\s")


def _joins(text: str) -> list[int]:
    """The newlines (between two non-blank characters) that break a line in
    mid-phrase: each becomes a space. A newline is kept after a line ending in
    . ; : ! ?, before a list item, next to a rule drawn in text; it is a join
    when the next line starts in lower case, the line ends on , ( - / or on a
    word that cannot end a phrase (`_CONTINUES`), or the next line starts with
    a digit that is not an item's number. The tests have no side effects, so
    the cheap ones come first: the reasons to join, then what forbids it."""
    out: list[int] = []
    n = len(text)
    rule_chars = _RULE_CHARS
    for m in _LINE_BREAK_OPEN.finditer(text):
        s = m.start()
        e = s + 1
        last = text[s - 1]          # the previous line's last character (not white space, not . ; : ! ?)
        first = text[e]             # the next line's first character (not white space)
        if first.islower() and last not in rule_chars and text[e + 1:e + 2] != ")":
            # the common join, decided without reading the next line: of the list
            # starts only `a)` and of the rules none open with a lower-case letter
            out.append(s)
            continue
        nxt_end = -1
        if not (first.islower() or last in ",(-/"):
            # the line's last word, read from a window that holds it whole or shows
            # it is longer than any word of _CONTINUES
            ls = text.rfind("\n", max(0, s - _WORD_WINDOW - 1), s) + 1
            lo = max(ls, s - _WORD_WINDOW)
            tail = text[lo:s].rsplit(None, 1)
            if not ((len(tail) == 2 or lo == ls) and tail and tail[-1].casefold() in _CONTINUES):
                # a digit-led next line joins only when it does not look like a list item
                if not first.isdigit():
                    continue
                nxt_end = text.find("\n", e)
                if nxt_end < 0:
                    nxt_end = n
                if _NUMBERED.match(text, e, nxt_end):
                    continue
        if nxt_end < 0:
            nxt_end = text.find("\n", e)
            if nxt_end < 0:
                nxt_end = n
        if _LIST_START.match(text, e, nxt_end):
            continue
        if last in rule_chars and not text[text.rfind("\n", 0, s) + 1:s].strip().strip(rule_chars):
            continue
        if first in rule_chars and not text[e:nxt_end].strip().strip(rule_chars):
            continue
        out.append(s)
    return out


# pandoc's backslash escapes (`1\\.`, `\\-\\-`) and hard line breaks (a `\\` ending a line)
_PANDOC_ESCAPE = re.compile(r"\\(?=[-.*_#+!()\[\]`|>~<'\"\\]|\n|$)", re.M)


class _Positions:
    """Positions in the text being cleaned, carried through every pass."""

    def __init__(self) -> None:
        self.pos: list[int] = []
        # Once moved, the positions are kept sorted (`_sorted`), with each one's
        # place in that order (`_rank`): a move keeps the order.
        self._sorted: list[int] | None = None
        self._rank: list[int] = []

    def add(self, p: int) -> int:
        assert self._sorted is None, "positions are added before any pass moves them"
        self.pos.append(p)
        return len(self.pos) - 1

    def apply(self, text: str, offs: list[int], pattern: re.Pattern, repl) -> tuple[str, list[int]]:
        edits: Edits = []
        text, offs = _apply(text, offs, pattern, repl, edits if self.pos else None)
        # replacements that keep their length move nothing
        if self.pos and edits and any(len(r) != e - s for s, e, r in edits):
            if self._sorted is None:
                order = sorted(range(len(self.pos)), key=self.pos.__getitem__)
                self._sorted = [self.pos[i] for i in order]
                self._rank = [0] * len(order)
                for k, i in enumerate(order):
                    self._rank[i] = k
            self._sorted = _move(self._sorted, edits)
        return text, offs

    def final(self) -> list[int]:
        """The positions, in the order they were added."""
        if self._sorted is None:
            return self.pos
        return [self._sorted[k] for k in self._rank]


def _raw_to_text(offs: list[int], raw_pos: int) -> int:
    """The first position of the text whose raw offset is at or after raw_pos
    (offsets are in raw order here: before any table is rewritten)."""
    return bisect_left(offs, raw_pos)


def clean(raw: RawDocument) -> CleanText:
    from vanban.pipeline.structure import markup

    text, offs = _normalize_chars(raw.text)
    track = _Positions()
    tables: list[tuple[TableSpans, list[list[tuple[int, int]]]]] = []     # cells as indices into track.pos

    def keep(found: list[TableSpans], shift=None) -> None:
        # (track.add inlined: a page of bar lines has thousands of cells)
        assert track._sorted is None, "positions are added before any pass moves them"
        pos = track.pos
        for t in found:
            rows = []
            for row in t.rows:
                cells = []
                for s, e in row:
                    if shift is not None:
                        s, e = shift(s), shift(e)
                    k = len(pos)
                    pos.append(s)
                    pos.append(e)
                    cells.append((k, k + 1))
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
        text, offs = track.apply(text, offs, _BAR_LINE_F, "")
        text, offs = track.apply(text, offs, _BAR_INLINE_F, lambda t: "\n" if "\n" in t else " ")
    if "*" in text:
        text, offs = track.apply(text, offs, _EMPHASIS, "")
    if "\\" in text:
        text, offs = track.apply(text, offs, _PANDOC_ESCAPE, "")
    if "#" in text:
        text, offs = track.apply(text, offs, _MD_HEADING_F, "")
    if "![" in text:
        text, offs = track.apply(text, offs, _MD_IMAGE, "")
    if " \n" in text or text.endswith(" "):
        text, offs = track.apply(text, offs, _TRAIL_SPACE_F, "")
    if "\n " in text or text.startswith(" "):
        text, offs = track.apply(text, offs, _LEAD_SPACE_F, "")
    if "  " in text:
        text, offs = track.apply(text, offs, _SPACES, " ")
    if "\n\n\n" in text:
        text, offs = track.apply(text, offs, _MANY_BLANK, "\n\n")
    # Joining broken lines comes last, so the positions of the joins it makes
    # are final (it keeps the length; nothing after it moves text but the trim).
    joined = _joins(text)
    if joined:
        pieces, last = [], 0
        for p in joined:
            pieces.append(text[last:p])
            last = p + 1
        pieces.append(text[last:])
        text = " ".join(pieces)
    # _EDGES (white space at either end) by slicing: the regex's `\s+\Z` is tried at
    # every run of white space in the text; str.strip() uses the same white space.
    lead = len(text) - len(text.lstrip())
    end = len(text.rstrip()) if lead < len(text) else lead
    if lead or end < len(text):
        text, offs = text[lead:end], offs[lead:end]
    n = len(text)
    joined = [p - lead for p in joined if lead <= p < end]
    spans = []
    pos = track.final()
    for found, rows in tables:
        out_rows = []
        for row in rows:
            cells = []
            for a, b in row:
                # (min and max written out: one cell is four calls otherwise)
                s = pos[a] - lead
                s = 0 if s < 0 else n if s > n else s
                e = pos[b] - lead
                e = s if e < s else n if e > n else e
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                cells.append((s, e))
            out_rows.append(cells)
        if any(s < e for row in out_rows for s, e in row):
            # the same rows and columns: what the file's markup said of them (header, merges) holds
            spans.append(TableSpans(rows=out_rows, source=found.source, header=found.header, merges=found.merges))
    offs.append(len(raw.text))          # (offs is this call's own list: no copy for one more entry)
    return CleanText(text=text, offsets=offs, raw=raw, joined=joined, tables=spans)


def clean_text(s: str) -> str:
    """Clean a bare string (tests, value normalization)."""
    return clean(RawDocument(path="<string>", format="txt", text=s)).text
