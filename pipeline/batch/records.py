"""The task a worker runs, and the records workers send back: an extraction as
JSON, or a failure (an error, a timeout, the memory limit)."""
from __future__ import annotations

import os
import time
import traceback
from typing import Any

from vanban.pipeline.batch.common import shown


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
