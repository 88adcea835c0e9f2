"""Commemorations: anniversaries and commemorative days a document marks.

Three shapes:
- a count, an event and its two dates: `49 năm Ngày giải phóng miền Nam, thống
  nhất đất nước (30/4/1975 - 30/4/2024)`, or two years (`1969 - 2019`);
- a count after `kỷ niệm` / `chào mừng` / `nhân dịp`: `kỷ niệm 43 năm ngày Nhà
  giáo Việt Nam`; the dates come from the known day (`data/commemorative_days.yaml`)
  and the document's year;
- a known commemorative day without a count: `Ngày Quyền của người tiêu dùng
  Việt Nam 15/3`.
An event listed after another with its own dates (`… (19/8/1945-19/8/2025) và
Quốc khánh … (02/9/1945-02/9/2025)`) shares the count. One entry per distinct
commemoration; when the count disagrees with the dates, `consistent` is false.
"""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.alternation import PhraseEnds, phrase_alternation, scan, space_before
from vanban.extractors.data import load
from vanban.extractors.dates import all_dates
from vanban.extractors.datefind import FoundDate
from vanban.extractors.spans import Breaks, Sorted, SpanSet
from vanban.extractors.text import collapse
from vanban.schemas.document import Doc
from vanban.schemas.models import Commemoration

# Patterns scanned over the whole text start with a literal or a digit, with any
# look-behind after that first character, so the regex engine skips to where they
# can start (alternation.py).
_CUE_WORDS = ["kỷ niệm", "Kỷ niệm", "KỶ NIỆM", "chào mừng", "Chào mừng", "nhân dịp", "Nhân dịp", "mừng",
              "hướng tới", "tổng kết"]
_BARE_CUE_WORDS = ["Kỷ niệm", "kỷ niệm", "KỶ NIỆM", "Chào mừng", "chào mừng", "Nhân dịp", "nhân dịp"]
_CUE = phrase_alternation(_CUE_WORDS)
# a campaign or propaganda drive around a day marks it (`chiến dịch tuyên truyền … bao gồm: Ngày …`)
_CAMPAIGN = re.compile(r"(?<!\w)(?:[Cc]hiến\s+dịch|[Tt]uyên\s+truyền|[Tt]ruyền\s+thông)(?!\w)")
_COUNT = re.compile(r"(?P<n>\d(?<![\d.,/]\d)\d{0,2})\s+năm\s+(?P<ev>[^()\n;]{3,160}?)\s*(?=\()")
_COUNT_CUED = re.compile(rf"{_CUE}\s+(?:lần\s+thứ\s+)?(?P<n>\d{{1,3}})\s+năm\s+(?P<ev>[^()\n;:.,]{{3,120}})")
# Only "kỷ niệm", "chào mừng", "nhân dịp" mark an anniversary without dates;
# "tổng kết 10 năm thực hiện …" reviews a period.
_COUNT_BARE = re.compile(phrase_alternation(_BARE_CUE_WORDS) + r"\s+(?P<n>\d{1,3})\s+năm\s+"
                         r"(?P<ev>[^()\n;:.,“”\"]{3,100})")
_RANGE = re.compile(r"\(\s*(?P<a>[^()]{4,30}?)\s*-\s*(?P<b>[^()]{4,30}?)\s*\)")
_COUNT_YEARS = re.compile(r"(?P<n>\d(?<![\d.,/]\d)\d{0,2})\s+năm\s+(?P<ev>[^()\n;\"“”]{3,160}?)\s+"
                          r"(?P<a>1[89]\d\d|20\d\d)\s*-\s*(?P<b>1[89]\d\d|20\d\d)\b")
