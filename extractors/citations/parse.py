"""Parsing a mention: its date, issuer (`của …`), title (`về …`), pin cite
(`Điều 51 …`), and the relation from the verb before it (`data/relations.yaml`)."""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.alternation import lower_for_words
from vanban.extractors.data import load
from vanban.extractors.datefind import find_dates
from vanban.extractors.text import NAME, collapse, looks_like_name, surnames
from vanban.extractors.citations.mention import Mention
from vanban.extractors.citations.patterns import _rx
from vanban.extractors.citations.titles import fix_title


# Where a title ("về …") ends.
_TITLE_END = re.compile(
    r"\s*(?:[;\n:]|\.(?:\s|$)|\)|,\s*(?=(?:Sở|Ủy\s+ban|UBND|Bộ|Ban|Cục|Chi\s+cục|Phòng|Trung\s+tâm|Văn\s+phòng|"
    r"Hội\s+đồng|HĐND|Thường\s+trực|Chủ\s+tịch|Giám\s+đốc|Thủ\s+tướng|Chính\s+phủ|Tỉnh\s+ủy|Đảng\s+ủy)\s)|,\s*(?=(?:các\s+)?(?:" + "Căn cứ|Thực hiện|Theo|Xét|Luật|Nghị|Quyết|Chỉ|Thông|Kế|Công|Văn|Tờ|Báo|Hướng|Chương|Đề án|Quy định|số)\b)"
    r"|\s+và\s+(?=(?:các\s+)?(?:Luật|Nghị|Quyết|Chỉ|Thông|Kế|Công|Văn|Tờ|Báo|Hướng|Chương|Đề án|Quy định)\s)|\s+và\s+số\s)")
_TITLE_START = re.compile(
    r"\s*,?\s*(?P<t>(?i:về|V/v|quy\s+định|hướng\s+dẫn|ban\s+hành|sửa\s+đổi|phê\s+duyệt|phát\s+động|"
    r"triển\s+khai|thực\s+hiện|tổ\s+chức|công\s+bố|giao|hợp\s+nhất|thành\s+lập|bãi\s+bỏ|thông\s+báo|báo\s+cáo|"
    r"điều\s+chỉnh|kiện\s+toàn|phân\s+công|ủy\s+quyền|kết\s+luận)\b)")
_ISSUER = re.compile(
    r"\s*,?\s*(?:của\s+(?P<of>[^;,\n()]{3,90}?)|(?P<bare>Thủ\s+tướng\s+Chính\s+phủ|Chính\s+phủ|Quốc\s+hội|Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư))"
    r"(?=\s*(?:[;,.\n()]|$|(?i:về\b|V/v|quy\s+định|hướng\s+dẫn|ban\s+hành|sửa\s+đổi|phê\s+duyệt|phát\s+động|triển\s+khai|"
    r"thực\s+hiện|tổ\s+chức|công\s+bố|giao\b|hợp\s+nhất|thành\s+lập|ngày\b|đã\b|được\b|tại\b|thông\s+báo|báo\s+cáo|"
    r"điều\s+chỉnh|kiện\s+toàn|phân\s+công|ủy\s+quyền|kết\s+luận)|"
    r"và\s+(?=(?:các|số|Nghị|Quyết|Chỉ|Thông|Luật|Kế|Công|Văn|Tờ|Báo)\b)))")


@lru_cache(maxsize=1)
def _issuer_before() -> re.Pattern:
    """`<lead> của <Body> tại ` right before a citation (data/issuers.yaml `named_before`)."""
    leads = "|".join(r"\s+".join(map(re.escape, e["lead"].split()))
                     for e in sorted(load("issuers")["named_before"], key=lambda e: -len(e["lead"])))
    return re.compile(rf"(?<!\w)(?:{leads})\s+của\s+(?P<body>[A-ZĐ][^;,.:\n()“”]{{2,70}}?)\s+tại\s+$")


_PERSON_AFTER_TITLE = re.compile(rf"(?:tướng|tịch|trưởng|đốc|thư|chí|[Ôô]ng|[Bb]à)\s+(?P<name>{NAME})$")


def _names_a_person(body: str) -> bool:
    """`Phó Thủ tướng Trần Hồng Hà`: a leader whose instructions a notice of
    another body (the Government Office) conveys, not the notice's issuer."""
    m = _PERSON_AFTER_TITLE.search(body)
    return bool(m and looks_like_name(m.group("name")) and m.group("name").split()[0] in surnames())


_DATE_NEAR = re.compile(r"\s*,?\s*(?:ban\s+hành\s+|được\s+ban\s+hành\s+|thông\s+qua\s+)?(?:ngày|Ngày)\s")
_PIN = re.compile(r"(?:(?:điểm|Điểm)\s+[a-zđ](?:\s*,\s*[a-zđ])*(?:\s+và\s+[a-zđ])?\s+)?(?:(?:khoản|Khoản)\s+\d+(?:\s*,\s*\d+)*(?:\s+và\s+\d+)?\s+)?"
                  r"(?:Điều|điều)\s+\d+[a-z]?(?:\s*,\s*(?:Điều\s+)?\d+[a-z]?)*(?:\s+và\s+(?:Điều\s+)?\d+[a-z]?)?\s*,?\s*(?:của\s+)?$")


