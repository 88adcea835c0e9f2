"""Readers: one module per format; `read_document` picks one by content.

The format is decided from the bytes (`sniff`), not the extension: %PDF, a zip
holding word/document.xml, an OLE2 .doc, HTML markup, or text. A file whose
extension disagrees is read as what it really is, with a warning. Every
failure is a ReadError naming the file and the reason; no reader's exception
escapes as a traceback.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from vanban.pipeline.readers.base import PageSpan, RawDocument, ReadError, read_bytes
from vanban.pipeline.readers.sniff import SUFFIXES, check_chars, check_size, ole2_encrypted, ole2_is_word, sniff
from vanban.pipeline.readers.txt import read_txt

_EXTENSION = re.compile(r"\.(?=[a-z0-9]*[a-z])[a-z0-9]{1,5}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMES = {"mht": "a MIME web archive", "txt": "plain text", "pdf": "PDF", "html": "HTML", "docx": "a Word .docx", "doc": "a legacy Word .doc"}


def _stat(p: Path) -> os.stat_result:
    try:
        return p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise ReadError(p, "broken symbolic link")
        raise ReadError(p, "no such file")
    except PermissionError:
        raise ReadError(p, "permission denied")
    except OSError as e:
        raise ReadError(p, f"cannot access: {e.strerror or e}")


def _head(p: Path, n: int = 8192) -> bytes:
    try:
        with open(p, "rb") as f:
            return f.read(n)
    except PermissionError:
        raise ReadError(p, "permission denied")
    except IsADirectoryError:
        raise ReadError(p, "is a directory, not a file")
    except OSError as e:
        raise ReadError(p, f"cannot read: {e.strerror or e}")


def _read_pdf(p: Path) -> RawDocument:
    try:
        from vanban.pipeline.readers.pdf import read_pdf
    except ImportError as e:
        detail = "" if getattr(e, "name", None) == "vanban.pipeline.readers.pdf" else f" ({e})"
        raise ReadError(p, f"PDF reader not available{detail}")
    return read_pdf(p)


def _dispatch(p: Path, kind: str, warnings: list[str]) -> RawDocument:
    if kind == "txt":
        doc = read_txt(p)
    elif kind == "html":
        from vanban.pipeline.readers.html import read_html
        doc = read_html(p)
    elif kind == "mht":
        from vanban.pipeline.readers.html import read_mht
        doc = read_mht(p)
    elif kind == "docx":
        from vanban.pipeline.readers.docx import read_docx
        doc = read_docx(p)
    elif kind == "doc":
        from vanban.pipeline.readers.docx import read_doc
        data = read_bytes(p)
        if ole2_encrypted(data):
            raise ReadError(p, "an encrypted (password-protected) Office document; remove the password and "
                               "save it again to read it")
        if not ole2_is_word(data):
            raise ReadError(p, "an OLE2 (old Office) file that is not a Word document (Excel, Outlook ...?)")
        doc = read_doc(p)
    elif kind == "pdf":
        doc = _read_pdf(p)
    else:
        raise ReadError(p, f"unsupported format {kind}")
    doc.warnings = warnings + list(doc.warnings)
    return doc


def read_document(path: str | Path) -> RawDocument:
    """Read one file into a RawDocument, or raise ReadError(path, reason)."""
    p = Path(path)
    st = _stat(p)
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(p, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(p, "not a regular file (a device, socket or pipe)")
    suffix = p.suffix.lower()
    if _EXTENSION.fullmatch(suffix) and suffix not in SUFFIXES:
        # A name with another file type's extension (.odt, .xlsx, .md, .jpg) is refused,
        # not read as text; a name without one (or with a dot that is part of a
        # document number, "12.2019", "KH-UBND") is judged by its content.
        raise ReadError(p, f"{suffix} files are not a type vanban reads (it reads {' '.join(SUFFIXES)})")
    check_size(p, st.st_size)
    if st.st_size == 0:
        raise ReadError(p, "empty file")
    head = _head(p)
    if not head:
        raise ReadError(p, "empty file")
    found = sniff(p, head)
    warnings: list[str] = []
    by_ext = SUFFIXES.get(suffix)
    if by_ext and by_ext != found.kind:
        warnings.append(f"named {suffix} but the content is {_NAMES.get(found.kind, found.kind)}: "
                        f"read as {found.kind}")
    try:
        doc = _dispatch(p, found.kind, warnings)
    except (ReadError, MemoryError):
        raise           # MemoryError: the worker reports its memory limit
    except RecursionError:
        raise ReadError(p, "structure nested too deeply to read")
    except Exception as e:      # a reader bug must not become a traceback
        raise ReadError(p, f"could not read as {found.kind}: {type(e).__name__}: {e}")
    check_chars(p, len(doc.text))
    if _SURROGATE.search(doc.text):
        # A character reference or symbol code naming half of a UTF-16 pair: not a
        # character, and not encodable; one U+FFFD each keeps every offset.
        n = len(_SURROGATE.findall(doc.text))
        doc.text = _SURROGATE.sub("\ufffd", doc.text)
        doc.warnings.append(f"{n} invalid character code(s) (lone UTF-16 surrogates) replaced")
    doc.warnings = [_SURROGATE.sub("\ufffd", w) for w in doc.warnings]
    return doc


__all__ = ["PageSpan", "RawDocument", "ReadError", "read_document", "SUFFIXES"]
