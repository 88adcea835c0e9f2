"""What every reader returns, and the errors readers raise.

A reader turns one file into plain text plus a page map. It does no cleaning:
`pipeline.clean` normalizes the text once, keeping an offset map back to this raw
text, so every extractor works on the same normalized string.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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


@dataclass
class PageSpan:
    """Characters [start, end) of the raw text come from page `page` (1-based)."""
    page: int
    start: int
    end: int


@dataclass
class RawDocument:
    path: str
    format: str                      # txt | pdf | html | docx | doc
    text: str                        # raw text, not yet normalized
    pages: list[PageSpan] = field(default_factory=list)   # empty for unpaginated formats
    warnings: list[str] = field(default_factory=list)
    # Metadata a reader knows from structure rather than text: for web pages the
    # headline, posting date (ISO) and byline; each as a string, or absent.
    meta: dict[str, str] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)   # pages whose text came from OCR

    def page_at(self, offset: int) -> int | None:
        for p in self.pages:
            if p.start <= offset < p.end:
                return p.page
        return None
