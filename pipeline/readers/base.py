"""What every reader returns, and the errors readers raise.

A reader turns one file into plain text plus a page map. It does no cleaning:
`pipeline.clean` normalizes the text once, keeping an offset map back to this raw
text, so every extractor works on the same normalized string.
"""
from __future__ import annotations

from pathlib import Path

from vanban.schemas.document import PageSpan, RawDocument  # noqa: F401  (readers return these)


class ReadError(Exception):
    """A file that cannot be read. The message names the file and the problem."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, or a ReadError naming the file and the OS's reason."""
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise ReadError(path, f"cannot read: {e.strerror or e}")
