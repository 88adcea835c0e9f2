"""What an ingest shows while it runs: a progress bar, and one JSON line per file
with --log-json."""
from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, TextIO

from vanban.pipeline.batch.common import shown

if TYPE_CHECKING:
    from vanban.pipeline.batch.options import Options


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
