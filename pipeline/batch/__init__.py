"""Batch ingestion: find files, extract what changed, store it (`vanban ingest`).

Extraction runs in workers, a local process pool by default or a Dask cluster;
workers return plain records (the Extraction as JSON, or the failure), and this
process alone writes them to DuckDB, one transaction per document. So a run
killed at any moment leaves every document stored whole or not at all, and the
next run picks up where it stopped.

A file is skipped when the store holds it with the same size and mtime (or,
when only those changed, the same sha256) and the same extractor version. A
file that failed before is not retried until it changes, the extractor
version changes, or `--retry-failed` is given.
"""
# The batch runner is a package of small modules (common, discovery, records,
# local_pool, dask_executor, plan, options, summary, progress); this module keeps
# the ingest itself and is the one public face, so callers import from here.
from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from typing import Callable, TextIO

from vanban.pipeline.batch.common import (DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, EXIT_BUSY, EXIT_FAILED_FILES,
                                          EXIT_FATAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, ITEM_KINDS,
                                          ExecutorError, shown)
from vanban.pipeline.batch.discovery import Found, discover, find_documents, is_document_name
from vanban.pipeline.batch.records import extract_record, failure_record, memory_record, timeout_record, warm_up
from vanban.pipeline.batch.local_pool import MEMORY_SLACK_MB, LocalPool, memory_limit_mb
from vanban.pipeline.batch.dask_executor import DaskExecutor
from vanban.pipeline.batch.plan import Plan, Todo, make_plan
from vanban.pipeline.batch.options import Options, default_workers
from vanban.pipeline.batch.summary import Summary, format_summary
from vanban.pipeline.batch.progress import ProgressBar, _Reporter

__all__ = [
    "DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "EXIT_BUSY", "EXIT_FAILED_FILES", "EXIT_FATAL", "EXIT_INTERRUPTED",
    "EXIT_OK", "EXIT_USAGE", "ITEM_KINDS", "ExecutorError", "shown", "Found", "discover", "find_documents",
    "is_document_name", "extract_record", "failure_record", "memory_record", "timeout_record", "warm_up",
    "MEMORY_SLACK_MB", "LocalPool", "memory_limit_mb", "DaskExecutor", "Plan", "Todo", "make_plan", "Options",
    "default_workers", "Summary", "format_summary", "ProgressBar", "ingest",
]


