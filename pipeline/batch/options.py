"""What an ingest is asked to do, and the default number of workers."""
from __future__ import annotations

import os
from dataclasses import dataclass

from vanban.pipeline.batch.common import DEFAULT_TIMEOUT


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


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
