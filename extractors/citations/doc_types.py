"""The type words of cited documents (`data/doc_types.yaml`) and the symbol codes
that stand for them (`NĐ` a decree, `QĐ` a decision …)."""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.symbols import normalize_symbol, type_code


@lru_cache(maxsize=1)
def _types() -> list[dict]:
    return load("doc_types")["types"]


@lru_cache(maxsize=1)
def _code_to_word() -> dict[str, str]:
    out: dict[str, str] = {}
    for t in _types():
        for c in t["codes"]:
            out.setdefault(c, t["word"])
    return out


@lru_cache(maxsize=1)
def _type_alts() -> str:
    words = sorted((t["word"] for t in _types()), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)


def _word_for_code(symbol: str) -> str:
    code = type_code(symbol)
    if code and code in _code_to_word():
        return _code_to_word()[code]
    if re.search(r"/\d{4}/QH\d+$|/QH\d+$", normalize_symbol(symbol)):
        return "Luật"
    return "Văn bản"


def _governs(word: str, number: str) -> bool:
    """Whether a type word can be the type of a number: `Luật … số 08/2022/NĐ-CP`
    cannot (NĐ is a decree's code); `Luật số 72/2020/QH14`, `Văn bản số
    477/BCA-H01` can."""
    code = type_code(number)
    mapped = _code_to_word().get(code or "")
    return mapped is None or mapped == word or word in ("Văn bản", "Công văn")
