"""Is a text layer usable? Vietnamese syllables counted, signature stamps set apart."""
from __future__ import annotations

import functools
import re
import unicodedata


from vanban.pipeline.readers.pdf.common import _CONF, _T

# --- Vietnamese syllables: is a text layer usable? ---------------------------------------

_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}(?:ch|nh|ng|[cmnpt])?$")
_STRIP = ".,;:!?()[]{}\"'“”‘’«»-–—/…*•·"


@functools.lru_cache(maxsize=65536)
def is_syllable(token: str) -> bool:
    """True if `token` (one word, any case, with tone marks) is a well-formed Vietnamese syllable."""
    t = unicodedata.normalize("NFD", token.lower()).translate(_TONE_MARKS)
    return bool(_SYLLABLE.match(unicodedata.normalize("NFC", t)))


def syllable_stats(text: str, limit: int | None = None) -> tuple[int, int]:
    """(valid syllables, word tokens judged), over the first `limit` tokens if given.
    Numbers and short all-caps abbreviations are not judged."""
    valid = judged = 0
    for tok in text.split()[:limit]:
        tok = tok.strip(_STRIP)
        if not tok or any(c.isdigit() for c in tok):
            continue
        if tok.isalpha() and is_syllable(tok):
            valid += 1
            judged += 1
        elif tok.isalpha() and tok.isupper() and len(tok) <= 6:
            continue                       # UBND, HĐND, CCHC, PCI ...
        else:
            judged += 1
    return valid, judged


# no re.I: case-insensitively the range would take `i` and `s` (from `ı` and `ſ`)
_VI_MARKED = re.compile(r"[à-ỹđ]")


def accented_share(text: str, limit: int | None = None) -> tuple[int, int]:
    """(words with a Vietnamese mark, words of letters), over the first `limit`
    tokens: Vietnamese prose marks about 85 % of its words (dev PDFs 0.85-0.93);
    a text layer whose font lost the marks ("Tr6n trong th6ng b6o") marks none."""
    marked = words = 0
    for tok in text.split()[:limit]:
        tok = tok.strip(_STRIP)
        if len(tok) < 2 or not tok.isalpha() or (tok.isupper() and len(tok) <= 6):
            continue
        words += 1
        marked += _VI_MARKED.search(unicodedata.normalize("NFC", tok).lower()) is not None
    return marked, words


# A digital-signature stamp: "Người ký: ... Email: ... Cơ quan: ... Thời gian ký: 24.07.2019 16:08:57 +07:00"
_STAMP_BLOCK = re.compile(
    r"(?:Người\s*ký|Ký\s*bởi|Signed\s*by)\s*:.{0,400}?(?:Thời\s*gian\s*ký|Giờ\s*ký|Ngày\s*ký|Date)\s*:?"
    r"\s*[\d./:\- ]*\d(?:\s*[+-]\d\d:?\d\d)?",
    re.S | re.I)
_STAMP_LINE = re.compile(r"^\s*(?:Người\s*ký|Ký\s*bởi|Email|Cơ\s*quan|Thời\s*gian\s*ký|Giờ\s*ký|Ngày\s*ký|"
                         r"Signed\s*by|Signature\s*valid)\b.*$", re.M | re.I)
MIN_BODY_SYLLABLES = 15


def stamp_text(text: str) -> str:
    """The digital-signature stamps in a page's text, one after another."""
    return "\n".join(m.group(0).strip() for m in _STAMP_BLOCK.finditer(text))


def body_text(text: str) -> str:
    """The page text without digital-signature stamp text."""
    return _STAMP_LINE.sub("", _STAMP_BLOCK.sub(" ", text))


_CODE_LIKE = re.compile(r"\w[/-]\w|^S[ốôó]", re.I)


def _noise_line(words: list) -> bool:
    """An OCR line that is noise: hardly a letter, or unsure and mostly not Vietnamese.
    A line with a document-number-like word (".../QĐ-UBND", "Số:") is kept however
    unsure: the number may be handwritten."""
    text = " ".join(w[_T] for w in words)
    if sum(c.isalnum() for c in text) < 2:
        return True
    if any(w[_CONF] >= 40 and _CODE_LIKE.search(w[_T]) for w in words):
        return False
    conf = sum(w[_CONF] for w in words) / len(words)
    if conf < 50:
        return True
    valid, judged = syllable_stats(text)
    if valid >= 2 and valid == judged:
        return False                     # a run of real syllables ("Lê Mai Toản"), though unsure
    if conf < 75 and len(words) <= 4 and not any(
            w[_CONF] >= 80 and sum(c.isalpha() for c in w[_T]) >= 3 for w in words):
        return True
    if conf < 70:
        return judged > 0 and valid < 0.5 * judged
    return False
