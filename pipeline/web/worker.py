"""Worker processes for the server: the work a hostile upload could make slow,
huge or crash (reading and extracting it) runs in a separate, warm process,
one call at a time, under a time limit (the process is killed and replaced
past it) and a memory limit (RLIMIT_AS: reading past it raises MemoryError,
which the readers turn into a clear ReadError). The server itself never parses
an uploaded file.

A `WorkerPool` holds N such processes and refuses work when too many calls
are already waiting (`WorkerBusy`), so a burst of uploads cannot pile up.
"""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from typing import Any, Callable


class WorkerError(Exception):
    """A call that did not return: the message says why, in Vietnamese."""


class WorkerTimeout(WorkerError):
    pass


class WorkerDied(WorkerError):
    pass


class WorkerBusy(WorkerError):
    pass


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:     # the server died (kill -9): do not linger
            os._exit(1)


def _limit_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    try:
        import resource
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass                                 # not available here: the time limit still holds


def _main(conn, fn: Callable, warm: Callable | None, memory_mb: int | None, parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C stops the server, which stops us
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    if warm is not None:
        warm()
    _limit_memory(memory_mb)
    conn.send(("ready", None))
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return
        if args is None:
            return
        try:
            out = ("ok", fn(*args))
        except MemoryError:
            out = ("error", "hết bộ nhớ cho phép khi xử lý tệp")
        except Exception as e:               # fn should not raise; if it does, say what
            out = ("error", f"{type(e).__name__}: {e}")
        try:
            conn.send(out)
        except OSError:
            return


def _exit_desc(code: int | None) -> str:
    if code is None:
        return "vẫn chạy"
    if code < 0:
        try:
            return f"bị dừng bởi tín hiệu {signal.Signals(-code).name}"
        except ValueError:
            return f"bị dừng bởi tín hiệu {-code}"
    return f"mã thoát {code}"


class Worker:
    """One warm process running `fn(*args)`; `call` blocks until it returns,
    the time limit passes (WorkerTimeout, the process is killed) or it dies
    (WorkerDied). Started on first use; restarted after a kill."""

    def __init__(self, fn: Callable, *, warm: Callable | None = None, timeout: float = 60.0,
                 memory_mb: int | None = None, startup_timeout: float = 120.0):
        self.fn, self.warm = fn, warm
        self.timeout, self.memory_mb, self.startup_timeout = timeout, memory_mb, startup_timeout
        self.ctx = mp.get_context("spawn")
        self.proc = None
        self.conn = None
        self.lock = threading.Lock()

    def _start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_main, args=(child, self.fn, self.warm, self.memory_mb, os.getpid()),
                                     daemon=True, name="vanban-web-worker")
        self.proc.start()
        child.close()
        if not self.conn.poll(self.startup_timeout):
            self._kill()
            raise WorkerDied("tiến trình xử lý không khởi động được")
        try:
            kind, _ = self.conn.recv()
        except (EOFError, OSError):
            code = self._kill()
            raise WorkerDied(f"tiến trình xử lý không khởi động được ({_exit_desc(code)})")
        assert kind == "ready"

    def _kill(self) -> int | None:
        code = None
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join()
            code = self.proc.exitcode
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.close()
        self.proc = self.conn = None
        return code

    def call(self, *args: Any) -> Any:
        with self.lock:
            if self.proc is None or not self.proc.is_alive():
                self._kill()
                self._start()
            try:
                self.conn.send(args)
            except OSError:
                code = self._kill()
                raise WorkerDied(f"tiến trình xử lý đã dừng ({_exit_desc(code)})")
            if not self.conn.poll(self.timeout):
                self._kill()
                raise WorkerTimeout(f"quá thời gian xử lý cho phép ({self.timeout:g} giây): tệp đã bị bỏ qua")
            try:
                kind, value = self.conn.recv()
            except (EOFError, OSError):
                code = self._kill()
                raise WorkerDied(f"tiến trình xử lý đã dừng khi đọc tệp ({_exit_desc(code)})")
            if kind == "error":
                raise WorkerError(value)
            return value

    def close(self) -> None:
        with self.lock:
            if self.conn is not None:
                with contextlib.suppress(OSError):
                    self.conn.send(None)
            if self.proc is not None:
                self.proc.join(timeout=2)
            self._kill()


class WorkerPool:
    """N workers; a call takes a free one, waiting while `max_waiting` or fewer
    calls wait, else WorkerBusy."""

    def __init__(self, fn: Callable, n: int = 1, max_waiting: int = 4, **kw: Any):
        self.workers = [Worker(fn, **kw) for _ in range(max(1, n))]
        self.free: queue.Queue[Worker] = queue.Queue()
        for w in self.workers:
            self.free.put(w)
        self.max_waiting = max_waiting
        self.waiting = 0
        self.lock = threading.Lock()

    def call(self, *args: Any) -> Any:
        with self.lock:
            if self.free.empty() and self.waiting >= self.max_waiting:
                raise WorkerBusy("máy chủ đang xử lý nhiều tệp khác; xin thử lại sau ít phút")
            self.waiting += 1
        try:
            w = self.free.get()
        finally:
            with self.lock:
                self.waiting -= 1
        try:
            return w.call(*args)
        finally:
            self.free.put(w)

    def close(self) -> None:
        for w in self.workers:
            w.close()
