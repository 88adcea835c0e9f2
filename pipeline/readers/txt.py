"""Plain text: UTF-8 (with or without BOM), UTF-16/32 (BOM, or plainly
UTF-16 without one), Windows-1258, and the legacy TCVN3 and VNI encodings.

Single-byte encodings cannot be told apart by validity (every byte decodes), so
they are scored: the decoding that gives the most valid Vietnamese syllables
wins (`legacy.viet_score`). NFD text is returned as it is; clean.py composes it.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from vanban.pipeline.readers.base import read_bytes, RawDocument, ReadError
from vanban.pipeline.readers.sniff import check_chars, max_chars
from vanban.pipeline.readers.legacy import (fix_legacy_text, tcvn3_bytes_to_unicode,
                                     vni_bytes_to_unicode, viet_score)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) when the data starts with a byte-order mark."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the bytes are plainly UTF-16 text without a
    BOM (mostly-ASCII text has a NUL in every other byte), else None."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    return None


# A file is read in a legacy 8-bit encoding only on strong evidence: more than one
# byte in UTF8_ODDS+1 outside valid UTF-8 sequences. Real TCVN3, VNI and
# Windows-1258 text has (almost) no valid multi-byte UTF-8 sequence at all.
UTF8_ODDS = 10


def utf8_evidence(data: bytes) -> tuple[int, int, str]:
    """(valid multi-byte UTF-8 characters, invalid bytes, the text decoded with
    U+FFFD for each invalid byte sequence)."""
    u = data.decode("utf-8", errors="replace")
    bad = u.count("\ufffd")
    good = len(u) - len(u.encode("ascii", errors="ignore")) - bad
    return good, bad, u


def _single_byte_candidates(data: bytes) -> list[tuple[str, str]]:
    cands: list[tuple[str, str]] = []
    try:
        cands.append(("Windows-1258", data.decode("cp1258")))
    except UnicodeDecodeError:
        pass
    cands.append(("TCVN3", tcvn3_bytes_to_unicode(data)))
    cands.append(("VNI", vni_bytes_to_unicode(data)))
    return cands


def decode_bytes(data: bytes, path: str) -> tuple[str, list[str]]:
    """Bytes of a text file -> (Unicode text, warnings)."""
    warnings: list[str] = []
    bom = bom_encoding(data)
    if bom:
        enc, n = bom
        try:
            text = data[n:].decode(enc)
        except UnicodeDecodeError as e:
            text = data[n:].decode(enc, errors="replace")
            warnings.append(f"invalid {enc.upper()} at byte {e.start + n}: bad characters replaced")
        if enc != "utf-8":
            warnings.append(f"decoded as {enc.upper()} (byte-order mark)")
        return _fix_legacy(text, warnings)
    enc16 = utf16_without_bom(data)
    if enc16:
        text = data.decode(enc16, errors="replace")
        warnings.append(f"no byte-order mark: decoded as {enc16.upper()}")
        return _fix_legacy(text, warnings)
    try:
        text = data.decode("utf-8")
        return _fix_legacy(text, warnings)
    except UnicodeDecodeError as e:
        utf8_error = e
    good, bad, u = utf8_evidence(data)
    if good and bad * UTF8_ODDS <= good:
        # Mostly valid UTF-8: a legacy encoding almost never yields a valid multi-byte
        # sequence, so a few stray bytes (a bad copy, a truncated character) do not
        # make the file legacy; they become U+FFFD and the rest is read as written.
        warnings.append(f"invalid UTF-8 at byte {utf8_error.start}: {bad} bad byte(s) replaced "
                        f"({good} valid UTF-8 characters: read as UTF-8)")
        return _fix_legacy(u, warnings)
    cands = _single_byte_candidates(data)
    scored = sorted(((viet_score(t), name, t) for name, t in cands), key=lambda x: -x[0])
    score, name, text = scored[0]
    if score <= 0 and len(data) > 200:
        # Nothing reads as Vietnamese; maybe UTF-8 with a few broken bytes.
        u = data.decode("utf-8", errors="replace")
        bad = u.count("\ufffd")
        if bad <= max(3, len(u) // 1000):
            warnings.append(f"invalid UTF-8 at byte {utf8_error.start}: {bad} bad byte(s) replaced")
            return u, warnings
    warnings.append(f"not UTF-8: decoded as {name}")
    return text, warnings


def _fix_legacy(text: str, warnings: list[str]) -> tuple[str, list[str]]:
    fixed, name = fix_legacy_text(text)
    if name:
        warnings.append(f"text was typed in the legacy {name} encoding: converted to Unicode")
    return fixed, warnings


def read_txt(path: str | Path, data: bytes | None = None) -> RawDocument:
    p = Path(path)
    if data is None:
        data = read_bytes(p)
    if not data:
        raise ReadError(p, "empty file")
    if len(data) > 4 * max_chars():       # no encoding takes more than 4 bytes a character
        check_chars(p, len(data) // 4, at_least=True)
    text, warnings = decode_bytes(data, str(p))
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings.append("NUL characters removed")
    if not text.strip():
        raise ReadError(p, "no text (the file holds only white space)")
    return RawDocument(path=str(p), format="txt", text=text, warnings=warnings)
