"""Document numbers and symbols (số và ký hiệu), as printed.

Forms (NĐ 30/2020/NĐ-CP and the Party's Quy định 66-QĐ/TW):
- administrative: `300/KH-SCT`, `4085/UBND-ĐT`, `1755/QĐ-UBND`, `02/CTLT-BCT-CĐCT`
- normative (with the year): `30/2020/NĐ-CP`, `36/2025/NQ-HĐND`, `87/2025/QH15`
- Party: `34-CT/TW`, `02-NQ/ĐU-SCT`, `14-KH/TU`, `02-TTr/ĐLS`
- printed typos kept readable: `27/NQ- TW` (space after the dash), `49/2025TT-BCT`
- drafts: `/KH-SCT` (number left blank)
- read to their true end: a dotted segment (`11554/VPCP-V.I`, `9123/BCT.PC`), an
  ampersand (`9086/BNV-CTTN&BĐG`), spaces an OCR or a typist put around the
  separators (`9123 /BCT.PC`, `4999 /QCPH - BHXH - TCT`), a compound number
  (`27102017- 02/HC-VCST`), dashes for slashes (`18-2016-QĐ-UBND`, `19-2018/NQ-CP`:
  kept as printed, the type and issuer after the year), and a year
  split by OCR (`98/201 7/NĐ-CP`).
`normalize_symbol` removes whitespace (`27/NQ- TW` -> `27/NQ-TW`), maps Ð to Đ,
look-alike Cyrillic and Greek capitals to Latin ones and fraction slashes to `/`.
`match_view` gives a same-length copy of a text in which OCR's look-alikes are
read as what they stand for, so the patterns here match it at the same offsets.
"""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.alternation import boundary_after_first, phrase_alternation

# One segment of a symbol: KH, QĐ, UBND, ĐT, TTr, QĐi, ThU, H01, C04, P6, QLN&TTBĐS,
# and the dotted or ampersand tails an office adds (V.I, BCT.PC, BVHTT&DL): a tail
# is capitals only, so the full stop of a sentence ("… /QĐ-UBND.Trong") is not one.
_CAPS = r"[A-ZĐ][A-ZĐ0-9]*"
SEG = rf"[A-ZĐ][A-Za-zĐđ0-9]*(?:&[ ]?[A-ZĐ][A-Za-zĐđ0-9]*|\.{_CAPS}(?![a-zđà-ỹ]))*"
# segments joined by '-'; a typo may put a space after a dash (`NQ- TW`), and an
# OCR'd letter spaces on both sides (`QCPH - BHXH - TCT`: capitals only then)
SEGS = rf"{SEG}(?:-[ ]?{SEG}|[ ]-[ ]?{_CAPS}(?![\w]))*"
# 66.2/2025/NQ-CP has a dotted number; 27102017-02/HC-VCST a compound one
NUM = r"\d{1,5}(?:\.\d{1,2}(?=/))?[a-z]?|\d{4,10}-[ ]?\d{1,5}(?=[ ]?/[A-ZĐ])"
YEAR = r"(?:19|20)\d[ ]?\d"                           # `201 3`: a year OCR split
SLASH = r"[ ]?/"                                      # `9123 /BCT.PC`

# A symbol after its first digit: every form starts with one, so `\d(?:{SYMBOL_TAIL})`
# is SYMBOL, and a pattern written that way starts with a digit class the regex
# engine skips to in C (a look-behind can then follow that first digit).
NUM_TAIL = r"\d{0,4}(?:\.\d{1,2}(?=/))?[a-z]?|\d{3,9}-[ ]?\d{1,5}(?=[ ]?/[A-ZĐ])"
SYMBOL_TAIL = (
    rf"(?:(?:{NUM_TAIL}){SLASH}{YEAR}/?{SEGS}(?:/{SEGS})?"   # 30/2020/NĐ-CP, 49/2025TT-BCT, 87/2025/QH15
    rf"|(?:{NUM_TAIL})-{SEGS}/{SEGS}"                        # 34-CT/TW, 02-NQ/ĐU-SCT
    rf"|\d{{0,4}}-(?:19|20)\d\d-{SEGS}"                      # 18-2016-QĐ-UBND (dashes for slashes)
    rf"|\d{{0,4}}-(?:19|20)\d\d/{SEG}-{SEGS}"                 # 19-2018/NQ-CP (a dash for the first slash)
    rf"|(?:{NUM_TAIL}){SLASH}{SEGS}(?:/{SEGS})?)"            # 300/KH-SCT, 2388/C04-P6
)
SYMBOL = rf"\d{SYMBOL_TAIL}"
BLANK_SYMBOL = rf"/{SEGS}"                          # /KH-SCT (a draft)

SYMBOL_RX = re.compile(rf"\d(?<![\w/-]\d){SYMBOL_TAIL}(?![\w/])")

# Look-alike capitals of other alphabets that OCR and copy-paste put in symbols
# (`16495/BТС-PTHT` with a Cyrillic Т and С), fraction and division slashes.
_LOOKALIKE = str.maketrans({
    **dict(zip("АВСЕНІКМОРТХУЅЈ", "ABCEHIKMOPTXYSJ")),      # Cyrillic
    **dict(zip("авсеорхуіј", "abceopxyij")),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")),        # Greek
    "\u2044": "/", "\u2215": "/", "\uff0f": "/",
})
_MIXED_TOKEN = re.compile(r"[\w/\u2044\u2215\uff0f&.-]*[\u0370-\u03ff\u0400-\u04ff\u2044\u2215\uff0f][\w/\u2044\u2215\uff0f&.-]*")


