"""An explicit grammar for Vietnamese calendar dates (the "find" stage).

`find_dates(text)` returns every date mention with its span and ISO value,
possibly partial (`2024-03`). It never reads document numbers (`123/QĐ-UBND`,
`30/2020/NĐ-CP`), phone numbers, ratios (`50/194`, `5/11` in a ranking), `24/7`,
amounts (`42.500`) or clock times as dates: a day–month without a year counts
only after a word that introduces a date (`ngày`, `sáng`, `từ`, `đến` …) or as
the first end of a range whose other end has the year.

A mention with no year gets one later, from the context (`infer_years`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

D = r"(?:0?[1-9]|[12]\d|3[01])"
M = r"(?:0?[1-9]|1[0-2])"
Y = r"(?:1[89]\d\d|20\d\d)"
WS = r"[ \t]*\n?[ \t]*"          # a line break may sit anywhere inside a date
SP = r"\s+"
BLANK = r"[\s.…_]*"               # `ngày … tháng 3`, `ngày   tháng 3`
DASH = r"\s*-\s*"

# A numeric date must not be a piece of a longer number or a document symbol.
_NOT_BEFORE = r"(?<![\d/.,\w])(?<![A-Za-zĐđ]-)"
_NOT_AFTER = r"(?![\d]|[/.,]\d|[/-][A-ZĐa-zđ])"

# Words after which a bare day/month (no year) is a date.
CUE = (r"(?:ngày|Ngày|NGÀY|sáng|Sáng|chiều|Chiều|tối|Tối|trưa|Trưa|đêm|Đêm|hôm|từ|Từ|đến|Đến|"
       r"tới|trước|Trước|sau|đầu|cuối|hết|dịp|lễ)")


@dataclass
class FoundDate:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    kind: str                   # which rule: verbal, numeric, month_year, range_first, ...
    year_inferred: bool = False

    @property
    def value(self) -> str | None:
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _valid(y: int | None, m: int | None, d: int | None) -> bool:
    if m is not None and not 1 <= m <= 12:
        return False
    if d is not None:
        if m is None:
            return False
        mdays = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        if not 1 <= d <= mdays:
            return False
        if y is not None and m == 2 and d == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
            return False
    return True


# Ordered: a longer rule wins where two overlap.
_RULES: list[tuple[str, re.Pattern]] = [
    # ngày 16, 17 tháng 11 năm 2025 / ngày 16 và 17 tháng 11 năm 2025 (a list of days, one month)
    ("verbal_days", re.compile(
        rf"(?i:ngày){SP}(?P<d1>{D}){WS}(?:,|và|-){WS}(?P<d2>{D}){SP}(?i:tháng){SP}(?P<m>{M}){SP}(?i:năm){SP}(?P<y>{Y})\b")),
    # từ ngày 08 đến ngày 10 tháng 12 năm 2025: the first end takes the second's month and year
    ("verbal_range", re.compile(
        rf"(?i:ngày){SP}(?P<d>{D}){SP}(?:đến|tới|-){SP}(?:(?i:ngày){SP})?(?=(?P<d2>{D}){SP}(?i:tháng){SP}(?P<m>{M}){SP}(?i:năm){SP}(?P<y>{Y})\b)")),
    # ngày 17 ngày 02 năm 2023: a printed slip for "tháng"
    ("verbal_slip", re.compile(rf"(?i:ngày){SP}(?P<d>{D}){SP}(?i:ngày){SP}(?P<m>{M}){SP}(?i:năm){SP}(?P<y>{Y})\b")),
    # ngày 23 tháng 01 năm 2024 (also with a comma or "/" before the year)
    ("verbal", re.compile(
        rf"(?P<d>{D}){SP}(?i:tháng){SP}(?P<m>{M})(?:{SP}(?i:năm)|{WS},{WS}(?i:năm)|{WS}/{WS}){SP}?(?P<y>{Y})\b")),
    # 02 Tháng 3 2021
    ("verbal_noyearword", re.compile(rf"(?P<d>{D}){SP}(?i:tháng){SP}(?P<m>{M}){SP}(?P<y>{Y})\b")),
    # ngày … tháng 3 năm 2024  ->  2024-03
    ("verbal_blank_day", re.compile(rf"(?i:ngày){BLANK}(?i:tháng){SP}(?P<m>{M}){SP}(?i:năm){SP}(?P<y>{Y})\b")),
    # ngày 14 tháng 12 (no year: inferred)
    ("verbal_noyear", re.compile(rf"(?i:ngày){SP}(?P<d>{D}){SP}(?i:tháng){SP}(?P<m>{M})\b(?!{WS}(?:/|-|năm|\d))")),
    # 16-20/11/2025, 26/02 - 30/4/2021 (first end of a range; the second is matched on its own)
    ("range_days", re.compile(
        rf"{_NOT_BEFORE}(?P<d>{D}){DASH}(?=(?P<d2>{D})(?P<sep>[/.])(?P<m>{M})(?P=sep)(?P<y>{Y}){_NOT_AFTER})")),
    ("range_first", re.compile(
        rf"{_NOT_BEFORE}(?P<d>{D})(?P<sep>[/.])(?P<m>{M})(?:{DASH}|{SP}(?:đến|tới){SP}(?:ngày{SP})?)"
        rf"(?=(?:{CUE}{SP})?{D}(?P=sep){M}(?P=sep)(?P<y>{Y}){_NOT_AFTER})")),
    # ngày 16, 17/11/2025 and 16 và 17/11/2025: a list of days sharing month and year
    ("list_days", re.compile(
        rf"{_NOT_BEFORE}(?P<d>{D})\s*(?:,|và)\s*(?=(?P<d2>{D})(?P<sep>[/.])(?P<m>{M})(?P=sep)(?P<y>{Y}){_NOT_AFTER})")),
    # 23/01/2024, 30.4.1975, 15-3-2024
    ("numeric", re.compile(rf"{_NOT_BEFORE}(?P<d>{D})(?P<sep>[/.-])(?P<m>{M})(?P=sep)(?P<y>{Y}){_NOT_AFTER}")),
    # 16/6 2025 (separator missing before the year)
    ("numeric_space_year", re.compile(rf"{_NOT_BEFORE}(?P<d>{D})/(?P<m>{M}) (?P<y>20\d\d)(?![\d/])")),
    # tháng 6/2024, tháng 3 năm 2024, tháng 01-2026
    ("month_year", re.compile(rf"(?i:tháng){SP}(?P<m>{M})(?:{WS}[/-]{WS}|{SP}(?i:năm){SP})(?P<y>{Y})\b")),
    # sáng 22.4, ngày 3/4, từ 01/7 (no year: inferred)
    # 20/11, 2/9 with no year and no cue: only a known commemorative day near
    # a word that marks it (kỷ niệm, lễ, Quốc khánh …); checked in find_dates.
    ("known_day", re.compile(rf"{_NOT_BEFORE}(?P<d>{D})(?P<sep>[/-])(?P<m>{M})(?![\d]|[/.,-]\d|[/-][A-ZĐa-zđ])")),
    # (the cue before it is checked in find_dates: _CUE_BEFORE)
    ("numeric_noyear", re.compile(
        rf"{_NOT_BEFORE}(?P<d>{D})(?P<sep>[/.])(?P<m>{M})(?![\d]|[/.]\d|[/-][A-ZĐa-zđ]|\.\d)")),
]
_CUE_BEFORE = re.compile(rf"(?<!\w){CUE}{SP}(?:(?i:ngày){SP})?$")
# Rules whose match starts with a digit are tried only where a number starts:
# far cheaper than letting each regex scan every position of the text.
_DIGIT_LED = {"verbal", "verbal_noyearword", "range_days", "range_first", "list_days", "numeric",
              "numeric_space_year", "known_day", "numeric_noyear"}
_NUMBER_START = re.compile(r"(?<!\d)\d")


def _matches(kind: str, rx: re.Pattern, text: str, starts: list[int]):
    if kind not in _DIGIT_LED:
        yield from rx.finditer(text)
        return
    end = -1
    for pos in starts:
        if pos < end:
            continue
        m = rx.match(text, pos)
        if m:
            end = m.end()
            yield m


_YEARLY = re.compile(r"\s*(?:\(?\s*)?(?:h[ằà]ng|mỗi)\s+năm\b")
_LUNAR = re.compile(r"\s*\(?\s*(?:âm\s+lịch|ÂL)\b")
_YEAR_AFTER = re.compile(r"[”\"')\s]{0,3}\s*năm\s+(1[89]\d\d|20\d\d)\b")
_KNOWN_DAY_CUE = re.compile(r"(?i:kỷ\s+niệm|chào\s+mừng|mừng|lễ|ngày|quốc\s+khánh|nhân\s+dịp|hưởng\s+ứng|diễu\s+binh)")


@lru_cache(maxsize=1)
def known_days() -> frozenset[str]:
    from vanban.extractors.data import load
    return frozenset(d["day"] for d in load("commemorative_days")["days"])


def find_dates(text: str) -> list[FoundDate]:
    taken: list[tuple[int, int]] = []
    out: list[FoundDate] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    starts = [m.start() for m in _NUMBER_START.finditer(text)]
    for kind, rx in _RULES:
        for m in _matches(kind, rx, text, starts):
            g = m.groupdict()
            if kind == "verbal_days":
                y, mo = int(g["y"]), int(g["m"])
                s1, e1 = m.span("d1")
                s2 = m.start("d2")
                if not free(m.start(), m.end()):
                    continue
                taken.append(m.span())
                for d, s, e in ((int(g["d1"]), s1, e1), (int(g["d2"]), s2, m.end())):
                    if _valid(y, mo, d):
                        out.append(FoundDate(s, e, y, mo, d, kind))
                continue
            if kind == "known_day":
                key = f"{int(m.group('d'))}/{int(m.group('m'))}"
                ctx = text[max(0, m.start() - 50):m.end() + 50]
                if key not in known_days() or not _KNOWN_DAY_CUE.search(ctx):
                    continue
                s, e = m.start("d"), m.end()
            elif kind == "numeric_noyear":
                if not _CUE_BEFORE.search(text, max(0, m.start() - 24), m.start()):
                    continue
                s, e = m.start("d"), m.end()
            elif kind in ("range_days", "list_days", "verbal_range"):
                s, e = m.start("d"), m.end("d")
            elif kind == "range_first":
                s, e = m.start("d"), m.end("m")
            elif kind in ("verbal_blank_day",):
                s, e = m.span()
            elif kind == "verbal_noyear":
                s, e = m.span()
            elif kind == "month_year":
                s, e = m.span()
            else:
                s, e = m.start("d") if g.get("d") else m.start(), m.end()
                if kind in ("verbal", "verbal_noyearword"):
                    # include a preceding "ngày" in the span
                    pre = re.search(r"(?i:ngày)\s+$", text[max(0, s - 8):s])
                    if pre:
                        s = s - (len(text[max(0, s - 8):s]) - pre.start())
            if not free(s, e):
                continue
            if _LUNAR.match(text, e):
                continue
            y = int(g["y"]) if g.get("y") else None
            mo = int(g["m"]) if g.get("m") else None
            d = int(g["d"]) if g.get("d") else None
            if kind == "month_year" or kind == "verbal_blank_day":
                d = None
            if not _valid(y, mo, d):
                continue
            # `24/7` (round the clock), `5/11` after "thứ" (a ranking) are not dates
            if kind == "numeric_noyear" and re.search(r"(?i:thứ|hạng)\s*$", text[max(0, s - 12):s]):
                continue
            taken.append((s, e))
            out.append(FoundDate(s, e, y, mo, d, kind))
    out.sort(key=lambda f: f.start)
    return out


_YEAR = re.compile(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)")


def infer_years(text: str, found: list[FoundDate], ref_year: int | None) -> None:
    """Give each year-less mention a year: the nearest dated mention in the same
    paragraph, else the document's own year (`ref_year`), else the year most
    often printed in the text."""
    if not any(f.year is None for f in found):
        return
    fallback = ref_year
    if fallback is None:
        counts: dict[int, int] = {}
        for m in _YEAR.finditer(text):
            counts[int(m.group())] = counts.get(int(m.group()), 0) + 1
        fallback = max(counts, key=counts.get) if counts else None
    dated = [f for f in found if f.year is not None]
    for f in found:
        if f.year is not None:
            continue
        year = None
        # "15/3” năm 2019": the year printed right after
        after = _YEAR_AFTER.match(text, f.end)
        if after:
            year = int(after.group(1))
        # "trước ngày 30/11 hằng năm": a yearly date belongs to the document's own
        # year (a deadline already past moves to the next year, see dates.py)
        elif _YEARLY.match(text, f.end) and fallback is not None:
            year = fallback
        # A range's first end takes the second end's year (it is in the match).
        para_start = text.rfind("\n\n", 0, f.start) + 1
        para_end = text.find("\n\n", f.end)
        para_end = len(text) if para_end == -1 else para_end
        # The latest year in the paragraph: a year-less day is about the
        # events at hand, not the origin of an anniversary printed beside it.
        near = [g.year for g in dated if para_start <= g.start < para_end]
        if near and year is None:
            year = max(near)
        if year is None and ref_year is None:
            # no document year: a year printed in the same paragraph (quý I năm 2019)
            ys = [int(m.group()) for m in _YEAR.finditer(text, para_start, para_end)]
            if ys and fallback not in ys:
                year = max(ys)
        if year is None:
            year = fallback
        if year is not None and _valid(year, f.month, f.day):
            f.year = year
            f.year_inferred = True


def parse_one(s: str) -> str | None:
    """ISO value of the first date in a short string, or None."""
    found = find_dates(s)
    return found[0].value if found else None
