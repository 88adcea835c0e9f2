"""Quantities as plans write them: a number, a unit, perhaps a comparator.

A quantity is a Vietnamese number (`42.500` = 42500, `8,44` = 8.44), a range's
lower bound (`từ 8,3 - 8,5%`, `10 đến 15%`), then a unit from `data/units.yaml`:

- a measure (`tỷ đồng`, `MW`, `%`, `‰`) or a counting noun (`20 mô hình`,
  `02 vùng`, `3.000 lượt`), the noun being the unit as printed;
- a rate, counted per something (`data/units.yaml: rate_bases`): `dưới 20/100.000
  dân`, `12 ca/1.000 trẻ đẻ sống`, `109 trẻ trai/100 trẻ gái`, `2,1 con/phụ nữ`,
  `80 triệu đồng/người/năm`; `%/năm` stays `%`;
- a multiple (`còn 1,1 lần`); a frequency (`01 lần/năm`) is marked, it is a
  rule of work, not a level.

A comparator word may stand before the number (`data/target_cues.yaml:
comparators`), `trở lên` / `trở xuống` after the unit. `tăng` or `giảm` right
before the number marks a growth rate (`giảm 30% số vụ`: growth -30).
Fractions and ratios (`2/3 số xã`, `12/12 xã`), years, ages and durations are
not quantities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vanban.extractors.alternation import phrase_alternation
from vanban.extractors.data import load

_W = r"[a-zđàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]+"
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
NUMBER_TAIL = r"\d{0,2}(?:\.\d{3})+(?:,\d+)?|\d*(?:,\d+)?"          # NUMBER after its first digit


def parse_number(s: str) -> float:
    """Vietnamese numerals: `.` groups thousands, `,` is the decimal mark."""
    s = s.strip().replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "")
    return float(s.replace(",", "."))


@dataclass
class Quantity:
    start: int            # the comparator's start when there is one, else the number's
    end: int              # end of the unit (and of `trở lên`)
    num_start: int
    value: float
    unit: str
    dimension: str
    comparator: str       # >=, >, <, <=, =
    cmp_word: str         # the comparator as printed, lower case ("" when none)
    growth: int = 0       # +1 after `tăng`, -1 after `giảm` (the number is a rate of change)
    frequency: bool = False   # `01 lần/năm`, `02 tuần/lần`
    upper: float | None = None  # a range's upper bound
    baseline_of: bool = False   # `từ 80% … lên 90%`: this one is where the change starts


@lru_cache(maxsize=1)
def unit_forms() -> list[tuple[str, str, str]]:
    """(form, unit, dimension), longest form first."""
    out = [(f, u["unit"], u["dimension"]) for u in load("units")["units"] for f in u["forms"]]
    return sorted(out, key=lambda x: -len(x[0]))


@lru_cache(maxsize=1)
def _unit_of_form() -> dict[str, tuple[str, str]]:
    return {f.casefold(): (u, d) for f, u, d in unit_forms()}


@lru_cache(maxsize=1)
def _bases() -> list[str]:
    bases = {b["base"] for b in load("units")["rate_bases"]}
    return sorted(bases, key=len, reverse=True)


@lru_cache(maxsize=1)
def _rate_words() -> frozenset:
    return frozenset([*_bases(), "năm", "tháng", "quý", "tuần", "ngày", "lần", "người", "hộ", "ha"])


def _alts(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


@lru_cache(maxsize=1)
def _comparators() -> list[tuple[re.Pattern, str, re.Pattern | None]]:
    out = []
    for c in load("target_cues")["comparators"]:
        unless = re.compile(c["unless_after"], re.I) if c.get("unless_after") else None
        out.append((re.compile(rf"(?i:(?<!\w)(?:{c['pattern']}))\s*$"), c["comparator"], unless))
    return out


@lru_cache(maxsize=1)
def _rx() -> dict[str, re.Pattern]:
    # tries (alternation.py): the same longest-first choice, one branch tried per letter;
    # the pattern is case-blind, so forms are merged in lower case
    units = phrase_alternation(f.lower() for f, _, _ in unit_forms())
    bases = phrase_alternation(b.lower() for b in _bases())
    per = rf"\s*/\s*(?:(?:{NUMBER})\s*|vạn\s+)?(?:{bases}|{units}|quý|tháng|tuần)(?!\w)"
    return {
        # the number, a range's second bound, then the unit
        "qty": re.compile(
            rf"(?P<num>{NUMBER})(?:\s*(?:-|–|đến|tới)\s*(?P<num2>{NUMBER}))?\s*"
            rf"(?:(?P<unit>{units})(?!\w)(?P<per>(?:{per})*)"
            rf"|(?P<head>{_W}(?:\s{_W})?)?\s*/\s*(?P<den>{NUMBER}|vạn)\s*(?P<base>{bases})(?!\w))"
            rf"(?P<up>\s*trở\s+(?:lên|xuống))?", re.I),
        # (the look-behind after the first digit: the engine skips to digits)
        "start": re.compile(rf"\d(?<![\w.,/\-+]\d)(?:{NUMBER_TAIL})(?![\w])"),
    }


_ALTERNATIVES = re.compile(rf"(?:\s*/\s*{_W}(?:\s{_W})?){{1,3}}(?!\w)")
# Words after which a number is not an amount: document numbers, articles, years, dates.
_NOT_AMOUNT_BEFORE = re.compile(r"(?i:(?:số|điều|khoản|điểm|mục|năm|ngày|tháng|quý|lần\s+thứ|thứ|khóa|khoá|"
                                r"nhiệm\s+kỳ|giai\s+đoạn|phụ\s+lục|chương|phần|tuổi|km)\s*$)")
# "tăng bình quân hằng năm trong giai đoạn 2026 - 2030 đạt 10 - 13%/năm": the rate's words
GROWTH_BEFORE = re.compile(r"(?i:(?P<dir>tăng|giảm)(?:\s+(?:bình\s+quân|thêm|ít\s+nhất|tối\s+thiểu|trên|dưới|khoảng|từ|"
                           r"hằng\s+năm|hàng\s+năm|mỗi\s+năm|tối\s+đa|hơn|đạt|ở\s+mức|"
                           r"(?:trong\s+)?(?:cả\s+)?(?:giai\s+đoạn|thời\s+kỳ)(?:\s+này|\s+(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)?))*\s*$)")
GROWTH_WINDOW = 90        # how far before a number its growth words are looked for
_TO_LEVEL_AFTER = re.compile(r"(?i:^\s*(?:[^;:]{0,50}?)\s(?:lên|xuống|còn)\s+(?:mức\s+)?(?:đạt\s+)?"
                             r"(?:trên\s+|dưới\s+|khoảng\s+|tối\s+thiểu\s+|ít\s+nhất\s+)?\d)")


# "tốc độ tăng bình quân 05" / "- 06%/năm": a range whose second bound the line break
# pushed to the next line (a bare number ends the line, "- N%" opens the next)
_BROKEN_RANGE = re.compile(rf"[^\S\n]*\n[^\S\n]*[-–][^\S\n]*(?:{NUMBER})[^\S\n]*%")


def number_lines(text: str) -> list[tuple[int, int, list[int]]]:
    """The lines (start, end) that hold a number where a quantity could start,
    with those numbers' starts, in order: one scan of the text, so the other
    lines cost nothing (a number never spans a line, so the scan finds in each
    line what a scan of the line alone would). A range broken over two lines
    (`_BROKEN_RANGE`) makes them one."""
    out: list[tuple[int, int, list[int]]] = []
    last = -1
    for m in _rx()["start"].finditer(text):
        s = m.start()
        if s < last:
            out[-1][2].append(s)
            continue
        a = text.rfind("\n", 0, s) + 1
        b = text.find("\n", s)
        b = len(text) if b < 0 else b
        while b < len(text) and _broken_range_at(text, b):
            b = text.find("\n", b + 1)
            b = len(text) if b < 0 else b
        last = b
        out.append((a, b, [s]))
    return out


def _broken_range_at(text: str, b: int) -> bool:
    """Whether the line ending at `b` ends a range's first bound continued on the next line."""
    e = len(text[:b].rstrip())
    if e == 0 or not text[e - 1].isdigit():
        return False
    # the first bound of a rate range: a small bare number, not a year or a numbered thing
    m = re.search(r"(?:^|\s)\d{1,3}(?:,\d+)?$", text[max(0, e - 20):e])
    return m is not None and _BROKEN_RANGE.match(text, e) is not None and \
        not _NOT_AMOUNT_BEFORE.search(text[max(0, e - 60):e - len(m.group(0).strip())])


