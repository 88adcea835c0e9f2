"""The readable summary `vanban extract FILE` prints without a machine format.

Plain tables with a header line (the same writer as `sql`, `compare` and
`graph`, `vanban.pipeline.cli.output`): numbers as people write them (42500,
8.44), growth with its own sign (+8.44%, -5%), long values cut only at a word
and marked with "…", and where each item stands in the text (`start-end`, and
the page for PDFs) so `vanban text FILE` can show it.
"""
from __future__ import annotations

import sys
from typing import IO

from vanban.schemas.models import Extraction

WIDTH = 60          # a long value (a title, an indicator) is cut at a word beyond this many characters
FIELDS = ("doc_type", "number", "issuer", "province", "issue_place", "issue_date", "published_date", "title",
          "author")


def _num(v: float | int | None) -> str:
    from vanban.pipeline.cli.output import plain_number

    return "" if v is None else plain_number(float(v))


def growth(pct: float | None) -> str:
    """A growth rate with its own sign: +8.44%, -5%, 0%."""
    if pct is None:
        return ""
    return ("+" if pct > 0 else "") + _num(pct) + "%"


def _at(it) -> str:
    return f"{it.start}-{it.end}" + (f" p{it.page}" if it.page else "")


SECTIONS = [
    ("Citations", "citations", ["type", "number or title", "date", "issuer", "relation", "at"],
     lambda c: (c.doc_type, c.number or c.title or "", c.date, c.issuer, c.relation, _at(c))),
    ("Dates", "dates", ["date", "role", "as written", "at"],
     lambda d: (d.value, d.role, d.text, _at(d))),
    ("Commemorations", "commemorations", ["years", "event", "origin", "date", "at"],
     lambda c: (c.years, c.event, c.origin_date, c.date, _at(c))),
    ("Targets", "targets", ["indicator", "", "value", "unit", "growth", "year", "status", "at"],
     lambda t: (t.indicator, t.comparator, _num(t.value), t.unit, growth(t.growth_pct), t.year, t.status, _at(t))),
    ("Signatories", "signatories", ["name", "title", "on behalf of", "organization", "at"],
     lambda s: (s.name, s.title, s.on_behalf, s.organization, _at(s))),
]


def _table(cols: list[str], rows: list[tuple], width: int, out: IO[str]) -> None:
    """A table without the "(N rows)" line: each section's title gives the count."""
    import io

    from vanban.pipeline.cli.output import print_table

    buf = io.StringIO()
    print_table(cols, rows, width, buf)
    out.write("".join(buf.getvalue().splitlines(keepends=True)[:-1]))


def render_summary(ex: Extraction, out: IO[str] | None = None) -> None:
    out = out or sys.stdout
    src = ex.source
    pages = f", {src.pages} pages" if src.pages else ""
    out.write(f"== {src.path} ({src.format}{pages})\n")
    d = ex.document
    _table(["field", "value"], [(k, getattr(d, k)) for k in FIELDS if getattr(d, k)], 0, out)   # the title whole
    for title, attr, cols, row in SECTIONS:
        items = getattr(ex, attr)
        if not items:
            continue
        out.write(f"\n{title} ({len(items)})\n")
        _table(cols, [row(it) for it in items], WIDTH, out)
    for w in ex.warnings:
        out.write(f"warning: {w}\n")
    out.flush()
