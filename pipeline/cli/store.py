"""`vanban ingest | status | sql | export`: the store commands (see pipeline.store
and pipeline.batch). `pipeline.cli` calls `register(app)`."""
from __future__ import annotations

import json
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from vanban.pipeline.cli.output import FORMAT_HELP, Format, emit, jsonable

DB_HELP = "The store (a DuckDB file)."
WAIT_HELP = ("When an ingest is writing the store, wait until it lets this command in (between two documents) "
             "instead of exiting with code 4.")


def db_option():
    return typer.Option(Path("vanban.duckdb"), "--db", help=DB_HELP, readable=False)


def wait_option():
    return typer.Option(False, "--wait", help=WAIT_HELP)


def set_wait(wait: bool) -> None:
    """Read commands wait for an ingest to let them in (see pipeline.store.connect)."""
    from vanban.pipeline.store import set_read_wait

    set_read_wait(wait, lambda pid: _err(f"waiting for vanban ingest (pid {pid or '?'}) to let readers in"))


class Executor(str, Enum):
    local = "local"
    dask = "dask"


class StatusFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


def _err(msg: str) -> None:
    print(f"vanban: {msg}", file=sys.stderr, flush=True)


def _sigterm_to_interrupt(signum, frame):
    raise KeyboardInterrupt


INGEST_HELP = """Extract every document under PATH... into the store (incremental).

Directories are searched recursively for .txt .text .pdf .html .htm .xhtml .mht
.docx .doc files. Every other entry is accounted for: a broken or looping
symbolic link, a link to something outside the folder (not followed unless
--follow-symlinks), a pipe or device, or a folder that cannot be listed is a
row of the `failures` table; a file of another type is listed as not a
document (--log-json). Hidden entries (.name) and Office owner files (~$x)
are passed over. A file name that is not UTF-8 is stored with \\xNN escapes.
A file already stored with the same size and mtime (or the same sha256) and the
same extractor version is skipped; a changed file replaces its rows. Each
document is written in one transaction, so a run killed at any moment can simply
be run again. A file that cannot be read or makes an extractor fail becomes a
row of the `failures` table and the others go on; it is retried when it
changes (or with --retry-failed).

Only one ingest writes a store at a time: a second one refuses, naming the
holder's pid, unless --wait is given. A read command (status, sql, compare,
graph, export) that finds the store busy is let in between two documents.

Limits per file (a file over one is a failure, the others go on): --timeout
seconds, --memory-limit MB per worker (a "MemoryLimit" failure), and the
readers' limits (VANBAN_MAX_BYTES, VANBAN_MAX_CHARS, VANBAN_MAX_UNZIPPED_MB,
VANBAN_MAX_STREAM_MB, VANBAN_MAX_PAGES; see the README).

Exit codes: 0 every file is stored; 3 some files failed (see the summary and
the failures table); 4 the store is busy (another ingest, without --wait);
2 bad usage or a missing PATH; 130 interrupted (SIGINT/SIGTERM); 1 any other
fatal error (store cannot be opened or upgraded, Dask scheduler unreachable).
"""


