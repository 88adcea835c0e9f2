"""Small helpers for writing values clean (case, spacing)."""
from __future__ import annotations

import re

from vanban.extractors.places import find_provinces


def is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _recapitalize_places(s: str) -> str:
    """Province names keep their capitals when a capitalised phrase is lowered."""
    out = list(s)
    for a, b, _ in find_provinces(s):
        if len(s) < b:          # offsets are into the folded phrase, which keeps its length
            continue
        for word in re.finditer(r"\w+", s[a:b]):
            out[a + word.start()] = out[a + word.start()].upper()
    return "".join(out)


def sentence_case(s: str) -> str:
    """A subject line printed in capitals, written in sentence case."""
    if not is_caps(s):
        return s
    low = s.lower()
    low = low[:1].upper() + low[1:]
    low = re.sub(r"\bviệt nam\b", "Việt Nam", low)
    low = re.sub(r"\bv/v\b", "V/v", low, flags=re.I)
    return _recapitalize_places(low)


def title_case_org(s: str) -> str:
    """`ỦY BAN NHÂN DÂN TỈNH BẮC NINH` -> `Ủy ban nhân dân tỉnh Bắc Ninh`."""
    if not is_caps(s):
        return s
    low = s.lower()
    low = low[:1].upper() + low[1:]
    # the body's proper name after Sở/Bộ/Ban keeps its first capital
    low = re.sub(r"\b(sở|bộ|cục|(?<!ủy )ban|báo|văn phòng|đài)\s+(\w)", lambda m: m.group(1).capitalize() + " " + m.group(2).upper(), low)
    low = low[:1].upper() + low[1:]
    return _recapitalize_places(low)


def collapse(s: str) -> str:
    """A value written clean: line breaks and runs of spaces become one space."""
    return re.sub(r"\s+", " ", s).strip()
