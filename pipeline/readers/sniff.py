"""What a file really is, from its bytes; and the limits a reader enforces.

The extension is only a hint: a saved web page named .pdf, a PDF named .txt or
a .docx that is really an old .doc are read as what they are (with a warning).
"""
from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from vanban.pipeline.readers.base import ReadError

DEFAULT_MAX_BYTES = 100 * 1024 * 1024          # 100 MB
MB = 1024 * 1024

SUFFIXES = {".txt": "txt", ".text": "txt", ".pdf": "pdf", ".html": "html", ".htm": "html",
            ".xhtml": "html", ".mht": "mht", ".docx": "docx", ".doc": "doc"}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Binary formats that are certainly not documents we read.
_BINARY_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"), (b"II*\x00", "TIFF image"), (b"MM\x00*", "TIFF image"),
    (b"BM", None), (b"\x1f\x8b", "gzip archive"), (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"), (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"), (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"), (b"MZ", None), (b"\x00\x00\x01\x00", None),
    (b"ID3", "MP3 audio"), (b"OggS", "Ogg media"), (b"fLaC", "FLAC audio"), (b"%!PS", "PostScript file"),
    (b"SQLite format 3\x00", "SQLite database"), (b"\x28\xb5\x2f\xfd", "zstd archive"),
]


def max_bytes() -> int:
    """The size limit: env VANBAN_MAX_BYTES (bytes; suffixes K/M/G allowed), default 100 MB."""
    raw = os.environ.get("VANBAN_MAX_BYTES", "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kKmMgG]?)[bB]?", raw)
    if not m:
        return DEFAULT_MAX_BYTES
    mult = {"": 1, "k": 1024, "m": MB, "g": 1024 * MB}[m.group(2).lower()]
    return max(1, int(float(m.group(1)) * mult))


DEFAULT_MAX_CHARS = 5_000_000                   # characters of text in one document


def max_chars() -> int:
    """The text limit: env VANBAN_MAX_CHARS (characters), default 5 million. The
    offset maps and items of a document grow with its text; this bounds them."""
    raw = os.environ.get("VANBAN_MAX_CHARS", "").strip()
    try:
        return max(1, int(float(raw))) if raw else DEFAULT_MAX_CHARS
    except ValueError:
        return DEFAULT_MAX_CHARS


def check_chars(path: str | Path, n: int, limit: int | None = None, at_least: bool = False) -> None:
    limit = max_chars() if limit is None else limit
    if n > limit:
        raise ReadError(path, f"the text is {'at least ' if at_least else ''}{n:,} characters long, over the "
                              f"limit of {limit:,} (set VANBAN_MAX_CHARS to raise it)")


def fmt_size(n: int) -> str:
    if n >= MB // 10:
        return f"{n / MB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def _mb_pair(size: int, limit: int) -> tuple[str, str]:
    """Size and limit in MB, with as many decimals as it takes to tell them apart."""
    lim = limit / MB
    for d in (1, 2, 3, 4, 6):
        a = f"{size / MB:.{d}f}"
        b = f"{lim:.0f}" if lim >= 1 and lim == int(lim) else f"{lim:.{d}f}"
        if a != b:
            return a, b
    return f"{size / MB:.6f}", f"{lim:.6f}"


def check_size(path: str | Path, size: int, limit: int | None = None) -> None:
    limit = max_bytes() if limit is None else limit
    if size > limit:
        a, b = _mb_pair(size, limit)
        raise ReadError(path, f"file is {a} MB, over the limit of {b} MB (set VANBAN_MAX_BYTES to raise it)")


@dataclass
class Sniffed:
    kind: str            # pdf | docx | doc | html | txt
    detail: str = ""     # what was seen, for warnings


_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta[\s>]|title[\s>])",
                         re.I | re.S)
# A MIME message (a saved .mht page): header lines, one of them MIME-Version, then
# a multipart body.
_MIME_START = re.compile(rb"\A(?:[A-Za-z0-9-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){0,40}?MIME-Version:", re.I)
_MULTIPART = re.compile(rb"Content-Type:\s*multipart/", re.I)
_HTML_TAGS = re.compile(rb"<(?:html|head|body|div|p|table|meta|title|br|span|a\s|h1|script)[\s>/]", re.I)


