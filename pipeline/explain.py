"""`vanban explain`: every item with its context and the rule that produced it,
as text for a terminal or as an HTML page with the items marked.

The HTML page is displacy's span style (manual mode, no model needed), which
draws overlapping spans stacked: a date inside a citation, a target inside
another, a document field inside the header all show. Each mark carries its
item's number, which links to a table of the items below the text, and the
normalized value and rule on hover; a legend gives the colours and counts.
"""
from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass
from typing import Any, Iterator

from vanban.schemas.models import Extraction

# The item kinds, in the order the output lists them: (Extraction attribute, label).
KINDS = [("citations", "CITATION"), ("dates", "DATE"), ("commemorations", "COMMEMORATION"),
         ("targets", "TARGET"), ("signatories", "SIGNATORY")]
# Document fields (`document.spans`) are marked too, one label per field.
DOCUMENT = "document"
FIELD_COLOR = "#e0e0e0"
COLORS = {"CITATION": "#a6cee3", "DATE": "#fdbf6f", "COMMEMORATION": "#cab2d6", "TARGET": "#b2df8a",
          "SIGNATORY": "#fb9a99"}
DESCRIPTIONS = {"CITATION": "a document cited", "DATE": "a calendar date", "COMMEMORATION":
                "an anniversary or commemorative day", "TARGET": "a numeric goal (or a reported result)",
                "SIGNATORY": "who signs", DOCUMENT: "where a document field was read (number, issue date, title …)"}


@dataclass
class Marked:
    """One item as `explain` and the spaCy component place it."""
    group: str        # "citations" … "signatories", or "document"
    label: str        # CITATION … SIGNATORY, or the field name in upper case (NUMBER, ISSUE_DATE …)
    index: int        # its position in the Extraction's list (document fields: in `document.spans` order)
    start: int
    end: int
    page: int | None
    text: str
    value: str        # the normalized value, for a person
    rule: str | None
    item: Any         # the pydantic item (document fields: the field's value)


def _value(kind: str, it) -> str:
    if kind == "citations":
        return " ".join(x for x in (it.doc_type, it.number or "", it.date or "", f"[{it.relation}]") if x)
    if kind == "dates":
        return f"{it.value} ({it.role})"
    if kind == "commemorations":
        return f"{it.years or ''} năm {it.event} {it.origin_date or ''} → {it.date or ''}".strip()
    if kind == "targets":
        g = f", growth {it.growth_pct:g}%" if it.growth_pct is not None else ""
        return f"{it.indicator[:50]} {it.comparator} {it.value:g} {it.unit}{g} ({it.year}, {it.status})"
    return f"{it.name} — {it.title or ''} {('/ ' + it.on_behalf) if it.on_behalf else ''}".strip()


def marked_items(ex: Extraction) -> Iterator[Marked]:
    """Every item of an extraction with its offsets: the five kinds, then the
    document fields whose place in the text is known."""
    for attr, label in KINDS:
        for i, it in enumerate(getattr(ex, attr)):
            yield Marked(attr, label, i, it.start, it.end, it.page, it.text, _value(attr, it), it.rule, it)
    for i, (field, sp) in enumerate(ex.document.spans.items()):
        v = getattr(ex.document, field, None)
        yield Marked(DOCUMENT, field.upper(), i, sp.start, sp.end, sp.page, sp.text,
                     f"{field} = {v}" if v is not None else field, None, v)


def explain_lines(ex: Extraction, text: str, width: int = 40) -> list[str]:
    out = []
    for attr, label in KINDS:
        items = getattr(ex, attr)
        if not items:
            continue
        out.append(f"== {label} ({len(items)})")
        for it in items:
            left = text[max(0, it.start - width):it.start].replace("\n", " ")
            right = text[it.end:it.end + width].replace("\n", " ")
            mid = it.text.replace("\n", " ")
            page = f" p{it.page}" if it.page else ""
            out.append(f"  {_value(attr, it)}")
            out.append(f"    [{it.start}:{it.end}{page}] rule={it.rule}  …{left}«{mid}»{right}…")
    return out


# ---------------------------------------------------------------------------
# HTML

_BREAK = "\u2028"      # a line break inside a chunk: whitespace to displacy, <br> on the page


def _chunks(text: str, items: list[Marked]) -> list[tuple[int, int]]:
    """The text cut at line ends that no item crosses. displacy's span renderer
    looks at every span for every token, so each chunk is drawn with only its
    own items: the page costs the size of the text, not text × items."""
    cover = sorted((m.start, m.end) for m in items)
    cuts, j, reach = [], 0, -1
    for nl in (m.start() for m in re.finditer("\n", text)):
        while j < len(cover) and cover[j][0] < nl:
            reach = max(reach, cover[j][1])
            j += 1
        if reach <= nl:
            cuts.append(nl)
    out, start = [], 0
    for c in cuts:
        out.append((start, c))
        start = c + 1
    out.append((start, len(text)))
    return out


