"""The printed lines of a cleaned text, and an accent-free form to match them.

Cleaning joins a line broken in mid-phrase (the newline becomes a space) and
records where (`CleanText.joined`); the structure stage needs the printed line
starts back, because a header or a signature block is read line by line. A
line is cut at a newline and at a joined break; `hard` says which. Page markers
that OCR tools write (`--- PAGE 2 ---`, `--- PAGE BREAK ---`) are cut out of
the lines they sit on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# The accent-free form and the capitals test are the extractors' (they match
# header and signature words the same way).
from vanban.extractors.text import fold, is_caps  # noqa: F401

_PAGE_MARK = re.compile(r"-{2,}\s*PAGE(?:\s+\d+|\s+BREAK)\s*-{2,}", re.I)
_RULE_CHARS = "-_=~.*·—– "
_RULE_PREFIX = re.compile(r"[-_=~.*·]{3,}\s*")


@dataclass(slots=True)
class Line:
    start: int          # offsets into the cleaned text, white space trimmed
    end: int
    text: str
    hard: bool          # begins after a newline (or at the start), not at a joined break
    blank_before: bool  # a blank line (or the start of the text) comes before it
    folded: str = ""    # `fold(text)`: capitals without accents, same length

    @property
    def ft(self) -> str:
        if not self.folded and self.text:
            self.folded = fold(self.text)
        return self.folded


def physical_lines(text: str, joined: list[int]) -> list[Line]:
    """Every non-blank printed line, in order."""
    page_marks = ("PAGE" in text or "page" in text) and _PAGE_MARK.search(text) is not None
    if page_marks:
        return _lines_cut_at_marks(text, joined)
    # A joined break is a space in the text: written as "\r" (which cleaned text
    # never holds) it splits like a newline, and the pieces keep their offsets.
    if joined:
        parts, last = [], 0
        for c in sorted(joined):
            parts.append(text[last:c])
            last = c + 1
        parts.append(text[last:])
        marked = "\r".join(parts)
    else:
        marked = text
    out: list[Line] = []
    append = out.append
    pos = 0
    blank = True
    for raw_line in marked.split("\n"):
        n = len(raw_line)
        if not raw_line or raw_line.isspace():
            blank = True
        elif "\r" not in raw_line:
            st = raw_line.strip()
            a2 = pos + n - len(raw_line.lstrip())
            append(Line(a2, a2 + len(st), st, True, blank))
            blank = False
        else:
            a, hard = pos, True
            for piece in raw_line.split("\r"):
                ps = piece.strip()
                if ps:
                    a2 = a + len(piece) - len(piece.lstrip())
                    append(Line(a2, a2 + len(ps), ps, hard, blank))
                    blank = False
                a += len(piece) + 1
                hard = False
        pos += n + 1
    return out


def _lines_cut_at_marks(text: str, joined: list[int]) -> list[Line]:
    """`physical_lines` of a text with page markers (`--- PAGE 2 ---`), which cut lines too."""
    out: list[Line] = []
    append = out.append
    cuts = sorted(joined)
    k, ncut = 0, len(cuts)
    pos = 0
    blank = True
    page_marks = ("PAGE" in text or "page" in text) and _PAGE_MARK.search(text) is not None
    for raw_line in text.split("\n"):
        end = pos + len(raw_line)
        st = raw_line.strip()
        if not st:
            blank = True
            pos = end + 1
            continue
        if (k < ncut and cuts[k] < end) or (page_marks and "-" in raw_line):
            # joined breaks (and page markers) cut this line further
            starts = [pos]
            while k < ncut and cuts[k] < end:
                if cuts[k] >= pos:
                    starts.append(cuts[k] + 1)
                k += 1
            starts.append(end + 1)
            for idx in range(len(starts) - 1):
                s, e = starts[idx], starts[idx + 1] - 1
                pieces = _cut_page_marks(text, s, e) if page_marks else ((s, e),)
                for j, (a, b) in enumerate(pieces):
                    piece = text[a:b]
                    ps = piece.strip()
                    if ps:
                        a2 = a + len(piece) - len(piece.lstrip())
                        append(Line(a2, a2 + len(ps), ps, idx == 0 and j == 0, blank))
                        blank = False
        else:
            a2 = pos + len(raw_line) - len(raw_line.lstrip())
            append(Line(a2, a2 + len(st), st, True, blank))
            blank = False
        pos = end + 1
    return out


def _cut_page_marks(text: str, s: int, e: int) -> list[tuple[int, int]]:
    if "PAGE" not in text[s:e].upper():
        return [(s, e)]
    out = []
    last = s
    for m in _PAGE_MARK.finditer(text, s, e):
        out.append((last, m.start()))
        last = m.end()
    out.append((last, e))
    return out


def strip_rule(line: Line) -> Line:
    """`--- Độc lập - Tự do - Hạnh phúc`: a rule drawn before the words goes."""
    m = _RULE_PREFIX.match(line.text)
    if not m or m.end() >= len(line.text):
        return line
    return Line(line.start + m.end(), line.end, line.text[m.end():], line.hard, line.blank_before,
                line.ft[m.end():])


def is_rule(s: str) -> bool:
    """A line drawn with -, _, = … only."""
    t = s.strip()
    return len(t) >= 2 and t[0] in _RULE_CHARS and not t.strip(_RULE_CHARS)
