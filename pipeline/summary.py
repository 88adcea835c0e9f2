"""The readable summary `vanban extract FILE` prints without --json."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from vanban.schemas.models import Extraction


def render_summary(ex: Extraction, console: Console | None = None) -> None:
    con = console or Console()
    d = ex.document
    con.rule(f"[bold]{ex.source.path}")
    head = Table.grid(padding=(0, 2))
    for k in ("doc_type", "number", "issuer", "province", "issue_place", "issue_date",
              "published_date", "title", "author"):
        v = getattr(d, k)
        if v:
            head.add_row(f"[dim]{k}", str(v))
    con.print(head)
    sections = [
        ("Citations", ex.citations, lambda c: (c.doc_type, c.number or (c.title or "")[:40], c.date or "", c.issuer or "",
                                               c.relation)),
        ("Dates", ex.dates, lambda x: (x.value, x.role, "", "", "")),
        ("Commemorations", ex.commemorations, lambda c: (str(c.years or ""), c.event, c.origin_date or "", c.date or "", "")),
        ("Targets", ex.targets, lambda t: (t.indicator[:60], f"{t.comparator} {t.value:g} {t.unit}",
                                           f"+{t.growth_pct:g}%" if t.growth_pct is not None else "",
                                           str(t.year or ""), t.status)),
        ("Signatories", ex.signatories, lambda s: (s.name, s.title or "", s.on_behalf or "", s.organization or "", "")),
    ]
    for name, items, row in sections:
        if not items:
            continue
        t = Table(title=f"{name} ({len(items)})", title_justify="left", show_header=False)
        for _ in range(6):
            t.add_column(overflow="fold")
        for it in items:
            t.add_row(*row(it), f"[dim]{it.start}-{it.end}" + (f" p{it.page}" if it.page else ""))
        con.print(t)
    for w in ex.warnings:
        con.print(f"[yellow]warning:[/] {w}")
