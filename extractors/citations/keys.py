"""Keys: one canonical printing of a number, the issuer-aware key of a cited (or
citing) document, and the keys mentions are grouped by."""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.symbols import issuer_code, normalize_symbol, symbol_year
from vanban.extractors.citations.doc_types import _code_to_word
from vanban.extractors.citations.mention import Mention
from vanban.extractors.citations.titles import _fold


_DASHED = re.compile(r"(\d+)-((?:19|20)\d\d)-([A-ZĐ]+)-(.+)")
_DASHED_YEAR = re.compile(r"(\d+)-((?:19|20)\d\d)/([A-ZĐ][A-ZĐ0-9]*-.+)")
_GLUED_YEAR = re.compile(r"^(\d+[A-Z]?/(?:19|20)\d\d)(?=[A-ZĐ])")
_PARTY_AS_ADMIN = re.compile(r"(\d+[A-Z]?)/([A-ZĐ]+)[-/]((?:TW|TU|THU|ĐU|HU|QU|BCĐ)\b.*)")


@lru_cache(maxsize=65536)
def _canon_number(n: str) -> str:
    """One key for the printings of one number: `18-2016-QĐ-UBND` is
    18/2016/QĐ-UBND, `19-2018/NQ-CP` is 19/2018/NQ-CP, `49/2025TT-BCT` is 49/2025/TT-BCT, `57/NQ-TW` is 57-NQ/TW."""
    n = normalize_symbol(n).upper()
    m = _DASHED.fullmatch(n)
    if m:
        n = f"{m.group(1)}/{m.group(2)}/{m.group(3)}-{m.group(4)}"
    m = _DASHED_YEAR.fullmatch(n)
    if m:
        n = f"{m.group(1)}/{m.group(2)}/{m.group(3)}"
    n = _GLUED_YEAR.sub(r"\1/", n)
    # a Party document printed the administrative way
    m = _PARTY_AS_ADMIN.fullmatch(n)
    if m and m.group(2) in _code_to_word():
        n = f"{m.group(1)}-{m.group(2)}/{m.group(3)}"
    return n


def citation_key(number: str | None, date: str | None, doc_type: str = "", title: str | None = None) -> str:
    """Issuer-aware canonical key of a cited (or citing) document.

    Administrative numbers restart every year and repeat across provinces, so a
    numbered document's key carries its issuer code and year:
    `300/KH-SCT|SCT|2024`. A document without a number is keyed by its type and
    title: `luật|thi đua khen thưởng`."""
    if number:
        n = _canon_number(number)
        year = symbol_year(n) or (date[:4] if date else "?")
        # the issuer code is read before upper-casing: TTr, CTr are type codes
        return f"{n}|{(issuer_code(normalize_symbol(number)) or '').upper()}|{year}"
    t = re.sub(r"\W+", " ", (title or "").casefold()).strip()
    t = re.sub(r"\s+(?:năm\s+)?\d{4}$", "", t)
    return f"{doc_type.casefold()}|{t}"


def title_key(m: Mention) -> str:
    return f"{m.doc_type.casefold()}|{_fold(m.title or '')}"


def mention_key(m: Mention) -> str:
    if m.number and m.extra.get("key_year"):
        return citation_key(m.number, m.extra["key_year"], m.doc_type, m.title)
    return citation_key(m.number, m.date, m.doc_type, m.title)
