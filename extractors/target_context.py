"""Where a figure stands: the kind of section, list or part around it.

A plan says what its figures are by where it prints them: under "II. MỤC TIÊU"
or "a) Chỉ tiêu" every figure is a goal; under "KẾT QUẢ THỰC HIỆN" they are
results; a line "Phấn đấu đến năm 2030 đạt các chỉ tiêu sau:" makes the list
under it goals; figures in a Kinh phí or Tiêu chuẩn khen thưởng section are
neither. `Zones(doc).at(i)` answers for offset i.

The sections come from the structure stage (`doc.structure`) when it has run;
otherwise from the printed headings (`I.`, `1.`, `1.1.`, `a)`, lines in
capitals), read here. Heading words are rule data: `data/target_cues.yaml`.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from vanban.extractors.data import load
from vanban.schemas.document import Doc

MAX_LIST_LINES = 80      # a list announced by a lead-in line is read this far at most
MAX_LEAD_IN = 400        # an announcing sentence is no longer than this
MAX_TITLE = 110          # a longer "heading" is a numbered paragraph: it is not classified


@lru_cache(maxsize=1)
def _section_rx() -> list[tuple[str, re.Pattern]]:
    return [(s["kind"], re.compile(s["pattern"], re.I)) for s in load("target_cues")["sections"]]


@lru_cache(maxsize=1)
def _lead_rx() -> re.Pattern:
    return re.compile("|".join(f"(?:{x['pattern']})" for x in load("target_cues")["lead_ins"]), re.I)


_YEAR_TITLE = re.compile(r"(?i:(?:đến|tới|đến\s+hết|trong|năm)\s+(?:năm\s+)?(?P<y>(?:19|20)\d\d)|"
                         r"(?:giai\s+đoạn|thời\s+kỳ)\s+(?:19|20)\d\d\s*[-–]\s*(?P<y2>(?:19|20)\d\d))")


@lru_cache(maxsize=8192)          # headings repeat across documents (MỤC TIÊU, TỔ CHỨC THỰC HIỆN …)
def heading_kind(title: str) -> str | None:
    """The kind of section a heading opens ("II. MỤC TIÊU" → goal), or None."""
    t = " ".join(title.split()).strip(" .:;")
    t = re.sub(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*", "", t, flags=re.I)
    if not t or len(t) > MAX_TITLE or re.search(r"\d+(?:,\d+)?\s*%", t):
        return None
    for kind, rx in _section_rx():
        if rx.search(t):
            return kind
    return None


@lru_cache(maxsize=8192)
def title_year(title: str) -> int | None:
    m = None
    for m in _YEAR_TITLE.finditer(title):
        pass
    if not m:
        return None
    return int(m.group("y") or m.group("y2"))


@dataclass
class Section:
    start: int
    end: int
    level: int
    title: str
    kind: str | None
    year: int | None


@dataclass
class Where:
    kind: str | None          # the innermost classified section's kind (None: nothing says)
    year: int | None          # the year the innermost heading with one names ("đến năm 2030")
    lead_in: bool             # under a line that announces goals
    appendix: bool
    skip: bool                # header, preamble, signature, recipients: no targets there
    section: int = -1         # start of the section (or announced list) that gave `kind`


# ---- the printed outline (used when the structure stage has not run) ----------------

_ROMAN = re.compile(r"^\s*(?:(?:PHẦN|Phần|CHƯƠNG|Chương)\s+)?(?P<label>[IVX]{1,5})[.)/]\s*(?P<title>\S.*)$")
_DEC3 = re.compile(r"^\s*(?P<label>\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(?P<title>\S.*)$")
_DEC2 = re.compile(r"^\s*(?P<label>\d{1,2}\.\d{1,2})\.?\s+(?P<title>\S.*)$")
_DEC = re.compile(r"^\s*(?P<label>\d{1,2})[.)]\s*(?P<title>[^\d\s].*)?$")
_ALPHA = re.compile(r"^\s*(?P<label>[a-zđ])\)\s*(?P<title>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?:[IVX]{1,5}[.)/]|\d{1,2}(?:\.\d{1,2})*[.)]?\s|[a-zđ]\))")
_BULLET = re.compile(r"^\s*(?P<b>[-+•*–])\s*")
_APPENDIX = re.compile(r"^\s*(?:PHỤ\s+LỤC|Phụ\s+lục|PHỤ\s+BIỂU|Phụ\s+biểu|BIỂU\s+(?:MẪU|SỐ|TỔNG\s+HỢP)|Biểu\s+số|"
                       r"Mẫu\s+số|MẪU\s+SỐ|DANH\s+MỤC)\b")
_CAPS = re.compile(r"^[^a-zàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]*[A-ZĐ][^a-z]*$")


# "Kết quả thực hiện các chỉ tiêu như sau:" announces results, not goals
_NOT_ANNOUNCING = ("result", "task", "budget", "criteria")
_COLON_END = re.compile(r":(?=[^\S\n]*(?:\n|\Z))")


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in re.finditer(r"\n", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _heading(line: str) -> tuple[int, str] | None:
    """(level, title) when a printed line opens a section."""
    for level, rx in ((1, _ROMAN), (4, _DEC3), (3, _DEC2), (2, _DEC), (5, _ALPHA)):
        m = rx.match(line)
        if m:
            return level, (m.group("title") or "").strip()
    s = line.strip()
    if 3 <= len(s) <= 90 and _CAPS.match(s) and len(s.split()) >= 2 and re.search(r"[A-ZĐ]{2}", s):
        return 1, s
    return None


def outline_from_text(text: str) -> tuple[list[Section], int | None]:
    """Sections from the printed headings, and where the first appendix starts."""
    lines = _lines(text)
    heads: list[tuple[int, int, int, str]] = []   # (line index, start, level, title)
    appendix = None
    consumed = -1
    for k, (a, b) in enumerate(lines):
        if k == consumed:
            continue
        line = text[a:b]
        if appendix is None and k > 5 and _APPENDIX.match(line) and len(line.strip()) < 120:
            appendix = a
        h = _heading(line)
        if not h:
            continue
        level, title = h
        # a heading printed over two lines ("II. MỤC" / "TIÊU"): the second has no numbering
        if k + 1 < len(lines) and title and _CAPS.match(title):
            nxt = text[lines[k + 1][0]:lines[k + 1][1]].strip()
            if nxt and _CAPS.match(nxt) and len(nxt) < 60 and not _NUMBERED.match(nxt):
                title = title + " " + nxt
                consumed = k + 1
        heads.append((k, a, level, title))
    sections: list[Section] = []
    for i, (k, a, level, title) in enumerate(heads):
        end = len(text)
        for k2, a2, level2, _ in heads[i + 1:]:
            if level2 <= level:
                end = a2
                break
        sections.append(Section(a, end, level, title, heading_kind(title), title_year(title)))
    return sections, appendix


# ---- zones ---------------------------------------------------------------------------

class Zones:
    """Answers `at(i)`: where offset i stands (see the module's docstring)."""

    def __init__(self, doc: Doc, default: str | None = None):
        text = doc.text
        self.text = text
        self.default = default
        st = doc.structure
        self.skip_spans: list[tuple[int, int]] = []
        if st.parts:
            self.sections = [Section(p.start, p.end, p.level, p.title or "", heading_kind(p.title or ""),
                                     title_year(p.title or "")) for p in st.find("section")]
            apps = st.find("appendix")
            self.appendix = [(p.start, p.end) for p in apps]
            for kind in ("header", "preamble", "signature", "recipients", "footnote"):
                self.skip_spans += [(p.start, p.end) for p in st.find(kind)]
            # an appendix's own heading says what it holds ("Phụ lục: Các chỉ tiêu …")
            for p in apps:
                title = text[p.start:min(p.end, p.start + 300)]
                kind = heading_kind(" ".join(title.split()[:20]))
                if kind:
                    self.sections.append(Section(p.start, p.end, 0, title, kind, title_year(title)))
        else:
            self.sections, app = outline_from_text(text)
            self.appendix = [(app, len(text))] if app is not None else []
        self.sections.sort(key=lambda s: (s.start, -s.end))
        self._starts = [s.start for s in self.sections]
        # each section's parent (the nearest earlier one that contains it): a lookup
        # walks up from the latest section starting at or before i
        self._parent: list[int] = []
        stack: list[int] = []
        for k, s in enumerate(self.sections):
            while stack and not (self.sections[stack[-1]].start <= s.start < self.sections[stack[-1]].end):
                stack.pop()
            self._parent.append(stack[-1] if stack else -1)
            stack.append(k)
        self.lead_ins = self._lead_ins(text)
        self._lead_starts = [a for a, _, _ in self.lead_ins]

    def _lead_ins(self, text: str) -> list[tuple[int, int, int | None]]:
        """Lists announced by a line ending in ':' that names goals: (start, end, year)."""
        out = []
        rx = _lead_rx()
        lines = _lines(text)
        starts = [a for a, _ in lines]
        # only lines that end in ':' (found by one scan) can announce a list
        for m in _COLON_END.finditer(text):
            k = bisect_right(starts, m.start()) - 1
            a, b = lines[k]
            line = text[a:b].rstrip()
            if not line.endswith(":"):
                continue
            # the announcing sentence: after the last full stop (a long paragraph may
            # close with it: "…; các nội dung này được cụ thể hóa bằng các chỉ tiêu sau:")
            sent = re.split(r"[.;]\s", line)[-1]
            if len(sent) > MAX_LEAD_IN or not rx.search(sent) or \
                    heading_kind(line) in _NOT_ANNOUNCING or heading_kind(sent) in _NOT_ANNOUNCING:
                continue
            mb = _BULLET.match(line)
            bullet = mb.group("b") if mb else None
            h = _heading(line)
            end = lines[min(k + MAX_LIST_LINES, len(lines) - 1)][1]
            for a2, b2 in lines[k + 1:k + 1 + MAX_LIST_LINES]:
                nl = text[a2:b2]
                if not nl.strip():
                    continue
                h2 = _heading(nl)
                if h2 and (h is None or h2[0] <= h[0]):
                    end = a2
                    break
                m2 = _BULLET.match(nl)
                if bullet is not None and m2 and m2.group("b") == bullet:
                    end = a2
                    break
                if nl.rstrip().endswith(":") and _BULLET.match(nl) is None and h2 is None:
                    end = a2
                    break
            out.append((b, end, title_year(sent)))
        return out

    def at(self, i: int) -> Where:
        kind = year = None
        year_at = -1
        k = bisect_right(self._starts, i) - 1
        chain = []
        while k >= 0:
            s = self.sections[k]
            if s.start <= i < s.end:
                chain.append(s)
            k = self._parent[k]
        section = -1
        for s in reversed(chain):          # outermost first: the innermost that says wins
            if s.kind is not None:
                kind, section = s.kind, s.start
            if s.year is not None:
                year, year_at = s.year, s.start
        lead = False
        n = bisect_right(self._lead_starts, i)
        for a, b, y in self.lead_ins[max(0, n - 3):n]:
            if a <= i < b:
                lead = True
                section = max(section, a)
                if y is not None and a > year_at:
                    year = y
        appendix = any(a <= i < b for a, b in self.appendix)
        skip = any(a <= i < b for a, b in self.skip_spans)
        if kind is None and not appendix:
            kind = self.default
        return Where(kind=kind, year=year, lead_in=lead, appendix=appendix, skip=skip, section=section)
