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
from __future__ import annotations

import contextlib
import errno
import json
import multiprocessing as mp
import os
import re
import signal
import stat
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from multiprocessing import connection as mpc
from typing import Any, Callable, Iterable, Iterator, TextIO

from vanban.pipeline.readers.sniff import SUFFIXES   # the extensions `extract` reads are those ingest finds

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 1200           # per worker; env VANBAN_MEMORY_MB, --memory-limit
ITEM_KINDS = ("citations", "dates", "commemorations", "targets", "signatories")

# Exit codes of `vanban ingest` (documented in its --help).
EXIT_OK = 0
EXIT_FATAL = 1
EXIT_USAGE = 2
EXIT_FAILED_FILES = 3
EXIT_BUSY = 4
EXIT_INTERRUPTED = 130


class ExecutorError(Exception):
    """The executor cannot run (workers fail to start, scheduler unreachable)."""


# ---------------------------------------------------------------------------
# Discovery
#
# Every entry under a folder ends up somewhere: a document to read, a problem
# (recorded as a failure: a broken or looping symbolic link, a link leaving the
# folder, a pipe or device, a folder that cannot be listed), or a skipped entry
# that is not a document (another extension, or a link to a file the walk
# reaches under its own name). Only hidden entries (a leading dot) and Office
# owner files (~$x.docx) are passed over in silence.

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(text: str) -> str:
    """A path (or a message naming one) as text that can be printed and stored
    on one line: bytes of a file name that are not UTF-8, and control characters
    (a newline in a name), are written as \\xNN escapes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            text = os.fsencode(text).decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "backslashreplace").decode("ascii")
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text


def is_document_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in SUFFIXES


@dataclass
class Found:
    files: list[str] = field(default_factory=list)                    # documents to read
    problems: list[tuple[str, str]] = field(default_factory=list)     # (path, why): a failure each
    skipped: list[tuple[str, str]] = field(default_factory=list)      # (path, why): not documents
    empty: list[str] = field(default_factory=list)                    # folders given that hold no document


def _link_target(path: str) -> tuple[str | None, str | None]:
    """(the resolved target, None) or (None, why it cannot be followed)."""
    try:
        return os.path.realpath(path, strict=True), None
    except FileNotFoundError:
        return None, "broken symbolic link (its target does not exist)"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return None, "symbolic link loop"
        return None, f"cannot follow the symbolic link: {e.strerror or e}"


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(root: str, follow_symlinks: bool, found: Found) -> None:
    real_root = os.path.realpath(root)
    visited = {real_root}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            found.problems.append((folder, f"cannot list the folder: {e.strerror or e}"))
            continue
        subfolders = []
        for e in entries:
            name, path = e.name, e.path
            if name.startswith((".", "~$")):
                continue
            try:
                st = os.stat(path, follow_symlinks=False)
            except OSError as ex:
                found.problems.append((path, f"cannot access: {ex.strerror or ex}"))
                continue
            if stat.S_ISLNK(st.st_mode):
                target, why = _link_target(path)
                if target is None:
                    found.problems.append((path, why))
                    continue
                if _within(target, real_root):
                    found.skipped.append((path, f"symbolic link to {shown(target)}, which is read under its own "
                                                "name"))
                    continue
                if not follow_symlinks:
                    found.problems.append((path, f"symbolic link to {shown(target)}, outside the folder: not "
                                                 "followed (--follow-symlinks to follow it)"))
                    continue
                try:
                    st = os.stat(path)
                except OSError as ex:
                    found.problems.append((path, f"cannot access: {ex.strerror or ex}"))
                    continue
                if stat.S_ISDIR(st.st_mode):
                    if target in visited:
                        found.skipped.append((path, f"symbolic link to {shown(target)}, a folder already read"))
                    else:
                        visited.add(target)
                        subfolders.append(path)
                    continue
            if stat.S_ISDIR(st.st_mode):
                subfolders.append(path)
            elif not stat.S_ISREG(st.st_mode):
                found.problems.append((path, "not a regular file (a pipe, socket or device)"))
            elif is_document_name(name):
                found.files.append(path)
            else:
                ext = os.path.splitext(name)[1].lower()
                found.skipped.append((path, f"not a document type vanban reads ({ext or 'no extension'})"))
        stack.extend(reversed(subfolders))


def find_documents(paths: Iterable[str | os.PathLike], follow_symlinks: bool = False,
                   missing_ok: bool = False, as_given: bool = False) -> Found:
    """What is under PATHS: absolute paths, documents sorted and each once; with
    `as_given`, paths as given (relative stays relative) and documents in the
    order given (a folder's in name order, its files before its subfolders'),
    repeats kept. Folders are walked recursively for the extensions in
    `SUFFIXES`; a file named explicitly is taken whatever its extension (the
    reader says if it cannot read it). A missing PATH raises FileNotFoundError,
    or with `missing_ok` is a document whose reading will say so."""
    found = Found()
    for p in paths:
        ap = os.fspath(p) if as_given else os.path.abspath(os.fspath(p))
        if os.path.isdir(ap):
            n = len(found.files) + len(found.problems)
            _walk(ap, follow_symlinks, found)
            if len(found.files) + len(found.problems) == n:
                found.empty.append(ap)
        elif os.path.lexists(ap) or missing_ok:
            found.files.append(ap)
        else:
            raise FileNotFoundError(f"{shown(os.fspath(p))}: no such file or directory")
    if not as_given:
        found.files = sorted(set(found.files))
    return found


def discover(paths: Iterable[str | os.PathLike], follow_symlinks: bool = False) -> list[str]:
    """Absolute paths of the documents under PATHS, sorted (see `find_documents`)."""
    return find_documents(paths, follow_symlinks).files


# ---------------------------------------------------------------------------
# The task a worker runs

def failure_record(path: str, exc: BaseException, t0: float | None = None) -> dict[str, Any]:
    """A failure as a record. A ReadError's message names the file and the
    problem; any other exception gets its class and where it was raised."""
    from vanban.pipeline.readers import ReadError

    if isinstance(exc, MemoryError):
        return memory_record(path, None, (time.perf_counter() - t0) if t0 is not None else None)
    msg = str(exc)
    if not isinstance(exc, ReadError):
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" (at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno} in {tb[-1].name})" if tb else ""
        msg = f"{path}: {type(exc).__name__}: {msg}{where}"
    return {"path": path, "ok": False, "error_class": type(exc).__name__, "message": shown(msg),
            "seconds": (time.perf_counter() - t0) if t0 is not None else None}


def memory_record(path: str, limit_mb: float | None, seconds: float | None = None) -> dict[str, Any]:
    limit = f" of {limit_mb:g} MB" if limit_mb else ""
    return {"path": path, "ok": False, "error_class": "MemoryLimit",
            "message": f"{shown(path)}: memory limit{limit} reached while reading and extracting it "
                       "(--memory-limit or VANBAN_MEMORY_MB to change it)", "seconds": seconds}


def extract_record(path: str) -> dict[str, Any]:
    """Extract one file (in a worker): the Extraction as JSON, or the failure.
    Never raises for a bad file or an extractor bug. The stored and printed path
    is `shown(path)` (a name that is not UTF-8 is escaped)."""
    t0 = time.perf_counter()
    try:
        from vanban.pipeline.extract import extract_file
        ex = extract_file(path)
        ex.source.path = shown(ex.source.path)
        return {"path": path, "ok": True, "extraction": ex.model_dump_json(), "seconds": time.perf_counter() - t0}
    except Exception as e:  # an extractor bug must not stop the batch
        return failure_record(path, e, t0)


def warm_up() -> None:
    """Load the extraction components once per worker, before its clock starts."""
    from vanban.pipeline.extract import components
    components()


def timeout_record(path: str, timeout: float) -> dict[str, Any]:
    return {"path": path, "ok": False, "error_class": "Timeout", "message": f"timed out after {timeout:g} s",
            "seconds": timeout}


def _exit_desc(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by signal {-code} ({signal.Signals(-code).name})"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def memory_limit_mb(value: float | None = None) -> float | None:
    """The per-worker memory limit in MB: `value` when given (0: none), else env
    VANBAN_MEMORY_MB, else DEFAULT_MEMORY_MB."""
    if value is None:
        raw = os.environ.get("VANBAN_MEMORY_MB", "").strip()
        try:
            value = float(raw) if raw else DEFAULT_MEMORY_MB
        except ValueError:
            value = DEFAULT_MEMORY_MB
    return value if value and value > 0 else None


def _memory_of(pid: int) -> tuple[int, int]:
    """(resident bytes, data bytes) of a process, from /proc (0, 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            fields = f.read().split()
        page = os.sysconf("SC_PAGE_SIZE")
        return int(fields[1]) * page, int(fields[5]) * page
    except (OSError, ValueError, IndexError):
        return 0, 0


# ---------------------------------------------------------------------------
# The local process pool: one task per worker at a time, so a worker that
# overruns its time or memory limit can be killed without losing anything else.
#
# Memory: each worker's data segment (the heap and every private writable
# mapping: what grows when a file inflates in memory) is limited with
# RLIMIT_DATA, so an allocation over the limit fails with MemoryError (a
# "MemoryLimit" failure, and the worker is replaced); the parent also watches
# each busy worker's resident size and kills one that passes the limit by
# MEMORY_SLACK_MB (memory the data limit does not count).

MEMORY_SLACK_MB = 256
_POLL_SECONDS = 0.1


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:   # the parent died (kill -9): don't linger
            os._exit(1)


def _limit_data(limit_bytes: int | None) -> None:
    if not limit_bytes:
        return
    import resource
    with contextlib.suppress(ValueError, OSError):
        hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
        soft = limit_bytes if hard == resource.RLIM_INFINITY else min(limit_bytes, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _worker_main(conn, fn: Callable[[str], dict], warm: Callable[[], None] | None, parent_pid: int,
                 limit_bytes: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent decides what Ctrl-C means
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    if warm is not None:
        warm()
    _limit_data(limit_bytes)
    conn.send(("ready", None))
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        t0 = time.perf_counter()
        try:
            rec = fn(path)
        except Exception as e:
            rec = failure_record(path, e, t0)
        except MemoryError:
            rec = memory_record(path, None, time.perf_counter() - t0)
        exhausted = rec.get("error_class") in ("MemoryError", "MemoryLimit")
        if exhausted:
            rec = memory_record(path, limit_bytes / (1 << 20) if limit_bytes else None, rec.get("seconds"))
        try:
            # After running out, the heap may be left fragmented: this worker retires.
            conn.send(("last" if exhausted else "done", rec))
        except (OSError, MemoryError):
            return
        if exhausted:
            return


@contextlib.contextmanager
def _main_script_not_rerun() -> Iterator[None]:
    """A spawned process first runs the parent's main script again (as
    `__mp_main__`), so that functions defined there can be unpickled. The
    `vanban` console script defines none (it is `from vanban.pipeline.cli import
    main`), and running it imports the whole CLI (typer, click) in every worker.
    multiprocessing does not re-run a package's `__main__` module: while a worker
    starts, the script is named for the one it stands for, `vanban.__main__`.
    Any other main module (a script, pytest) is left as it is."""
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None \
            or getattr(getattr(main, "main", None), "__module__", None) != "vanban.pipeline.cli":
        yield
        return
    import importlib.machinery
    main.__spec__ = importlib.machinery.ModuleSpec("vanban.__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None


class _Worker:
    def __init__(self, ctx, fn, warm, limit_bytes: int | None):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, fn, warm, os.getpid(), limit_bytes),
                                daemon=True, name="vanban-extract")
        with _main_script_not_rerun():
            self.proc.start()
        child.close()
        self.ready = False
        self.retiring = False
        self.task: str | None = None
        self.t0 = 0.0
        self.peak = 0

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


class LocalPool:
    """N worker processes (spawned, so they share nothing with the writer).
    `run(paths)` yields one record per path, in completion order. A task over
    `timeout` seconds has its worker killed and yields a Timeout failure; one
    over the memory limit (`memory_mb`, see `memory_limit_mb`) a MemoryLimit
    failure; a worker that dies a WorkerDied failure; each time the worker is
    replaced and the batch goes on."""

    def __init__(self, workers: int, timeout: float | None = DEFAULT_TIMEOUT,
                 fn: Callable[[str], dict] = extract_record, warm: Callable[[], None] | None = warm_up,
                 memory_mb: float | None = None):
        self.n = max(1, workers)
        self.timeout = timeout if timeout and timeout > 0 else None
        self.fn, self.warm = fn, warm
        self.memory_mb = memory_limit_mb(memory_mb)
        self.limit_bytes = int(self.memory_mb * (1 << 20)) if self.memory_mb else None
        self.ctx = mp.get_context("spawn")

    def _spawn(self) -> _Worker:
        return _Worker(self.ctx, self.fn, self.warm, self.limit_bytes)

    def run(self, paths: Iterable[str], idle: Callable[[], None] | None = None) -> Iterator[dict]:
        """Records in completion order; `idle` is called between them, at least
        every half second while workers are busy."""
        pending = deque(paths)
        workers = [self._spawn() for _ in range(min(self.n, len(pending)))]
        startup_deaths = 0
        kill_at = self.limit_bytes + MEMORY_SLACK_MB * (1 << 20) if self.limit_bytes else None
        try:
            while pending or any(w.task for w in workers):
                for w in workers:
                    if w.ready and not w.retiring and w.task is None and pending:
                        path = pending.popleft()
                        try:
                            w.conn.send(path)
                        except OSError:
                            pending.appendleft(path)   # it died; noticed below
                        else:
                            w.task, w.t0, w.peak = path, time.monotonic(), 0
                busy = [w for w in workers if w.task]
                wait_for = 0.5 if idle else None
                if self.timeout and busy:
                    left = max(0.0, min(w.t0 for w in busy) + self.timeout - time.monotonic())
                    wait_for = left if wait_for is None else min(wait_for, left)
                if kill_at and busy:
                    wait_for = _POLL_SECONDS if wait_for is None else min(wait_for, _POLL_SECONDS)
                ready = set(mpc.wait([w.conn for w in workers] + [w.proc.sentinel for w in workers], wait_for))
                out: list[dict] = []
                dead: list[_Worker] = []
                for w in workers:
                    if w.conn in ready:
                        try:
                            kind, rec = w.conn.recv()
                        except (EOFError, OSError):
                            dead.append(w)
                            continue
                        if kind == "ready":
                            w.ready, startup_deaths = True, 0
                        else:
                            out.append(rec)
                            w.task = None
                            w.retiring = kind == "last"
                    elif w.proc.sentinel in ready:
                        dead.append(w)
                now = time.monotonic()
                for w in workers:
                    if w in dead or not w.task:
                        continue
                    if self.timeout and now - w.t0 >= self.timeout:
                        w.kill()
                        out.append(timeout_record(w.task, self.timeout))
                        w.task = None
                        dead.append(w)
                    elif kill_at:
                        rss, _ = _memory_of(w.proc.pid)
                        w.peak = max(w.peak, rss)
                        if rss > kill_at:
                            w.kill()
                            out.append(memory_record(w.task, self.memory_mb, now - w.t0))
                            w.task = None
                            dead.append(w)
                for w in dead:
                    w.kill()
                    if w.task:
                        code = w.proc.exitcode
                        if self.limit_bytes and code is not None and code < 0 and w.peak > self.limit_bytes * 0.8:
                            # a C library that cannot allocate aborts instead of raising MemoryError
                            out.append(memory_record(w.task, self.memory_mb, time.monotonic() - w.t0))
                        else:
                            out.append({"path": w.task, "ok": False, "error_class": "WorkerDied",
                                        "message": f"{shown(w.task)}: the worker process died "
                                                   f"({_exit_desc(code)}) while extracting it",
                                        "seconds": time.monotonic() - w.t0})
                    elif not w.ready:
                        startup_deaths += 1
                        if startup_deaths >= 3:
                            raise ExecutorError(f"extraction workers fail to start "
                                                f"({_exit_desc(w.proc.exitcode)}); see the error above")
                if dead:
                    workers = [w for w in workers if w not in dead]
                    want = min(self.n, len(pending) + sum(1 for w in workers if w.task))
                    while len(workers) < want:
                        workers.append(self._spawn())
                yield from out
                if idle is not None:
                    idle()
        finally:
            for w in workers:
                if w.task is None and w.proc.is_alive():
                    with contextlib.suppress(OSError):
                        w.conn.send(None)
            for w in workers:
                if w.task is None:
                    w.proc.join(timeout=2)
                w.kill()


# ---------------------------------------------------------------------------
# The Dask executor

def _processing_on(key, dask_scheduler=None):
    ts = dask_scheduler.tasks.get(key)
    return ts.processing_on.address if ts is not None and ts.processing_on is not None else None


class DaskExecutor:
    """Extraction on a Dask cluster: the workers run `extract_record` (vanban must
    be installed there and the paths readable under the same names) and return
    records; this process stores them. At most one task per worker thread is in
    flight, so a task's age is its run time; a task over `timeout` becomes a
    Timeout failure and its worker is restarted when it has a nanny (else the
    task is abandoned)."""

    def __init__(self, scheduler: str, timeout: float | None = DEFAULT_TIMEOUT,
                 fn: Callable[[str], dict] = extract_record, connect_timeout: float = 20.0):
        self.scheduler = scheduler
        self.timeout = timeout if timeout and timeout > 0 else None
        self.fn = fn
        self.connect_timeout = connect_timeout
        self.client = None
        self.slots = 0

    def connect(self) -> int:
        from distributed import Client
        try:
            self.client = Client(self.scheduler, timeout=f"{self.connect_timeout}s", set_as_default=False)
            self.client.wait_for_workers(1, timeout=self.connect_timeout)
        except (OSError, TimeoutError) as e:
            self.close()
            raise ExecutorError(f"cannot use the Dask scheduler at {self.scheduler}: {e}") from e
        self.slots = max(1, sum(self.client.nthreads().values()))
        return self.slots

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
            self.client = None

    def _restart_worker_of(self, key) -> None:
        try:
            addr = self.client.run_on_scheduler(_processing_on, key)
            if addr:
                self.client.restart_workers([addr], timeout=30, raise_for_error=False)
        except Exception:
            pass   # no nanny: the task is abandoned and its thread finishes when it can

    def run(self, paths: Iterable[str], idle: Callable[[], None] | None = None) -> Iterator[dict]:
        from distributed import wait as dwait

        if self.client is None:
            self.connect()
        pending = deque(paths)
        running: dict[Any, tuple[str, float]] = {}
        try:
            while pending or running:
                while pending and len(running) < self.slots:
                    p = pending.popleft()
                    running[self.client.submit(self.fn, p, pure=False)] = (p, time.monotonic())
                wait_for = 0.5 if idle else None
                if self.timeout:
                    left = max(0.01, min(t for _, t in running.values()) + self.timeout - time.monotonic())
                    wait_for = left if wait_for is None else min(wait_for, left)
                try:
                    with self.client.as_current():
                        done = dwait(list(running), timeout=wait_for, return_when="FIRST_COMPLETED").done
                except TimeoutError:
                    done = set()
                out: list[dict] = []
                for f in done:
                    path, t0 = running.pop(f)
                    if f.status == "finished":
                        out.append(f.result())
                    else:
                        exc = f.exception() if f.status == "error" else None
                        name = type(exc).__name__ if exc is not None else f.status
                        cls = "WorkerDied" if name == "KilledWorker" else name
                        out.append({"path": path, "ok": False, "error_class": cls,
                                    "message": f"{path}: dask task {f.status}: {name}: {exc}",
                                    "seconds": time.monotonic() - t0})
                    f.release()
                if self.timeout:
                    now = time.monotonic()
                    for f, (path, t0) in list(running.items()):
                        if now - t0 >= self.timeout:
                            del running[f]
                            self._restart_worker_of(f.key)
                            f.cancel()
                            f.release()
                            out.append(timeout_record(path, self.timeout))
                yield from out
                if idle is not None:
                    idle()
        finally:
            for f in running:
                with contextlib.suppress(Exception):
                    f.cancel()


# ---------------------------------------------------------------------------
# Planning: what to extract, what to skip

@dataclass
class Todo:
    path: str
    size: int | None
    mtime_ns: int | None
    label: str            # "new" | "updated" (what success will count as)


@dataclass
class Plan:
    todo: list[Todo] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)                      # stored and unchanged
    known_failures: list[tuple[str, str, str]] = field(default_factory=list)   # (path, class, message)
    touch: list[tuple[str, int]] = field(default_factory=list)            # same content, new mtime
    unstattable: list[tuple[str, str]] = field(default_factory=list)       # (path, message)


def make_plan(files: list[str], known: dict, version: str, force: bool = False,
              retry_failed: bool = False, failure_messages: dict[str, tuple[str, str]] | None = None,
              key: Callable[[str], str | None] | None = None) -> Plan:
    """What to do with each file; `known` and `failure_messages` are keyed by the
    store's path for a file, `key(path)` (default: the path itself)."""
    from vanban.pipeline.store import sha256_file

    plan = Plan()
    for path in files:
        try:
            st = os.stat(path)
        except OSError as e:
            plan.unstattable.append((path, f"{shown(path)}: {e.strerror}"))
            continue
        size, mtime = st.st_size, st.st_mtime_ns
        kp = (key(path) if key else None) or path
        k = known.get(kp)
        if k is None:
            plan.todo.append(Todo(path, size, mtime, "new"))
            continue
        label = "updated" if k.kind == "document" else "new"
        if force or k.extractor_version != version or (k.kind == "failure" and retry_failed):
            plan.todo.append(Todo(path, size, mtime, label))
            continue
        same = k.size == size and k.mtime_ns == mtime
        if not same and k.size == size and k.sha256:
            try:
                same = sha256_file(path) == k.sha256
            except OSError:
                same = False
            if same:
                plan.touch.append((path, mtime))
        if not same:
            plan.todo.append(Todo(path, size, mtime, label))
        elif k.kind == "document":
            plan.skipped.append(path)
        else:
            cls, msg = (failure_messages or {}).get(kp, (k.error_class or "", ""))
            plan.known_failures.append((path, cls, msg))
    return plan


# ---------------------------------------------------------------------------
# Ingest

@dataclass
class Options:
    paths: list[str]
    db: str = "vanban.duckdb"
    workers: int = 0                   # 0: all cores
    executor: str = "local"            # local | dask
    scheduler: str | None = None
    timeout: float = DEFAULT_TIMEOUT   # 0: no limit
    memory_mb: float | None = None     # per worker; None: VANBAN_MEMORY_MB or DEFAULT_MEMORY_MB; 0: no limit
    follow_symlinks: bool = False      # follow links that leave the folders given
    wait: bool = False
    log_json: bool = False
    progress: bool | None = None       # None: on when stderr is a terminal
    force: bool = False
    retry_failed: bool = False
    prune: bool = False


@dataclass
class Summary:
    files: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    not_documents: int = 0             # entries under the folders that are not documents (see Found.skipped)
    failed: int = 0                    # all failing files, known ones included
    known_failed: int = 0              # failures not retried (file unchanged)
    pruned: int = 0
    seconds: float = 0.0
    run_id: int | None = None
    status: str = "running"
    failures: list[tuple[str, str, str]] = field(default_factory=list)   # (path, class, message)

    @property
    def exit_code(self) -> int:
        if self.status == "interrupted":
            return EXIT_INTERRUPTED
        if self.status == "error":
            return EXIT_FATAL
        return EXIT_FAILED_FILES if self.failed else EXIT_OK

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "new": self.new, "updated": self.updated, "skipped": self.skipped,
                "not_documents": self.not_documents, "failed": self.failed, "known_failed": self.known_failed, "pruned": self.pruned,
                "seconds": round(self.seconds, 3), "run_id": self.run_id, "status": self.status,
                "exit_code": self.exit_code}


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class ProgressBar:
    """A progress bar on `err` (rich), shown when asked (`show`) or, when `show`
    is None, when `err` is a terminal; a no-op otherwise."""

    def __init__(self, label: str, total: int, err: TextIO, show: bool | None = None):
        self.bar = None
        if show is None:
            show = err.isatty()
        if show and total:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)
            self.bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TimeRemainingColumn(), TextColumn("{task.fields[name]}"),
                                console=Console(file=err), transient=False)
            self.task = self.bar.add_task(label, total=total, name="")
            self.bar.start()

    def advance(self, path: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, name=shown(os.path.basename(path))[:40])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


