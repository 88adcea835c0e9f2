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

from vanban.extractors.spans import Breaks, Sorted, SpanSet

D = r"(?:0?[1-9]|[12]\d|3[01])"
M = r"(?:0?[1-9]|1[0-2])"
Y = r"(?:1[89]\d\d|20\d\d)"
WS = r"[ \t]*\n?[ \t]*"          # a line break may sit anywhere inside a date
SP = r"\s+"
GL = r"\s*"                       # OCR glues words to numbers: `tháng12`, `09tháng 5`, `năm2025`
# a day is not the tail of a longer number (`123 tháng 5`) nor of one OCR split (`ngày 4 6tháng 10`)
ND = r"(?<!\d)(?<!\d )"
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
    lead: int | None = None     # the second end of a range or list: where the first end starts
    recurring: bool = False     # a day of every year (`hằng năm`) given the document's year

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
        rf"(?i:ngày){SP}(?P<d1>{D}){WS}(?:,|và|-){WS}(?P<d2>{D}){GL}(?i:tháng){GL}(?P<m>{M}){SP}(?i:năm){GL}(?P<y>{Y})\b")),
    # từ ngày 08 đến ngày 10 tháng 12 năm 2025: the first end takes the second's month and year
    ("verbal_range", re.compile(
        rf"(?i:ngày){SP}(?P<d>{D}){SP}(?:đến|tới|-){SP}(?:(?i:ngày){SP})?(?=(?P<d2>{D}){GL}(?i:tháng){GL}(?P<m>{M}){SP}(?i:năm){GL}(?P<y>{Y})\b)")),
    # ngày 17 ngày 02 năm 2023: a printed slip for "tháng"
    ("verbal_slip", re.compile(rf"(?i:ngày){SP}(?P<d>{D}){SP}(?i:ngày){SP}(?P<m>{M}){SP}(?i:năm){SP}(?P<y>{Y})\b")),
    # ngày 23 tháng 01 năm 2024 (also with a comma or "/" before the year)
    ("verbal", re.compile(
        rf"{ND}(?P<d>{D}){GL}(?i:tháng){GL}(?P<m>{M})(?:{SP}(?i:năm)|{WS},{WS}(?i:năm)|{WS}/{WS}|{SP}(?i:tháng)(?={SP}{Y}\b)){GL}(?P<y>{Y})\b")),
    # 02 Tháng 3 2021
    ("verbal_noyearword", re.compile(rf"{ND}(?P<d>{D}){GL}(?i:tháng){GL}(?P<m>{M}){SP}(?P<y>{Y})\b")),
    # ngày … tháng 3 năm 2024  ->  2024-03
    ("verbal_blank_day", re.compile(rf"(?i:ngày){BLANK}(?i:tháng){GL}(?P<m>{M}){SP}(?i:năm){GL}(?P<y>{Y})\b")),
    # ngày …/11/2025, ngày   /11/2025: the day left blank for the signing  ->  2025-11
    ("numeric_blank_day", re.compile(rf"(?i:ngày)[ \t.…_]*\n?[ \t.…_]*/(?P<m>{M})/(?P<y>{Y})(?![\d/])")),
    # ngày 14 tháng 12 (no year: inferred)
    ("verbal_noyear", re.compile(rf"(?i:ngày){GL}(?P<d>{D}){GL}(?i:tháng){GL}(?P<m>{M})\b(?!{WS}(?:/|-|(?i:năm){GL}\d|(?i:tháng){SP}\d|\d))")),
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
    # tháng 11 - 12/2025, từ tháng 11 đến tháng 12 năm 2025, tháng 11 và 12/2025: two
    # months sharing the year printed after the second (both ends are dates)
    ("month_range", re.compile(
        rf"(?i:tháng){GL}(?P<m>{M})(?P<join>{DASH}|{SP}(?:đến|tới|và){SP}|{WS},{WS})(?:(?i:tháng){GL})?"
        rf"(?P<m2>{M})(?:{WS}[/-]{WS}|{SP}(?i:năm){GL})(?P<y>{Y})\b")),
    # tháng 6/2024, tháng 3 năm 2024, tháng 01-2026
    ("month_year", re.compile(rf"(?i:tháng){GL}(?P<m>{M})(?:{WS}[/-]{WS}|{SP}(?i:năm){GL})(?P<y>{Y})\b")),
    # sáng 22.4, ngày 3/4, từ 01/7 (no year: inferred)
    # 20/11, 2/9 with no year and no cue: only a known commemorative day near
    # a word that marks it (kỷ niệm, lễ, Quốc khánh …); checked in find_dates.
    ("known_day", re.compile(rf"{_NOT_BEFORE}(?P<d>{D})(?P<sep>[/-])(?P<m>{M})(?![\d]|[/.,-]\d|[/-][A-ZĐa-zđ])")),
    # (the cue before it is checked in find_dates: _CUE_BEFORE)
    ("numeric_noyear", re.compile(
        rf"{_NOT_BEFORE}(?P<d>{D})(?P<sep>[/.])(?P<m>{M})(?![\d]|[/.]\d|[/-][A-ZĐa-zđ]|\.\d)")),
]
# The cue stands on the date's own line: a heading number under a line that
# ends in "từ" or "đến" (`lũy kế đến\n2.6. thời điểm`) is not a date after it.
_CUE_BEFORE = re.compile(rf"(?<!\w){CUE}[ \t]+(?:(?i:ngày)[ \t]+)?$")
# Rules whose match starts with a digit are tried only where a number starts:
# far cheaper than letting each regex scan every position of the text.
# Likewise the rules that start with "ngày" or "tháng" in any case: a case-blind
# regex cannot skip ahead to its first letter, so those words are found once
# (the classes below match what (?i:ngày) and (?i:tháng) match).
_DIGIT_LED = {"verbal", "verbal_noyearword", "range_days", "range_first", "list_days", "numeric",
              "numeric_space_year", "known_day", "numeric_noyear"}
