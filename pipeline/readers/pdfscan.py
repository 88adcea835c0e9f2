"""How far a PDF's compressed streams unpack, measured before PDFium opens it.

PDFium inflates a page's content stream whole and builds an object for every
drawing operator in it: a 1 MB file whose content stream inflates to 1 GB took
2 GB of memory, a 64 MB stream of text operators 0.9 GB. So every stream is
unpacked here first, counting bytes and keeping none, and a stream that would
unpack beyond the limit (`VANBAN_MAX_STREAM_MB`, default 32 MB; images, which
are decoded only to render a page for OCR and have their own pixel limit, get
eight times that) is refused before anything is built from it.

Counted: FlateDecode, LZWDecode, RunLengthDecode, ASCIIHexDecode, ASCII85Decode
and chains of them (a chain whose amplifying step is not last is unpacked step
by step, each step bounded). Image codecs (DCT, JPX, JBIG2, CCITT) are not
unpacked here; encrypted streams cannot be and are left to PDFium.
"""
from __future__ import annotations

import base64
import binascii
import os
import re
import zlib
from dataclasses import dataclass
from typing import Iterable, Iterator

MB = 1 << 20
DEFAULT_MAX_STREAM_MB = 32
IMAGE_FACTOR = 8
_CHUNK = 1 << 16
_OUT = 1 << 20

_STREAM = re.compile(rb">>\s*stream(?:\r\n|\r|\n)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_ALIASES = {b"Fl": b"FlateDecode", b"LZW": b"LZWDecode", b"RL": b"RunLengthDecode", b"AHx": b"ASCIIHexDecode",
            b"A85": b"ASCII85Decode"}
_KNOWN = {b"FlateDecode", b"LZWDecode", b"RunLengthDecode", b"ASCIIHexDecode", b"ASCII85Decode"}