_YEAR_RANGE = re.compile(r"(?P<a>1[89]\d\d|20\d\d)\s*-\s*(?P<b>1[89]\d\d|20\d\d)\b")
_AND_NEXT = re.compile(r"\s*(?:và|,)\s+(?:(?P<n>\d{1,3})\s+năm\s+)?(?P<ev>[^()\n;]{3,120}?)\s*\((?P<a>[^()]{4,30}?)\s*-\s*(?P<b>[^()]{4,30}?)\)")
_TWO_COUNTS = re.compile(r"\s+và\s+(?:tưởng\s+niệm\s+|kỷ\s+niệm\s+)?(?P<n>\d{1,3})\s+năm\s+")
# Event text stops before words that begin the rest of the sentence: these, and
# the verbs and copulas of data/commemorative_days.yaml (`event_ends_before`).
_EV_STOP_BASE = (r"\s+(?:và\s+(?:các|những)|của\s+(?:tỉnh|ngành|đơn\s+vị|huyện)\s|trên\s+địa\s+bàn|tại\s|"
                 r"nhằm\s|để\s|\d{1,2}/\d{1,2}(?:/\d{4})?")


@lru_cache(maxsize=1)
def _ev_stop() -> re.Pattern:
    words = sorted((e["word"] for e in load("commemorative_days")["event_ends_before"]), key=len, reverse=True)
    return re.compile(_EV_STOP_BASE + "|" + "|".join(r"\s+".join(map(re.escape, w.split())) + r"(?!\w)" for w in words) + ")")


# Every count rule reads "<1-3 digits> năm", and "năm" is rare: the rules are
# tried only where such a count starts (found from each "năm", reading back),
# or where a cue ends just before one.
_CUE_ENDS = PhraseEnds(_CUE_WORDS)
_BARE_CUE_ENDS = PhraseEnds(_BARE_CUE_WORDS)
_NTH = PhraseEnds(["lần thứ"])


def _count_starts(text: str) -> list[int]:
    """Where a count (1-3 digits, white space, "năm") starts."""
    out = []
    q = text.find("năm")
    while q >= 0:
        w = space_before(text, q)
        s = w
        while s > 0 and text[s - 1].isdecimal():
            s -= 1
        if w < q and 1 <= w - s <= 3:
            out.append(s)
        q = text.find("năm", q + 3)
    return out


def _cue_starts(text: str, counts: list[int], ends: PhraseEnds, nth: bool) -> list[int]:
    """Where a cue (`ends`' phrases) starts that white space (and, with `nth`,
    "lần thứ") separates from a count."""
    out: set[int] = set()
    for s in counts:
        e = space_before(text, s)
        if e == s:
            continue
        out.update(ends.starts(text, e))
        if nth:
            for a in _NTH.starts(text, e):
                e2 = space_before(text, a)
                if e2 < a:
                    out.update(ends.starts(text, e2))
    return sorted(out)


@lru_cache(maxsize=1)
def _days() -> list[dict]:
    return load("commemorative_days")["days"]


@lru_cache(maxsize=1)
def _day_rx() -> re.Pattern:
    """Known day names, in lower case: matched on the lower-cased text (much
    faster than a case-insensitive alternation of forty names)."""
    return re.compile("(" + phrase_alternation({n.lower() for d in _days() for n in d["names"]}) + ")")


def _find_days(text: str):
    low = text.lower()
    if len(low) != len(text):            # lower() changed a length: fall back to the slow way
        return re.finditer(_day_rx().pattern, text, re.I)
    return _day_rx().finditer(low)


def _known(event: str) -> dict | None:
    ev = collapse(event).casefold()
    for d in _days():
        for n in d["names"]:
            if n.casefold() in ev:
                return d
    return None


def _dates_in(found: Sorted, s: int, e: int) -> list[FoundDate]:
    return [f for f in found.between(s, e) if f.end <= e and f.value]


def _clean_event(ev: str) -> str:
    ev = collapse(ev).strip(" ,-–“”\"'")
    m = _ev_stop().search(" " + ev)
    if m and m.start() > 3:
        ev = ev[: m.start() - 1]
    return ev.strip(" ,-–“”\"'")


def _same_event(a: dict, b: dict) -> bool:
    """Two mentions of one commemoration: the same event's name, counts and
    dates that do not disagree."""
    if collapse(a["event"]).casefold() != collapse(b["event"]).casefold():
        return False
    return all(a[f] is None or b[f] is None or a[f] == b[f] for f in ("years", "origin_date", "date"))


