"""Dates: every calendar date mentioned, with its role.

Finding is `datefind`'s grammar; this component gives each mention a year when
it has none, and a role from where it sits (inside a citation, on the
place–date line, in a commemoration) or from the words before it.
"""
from __future__ import annotations

import re

from vanban.extractors.datefind import FoundDate, find_dates, infer_years
from vanban.extractors.spans import contained_in_any
from vanban.schemas.document import Doc
from vanban.schemas.models import DateMention

_START = re.compile(r"(?:từ|Từ|kể\s+từ|bắt\s+đầu(?:\s+từ)?|hiệu\s+lực(?:\s+thi\s+hành)?(?:\s+kể)?\s+từ)\s+(?:ngày\s+)?$")
_END = re.compile(r"(?:đến|Đến|tới|đến\s+hết|cho\s+đến|hết)\s+(?:ngày\s+)?$")
_DEADLINE = re.compile(r"(?:trước|Trước|chậm\s+nhất|hạn\s+chót|thời\s+hạn|xong\s+trong|[hH]oàn\s+thành\s+trong|[hH]oàn\s+thành|"
                       r"hạn|trước\s+thời\s+hạn)[^.;\n]{0,12}?(?:ngày|trong)?\s*$")
# a start printed earlier in the clause (`từ ngày 01/01 đến ngày 30/6 hằng năm`,
# `vào tháng 11 đến ngày 15 tháng 12 hằng năm`)
_START_IN_CLAUSE = re.compile(r"(?<!\w)(?:[Tt]ừ|ngày|tháng)\s+(?:ngày\s+|tháng\s+)?\d[^.;\n]*$")
_EVENT_WORDS = re.compile(r"(?:sáng|chiều|tối|trưa|Sáng|Chiều|Tối|Trưa|Ngày)\s*$")


def all_dates(doc: Doc) -> list[FoundDate]:
    """Every date span in the text, found once per document."""
    if "found_dates" not in doc.cache:
        found = find_dates(doc.text)
        infer_years(doc.text, found, doc.cache.get("ref_year"))
        doc.cache["found_dates"] = found
    return doc.cache["found_dates"]


class DateExtractor:
    name = "dates"
    requires: tuple[str, ...] = ("document", "citations", "commemorations")
    produces = "dates"

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        issue_line = doc.cache.get("issue_line")
        pub = doc.cache.get("published_span")
        cit_spans = doc.cache.get("citation_spans", [])
        comm_roles: dict[int, str] = doc.cache.get("commemoration_date_roles", {})
        issue = doc.results["document"].issue_date
        in_citation = contained_in_any(cit_spans)
        out = []
        for f in all_dates(doc):
            if f.value is None:
                continue
            role = "event"
            # the second end of a range or list reads the words before the whole of it
            lead = f.lead if f.lead is not None else f.start
            before = text[max(0, lead - 40):lead]
            value = f.value
            if f.start in comm_roles:
                role = comm_roles[f.start]
            elif issue_line and issue_line[0] <= f.start < issue_line[1]:
                role = "issue"
            elif pub and pub[0] <= f.start < pub[1]:
                role = "published"
            elif in_citation(f.start, f.end):
                role = "citation"
            elif _START.search(before):
                role = "period_start"
            elif _DEADLINE.search(before):
                role = "deadline"
            elif _END.search(before):
                role = "period_end"
            if f.kind in ("range_days", "range_first", "month_range"):
                role = "period_start" if role in ("event", "period_start", "deadline") else role
            elif f.kind == "month_range_end":
                # `Thời gian hoàn thành: tháng 11 - 12/2025`: the work is due by the end
                role = "period_end" if role in ("event", "period_start", "period_end") else role
            elif f.recurring and role == "period_end" and not _START_IN_CLAUSE.search(text, max(0, f.start - 80), f.start):
                # `đến ngày 30/6 hằng năm` with no start: a yearly cut-off
                role = "deadline"
            # A yearly deadline with no printed year, or a day of every year
            # (`hằng năm`), is the first one after issue; a deadline on the issue
            # day itself cannot be met "before" it, so it is next year's too.
            # (an issue date known to the month only compares by month)
            # (the ends of a yearly period, `từ ngày 01/01 đến ngày 30/6 hằng năm`, stay together)
            if f.year_inferred and (role == "deadline" or f.recurring and role not in ("period_start", "period_end")) \
                    and issue and len(issue) >= 7:
                due = value[:len(issue)]
                if due < issue or (due == issue and len(issue) == 10 and role == "deadline" and f.recurring):
                    f.year += 1
                    value = f.value
            out.append(DateMention(value=value, role=role, rule=f.kind, **doc.span(f.start, f.end)))
        doc.results["dates"] = out
