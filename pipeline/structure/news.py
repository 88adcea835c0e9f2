"""The parts of a news article: headline, lead (sapo), body, byline.

A web page's reader knows the headline and the byline from the page's markup
(`RawDocument.meta`); a plain text has only its lines. The headline is then
a Markdown heading, a line the page prints twice (the title and its repeat in
bold), or the first headline-like line before the body; the lead is the
paragraph after it, or the one opening with a press agency's tag (`(BĐ) -`);
the byline is a `Nguồn:` / `Theo …` line at the end, or a short name ending
the text (`T.SỸ`).
"""
from __future__ import annotations

import re

from vanban.pipeline.structure.lines import Line, fold
from vanban.pipeline.structure.rules import rules
from vanban.schemas.document import CleanText
from vanban.schemas.structure import Part

HEAD_CHARS = 3000
TAIL_CHARS = 1500
_NOT_HEADLINE = re.compile(r"Ảnh\s*:|^[•▪●\-+\[(]|^(?:Cổng|Trang) thông tin|Đường dây nóng")
_SOURCE_TAG = re.compile(r"\s*\((?:[^()\n]{1,12}|[\w-]+(?:\.[\w-]+)+)\)\s*-")    # (BĐ) -, (binhdinh.gov.vn) -
_AUTHOR_LINE = re.compile(r"[A-ZĐÀ-Ỹ][\w.\- ]+")


def _headline_like(t: str) -> bool:
    """Not a photo credit, a bullet, a site's banner, nor a numbered heading or
    item (`6. Chỉ tiêu chủ yếu đến năm 2030` opens an outline, not an article)."""
    return not _NOT_HEADLINE.search(t) and not rules().label.match(t)


def find_headline(clean: CleanText, lines: list[Line]) -> Line | tuple[int, int] | None:
    text = clean.text
    title = clean.raw.meta.get("title")
    if title:
        k = text.find(title, 0, HEAD_CHARS * 2)
        if k >= 0:
            return (k, k + len(title))
    head = [ln for ln in lines if ln.start < HEAD_CHARS]
    raw = clean.raw.text
    for ln in head[:15]:                         # a Markdown heading (`# …` in the raw text)
        r = clean.raw_offset(ln.start)
        ls = raw.rfind("\n", 0, r) + 1
        if raw[ls:r].lstrip().startswith("#") and ln.hard:
            return ln
    counts: dict[str, int] = {}
    for ln in head:
        counts[ln.text] = counts.get(ln.text, 0) + 1
    # The headline comes before the body: the first long sentence ends the search.
    body = next((i for i, ln in enumerate(head)
                 if len(ln.text.split()) > 45 or (ln.text.rstrip().endswith(".") and len(ln.text.split()) >= 15)),
                len(head))
    head = head[:body]
    for ln in head[:15]:
        t = ln.text
        if counts[t] >= 2 and len(t.split()) >= 5 and not t.endswith(".") and _headline_like(t):
            return ln
    for ln in head[:6]:
        t = ln.text
        if 8 <= len(t.split()) <= 45 and not t.endswith((".", ":", ";")) and ":" not in t[:25] and _headline_like(t):
            return ln
    return None


def find_byline(clean: CleanText, lines: list[Line]) -> tuple[int, int] | None:
    """The last `Nguồn:` / `Theo …` line of the tail, else a short name-like last line."""
    text = clean.text
    tail = len(text) - TAIL_CHARS
    R = rules()
    found = None
    for ln in lines:
        if ln.end < tail:
            continue
        m = R.byline.match(ln.ft)
        if m:
            found = (ln.start, ln.end)
    if found:
        return found
    if lines:
        last = lines[-1].text
        if (1 <= len(last.split()) <= 4 and not last.endswith((".", ":", "!", "?"))
                and _AUTHOR_LINE.fullmatch(last) and not re.search(r"\d", last)):
            return (lines[-1].start, lines[-1].end)
    return None


def parse_news(clean: CleanText, lines: list[Line]) -> list[Part]:
    parts: list[Part] = []
    if not lines:
        return parts
    hl = find_headline(clean, lines)
    hspan = (hl.start, hl.end) if isinstance(hl, Line) else hl
    by = find_byline(clean, lines)
    lead = None
    after = hspan[1] if hspan else 0
    for ln in lines:
        if ln.start < after:
            continue
        if hspan or _SOURCE_TAG.match(ln.text):
            if len(ln.text.split()) >= 12:
                lead = (ln.start, ln.end)
        break
    if hspan:
        parts.append(Part("headline", *hspan))
    if lead:
        parts.append(Part("lead", *lead))
    b0 = max(lead[1] if lead else 0, hspan[1] if hspan else 0)
    b1 = by[0] if by and by[0] >= b0 else lines[-1].end
    paras = [Part("paragraph", ln.start, ln.end) for ln in lines
             if ln.start >= b0 and ln.end <= b1 and not (hspan and ln.start < hspan[1])]
    if paras:
        parts.append(Part("body", paras[0].start, paras[-1].end, children=paras))
    if by and by[0] >= b0:
        parts.append(Part("byline", *by))
    parts.sort(key=lambda p: p.start)
    return parts
