"""Targets: numeric goals a document sets, and the results it reports.

Every quantity (`extractors/quantities.py`) is judged by where it stands and by
its own words:

- where (`extractors/target_context.py`): under a MỤC TIÊU / CHỈ TIÊU heading, or
  in a list announced by "… đạt các mục tiêu, chỉ tiêu sau:", a figure is a goal;
  under KẾT QUẢ THỰC HIỆN / TÌNH HÌNH, and in a report, it is a result; in a
  Kinh phí or Tiêu chuẩn khen thưởng section it is neither;
- its own words (`data/target_cues.yaml`): `phấn đấu`, `mục tiêu`, `chỉ tiêu`,
  `đến năm 2030` set a goal; `so với cùng kỳ`, `ước đạt`, `đã đạt` report one; a
  goal quoted as the yardstick of a result ("chỉ tiêu đề ra là 98%"), money set
  aside, fees, scores are neither;
- its year: a figure due before the document was issued is the past.

Results come out with status `actual`. The indicator is the words before the
figure ("Kim ngạch xuất khẩu đạt 1.750 triệu USD"), or after it when the figure
leads ("100% cán bộ công chức …"). `tăng X% so với Y` after a level is that
level's growth and baseline; a figure after `tăng`/`giảm` alone is a rate
(`giảm 30% số vụ`: value 30, growth -30). The same goal restated (same value,
unit and year, a like indicator) is one entry. Tables are read row by row
(`extractors/target_tables.py`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from vanban.extractors.alternation import WordGate, lower_for_words
from vanban.extractors.data import load
from vanban.extractors.quantities import GROWTH_BEFORE, Quantity, find_quantities, number_lines, parse_number  # noqa: F401 (re-exported)
from vanban.extractors.target_context import Where, Zones
from vanban.extractors.text import collapse
from vanban.schemas.document import Doc
from vanban.schemas.models import Target

# ---- cue patterns (rule data) ------------------------------------------------------


@lru_cache(maxsize=None)
def _cue(name: str, strong_only: bool = False) -> WordGate | None:
    entries = load("target_cues")[name]
    if strong_only:
        entries = [e for e in entries if e.get("strong")]
    pats = [e["pattern"] for e in entries if "year" not in e]
    # (not run on a string without one of the words every match holds: alternation.py)
    return WordGate(re.compile("|".join(f"(?:{p})" for p in pats), re.I)) if pats else None


@lru_cache(maxsize=1)
def _year_goal_cues() -> list[re.Pattern]:
    return [re.compile(e["pattern"], re.I) for e in load("target_cues")["goal_words"] if e.get("year") == "future"]


_STRONG_GOAL = WordGate(re.compile(r"phấn\s+đấu|phần\s+đấu|mục\s+tiêu|chỉ\s+tiêu|cam\s+kết|quyết\s+tâm|"
                                   r"(?:phải|cần|dự\s+kiến)\s+(?:đạt|hoàn\s+thành)|phải\s+có", re.I))
# "so với (ước) thực hiện năm 2023": a baseline, not a report of the past
_BASELINE = WordGate(re.compile(r"(?i:so\s+(?:với\s+)?(?:cùng\s+kỳ\s+)?(?:ước\s+thực\s+hiện|ước\s+đạt|ước|thực\s+hiện|kết\s+quả)?"
                       r"\s*(?:năm\s+)?(?:19|20)\d\d|so\s+với\s+(?:năm|cuối\s+năm|đầu\s+năm)\s+(?:19|20)\d\d|"
                       r"từ\s+[\d.,]+\s*\S{0,12}\s*\(?(?:vào\s+|của\s+)?(?:cuối\s+)?năm\s+(?:19|20)\d\d\)?(?=\s+(?:lên|xuống)))"))
_YEAR_IN = re.compile(r"(?i:(?:đến|tới|trước|vào|trong|đến\s+hết|hết|cuối)\s+(?:năm\s+)?(?P<y>(?:19|20)\d\d)|"
                      r"năm\s+(?P<y2>(?:19|20)\d\d))")
_GROWTH_AFTER = re.compile(r"\s*(?:\([^()]{0,80}\))?\s*,?\s*(?:tốc\s+độ\s+|với\s+mức\s+|và\s+)?(?P<dir>tăng|giảm)")
_BASE_AFTER = re.compile(r"(?i:\s*(?:/năm)?\s+so\s+(?:với\s+)?(?P<base>[^,;.\n()]{3,60}))")
_LEAD_CUES = re.compile(r"^(?:[-+•*–]\s*|\d+(?:\.\d+)*[.)]\s*|\(\d+\)\s*|[a-zđ]\)\s*)*(?:cụ\s+thể\s*:?\s*|trong\s+đó\s*:?\s*|riêng\s+)?"
                        r"(?:phấn\s+đấu\b\s*|phần\s+đấu\b\s*|mục\s+tiêu\b\s*|chỉ\s+tiêu\b\s*|(?:đến|trong)\s+(?:hết\s+)?năm\s+\d{4},?\s*|"
                        r"năm\s+\d{4},?\s*|(?:h[ằà]ng|mỗi)\s+năm,?\s*|thực\s+hiện\b\s*|bảo\s+đảm\b\s*|đảm\s+bảo\b\s*|có\b\s*|"
                        r"đạt\b\s*|:\s*)*", re.I)
_TAIL_CUES = re.compile(r"\s*(?:phấn\s+đấu\s+)?(?:đạt|là|ở\s+mức|với|có|chiếm|bằng|lên|xuống|còn|xuống\s+còn|"
                        r"giảm\s+còn|tăng\s+lên|phấn\s+đấu|từ|thuộc|trong\s+nhóm|vào\s+nhóm|nằm\s+trong\s+nhóm|top)?\s*:?\s*$",
                        re.I)
_TAIL_TIME = re.compile(r"(?i)[\s,]+(?:(?:đến|tới|trong|vào)\s+(?:hết\s+)?năm\s+(?:19|20)\d\d|dự\s+kiến|phấn\s+đấu|sẽ)\s*$")
_SHARE_FIRST = re.compile(r"\s*(?:[-+•*–]\s*|\d+(?:\.\d+)*[.)]\s*|\(\d+\)\s*|[a-zđ]\)\s*)?(?:(?:đạt|có)\s+)?(?:trên|tối\s+thiểu|ít\s+nhất|khoảng|hơn)?\s*",
                          re.I)
_PLAN_TITLE = re.compile(r"(?i)^\s*(?:(?:về\s+việc\s+)?(?:ban\s+hành|phê\s+duyệt)\s+)?(?:kế\s+hoạch|chương\s+trình|đề\s+án|phương\s+án)\b")
_IND_CUE = re.compile(r"(?i:phấn\s+đấu|phần\s+đấu|mục\s+tiêu(?:\s+là)?|chỉ\s+tiêu(?:\s+là)?|quyết\s+tâm|cam\s+kết|"
                      r"bảo\s+đảm|đảm\s+bảo)\s*(?:thực\s+hiện\s+|đạt\s+(?:được\s+)?)?:?")
_AFTER_STOP = re.compile(r"\s*(?:[;(]|,\s*(?:tăng|giảm|trong\s+đó|tốc\s+độ|góp\s+phần|nhằm|để|đáp\s+ứng|bảo\s+đảm|đảm\s+bảo|"
                         r"phấn\s+đấu|hướng\s+tới|tạo|gắn\s+với|phù\s+hợp|từng\s+bước|riêng|trong\s+đó)|\s[-–]\s|"
                         r"\s+(?:tăng|giảm|so\s+với)\s|\s+và\s+(?:từng\s+bước|góp\s+phần|tiến\s+tới|các\b)|"
                         r"\s+(?:vào|trong|đến|tới)\s+(?:hết\s+)?năm\s+\d{4})", re.I)
_RATE_WORD = re.compile(r"(?i:tỷ\s+lệ|tỉ\s+lệ|chỉ\s+số|tốc\s+độ|tỷ\s+trọng|tỷ\s+suất|tỷ\s+số|mức|số\s+lượng|tăng|giảm)")
_CAPTION = re.compile(r"\s*(?:Trong\s+ảnh|Ảnh)\s*:")


def _blank(text: str, rx: re.Pattern | WordGate | None) -> str:
    """The text with every match of rx replaced by spaces (offsets kept)."""
    if rx is None:
        return text
    if isinstance(rx, WordGate):
        return rx.blank(text)
    return rx.sub(lambda m: " " * len(m.group(0)), text)


@lru_cache(maxsize=1)
def _not_goal_words() -> re.Pattern:
    return _cue("not_goal_words")


def _strong(s: str) -> bool:
    """A strong goal word (phấn đấu, mục tiêu, chỉ tiêu …) that is not part of a name."""
    return _STRONG_GOAL.test(_blank(s, _not_goal_words()))


@lru_cache(maxsize=1)
def _not_goal_rules() -> list[tuple[WordGate, frozenset | None]]:
    return [(WordGate(re.compile(e["pattern"], re.I)), frozenset(e["dimensions"]) if e.get("dimensions") else None)
            for e in load("target_cues")["not_goal"]]


def _sentences(text: str, a: int, b: int):
    """Sentences of a line: split at a full stop before a capital, digit or bullet."""
    pos = a
    for m in re.finditer(r"\.(?=\s+(?:[A-ZĐÀ-Ỹ\d]|[-+•]))", text[a:b]):
        e = a + m.start() + 1
        if e > pos:
            yield pos, e
        pos = a + m.end()
    if pos < b:
        yield pos, b


def _clauses(text: str, a: int, b: int):
    pos = a
    for m in re.finditer(r";", text[a:b]):
        e = a + m.start()
        if e > pos:
            yield pos, e
        pos = e + 1
    if pos < b:
        yield pos, b


def _plan_year(doc: Doc) -> int | None:
    meta = doc.results["document"]
    if meta.title:
        m = re.search(r"(?:giai\s+đoạn|thời\s+kỳ)\s+\d{4}\s*[-–]\s*(\d{4})", meta.title)
        if m:
            return int(m.group(1))
        m = re.search(r"(?:đến|năm)\s+(?:năm\s+)?((?:19|20)\d\d)", meta.title)
        if m:
            return int(m.group(1))
    return None


# old and new tone placement ("ma tuý" / "ma túy") are one spelling when words are compared
_OLD_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe", "oẻ": "ỏe",
              "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}
_OLD_TONE_RX = re.compile("|".join(_OLD_TONES))


def _words(s: str) -> Counter:
    return Counter(re.findall(r"\w+", _OLD_TONE_RX.sub(lambda m: _OLD_TONES[m.group(0)], s.casefold())))


def similar(a: str, b: str) -> float:
    """Token F1 between two phrases, 0..1 (how alike two indicators are)."""
    wa, wb = _words(a), _words(b)
    common = sum((wa & wb).values())
    if not common:
        return 0.0
    p, r = common / sum(wb.values()), common / sum(wa.values())
    return 2 * p * r / (p + r)


@dataclass
class Found:
    target: Target
    in_goal_zone: bool
    section: int = -1        # where the innermost section or announced list starts


class TargetExtractor:
    name = "targets"
    requires: tuple[str, ...] = ("document", "citations")
    produces = "targets"

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        meta = doc.results["document"]
        ref_year = doc.cache.get("ref_year")
        plan_year = _plan_year(doc)
        report_doc = meta.doc_type == "report" or (
            meta.doc_type not in ("plan", "program", "decision", "resolution", "directive")
            and bool(meta.title and _cue("report_titles").test(meta.title.strip())))
        zones = Zones(doc, default="result" if report_doc else None)
        # amounts inside a citation (its title) are not this document's figures
        cited = sorted((c.start, c.end) for c in doc.results.get("citations") or [] if c.end > c.start)
        found: list[Found] = []
        ctx = _Ctx(doc, zones, ref_year, plan_year, report_doc, cited)
        from vanban.extractors.target_tables import table_targets
        for f in table_targets(doc, ctx):
            found.append(f)
        tables = [(p.start, p.end) for p in doc.structure.find("table")] if doc.structure.parts else []
        for a, b, starts in number_lines(text):
            if any(s <= a < e for s, e in tables):
                continue
            qs = find_quantities(text, a, b, starts)
            if not qs:
                continue
            found.extend(ctx.line(a, b, qs))
        # in text order, so that a goal is kept where it is first set and a table
        # row restating it later (an appendix's Sản phẩm column) merges into it
        found.sort(key=lambda f: f.target.start)
        doc.results["targets"] = _merge(found)


class _Ctx:
    """The document-wide facts a figure is judged against, and the judging."""

    def __init__(self, doc: Doc, zones: Zones, ref_year, plan_year, report_doc: bool, cited):
        self.doc, self.zones, self.ref_year, self.plan_year = doc, zones, ref_year, plan_year
        self.report_doc, self.cited = report_doc, cited
        meta = doc.results["document"]
        self.plan_doc = meta.doc_type in ("plan", "program") or bool(meta.title and _PLAN_TITLE.match(meta.title))
        self.text = doc.text
        self.prev_goal = False            # the sentence before set goals ("Phấn đấu … Tổng mức … đạt …")
        self.goal_cell = False            # reading a table cell whose column holds expected outputs
        self._memo: dict[tuple[str, str], object] = {}

    # -- status ---------------------------------------------------------------------

    def year_of(self, clause: str, upto: int, where: Where, past: int | None = None) -> tuple[int | None, bool]:
        """(year the figure is due, whether the clause printed it); the figure is clause[upto:past]."""
        c = self._no_baseline(clause)
        before = list(_YEAR_IN.finditer(c, 0, upto))
        if before:
            m = before[-1]
            return int(m.group("y") or m.group("y2")), True
        past = upto if past is None else past
        after = _YEAR_IN.search(c, past)
        if after and not re.search(r"\d+(?:,\d+)?\s*%", c[past:after.start()]):
            return int(after.group("y") or after.group("y2")), True
        if _cue("recurring").test(c):
            return None, False
        return (where.year or self.plan_year or self.ref_year), False

    def line(self, a: int, b: int, qs: list[Quantity]) -> list[Found]:
        text = self.text
        out: list[Found] = []
        # "Phấn đấu … đạt 42.500 tỷ đồng. Tổng mức bán lẻ … đạt …": a goal sentence
        # governs the sentences after it in its own paragraph only
        self.prev_goal = False
        where_line = self.zones.at(a)
        if where_line.skip or _CAPTION.match(text[a:b]):
            return out
        for sa, sb in _sentences(text, a, b):
            sq = [q for q in qs if sa <= q.num_start < sb]
            sent = text[sa:sb]
            sent_goal = self._goal_words(sent)
            if not sq:
                self.prev_goal = bool(sent_goal) or (self.prev_goal and sent.rstrip().endswith(":"))
                continue
            n0 = len(out)
            for ca, cb in _clauses(text, sa, sb):
                cq = [q for q in sq if ca <= q.num_start < cb]
                if cq:
                    out.extend(self.clause(ca, cb, sa, cq))
            # a run of sentences under one "Phấn đấu …" goes on while each sets a goal
            went_on = self.prev_goal and any(f.target.status == "target" for f in out[n0:])
            self.prev_goal = (bool(sent_goal) or went_on) and not self._reports(sent, strong=True)
        return out

    def _goal_words(self, s: str) -> bool:
        # asked again for each figure of a clause: answered once per string
        memo = self._memo.get(("goal", s), self)
        if memo is not self:
            return memo
        self._memo[("goal", s)] = m = self._find_goal_words(s)
        return m

    def _find_goal_words(self, s: str) -> bool:
        s = _blank(s, _not_goal_words())
        if _cue("goal_words").test(s):
            return True
        for rx in _year_goal_cues():
            for y in rx.finditer(s):
                yr = int(y.group("year"))
                if self.ref_year is None or yr >= self.ref_year:
                    return True
        return False

    def _no_baseline(self, s: str) -> str:
        """`s` with its baselines ("so với năm 2023") blanked, once per string."""
        key = ("baseline", s)
        b = self._memo.get(key)
        if b is None:
            b = self._memo[key] = _blank(s, _BASELINE)
        return b

    def _reports(self, s: str, strong: bool) -> bool:
        key = ("strong" if strong else "report", s)
        memo = self._memo.get(key, self)
        if memo is not self:
            return memo
        b = self._no_baseline(s)
        self._memo[key] = m = _cue("report_words", strong_only=strong).test(b)
        return m

    def clause(self, ca: int, cb: int, sa: int, qs: list[Quantity]) -> list[Found]:
        text = self.text
        clause = text[ca:cb]
        lead = text[sa:ca]                  # the sentence before this clause
        out: list[Found] = []
        prev_end = 0
        for i, q in enumerate(qs):
            qa, qb = q.start - ca, q.end - ca
            # "100% các khu … có tối thiểu 1 trạm phát sóng 5G": the count qualifies the share's indicator
            if i > 0 and qs[i - 1].unit == "%" and q.unit != "%" and \
                    re.fullmatch(r"[^;:]*[^,;:\s]\s+(?:có|gồm|với|được\s+trang\s+bị)\s*", text[qs[i - 1].end:q.start]) and \
                    not re.search(r"\bvà\b", text[qs[i - 1].end:q.start]):
                prev_end = qb
                continue
            status = self._status(q, clause, lead, qa, qb)
            # "40 trường học (bao gồm 25 trường tiểu học …)": the parts of a goal are not goals
            if status == "target" and _breakdown(clause[:qa]):
                status = None
            if q.baseline_of:        # "từ 92% năm 2025 lên 95%": the next figure keeps the indicator before it
                continue
            if status is None or q.frequency:
                prev_end = qb
                continue
            where = self.zones.at(q.num_start)
            year, _printed = self.year_of(clause, qa, where, q.end - ca)
            t = self._target(q, clause, ca, qs, i, prev_end, status, year)
            if t is not None:
                target, prev_end = t
                out.append(Found(target, where.kind == "goal" or where.lead_in, where.section))
            else:
                prev_end = qb
        return out

    def _status(self, q: Quantity, clause: str, lead: str, qa: int, qb: int) -> str | None:
        """`target`, `actual`, or None (not a level: budget, rule, yardstick …)."""
        where = self.zones.at(q.num_start)
        if where.skip or any(s <= q.num_start < e for s, e in self.cited):
            return None
        if where.kind in ("budget", "criteria"):
            return None
        before = clause[:qa]
        near = before[-70:]
        near_low = lower_for_words(near)
        for rx, dims in _not_goal_rules():
            if (dims is None or q.dimension in dims) and rx.test(near, near_low):
                return None
        if _cue("rule_after").test(clause[qb:qb + 80]) or _cue("rule_before").test(before):
            return None
        # a goal quoted as the yardstick of a result: "(chỉ tiêu đề ra là tối thiểu 98%)", "bằng 105% kế hoạch"
        ys = _cue("yardsticks")
        if ys.test(before[-60:]):
            return None
        governed = _cue("goal_verbs").test(before[-80:])
        # "đạt 106%KH", "bằng 105% kế hoạch": a result measured against the plan
        if not governed and re.search(r"(?i)(?:đạt|bằng|vượt)\s*$", before) and \
                re.match(r"(?i)\s*(?:so\s+với\s+)?(?:kế\s+hoạch|chỉ\s+tiêu|KH\b)", clause[qb:]) and \
                not _strong(lead + before):
            return "actual"
        # "… các mục tiêu năm 2019. Cụ thể, hoàn thành 61 thủ tục …": the goals just named
        goes_on = self.prev_goal and _cue("goal_continuations").test(lead + before)
        own_goal = self._goal_words(lead + before) or goes_on
        # "… hoặc hộ đã có tài khoản": a relative clause after the figure is not its tense
        told = clause[:qb] + _blank(clause[qb:], _cue("relative_clauses"))
        strong_report = self._reports(told, strong=True)
        weak_report = self._reports(told, strong=False)
        # a report's lists of chỉ tiêu hold results; its goals say so in their own words
        where_goal = (where.kind == "goal" or where.lead_in or self.goal_cell) and not self.report_doc
        year, printed = self.year_of(clause, qa, where, qb)
        past = year is not None and self.ref_year is not None and year < self.ref_year
        if printed and past:
            return "actual"
        # "… phấn đấu đạt 100% kế hoạch": a goal verb on the figure itself
        if governed and not past:
            return "target"
        if where_goal:
            if strong_report and not _strong(lead + before):
                return "actual"
            if past and not self.report_doc:
                return "actual"
            if past:
                return None
            return "target"
        if where.kind in ("result", "goal") or where.lead_in or (where.appendix and self.report_doc):
            if own_goal and _strong(lead + before) and not strong_report and not past:
                return "target"
            return "actual"
        # a section that does not say: the figure's own words decide
        if strong_report or (weak_report and not own_goal):
            return "actual"
        if past:
            return None
        continues = self.prev_goal and re.search(r"(?i:\bđạt\b|tăng|giảm|tối\s+thiểu|ít\s+nhất)", clause)
        # a plan's statement that opens with a share: "100% các lớp đăng kí tham gia hội thi"
        share_first = self.plan_doc and q.unit == "%" and _SHARE_FIRST.fullmatch(lead + before)
        # a plan's minimum is a commitment: "Lựa chọn ít nhất 01 doanh nghiệp …" (a quota or
        # an award rule stands in a criteria section or says so: `not_goal`, `rule_before`)
        minimum = self.plan_doc and q.cmp_word in ("ít nhất", "tối thiểu", "ít nhất là", "tối thiểu là")
        if not (own_goal or continues or share_first or minimum):
            return None
        if where.appendix and not _strong(lead + before) and not q.cmp_word and not share_first:
            return None
        # a count or an amount of money is a goal only when its own clause says so
        # (conclusions and task lists count work to do: "rà soát 114 hồ sơ")
        if q.dimension in ("count", "money_vnd", "money_usd") and not (
                _strong(lead + before) or goes_on or (q.comparator != "=" and q.cmp_word != "từ") or
                re.search(r"(?i)\bđạt\b", before[-40:])):
            return None
        return "target"

    # -- the item --------------------------------------------------------------------

    def _target(self, q: Quantity, clause: str, ca: int, qs: list[Quantity], i: int, prev_end: int,
                status: str, year: int | None) -> tuple[Target, int] | None:
        qa, qb = q.start - ca, q.end - ca
        # "… đạt 1.750 triệu USD, tăng 14,38% so với …": the growth of the level before it
        if q.growth and i > 0 and q.unit == "%" and not re.search(r"[;:]", clause[qs[i - 1].end - ca:qa]) \
                and qs[i - 1].unit != "%" and _growth_link(clause, qs[i - 1].end - ca, q.num_start - ca):
            return None
        indicator, ind_a, ind_b = self._indicator(clause, ca, qs, i, prev_end, qa, qb)
        if not indicator or len(indicator) < 3:
            return None
        comparator = q.comparator
        unit = q.unit
        rank = _cue("rank_words").search(clause[max(0, qa - 40):qa] + " ")
        if rank and rank.end() >= len(clause[max(0, qa - 40):qa]) - 1:
            comparator = "<="
            # "Đồng Tháp trở thành địa phương thuộc top 03 …": the unit is what is ranked
            m = re.search(r"(\w+(?:\s+\w+)?)\s+(?:thuộc|nằm\s+trong|trong|vào)\s+(?:nhóm|top|tốp)\s*$",
                          clause[:qa].rstrip(), re.I)
            if m:
                from vanban.extractors.quantities import _unit_of_form
                for n in (m.group(1), m.group(1).split()[-1]):
                    u = _unit_of_form().get(n.casefold())
                    if u and u[1] in ("count", "rank"):
                        unit = n.lower()
                        break
        value = q.value
        growth, baseline = None, None
        end = qb
        g = _GROWTH_AFTER.match(clause, qb)
        nxt = qs[i + 1] if i + 1 < len(qs) else None
        if q.unit != "%" and g and nxt is not None and nxt.unit == "%" and nxt.growth and \
                _growth_link(clause, qb, nxt.num_start - ca):
            growth = nxt.value * (1 if g.group("dir").lower() == "tăng" else -1)
            b = _BASE_AFTER.match(clause, nxt.end - ca)
            if b:
                baseline = collapse(b.group("base"))
                end = b.end()
            else:
                end = nxt.end - ca
        if q.unit == "%" and (q.growth or re.search(r"(?i:tăng\s+trưởng|tốc\s+độ\s+tăng)\s*(?:\w+\s+){0,6}$", clause[:qa])):
            growth = value * (q.growth or 1)
            # "giảm 30% số vụ tai nạn so với năm 2025": the baseline may follow the indicator
            stop = (nxt.start - ca) if nxt is not None else len(clause)
            b = _BASE_AFTER.search(clause, qb, stop)
            if b:
                baseline = collapse(b.group("base"))
        lead_word = re.match(r"(?i)(?:tốc\s+độ\s+)?(tăng|giảm)\b", indicator)
        if growth is None and q.unit == "%" and lead_word:
            growth = value * (-1 if lead_word.group(1).lower() == "giảm" else 1)
        s = ca + min(ind_a, qa)
        e = ca + max(ind_b, end)
        t = Target(indicator=indicator, value=value, unit=unit, comparator=comparator, growth_pct=growth,
                   baseline=baseline, year=year, status=status, rule="quantity", **self.doc.span(s, e))
        return t, max(qb, end if growth is not None and end > qb else qb)

    def _indicator(self, clause: str, ca: int, qs: list[Quantity], i: int, prev_end: int, qa: int, qb: int):
        """What is measured: the words before the figure, else those after it."""
        seg_a, seg_b = prev_end, qa
        before = clause[seg_a:seg_b]
        # "…, cụ thể: Phấn đấu thực hiện giá trị sản xuất đạt": after the last colon
        if ":" in before and len(before.rsplit(":", 1)[-1].split()) >= 2:
            seg_a += before.rindex(":") + 1
        # "…, đạt được mục tiêu tăng trưởng kinh tế 8%": after the last goal word;
        # "kim ngạch xuất khẩu năm 2021 phấn đấu đạt 1.218 triệu USD", "Tổng sản lượng
        # phấn đấu đến năm 2030 đạt 18.000 tấn": before it (what follows is only cue words)
        cue = list(_IND_CUE.finditer(_blank(clause[seg_a:seg_b], _not_goal_words())))
        if cue:
            c = cue[-1]
            if len(self._clean(clause[seg_a + c.end():seg_b]).split()) >= 2:
                seg_a += c.end()
            else:
                seg_b = seg_a + c.start()
        indicator = self._clean(clause[seg_a:seg_b])
        ind_a, ind_b = seg_a, seg_b
        # "Trên 80% A và 100% B": the words before the second share ("A và") belong to the first
        if i > 0 and re.search(r"(?:\bvà|,|;)\s*$", clause[prev_end:qa]):
            indicator = ""
        # "đạt mục tiêu ít nhất 50% xã, phường …": a share that leads its indicator
        share_leads = qs[i].unit == "%" and not _RATE_WORD.search(clause[ind_a:ind_b]) and \
            re.match(r"\s*(?:số\s+|các\s+)?[^\W\d]", clause[qb:]) and \
            not re.match(r"(?i)\s*(?:so\s+với|trở\s+(?:lên|xuống)|trong|vào|năm|đến|tới|trên\s+tổng|kế\s+hoạch|KH\b)", clause[qb:])
        # "Toàn tỉnh có ít nhất 20 bộ dữ liệu mở …": what the subject has is what is counted
        counted = qs[i].dimension == "count" and not qs[i].unit.startswith("/")
        has = counted and re.search(r"(?i)\bcó\s*$", clause[seg_a:seg_b])
        if len(indicator.split()) < 3 or share_leads or has:
            stop = (qs[i + 1].start - ca) if i + 1 < len(qs) else len(clause)
            after = clause[qb:max(qb, stop)]
            after = _AFTER_STOP.split(after, maxsplit=1)[0]
            after = re.sub(r"\s*(?:\bvà|,|\bvới)\s*$", "", after)
            after_ind = collapse(after).strip(" .:")
            told = bool(after_ind)      # words after the figure say what it counts
            if counted:         # the counting noun heads what it counts ("thủ tục hành chính được …")
                after_ind = collapse(qs[i].unit + " " + after_ind).strip(" .:")
            if (len(after_ind.split()) >= 2 or not indicator) and (told or not has or len(indicator.split()) < 3):
                # "Kinh tế số chiếm 45% GRDP": X's share of Y is "X chiếm Y"
                share_of = share_leads and indicator and re.search(r"(?i)\bchiếm\s*$", clause[seg_a:qa])
                if share_of:
                    indicator = f"{indicator} chiếm {after_ind}"
                    ind_b = qb + len(after)
                else:
                    indicator = after_ind
                    ind_a, ind_b = qb, qb + len(after)
        indicator = re.sub(r"^(?:là|đạt|có)\s+", "", indicator)
        # "Đạt 35 giường bệnh/vạn dân": a rate that names what it counts is its own indicator
        if len(indicator) < 3 and "/" in qs[i].unit and not qs[i].unit.startswith("/"):
            indicator, ind_a, ind_b = qs[i].unit, qa, qb
        return indicator, ind_a, ind_b

    @staticmethod
    def _clean(s: str) -> str:
        s = re.sub(r"^[\s,;:.\-–]+", "", s)
        s = re.sub(r"(?i)\s+từ\s+\d[^;:]*?\s(?:lên|xuống)(?:\s+còn)?(?:\s+mức)?\s*$", "", s)
        s = _LEAD_CUES.sub("", s)
        s = _TAIL_CUES.sub("", s)
        # "tổng giá trị xuất khẩu đến năm 2030 dự kiến (đạt)": the due year and the
        # goal word are not what is measured
        while True:
            t = _TAIL_TIME.sub("", s)
            if t == s:
                break
            s = _TAIL_CUES.sub("", t)
        s = re.sub(r"\s+(?:tăng|giảm)(?:\s+(?:bình\s+quân|thêm))?\s*$", "", s)
        return collapse(s).strip(" ,;:")


def _breakdown(before: str) -> bool:
    """Whether the figure after `before` stands in a parenthesis that lists the parts of a figure before it."""
    if not _cue("breakdowns").test(before[-200:]):
        return False
    return bool(re.search(r"\d", before[:before.rfind("(")]))


def _growth_link(clause: str, level_end: int, rate_at: int) -> bool:
    """Whether the rate whose number starts at `rate_at` is the growth of the level
    ending at `level_end`: "đạt 400 triệu USD, tăng 14%", "…, tăng bình quân hằng
    năm trong giai đoạn này đạt 10 - 13%/năm" (its growth words start right after)."""
    g = _GROWTH_AFTER.match(clause, level_end)
    if g is None:
        return False
    return g.end() >= rate_at - 25 or GROWTH_BEFORE.match(clause, g.start("dir"), rate_at) is not None