def _tokens(text: str, a: int, b: int, bounds: set[int]) -> tuple[list[str], list[int], list[int]]:
    """Tokens of text[a:b], cut at whitespace and at every item's start and end;
    with each token's start and end offsets."""
    toks, starts, ends = [], [], []
    for m in re.finditer(r"\n|[^\S\n]+|\S+", text[a:b]):
        s, e = a + m.start(), a + m.end()
        piece = m.group()
        if piece == "\n":
            toks.append(_BREAK), starts.append(s), ends.append(e)
            continue
        if piece.isspace():
            continue
        cuts = sorted({s, e} | {x for x in bounds if s < x < e})
        for x, y in zip(cuts, cuts[1:]):
            toks.append(text[x:y]), starts.append(x), ends.append(y)
    return toks, starts, ends


def _title(m: Marked) -> str:
    rule = f" · rule {m.rule}" if m.rule else ""
    page = f" · p{m.page}" if m.page else ""
    return f"{m.value}{rule} · [{m.start}:{m.end}]{page}"


def explain_html(ex: Extraction, text: str, name: str | None = None) -> str:
    """A standalone page: legend, the text with every item marked (overlaps
    stacked), and the items' table. `name` is the page's title (default: the
    source's path)."""
    from bisect import bisect_left, bisect_right

    from spacy import displacy

    items = list(marked_items(ex))
    for n, m in enumerate(items, 1):
        m.number = n                                  # type: ignore[attr-defined]
    colors = dict(COLORS)
    colors.update({m.label: FIELD_COLOR for m in items if m.group == DOCUMENT})
    bounds = {x for m in items for x in (m.start, m.end)}
    by_start = sorted(items, key=lambda m: m.start)
    starts_sorted = [m.start for m in by_start]
    parsed = []
    for a, b in _chunks(text, items):
        toks, ts, te = _tokens(text, a, b, bounds)
        spans = []
        for m in by_start[bisect_left(starts_sorted, a):bisect_left(starts_sorted, b + 1)]:
            i, j = bisect_left(ts, m.start), bisect_right(te, m.end)
            if i >= j:                                # an empty item: mark the token it stands at
                j = min(i + 1, len(toks))
            spans.append({"start_token": i, "end_token": j, "label": m.label, "kb_id": str(m.number),
                          "kb_url": f"#item-{m.number}"})
        parsed.append({"text": text[a:b], "tokens": toks or [""], "spans": spans, "title": None,
                       "settings": {"lang": "vi", "direction": "ltr"}})
    markup = displacy.render(parsed, style="span", manual=True, page=False, jupyter=False,
                             options={"colors": colors})
    # The item's value and rule on hover: each item's link is unique (#item-N).
    by_number = {m.number: m for m in items}           # type: ignore[attr-defined]
    markup = re.sub(r'href="#item-(\d+)"', lambda g: f'{g.group(0)} title="{_html.escape(_title(by_number[int(g.group(1))]))}"',
                    markup)
    markup = markup.replace(_BREAK, "<br>")
    return _page(ex, name or ex.source.path, markup, items, colors)


def _page(ex: Extraction, name: str, markup: str, items: list[Marked], colors: dict[str, str]) -> str:
    esc = _html.escape
    counts: dict[str, int] = {}
    for m in items:
        key = DOCUMENT if m.group == DOCUMENT else m.label
        counts[key] = counts.get(key, 0) + 1
    legend = []
    for _, label in KINDS:
        legend.append(f'<li><span class="sw" style="background:{colors[label]}"></span><b>{label}</b> '
                      f'({counts.get(label, 0)}): {esc(DESCRIPTIONS[label])}</li>')
    legend.append(f'<li><span class="sw" style="background:{FIELD_COLOR}"></span><b>NUMBER, ISSUE_DATE …</b> '
                  f'({counts.get(DOCUMENT, 0)}): {esc(DESCRIPTIONS[DOCUMENT])}</li>')
    rows = []
    for m in items:
        n = m.number                                   # type: ignore[attr-defined]
        rows.append(f'<tr id="item-{n}"><td>{n}</td><td>{esc(m.label)}</td><td>{esc(m.value)}</td>'
                    f'<td>{esc(m.rule or "")}</td><td>{m.start}–{m.end}</td><td>{m.page or ""}</td>'
                    f'<td>{esc(m.text)}</td></tr>')
    d = ex.document
    head = " · ".join(esc(str(x)) for x in (d.doc_type, d.number, d.issuer, d.issue_date or d.published_date) if x)
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{esc(name)}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; padding: 2rem; max-width: 70rem; }}
.legend {{ list-style: none; padding: 0; }} .legend li {{ margin: .2rem 0; }}
.sw {{ display: inline-block; width: 1.6em; height: .8em; margin-right: .4em; vertical-align: middle; }}
table.items {{ border-collapse: collapse; font-size: .85em; margin-top: 2rem; }}
table.items td, table.items th {{ border-top: 1px solid #ddd; padding: .2em .5em; vertical-align: top; text-align: left; }}
.spans a[title] {{ cursor: help; }}
</style>
</head>
<body>
<h1>{esc(name)}</h1>
<p>{head}</p>
<p>{len(items)} items. Hover over an item's number for its normalized value and the rule that found it;
the number links to the table below. Offsets are into the normalized text (<code>vanban text FILE</code>).</p>
<ul class="legend">
{chr(10).join(legend)}
</ul>
<div class="text">
{markup}
</div>
<table class="items">
<tr><th>#</th><th>kind</th><th>value</th><th>rule</th><th>offsets</th><th>page</th><th>text</th></tr>
{chr(10).join(rows)}
</table>
</body>
</html>
"""
