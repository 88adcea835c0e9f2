"""Old Vietnamese 8-bit encodings -> Unicode, and choosing among decodings.

Before Unicode, Vietnamese documents were typed in fonts that reused Latin-1
positions: TCVN3 (TCVN 5712:1993 "VN3", the .Vn* / ABC fonts) puts each
precomposed lower-case letter on one byte; VNI-Windows writes a base letter and
then a mark character. Such text shows as "Céng hßa x· héi" (TCVN3) or
"Coäng hoøa xaõ hoäi" (VNI). It reaches us either as raw bytes in a .txt file
or as characters inside an otherwise Unicode file (a .docx or page typed in a
legacy font). The tables are data: `data/legacy_vn.json`.

Which decoding is right is decided by scoring: the one that yields the most
valid Vietnamese syllables (and the fewest impossible words) wins.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import islice
from pathlib import Path

_DATA = Path(__file__).with_name("data") / "legacy_vn.json"


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], dict[str, str], dict[str, str]]:
    d = json.loads(_DATA.read_text(encoding="utf-8"))
    tcvn3 = {int(k, 16): v for k, v in d["tcvn3"].items()}
    return tcvn3, d["vni_pairs"], d["vni_singles"]


def _byte_of(ch: str) -> int | None:
    """The legacy byte a character stands for: Latin-1 code, or its cp1252 byte."""
    o = ord(ch)
    if o < 256:
        return o
    try:
        b = ch.encode("cp1252")
    except UnicodeEncodeError:
        return None
    return b[0] if len(b) == 1 else None


def tcvn3_to_unicode(s: str) -> str:
    """Text whose characters are TCVN3 bytes (as Latin-1/cp1252) -> Unicode (NFC)."""
    return unicodedata.normalize("NFC", s.translate(_tcvn3_translation()))


@lru_cache(maxsize=1)
def _tcvn3_translation() -> dict[int, str]:
    """str.translate table: each character whose legacy byte (`_byte_of`) is
    >= 0x80 and in the TCVN3 table -> its letter (one pass in C, not per char)."""
    table, _, _ = _tables()
    tr: dict[int, str] = {}
    for b, letter in table.items():
        if b >= 0x80:
            tr[b] = letter                              # the Latin-1 character
            try:
                ch = bytes([b]).decode("cp1252")
            except UnicodeDecodeError:
                continue
            if ord(ch) >= 256:                          # the cp1252 character for 0x80-0x9F
                tr[ord(ch)] = letter
    return tr


def tcvn3_bytes_to_unicode(data: bytes) -> str:
    return tcvn3_to_unicode(data.decode("latin-1"))


def _vni_norm(ch: str) -> str:
    """VNI marks are cp1252 characters; bytes 0x80-0x9F may arrive as Latin-1 controls."""
    o = ord(ch)
    if 0x80 <= o <= 0x9F:
        try:
            return bytes([o]).decode("cp1252")
        except UnicodeDecodeError:
            return ch
    return ch


def vni_to_unicode(s: str) -> str:
    """Text in VNI-Windows letter+mark form -> Unicode (NFC)."""
    norm, pattern, repl = _vni_tools()
    s = s.translate(norm)
    return unicodedata.normalize("NFC", pattern.sub(lambda m: repl[m.group()], s))


@lru_cache(maxsize=1)
def _vni_tools() -> tuple[dict[int, str], re.Pattern, dict[str, str]]:
    """(the `_vni_norm` translation, a pattern matching a letter+mark pair or a
    single mapped character, the replacement of each). A left-to-right scan
    that takes a pair where one starts and a single otherwise, as before."""
    _, pairs, singles = _tables()
    norm = {o: _vni_norm(chr(o)) for o in range(0x80, 0xA0) if _vni_norm(chr(o)) != chr(o)}
    cls = lambda cs: "[" + "".join(re.escape(c) for c in sorted(cs)) + "]"   # noqa: E731
    by_first: dict[str, set[str]] = {}
    for k in pairs:                                     # every pair is two characters
        by_first.setdefault(k[0], set()).add(k[1])
    alts = []
    if pairs:
        # The look-ahead skips, cheaply, every place where no pair can start.
        firsts, seconds = cls(by_first), cls({k[1] for k in pairs})
        alts.append(f"(?={firsts}{seconds})(?:" + "|".join(re.escape(f) + cls(ss) for f, ss in by_first.items()) + ")")
    if singles:
        alts.append(cls(singles))
    return norm, re.compile("|".join(alts)), {**singles, **pairs}


def vni_bytes_to_unicode(data: bytes) -> str:
    return vni_to_unicode(data.decode("cp1252", errors="replace"))


# ---- scoring -------------------------------------------------------------------

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_INITIALS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
             "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v", "x")
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")
# Vowel nuclei (tone marks removed), with the glides that may close them.
_NUCLEI = {
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "iê", "iêu", "oa", "oă", "oe",
    "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ",
    "ươi", "ươu", "uôi", "uya", "uyê", "uyu", "yê", "yêu", "oai", "oay", "oao", "oeo", "uây",
    "uai", "uao", "ưo", "ơu",
}
_VIET_LETTERS = set("abcdeghiklmnopqrstuvxyđăâêôơư")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _strip_tone(word: str) -> tuple[str, int]:
    d = unicodedata.normalize("NFD", word)
    tones = sum(1 for c in d if c in _TONES)
    base = "".join(c for c in d if c not in _TONES)
    return unicodedata.normalize("NFC", base), tones


@lru_cache(maxsize=65536)
def syllable_kind(word: str) -> int:
    """+1 a Vietnamese syllable with a diacritic, 0 a plain ASCII word,
    -1 a word no Vietnamese spelling allows (stray symbols, impossible letters)."""
    w = word.lower()
    base, tones = _strip_tone(w)
    if tones > 1:
        return -1
    if any(c not in _VIET_LETTERS for c in base):
        return -1
    if w.isascii():
        return 0
    for ini in ("",) + _INITIALS:
        if not base.startswith(ini):
            continue
        rest = base[len(ini):]
        for fin in ("",) + _FINALS:
            if rest.endswith(fin) and rest[: len(rest) - len(fin)] in _NUCLEI:
                return 1
    return -1


_ODD = re.compile("[\x80-\xbf]")


def viet_score(text: str, limit: int = 200_000) -> float:
    """Higher is more like Vietnamese: valid accented syllables minus impossible
    words (weighted), per word. ASCII words count for nothing either way."""
    good = bad = 0
    sample = text[:limit]
    sample = unicodedata.normalize("NFC", sample)
    words = _WORD.findall(sample)
    total = len(words)
    for w, c in Counter(words).items():
        k = syllable_kind(w)
        if k > 0:
            good += c
        elif k < 0:
            bad += c
    # Symbols that legacy text shows as (§ ¸ · µ ¶ ...) are not words but betray it.
    odd = len(_ODD.findall(sample))
    if total == 0:
        return -odd
    return (good - 2 * bad - odd) / total


def looks_legacy(text: str) -> bool:
    """Cheap pre-check: characters typical of TCVN3/VNI text shown as Latin-1."""
    sample = text[:20000]
    hits = len(_LEGACY_HINTS_RE.findall(sample))
    if hits < 3 or hits < len(sample) // 400:
        return False
    # Unicode Vietnamese is full of letters only Unicode has (ạ ả ấ … ă đ ơ ư);
    # TCVN3/VNI shown as Latin-1 has none. Real Unicode text needs no scoring.
    # (counted only as far as the answer needs: vn * 4 < hits <=> fewer than `need`)
    need = (hits - 1) // 4 + 1
    return sum(1 for _ in islice(_VN_ONLY_RE.finditer(sample), need)) < need


_LEGACY_HINTS = set("§¸·µ¶¹¾»¼½ÆÇÈÉËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßåæçèéëìîïñòóôõöøùúûüþ¨©ª«¬®") | {"\u00ad"}
_VN_ONLY_RE = re.compile("[\u1ea0-\u1ef9\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0]")
_LEGACY_HINTS_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_LEGACY_HINTS)) + "]")


def fix_legacy_text(text: str) -> tuple[str, str | None]:
    """If `text` (already Unicode) is really TCVN3 or VNI, convert it.
    Returns (text, name of the encoding converted from, or None)."""
    if not looks_legacy(text):
        return text, None
    base = viet_score(text)
    best, best_name, best_score = text, None, base
    for name, fn in (("TCVN3", tcvn3_to_unicode), ("VNI", vni_to_unicode)):
        cand = fn(text)
        sc = viet_score(cand)
        if sc > best_score + 0.05:
            best, best_name, best_score = cand, name, sc
    return best, best_name


def unicode_to_cp1258(s: str) -> bytes:
    """Encode Vietnamese text as Windows-1258 (base letters with ă â ê ô ơ ư đ
    precomposed, tone marks as combining characters), e.g. to write test data."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", s):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in d if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
        out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)