def _paragraph_year(paragraphs: Breaks, found: Sorted, pos: int, cache: dict) -> int | None:
    a, b = paragraphs.around(pos)
    if a in cache:                      # once per paragraph, not once per anniversary
        return cache[a]
    inside = found.between(a, b)
    ys = [f.year for f in inside if f.year and not f.year_inferred]
    ys = ys or [f.year for f in inside if f.year]
    cache[a] = max(ys) if ys else None
    return cache[a]


class CommemorationExtractor:
    name = "commemorations"
    requires: tuple[str, ...] = ("document",)
    produces = "commemorations"

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        found = Sorted(all_dates(doc), key=lambda f: f.start)
        paragraphs = Breaks(text, r"\n\n")
        para_years: dict[int, int | None] = {}
        ref_year = doc.cache.get("ref_year")
        items: list[dict] = []
        roles: dict[int, str] = {}
        taken = SpanSet()

        def add(years, event, origin, date, s, e, rule, orig_f=None, ann_f=None):
            event = _clean_event(event)
            if not event or len(event.split()) > 25:
                return
            if orig_f is not None:
                roles[orig_f.start] = "origin"
            if ann_f is not None:
                roles[ann_f.start] = "anniversary"
            consistent = None
            if years is not None and origin and date:
                consistent = int(date[:4]) - int(origin[:4]) == years
            items.append(dict(years=years, event=event, origin_date=origin, date=date, consistent=consistent,
                              rule=rule, **doc.span(s, e)))
            taken.add(s, e)

        counts = _count_starts(text)
        # 1. count + event + (date - date)
        for m in scan(_COUNT, text, counts):
            r = _RANGE.match(text, m.end())
            if not r:
                continue
            n = int(m.group("n"))
            ds = _dates_in(found, r.start(), r.end())
            # "56 năm Chiến thắng Đồng Lộc và tưởng niệm 55 năm ngày hy sinh … (dates)":
            # two commemorations share the dates.
            ev = m.group("ev")
            pair = _TWO_COUNTS.search(ev)
            if len(ds) >= 2:
                origin, ann = ds[0], ds[-1]
                if pair:
                    add(n, ev[:pair.start()], origin.value, ann.value, m.start(), r.end(), "count_dates_pair")
                    n, ev = int(pair.group("n")), ev[pair.end():]
                add(n, ev, origin.value, ann.value, m.start(), r.end(), "count_dates", origin, ann)
            else:
                y = _YEAR_RANGE.search(r.group())
                # two bare years make an anniversary only when they agree with the count
                if not y or int(y.group("b")) - int(y.group("a")) != n or re.match(r"\s*\d", m.group("ev")):
                    continue
                add(n, m.group("ev"), y.group("a"), y.group("b"), m.start(), r.end(), "count_years")
            # the next event in a list shares the count
            nxt = _AND_NEXT.match(text, r.end())
            if nxt:
                ds2 = _dates_in(found, nxt.start("a"), nxt.end())
                if len(ds2) >= 2:
                    n2 = int(nxt.group("n")) if nxt.group("n") else n
                    add(n2, nxt.group("ev"), ds2[0].value, ds2[-1].value, nxt.start("ev"), nxt.end(), "listed", ds2[0], ds2[-1])
        # 1b. count + event + years without parentheses: "… Hồ Chí Minh 1969 - 2019"
        for m in scan(_COUNT_YEARS, text, counts):
            if not taken.free(m.start("n"), m.start("n") + 1):
                continue
            n = int(m.group("n"))
            if int(m.group("b")) - int(m.group("a")) != n:
                continue
            add(n, m.group("ev"), m.group("a"), m.group("b"), m.start("n"), m.end(), "count_years")
        # 2. kỷ niệm N năm EVENT (dates from the known day)
        for m in scan(_COUNT_CUED, text, _cue_starts(text, counts, _CUE_ENDS, nth=True)):
            if not taken.free(m.start("n"), m.start("n") + 1):
                continue
            n = int(m.group("n"))
            day = _known(m.group("ev"))
            if not day:
                continue
            dd, mm = (int(x) for x in day["day"].split("/"))
            ev_name = next(iter(_find_days(m.group("ev"))), None)
            ev = m.group("ev")[: ev_name.end()] if ev_name else m.group("ev")
            ev_end = m.start("ev") + len(ev)
            # the anniversary's year: a date printed right after the name, else
            # the latest year dated in the paragraph, else the document's year
            after = [f for f in found.between(ev_end, ev_end + 16) if f.value and f.day == dd and f.month == mm]
            year = after[0].year if after else (_paragraph_year(paragraphs, found, m.start(), para_years) or ref_year)
            date = f"{year:04d}-{mm:02d}-{dd:02d}" if year else None
            origin = f"{year - n:04d}-{mm:02d}-{dd:02d}" if year else None
            add(n, ev, origin, date, m.start("n"), m.end(), "count_known_day", None, after[0] if after else None)
        # 3. a known day without a count, with its day printed: "Ngày … 15/3"
        last_day_end = -100
        for m in _find_days(text):
            if not taken.free(m.start(), m.start() + 1):
                continue
            day = _known(text[m.start():m.end()])
            dd, mm = (int(x) for x in day["day"].split("/"))
            after = [f for f in found.between(m.end(), m.end() + 5) if f.day == dd and f.month == mm and f.value]
            date = after[0].value if after else None
            if not after:
                # a week of days printed as a range of its month: "Tuần lễ … (01 - 08/6)"
                after = [f for f in found.between(m.end(), m.end() + 12) if f.month == mm and f.value and re.fullmatch(
                    rf"\W*0?{dd}\s*[-–]\s*", text[m.end():f.start])]
                if not after:
                    continue
                date = f"{after[0].value[:8]}{dd:02d}"
            # marked: a cue before it, a campaign or propaganda around it, or the day listed
            # right after another marked day ("Ngày Môi trường thế giới (05/6), Ngày Đại dương …")
            if not (re.search(rf"{_CUE}|[Hh]ưởng\s+ứng|[Ll]ễ", text[max(0, m.start() - 60):m.start()])
                    or _CAMPAIGN.search(text, max(0, m.start() - 120), m.start())
                    or 0 <= m.start() - last_day_end <= 12):
                continue
            add(None, text[m.start():m.end()], None, date, m.start(), after[0].end, "known_day", None, after[0])
            last_day_end = after[0].end
            while last_day_end < len(text) and text[last_day_end] in ")":
                last_day_end += 1

        # 4. "Kỷ niệm 17 năm thành lập huyện": a marked anniversary with no dates
        for m in scan(_COUNT_BARE, text, _cue_starts(text, counts, _BARE_CUE_ENDS, nth=False)):
            if not taken.free(m.start("n"), m.start("n") + 1):
                continue
            ev = _clean_event(m.group("ev"))
            if len(ev.split()) < 2 or re.match(r"(?i)(?:thực\s+hiện|triển\s+khai|qua|trước|gần\s+đây)\b", ev):
                continue
            add(int(m.group("n")), ev, None, None, m.start("n"), m.end("ev"), "count_only")

        # One entry per commemoration: same count and origin (or event), first kept.
        # A repeat that names an event already found with the same count (or no
        # count) is that entry, even when only one of them printed the dates: it
        # lends the dates it has.
        kept: list[dict] = []
        seen: set = set()
        for it in sorted(items, key=lambda x: x["start"]):
            key = (it["years"], it["origin_date"] or collapse(it["event"]).casefold())
            if key in seen:
                continue
            same = next((k for k in kept if _same_event(k, it)), None)
            if same is not None:
                for f in ("years", "origin_date", "date"):
                    if same[f] is None and it[f] is not None:
                        same[f] = it[f]
                if same["years"] is not None and same["origin_date"] and same["date"]:
                    same["consistent"] = int(same["date"][:4]) - int(same["origin_date"][:4]) == same["years"]
                continue
            seen.add(key)
            kept.append(it)
        out = [Commemoration(**it) for it in kept]
        doc.results["commemorations"] = out
        doc.cache["commemoration_date_roles"] = roles
