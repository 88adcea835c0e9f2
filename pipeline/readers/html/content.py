"""The article's body: prose paragraphs score their ancestors, scaled by link
density (step 2), and the body's lines lose the lists of other articles and the
page furniture inside it (step 3)."""
from __future__ import annotations

from vanban.pipeline.readers.html.render import Line, render
from vanban.pipeline.readers.html.tree import BLOCK_TAGS, BOILER_HEADINGS, _DATE_RE, _UI_LINE, _norm_heading, _tag


def _paragraphs(root) -> list[tuple[object, str, int]]:
    """(block element, its own text, link chars) for each block with direct text."""
    out = []
    for ln in render(root):
        el = ln.el
        while el is not None and _tag(el) not in BLOCK_TAGS:
            el = el.getparent()
        out.append((el, ln.text, ln.link))
    return out


def _best_content(root, sizes):
    scores: dict = {}
    paras = _paragraphs(root)
    for el, text, link in paras:
        if el is None:
            continue
        n = len(text)
        if n < 25 or link > 0.5 * n or text.count(" ") < 3:
            continue
        s = 1 + text.count(",") + min(n / 100, 3)
        anc = el
        for level in range(6):
            if anc is None or _tag(anc) in ("html",):
                break
            div = 1 if level <= 1 else (2 if level == 2 else (level - 1) * 3)
            scores[anc] = scores.get(anc, 0) + s / div
            anc = anc.getparent()
    best, best_score = None, 0.0
    for el, s in scores.items():
        t = sizes.get(el)
        ld = (t.link / t.chars) if t and t.chars else 0
        final = s * (1 - ld)
        if final > best_score:
            best, best_score = el, final
    return best, best_score, paras


def _body_lines(content, skip) -> list[Line]:
    lines = render(content, skip=frozenset(skip))
    out: list[Line] = []
    in_list = False
    for ln in lines:
        t = ln.text
        n = len(t)
        if _norm_heading(t) in BOILER_HEADINGS:
            in_list = True
            continue
        linky = ln.link >= 0.5 * n
        if in_list:
            # After a "related articles" heading: skip its link lines (and their dates).
            if linky or n < 40 or _DATE_RE.fullmatch(t.strip("() ")):
                continue
            in_list = False
        if ln.link >= 0.9 * n and n < 120:
            continue          # a lone link: "Xem chi tiết", "Tải về", menu entries
        if _UI_LINE.match(t) and n < 100:
            continue
        out.append(ln)
    return out