_WORD_LED = {"verbal_days": "ngày", "verbal_range": "ngày", "verbal_slip": "ngày", "verbal_blank_day": "ngày",
             "numeric_blank_day": "ngày",
             "verbal_noyear": "ngày", "month_range": "tháng", "month_year": "tháng"}
# Every digit-led rule reads a day (one or two digits at the start of a number)
# followed, after white space, by a separator, "và" or "tháng": the numbers that
# are not so followed (most of them) are never tried.
# What follows the day tells which of them can match there: a separator right
# after it (`/`, `.`, `-`, `,`), one after white space, "và", or "tháng".
# (the group that matched names what follows; a separator after white space
# other than - and , starts no rule)
_DATE_NUMBER = re.compile(r"\d(?<!\d\d)\d?(?:(?P<slash>/)|(?P<dot>\.)|(?P<dash>-)|(?P<comma>,)|(?P<va>và)|"
                          r"(?P<th>[tT][hH][áÁ][nN][gG])|\s+(?:(?P<sdash>-)|(?P<scomma>,)|(?P<sva>và)|"
                          r"(?P<sth>[tT][hH][áÁ][nN][gG])))")
_DIGIT_SEPS = {
    "verbal": {"th", "sth"}, "verbal_noyearword": {"th", "sth"},             # {D}\s*tháng
    "range_days": {"dash", "sdash"},                                        # {D}\s*-\s*
    "range_first": {"slash", "dot"}, "numeric": {"slash", "dot", "dash"},
    "numeric_space_year": {"slash"}, "known_day": {"slash", "dash"},
    "numeric_noyear": {"slash", "dot"},                                     # {D} and the separator right after it
    "list_days": {"comma", "scomma", "va", "sva"},                          # {D}\s*(?:,|và)
}
# one scan for both, led by a class of their first letters (which the engine skips to)
_LEAD_WORDS = re.compile(r"[nNtT](?:(?<=[nN])[gG][àÀ][yY]|(?<=[tT])[hH][áÁ][nN][gG])")


_NGAY, _THANG = re.compile("ngày"), re.compile("tháng")