class _Reporter:
    """Per-file JSON lines on `out` (with --log-json) and a progress bar on
    stderr when it is a terminal."""

    def __init__(self, opts: Options, total: int, out: TextIO, err: TextIO):
        self.out, self.log_json = out, opts.log_json
        self.progress = ProgressBar("ingest", total, err, opts.progress)

    def _line(self, rec: dict[str, Any]) -> None:
        if self.log_json:
            self.out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            self.out.flush()

    def file(self, **rec: Any) -> None:
        self._line({"event": "file", **rec})
        self.progress.advance(rec["path"])

    def entry(self, **rec: Any) -> None:
        """An entry that is not a document (not counted as a file)."""
        self._line({"event": "not_document", **rec})

    def close(self) -> None:
        self.progress.close()


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


def format_summary(s: Summary, db: str, executor: str, max_failures: int = 10) -> str:
    failed = f"{s.failed} failed"
    if s.known_failed:
        failed += f" ({s.known_failed} unchanged since they failed, not retried: --retry-failed)"
    lines = [f"vanban ingest: {s.files} files in {s.seconds:.1f} s: {s.new} new, {s.updated} updated, "
             f"{s.skipped} skipped, {failed}" + (f"; {s.pruned} pruned" if s.pruned else "")
             + (f"; {s.not_documents} other entries are not documents (--log-json lists them)"
                if s.not_documents else ""),
             f"  store {db}, run {s.run_id}, {executor}"]
    for path, cls, msg in s.failures[:max_failures]:
        lines.append(f"  failed: {msg if msg.startswith(path) else f'{path}: {msg}'} [{cls}]")
    if len(s.failures) > max_failures:
        lines.append(f"  … and {len(s.failures) - max_failures} more: "
                     f"vanban sql \"SELECT path, error_class, message FROM failures\" --db {db}")
    return "\n".join(lines)
