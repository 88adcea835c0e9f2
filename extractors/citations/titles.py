"""Cited titles: OCR's misspellings written right, and a title folded so that
OCR, accents and abbreviations (`data/abbreviations.yaml`) cannot change it."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.citations.numbers import _ocr


@lru_cache(maxsize=8192)            # a title is read again for each mention and each key
def fix_title(title: str | None) -> str | None:
    """A cited title or law name with OCR's usual misspellings written right
    (`Luật quan lý thuế` -> `Luật quản lý thuế`, data/ocr_variants.yaml)."""
    if not title:
        return title
    for rx, right in _ocr()["title"]:
        title = rx.sub(right, title)
    return title


def _strip_marks(s: str) -> str:
    s = unicodedata.normalize("NFD", s.casefold()).replace("đ", "d")
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[re.Pattern, dict[str, str]]:
    """data/abbreviations.yaml folded like a title: one alternation, each
    abbreviation to the words it stands for."""
    words = {_strip_marks(e["short"]): _strip_marks(e["long"]) for e in load("abbreviations")["abbreviations"]}
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, sorted(words, key=len, reverse=True)))})\b"), words


@lru_cache(maxsize=8192)
def _fold(s: str) -> str:
    """A title as OCR, spelling and abbreviation cannot change it: no case, no
    accents, no punctuation, the usual abbreviations spelt out (`thuế TNCN` is
    `thuế thu nhập cá nhân`)."""
    s = _strip_marks(fix_title(s) or "")
    rx, words = _abbreviations()
    s = rx.sub(lambda m: words[m.group()], s)
    s = re.sub(r"[^\w]+", " ", s).strip()
    return re.sub(r"\s+(?:nam\s+)?(?:19|20)\d\d$", "", s)