def _starts(text: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    by_sep: dict[str, list[int]] = {}
    for m in _DATE_NUMBER.finditer(text):
        by_sep.setdefault(m.lastgroup, []).append(m.start())
    for kind, seps in _DIGIT_SEPS.items():
        lists = [by_sep[t] for t in seps if t in by_sep]
        out[kind] = lists[0] if len(lists) == 1 else sorted(x for lst in lists for x in lst)
    low = text.lower()
    if len(low) == len(text):
        # in the lowered text the two words are literals, found in C; only their
        # own capitals lower to their letters, so the places are the same
        out["ngày"] = [m.start() for m in _NGAY.finditer(low)]
        out["tháng"] = [m.start() for m in _THANG.finditer(low)]
        return out
    out["ngày"], out["tháng"] = [], []
    ngay, thang = out["ngày"].append, out["tháng"].append
    for m in _LEAD_WORDS.finditer(text):
        (ngay if m.group()[0] in "nN" else thang)(m.start())
    return out


def _matches(kind: str, rx: re.Pattern, text: str, found: dict[str, list[int]]):
    starts = found[kind] if kind in _DIGIT_LED else found[_WORD_LED[kind]] if kind in _WORD_LED else None
    if starts is None:
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


_LUNAR = re.compile(r"\s*\(?\s*(?:âm\s+lịch|ÂL)\b")
_YEAR_AFTER = re.compile(r"[”\"')\s]{0,3}\s*năm\s+(1[89]\d\d|20\d\d)\b")
_KNOWN_DAY_CUE = re.compile(r"(?i:kỷ\s+niệm|chào\s+mừng|mừng|lễ|ngày|quốc\s+khánh|nhân\s+dịp|hưởng\s+ứng|diễu\s+binh)")
# A day/month that opens a line or list item and is followed by a full stop,
# a bracket or a capitalised word is the item's number (`2.2. Nội dung`, `1.1)`).
_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:[-+•*][ \t]*)?$")
_ITEM_AFTER = re.compile(r"(?:\.|\)|[ \t]+[A-ZĐÀ-Ỹ])")


def _words_rx(words) -> str:
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _context() -> dict:
    """The rule data of data/date_context.yaml, compiled."""
    from vanban.extractors.data import load
    data = load("date_context")
    count_after = re.compile(rf"[ \t]*(?:{_words_rx(e['word'] for e in data['count_nouns'])})(?!\w)")
    count_before = re.compile(rf"(?<!\w)(?i:{_words_rx(e['word'] for e in data['count_before'])})"
                              rf"\s+(?:{CUE}\s+|trên\s+|dưới\s+|khoảng\s+|gần\s+)?$")
    rel = [(re.compile(rf"\s*(?:của\s+)?(?:{_words_rx([e['words']])})(?!\w)"), e["shift"])
           for e in data["relative_years"]]
    rec = [(re.compile(rf"\s*\(?\s*(?:của\s+|trong\s+)?(?:{_words_rx([e['words']])})(?!\w)"), e["anchored"])
           for e in sorted(data["recurring"], key=lambda e: -len(e["words"]))]
    return {"count_after": count_after, "count_before": count_before, "relative": rel, "recurring": rec}


_NGAY_BEFORE = re.compile(r"(?i:ngày)\s*$")
_PROPER_AFTER = re.compile(r"[ \t]+\w+(?:[ \t]+\w+)?[ \t]+(\w)")


def _place_after(text: str, e: int) -> bool:
    """`huyện Đăk Song`, `xã Hòa Phú`: a noun and a capitalised name after it."""
    m = _PROPER_AFTER.match(text, e, e + 40)
    return bool(m and m.group(1).isupper())


def _is_quantity(text: str, s: int, e: int, known: bool = False) -> bool:
    """A day/month without a year that is a fraction, a rank or an item number.
    What follows it does not make a fraction of a commemorative day (`known`),
    of a day after "ngày" (`ngày 14/3 huyện …`), or of one followed by a place's
    name (`sáng 14/3 huyện Đăk Song`)."""
    ctx = _context()
    if not known and ctx["count_after"].match(text, e) and not _NGAY_BEFORE.search(text, max(0, s - 8), s) \
            and not _place_after(text, e):
        return True
    if ctx["count_before"].search(text, max(0, s - 30), s):
        return True
    if _LINE_START.search(text, max(0, s - 8), s) and (e >= len(text) or _ITEM_AFTER.match(text, e)):
        return True
    return False