def register(app: typer.Typer) -> None:
    @app.command(help=INGEST_HELP)
    def ingest(
        paths: List[Path] = typer.Argument(..., help="Files or directories to ingest.", show_default=False),
        db: Path = db_option(),
        workers: int = typer.Option(0, "--workers", "-j", min=0,
                                    help="Local worker processes (0: one per available core)."),
        executor: Executor = typer.Option(Executor.local, "--executor",
                                          help="Where extraction runs: a local process pool, or a Dask cluster."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="tcp://HOST:8786",
                                                help="Dask scheduler address (with --executor dask). The workers "
                                                     "need vanban installed and the files at the same paths."),
        timeout: float = typer.Option(120.0, "--timeout", min=0, metavar="SECONDS",
                                      help="Per-file time limit; a file over it is abandoned (its worker killed) "
                                           "and recorded as failed. 0: no limit."),
        memory_limit: Optional[float] = typer.Option(None, "--memory-limit", min=0, metavar="MB",
                                                     help="Per-worker memory limit; a file that needs more is "
                                                          "recorded as failed (MemoryLimit). Default: "
                                                          "$VANBAN_MEMORY_MB or 1200. 0: no limit."),
        follow_symlinks: bool = typer.Option(False, "--follow-symlinks",
                                             help="Follow symbolic links that lead outside the folders given."),
        wait: bool = typer.Option(False, "--wait", help="Wait for another ingest on the same store to finish "
                                                        "instead of refusing."),
        log_json: bool = typer.Option(False, "--log-json", help="Print one JSON line per file on stdout, then a "
                                                                "summary line."),
        progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                                help="Progress bar on stderr (default: on when stderr is a "
                                                     "terminal)."),
        force: bool = typer.Option(False, "--force", help="Re-extract every file, changed or not."),
        retry_failed: bool = typer.Option(False, "--retry-failed",
                                          help="Retry files that failed before even if they have not changed."),
        prune: bool = typer.Option(False, "--prune", help="Forget stored files under PATH... that no longer "
                                                          "exist."),
    ) -> None:
        from vanban.pipeline.batch import (EXIT_BUSY, EXIT_FATAL, EXIT_INTERRUPTED, EXIT_USAGE, ExecutorError, Options,
                                    default_workers, format_summary, ingest as run_ingest)
        from vanban.pipeline.store import StoreBusy, StoreError

        opts = Options(paths=[str(p) for p in paths], db=str(db), workers=workers, executor=executor.value,
                       scheduler=scheduler, timeout=timeout, memory_mb=memory_limit,
                       follow_symlinks=follow_symlinks, wait=wait, log_json=log_json, progress=progress,
                       force=force, retry_failed=retry_failed, prune=prune)
        if executor is Executor.dask and not scheduler:
            _err("--executor dask needs --scheduler tcp://HOST:PORT")
            raise typer.Exit(EXIT_USAGE)
        old = signal.signal(signal.SIGTERM, _sigterm_to_interrupt)
        try:
            summary = run_ingest(opts)
        except FileNotFoundError as e:
            _err(str(e))
            raise typer.Exit(EXIT_USAGE)
        except StoreBusy as e:
            _err(str(e))
            raise typer.Exit(EXIT_BUSY)
        except (StoreError, ExecutorError) as e:
            _err(str(e))
            raise typer.Exit(EXIT_FATAL)
        except KeyboardInterrupt:
            _err("interrupted; documents stored so far are kept, run again to continue")
            raise typer.Exit(EXIT_INTERRUPTED)
        finally:
            signal.signal(signal.SIGTERM, old)
        label = f"dask {scheduler}" if executor is Executor.dask else \
            f"local pool of {workers or default_workers()} workers"
        print(format_summary(summary, str(db), label), file=sys.stderr, flush=True)
        raise typer.Exit(summary.exit_code)

    @app.command()
    def status(
        db: Path = db_option(),
        runs: int = typer.Option(5, "--runs", min=0, help="How many recent runs to show."),
        fmt: StatusFormat = typer.Option(StatusFormat.table, "--format", "-f",
                                         help="table: a readable report; json: one JSON object."),
        json_out: bool = typer.Option(False, "--json", help="The same as --format json."),
        wait: bool = wait_option(),
    ) -> None:
        """What the store holds, and its last runs.

        Rows per table, documents per format and extractor version, failures, and
        the last runs. Exit code 1 when there is no store or it is damaged, 4 when
        an ingest holds it (without --wait)."""
        from vanban.pipeline.store import Store, StoreBusy, StoreError

        set_wait(wait)
        try:
            with Store(db, read_only=True, retry_seconds=2.0) as st:
                rep = st.status(last_runs=runs)
        except StoreBusy as e:
            _err(str(e))
            raise typer.Exit(4)
        except StoreError as e:
            _err(str(e))
            raise typer.Exit(1)
        from vanban.pipeline.extract import EXTRACTOR_VERSION
        rep["current_extractor_version"] = EXTRACTOR_VERSION
        if json_out or fmt is StatusFormat.json:
            print(json.dumps(rep, ensure_ascii=False, default=jsonable))
            return
        _print_status(rep)

    @app.command()
    def sql(
        query: str = typer.Argument(..., help="One read-only statement: SELECT, WITH … SELECT, DESCRIBE, SHOW, "
                                              "SUMMARIZE, EXPLAIN [ANALYZE] of one of those, a reporting PRAGMA."),
        db: Path = db_option(),
        fmt: Format = typer.Option(Format.table, "--format", "-f", help=FORMAT_HELP),
        max_width: int = typer.Option(60, "--max-width", min=0, help="Cut table cells to this many characters "
                                                                     "(0: never)."),
        timeout: float = typer.Option(60.0, "--timeout", min=0, metavar="SECONDS",
                                      help="Stop the query after this long (0: no limit)."),
        max_rows: int = typer.Option(100_000, "--max-rows", min=0,
                                     help="Print at most this many rows, saying so on stderr when there are more "
                                          "(0: all; jsonl, csv and tsv are written as they are read)."),
        wait: bool = wait_option(),
    ) -> None:
        """Run one read-only SQL query on the store.

        Decided on the parsed statement: anything that could write or change a
        setting (INSERT, CREATE, COPY, SET, ATTACH, CALL …, and EXPLAIN ANALYZE of
        one) is refused. The store is opened read-only with file access off and
        DuckDB's memory limited ($VANBAN_SQL_MEMORY, default 1GB). Tables:
        documents, citations, citation_mentions, cited_documents, dates,
        commemorations, targets, signatories, failures, runs, migrations. Exit code
        1 on a refused, failed or stopped query, 4 when an ingest holds the store
        (without --wait)."""
        import itertools

        from vanban.pipeline.store import StoreBusy, StoreError, open_query

        set_wait(wait)
        try:
            with open_query(db, query, timeout=timeout or None) as res:
                rows = res.rows()
                more = False
                if max_rows:
                    head = list(itertools.islice(rows, max_rows)) if fmt in (Format.table, Format.json) else None
                    if head is not None:
                        more = next(rows, None) is not None
                        rows = iter(head)
                    else:
                        rows = _capped(rows, max_rows, lambda: _more_rows(max_rows))
                emit(res.columns, rows, fmt, max_width)
                if more:
                    _more_rows(max_rows)
        except StoreBusy as e:
            _err(str(e))
            raise typer.Exit(4)
        except StoreError as e:
            sys.stdout.flush()
            _err(str(e))
            raise typer.Exit(1)

    @app.command()
    def export(
        out_dir: Path = typer.Argument(..., help="Directory to write TABLE.parquet or TABLE.csv files into."),
        fmt: ExportFormat = typer.Option(ExportFormat.parquet, "--format", "-f", help="File format."),
        db: Path = db_option(),
        wait: bool = wait_option(),
    ) -> None:
        """Write every table of the store to OUT_DIR (Parquet or CSV).

        One file per table of the store's schema, TABLE.parquet or TABLE.csv, rows in
        key order; other tables or views in the file are not read. CSV files have a
        header row and list columns as DuckDB prints lists."""
        from vanban.pipeline.store import StoreBusy, StoreError, export as run_export

        set_wait(wait)
        try:
            files = run_export(db, out_dir, fmt.value)
        except StoreBusy as e:
            _err(str(e))
            raise typer.Exit(4)
        except StoreError as e:
            _err(str(e))
            raise typer.Exit(1)
        for f in files:
            print(f)


