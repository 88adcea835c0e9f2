"""A .docx's zip parts, read safely: the zip is checked from its directory before
anything is decompressed (a member or total that would unpack too large, an
extreme compression ratio: a zip bomb, is refused), a part never yields more
than its directory declares, XML is parsed without entity expansion or DTDs, and
the body is streamed one paragraph or table at a time."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

from vanban.pipeline.readers.base import ReadError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

MB = 1024 * 1024
MAX_MEMBER_BYTES = 200 * MB          # one part, uncompressed
MAX_TOTAL_BYTES = 500 * MB           # all parts, uncompressed (env VANBAN_MAX_UNZIPPED_MB)
MAX_TREE_BYTES = 32 * MB             # a part parsed whole (numbering, styles, notes); the body is streamed
MAX_BLOCK_ELEMENTS = 1_000_000       # one paragraph or table of the body, held whole (~0.3 KB an element)
MAX_RATIO = 200                      # uncompressed : compressed, for parts over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 10 * MB
MAX_MEMBERS = 20000
CHUNK = 1 << 16                      # bytes unpacked at a time


def _limits() -> tuple[int, int]:
    """(one part, all parts) uncompressed, in bytes: env VANBAN_MAX_UNZIPPED_MB
    (or VANBAN_MAX_UNZIPPED_BYTES) bounds the total, default 500 MB."""
    total = MAX_TOTAL_BYTES
    for name, unit in (("VANBAN_MAX_UNZIPPED_MB", MB), ("VANBAN_MAX_UNZIPPED_BYTES", 1)):
        raw = os.environ.get(name, "").strip()
        if raw:
            try:
                total = max(1, int(float(raw) * unit))
            except ValueError:
                pass
            break
    return min(MAX_MEMBER_BYTES, total), total


def check_zip(path: str | Path, z: zipfile.ZipFile) -> None:
    """Refuse zip bombs from the central directory, before decompressing."""
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ReadError(path, f"zip holds {len(infos)} parts (over {MAX_MEMBERS}): refused as a possible zip bomb")
    max_member, max_total = _limits()
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        if size > max_member:
            raise ReadError(path, f"zip bomb? part {info.filename} would unpack to {size / MB:.0f} MB "
                                  f"(limit {max_member / MB:.0f} MB)")
        if size > RATIO_MIN_BYTES and size / packed > MAX_RATIO:
            raise ReadError(path, f"zip bomb? part {info.filename} unpacks {size / MB:.0f} MB from "
                                  f"{packed / 1024:.0f} KB (ratio {size // packed}:1)")
    if total > max_total:
        raise ReadError(path, f"zip bomb? parts would unpack to {total / MB:.0f} MB in all "
                              f"(limit {max_total / MB:.0f} MB; VANBAN_MAX_UNZIPPED_MB)")


class _Member:
    """A zip part read a chunk at a time: never more than the size the zip's
    directory declares (checked by `check_zip`) comes out, whatever the
    compressed data would inflate to (a lying directory ends in a CRC error)."""

    def __init__(self, path, z: zipfile.ZipFile, name: str):
        self.path, self.name = path, name
        try:
            self.f = z.open(name)
        except Exception as e:      # a damaged local header, an unknown compression ...
            raise ReadError(path, f"corrupt zip: cannot unpack {name} ({type(e).__name__}: {e})")
        self.declared = z.getinfo(name).file_size
        self.done = 0

    def read(self, n: int = -1) -> bytes:
        n = CHUNK if n is None or n < 0 or n > CHUNK else n
        try:
            data = self.f.read(n)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
            raise ReadError(self.path, f"corrupt zip: cannot unpack {self.name} ({e})")
        except Exception as e:      # zlib.error and friends
            raise ReadError(self.path, f"corrupt zip: cannot unpack {self.name} ({type(e).__name__}: {e})")
        self.done += len(data)
        if self.done > self.declared:
            raise ReadError(self.path, f"corrupt zip: {self.name} unpacks to more than the {self.declared} bytes "
                                       "its directory declares")
        return data

    def close(self) -> None:
        self.f.close()

    def __enter__(self) -> "_Member":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _parser():
    from lxml import etree
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=True, remove_comments=True, remove_pis=True)


def _parse(path, z: zipfile.ZipFile, name: str, required: bool = False, warnings: list[str] | None = None):
    """A small part parsed whole (None when it is absent, too large or not XML)."""
    from lxml import etree
    try:
        size = z.getinfo(name).file_size
    except KeyError:
        if required:
            raise ReadError(path, f"not a Word document: {name} is missing")
        return None
    if size > MAX_TREE_BYTES:
        if required:
            raise ReadError(path, f"{name} is {size / MB:.0f} MB, over the limit of {MAX_TREE_BYTES // MB} MB")
        if warnings is not None:
            warnings.append(f"{name} is {size / MB:.0f} MB, over the limit of {MAX_TREE_BYTES // MB} MB: left out")
        return None
    parts = []
    with _Member(path, z, name) as m:
        while True:
            chunk = m.read(CHUNK)
            if not chunk:
                break
            parts.append(chunk)
    try:
        return etree.fromstring(b"".join(parts), _parser())
    except etree.XMLSyntaxError as e:
        if required:
            raise ReadError(path, f"{name} is not well-formed XML ({e})")
        return None


def _body_children(path, z: zipfile.ZipFile, name: str):
    """Each child of w:body (a paragraph, a table ...) as its end tag is parsed,
    freed once the caller has read it: memory holds one of them at a time, not
    the document's whole tree."""
    from lxml import etree
    if name not in z.namelist():
        raise ReadError(path, f"not a Word document: {name} is missing")
    with _Member(path, z, name) as m:
        events = etree.iterparse(m, events=("start", "end"), resolve_entities=False, no_network=True,
                                 load_dtd=False, huge_tree=True, remove_comments=True, remove_pis=True)
        depth = 0
        body = None
        elements = 0            # in the body child being parsed
        try:
            for ev, el in events:
                if ev == "start":
                    depth += 1
                    if depth == 2 and el.tag == f"{W}body":
                        body = el
                    elif depth > 2:
                        elements += 1
                        if elements > MAX_BLOCK_ELEMENTS:
                            raise ReadError(path, f"one paragraph or table of {name} holds more than "
                                                  f"{MAX_BLOCK_ELEMENTS:,} XML elements: refused (too large "
                                                  "to read within memory)")
                    continue
                depth -= 1
                if body is not None and depth == 2 and el.getparent() is body:
                    yield el
                    el.clear()
                    while el.getprevious() is not None:
                        del body[0]
                    elements = 0
        except etree.XMLSyntaxError as e:
            raise ReadError(path, f"{name} is not well-formed XML ({e})")
        if body is None:
            raise ReadError(path, f"{name} has no body")