@lru_cache(maxsize=1)
def known_days() -> frozenset[str]:
    from vanban.extractors.data import load
    return frozenset(d["day"] for d in load("commemorative_days")["days"])


_YEARLESS = {"numeric_noyear", "known_day", "verbal_noyear"}


def find_dates(text: str) -> list[FoundDate]:
    taken = SpanSet()
    out: list[FoundDate] = []
    fractions: set[int] = set()         # ends of day/months read as fractions

    starts = _starts(text)
    for kind, rx in _RULES:
        lead = kind if kind in _DIGIT_LED else _WORD_LED.get(kind)
        if lead is not None and not starts[lead]:
            continue                    # nowhere this rule can start (a short text often has none)
        for m in _matches(kind, rx, text, starts):
            g = m.groupdict()
            if kind == "verbal_days":
                y, mo = int(g["y"]), int(g["m"])
                s1, e1 = m.span("d1")
                s2 = m.start("d2")
                if not taken.free(m.start(), m.end()):
                    continue
                taken.add(*m.span())
                for d, s, e in ((int(g["d1"]), s1, e1), (int(g["d2"]), s2, m.end())):
                    if _valid(y, mo, d):
                        out.append(FoundDate(s, e, y, mo, d, kind))
                continue
            if kind == "month_range":
                y, m1, m2 = int(g["y"]), int(g["m"]), int(g["m2"])
                # a range runs forward (`tháng 11 - 12`); `tháng 12 - 11/2025` is no range
                if not taken.free(m.start(), m.end()) or (m1 >= m2 and "và" not in g["join"] and "," not in g["join"]):
                    continue
                taken.add(*m.span())
                first = "month_list" if ("và" in g["join"] or "," in g["join"]) else "month_range"
                out.append(FoundDate(m.start(), m.end("m"), y, m1, None, first))
                out.append(FoundDate(m.end("join"), m.end(), y, m2, None,
                                     "month_list" if first == "month_list" else "month_range_end", lead=m.start()))
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
            elif kind in ("verbal_blank_day", "numeric_blank_day"):
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
            if not taken.free(s, e):
                continue
            if _LUNAR.match(text, e):
                continue
            y = int(g["y"]) if g.get("y") else None
            mo = int(g["m"]) if g.get("m") else None
            d = int(g["d"]) if g.get("d") else None
            if kind in ("month_year", "verbal_blank_day", "numeric_blank_day"):
                d = None
            if not _valid(y, mo, d):
                continue
            if kind in ("numeric_noyear", "known_day"):
                # `24/7` (round the clock), `5/11` after "thứ" (a ranking), `2/3 số xã`
                # (a fraction), `2.2. Nội dung` (an item number) are not dates;
                # nor the second end of a fraction's range (`từ 1/3 đến 1/2`).
                if _is_quantity(text, s, e, known=kind == "known_day"):
                    fractions.add(e)
                    continue
                prev = re.search(r"(\d)\s+(?:đến|tới|-)\s+$", text[max(0, s - 12):s])
                if prev and (max(0, s - 12) + prev.start(1) + 1) in fractions:
                    continue
            taken.add(s, e)
            out.append(FoundDate(s, e, y, mo, d, kind))
        taken.commit()
    out.sort(key=lambda f: f.start)
    return out


# a year printed on its own (`năm 2025`, `quý I/2025`), not one inside a symbol (`30/2020/NĐ-CP`)
# (both open with a character, their look-behinds after it, so the engine skips to
# where they can start: `(?<!\d)(19[4-9]\d|20\d\d)` and `(?<=[.!?;])\s+(?=\S)|\n`)
_YEAR = re.compile(r"((?:1(?<!\d1)9[4-9]|2(?<!\d2)0\d)\d)(?![\d/\w])")
_SENTENCE_BREAK = re.compile(r"\s(?:(?<=[.!?;]\s)\s*(?=\S)|(?<=\n))")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