def find_quantities(text: str, start: int = 0, end: int | None = None,
                    starts: list[int] | None = None) -> list[Quantity]:
    """Every quantity in text[start:end], in order. `starts`: where the numbers
    in that span start, when a scan has found them (`number_lines`)."""
    end = len(text) if end is None else end
    rx = _rx()
    out: list[Quantity] = []
    pos = start
    if starts is None:
        starts = [m.start() for m in rx["start"].finditer(text, start, end)]
    for s in starts:
        if s < pos:
            continue
        q = rx["qty"].match(text, s, end)
        if not q:
            continue
        wide = text[max(start, s - GROWTH_WINDOW):s]
        before = wide[-40:]
        if _NOT_AMOUNT_BEFORE.search(before):
            continue
        # "12/12 xã", "2/3 số xã": a ratio or fraction, unless it is a rate ("20/100.000 dân")
        if not q.group("base") and re.match(r"\s*/\s*\d", text[q.end("num"):q.end("num") + 4]) and not q.group("num2"):
            continue
        quantity = _quantity(text, q, wide)
        if quantity is None:
            continue
        out.append(quantity)
        pos = q.end()
    _mark_baselines(text, out)
    return out


def _quantity(text: str, q: re.Match, before: str) -> Quantity | None:
    value = parse_number(q.group("num"))
    if q.group("base"):
        # "dưới 20/100.000 dân", "109 trẻ trai/100 trẻ gái", "35 giường bệnh/vạn dân"
        head = " ".join((q.group("head") or "").split())
        unit = head + "/" + re.sub(r"\s+", "", q.group("den")) + " " + " ".join(q.group("base").split())
        dim = "rate"
    else:
        form = " ".join(q.group("unit").split())
        unit, dim = _unit_of_form()[form.casefold()]
        if dim == "count":
            # "01 sáng kiến/mô hình/giải pháp": a count of any of several things
            alt = _ALTERNATIVES.match(text, q.end("unit"))
            if alt and alt.end() >= q.end("per") and not re.search(r"\d", q.group("per") or "") and \
                    not any(w.strip() in _rate_words() for w in alt.group(0).split("/")):
                unit += " ".join(alt.group(0).split()).replace(" /", "/").replace("/ ", "/")
                return _finish(text, q, before, value, unit, "count", alt.end())
        per = " ".join((q.group("per") or "").split()).replace(" /", "/").replace("/ ", "/")
        if per:
            if dim == "multiple" or re.search(r"(?i)lần", per):
                return Quantity(q.start(), q.end(), q.start("num"), value, unit + per, "frequency", "=", "",
                                frequency=True)
            if dim == "percent" and re.fullmatch(r"(?i)/(?:năm|tháng|quý)", per):
                per = ""
            if per:
                unit, dim = unit + per, "rate"
    return _finish(text, q, before, value, unit, dim, q.end())


