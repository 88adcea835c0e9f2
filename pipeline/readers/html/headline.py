"""Headline candidates (step 4): an <h1>, an element whose class/id names a
title, an <h2>/<h3>, or a short line set off in large or bold type."""
from __future__ import annotations

import re

from vanban.pipeline.readers.html.tree import BLOCK_TAGS, CELL_TAGS, _SPACE, _TITLE_WORDS, _tag, _words


_FONT_SIZE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt|em|rem)", re.I)


def _emphasis(el) -> int:
    """How strongly a block is set off as a heading: 2 large type, 1 bold
    (style, or wholly inside <b>/<strong>), 0 plain."""
    st = (el.get("style") or "").lower()
    m = _FONT_SIZE.search(st)
    if m:
        v, unit = float(m.group(1)), m.group(2).lower()
        px = v * {"px": 1, "pt": 4 / 3, "em": 16, "rem": 16}[unit]
        if px >= 17:
            return 2
    if re.search(r"font-weight\s*:\s*(?:bold|[6-9]00)", st):
        return 1
    kids = [c for c in el if isinstance(c.tag, str)]
    if len(kids) == 1 and _tag(kids[0]) in ("b", "strong") and not (el.text or "").strip() \
            and not (kids[0].tail or "").strip():
        return 1
    return 0


def _in_multicell_row(el) -> bool:
    a = el
    while a is not None and _tag(a) not in CELL_TAGS:
        a = a.getparent()
    if a is None or a.getparent() is None:
        return False
    cells = [c for c in a.getparent() if _tag(c) in CELL_TAGS and c.text_content().strip()]
    return len(cells) >= 2


def _title_like(el, text: str) -> bool:
    """A short emphasized line that reads as a headline (not a document's
    all-caps header, not a layout table's cell, not a sentence)."""
    if not (15 <= len(text) <= 250) or text.upper() == text or text[-1] in ".;:,":
        return False
    return _emphasis(el) > 0 and not _in_multicell_row(el)


def _title_candidates(root):
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = _tag(el)
        if tag == "h1":
            yield el, 3
        elif _words(el) & _TITLE_WORDS and tag not in ("html", "body", "title", "table", "tbody", "tr"):
            yield el, 2
        elif tag in ("h2", "h3"):
            yield el, 1
        elif tag in BLOCK_TAGS and tag not in ("table", "tbody", "tr", "ul", "ol", "body", "html"):
            t = _SPACE.sub(" ", el.text_content()).strip()
            if t and _title_like(el, t):
                yield el, 2 if _emphasis(el) == 2 else 0
