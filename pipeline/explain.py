"""`vanban explain`: every item with its context and the rule that produced it,
as text for a terminal or as an HTML page with the items highlighted.

The HTML page uses spaCy's displacy in manual mode (no model needed): the
normalized text and the items' character spans, one colour per kind.
"""
from __future__ import annotations

from vanban.schemas.models import Extraction

KINDS = [("citations", "CITATION"), ("dates", "DATE"), ("commemorations", "COMMEMORATION"),
         ("targets", "TARGET"), ("signatories", "SIGNATORY")]
COLORS = {"CITATION": "#a6cee3", "DATE": "#fdbf6f", "COMMEMORATION": "#cab2d6", "TARGET": "#b2df8a",
          "SIGNATORY": "#fb9a99"}


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


def explain_html(ex: Extraction, text: str) -> str:
    from spacy import displacy

    spans = []
    for attr, label in KINDS:
        for it in getattr(ex, attr):
            spans.append({"start": it.start, "end": it.end, "label": label})
    # displacy draws entities without overlaps: keep the earliest, then the longest
    spans.sort(key=lambda s: (s["start"], -(s["end"] - s["start"])))
    kept, last_end = [], -1
    for s in spans:
        if s["start"] >= last_end:
            kept.append(s)
            last_end = s["end"]
    doc = {"text": text, "ents": kept, "title": ex.source.path}
    return displacy.render(doc, style="ent", manual=True, page=True, options={"colors": COLORS})
