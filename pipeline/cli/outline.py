"""`vanban outline FILE`: the parts the structure stage found, as a tree with
offsets (see pipeline.structure). `pipeline.cli` calls `register(app)`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from vanban.pipeline.cli.output import FORMAT_HELP, Format, emit_dicts


def outline_rows(structure, clean, max_depth: int = 0, width: int = 60) -> list[dict]:
    """One row per part, depth first, in text order."""
    text = clean.text
    rows: list[dict] = []

    def walk(parts, depth: int) -> None:
        for p in parts:
            if max_depth and depth >= max_depth:
                return
            snippet = " / ".join(x.strip() for x in text[p.start:p.end].splitlines() if x.strip())
            if width and len(snippet) > width:
                snippet = snippet[:width - 1].rstrip() + "…"
            name = p.label if p.kind in ("section", "list_item", "doc_type") else None
            extra = p.attrs.get("topic") or p.attrs.get("column") or ""
            label = " ".join(x for x in (name, p.title if p.kind == "section" else None) if x) or p.label or ""
            if width and len(label) > width:
                label = label[:width - 1].rstrip() + "…"
            rows.append({
                "part": "· " * depth + p.kind,
                "depth": depth,
                "kind": p.kind,
                "label": label,
                "level": p.level or None,
                "start": p.start,
                "end": p.end,
                "page": clean.page_at(p.start),
                "attrs": extra,
                "text": snippet,
            })
            walk(p.children, depth + 1)

    walk(structure.parts, 0)
    return rows


def register(app: typer.Typer) -> None:
    @app.command()
    def outline(
        file: Path = typer.Argument(..., help="A document (.txt, .pdf, .html, .docx)."),
        fmt: Format = typer.Option(Format.table, "--format", "-f", help=FORMAT_HELP + " json is the nested tree."),
        depth: int = typer.Option(0, help="Show parts down to this depth only (0: all)."),
        width: int = typer.Option(60, help="Characters of each part's text shown (0: all)."),
    ) -> None:
        """Print the document's parts (header fields, preamble, sections, tables, signature block …)
        as a tree, each with its offsets into the normalized text (`vanban text FILE`)."""
        from vanban.pipeline.readers import ReadError
        from vanban.pipeline.structure import structure_of

        try:
            structure, clean = structure_of(file)
        except ReadError as e:
            print(f"vanban: {e}", file=sys.stderr)
            raise typer.Exit(1)
        if fmt is Format.json:
            tree = structure.to_dict(clean.text)
            tree["path"] = str(file)
            json.dump(tree, sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
            return
        rows = outline_rows(structure, clean, depth, width)
        if fmt is Format.table:
            print(f"{file}  layout: {structure.layout}")
            emit_dicts(rows, fmt, ["part", "label", "start", "end", "page", "attrs", "text"])
        else:
            emit_dicts(rows, fmt)
