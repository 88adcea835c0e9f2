"""The local process pool: one task per worker at a time, so a worker that
overruns its time or memory limit can be killed without losing anything else.

Memory: each worker's data segment (the heap and every private writable
mapping: what grows when a file inflates in memory) is limited with
RLIMIT_DATA, so an allocation over the limit fails with MemoryError (a
"MemoryLimit" failure, and the worker is replaced); the parent also watches
each busy worker's resident size and kills one that passes the limit by
MEMORY_SLACK_MB (memory the data limit does not count).

Workers are spawned: what they run (`_worker_main`, the task and its warm-up)
is sent by its qualified name, so it must stay importable from where it is."""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from multiprocessing import connection as mpc
from typing import Callable, Iterable, Iterator

from vanban.pipeline.batch.common import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, ExecutorError, shown
from vanban.pipeline.batch.records import extract_record, failure_record, memory_record, timeout_record, warm_up

MEMORY_SLACK_MB = 256
_POLL_SECONDS = 0.1


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