def _merge(found: list[Found]) -> list[Target]:
    """One entry per goal. A restatement has the same value, unit, year and
    status and a like indicator: two items of one goal list are two goals unless
    worded the same; goal sections restating each other share half their words;
    a goal met again outside them (tasks, roadmap, appendix) needs half the
    shorter indicator's words, as does a specific figure met twice in running text
    (a round 100% there needs three quarters of like words)."""
    out: list[Found] = []
    for f in found:
        t = f.target
        dup = False
        for o in out:
            u = o.target
            if (u.value, u.unit, u.year, u.status) != (t.value, t.unit, t.year, t.status):
                continue
            if f.in_goal_zone and o.in_goal_zone and f.section == o.section:
                dup = similar(u.indicator, t.indicator) >= 0.95      # two items of one list are two goals
            elif f.in_goal_zone and o.in_goal_zone:
                dup = similar(u.indicator, t.indicator) >= 0.5
            elif f.in_goal_zone or o.in_goal_zone:
                dup = overlap(u.indicator, t.indicator) >= 0.5
            elif t.value == 100 and t.unit == "%":
                # "100%" recurs across many goals of running text: the same words again
                dup = similar(u.indicator, t.indicator) >= 0.75
            else:                       # a specific figure met again with like words
                dup = overlap(u.indicator, t.indicator) >= 0.5
            if dup:
                if f.in_goal_zone and not o.in_goal_zone:     # the entry now stands for a listed goal
                    o.in_goal_zone, o.section = True, f.section
                break
        if not dup:
            out.append(f)
    return [f.target for f in out]


def overlap(a: str, b: str) -> float:
    """Share of the shorter phrase's words found in the other."""
    wa, wb = _words(a), _words(b)
    n = min(sum(wa.values()), sum(wb.values()))
    return sum((wa & wb).values()) / n if n else 0.0
