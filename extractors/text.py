"""Small helpers for writing values clean (case, spacing)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from vanban.extractors.places import find_provinces, province_in


def _case_chars(lower: bool) -> list[str]:
    return [chr(cp) for cp in list(range(0x41, 0x250)) + list(range(0x1E00, 0x1F00))
            if (chr(cp).islower() if lower else chr(cp).isupper())]


# The letters counted, as one table: lower case -> "l", capitals -> "U" (every
# other character is kept, and none of them is "l" or "U"): one translate and
# two counts in C.
_CASE_TABLE = {**{ord(c): "l" for c in _case_chars(True)}, **{ord(c): "U" for c in _case_chars(False)}}
_CASE_LIST: list[str] = []          # the same as a list, made on first use (see _as_list)


def is_caps(s: str) -> bool:
    """Over 80 % of the letters are capitals."""
    global _CASE_LIST
    if not _CASE_LIST:
        _CASE_LIST = _as_list(_CASE_TABLE, 0x1F00)
    t = s.translate(_CASE_LIST)
    n_low = t.count("l")
    n_up = t.count("U")
    total = n_low + n_up
    return total > 0 and n_up / total > 0.8


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base.isascii() and base.isalpha():
            table[cp] = base.upper()
    for ch in "đĐðÐ":
        table[ord(ch)] = "D"
    for c in "abcdefghijklmnopqrstuvwxyz":
        table[ord(c)] = c.upper()
    return table


def _as_list(table: dict[int, str], size: int) -> list[str]:
    """A translate table as a list indexed by code point (every character below
    `size` mapped, to itself when the table leaves it; those above are left as
    they are): str.translate looks a list up faster than a dict."""
    return [table.get(cp, chr(cp)) for cp in range(size)]


@lru_cache(maxsize=1)
def _fold_list() -> list[str]:
    return _as_list(_fold_table(), 0x1F00)


def fold(s: str) -> str:
    """Capitals without accents, one character for one (`Độc lập` -> `DOC LAP`):
    offsets into the folded form are offsets into the original. OCR drops and
    swaps accents, so headers and signature blocks are matched on this form."""
    return s.translate(_fold_list())


def _recapitalize_places(s: str) -> str:
    """Province names keep their capitals when a capitalised phrase is lowered;
    a name whose letters are the province's but whose accents OCR changed
    (`lâm đòng`) is written as the province is (`Lâm Đồng`)."""
    out = list(s)
    hits = find_provinces(s)
    for a, b, e in hits:
        if len(s) < b:          # offsets are into the folded phrase, which keeps its length
            continue
        if len(e["name"]) == b - a and fold(e["name"]) == fold(s[a:b]):
            out[a:b] = e["name"]
            continue
        for word in re.finditer(r"\w+", s[a:b]):
            out[a + word.start()] = out[a + word.start()].upper()
    if not hits and (name := province_in(s)):
        # no exact name: OCR changed its accents; its letters are still there
        # (fold keeps the length, so its offsets are the phrase's)
        m = re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", fold(s))
        if m:
            out[m.start():m.end()] = name
    return "".join(out)


# a symbol or code in a subject line: two letters and a digit or a slash (48/NQ-CP, QH15; not 0h00)
_SYMBOL_WORD = re.compile(r"\S*(?:\d\S*[^\W\d_]{2}|[^\W\d_]{2}\S*\d|[^\W\d_]{2,}/[^\W\d_])\S*")
_WORD = re.compile(r"[^\W\d_]+")
# a Roman numeral after the words that number a term or a part (khóa XVI, lần thứ XI)
_ROMAN = re.compile(r"\b(khóa|khoá|kỳ|chương|phần|mục|thứ)\s+([ivxlc]+)\b")


def _starts_sentence(body: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and body[j] in " \t":
        j -= 1
    return j < 0 or body[j] in ".:;!?*#-–(\n\"“"


_CONSONANT_RUN = re.compile(r"(?!NGH)[B-DF-HJ-NP-TV-XZ]{3}|^[B-DF-HJ-NP-TV-XZ]+$")


def is_abbreviation(word: str) -> bool:
    """`hđnd`, `UBND`, `TW`: no vowel, or three consonants running that no
    Vietnamese syllable has (NGH excepted): an abbreviation, not a word."""
    return _CONSONANT_RUN.search(fold(word)) is not None


def _body_case(body: str, words: list[str]) -> tuple[dict[tuple[str, str], tuple[str, str]], dict[str, str]]:
    """How the body writes the title's `words` (lower case) mid-sentence, where it
    agrees on one form: pairs of words by their lower-case form (`Chính phủ`,
    `Nghị quyết`), and abbreviations it writes in capitals (`HĐND`). One search
    of the lower-cased body for the words that start a pair, not a walk over
    every word of the body."""
    pairs: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
    caps: dict[str, dict[bool, int]] = {}
    low = body.lower()
    if len(low) != len(body):           # lower() changed a length: offsets would not map back
        return {}, {}
    # str.find for each of the title's few pairs and abbreviations: compiling a pattern
    # per document costs more than these searches
    for a, b in {(a, b) for a, b in zip(words, words[1:])}:
        needle = f"{a} {b}"
        i = low.find(needle)
        while i != -1:
            j = i + len(needle)
            if (i == 0 or not low[i - 1].isalnum()) and (j == len(low) or not low[j].isalnum()):
                fa, fb = body[i:i + len(a)], body[i + len(a) + 1:j]
                if not (fa.isupper() or fb.isupper() or _starts_sentence(body, i)):
                    forms = pairs.setdefault((a, b), {})
                    forms[(fa, fb)] = forms.get((fa, fb), 0) + 1
            i = low.find(needle, i + 1)
    for w in {w for w in words if len(w) >= 2 and is_abbreviation(w)}:
        i = low.find(w)
        while i != -1:
            j = i + len(w)
            if (i == 0 or not low[i - 1].isalnum()) and (j == len(low) or not low[j].isalnum()):
                c = caps.setdefault(w, {True: 0, False: 0})
                c[body[i:j].isupper()] += 1
            i = low.find(w, j)
    out_pairs = {}
    for key, forms in pairs.items():
        (form, n), total = max(forms.items(), key=lambda kv: kv[1]), sum(forms.values())
        if n * 4 >= total * 3:
            out_pairs[key] = form
    out_caps = {w: w.upper() for w, c in caps.items() if c[True] * 4 >= (c[True] + c[False]) * 3}
    return out_pairs, out_caps


def sentence_case(s: str, body: str | None = None) -> str:
    """A subject line printed in capitals, written in sentence case. Symbols keep
    their capitals (48/NQ-CP), and Roman numerals (khóa XVI); with the document's
    `body`, a word takes the case the body gives it mid-sentence: a pair of words
    (Nghị quyết, Chính phủ) or an abbreviation (HĐND)."""
    if not is_caps(s):
        return s
    low = _abbreviations().sub(lambda m: m.group().upper(), s.lower())
    low = low[:1].upper() + low[1:]
    low = re.sub(r"\bviệt nam\b", "Việt Nam", low)
    low = _SYMBOL_WORD.sub(lambda m: s[m.start():m.end()], low)
    low = _ROMAN.sub(lambda m: f"{m.group(1)} {m.group(2).upper()}", low)
    low = re.sub(r"\bv/v\b", "V/v", low, flags=re.I)
    if body:
        words = list(_WORD.finditer(low))
        pairs, caps = _body_case(body, [w.group().lower() for w in words])
        out = list(low)
        for i, w in enumerate(words):
            if w.group() != w.group().lower():
                continue
            if w.group() in caps:
                out[w.start():w.end()] = caps[w.group()]
                continue
            if i == 0:
                continue
            for a, b, which in ((words[i - 1], w, 1), (w, words[i + 1] if i + 1 < len(words) else None, 0)):
                if b is None or not low[a.end():b.start()].isspace():
                    continue
                form = pairs.get((a.group().lower(), b.group().lower()))
                if form and form[which][0].isupper():
                    out[w.start()] = form[which][0]
                    break
        low = "".join(out)
    return _recapitalize_places(low)


@lru_cache(maxsize=1)
def _abbreviations() -> re.Pattern:
    """The abbreviations of data/abbreviations.yaml (UBND, HĐND, BHXH …), lowered: they get their capitals back."""
    from vanban.extractors.data import load

    shorts = sorted({e["short"].lower() for e in load("abbreviations")["abbreviations"]}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, shorts)) + r")(?!\w)")


def title_case_org(s: str) -> str:
    """`ỦY BAN NHÂN DÂN TỈNH BẮC NINH` -> `Ủy ban nhân dân tỉnh Bắc Ninh`; `UBND` stays."""
    if not is_caps(s):
        return s
    low = _abbreviations().sub(lambda m: m.group().upper(), s.lower())
    # the body's proper name after Sở/Bộ/Cục/Ban keeps its first capital
    low = re.sub(r"\b(tổng cục|sở|bộ|cục|(?<!ủy )ban|báo|văn phòng|đài)\s+(\w)",
                 lambda m: m.group(1).capitalize() + " " + m.group(2).upper(), low)
    low = low[:1].upper() + low[1:]
    return _recapitalize_places(low)


def collapse(s: str) -> str:
    """A value written clean: line breaks and runs of spaces become one space."""
    # (str.split and re's \s both split at the characters str.isspace names)
    return " ".join(s.split())


# ---- personal names -------------------------------------------------------------

UPPER = "A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ"
LOWER = "a-zđàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ"
_SYL = rf"[{UPPER}][{LOWER}]+"
# A Vietnamese personal name: two to six capitalised syllables.
NAME = rf"{_SYL}(?:[ \t]+{_SYL}){{1,5}}"
# Ranks and degrees printed before a signer's name (dropped from the name).
RANK = (r"(?:(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy|uý)|TS\.|ThS\.|PGS\.?\s*TS\.|GS\.?\s*TS\.|"
        r"KS\.|Ths\.|BS\.|Ls\.|LS\.)\s*")
NAME_LINE = re.compile(rf"(?:{RANK})?(?P<name>{NAME})")

# Capitalised words that make a phrase a body or a place, not a person.
_NOT_NAME_WORDS = {"Việt", "Nam", "Nhân", "Dân", "Ủy", "Ban", "Sở", "Bộ", "Cục", "Phòng", "Tỉnh", "Thành", "Phố",
                   "Huyện", "Xã", "Hội", "Đồng", "Văn", "Trung", "Tâm", "Công", "Thương", "Chính", "Phủ", "Nội", "Vụ",
                   "Như", "Lưu", "Nơi", "Kính", "Gửi", "Trên", "Đắk", "Đăk", "Nông"}
_NOT_NAME_START = re.compile(r"^(?:Nơi\s+nhận|Như\s+trên|Lưu|Kính\s+gửi|Phụ\s+lục|Người\s+ký|Cơ\s+quan|Thời\s+gian|"
                             r"Email|Điện\s+thoại|Tỉnh|Thành\s+phố|Huyện|Xã|Phường)\b", re.I)


@lru_cache(maxsize=1)
def _person_names() -> tuple[frozenset[str], frozenset[str]]:
    from vanban.extractors.data import load
    data = load("person_names")
    return frozenset(data["surnames"]), frozenset(data["never_given"])


def surnames() -> frozenset[str]:
    """Vietnamese surnames (data/person_names.yaml)."""
    return _person_names()[0]


def looks_like_name(name: str) -> bool:
    """Two to six syllables, at most one of them a word that names bodies or
    places; or a surname and one to three given names, none a word no name
    uses, whatever common words the given names are (data/person_names.yaml)."""
    words = name.split()
    if not 2 <= len(words) <= 6 or _NOT_NAME_START.match(name):
        return False
    if sum(w in _NOT_NAME_WORDS for w in words) < 2:
        return True
    surnames, never = _person_names()
    return len(words) <= 4 and words[0] in surnames and not any(w in never for w in words[1:])


def name_in_line(line: str) -> tuple[int, int] | None:
    """(start, end) of the personal name a whole line holds (a rank before it
    allowed), or None."""
    m = NAME_LINE.fullmatch(line.strip())
    if not m:
        return None
    lead = len(line) - len(line.lstrip())
    s, e = m.span("name")
    if not looks_like_name(m.group("name")):
        return None
    return lead + s, lead + e