def _finish(text: str, q: re.Match, wide: str, value: float, unit: str, dim: str, end: int) -> Quantity:
    """`wide`: the text before the number, GROWTH_WINDOW long (a comparator is in its last 40)."""
    cmp_word, comparator, cstart = "", "=", q.start()
    before = wide[-40:]
    for rx, c, unless in _comparators():
        m = rx.search(before)
        if m:
            cmp_word = " ".join(m.group(0).split()).lower()
            comparator = "=" if unless is not None and unless.match(text, end) else c
            cstart = q.start() - (len(before) - m.start())
            break
    upper = parse_number(q.group("num2")) if q.group("num2") else None
    if upper is not None and comparator == "=":
        comparator = ">="               # "từ 8,3 - 8,5%": at least the lower bound
    up = (q.group("up") or "").lower()
    if "lên" in up:
        comparator = ">="
    elif "xuống" in up:
        comparator = "<="
    g = GROWTH_BEFORE.search(wide)
    growth = (1 if g.group("dir").lower() == "tăng" else -1) if g else 0
    return Quantity(cstart, max(end, q.end()), q.start("num"), value, unit, dim, comparator, cmp_word, growth=growth,
                    upper=upper)


def _mark_baselines(text: str, qs: list[Quantity]) -> None:
    """`từ 80% năm 2024 lên 90%`, `giảm từ 5% xuống còn 3%`: the first is where the change starts."""
    for a, b in zip(qs, qs[1:]):
        if a.cmp_word == "từ" and a.upper is None and _TO_LEVEL_AFTER.match(text[a.end:b.num_start + 1]):
            a.baseline_of = True
