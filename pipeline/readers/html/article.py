"""Finding a page's article: chrome dropped, the body scored, then the headline,
the date line and the lead (sapo) around it, and its tables."""
from __future__ import annotations

import re

from vanban.pipeline.readers.html.chrome import _strip_chrome
from vanban.pipeline.readers.html.content import _best_content, _body_lines
from vanban.pipeline.readers.html.decoding import _WAYBACK, _XML_DECL
from vanban.pipeline.readers.html.headline import _title_candidates, _title_like
from vanban.pipeline.readers.html.metadata import _head_meta, _meta, find_byline, page_url
from vanban.pipeline.readers.html.render import render
from vanban.pipeline.readers.html.tables import _tables
from vanban.pipeline.readers.html.tree import (BLOCK_TAGS, BOILER_HEADINGS, _DATE_RE, _SPACE, _TITLE_WORDS,
                                               _UI_LINE, _contains, _measure, _norm_heading, _position_map, _tag,
                                               _words)
from vanban.pipeline.readers.base import ReadError
from vanban.schemas.document import TableSpans


def extract_article(html: str, path: str = "<html>") -> tuple[str, dict[str, str], list[str]]:
    """(text, meta, warnings) of a page's article. Raises ReadError when the
    page holds no article text at all."""
    text, meta, warnings, _ = _extract(html, path)
    return text, meta, warnings