def max_stream_bytes() -> int:
    raw = os.environ.get("VANBAN_MAX_STREAM_MB", "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_STREAM_MB
    except ValueError:
        mb = DEFAULT_MAX_STREAM_MB
    return max(1, int(mb * MB))


@dataclass
class Oversized:
    offset: int          # where the stream's data starts in the file
    filters: str
    image: bool
    unpacked: int        # bytes counted before stopping (over `limit`)
    limit: int


# ---- decoders: each takes chunks and yields chunks of at most ~1 MB -------------------

def _flate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    d = zlib.decompressobj()
    try:
        for c in chunks:
            while c:
                out = d.decompress(c, _OUT)
                if out:
                    yield out
                if d.eof:
                    return
                c = d.unconsumed_tail
    except zlib.error:
        return            # damaged (or encrypted) data: PDFium stops there too


def _whole(chunks: Iterable[bytes], limit: int) -> bytes:
    out = bytearray()
    for c in chunks:
        out += c
        if len(out) > limit:
            break
    return bytes(out)


def _ascii_hex(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    data = re.sub(rb"\s+", b"", _whole(chunks, 2 * limit + 2)).split(b">")[0]
    if len(data) % 2:
        data += b"0"
    try:
        yield binascii.unhexlify(data)
    except (binascii.Error, ValueError):
        return


def _ascii85(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    data = _whole(chunks, 2 * limit + 2)
    data = data.split(b"~>")[0].lstrip()
    if data.startswith(b"<~"):
        data = data[2:]
    try:
        yield base64.a85decode(data, ignorechars=b" \t\n\r\x0b\x0c")
    except ValueError:
        return


def _run_length(chunks: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    for c in chunks:
        data = pending + c
        out = bytearray()
        i = 0
        while i < len(data):
            n = data[i]
            if n == 128:
                return
            if n < 128:
                if i + 1 + n + 1 > len(data):
                    break
                out += data[i + 1:i + 2 + n]
                i += n + 2
            else:
                if i + 1 >= len(data):
                    break
                out += data[i + 1:i + 2] * (257 - n)
                i += 2
            if len(out) >= _OUT:
                yield bytes(out)
                out.clear()
        pending = data[i:]
        if out:
            yield bytes(out)


def _lzw_count(chunks: Iterable[bytes], limit: int) -> int:
    """Bytes LZW data decodes to (early change on, as PDF writes it), counted
    without building them, stopping past `limit`."""
    lengths = [1] * 256 + [0, 0]     # 256: clear table, 257: end of data
    width, total, prev, acc, bits = 9, 0, None, 0, 0
    for c in chunks:
        for byte in c:
            acc = (acc << 8) | byte
            bits += 8
            while bits >= width:
                bits -= width
                code = (acc >> bits) & ((1 << width) - 1)
                if code == 256:
                    del lengths[258:]
                    width, prev = 9, None
                    continue
                if code == 257:
                    return total
                if code < len(lengths):
                    n = lengths[code]
                elif prev is not None and code == len(lengths):
                    n = lengths[prev] + 1
                else:
                    return total           # damaged
                total += n
                if total > limit:
                    return total
                if prev is not None and len(lengths) < 4096:
                    lengths.append(lengths[prev] + 1)
                prev = code
                if len(lengths) + 1 >= (1 << width) and width < 12:
                    width += 1
        acc &= (1 << bits) - 1
    return total


def unpacked_size(data: bytes, filters: list[bytes], limit: int) -> int | None:
    """Bytes the stream data unpacks to through `filters`, counted up to just
    past `limit`; None when a filter is not one counted here."""
    if not filters or any(f not in _KNOWN for f in filters):
        return None
    chunks: Iterable[bytes] = (data[i:i + _CHUNK] for i in range(0, len(data), _CHUNK))
    for k, f in enumerate(filters):
        last = k == len(filters) - 1
        if f == b"FlateDecode":
            chunks = _flate(chunks)
        elif f == b"RunLengthDecode":
            chunks = _run_length(chunks)
        elif f == b"ASCIIHexDecode":
            chunks = _ascii_hex(chunks, limit)
        elif f == b"ASCII85Decode":
            chunks = _ascii85(chunks, limit)
        elif f == b"LZWDecode":
            if not last:
                chunks = iter([_whole(chunks, limit)])      # bounded; LZW below counts, then stops
                return min(_lzw_count(chunks, limit), limit + 1)
            return _lzw_count(chunks, limit)
    total = 0
    for c in chunks:
        total += len(c)
        if total > limit:
            break
    return total


_ANY_LENGTH = re.compile(rb"/Length\b")


def repair_cost(data: bytes) -> tuple[int, int]:
    """(streams, bytes): the streams whose dictionary gives no /Length, and how
    many bytes a reader must search to find where each ends (up to the next
    "endstream", or the end of the file). PDFium searches like that for each such
    stream, so 400,000 of them without an end took minutes on 17 MB."""
    streams = cost = 0
    next_end = -1
    for m in _STREAM.finditer(data):
        start = m.end()
        obj = data.rfind(b"obj", max(0, m.start() - 4096), m.start())
        if _ANY_LENGTH.search(data, obj if obj >= 0 else max(0, m.start() - 4096), m.start()):
            continue
        if next_end < start:
            next_end = data.find(b"endstream", start)
            if next_end < 0:
                next_end = len(data)
        streams += 1
        cost += next_end - start
    return streams, cost


def _filters(d: bytes) -> list[bytes]:
    m = _FILTER.search(d)
    if not m:
        return []
    return [_ALIASES.get(n, n) for n in _NAME.findall(m.group(1))]


def oversized_streams(data: bytes, limit: int | None = None, first_only: bool = True) -> list[Oversized]:
    """Streams of the PDF `data` that unpack beyond the limit (images: eight times it)."""
    limit = max_stream_bytes() if limit is None else limit
    found: list[Oversized] = []
    done = 0                  # streams do not overlap: one found inside another's data is not one
    next_end = -1             # the next "endstream" after the current position (found once, reused)
    for m in _STREAM.finditer(data):
        start = m.end()
        if m.start() < done:
            continue
        obj = data.rfind(b" obj", max(0, m.start() - 65536), m.start())
        d = data[obj if obj >= 0 else max(0, m.start() - 4096):m.start() + 2]
        filters = _filters(d)
        if not filters:
            continue
        end = -1
        ln = _LENGTH.search(d)
        if ln and start + int(ln.group(1)) <= len(data):
            end = start + int(ln.group(1))
        if end < 0:
            if next_end < start:
                next_end = data.find(b"endstream", start)
                if next_end < 0:
                    next_end = len(data)
            end = next_end
        done = end
        image = bool(_IMAGE.search(d))
        cap = limit * IMAGE_FACTOR if image else limit
        n = unpacked_size(data[start:end], filters, cap)
        if n is not None and n > cap:
            found.append(Oversized(start, " ".join(f.decode("ascii", "replace") for f in filters), image, n, cap))
            if first_only:
                break
    return found
