"""Plain text: UTF-8, UTF-16 with a BOM, or Windows-1258."""
from __future__ import annotations

from pathlib import Path

from pipeline.readers.base import RawDocument, ReadError


def decode_bytes(data: bytes, path: str) -> tuple[str, list[str]]:
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), warnings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), warnings
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
        warnings.append("not UTF-8: decoded as Windows-1258")
        return text, warnings
    except UnicodeDecodeError as e:
        raise ReadError(path, f"text is neither UTF-8, UTF-16 nor Windows-1258 ({e.reason} at byte {e.start})")


def read_txt(path: str | Path) -> RawDocument:
    data = Path(path).read_bytes()
    text, warnings = decode_bytes(data, str(path))
    return RawDocument(path=str(path), format="txt", text=text, warnings=warnings)