@lru_cache(maxsize=1)
def _relations() -> list[tuple[re.Pattern, str, str]]:
    out = []
    for r in load("relations")["relations"]:
        for v in r["verbs"]:
            out.append((len(v), re.compile(r"(?:^|[\s;,(])" + r"\s+".join(map(re.escape, v.split())) + r"\b", re.I), r["relation"],
                        v.split()[0].lower()))
    out.sort(key=lambda x: -x[0])
    return [(rx, rel, first) for _, rx, rel, first in out]


def _relation_before(text: str, start: int, floor: int = 0) -> str:
    """The relation verb between the previous citation (`floor`) and this one."""
    lo = max(0, start - 120, floor - 1)
    clause_start = max(text.rfind(";", lo, start), text.rfind("\n", lo, start), text.rfind(". ", lo, start), lo - 1)
    ctx = text[clause_start + 1:start]
    # The verb nearest the citation wins; of two ending together, the longer
    # ("sửa đổi, bổ sung" over "bổ sung", "hướng dẫn thi hành" over "thi hành").
    best, best_key = "unknown", (-1, 0)
    low = lower_for_words(ctx)          # a verb whose first word is not there cannot match
    for rx, rel, first in _relations():
        if low is not None and first not in low:
            continue
        for m in rx.finditer(ctx):
            key = (m.end(), m.end() - m.start())
            if key > best_key:
                best, best_key = rel, key
    return best


def parse_tail(text: str, men: Mention) -> None:
    """What follows a mention (its date, issuer, title) and what precedes it (a
    pin cite, the issuer named before, the relation verb)."""
    pos = men.core_end
    if men.extra.get("inner") is not None:
        # named in an amending law's name: it stands as that law stands to the
        # citing document ("sửa đổi" there is the amending law's, not ours)
        men.relation = _relation_before(text, men.extra["inner"], men.extra.get("floor", 0))
        return
    # the date right after the number
    d = _DATE_NEAR.match(text, pos)
    if d:
        found = find_dates(text[d.start(): d.end() + 30])
        if found and found[0].start <= (d.end() - d.start()) + 1 and found[0].value:
            men.date = found[0].value
            pos = d.start() + found[0].end
    # issuer ("của Bộ Công Thương"), then perhaps a date after it
    iss = _ISSUER.match(text, pos)
    if iss:
        val = iss.group("of") or iss.group("bare")
        # a law is the National Assembly's (its Standing Committee's): "Luật Đất
        # đai của tổ chức kinh tế" names whose land, not who passed the law
        law = men.doc_type in ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp")
        if val and not re.match(r"(?:Nghị|Quyết|Chỉ|Thông|Luật|Kế)\s", val) and \
                (not law or re.search(r"Quốc\s+hội", val)):
            men.issuer = collapse(val)
            pos = iss.end()
            if not men.date:
                d = _DATE_NEAR.match(text, pos)
                if d:
                    found = find_dates(text[d.start(): d.end() + 30])
                    if found and found[0].value:
                        men.date = found[0].value
                        pos = d.start() + found[0].end
    # "Theo đề nghị của Sở Tài chính tại Công văn số …": the body named before
    if men.issuer is None:
        before = _issuer_before().search(text, max(0, men.start - 120), men.start)
        if before and not _names_a_person(collapse(before.group("body"))):
            men.issuer = collapse(before.group("body"))
            men.extra["issuer_before"] = True
    # title ("về …")
    t = _TITLE_START.match(text, pos)
    # "…, Báo cáo thẩm tra số 429/BC-…": the next citation, not a title
    nxt = men.extra.get("next_start")
    if t and nxt is not None and (t.start("t") >= nxt or _rx()["next_lead"].fullmatch(text, t.start("t"), nxt)):
        t = None
    if t:
        end_m = _TITLE_END.search(text, t.start("t"), min(len(text), t.start("t") + 401))
        tend = end_m.start() if end_m else min(len(text), t.start("t") + 300)
        title = collapse(text[t.start("t"):tend]).rstrip(" ,")
        if title and men.title is None:
            men.title = fix_title(title)
            pos = tend
    men.end = max(men.end, pos)
    # pin cite before the type word ("Điều 51, Điều 52 Nghị định …")
    before = text[max(0, men.start - 120):men.start]
    # (a pin cite names an article, Điều / điều: without one the pattern cannot match)
    p = _PIN.search(before) if "iều" in before else None
    if p:
        men.pin = collapse(p.group()).rstrip(" ,")
        for w in (" của", ","):
            men.pin = men.pin.removesuffix(w)
    men.relation = _relation_before(text, men.start, men.extra.get("floor", 0))
