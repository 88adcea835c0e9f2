"""Decoding a page: its bytes to text (a BOM, UTF-16 without one, the declared
charset when it holds, else by content), and the wrappers stripped before parsing
(an XML declaration, a web archive's toolbar)."""
from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_WAYBACK = re.compile(r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->",
                      re.S | re.I)


def decode_html(data: bytes) -> tuple[str, list[str]]:
    from vanban.pipeline.readers.txt import bom_encoding, decode_bytes, utf16_without_bom
    warnings: list[str] = []
    bom = bom_encoding(data)
    if bom:
        enc, n = bom
        return data[n:].decode(enc, errors="replace"), warnings
    enc16 = utf16_without_bom(data)
    if enc16:
        return data.decode(enc16, errors="replace"), warnings
    m = _META_CHARSET.search(data[:8192])
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        if enc in ("utf8", "unicode"):
            enc = "utf-8"
        try:
            return data.decode(enc), warnings
        except (LookupError, UnicodeDecodeError):
            warnings.append(f"page declares charset {enc} but is not: decoding by content")
    text, w = decode_bytes(data, "")
    return text, warnings + w