def _capped(rows, n: int, on_more):
    """The first `n` rows; `on_more()` when there are more."""
    for i, r in enumerate(rows):
        if i >= n:
            on_more()
            return
        yield r


def _more_rows(n: int) -> None:
    _err(f"output cut at {n} rows (--max-rows 0 prints all)")


# ---------------------------------------------------------------------------
# Rendering

def _print_status(rep: dict) -> None:
    p = print
    size = rep.get("bytes")
    p(f"store        {rep['db']}" + (f"  ({size / 1e6:.1f} MB)" if size else ""))
    p(f"schema       {', '.join(rep['migrations']) or '(none)'}")
    if rep["pending_migrations"]:
        p(f"             pending: {', '.join(rep['pending_migrations'])} (applied by the next ingest)")
    if rep.get("ingest_running"):
        p(f"ingest       running now (pid {rep['ingest_running']})")
    p("rows         " + ", ".join(f"{t} {n}" for t, n in rep["counts"].items()))
    if rep.get("by_format"):
        p("formats      " + ", ".join(f"{k} {v}" for k, v in rep["by_format"].items()))
    if rep.get("extractor_versions"):
        cur = rep.get("current_extractor_version")
        p("extractor    " + ", ".join(f"{k}{' (current)' if k == cur else ' (re-extracted by the next ingest)'}: "
                                      f"{v} documents" for k, v in rep["extractor_versions"].items()))
    if rep.get("failures_by_class"):
        p("failures     " + ", ".join(f"{k} {v}" for k, v in rep["failures_by_class"].items()))
        for f in rep.get("recent_failures", []):
            p(f"             {f['message'] if f['message'].startswith(f['path']) else f['path'] + ': ' + f['message']}")
    if rep.get("runs"):
        p("last runs")
        for r in rep["runs"]:
            secs = f"{r['seconds']:.1f} s" if r.get("seconds") is not None else "-"
            counts = (f"{r['n_files']} files: {r['n_new']} new, {r['n_updated']} updated, {r['n_skipped']} skipped, "
                      f"{r['n_failed']} failed" if r.get("n_files") is not None else "no counts")
            p(f"  #{r['id']:<4} {r['started_at'][:19]}  {r['status']:<11} {r['executor']:<5} {secs:>8}  {counts}")