def ingest(opts: Options, *, fn: Callable[[str], dict] = extract_record, warm: Callable[[], None] | None = warm_up,
           out: TextIO | None = None, err: TextIO | None = None) -> Summary:
    """Run one ingest. Raises FileNotFoundError (a PATH is missing), StoreBusy,
    StoreError, ExecutorError, KeyboardInterrupt; otherwise returns the summary
    (check `exit_code`). `fn`/`warm` are the worker task and its warm-up.

    Paths are stored as `shown(path)` (a file name that is not UTF-8 is stored
    escaped). Between two documents, a read command waiting for the store is let
    in (`Store.let_readers_in`)."""
    from vanban.pipeline.extract import EXTRACTOR_VERSION
    from vanban.pipeline.store import IngestLock, Store, sha256_file
    from vanban.schemas.models import Extraction

    out = out or sys.stdout
    err = err or sys.stderr
    t_start = time.monotonic()
    found = find_documents(opts.paths, follow_symlinks=opts.follow_symlinks)
    files = found.files
    key = {f: shown(f) for f in files}
    parent = os.path.dirname(os.path.abspath(opts.db))
    if not os.path.isdir(parent):
        from vanban.pipeline.store import StoreError
        raise StoreError(f"cannot create store {opts.db}: directory {parent} does not exist")
    roots = [shown(os.path.abspath(os.fspath(p))) for p in opts.paths]
    lock = IngestLock(opts.db)
    lock.acquire(wait=opts.wait, on_wait=lambda pid: print(
        f"vanban: waiting for the ingest running as pid {pid or '?'} to finish", file=err, flush=True))
    summary = Summary(files=len(files) + len(found.problems), not_documents=len(found.skipped))
    store = None
    reporter = None
    executor = None
    try:
        store = Store(opts.db, retry_seconds=60.0 if opts.wait else 3.0)
        workers = opts.workers if opts.workers > 0 else default_workers()
        if opts.executor == "dask":
            if not opts.scheduler:
                raise ExecutorError("--executor dask needs --scheduler tcp://HOST:PORT")
            executor = DaskExecutor(opts.scheduler, opts.timeout, fn=fn)
        elif opts.executor == "local":
            executor = LocalPool(workers, opts.timeout, fn=fn, warm=warm, memory_mb=opts.memory_mb)
        else:
            raise ExecutorError(f"unknown executor {opts.executor!r} (local or dask)")
        summary.run_id = run_id = store.start_run(
            executor=opts.executor, scheduler=opts.scheduler if opts.executor == "dask" else None,
            workers=workers if opts.executor == "local" else None, extractor_version=EXTRACTOR_VERSION,
            roots=roots)
        known = store.known()
        messages = {p: (c, m) for p, c, m in store.con.execute(
            "SELECT path, error_class, message FROM failures").fetchall()}
        plan = make_plan(files, known, EXTRACTOR_VERSION, force=opts.force, retry_failed=opts.retry_failed,
                         failure_messages=messages, key=key.get)

        if opts.prune:
            present = set(key.values()) | {shown(p) for p, _ in found.problems} | {shown(p) for p, _ in found.skipped}
            for path in sorted(known):
                under = any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
                if under and path not in present:
                    store.remove(path)
                    summary.pruned += 1
        for path, mtime in plan.touch:
            store.touch(key[path], mtime)

        reporter = _Reporter(opts, len(files) + len(found.problems), out, err)
        for path, why in found.skipped:
            reporter.entry(path=shown(path), status="not_document", reason=why)
        for path in plan.skipped:
            summary.skipped += 1
            reporter.file(path=key[path], status="skipped", reason="unchanged")
        for path, cls, msg in plan.known_failures:
            summary.failed += 1
            summary.known_failed += 1
            summary.failures.append((key[path], cls, msg))
            reporter.file(path=key[path], status="failed", known=True, error_class=cls, message=msg)

        def fail(path: str, size, mtime, cls: str, msg: str, seconds=None) -> None:
            try:
                sha = sha256_file(path) if size is not None else None
            except OSError:
                sha = None
            name = shown(path)
            msg = shown(msg)
            store.record_failure(name, cls, msg, sha256=sha, size=size, mtime_ns=mtime,
                                 extractor_version=EXTRACTOR_VERSION, run_id=run_id)
            summary.failed += 1
            summary.failures.append((name, cls, msg))
            reporter.file(path=name, status="failed", error_class=cls, message=msg,
                          seconds=None if seconds is None else round(seconds, 3))

        for path, msg in plan.unstattable:
            fail(path, None, None, "OSError", msg)
        for path, why in found.problems:
            fail(path, None, None, "ReadError", f"{shown(path)}: {why}")

        def let_readers_in() -> None:
            store.let_readers_in(on_wait=lambda _pid: print(
                "vanban: a reader holds the store; the ingest goes on when it has finished", file=err, flush=True))

        todo = {t.path: t for t in plan.todo}
        if todo:
            if isinstance(executor, DaskExecutor):
                executor.connect()
                store.con.execute("UPDATE runs SET workers = ? WHERE id = ?", [executor.slots, run_id])
            with contextlib.closing(executor.run(list(todo), idle=let_readers_in)) as results:
                for rec in results:
                    t = todo[rec["path"]]
                    if not rec["ok"]:
                        fail(t.path, t.size, t.mtime_ns, rec["error_class"], rec["message"], rec.get("seconds"))
                        continue
                    try:
                        ex = Extraction.model_validate_json(rec["extraction"])
                        ex.source.path = key[t.path]     # the store's key, whatever a reader called it
                        store.write_extraction(ex, size=t.size, mtime_ns=t.mtime_ns, run_id=run_id)
                    except Exception as e:
                        if _fatal_db_error(e):
                            raise
                        fail(t.path, t.size, t.mtime_ns, type(e).__name__,
                             f"{t.path}: could not store the extraction: {type(e).__name__}: {e}")
                        continue
                    if t.label == "new":
                        summary.new += 1
                    else:
                        summary.updated += 1
                    reporter.file(path=key[t.path], status=t.label, seconds=round(rec.get("seconds") or 0.0, 3),
                                  sha256=ex.source.sha256, format=ex.source.format,
                                  items={k: len(getattr(ex, k)) for k in ITEM_KINDS}, warnings=len(ex.warnings))
        summary.status = "failures" if summary.failed else "ok"
    except BaseException as e:
        summary.status = "interrupted" if isinstance(e, KeyboardInterrupt) else "error"
        raise
    finally:
        if reporter is not None:
            reporter.close()
        if isinstance(executor, DaskExecutor):
            executor.close()
        summary.seconds = time.monotonic() - t_start
        if store is not None:
            if summary.run_id is not None:
                with contextlib.suppress(Exception):
                    store.finish_run(summary.run_id, summary.status, n_files=summary.files, n_new=summary.new,
                                     n_updated=summary.updated, n_skipped=summary.skipped,
                                     n_failed=summary.failed, seconds=summary.seconds)
            store.close()
        lock.release()
        if opts.log_json:     # also when stopped (SIGTERM, Ctrl-C): the log ends with its summary
            with contextlib.suppress(Exception):
                out.write(json.dumps({"event": "summary", **summary.as_dict()}, ensure_ascii=False) + "\n")
                out.flush()
    return summary


def _fatal_db_error(e: BaseException) -> bool:
    """The store itself fails (not this document): stop the run."""
    import duckdb

    from vanban.pipeline.store import StoreDamaged
    return isinstance(e, (StoreDamaged, duckdb.IOException, duckdb.FatalException, duckdb.InternalException))
