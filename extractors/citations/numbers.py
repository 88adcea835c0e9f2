"""Cited numbers as read: OCR's slips undone (`data/ocr_variants.yaml`), a law
code completed from its year, an issuer code one slip away from the body named,
the document's own number line, and whether a bare symbol looks like a document's."""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.symbols import issuer_code, normalize_symbol, symbol_year


@lru_cache(maxsize=1)
def _ocr() -> dict:
    data = load("ocr_variants")
    return {"number": [(re.compile(r["pattern"]), r["replace"]) for r in data["number"]],
            "title": [(re.compile(rf"(?<!\w){re.escape(r['wrong'])}(?!\w)"), r["right"]) for r in data["title"]]}


# The legislature (khóa) that passes a year's laws: 43/2024/QH1 is 43/2024/QH15.
# Years a legislature ends in are left alone (both could be right).
_LEGISLATURES = ((1992, 1997, 9), (1997, 2002, 10), (2002, 2007, 11), (2007, 2011, 12), (2011, 2016, 13),
                 (2016, 2021, 14), (2021, 2026, 15), (2026, 2031, 16))


def repair_number(number: str) -> str:
    """A symbol as read, with OCR's certain slips undone (data/ocr_variants.yaml:
    `163/2024/QHI15` -> `163/2024/QH15`) and a law code cut short completed
    from the year (`43/2024/QH1` -> `43/2024/QH15`)."""
    n = normalize_symbol(number)
    for rx, rep in _ocr()["number"]:
        n = rx.sub(rep, n)
    m = re.fullmatch(r"(.*/((?:19|20)\d\d)/)[Q0O]H([\dIl|]{0,3})", n)
    if m:
        year = int(m.group(2))
        khoa = [k for a, b, k in _LEGISLATURES if a < year < b]
        digits = m.group(3).translate(str.maketrans("Il|", "111"))
        n = f"{m.group(1)}QH{khoa[0] if khoa and digits != str(khoa[0]) else digits}"
    return n


@lru_cache(maxsize=1)
def _issuer_codes() -> dict[str, str]:
    return {i["code"]: i["name"] for i in load("issuers")["issuers"]}


# Letters OCR confuses in capitals (BIC for BTC, 0H for QH).
_CONFUSABLE = [set("IT1L|"), set("O0QD"), set("S5"), set("B8"), set("Z2"), set("G6C")]


def _confusable(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in _CONFUSABLE)


def _repair_issuer_code(number: str, issuer: str | None) -> str:
    """`39/2014/TT-BIC … của Bộ Tài chính` is `39/2014/TT-BTC`: an issuer code
    no body has, one OCR slip away from the code of the body the text names."""
    code = issuer_code(number)
    if not code or not issuer or code in _issuer_codes():
        return number
    named = issuer.casefold()
    for known, name in _issuer_codes().items():
        if len(known) == len(code) and name.casefold() in named and \
                all(_confusable(x, y) for x, y in zip(code, known)):
            head, sep, tail = number.rpartition(code)
            return head + known + tail if sep else number
    return number


# The number line of the document's own header: `Số: 458 /TB-UBND`, `Só:¿ 92 /TB-UBND`
_NUMBER_LABEL = re.compile(r"(?:^|\n)[^\n]{0,60}?(?<!\w)(?:S[ốóòôồổỗộo6é]|SỐ|SÓ|SÔ|So)\s*[:;.]?\W{0,3}$")
_MOTTO = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI|CỘNG\s+HOÀ\s+XÃ\s+HỘI|Độc\s+lập\s*-\s*Tự\s+do", re.I)


def _own_number_line(text: str, pos: int) -> bool:
    """A bare symbol on the header's number line (`Số: …`), or in the header
    before the national motto, is the document's own number even when an OCR
    slip hid it from the metadata (`Só:¿ 92 /TB-UBND`)."""
    line_start = max(text.rfind("\n", max(0, pos - 80), pos) + 1, pos - 80, 0)
    if _NUMBER_LABEL.search(text, line_start, pos) and not re.search(r"[A-Za-zĐđà-ỹ]{3,}\s+(?:số|Số)\W{0,3}$", text[line_start:pos]):
        return True
    if pos < 400:
        motto = _MOTTO.search(text, 0, 800)
        return bool(motto and pos < motto.start() and "\n\n" not in text[max(0, pos - 200):pos].strip())
    return False


def _plausible_bare(sym: str) -> bool:
    """A symbol printed with no type word before it must look like a document's:
    `99/KH` (a type and no issuer), `6/C04` (a unit), `05/GTGT` (a form) do not;
    `123/BTC` (an issuer's letter), `30/2020/NĐ-CP`, `14-KH/TU` do."""
    n = normalize_symbol(sym)
    if symbol_year(n) or re.match(r"^\d+[a-z]?-", n):
        return True
    segs = re.split(r"[/-]", n)[1:]
    return len(segs) >= 2 or (len(segs) == 1 and segs[0] in _issuer_codes())
