"""Readers: one module per format; `read_document` picks one by content."""
from __future__ import annotations

from pathlib import Path

from pipeline.readers.base import PageSpan, RawDocument, ReadError
from pipeline.readers.txt import read_txt

SUFFIXES = {".txt": "txt", ".pdf": "pdf", ".html": "html", ".htm": "html", ".docx": "docx", ".doc": "doc"}


def read_document(path: str | Path) -> RawDocument:
    p = Path(path)
    if not p.exists():
        raise ReadError(p, "no such file")
    if not p.is_file():
        raise ReadError(p, "not a regular file")
    fmt = SUFFIXES.get(p.suffix.lower())
    if fmt == "txt":
        return read_txt(p)
    raise ReadError(p, f"unsupported file type {p.suffix or '(no extension)'}")


__all__ = ["PageSpan", "RawDocument", "ReadError", "read_document", "SUFFIXES"]