def _extract(html: str, path: str) -> tuple[str, dict[str, str], list[str], list[TableSpans]]:
    """`extract_article`, with the article's tables as cell spans in its text."""
    import lxml.html
    from lxml import etree

    warnings: list[str] = []
    html = _XML_DECL.sub("", html, count=1)
    if _WAYBACK.search(html):
        html = _WAYBACK.sub("", html)
    if not html.strip():
        raise ReadError(path, "empty page (no HTML content)")
    try:
        root = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as e:
        raise ReadError(path, f"not a readable HTML page ({e})")
    head = _head_meta(root)
    url = page_url(html, head)

    # Footer text for the site owner, before chrome is dropped.
    body = root.find("body")
    if body is None:
        body = root
    all_lines_raw = [ln.text for ln in render(body)] if body is not None else []

    _strip_chrome(root, _measure)
    body = root.find("body")
    if body is None:
        body = root
    sizes = _measure(body)
    content, score, paras = _best_content(body, sizes)
    pos = _position_map(body)

    if content is None:
        lines = [ln for ln in render(body) if ln.link < 0.5 * len(ln.text)]
        if not lines:
            raise ReadError(path, "no article text in the page (only menus, links or nothing visible)")
        warnings.append("no main article found: all visible page text kept")
        text = "\n".join(ln.text for ln in lines)
        return text, _meta(head, None, None, None, all_lines_raw, url), warnings, _tables(lines, 0, body, warnings)

    # The body starts at its first prose paragraph.
    first_para = None
    skipped_title = False
    for el, t, link in paras:
        if el is not None and _contains(content, el) and len(t) >= 25 and link < 0.5 * len(t):
            if _tag(el) in ("h1", "h2", "h3", "h4", "h5", "h6") or _words(el) & _TITLE_WORDS:
                continue
            if _title_like(el, t) and not skipped_title:
                skipped_title = True      # a headline set inside the article container
                continue
            first_para = el
            break
    start_pos = pos.get(first_para if first_para is not None else content, 0)

    # Headline: the nearest h1 / title element before the body's first paragraph.
    headline_el, best_rank = None, None
    cands = list(_title_candidates(body))
    if any(pr >= 1 and pos.get(e, 1 << 30) <= start_pos for e, pr in cands):
        cands = [(e, pr) for e, pr in cands if pr >= 1]     # bold lines only when nothing better
    for el, prio in cands:
        p = pos.get(el)
        if p is None or p > start_pos:
            continue
        t = _SPACE.sub(" ", el.text_content()).strip()
        if not (8 <= len(t) <= 400) or _norm_heading(t) in BOILER_HEADINGS:
            continue
        if _contains(el, first_para) if first_para is not None else False:
            continue
        dist = start_pos - p
        if prio == 1 and dist > 150:
            continue
        if prio < 2 and len(t) > 120 and t[-1] in ".;":
            continue          # a lead paragraph set in a heading tag, not the headline
        rank = (-dist, prio)
        if best_rank is None or rank > best_rank:
            headline_el, best_rank = el, rank
    headline = _SPACE.sub(" ", headline_el.text_content()).strip() if headline_el is not None else None
    if not headline:
        for k in ("og:title", "ld:headline", "twitter:title"):
            if head.get(k):
                headline = head[k].strip()
                break
    if not headline and head.get("<title>"):
        headline = re.split(r"\s+[-–|]\s+", head["<title>"])[0].strip()

    # Date line: a short line with a date near the headline, outside the body.
    date_el, date_text = None, None
    if headline_el is not None:
        hpos = pos[headline_el]
        blocks = [b for b in _ordered_blocks(body, pos)
                  if not _contains(headline_el, b) and not _contains(b, headline_el)
                  and not _contains(b, content)
                  and (not _contains(content, b)
                       or (_contains(content, headline_el) and pos[b] < start_pos))]
        before = []
        for b in reversed([b for b in blocks if pos[b] < hpos]):
            if len(before) == 3 or _tag(b) in ("h1", "h2", "h3", "h4") or _words(b) & _TITLE_WORDS:
                break       # another heading: what precedes belongs to something else
            before.insert(0, b)
        after = [b for b in blocks if hpos < pos[b] < start_pos][:8]
        for b in after + list(reversed(before)):
            t = _SPACE.sub(" ", b.text_content()).strip()
            if len(t) <= 160 and _DATE_RE.search(t):
                date_el = _widen(b, headline_el, content, sizes)
                date_text = "\n".join(ln.text for ln in render(date_el, cells_inline=True))
                break

    skip = {e for e in (headline_el, date_el) if e is not None}
    body_lines = _body_lines(content, skip)
    # A lead paragraph (sapo) printed between the headline and the body proper.
    if headline_el is not None:
        lead = []
        hpos = pos[headline_el]
        for b in _ordered_blocks(body, pos):
            if not (hpos < pos[b] < pos[content]) or _contains(b, content) or _contains(headline_el, b):
                continue
            if date_el is not None and _contains(date_el, b):
                continue
            for ln in render(b):
                n = len(ln.text)
                if headline and _norm_heading(ln.text) == _norm_heading(headline):
                    continue
                if n >= 40 and ln.link < 0.3 * n and not _UI_LINE.match(ln.text) \
                        and _norm_heading(ln.text) not in BOILER_HEADINGS:
                    lead.append(ln)
        body_lines = lead + body_lines
    else:
        lead = []
    if not body_lines:
        raise ReadError(path, "no article text in the page")
    byline = find_byline([ln.text for ln in body_lines])
    parts = []
    if headline:
        parts.append(headline)
    if date_text:
        parts.append(date_text)
    parts.append("\n".join(ln.text for ln in body_lines))
    text = "\n\n".join(parts)
    first = sum(len(x) + 2 for x in parts[:-1]) + sum(len(ln.text) + 1 for ln in lead)
    tables = _tables(body_lines[len(lead):], first, content, warnings)
    meta = _meta(head, headline, date_text, byline[1] if byline else None, all_lines_raw, url)
    if headline_el is None:
        warnings.append("no headline element found: title taken from page metadata")
    return text, meta, warnings, tables


def _ordered_blocks(body, pos):
    """Elements that carry text of their own, in document order."""
    seen, out = set(), []
    for ln in render(body):
        el = ln.el
        while el is not None and _tag(el) not in BLOCK_TAGS:
            el = el.getparent()
        if el is not None and el not in seen and el in pos:
            seen.add(el)
            out.append(el)
    return out


def _widen(el, headline_el, content, sizes):
    """The largest ancestor of a date block that is still a short line of its own
    (e.g. the table row holding the category and the time)."""
    best = el
    anc = el.getparent()
    while anc is not None and _tag(anc) not in ("body", "html"):
        if _contains(anc, headline_el) or _contains(anc, content):
            break
        t = sizes.get(anc)
        if t is None or t.chars > 160:
            break
        best = anc
        anc = anc.getparent()
    return best