def _decoded_head(head: bytes) -> bytes:
    """The start of the file as ASCII-compatible bytes (UTF-16 folded to 8 bits)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) > 8 and head[1:8:2] == b"\x00\x00\x00\x00"
                                                      or head[0:8:2] == b"\x00\x00\x00\x00"):
        try:
            enc = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else (
                "utf-16-le" if head[1] == 0 else "utf-16-be")
            return head[: len(head) // 2 * 2].decode(enc, errors="ignore").encode("utf-8", errors="ignore")
        except Exception:
            return head
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    return head


def looks_html(head: bytes) -> bool:
    h = _decoded_head(head)
    if _HTML_START.match(h):
        return True
    # A fragment or a page with some text before the first tag: several HTML tags early on.
    return len(_HTML_TAGS.findall(h[:4096])) >= 4 and h.lstrip()[:1] == b"<"


_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_HIGH = bytes(range(0x80, 0x100))


def is_binary(head: bytes) -> str | None:
    """A short description when the bytes are not text, else None."""
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic) and name:
            return name
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return None
    sample = head[:8192]
    if not sample:
        return None
    from vanban.pipeline.readers.txt import utf16_without_bom
    if utf16_without_bom(sample):
        return None
    # A few NUL or control bytes in text (a stray byte from a bad copy) do not make
    # it binary: the text reader drops them. Binary formats have many.
    ctrl = len(sample) - len(sample.translate(None, _CONTROL))       # counted in C
    if ctrl > max(2, len(sample) // 100):
        return "binary content"
    # Bytes that are neither ASCII nor valid UTF-8 are fine (legacy encodings), unless
    # they dominate: real text in any 8-bit encoding is mostly ASCII.
    high = len(sample) - len(sample.translate(None, _HIGH))
    if high > len(sample) * 0.6:
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError as e:
            if e.start < len(sample) - 4:
                return "binary content"
    return None


def _zip_kind(path: Path) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = ""
            if "mimetype" in names:
                info = z.getinfo("mimetype")
                if info.file_size < 200:
                    mimetype = z.read("mimetype").decode("ascii", "replace").strip()
    except zipfile.BadZipFile as e:
        raise ReadError(path, f"corrupt or truncated zip/.docx file (not a complete zip archive: {e})")
    except (OSError, EOFError, ValueError) as e:
        raise ReadError(path, f"corrupt or truncated zip container ({e})")
    if "word/document.xml" in names:
        return Sniffed("docx", "Word document (zip with word/document.xml)")
    if mimetype.startswith("application/vnd.oasis.opendocument.text"):
        raise ReadError(path, "an OpenDocument text (.odt), not a supported format; save it as .docx")
    if "xl/workbook.xml" in names:
        raise ReadError(path, "an Excel workbook (.xlsx), not a document this tool reads")
    if "ppt/presentation.xml" in names:
        raise ReadError(path, "a PowerPoint file (.pptx), not a document this tool reads")
    if any(n.startswith("word/") for n in names):
        raise ReadError(path, "a Word zip without word/document.xml (damaged .docx)")
    raise ReadError(path, "a zip archive, not a Word document (no word/document.xml inside)")


def sniff(path: Path, head: bytes) -> Sniffed:
    """Decide the format from the first bytes (and the zip directory)."""
    if not head:
        raise ReadError(path, "empty file")
    i = head.find(b"%PDF-")
    if i == 0 or (0 < i < 1024 and not looks_html(head)):
        return Sniffed("pdf", "PDF")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(OLE2_MAGIC):
        return Sniffed("doc", "legacy Word/OLE2 file")
    if head.lstrip()[:5] == b"{\\rtf":
        raise ReadError(path, "an RTF document, not a supported format; save it as .docx")
    if _MIME_START.match(head) and _MULTIPART.search(head[:8192]):
        return Sniffed("mht", "MIME web archive")
    what = is_binary(head)
    if what:
        if what == "binary content":
            raise ReadError(path, "not a text document (binary content)")
        raise ReadError(path, f"not a text document ({what})")
    if looks_html(head):
        return Sniffed("html", "HTML")
    return Sniffed("txt", "plain text")


def ole2_encrypted(data: bytes) -> bool:
    """An OLE2 file that wraps an encrypted Office Open XML document (what Word
    writes for a password-protected .docx): it has an EncryptedPackage stream."""
    return "EncryptedPackage".encode("utf-16-le") in data


def ole2_is_word(data: bytes) -> bool:
    """An OLE2 compound file with a WordDocument stream (not .xls/.msg)."""
    return "WordDocument".encode("utf-16-le") in data
