"""Targets: numeric goals a document sets.

A quantity is a Vietnamese number (`42.500` = 42500, `8,44` = 8.44) with a unit
from `data/units.yaml`, perhaps a comparator before it (`ít nhất`, `trên`,
`dưới`, `không quá` …) or `trở lên` right after it, and a range's lower bound
(`từ 8,3 - 8,5%`). A quantity is a target when its paragraph sets goals
(`phấn đấu`, `mục tiêu`, `chỉ tiêu` …, or it sits under a MỤC TIÊU heading)
and its sentence does not report results (`so với cùng kỳ`, `đã đạt`, `quý I`);
reported results come out with status `actual`.

`tăng X% so với Y` after a level is that level's growth and baseline; a clause
that states only a growth rate is a target whose value is the rate. The year is
the one the clause names (`đến năm 2030`), else the plan's own year.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.text import collapse
from vanban.schemas.document import Doc
from vanban.schemas.models import Target

NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def parse_number(s: str) -> float:
    """Vietnamese numerals: `.` groups thousands, `,` is the decimal mark."""
    s = s.strip().replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "")
    return float(s.replace(",", "."))


@lru_cache(maxsize=1)
def _units() -> list[tuple[str, str]]:
    forms = [(f, u["unit"]) for u in load("units")["units"] for f in u["forms"]]
    return sorted(forms, key=lambda x: -len(x[0]))


@lru_cache(maxsize=1)
def _qty_rx() -> re.Pattern:
    alts = "|".join(re.escape(f) for f, _ in _units())
    return re.compile(
        rf"(?P<cmp>(?i:ít\s+nhất|tối\s+thiểu|không\s+dưới|không\s+thấp\s+hơn|trên|hơn|vượt|dưới|không\s+quá|tối\s+đa|"
        rf"không\s+vượt\s+quá|khoảng|từ))?\s*(?<![\d.,/])(?<!năm\s)(?P<num>{NUMBER})\s*(?:-\s*(?P<num2>{NUMBER})\s*)?"
        rf"(?P<unit>{alts})(?![\w])(?P<per>/năm)?(?P<up>\s*trở\s+lên)?")


_GOAL_OWN = re.compile(r"(?i:phấn\s+đấu|mục\s+tiêu|chỉ\s+tiêu)")


@lru_cache(maxsize=1)
def _dimensions() -> dict[str, str]:
    return {u["unit"]: u["dimension"] for u in load("units")["units"]}


def _dimension(unit: str) -> str:
    return _dimensions().get(unit, "count")


_NUMBER_START = re.compile(r"(?<![\d.,])\d")


@lru_cache(maxsize=1)
def _qty_core_rx() -> re.Pattern:
    alts = "|".join(re.escape(f) for f, _ in _units())
    return re.compile(rf"(?:{NUMBER})\s*(?:-\s*(?:{NUMBER})\s*)?(?:{alts})(?![\w])")


def _any_in(starts: list[int], a: int, b: int) -> bool:
    i = bisect_left(starts, a)
    return i < len(starts) and starts[i] < b


_CMP = {"ít nhất": ">=", "tối thiểu": ">=", "không dưới": ">=", "không thấp hơn": ">=", "trên": ">", "hơn": ">",
        "vượt": ">", "dưới": "<", "không quá": "<=", "tối đa": "<=", "không vượt quá": "<=", "từ": ">="}

_GOAL = re.compile(r"(?i:phấn\s+đấu|mục\s+tiêu|chỉ\s+tiêu|bảo\s+đảm|đảm\s+bảo|phải\s+đạt|cần\s+đạt|hướng\s+tới|"
                   r"đến\s+năm\s+\d{4}|dự\s+kiến\s+đạt|kế\s+hoạch\s+đề\s+ra|cam\s+kết)")
_GOAL_HEAD = re.compile(r"(?m)^(?:[IVX]+\.|\d+\.|[a-z]\))?\s*(?:MỤC\s+TIÊU|CHỈ\s+TIÊU|Mục\s+tiêu|Chỉ\s+tiêu)")
_HEAD = re.compile(r"(?m)^(?:[IVX]+\.\s|[A-ZĐ]\.\s)")
_REPORT = re.compile(r"(?i:so\s+với\s+cùng\s+kỳ|đã\s+đạt|đạt\s+được|ước\s+(?:đạt|thực\s+hiện|tính)|quý\s+[IV]+(?:/|\s+năm)|"
                     r"tháng\s+đầu\s+năm|\d+\s+tháng\s+năm|đến\s+nay|hiện\s+nay|cho\s+thấy|đã\s+hoàn\s+thành|đã\s+giải\s+ngân|"
                     r"năm\s+\d{4}\s+đạt|kết\s+quả|xếp\s+thứ|đứng\s+thứ|thực\s+hiện\s+được|chiếm|"
                     r"\bđã(?!\s+được\s+[^,;]{0,50}giao))")
# Money set aside, fees, durations, regulations: not goals.
_NOT_GOAL = re.compile(r"(?i:kinh\s+phí|dự\s+toán|ngân\s+sách\s+(?:trung\s+ương|tỉnh)\s+hỗ\s+trợ|hỗ\s+trợ\s+(?:vốn|kinh)|"
                       r"học\s+phí|mức\s+thu|mức\s+chi|định\s+mức|lượng\s+mưa|mưa|đề\s+nghị\s+(?:bố\s+trí|hỗ\s+trợ)|"
                       r"tổng\s+mức\s+đầu\s+tư|vốn\s+đầu\s+tư\s+công|phân\s+bổ)")
_BASELINE = re.compile(r"(?i:so\s+(?:với\s+)?(?:ước\s+thực\s+hiện|ước\s+đạt|thực\s+hiện)\s+năm\s+\d{4})")
_BASELINE_ANY = re.compile(r"(?i:so\s+(?:với\s+)?(?:cùng\s+kỳ\s+)?(?:ước\s+thực\s+hiện\s+|ước\s+đạt\s+|thực\s+hiện\s+)?năm\s+\d{4})")
_GROWTH = re.compile(rf"(?P<dir>tăng|giảm)\s+(?:bình\s+quân\s+)?(?:hàng\s+năm\s+|hằng\s+năm\s+)?(?:trên\s+|dưới\s+|khoảng\s+|từ\s+)?"
                     rf"(?P<num>{NUMBER})(?:\s*-\s*{NUMBER})?\s*%(?:/năm)?"
                     r"(?:\s+so\s+(?:với\s+)?(?P<base>[^,;.\n]{3,60}))?")
_LEAD_CUES = re.compile(r"^(?:[-+•*]\s*|\d+(?:\.\d+)*[.)]\s*|[a-zđ]\)\s*)*(?:cụ\s+thể\s*:?\s*|trong\s+đó\s*:?\s*)?(?:phấn\s+đấu\b\s*|mục\s+tiêu\b\s*|"
                        r"chỉ\s+tiêu\b\s*|đến\s+năm\s+\d{4},?\s*|năm\s+\d{4},?\s*|thực\s+hiện\b\s*|bảo\s+đảm\b\s*|"
                        r"đảm\s+bảo\b\s*|có\b\s*|đạt\b\s*|:\s*)*", re.I)
_TAIL_CUES = re.compile(r"\s*(?:phấn\s+đấu\s+)?(?:đạt|là|ở\s+mức|với|có)?\s*:?\s*$", re.I)
_YEAR_IN = re.compile(r"(?:đến|Đến|vào|trong)\s+năm\s+(?P<y>20\d\d)|(?:năm|Năm)\s+(?P<y2>20\d\d)")


def _clauses(text: str, start: int, end: int):
    """Clauses of a paragraph: split at ';' and sentence ends."""
    pos = start
    for m in re.finditer(r";|\.(?=\s+[A-ZĐÀ-Ỹ])|\n", text[start:end]):
        e = start + m.start()
        if e > pos:
            yield pos, e
        pos = start + m.end()
    if pos < end:
        yield pos, end


def _plan_year(doc: Doc) -> int | None:
    meta = doc.results["document"]
    if meta.title:
        m = re.search(r"(?:giai\s+đoạn|thời\s+kỳ)\s+\d{4}\s*-\s*(\d{4})", meta.title)
        if m:
            return int(m.group(1))
        m = re.search(r"năm\s+(20\d\d)", meta.title)
        if m:
            return int(m.group(1))
    return doc.cache.get("ref_year")


class TargetExtractor:
    name = "targets"
    requires: tuple[str, ...] = ("document",)
    produces = "targets"

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        plan_year = _plan_year(doc)
        goal_sections = self._goal_sections(text)
        out: list[Target] = []
        seen: set = set()
        # Where quantities and goal words are, found once over the whole text:
        # most clauses hold neither, and are then passed over cheaply.
        qty_starts = self._quantity_starts(text)
        if not qty_starts:
            doc.results["targets"] = out
            return
        goal_starts = [m.start() for m in _GOAL.finditer(text)]
        for pa, pb in self._paragraphs(text):
            in_goal_section = any(a <= pa < b for a, b in goal_sections)
            prev_goal = False
            for ca, cb in _clauses(text, pa, pb):
                clause = text[ca:cb]
                # A sentence sets goals when it says so, or continues a sentence
                # that did ("Phấn đấu … đạt 42.500 tỷ đồng. Tổng mức bán lẻ … đạt …").
                goal = _any_in(goal_starts, ca, cb)
                qtys = list(_qty_rx().finditer(clause)) if _any_in(qty_starts, ca, cb) else []
                if not qtys:
                    prev_goal = goal or (prev_goal and clause.rstrip().endswith(":"))
                    continue
                for_report = _BASELINE.sub("", clause)
                report = bool(_REPORT.search(for_report)) and not re.search(r"(?i:phấn\s+đấu|mục\s+tiêu)", clause)
                continues = prev_goal and (re.search(r"(?i:\bđạt\b|tăng|giảm|tối\s+thiểu|ít\s+nhất)", clause)
                                           or re.match(r"\s*(?:[-+•]\s*|\d+\.\s*)?\d+(?:,\d+)?\s*%", clause))
                is_goal = (goal or in_goal_section or continues) and not report
                prev_goal = is_goal or (goal and not report)
                if not is_goal and not report:
                    continue
                if re.match(r"\s*(?:Trong\s+ảnh|Ảnh)\s*:", clause):
                    continue
                status = "actual" if report else "target"
                # the year a goal is due, not its baseline's ("so với năm 2020")
                year = self._year(_BASELINE_ANY.sub("", clause)) or plan_year
                for t in self._targets_in(doc, ca, clause, qtys, status, year, in_goal_section or bool(continues)):
                    key = (collapse(t.indicator).casefold(), t.value, t.unit, t.year, t.status)
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(t)
        doc.results["targets"] = out

    @staticmethod
    def _quantity_starts(text: str) -> list[int]:
        """Where a number followed by a unit starts (tried only where a number starts)."""
        core = _qty_core_rx()
        out, end = [], -1
        for m in _NUMBER_START.finditer(text):
            if m.start() < end:
                continue
            q = core.match(text, m.start())
            if q:
                out.append(q.start())
                end = q.end()
        return out

    @staticmethod
    def _paragraphs(text: str):
        pos = 0
        for m in re.finditer(r"\n\s*\n", text):
            yield pos, m.start()
            pos = m.end()
        yield pos, len(text)

    @staticmethod
    def _goal_sections(text: str) -> list[tuple[int, int]]:
        out = []
        for m in _GOAL_HEAD.finditer(text):
            nxt = _HEAD.search(text, m.end())
            out.append((m.start(), nxt.start() if nxt else len(text)))
        return out

    @staticmethod
    def _year(clause: str) -> int | None:
        m = _YEAR_IN.search(clause)
        if not m:
            return None
        return int(m.group("y") or m.group("y2"))

    def _targets_in(self, doc: Doc, ca: int, clause: str, qtys: list[re.Match], clause_status: str,
                    year: int | None, inherited: bool):
        growth_spans = [(g.start(), g.end(), g) for g in _GROWTH.finditer(clause)]
        prev_end = 0
        is_report = doc.results["document"].doc_type == "report"
        for i, q in enumerate(qtys):
            status = clause_status
            # A goal word governs what follows it: in "Tỷ lệ … đạt 97,28% (chỉ tiêu
            # đề ra là tối thiểu 98%)" only the second figure is a goal.
            if status == "target" and not inherited and not _GOAL.search(clause[:q.start()]):
                if not is_report:
                    prev_end = q.end()
                    continue
                status = "actual"
            unit = dict(_units())[q.group("unit")]
            # A count (37 hộ, 02 dự án) is a goal only when its own clause says so:
            # conclusions and reports list counts of work to do or done.
            if _dimension(unit) == "count" and status == "target" and not (
                    _GOAL_OWN.search(clause[:q.start()]) or (q.group("cmp") and collapse(q.group("cmp")).lower() in _CMP)):
                prev_end = q.end()
                continue
            if _NOT_GOAL.search(clause[max(0, q.start() - 60):q.start()]):
                prev_end = q.end()
                continue
            g_here = next((g for a, b, g in growth_spans if a <= q.start("num") < b), None)
            if g_here is not None and i > 0 and not re.search(r"[;:]", clause[qtys[i - 1].end():q.start()]):
                # "… đạt 1.750 triệu USD, tăng 14,38% so với …": growth of the previous level
                prev_end = q.end()
                continue
            value = parse_number(q.group("num"))
            cmp_word = collapse(q.group("cmp") or "").lower()
            comparator = _CMP.get(cmp_word, "=") if cmp_word != "khoảng" else "="
            if q.group("num2") and cmp_word in ("", "từ"):
                comparator = ">="
            if q.group("up"):
                comparator = ">="
            if cmp_word == "từ" and not q.group("num2"):
                comparator = "="
            # "nằm trong nhóm 15 tỉnh, thành phố dẫn đầu": a rank ceiling
            if re.search(r"(?i:trong\s+(?:nhóm|top)|top)\s*$", clause[max(0, q.start() - 20):q.start()]):
                comparator = "<="
            # indicator: the words before the quantity, else (for "100% cán bộ …") the words after
            before = clause[prev_end:q.start()]
            # "…, cụ thể: Phấn đấu thực hiện giá trị sản xuất đạt": the indicator
            # follows the last colon and the last goal word
            if len(before.rsplit(":", 1)[-1].split()) >= 2:
                before = before.rsplit(":", 1)[-1]
            cue = list(re.finditer(r"(?i:phấn\s+đấu|mục\s+tiêu\s+là)\s+(?:thực\s+hiện\s+)?", before))
            if cue and len(before[cue[-1].end():].split()) >= 2:
                before = before[cue[-1].end():]
            before = re.sub(r"^[\s,;:.\-–]+", "", before)
            before = _LEAD_CUES.sub("", before)
            before = _TAIL_CUES.sub("", before)
            before = re.sub(r"\s+(?:tăng|giảm)(?:\s+bình\s+quân)?\s*$", "", before)
            indicator = collapse(before)
            ind_start, ind_end = ca + prev_end, ca + q.start()
            # "Trên 80% A và 100% B": the words before the second share ("A và")
            # belong to the first; this one's indicator follows it.
            if i > 0 and re.search(r"(?:\bvà|,)\s*$", clause[prev_end:q.start()]):
                indicator = ""
            if len(indicator.split()) < 2:
                after = clause[q.end():]
                nxt = qtys[i + 1].start() - q.end() if i + 1 < len(qtys) else len(after)
                after = after[:nxt]
                after = re.split(r"\s*(?:[;(]|,\s*(?:tăng|giảm|trong\s+đó)|\s-\s|\s+(?:tăng|giảm|so\s+với)\s)", after, maxsplit=1)[0]
                after = re.sub(r"\s*(?:\bvà|,)\s*$", "", after)
                indicator = collapse(after).strip(" .:")
                ind_start, ind_end = ca + q.end(), ca + q.end() + len(after)
            if not indicator or len(indicator) < 3:
                prev_end = q.end()
                continue
            growth, baseline = None, None
            g_after = next((g for a, b, g in growth_spans if q.end() <= a <= q.end() + 80
                            and re.fullmatch(r"\s*(?:\([^()]*\))?\s*,?\s*(?:tốc\s+độ\s+|với\s+mức\s+)?", clause[q.end():a])), None)
            if g_after is not None:
                growth = parse_number(g_after.group("num")) * (-1 if g_after.group("dir") == "giảm" else 1)
                baseline = collapse(g_after.group("base")) if g_after.group("base") else None
            if g_here is not None or (unit == "%" and re.search(r"(?i:tăng\s+trưởng|tăng(?:\s+bình\s+quân)?\s*(?:trên|dưới|khoảng)?\s*$)", clause[:q.start()])):
                sign = -1 if g_here is not None and g_here.group("dir") == "giảm" else 1
                growth = value * sign
                if g_here is not None and g_here.group("base"):
                    baseline = collapse(g_here.group("base"))
            lead = re.match(r"(?i)(?:tốc\s+độ\s+)?(tăng|giảm)\b", indicator)
            if growth is None and unit == "%" and lead:
                # "tăng bình quân hàng năm … đạt 10 - 13%/năm": a rate stated alone
                growth = value * (-1 if lead.group(1).lower() == "giảm" else 1)
            s = min(ind_start, ca + q.start())
            e = max(ind_end, ca + q.end())
            if g_after is not None:
                e = max(e, ca + g_after.end())
            yield Target(indicator=indicator, value=value, unit=unit, comparator=comparator, growth_pct=growth,
                         baseline=baseline, year=year, status=status, rule="quantity", **doc.span(s, e))
            prev_end = g_after.end() if g_after is not None else q.end()
