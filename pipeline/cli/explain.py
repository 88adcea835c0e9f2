"""The `explain` command."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def explain(
        file: Path = typer.Argument(..., help="A document."),
        html: Optional[Path] = typer.Option(None, "--html", help="Write an HTML page here: the text with every item "
                                                                 "marked (overlaps stacked), a legend, each item's "
                                                                 "value and rule on hover, and a table of the items."),
        width: int = typer.Option(40, help="Characters of context on each side."),
    ) -> None:
        """Show every extracted item with its context, offsets and the rule that produced it."""
        from vanban.pipeline.explain import explain_html, explain_lines
        from vanban.pipeline.extract import extract_with_text
        from vanban.pipeline.readers import ReadError

        try:
            ex, text = extract_with_text(file)
        except ReadError as e:
            print(f"vanban: {e}", file=sys.stderr)
            raise typer.Exit(1)
        if html:
            html.write_text(explain_html(ex, text, name=file.name), encoding="utf-8")
            print(f"wrote {html}")
        else:
            print("\n".join(explain_lines(ex, text, width)))