# `Thông tư số 24/2018/TT-BCA ngày 31/7`: a citation's date is in its symbol's year
_SYMBOL_YEAR_BEFORE = re.compile(r"/((?:19|20)\d\d)/?[A-ZĐ][\wĐđ&.-]*\s*,?\s*(?:(?i:ngày)\s*)?$")


def _relative_year(text: str, f: FoundDate, ref_year: int | None) -> tuple[bool, int | None, bool]:
    """(decided, year) from the words right after a year-less date: `năm sau`
    (the document's year + 1), `hằng năm` (the document's year), `kỳ báo cáo`
    (a period of no fixed year: none). Without a document year, none: a
    recurring date is not given a year from elsewhere. The third value: the
    date recurs every year (dates.py moves it to the first one after issue)."""
    ctx = _context()
    for rx, anchored in ctx["recurring"]:
        if rx.match(text, f.end):
            if not anchored:
                return True, None, False
            break
    else:
        anchored = None
    for rx, shift in ctx["relative"]:
        m = rx.match(text, f.end)
        if m:
            # "năm trước kỳ báo cáo": a year before a period of no fixed year
            for rx2, anch in ctx["recurring"]:
                if not anch and rx2.match(text, m.end()):
                    return True, None, False
            return True, (ref_year + shift) if ref_year is not None else None, False
    if anchored:
        return True, ref_year, True
    return False, None, False


def infer_years(text: str, found: list[FoundDate], ref_year: int | None) -> None:
    """Give each year-less mention a year, nearest evidence first:
    1. a year printed right after it (`15/3” năm 2019`);
    2. the words after it: `năm sau` (document year + 1), `hằng năm` (the
       document's year), `kỳ báo cáo` (none);
    3. its own sentence: the nearest dated mention before it, else a year
       printed before it in the sentence (`Năm 2026, … trước ngày 30/6`);
    4. the document's own year (`ref_year`);
    5. without one: the nearest dated mention or printed year before it in its
       paragraph, else the year most often printed in the text.
    A later date never lends its year: in a June 2025 article `Chiều 26/6 …
    hiệu lực từ ngày 1/1/2026` is 2025-06-26; the later date is another event."""
    if not any(f.year is None for f in found):
        return
    common = None
    if ref_year is None:
        counts: dict[int, int] = {}
        for m in _YEAR.finditer(text):
            counts[int(m.group())] = counts.get(int(m.group()), 0) + 1
        common = max(counts, key=counts.get) if counts else None
    sentences = Breaks(text, _SENTENCE_BREAK)
    paragraphs = Breaks(text, _PARAGRAPH_BREAK)
    dated = Sorted([f for f in found if f.year is not None], key=lambda f: f.start)
    printed = Sorted([(m.start(), int(m.group())) for m in _YEAR.finditer(text)], key=lambda x: x[0])
    for f in found:
        if f.year is not None:
            continue
        year = None
        after = _YEAR_AFTER.match(text, f.end)
        decided = False
        sym = _SYMBOL_YEAR_BEFORE.search(text, max(0, f.start - 60), f.start)
        if after:
            year, decided = int(after.group(1)), True
        elif sym:
            year, decided = int(sym.group(1)), True
        else:
            decided, year, f.recurring = _relative_year(text, f, ref_year)
        if not decided:
            s0, _ = sentences.around(f.start)
            g = dated.last_in(s0, f.start)
            p = printed.last_in(s0, f.start)
            if g is not None:
                year = g.year
            elif p is not None:
                year = p[1]
            if year is None:
                year = ref_year
            if year is None:
                # a year stated earlier in the paragraph; never one from a later date,
                # which is another event (`Chiều 26/6 … hiệu lực từ ngày 1/1/2026`)
                p0, _ = paragraphs.around(f.start)
                g = dated.last_in(p0, f.start)
                p = printed.last_in(p0, f.start)
                year = g.year if g is not None else p[1] if p is not None else common
        if year is not None and _valid(year, f.month, f.day):
            f.year = year
            f.year_inferred = True


def parse_one(s: str) -> str | None:
    """ISO value of the first date in a short string, or None."""
    found = find_dates(s)
    return found[0].value if found else None
