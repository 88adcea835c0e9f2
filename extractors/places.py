"""Province names: finding them in a phrase, the name in force on a date, and
the province after the 1 July 2025 merger. Data: `data/provinces.yaml`."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from vanban.extractors.data import load

# Old accent placement (hoá, hoà, thuỷ, uỷ) written the usual way (hóa, hòa, thủy, ủy).
_OLD_ACCENTS = {"oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
                "uỷ": "ủy", "uý": "úy", "uỳ": "ùy", "uỹ": "ũy", "uỵ": "ụy",
                "Oá": "Óa", "Oà": "Òa", "Uỷ": "Ủy", "Uý": "Úy",
                "OÁ": "ÓA", "OÀ": "ÒA", "UỶ": "ỦY", "UÝ": "ÚY"}
_OLD_RX = re.compile("|".join(map(re.escape, _OLD_ACCENTS)))


def modern_accents(s: str) -> str:
    return _OLD_RX.sub(lambda m: _OLD_ACCENTS[m.group()], unicodedata.normalize("NFC", s))


_DASH = re.compile(r"\s*[-–]\s*")


def fold(s: str) -> str:
    """Case- and accent-placement-insensitive form for matching names."""
    s = modern_accents(s).casefold().replace("đăk", "đắk").replace("dak", "đắk")
    s = " ".join(s.split())
    return _DASH.sub(" - ", s).strip() if ("-" in s or "–" in s) else s


@lru_cache(maxsize=1)
def _entries() -> list[dict]:
    return load("provinces")["provinces"]


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern, dict[str, dict]]:
    names: dict[str, dict] = {}
    for e in _entries():
        for n in [e["name"], *e.get("aliases", [])]:
            names[fold(n)] = e
    alts = sorted(names, key=len, reverse=True)
    rx = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")
    return rx, names


def find_provinces(phrase: str) -> list[tuple[int, int, dict]]:
    """Provinces named in a phrase: (start, end, entry), in order. Offsets refer
    to the folded phrase, which keeps the phrase's length. A name that is also a
    person's or a road's (Hồ Chí Minh) counts only after its `require_prefix`."""
    rx, names = _matcher()
    f = fold(phrase)
    out = []
    for m in rx.finditer(f):
        e = names[m.group(1)]
        if e.get("require_prefix") and m.group(1) == fold(e["name"]):
            before = f[:m.start()].rstrip()
            if not any(before.endswith(fold(p)) for p in e["require_prefix"]):
                continue
        out.append((m.start(), m.end(), e))
    return out


def province_in(phrase: str | None, on_date: str | None = None) -> str | None:
    """The first province a phrase names, under the name in force on `on_date`.
    Failing an exact match, names are compared without accents, so an OCR'd
    header ("TÍNH LÂM ĐÒNG") still tells its province."""
    if not phrase:
        return None
    hits = find_provinces(split_joined(phrase))
    if hits:
        return name_on(hits[0][2]["name"], on_date)
    bare = _bare_matcher()
    m = bare[0].search(_bare(split_joined(phrase)))
    if m:
        return name_on(bare[1][m.group(1)]["name"], on_date)
    return None


def _bare(s: str) -> str:
    s = unicodedata.normalize("NFD", fold(s).replace("đ", "d"))
    return "".join(c for c in s if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _bare_matcher() -> tuple[re.Pattern, dict[str, dict]]:
    names: dict[str, dict] = {}
    clashes: set[str] = set()
    for e in _entries():
        if e.get("require_prefix"):
            continue
        for n in [e["name"], *e.get("aliases", [])]:
            b = _bare(n)
            if b in names and names[b] is not e:
                clashes.add(b)
            names[b] = e
    for b in clashes:                      # two provinces alike without accents: no guess
        names.pop(b, None)
    alts = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alts) + r")(?!\w)"), names


def _entry(name: str) -> dict | None:
    return _matcher()[1].get(fold(name))


def name_on(name: str, on_date: str | None) -> str:
    """`Thừa Thiên Huế` in 2024 stays; in 2025 it is `Huế`. A pre-merger
    province keeps its name: the merger does not rename old documents."""
    e = _entry(name)
    if e is None:
        return name
    if on_date and e.get("renamed_to") and e.get("until") and on_date[:10] > e["until"]:
        return e["renamed_to"]
    if on_date and e.get("since") and on_date[:10] < e["since"]:
        # `Huế` before 2025 was Thừa Thiên Huế
        for other in _entries():
            if other.get("renamed_to") == e["name"]:
                return other["name"]
    return e["name"]


def merged_province(name: str | None) -> str | None:
    """The province a unit belongs to after the 1 July 2025 merger."""
    if not name:
        return None
    e = _entry(name)
    if e is None:
        return None
    if e.get("renamed_to"):
        e = _entry(e["renamed_to"]) or e
    return e.get("merged_into") or e["name"]


@lru_cache(maxsize=1)
def _districts() -> dict[str, str]:
    return {fold(d["name"]): d["province"] for d in load("districts")["districts"]}


_DISTRICT_RX = re.compile(r"(?:huyện|quận|thị xã|thành phố|thị trấn)\s+(?P<n>[^\s,;()]+(?:\s+[^\s,;()]+){0,3})", re.I)


def province_of_district(phrase: str | None, on_date: str | None = None) -> str | None:
    """`Ủy ban nhân dân huyện Krông Nô` -> Đắk Nông (districts before the 2025
    reform, data/districts.yaml). Only a phrase naming a district is looked up."""
    if not phrase:
        return None
    for m in _DISTRICT_RX.finditer(split_joined(phrase)):
        words = m.group("n").split()
        for k in range(len(words), 0, -1):          # longest name first
            p = _districts().get(fold(" ".join(words[:k])))
            if p:
                return name_on(p, on_date)
    return None


def split_joined(s: str) -> str:
    """Words a converter glued together (`ĐắkNông`) get their space back."""
    out = []
    for i, ch in enumerate(s):
        if i and ch.isupper() and s[i - 1].islower():
            out.append(" ")
        out.append(ch)
    return "".join(out)
