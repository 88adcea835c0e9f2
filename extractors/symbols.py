"""Document numbers and symbols (số và ký hiệu), as printed.

Forms (NĐ 30/2020/NĐ-CP and the Party's Quy định 66-QĐ/TW):
- administrative: `300/KH-SCT`, `4085/UBND-ĐT`, `1755/QĐ-UBND`, `02/CTLT-BCT-CĐCT`
- normative (with the year): `30/2020/NĐ-CP`, `36/2025/NQ-HĐND`, `87/2025/QH15`
- Party: `34-CT/TW`, `02-NQ/ĐU-SCT`, `14-KH/TU`, `02-TTr/ĐLS`
- printed typos kept readable: `27/NQ- TW` (space after the dash), `49/2025TT-BCT`
- drafts: `/KH-SCT` (number left blank)
`normalize_symbol` removes whitespace (`27/NQ- TW` -> `27/NQ-TW`), maps Ð to Đ.
"""
from __future__ import annotations

import re

# One segment of a symbol: KH, QĐ, UBND, ĐT, TTr, QĐi, ThU, H01, C04, P6, QLN&TTBĐS
SEG = r"[A-ZĐ][A-Za-zĐđ0-9]*(?:&[ ]?[A-ZĐ][A-Za-zĐđ0-9]*)*"
# segments joined by '-' ; a typo may put a space after a dash (`NQ- TW`)
SEGS = rf"{SEG}(?:-[ ]?{SEG})*"
NUM = r"\d{1,5}(?:\.\d{1,2}(?=/))?[a-z]?"          # 66.2/2025/NQ-CP has a dotted number

SYMBOL = (
    rf"(?:{NUM}/\d{{4}}/?{SEGS}(?:/{SEGS})?"        # 30/2020/NĐ-CP, 49/2025TT-BCT, 87/2025/QH15
    rf"|{NUM}-{SEGS}/{SEGS}"                        # 34-CT/TW, 02-NQ/ĐU-SCT
    rf"|{NUM}/{SEGS}(?:/{SEGS})?)"                  # 300/KH-SCT, 2388/C04-P6
)
BLANK_SYMBOL = rf"/{SEGS}"                          # /KH-SCT (a draft)

SYMBOL_RX = re.compile(rf"(?<![\w/-])(?:{SYMBOL})(?![\w/])")


def normalize_symbol(s: str) -> str:
    s = s.replace("Ð", "Đ").replace("ð", "đ")
    return re.sub(r"\s+", "", s).strip(".,;:")


def type_code(symbol: str) -> str | None:
    """The type abbreviation in a symbol: KH in 300/KH-SCT, CT in 34-CT/TW,
    NĐ in 30/2020/NĐ-CP; None for a letter (4085/UBND-ĐT) or a law (87/2025/QH15)."""
    s = normalize_symbol(symbol)
    m = re.match(r"^\d+[a-z]?-([A-Za-zĐđ]+)/", s)
    if m:
        return m.group(1)
    parts = s.split("/")
    rest = parts[-1] if len(parts) >= 2 else ""
    if len(parts) == 3 and re.fullmatch(r"\d{4}", parts[1]):
        rest = parts[2]
    elif len(parts) == 2 and re.match(r"^\d{4}[A-ZĐ]", parts[1]):   # 49/2025TT-BCT
        rest = parts[1][4:]
    code = rest.split("-")[0]
    return code or None


def issuer_code(symbol: str) -> str | None:
    """The issuer part: SCT in 300/KH-SCT, TW in 34-CT/TW, CP in 30/2020/NĐ-CP."""
    s = normalize_symbol(symbol)
    if re.match(r"^\d+[a-z]?-", s):
        return s.split("/", 1)[1] if "/" in s else None
    last = s.split("/")[-1]
    if "-" in last:
        head, rest = last.split("-", 1)
        # A letter's symbol puts the issuer first (4085/UBND-ĐT, 477/BCA-H01);
        # other documents put the type first (300/KH-SCT).
        return rest.split("-")[0] if _is_type_code(head) else head
    return last or None


def _is_type_code(code: str) -> bool:
    from vanban.extractors.data import load
    return any(code in t["codes"] for t in load("doc_types")["types"])


def symbol_year(symbol: str) -> int | None:
    m = re.search(r"/(\d{4})/?", symbol)
    return int(m.group(1)) if m else None
