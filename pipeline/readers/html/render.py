"""Rendering an element tree as lines of text, each with its link text and the
element it starts in."""
from __future__ import annotations

from vanban.pipeline.readers.html.tree import BLOCK_TAGS, CELL_TAGS, _SPACE, _tag


class Line:
    __slots__ = ("text", "link", "el")

    def __init__(self, text: str, link: int, el) -> None:
        self.text, self.link, self.el = text, link, el


def render(root, skip=frozenset(), cells_inline: bool = False) -> list[Line]:
    """Lines of text in document order: a block boundary or <br> ends a line;
    each table cell is its own line (or, with cells_inline, a row is one line)."""
    lines: list[Line] = []
    buf: list[str] = []
    state = {"link": 0, "el": None}

    def flush() -> None:
        s = _SPACE.sub(" ", "".join(buf)).strip()
        if s:
            lines.append(Line(s, min(state["link"], len(s)), state["el"]))
        buf.clear()
        state["link"] = 0
        state["el"] = None

    def add(s: str | None, in_link: bool, el) -> None:
        if not s:
            return
        if buf and buf[-1] and not buf[-1][-1].isspace() and buf[-1][-1] == ":" and not s[0].isspace():
            buf.append(" ")
        buf.append(s)
        if state["el"] is None and s.strip():
            state["el"] = el
        if in_link:
            state["link"] += len(_SPACE.sub(" ", s).strip())

    # Iterative walk: ("open", el, in_link) / ("close", el) / ("tail", text, in_link, el)
    stack: list = [("open", root, False)]
    while stack:
        item = stack.pop()
        if item[0] == "tail":
            add(item[1], item[2], item[3])
            continue
        if item[0] == "close":
            el = item[1]
            tag = _tag(el)
            if tag in BLOCK_TAGS:
                if cells_inline and tag in CELL_TAGS:
                    buf.append(" ")
                else:
                    flush()
            continue
        el, in_link = item[1], item[2]
        if not isinstance(el.tag, str) or el in skip:
            continue
        tag = _tag(el)
        if tag == "br":
            flush() if not cells_inline else buf.append(" ")
            continue
        if tag in ("img",):
            continue
        if tag in BLOCK_TAGS and not (cells_inline and tag in CELL_TAGS):
            flush()
        link = in_link or tag == "a"
        add(el.text, link, el)
        stack.append(("close", el))
        for c in reversed(list(el)):
            if c.tail:
                stack.append(("tail", c.tail, in_link, el))
            stack.append(("open", c, link))
    flush()
    return lines
