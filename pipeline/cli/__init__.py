"""`vanban`: a thin command-line layer over the library (`pipeline.extract`)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from vanban.pipeline.readers import ReadError

app = typer.Typer(
    add_completion=False, no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},      # -h as well, in every command
    help="Structured data from Vietnamese official documents: citations, dates, "
         "commemorations, targets and signatories, each with its place in the text.",
)


# ---- `vanban --version` ------------------------------------------------------

def _print_version(value: bool) -> None:
    if value:
        from vanban import __version__

        print(f"vanban {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                          help="Print vanban's version and exit.")) -> None:
    pass


# ------------------------------------------------------------------------------

def _err(msg: str) -> None:
    print(f"vanban: {msg}", file=sys.stderr)


@app.command()
def extract(
    files: List[Path] = typer.Argument(..., help="Documents to read (.txt, .pdf, .html, .docx)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON Lines, one object per file, in the order given."),
) -> None:
    """Extract every item from each FILE (a file that cannot be read is named on stderr, the rest go on, exit 1)."""
    from vanban.pipeline.extract import extract_file
    from vanban.pipeline.summary import render_summary

    failed = 0
    for f in files:
        try:
            ex = extract_file(f)
        except ReadError as e:
            _err(str(e))
            failed += 1
            continue
        except Exception as e:  # an extractor bug must not stop the other files
            _err(f"{f}: extraction failed: {type(e).__name__}: {e}")
            failed += 1
            continue
        if json_out:
            sys.stdout.write(ex.model_dump_json(exclude_none=False) + "\n")
            sys.stdout.flush()
        else:
            render_summary(ex)
    if failed:
        raise typer.Exit(1)


@app.command()
def text(file: Path = typer.Argument(..., help="A document.")) -> None:
    """Print the normalized text that every offset (start/end) refers to."""
    from vanban.pipeline.extract import text_of

    try:
        sys.stdout.write(text_of(file))
        sys.stdout.write("\n")
    except ReadError as e:
        _err(str(e))
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of one `vanban extract --json` record."""
    from vanban.schemas.models import Extraction

    print(json.dumps(Extraction.model_json_schema(), ensure_ascii=False, indent=2))


def _register_optional() -> None:
    """Commands that live in their own modules register themselves here."""
    import importlib

    for mod in ("vanban.pipeline.cli.explain", "vanban.pipeline.cli.store", "vanban.pipeline.cli.analysis",
                "vanban.pipeline.cli.outline", "vanban.pipeline.cli.web"):
        try:
            m = importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise
            continue
        m.register(app)


_register_optional()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