@lru_cache(maxsize=1)
def _ocr_rules() -> list[tuple[re.Pattern, str]]:
    from vanban.extractors.data import load
    data = load("ocr_variants")
    seen, out = set(), []
    for r in data["view"]:
        if r["pattern"] not in seen:           # one pattern may have several examples
            seen.add(r["pattern"])
            # (compiled to start with its first letter: the same matches, found faster)
            out.append((re.compile(boundary_after_first(r["pattern"])), r["replace"],
                        re.compile(r["needs"]) if r.get("needs") else None))
    return out


@lru_cache(maxsize=1)
def _title_words() -> tuple[re.Pattern, dict[str, str]]:
    """The misspelt words of cited titles whose right spelling has the same
    length, as one alternation (one pass over the text, not one per word)."""
    from vanban.extractors.data import load
    fixes = {r["wrong"]: r["right"] for r in load("ocr_variants")["title"] if len(r["wrong"]) == len(r["right"])}
    # a trie, longest first (alternation.py), the look-behind after each first letter
    alts = phrase_alternation(fixes, sep=" ", after_first=r"(?<!\w(?s:.))")
    return re.compile(rf"{alts}(?!\w)"), fixes


_FOREIGN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u2044\u2215\uff0f]")


def match_view(text: str) -> str:
    """A copy of `text`, the same length, in which OCR's stand-ins are read as
    what they stand for: look-alike letters inside a symbol (`BТС` -> `BTC`),
    `sé`/`só`/`s6` before a number (-> `số`), `0H13` (-> `QH13`), the usual
    misspellings of title words (`bé sung` -> `bổ sung`); the rules are in
    data/ocr_variants.yaml. Offsets into it are offsets into `text`."""
    if _FOREIGN.search(text):
        text = _MIXED_TOKEN.sub(lambda m: m.group().translate(_LOOKALIKE) if re.search(r"[A-Za-z0-9]", m.group())
                                else m.group(), text)
    for rx, rep, needs in _ocr_rules():
        if needs is None or needs.search(text):
            text = rx.sub(lambda m: m.expand(rep) if len(m.expand(rep)) == len(m.group()) else m.group(), text)
    words, fixes = _title_words()
    return words.sub(lambda m: fixes[m.group()], text)


_WS = re.compile(r"\s+")


@lru_cache(maxsize=16384)          # asked of the same symbols again and again
def normalize_symbol(s: str) -> str:
    s = s.replace("Ð", "Đ").replace("ð", "đ").translate(_LOOKALIKE)
    return _WS.sub("", s).strip(".,;:")


@lru_cache(maxsize=16384)
def type_code(symbol: str) -> str | None:
    """The type abbreviation in a symbol: KH in 300/KH-SCT, CT in 34-CT/TW,
    NĐ in 30/2020/NĐ-CP; None for a letter (4085/UBND-ĐT) or a law (87/2025/QH15)."""
    s = normalize_symbol(symbol)
    m = re.match(r"^\d+[a-z]?-([A-Za-zĐđ]+)/", s)
    if m:
        return m.group(1)
    m = re.match(r"^\d+-(?:19|20)\d\d-([A-Za-zĐđ]+)-", s)         # 18-2016-QĐ-UBND
    if m:
        return m.group(1)
    parts = s.split("/")
    rest = parts[-1] if len(parts) >= 2 else ""
    if len(parts) == 3 and re.fullmatch(r"\d{4}", parts[1]):
        rest = parts[2]
    elif len(parts) == 2 and re.match(r"^\d{4}[A-ZĐ]", parts[1]):   # 49/2025TT-BCT
        rest = parts[1][4:]
    code = rest.split("-")[0].split(".")[0]
    return code or None


@lru_cache(maxsize=16384)
def issuer_code(symbol: str) -> str | None:
    """The issuer part: SCT in 300/KH-SCT, TW in 34-CT/TW, CP in 30/2020/NĐ-CP."""
    s = normalize_symbol(symbol)
    m = re.match(r"^\d+-(?:19|20)\d\d-[A-Za-zĐđ]+-(.+)$", s)       # 18-2016-QĐ-UBND
    if m:
        return m.group(1).split("-")[0]
    if re.match(r"^\d+[a-z]?-[A-Za-zĐđ]", s):
        return s.split("/", 1)[1] if "/" in s else None
    last = s.split("/")[-1]
    if "-" in last:
        head, rest = last.split("-", 1)
        # A letter's symbol puts the issuer first (4085/UBND-ĐT, 477/BCA-H01);
        # other documents put the type first (300/KH-SCT).
        return rest.split("-")[0].split(".")[0] if _is_type_code(head) else head.split(".")[0]
    return last.split(".")[0] or None


def _is_type_code(code: str) -> bool:
    return code in _type_codes()


@lru_cache(maxsize=1)
def _type_codes() -> frozenset[str]:
    from vanban.extractors.data import load
    return frozenset(c for t in load("doc_types")["types"] for c in t["codes"])


@lru_cache(maxsize=16384)
def symbol_year(symbol: str) -> int | None:
    s = normalize_symbol(symbol)
    m = re.search(r"/(\d{4})/?", s) or re.match(r"^\d+-((?:19|20)\d\d)(?:-|/[A-ZĐ][A-Za-zĐđ]*-)", s)
    return int(m.group(1)) if m else None
