"""The preamble and the body's outline: sections, list items, paragraphs, tables.

Vietnamese documents number their headings in a fixed order (the law's Phần,
Chương, Mục, Điều; a plan's I., 1., 1.1., a), -, +): `numbering` in
structure.yaml gives each style a rank, and a heading closes every open section
of its rank or deeper. A numbered line with lines under it is a `section`
(its `heading` first); one without is a `list_item`. A line in capitals with no
number under a chapter number is that chapter's title; elsewhere it heads a
section one level below the one it stands in. Lines inside a data table are
not read as headings: the table is one block of the outline.
"""
from __future__ import annotations

from vanban.pipeline.structure.header import is_caps
from vanban.pipeline.structure.lines import _RULE_CHARS, Line, fold
from vanban.pipeline.structure.rules import is_basis, rules, style_of
from vanban.schemas.structure import Part

TITLE_TOPIC_MAX = 120       # a heading longer than this is a sentence, not a section name


def parse_preamble(lines: list[Line], i: int, stop: int) -> tuple[Part | None, int]:
    """The run of Căn cứ / Thực hiện / Xét lines from line i, and the enacting
    formula (`QUYẾT ĐỊNH:`) that closes it. Returns (part or None, next line)."""
    R = rules()
    if i >= stop or not is_basis(lines[i].text, lines[i].ft):
        return None, i
    bases: list[Part] = []
    j = i
    while j < stop:
        ln = lines[j]
        ft = ln.ft
        if not ln.hard and bases:
            bases[-1].end = ln.end          # a line cleaning joined goes on
            j += 1
            continue
        if is_basis(ln.text, ft):
            bases.append(Part("basis", ln.start, ln.end))
            j += 1
            continue
        if R.enacting_formula.search(ft):
            bases.append(Part("formula", ln.start, ln.end))
            j += 1
            break
        prev = lines[j - 1].text.rstrip()
        # a basis line wrapped onto the next line (not ended by ; or .)
        if (bases and bases[-1].kind == "basis" and not prev.endswith((";", ".", ":")) and not R.label.match(ln.text)
                and not is_caps(ln.text)):
            bases[-1].end = ln.end
            j += 1
            continue
        break
    if not bases:
        return None, i
    return Part("preamble", bases[0].start, bases[-1].end, children=bases), j


class _Open:
    __slots__ = ("rank", "part", "chapter")

    def __init__(self, rank: float, part: Part, chapter: bool) -> None:
        self.rank = rank
        self.part = part
        self.chapter = chapter


def build_outline(lines: list[Line], i0: int, i1: int, tables: list[Part], text: str) -> list[Part]:
    """The outline of lines [i0, i1): a list of top-level parts in order.
    `tables` are table parts lying in that range (sorted); their lines are one block."""
    R = rules()
    top: list[Part] = []
    stack: list[_Open] = []
    ti = 0
    last: Part | None = None          # the block a joined line continues
    end_of_range = lines[i1 - 1].end if i1 > i0 else len(text)

    def add(p: Part) -> None:
        (stack[-1].part.children if stack else top).append(p)

    def close(rank: float, at: int) -> None:
        while stack and stack[-1].rank >= rank:
            o = stack.pop()
            o.part.end = max(o.part.start, _last_end(o.part, at))

    j = i0
    while j < i1:
        ln = lines[j]
        # a data table here: one block
        while ti < len(tables) and tables[ti].end <= ln.start:
            ti += 1
        if ti < len(tables) and tables[ti].start <= ln.start < tables[ti].end:
            t = tables[ti]
            add(t)
            last = None
            while j < i1 and lines[j].start < t.end:
                j += 1
            ti += 1
            continue
        t = ln.text                    # (a line's text is stripped: is_rule inlined, its cheap test first)
        if t[0] in _RULE_CHARS and len(t) >= 2 and not t.strip(_RULE_CHARS):
            j += 1
            continue
        if last is not None and (not ln.hard or _runs_on(text, last, ln)):
            last.end = ln.end                   # the block goes on (a line cleaning joined, a wrapped line)
            j += 1
            continue
        m = R.label.match(ln.text)
        if m is not None and m.end() < len(ln.text) and not ln.text[m.end()].isspace() \
                and style_of(m) in ("dash", "plus", "bullet"):
            m = None
        if m is not None:
            style = style_of(m)
            num = R.numbering[style]
            rank: float = num.rank
            close(rank, ln.start)
            label = m.group().strip()
            title = ln.text[m.end():].strip() or None
            heading = Part("heading", ln.start, ln.end, label=label, level=len(stack) + 1)
            sec = Part("section", ln.start, ln.end, label=label, level=len(stack) + 1, title=title,
                       attrs={"style": style}, children=[heading])
            add(sec)
            stack.append(_Open(rank, sec, num.heading and title is None))
            last = heading
            j += 1
            continue
        t = ln.text
        caps_heading = (ln.hard and len(t) <= 160 and not t.endswith((".", ";", ",")) and not t[0].islower()
                        and is_caps(t) and sum(c.isalpha() for c in t) >= 4)
        if (caps_heading and last is not None and last.kind == "heading" and not ln.blank_before
                and is_caps(text[last.start:last.end]) and not text[last.start:last.end].rstrip().endswith((".", ":", ";"))):
            last.end = ln.end                   # `IV. TỔ CHỨC` / `THỰC HIỆN`: the heading goes on
            j += 1
            continue
        if caps_heading and stack and stack[-1].chapter and len(stack[-1].part.children) == 1:
            # `Chương I` / `QUY ĐỊNH CHUNG`: the chapter's title
            sec = stack[-1].part
            sec.children[0].end = ln.end
            sec.title = t
            stack[-1].chapter = False
            last = sec.children[0]
            j += 1
            continue
        if caps_heading:
            rank = (stack[-1].rank + 0.5) if stack else 4.5
            close(rank, ln.start)
            heading = Part("heading", ln.start, ln.end, level=len(stack) + 1)
            sec = Part("section", ln.start, ln.end, level=len(stack) + 1, title=t,
                       attrs={"style": "caps"}, children=[heading])
            add(sec)
            stack.append(_Open(rank, sec, False))
            last = heading
            j += 1
            continue
        last = Part("paragraph", ln.start, ln.end)
        add(last)
        j += 1
    close(-1, end_of_range)
    for p in top:
        _finish(p, text)
    return top


