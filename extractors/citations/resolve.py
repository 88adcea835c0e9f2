"""Resolving mentions into citations: one entry per distinct document."""
from __future__ import annotations

import re

from vanban.extractors.symbols import issuer_code, normalize_symbol, symbol_year
from vanban.extractors.citations.keys import _canon_number, mention_key, title_key
from vanban.extractors.citations.mention import Mention
from vanban.extractors.citations.titles import _fold
from vanban.schemas.document import Doc
from vanban.schemas.models import Citation, Span


def resolve(doc: Doc, mentions: list[Mention]) -> list[Citation]:
    """Mentions of one document become one citation, keyed by number (or by type
    and title); lists share their trailing date, issuer and title; short forms
    join the full mention."""
    text = doc.text
    # "đề nghị của Chính phủ tại Tờ trình số 357/TTr-CP và Đề án số 358/ĐA-CP": the
    # body named before the list issued each member whose symbol names it too
    for a, b in zip(mentions, mentions[1:]):
        if a.extra.get("issuer_before") and b.issuer is None and a.number and b.number \
                and b.start - a.end < 40 and re.fullmatch(r"\s*(?:,|và)\s*", text[a.end:b.start]) \
                and issuer_code(normalize_symbol(a.number)) == issuer_code(normalize_symbol(b.number)):
            b.issuer = a.issuer
            b.extra["issuer_before"] = True
    # A list ("Quyết định số 309/QĐ-BCT và Quyết định số 310/QĐ-BCT ngày … của … về …")
    # shares the date, issuer and title printed after its last member.
    for i in range(len(mentions) - 2, -1, -1):
        a, b = mentions[i], mentions[i + 1]
        if a.extra.get("short") or b.extra.get("short"):
            continue
        gap = text[a.end:b.start] if b.start - a.end < 40 else "·"
        if a.date is None and a.issuer is None and a.title is None and re.fullmatch(r"\s*(?:,|và|;)?\s*(?:các\s+)?", gap) \
                and (a.doc_type == b.doc_type or not b.doc_type):
            a.date, a.issuer, a.title = b.date, b.issuer, b.title
        elif a.issuer is None and a.date is not None and a.title is None and re.fullmatch(r"\s*(?:,|và)\s*(?:các\s+)?", gap):
            a.issuer = b.issuer
    entries: dict[str, dict] = {}
    order: list[str] = []
    # A law named without its number ("Luật Giáo dục") is the numbered one
    # named the same way elsewhere ("Luật Giáo dục số 43/2019/QH14"), however
    # OCR spelled either ("Tổ chức chính quyên địa phương").
    numbered_titles: dict[str, str] = {}
    for m in mentions:
        if m.number and m.title:
            numbered_titles.setdefault(title_key(m), "N:" + _canon_number(m.number))
    for men in mentions:
        if men.extra.get("short"):
            continue
        # Group by number (a later mention may lack the date the key needs).
        key = ("N:" + _canon_number(men.number)) if men.number else \
            numbered_titles.get(title_key(men)) or "T:" + title_key(men)
        span = Span(**doc.span(men.start, men.end))
        if key not in entries:
            entries[key] = {"m": men, "mentions": [span], "titles": {}}
            order.append(key)
        else:
            e = entries[key]
            e["mentions"].append(span)
            complete(e["m"], men)
        if men.title:
            t = entries[key]["titles"]
            t[men.title] = t.get(men.title, 0) + 1
    # Short re-mentions ("Quyết định 2270", "Nghị định số 34") join the full
    # mention with that number; one printed with "số" and no full mention
    # is a citation of its own ("Nghị quyết số 30a năm 2010").
    by_short: dict[tuple[str, str], list[str]] = {}
    for key in order:
        e = entries[key]["m"]
        if e.number:
            lead = re.match(r"\d+[a-z]?", e.number)
            if lead:
                by_short.setdefault((e.doc_type.casefold(), lead.group().lstrip("0") or "0"), []).append(key)
    for men in mentions:
        num = men.extra.get("short")
        if not num:
            continue
        # "Nghị định 30/2020" is the 30/…/NĐ-CP of 2020, not of 2019
        year = men.extra.get("year")
        keys = [k for k in by_short.get((men.doc_type.casefold(), num.lstrip("0") or "0"), [])
                if not year or str(symbol_year(entries[k]["m"].number) or year) == year]
        key = keys[0] if keys else None
        span = Span(**doc.span(men.start, men.end))
        if key:
            entries[key]["mentions"].append(span)
        elif men.extra.get("numbered"):
            men.number = men.extra["printed"]
            if men.extra.get("year"):
                men.extra["key_year"] = men.extra["year"]
            key = "S:" + men.doc_type.casefold() + "|" + num + "|" + (men.extra.get("year") or "")
            if key in entries:
                entries[key]["mentions"].append(span)
            else:
                entries[key] = {"m": men, "mentions": [span], "titles": {}}
                order.append(key)
    out = []
    for key in order:
        e = entries[key]
        m: Mention = e["m"]
        if e["titles"] and m.title and not m.number:
            # a name printed several ways: the spelling most mentions use,
            # the longer (with its year) on a tie
            m.title = max(e["titles"], key=lambda t: (e["titles"][t], len(t)))
        out.append(Citation(
            doc_type=m.doc_type, number=m.number, date=m.date, issuer=m.issuer, title=m.title,
            relation=m.relation, pin=m.pin, key=mention_key(m), mentions=sorted(e["mentions"], key=lambda x: x.start),
            rule="number" if m.number else "named",
            **doc.span(m.start, m.end)))
    return out


def complete(first: Mention, men: Mention) -> None:
    """One entry keeps the most complete account of its document: the number,
    date, issuer, title and pin from whichever mention has them, and a law's
    name with its year over the name alone."""
    if first.number is None and men.number is not None:
        first.number = men.number
    for f in ("date", "issuer", "title", "pin"):
        if getattr(first, f) is None and getattr(men, f) is not None:
            setattr(first, f, getattr(men, f))
    if first.title and men.title and men.title != first.title and _fold(men.title) == _fold(first.title) \
            and len(men.title) > len(first.title) and re.search(r"\d{4}$", men.title):
        first.title = men.title
    if first.relation == "unknown":
        first.relation = men.relation
