"""`vanban`: a thin command-line layer over the library (`pipeline.extract`)."""
from __future__ import annotations

import functools
import json
import sys
from enum import Enum
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


class ExtractFormat(str, Enum):
    """The formats of pipeline.cli.output that fit one nested record per file."""
    table = "table"
    json = "json"
    jsonl = "jsonl"


EXTRACT_HELP = """Extract every item from each document under PATH... (files, or folders searched recursively for the files `vanban ingest` finds), on all cores, printed in the order given.

A file that cannot be read (empty, binary, encrypted, damaged, of a type vanban does not read, over a limit) or whose extraction fails, times out or runs out of memory is named on stderr with the reason; the other files go on and the exit code is 1 at the end. Entries of a folder that are not documents are listed on stderr as skipped.
"""


@app.command(help=EXTRACT_HELP)
def extract(
    paths: List[Path] = typer.Argument(..., help="Documents (.txt .pdf .html .docx ...) or folders.",
                                       readable=False, show_default=False),
    fmt: ExtractFormat = typer.Option(ExtractFormat.table, "--format", "-f",
                                      help="table: a readable summary per file; json: one array; jsonl: one "
                                           "object per line, as each file is done."),
    json_out: bool = typer.Option(False, "--json", help="The same as --format jsonl."),
    workers: int = typer.Option(0, "--workers", "-j", min=0, help="Worker processes (0: one per available core)."),
    timeout: float = typer.Option(120.0, "--timeout", min=0, metavar="SECONDS",
                                  help="Per-file time limit; a file over it is abandoned and named on stderr. "
                                       "0: no limit."),
    memory_limit: Optional[float] = typer.Option(None, "--memory-limit", min=0, metavar="MB",
                                                 help="Per-worker memory limit (default: $VANBAN_MEMORY_MB or "
                                                      "1200; 0: none)."),
    follow_symlinks: bool = typer.Option(False, "--follow-symlinks",
                                         help="Follow symbolic links that lead outside the folders given."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="Progress bar on stderr (default: on when stderr is a terminal)."),
) -> None:
    from collections import defaultdict, deque

    from vanban.pipeline.batch import LocalPool, ProgressBar, default_workers, find_documents, shown

    if json_out:
        fmt = ExtractFormat.jsonl
    found = find_documents(paths, follow_symlinks=follow_symlinks, missing_ok=True, as_given=True)
    for path, why in found.skipped:
        _err(f"skipped {shown(path)}: {why}")
    for path in found.empty:
        _err(f"{shown(path)}: no documents in this folder")
    failed = len(found.problems)
    for path, why in found.problems:
        _err(f"{shown(path)}: {why}")
    files = found.files
    out = sys.stdout
    if fmt is ExtractFormat.table:
        from vanban.pipeline.cli.summary import render_summary
        from vanban.schemas.models import Extraction

    first = True

    def emit(rec: dict) -> None:
        nonlocal failed, first
        if not rec["ok"]:
            failed += 1
            name = shown(rec["path"])
            msg = rec["message"]
            _err(msg if msg.startswith(name + ":") else f"{name}: {msg}")
            return
        if fmt is ExtractFormat.table:
            render_summary(Extraction.model_validate_json(rec["extraction"]), out)
        elif fmt is ExtractFormat.json:
            out.write(("[\n" if first else ",\n") + rec["extraction"])
        else:
            out.write(rec["extraction"] + "\n")
        first = False
        out.flush()

    positions: dict[str, deque[int]] = defaultdict(deque)
    for i, f in enumerate(files):
        positions[f].append(i)
    done: dict[int, dict] = {}
    nxt = 0
    bar = ProgressBar("extract", len(files), sys.stderr, progress)
    pool = LocalPool(min(workers or default_workers(), max(1, len(files))), timeout or None,
                     memory_mb=memory_limit)
    try:
        if files:
            for rec in pool.run(files):
                done[positions[rec["path"]].popleft()] = rec
                bar.advance(rec["path"])
                while nxt in done:          # the order given, whatever order they finish in
                    emit(done.pop(nxt))
                    nxt += 1
    except KeyboardInterrupt:
        bar.close()
        _err("interrupted")
        raise typer.Exit(130)
    finally:
        bar.close()
    if fmt is ExtractFormat.json:
        out.write("[]\n" if first else "\n]\n")
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


# Read commands whose module does not declare --wait get it here, so that every
# command reading a store can wait for an ingest to let it in: the command's
# function is wrapped in one that takes `wait` and sets it (pipeline.cli.store.set_wait).
_READ_COMMANDS = ("compare", "graph")


def _with_wait(fn):
    import inspect

    from vanban.pipeline.cli.store import WAIT_HELP, set_wait

    sig = inspect.signature(fn)
    if "wait" in sig.parameters:
        return fn

    @functools.wraps(fn)
    def command(*args, wait: bool = False, **kw):
        set_wait(wait)
        return fn(*args, **kw)
    option = inspect.Parameter("wait", inspect.Parameter.KEYWORD_ONLY, annotation=bool,
                               default=typer.Option(False, "--wait", help=WAIT_HELP))
    command.__signature__ = sig.replace(parameters=[*sig.parameters.values(), option])
    command.__annotations__ = {**getattr(fn, "__annotations__", {}), "wait": bool}
    return command


def _add_wait_options(typer_app: typer.Typer, names=None) -> None:
    for info in typer_app.registered_commands:
        name = info.name or (info.callback.__name__.replace("_", "-") if info.callback else None)
        if info.callback is not None and (names is None or name in names):
            info.callback = _with_wait(info.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None and (names is None or group.name in names):
            _add_wait_options(group.typer_instance)


_add_wait_options(app, _READ_COMMANDS)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