RUN_ON_MIN = 60            # a printed line this long that stops mid-sentence wraps onto the next
RUN_ON_HEADING = 80        # an item's first line this long is a sentence, not a heading
_TITLE_STYLES = {"part", "chapter", "mục", "article", "roman"}


def _runs_on(text: str, last: Part, ln: Line) -> bool:
    """A line the printer wrapped: the block's last line is long and stops
    without a sentence's end (`… quy mô dân số của các xã Tà` / `Mung, Tà Hừa …`),
    and this line opens no item, is no heading in capitals and follows without
    a blank line."""
    if ln.blank_before or last.kind not in ("paragraph", "heading"):
        return False
    prev_start = text.rfind("\n", last.start, last.end) + 1
    prev = text[max(prev_start, last.start):last.end].rstrip()
    if len(prev) < RUN_ON_MIN or prev.endswith((".", ";", ":", "!", "?", ")", "”", '"')):
        return False
    if last.kind == "heading":
        # an item's sentence may wrap; a heading's title (Điều, I., caps) does not take the text under it
        m = rules().label.match(prev)
        if is_caps(prev) or len(prev) < RUN_ON_HEADING or m is None or style_of(m) in _TITLE_STYLES:
            return False
    t = ln.text
    return not rules().label.match(t) and not is_caps(t) and not is_basis(t, ln.ft)


def _last_end(part: Part, at: int) -> int:
    end = part.end
    for c in part.children:
        end = max(end, c.end)
    return end


def _finish(p: Part, text: str) -> None:
    """Sections without content become list items; sections get their title
    (the heading without its number, lines cleaning joined included) and topic."""
    if p.kind != "section":
        return
    kids = p.children
    for c in kids:
        if c.kind == "section":
            _finish(c, text)
    h = kids[0]
    if p.label is not None:
        body = text[h.start:h.end]
        k = body.find(p.label)
        rest = _one_spaced(body[k + len(p.label):]) if k >= 0 else ""
        p.title = rest or p.title
    if len(kids) == 1 and p.attrs.get("style") != "caps":
        p.kind = "list_item"
        p.end = h.end
        p.children = []
        return
    end = p.start
    for c in kids:
        if c.end > end:
            end = c.end
    p.end = end
    if p.title and len(p.title) <= TITLE_TOPIC_MAX:
        ft = fold(p.title)
        R = rules()
        if R.any_topic.search(ft):          # (most titles name none: one search for all)
            for topic, rx in R.topics:
                if rx.search(ft):
                    p.attrs["topic"] = topic
                    break


def _one_spaced(s: str) -> str:
    """`" ".join(s.split())`, without splitting a string that is already so:
    every white space character but the plain space is unprintable."""
    t = s.strip()
    if "  " not in t and t.isprintable():
        return t
    return " ".join(t.split())
