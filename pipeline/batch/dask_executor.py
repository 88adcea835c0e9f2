"""The Dask executor: extraction on a Dask cluster, records stored by this process."""
from __future__ import annotations

import contextlib
import time
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from vanban.pipeline.batch.common import DEFAULT_TIMEOUT, ExecutorError
from vanban.pipeline.batch.records import extract_record, timeout_record


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
