"""Citations: the documents a document cites, one entry per distinct document.

Stages, as eyecite splits them:
- find: every mention — a type word (`Nghị định`, `Quyết định` …, from
  `data/doc_types.yaml`) with a symbol, a date or a proper title; a bare symbol
  (`số 187/2025/NĐ-CP` in a list); short re-mentions (`Quyết định 2270`).
- parse: each mention's date, issuer (`của …`), title (`về …`), pin cite
  (`Điều 51 …`), and the relation from the verb before it (`data/relations.yaml`).
- resolve: mentions of one document become one entry, keyed by number (or by
  type and title); lists share their trailing date, issuer and title; short
  forms join the full mention; the document's own number is never a citation.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from vanban.extractors.alternation import (PhraseEnds, lower_for_words, phrase_alternation, phrase_branches, scan,
                                          space_before)
from vanban.extractors.data import load
from vanban.extractors.datefind import find_dates
from vanban.extractors.spans import SpanSet
from vanban.extractors.symbols import SYMBOL, SYMBOL_TAIL, issuer_code, match_view, normalize_symbol, symbol_year, type_code
from vanban.extractors.text import NAME, collapse, looks_like_name, surnames
from vanban.schemas.document import Doc
from vanban.schemas.models import Citation, Span


@lru_cache(maxsize=1)
def _types() -> list[dict]:
    return load("doc_types")["types"]


@lru_cache(maxsize=1)
def _code_to_word() -> dict[str, str]:
    out: dict[str, str] = {}
    for t in _types():
        for c in t["codes"]:
            out.setdefault(c, t["word"])
    return out


@lru_cache(maxsize=1)
def _type_alts() -> str:
    words = sorted((t["word"] for t in _types()), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)


@lru_cache(maxsize=1)
def _rx() -> dict[str, re.Pattern]:
    types = _type_alts()
    cap_types = f"(?:{types})"
    words = [t["word"] for t in _types()]
    # The type word as a trie whose every branch starts with a literal (see
    # alternation.py): a lower-case one only before "số <digit>", not after a letter.
    type_word = "(?:" + "|".join(phrase_branches(words) + phrase_branches(
        [w.lower() for w in words], after_first=r"(?<![\w].)", end=r"(?=\s+số\s+\d)")) + ")"
    # "Báo cáo thẩm tra số …", "Báo cáo giải trình, tiếp thu số …": a kind of the
    # type (data/doc_types.yaml `qualifiers`), kept in the doc_type
    qual = "|".join(r"\s+".join(map(re.escape, q["words"].split()))
                    for q in sorted(load("doc_types")["qualifiers"], key=lambda q: -len(q["words"])))
    num_list = rf"(?P<pre>(?:\d{{1,5}}[a-z]?\s*(?:,|và)\s*)+)?(?P<sym>{SYMBOL}|\d{{1,5}}-[A-ZĐ]{{2,}}(?![\w/]))"
    return {
        # Type word, optional "số", symbol (or a list ending in one).
        "typed": re.compile(
            rf"(?P<type>{type_word})(?P<qual>\s+(?:{qual})(?:\s*,\s*(?:{qual})|\s+và\s+(?:{qual}))*)?"
            rf"(?:\s+(?:liên\s+tịch|số|số\s+hiệu))*\s*:?\s*{num_list}"),
        # A bare symbol (in a list, or with its type only in the code).
        "bare": re.compile(rf"(?P<sym>\d(?<![\w/:.-]\d){SYMBOL_TAIL})(?![\w/])"),
        # A short re-mention: "Quyết định 2270", "Nghị định số 58".
        # A number printed with "số" or its year and nothing after it is cited on
        # its own when no full mention has it ("Nghị quyết số 30a năm 2010",
        # "Nghị định 30/2020").
        "short": re.compile(rf"(?P<type>{phrase_alternation(words)})\s+(?:(?P<so>số)\s+)?"
                            rf"(?P<num>\d{{1,5}}[a-z]?)(?:/(?P<nyear>(?:19|20)\d\d))?(?=[\s,;:.)(]|$)(?![.,]\d)"
                            rf"(?:\s+năm\s+(?P<year>(?:19|20)\d\d)\b)?"),
        # The lead of the next citation ("Báo cáo thẩm tra số "): not a title.
        "next_lead": re.compile(rf"(?i:{types})(?:\s+\S+){{0,3}}\s+số\s*"),
        # Where a bare symbol's type word stands before it.
        "type_before": re.compile(rf"({types})\s+(?:số\s+)?$", re.I),
        # A named law: "Luật Thi đua, khen thưởng", "Bộ luật Lao động".
        # (the look-behinds after the type word's first letter: the engine skips to B, L, P, H)
        "law": re.compile(r"(?P<type>" + phrase_alternation(["Bộ luật", "Bộ Luật", "Luật", "Pháp lệnh", "Hiến pháp"],
                                                            after_first=r"(?<!Đoàn\s(?s:.))(?<!đoàn\s(?s:.))")
                          + r")(?!\s+sư\b)\s+(?P<name>[A-ZĐÀ-Ỹa-zđà-ỹ])"),
        # Nghị quyết Đại hội …: a named resolution without a number.
        "congress": re.compile(r"(?P<type>Nghị\s+quyết)\s+(?P<name>Đại\s+hội\s+(?:đại\s+biểu\s+toàn\s+quốc\s+lần\s+thứ\s+[IVXLC]+\s+của\s+Đảng|"
                               r"[IVXLC]+\s+Đảng\s+bộ\s+(?:tỉnh|thành\s+phố|huyện)|"
                               r"(?:đại\s+biểu\s+)?(?:Đảng\s+bộ\s+)?(?:tỉnh|thành\s+phố|huyện)(?:\s+[A-ZĐÀ-Ỹ][\wà-ỹ']*){0,3}\s+lần\s+thứ\s+[IVXLC]+))"),
        # A named scheme or master plan: Đề án “…”, Quy hoạch … thời kỳ 2021 - 2030
        "named_plan": re.compile(r"(?P<type>Đề\s+án|Quy\s+hoạch|Chiến\s+lược)\s+(?:“(?P<q>[^”\n]{5,200})(?:”|(?=\n))|"
                                 r"(?P<t>[^\n;.“”()]{3,120}?(?:thời\s+kỳ|giai\s+đoạn)\s+\d{4}\s*-\s*\d{4}(?:,\s*tầm\s+nhìn\s+đến\s+năm\s+\d{4})?))"),
    }


_SO_NUMBER = re.compile(r"số\s+\d")


@lru_cache(maxsize=1)
def _type_word_finders() -> tuple[re.Pattern, PhraseEnds, bool]:
    words = [t["word"] for t in _types()]
    # a capital inside a type word could start another one inside a match: then
    # the starts below would not be all of them, and the whole text is scanned
    safe = not any(c.isupper() for w in words for c in w[1:])
    return re.compile(phrase_alternation(words)), PhraseEnds(w.lower() for w in words), safe


def _typed(text: str):
    """`_rx()["typed"].finditer(text)`, tried only where a type word starts: a
    capitalised one (one scan for them all), or a lower-case one ending before
    "số <digit>" (read back from each "số", which is rare)."""
    rx = _rx()["typed"]
    caps, low, safe = _type_word_finders()
    if not safe:
        return rx.finditer(text)
    starts = [m.start() for m in caps.finditer(text)]
    for m in _SO_NUMBER.finditer(text):
        e = space_before(text, m.start())
        if e < m.start():
            starts.extend(low.starts(text, e))
    return scan(rx, text, sorted(set(starts)))


# Where a law's name ends: punctuation, a number or date, a printed year, a
# pin cite or another type word, or a word that starts the rest of the
# sentence (more in data/law_names.yaml). Commas are weighed in _law_name_end.
_TYPE_WORDS = (r"(?:Nghị\s+định|Nghị\s+quyết|Thông\s+tư|Quyết\s+định|Chỉ\s+thị|Pháp\s+lệnh|Bộ\s+luật|Luật|"
               r"Hiến\s+pháp|Công\s+văn|Kế\s+hoạch|Văn\s+bản)\b")
_LAW_NAME_END_BASE = (
    r"\s*(?:[;:.()\n\[“”\"]|\s+số\b|\s+ngày\b|[\s,]+(?=(?:năm\s+)?(?:19|20)\d\d\b)|[\s,]+(?=" + _TYPE_WORDS + r")|"
    r"\s+(?:khoản|điểm|Điều|điều|Chương|chương|Mục|mục|Phần|phần)\s+(?:\d|[IVXLC]+\b|[a-zđ]\))|"
    r"\s+(?:và\s+(?=các\b|những\b|Luật\b|Nghị\b|Bộ\b|Pháp\b|Quyết\b|Thông\b|văn\b|pháp\s+luật\b|xây\s+dựng\b|thực\s+hiện\b|"
    r"triển\s+khai\b|tổ\s+chức\b|ban\s+hành\b|hướng\s+dẫn\b|quy\s+định\b|khoản\b|điểm\b|Điều\b|điều\b)|hoặc|quy\s+định|như|về|sửa\s+đổi|"
    r"được|đã|có|trong|trên|tại|cho|để|nhằm|thì|theo|bảo\s+đảm|đảm\s+bảo|gắn|với|đến|từ|khi|là|này|"
    r"thuộc|năm\s+(?!\d)|sẽ|hiện\s+hành|đồng\s+thời|cũng|vừa|"
    r"giai\s+đoạn|qua|để|lần|mới(?<!đổi\smới)|ước|đạt|ban\s+hành|\d{1,2}/)\b")
# After a comma, these words start the rest of the sentence.
_AFTER_COMMA_STOP = re.compile(r"(?:các|được|đã|và|theo|tại|trong|nhằm|bảo\s+đảm|đảm\s+bảo|những|nhưng|đồng\s+thời|"
                               r"đó|này|qua|từ|khi|nếu|để|thì|là|có|không)\b|" + _TYPE_WORDS)
# A name that the sentence goes on after stops at one of these (a clause's
# verb): a comma before them was the sentence's, not the name's.
_CLAUSE_VERB = re.compile(r"\s+(?:phải|có|được|là|sẽ|đã|cần|không|chưa|đang|vẫn|bị|thì|mà)\b")
_LAW_YEAR = re.compile(r"\s+(?:năm\s+)?\d{4}\b")
_NEXT_LAW = re.compile(r"(?:\s*,\s*|\s+và\s+)(?:các\s+)?(?:Luật|Bộ\s+luật)\s+[A-ZĐÀ-Ỹa-zđà-ỹ]")
_ITEM_NUMBER = re.compile(rf"\s+số\s+{SYMBOL}(?![\w/])")
_LAW_NAME_RUN = re.compile(rf"(?P<gap>[^;.\n()“”\"]{{0,160}}?)(?P<tail>\s+số\s+)(?P<sym>{SYMBOL})(?![\w/])")


def _is_law_number(word: str, number: str) -> bool:
    """A law's or ordinance's symbol: `64/2020/QH14`, `02/2022/UBTVQH15`."""
    n = normalize_symbol(number)
    if word in ("Luật", "Bộ luật"):
        return bool(re.search(r"/[Q0O]H[\dIl]*$", n))
    return word == "Pháp lệnh" and bool(re.search(r"/UBTVQH\d*$", n))
_AMENDING = re.compile(r"[Ss]ửa\s+đổi,?\s+bổ\s+sung\s+(?:một\s+số\s+điều\s+)?(?:của\s+)?(?:các\s+)?(?:Luật|Bộ\s+luật)\s+[A-ZĐÀ-Ỹa-zđà-ỹ]")
# "Luật" before a function word is the common noun ("thi hành Luật và các văn bản …").
_FUNCTION_WORD = re.compile(r"(?:và|hoặc|thuộc|theo|bao\s+gồm|vào|trong|a|của|để|được|này|cho|có|không|là|đã|sẽ|với|về|"
                            r"từ|tại|khi|nếu|hiện|mới|trên|dưới|sau|trước|đó|định|pháp|sư|gia|học|số|sé|các|những)\b")
_NOT_LAW_NAMES = {"Việt Nam", "Nhà nước", "Đảng", "pháp"}


def _words_rx(words) -> str:
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _law_rules() -> dict:
    data = load("law_names")
    ends = _words_rx(e["word"] for e in data["ends_before"])
    tails = _words_rx(e["word"] for e in data["tail_words"])
    end = re.compile(_LAW_NAME_END_BASE + rf"|\s+(?:{ends})(?!\w))")
    # the few names that hold a stop word ("Phòng không nhân dân", "tác hại của")
    inside = re.compile("|".join(r"\s+".join(map(re.escape, e["phrase"].split())) for e in
                                 sorted(data["inside"], key=lambda e: -len(e["phrase"]))))
    return {
        "inside": inside,
        "end": end,
        "tail": re.compile(rf"(?:\s+|,\s*)(?:{tails})\s*$"),
        "single": frozenset(e["word"].casefold() for e in data["single_word"]),
    }


def _law_name_end(text: str, start: int) -> int:
    """Where a law's name ends. Commas and "và" may sit inside a name ("Thi đua,
    khen thưởng", "Khoa học, công nghệ và đổi mới sáng tạo"): a comma after a
    head of one or two words ("Phòng, chống …", "Quản lý, sử dụng …") joins a
    second head to it, up to a number, a date, the clause's end or a
    preposition. A comma followed by a long run of words, by a capitalised one
    or by a clause that goes on to its verb is the sentence's ("Luật Đất đai,
    người sử dụng đất phải …", "Ngân sách nhà nước, nguồn chi tổ chức …")."""
    rules = _law_rules()
    limit = min(len(text), start + 240)
    m = rules["end"].search(text, start, limit)
    # "Phòng, chống tác hại của rượu, bia": a stop word inside one of the few
    # names that hold it does not end the name
    held = [h.span() for h in rules["inside"].finditer(text, start, limit)] if m else []
    while m and any(a <= m.end() - 1 and m.start() < b for a, b in held):
        m = rules["end"].search(text, m.end(), limit)
    end = m.start() if m else min(len(text), start + 80)
    name = text[start:end]
    closer = text[end:end + 14]
    # a name closed by punctuation, its number or date, or the next item of a list
    # ("…, Luật Quản lý, sử dụng tài sản công;") may carry a longer tail after its
    # comma than one a stop word cut short
    hard = end >= len(text) or bool(re.match(r"\s*(?:[;.\n():“”\"]|số\b|ngày\b|,?\s*(?:năm\s+)?(?:19|20)\d\d|[\s,]*(?:Luật|Bộ\s+luật|Nghị|Quyết|Thông)\b)", closer))
    clause = bool(_CLAUSE_VERB.match(text, end))
    words_before = 0
    run = True                  # every element so far a short head ("Nhập cảnh, xuất cảnh, quá cảnh, …")
    for c in re.finditer(r",\s*", name):
        tail = name[c.end():]
        tail_words = tail.split()
        if not tail_words:
            return start + c.start()
        if _AFTER_COMMA_STOP.match(tail):
            return start + c.start()
        element = name[words_before:c.start()].split()
        coordinated = (run and len(element) <= 2) or (len(element) <= 3 and tail_words[0].casefold() == element[0].casefold())
        run = run and coordinated
        if coordinated and not clause and len(tail_words) <= (16 if hard else 9):
            words_before = c.end()
            continue
        if tail_words[0][:1].isupper() or len(tail_words) > (4 if hard else 3):
            return start + c.start()
        words_before = c.end()
    return end


def _clean_law_end(text: str, start: int, end: int) -> int:
    """A name cut after a word that never ends one (`Đất đai và`) loses it."""
    rx = _law_rules()["tail"]
    while True:
        while end > start and text[end - 1] in " ,\n\t":
            end -= 1
        m = rx.search(text, start, end)
        if not m or m.start() == start:
            return end
        end = m.start()


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
_SELF = re.compile(r"^\s*(?:này|nói\s+trên|trên)\b")
# a draft or a bill is not a cited document: "dự thảo Quyết định", "dự án Luật"
_DRAFT = re.compile(r"(?:[Dd]ự\s+thảo|[Dd]ự\s+án)\s*$")
# "Luật Quy hoạch (sửa đổi)": the revision still being drafted
_REVISION = re.compile(r"\s*\(\s*sửa\s+đổi(?:,\s*bổ\s+sung)?\s*\)")
# A number after a form, a table, an account or a unit is not a document's
# (`mẫu số 05/GTGT`, `Tờ khai mẫu 01/GTGT`, `Biểu 02/TH`, `Phòng 6/C04`).
_NOT_DOC_BEFORE = re.compile(
    r"(?:[Mm]ẫu(?:\s+biểu)?|[Tt]ờ\s+khai|[Bb]ảng\s+kê|[Bb]ảng|[Mm]ã|[Tt]ài\s+khoản|[Bb]iểu|[Pp]hụ\s+lục|[Pp]hòng|[Đđ]ội|[Tt]ổ)"
    r"(?:\s+(?:mẫu|số|hiệu|biểu))*\s*:?\s*$")
@lru_cache(maxsize=1)
def _relations() -> list[tuple[re.Pattern, str, str]]:
    out = []
    for r in load("relations")["relations"]:
        for v in r["verbs"]:
            out.append((len(v), re.compile(r"(?:^|[\s;,(])" + r"\s+".join(map(re.escape, v.split())) + r"\b", re.I), r["relation"],
                        v.split()[0].lower()))
    out.sort(key=lambda x: -x[0])
    return [(rx, rel, first) for _, rx, rel, first in out]


@dataclass
class Mention:
    start: int
    end: int                      # end of the whole mention (title included)
    doc_type: str
    number: str | None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None
    pin: str | None = None
    relation: str = "unknown"
    core_end: int = 0             # end of type word + number (+ date), before issuer/title
    listed_with_next: bool = False
    extra: dict = field(default_factory=dict)


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


def _word_for_code(symbol: str) -> str:
    code = type_code(symbol)
    if code and code in _code_to_word():
        return _code_to_word()[code]
    if re.search(r"/\d{4}/QH\d+$|/QH\d+$", normalize_symbol(symbol)):
        return "Luật"
    return "Văn bản"


def _governs(word: str, number: str) -> bool:
    """Whether a type word can be the type of a number: `Luật … số 08/2022/NĐ-CP`
    cannot (NĐ is a decree's code); `Luật số 72/2020/QH14`, `Văn bản số
    477/BCA-H01` can."""
    code = type_code(number)
    mapped = _code_to_word().get(code or "")
    return mapped is None or mapped == word or word in ("Văn bản", "Công văn")


@lru_cache(maxsize=1)
def _ocr() -> dict:
    data = load("ocr_variants")
    return {"number": [(re.compile(r["pattern"]), r["replace"]) for r in data["number"]],
            "title": [(re.compile(rf"(?<!\w){re.escape(r['wrong'])}(?!\w)"), r["right"]) for r in data["title"]]}


# The legislature (khóa) that passes a year's laws: 43/2024/QH1 is 43/2024/QH15.
# Years a legislature ends in are left alone (both could be right).
_LEGISLATURES = ((1992, 1997, 9), (1997, 2002, 10), (2002, 2007, 11), (2007, 2011, 12), (2011, 2016, 13),
                 (2016, 2021, 14), (2021, 2026, 15), (2026, 2031, 16))


def repair_number(number: str) -> str:
    """A symbol as read, with OCR's certain slips undone (data/ocr_variants.yaml:
    `163/2024/QHI15` -> `163/2024/QH15`) and a law code cut short completed
    from the year (`43/2024/QH1` -> `43/2024/QH15`)."""
    n = normalize_symbol(number)
    for rx, rep in _ocr()["number"]:
        n = rx.sub(rep, n)
    m = re.fullmatch(r"(.*/((?:19|20)\d\d)/)[Q0O]H([\dIl|]{0,3})", n)
    if m:
        year = int(m.group(2))
        khoa = [k for a, b, k in _LEGISLATURES if a < year < b]
        digits = m.group(3).translate(str.maketrans("Il|", "111"))
        n = f"{m.group(1)}QH{khoa[0] if khoa and digits != str(khoa[0]) else digits}"
    return n


@lru_cache(maxsize=8192)            # a title is read again for each mention and each key
def fix_title(title: str | None) -> str | None:
    """A cited title or law name with OCR's usual misspellings written right
    (`Luật quan lý thuế` -> `Luật quản lý thuế`, data/ocr_variants.yaml)."""
    if not title:
        return title
    for rx, right in _ocr()["title"]:
        title = rx.sub(right, title)
    return title


@lru_cache(maxsize=1)
def _issuer_codes() -> dict[str, str]:
    return {i["code"]: i["name"] for i in load("issuers")["issuers"]}


# Letters OCR confuses in capitals (BIC for BTC, 0H for QH).
_CONFUSABLE = [set("IT1L|"), set("O0QD"), set("S5"), set("B8"), set("Z2"), set("G6C")]


def _confusable(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in _CONFUSABLE)


def _repair_issuer_code(number: str, issuer: str | None) -> str:
    """`39/2014/TT-BIC … của Bộ Tài chính` is `39/2014/TT-BTC`: an issuer code
    no body has, one OCR slip away from the code of the body the text names."""
    code = issuer_code(number)
    if not code or not issuer or code in _issuer_codes():
        return number
    named = issuer.casefold()
    for known, name in _issuer_codes().items():
        if len(known) == len(code) and name.casefold() in named and \
                all(_confusable(x, y) for x, y in zip(code, known)):
            head, sep, tail = number.rpartition(code)
            return head + known + tail if sep else number
    return number


# The number line of the document's own header: `Số: 458 /TB-UBND`, `Só:¿ 92 /TB-UBND`
_NUMBER_LABEL = re.compile(r"(?:^|\n)[^\n]{0,60}?(?<!\w)(?:S[ốóòôồổỗộo6é]|SỐ|SÓ|SÔ|So)\s*[:;.]?\W{0,3}$")
_MOTTO = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI|CỘNG\s+HOÀ\s+XÃ\s+HỘI|Độc\s+lập\s*-\s*Tự\s+do", re.I)


def _own_number_line(text: str, pos: int) -> bool:
    """A bare symbol on the header's number line (`Số: …`), or in the header
    before the national motto, is the document's own number even when an OCR
    slip hid it from the metadata (`Só:¿ 92 /TB-UBND`)."""
    line_start = max(text.rfind("\n", max(0, pos - 80), pos) + 1, pos - 80, 0)
    if _NUMBER_LABEL.search(text, line_start, pos) and not re.search(r"[A-Za-zĐđà-ỹ]{3,}\s+(?:số|Số)\W{0,3}$", text[line_start:pos]):
        return True
    if pos < 400:
        motto = _MOTTO.search(text, 0, 800)
        return bool(motto and pos < motto.start() and "\n\n" not in text[max(0, pos - 200):pos].strip())
    return False


def _plausible_bare(sym: str) -> bool:
    """A symbol printed with no type word before it must look like a document's:
    `99/KH` (a type and no issuer), `6/C04` (a unit), `05/GTGT` (a form) do not;
    `123/BTC` (an issuer's letter), `30/2020/NĐ-CP`, `14-KH/TU` do."""
    n = normalize_symbol(sym)
    if symbol_year(n) or re.match(r"^\d+[a-z]?-", n):
        return True
    segs = re.split(r"[/-]", n)[1:]
    return len(segs) >= 2 or (len(segs) == 1 and segs[0] in _issuer_codes())


def _strip_marks(s: str) -> str:
    s = unicodedata.normalize("NFD", s.casefold()).replace("đ", "d")
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[re.Pattern, dict[str, str]]:
    """data/abbreviations.yaml folded like a title: one alternation, each
    abbreviation to the words it stands for."""
    words = {_strip_marks(e["short"]): _strip_marks(e["long"]) for e in load("abbreviations")["abbreviations"]}
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, sorted(words, key=len, reverse=True)))})\b"), words


@lru_cache(maxsize=8192)
def _fold(s: str) -> str:
    """A title as OCR, spelling and abbreviation cannot change it: no case, no
    accents, no punctuation, the usual abbreviations spelt out (`thuế TNCN` is
    `thuế thu nhập cá nhân`)."""
    s = _strip_marks(fix_title(s) or "")
    rx, words = _abbreviations()
    s = rx.sub(lambda m: words[m.group()], s)
    s = re.sub(r"[^\w]+", " ", s).strip()
    return re.sub(r"\s+(?:nam\s+)?(?:19|20)\d\d$", "", s)


_DASHED = re.compile(r"(\d+)-((?:19|20)\d\d)-([A-ZĐ]+)-(.+)")
_DASHED_YEAR = re.compile(r"(\d+)-((?:19|20)\d\d)/([A-ZĐ][A-ZĐ0-9]*-.+)")
_GLUED_YEAR = re.compile(r"^(\d+[A-Z]?/(?:19|20)\d\d)(?=[A-ZĐ])")
_PARTY_AS_ADMIN = re.compile(r"(\d+[A-Z]?)/([A-ZĐ]+)[-/]((?:TW|TU|THU|ĐU|HU|QU|BCĐ)\b.*)")


@lru_cache(maxsize=65536)
def _canon_number(n: str) -> str:
    """One key for the printings of one number: `18-2016-QĐ-UBND` is
    18/2016/QĐ-UBND, `19-2018/NQ-CP` is 19/2018/NQ-CP, `49/2025TT-BCT` is 49/2025/TT-BCT, `57/NQ-TW` is 57-NQ/TW."""
    n = normalize_symbol(n).upper()
    m = _DASHED.fullmatch(n)
    if m:
        n = f"{m.group(1)}/{m.group(2)}/{m.group(3)}-{m.group(4)}"
    m = _DASHED_YEAR.fullmatch(n)
    if m:
        n = f"{m.group(1)}/{m.group(2)}/{m.group(3)}"
    n = _GLUED_YEAR.sub(r"\1/", n)
    # a Party document printed the administrative way
    m = _PARTY_AS_ADMIN.fullmatch(n)
    if m and m.group(2) in _code_to_word():
        n = f"{m.group(1)}-{m.group(2)}/{m.group(3)}"
    return n


class CitationExtractor:
    name = "citations"
    requires: tuple[str, ...] = ("document",)
    produces = "citations"

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        own = doc.results["document"].number
        own_norm = normalize_symbol(own) if own else None
        own_canon = _canon_number(own) if own else None
        mentions = self._find(text)
        mentions = [m for m in mentions if not (own_norm and m.number and _canon_number(m.number) == own_canon)]
        # "Nghị quyết số 13 được ban hành" in Nghị quyết 13-NQ/TW itself
        own_lead = re.match(r"\d+[a-z]?", own_norm or "")
        own_type = (doc.results["document"].doc_type or "")
        if own_lead:
            mentions = [m for m in mentions if not (
                m.extra.get("short") and m.extra["short"].lstrip("0") == own_lead.group().lstrip("0")
                and _word_for_code(own_norm).casefold() == m.doc_type.casefold())]
        # A web page's headline above the document's own header names the
        # document itself, sometimes misprinted (05/2025/TT-BCT for 05/2026/TT-BCT).
        own_span = doc.results["document"].spans.get("number")
        if own_norm and own_span:
            mentions = [m for m in mentions if not (
                m.number and m.start < own_span.start and type_code(m.number) == type_code(own_norm)
                and issuer_code(m.number) == issuer_code(own_norm))]
        doc.results["citations"] = self._resolve(doc, mentions)
        doc.cache["citation_spans"] = [(m.start, m.end) for m in mentions]

    # ---- find + parse ------------------------------------------------------

    def _find(self, text: str) -> list[Mention]:
        # The patterns read a same-length copy in which OCR's look-alikes are
        # read as what they stand for (`sé` -> `số`, `BТС` -> `BTC`).
        text = match_view(text)
        rx = _rx()
        taken = SpanSet()
        out: list[Mention] = []

        for m in _typed(text):
            if _DRAFT.search(text[max(0, m.start() - 12):m.start()]):
                taken.add(*m.span())        # a draft's symbol is not cited either
                continue
            word = collapse(m.group("type") + (m.group("qual") or ""))
            word = word[0].upper() + word[1:]
            sym = m.group("sym")
            numbers = [sym]
            if m.group("pre"):
                base = re.match(r"\d+[a-z]?", normalize_symbol(sym)).group()
                suffix = normalize_symbol(sym)[len(base):]
                numbers = [n + suffix for n in re.findall(r"\d+[a-z]?", m.group("pre"))] + [sym]
            first = True
            for n in numbers:
                men = Mention(start=m.start() if first else m.start("sym"), end=m.end(), doc_type=word,
                              number=repair_number(n), core_end=m.end())
                first = False
                out.append(men)
            taken.add(*m.span())
        taken.commit()
        rules = _law_rules()
        amended: list[tuple[int, int]] = []          # names of laws an amending law lists
        for m in rx["law"].finditer(text):
            if not taken.free(m.start(), m.start("name") + 1):
                continue
            if _DRAFT.search(text[max(0, m.start() - 12):m.start()]):
                continue
            name_start = m.start("name")
            amending = _AMENDING.match(text, name_start)
            if amending:
                # "Luật sửa đổi, bổ sung một số điều của Luật X": the amending law;
                # the amended one is cited on its own (its span stays free).
                # Its name runs over the list of laws it amends ("… của Luật Quy
                # hoạch, Luật Đầu tư, … và Luật Đấu thầu").
                # When the laws it lists carry their numbers ("… của Luật Đất đai số
                # 31/2024/QH15, Luật Nhà ở số 27/2023/QH15 …") the numbers are theirs;
                # one law and a number after it ("… của Luật Xây dựng số 62/2020/QH14")
                # is the amending law's number.
                name_end = _law_name_end(text, amending.end() - 1)
                items, numbered = 1, 0
                while True:
                    own = _ITEM_NUMBER.match(text, name_end)
                    nxt = _NEXT_LAW.match(text, own.end() if own else name_end)
                    if not nxt:
                        if own and numbered:
                            name_end = own.end()
                        break
                    numbered += bool(own)
                    items += 1
                    name_end = _law_name_end(text, nxt.end() - 1)
                amended.append((amending.start(), name_end))
            elif text[name_start:name_start + 7].lower() == "sửa đổi":
                # "Luật sửa đổi, bổ sung một số điều của 37 luật có liên quan đến quy hoạch":
                # the name runs to the end of the clause, a number or a date
                stop = re.compile(r"\s*(?:[;.\n(]|\s+số\s+\d|\s+ngày\s+\d|\s+năm\s+\d{4})").search(
                    text, name_start, min(len(text), name_start + 240))
                name_end = stop.start() if stop else min(len(text), name_start + 160)
            else:
                name_end = _law_name_end(text, name_start)
            name_end = _clean_law_end(text, name_start, name_end)
            if amending:
                amended[-1] = (amending.start(), name_end)
            else:
                # "Luật Đầu tư theo phương thức đối tác công tư số 64/2020/QH14": a
                # clause that runs on to a law's number is the law's name
                run = _LAW_NAME_RUN.match(text, name_end, min(len(text), name_end + 200))
                if run and _is_law_number(collapse(m.group("type")), run.group("sym")) and \
                        not re.search(_TYPE_WORDS, run.group("gap")):
                    name_end = run.start("tail")
            # keep a printed year with the name ("Luật Điện lực 2024", "… năm 2023")
            y = _LAW_YEAR.match(text, name_end)
            if y:
                name_end = y.end()
            name = collapse(text[name_start:name_end]).rstrip(" ,")
            # a name starts with a word (`Luật\n\ni bổ sung…` is OCR's loss)
            if not name or len(name.split()) > (60 if amending else 20) or _SELF.match(name) or name in _NOT_LAW_NAMES \
                    or re.match(r"[^\W\d]\b", name):
                continue
            word = re.sub(r"^Bộ Luật$", "Bộ luật", collapse(m.group("type")))
            # A law named inside an amending law's name ends where that name ends;
            # the number and date after it are the amending law's.
            # (the laws are met in text order: only the last amending law can hold this one)
            owner = next((a for a, b in amended[-1:] if a <= m.start() < b and name_end >= b - 1), None) \
                if not amending else None
            inner = owner is not None
            # "Luật Giáo dục số 43/2019/QH14": the name and the number are one citation,
            # when the number is a law's ("Luật … số 08/2022/NĐ-CP" is not)
            num = re.match(rf"\s+số\s+(?P<sym>{SYMBOL})(?![\w/])", text[name_end:name_end + 60])
            number, end = None, name_end
            if num and not inner and _governs(word, num.group("sym")):
                number, end = repair_number(num.group("sym")), name_end + num.end()
            if _REVISION.match(text, end):
                taken.add(m.start(), end)
                continue
            # A name in lower case ("Luật thi đua, khen thưởng ngày …") counts only
            # when a date or number pins it down; otherwise "Luật" is a common noun.
            if name[0].islower() and not amending and not re.fullmatch(r"năm\s+\d{4}", name) and _FUNCTION_WORD.match(name):
                continue
            # A one-word name is a fragment (`Luật Thuế`) unless it is the name of a
            # law (`Luật Dược`), an abbreviated one (`Luật BHXH`), or a number or
            # date pins it down.
            bare = re.sub(r"\s+(?:năm\s+)?\d{4}$", "", name)
            if not amending and len(bare.split()) == 1 and bare.casefold() not in rules["single"] and \
                    _strip_marks(bare) not in _abbreviations()[1] and \
                    not number and not _DATE_NEAR.match(text, end) and not re.search(r"\d{4}$", name):
                continue
            men = Mention(start=m.start(), end=end, doc_type=word, number=number, title=fix_title(name), core_end=end)
            if inner:
                men.extra["inner"] = owner
            out.append(men)
            taken.add(m.start(), amending.start() + 1 if amending else end)
            if amending and end > name_end:
                taken.add(name_end, end)               # its number is not a bare symbol as well
        taken.commit()
        for m in rx["bare"].finditer(text):
            if not taken.free(*m.span()):
                continue
            before = text[max(0, m.start() - 30):m.start()]
            if _NOT_DOC_BEFORE.search(before) or not _plausible_bare(m.group("sym")) or _own_number_line(text, m.start()):
                continue
            if _DRAFT.search(text[max(0, m.start() - 20):m.start()]):
                continue
            out.append(Mention(start=m.start(), end=m.end(), doc_type="", number=repair_number(m.group("sym")),
                               core_end=m.end()))
            taken.add(*m.span())
        taken.commit()
        for m in rx["congress"].finditer(text):
            if not taken.free(*m.span()):
                continue
            out.append(Mention(start=m.start(), end=m.end(), doc_type="Nghị quyết", number=None,
                               title=collapse(m.group("name")), core_end=m.end()))
            taken.add(*m.span())
        taken.commit()
        for m in rx["named_plan"].finditer(text):
            if not taken.free(*m.span()):
                continue
            before = text[max(0, m.start() - 40):m.start()]
            # drafts and plans still to be made are not cited documents
            approved = re.match(r"[^.;\n]{0,30}?đã\s+được[^.;\n]{0,50}?(?:phê\s+duyệt|ban\s+hành)", text[m.end():m.end() + 90])
            if _DRAFT.search(before) or (re.search(r"(?i:xây\s+dựng|trình|đề\s+xuất|lập|chuẩn\s+bị|điều\s+chỉnh)\s*$", before)
                                         and not approved):
                continue
            title = collapse(m.group("q") or m.group("t"))
            out.append(Mention(start=m.start(), end=m.end(), doc_type=collapse(m.group("type")), number=None,
                               title=title, core_end=m.end()))
            taken.add(*m.span())
        taken.commit()
        out.sort(key=lambda x: x.start)
        # Bare symbols take their type from the mention they are listed with.
        for i, men in enumerate(out):
            if men.doc_type:
                continue
            prev = out[i - 1] if i else None
            gap = text[prev.core_end:men.start] if prev and men.start - prev.core_end < 80 else None
            if prev and prev.doc_type and gap is not None and \
                    re.fullmatch(r"[\s,;:và]*(?:(?:ngày|Ngày)[^;]*?)?[\s,;và]*(?:số\s*)?", gap):
                men.doc_type = prev.doc_type if prev.number and _governs(prev.doc_type, men.number) \
                    else _word_for_code(men.number)
            else:
                before = text[max(0, men.start - 40):men.start]
                tw = rx["type_before"].search(before)
                men.doc_type = collapse(tw.group(1)).capitalize() if tw else _word_for_code(men.number)
        prev_end = 0
        for men, nxt in zip(out, out[1:] + [None]):     # in text order: each sees where the last one ended
            men.extra["floor"] = min(prev_end, men.start)
            men.extra["next_start"] = nxt.start if nxt is not None and nxt.start > men.core_end else None
            self._parse_tail(text, men)
            if men.number:
                men.number = _repair_issuer_code(men.number, men.issuer)
            prev_end = men.end
        # A list under one verb ("Căn cứ A; B và C") shares its relation.
        for prev, men in zip(out, out[1:]):
            if men.relation == "unknown" and prev.relation != "unknown" and \
                    not re.search(r"\.\s|\n", text[prev.start:men.start]):
                men.relation = prev.relation
        # Short re-mentions, resolved later against full ones.
        for m in rx["short"].finditer(text):
            if not taken.free(*m.span()):
                continue
            word = collapse(m.group("type"))
            men = Mention(start=m.start(), end=m.end(), doc_type=word[0].upper() + word[1:], number=None,
                          core_end=m.end(), extra={"short": m.group("num"), "year": m.group("nyear") or m.group("year"),
                                                   "printed": m.group("num") + (f"/{m.group('nyear')}" if m.group("nyear") else ""),
                                                   "numbered": bool(m.group("so") or m.group("nyear"))})
            men.relation = _relation_before(text, men.start)
            out.append(men)
        out.sort(key=lambda x: x.start)
        return out

    def _parse_tail(self, text: str, men: Mention) -> None:
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

    # ---- resolve -----------------------------------------------------------

    def _resolve(self, doc: Doc, mentions: list[Mention]) -> list[Citation]:
        text = doc.text
        # "đề nghị của Chính phủ tại Tờ trình số 357/TTr-CP và Đề án số 358/ĐA-CP": the
        # body named before the list issued each member whose symbol names it too
        for a, b in zip(mentions, mentions[1:]):
            if a.extra.get("issuer_before") and b.issuer is None and a.number and b.number \
                    and b.start - a.end < 40 and re.fullmatch(r"\s*(?:,|và)\s*", text[a.end:b.start]) \
                    and issuer_code(normalize_symbol(a.number)) == issuer_code(normalize_symbol(b.number)):
                b.issuer = a.issuer
                b.extra["issuer_before"] = True
        # A list ("Quyết định số 309/QĐ-BCT và Quyết định số 310/QĐ-BCT ngày … của … về …")
        # shares the date, issuer and title printed after its last member.
        for i in range(len(mentions) - 2, -1, -1):
            a, b = mentions[i], mentions[i + 1]
            if a.extra.get("short") or b.extra.get("short"):
                continue
            gap = text[a.end:b.start] if b.start - a.end < 40 else "·"
            if a.date is None and a.issuer is None and a.title is None and re.fullmatch(r"\s*(?:,|và|;)?\s*(?:các\s+)?", gap) \
                    and (a.doc_type == b.doc_type or not b.doc_type):
                a.date, a.issuer, a.title = b.date, b.issuer, b.title
            elif a.issuer is None and a.date is not None and a.title is None and re.fullmatch(r"\s*(?:,|và)\s*(?:các\s+)?", gap):
                a.issuer = b.issuer
        entries: dict[str, dict] = {}
        order: list[str] = []
        # A law named without its number ("Luật Giáo dục") is the numbered one
        # named the same way elsewhere ("Luật Giáo dục số 43/2019/QH14"), however
        # OCR spelled either ("Tổ chức chính quyên địa phương").
        numbered_titles: dict[str, str] = {}
        for m in mentions:
            if m.number and m.title:
                numbered_titles.setdefault(self._title_key(m), "N:" + _canon_number(m.number))
        for men in mentions:
            if men.extra.get("short"):
                continue
            # Group by number (a later mention may lack the date the key needs).
            key = ("N:" + _canon_number(men.number)) if men.number else \
                numbered_titles.get(self._title_key(men)) or "T:" + self._title_key(men)
            span = Span(**doc.span(men.start, men.end))
            if key not in entries:
                entries[key] = {"m": men, "mentions": [span], "titles": {}}
                order.append(key)
            else:
                e = entries[key]
                e["mentions"].append(span)
                self._complete(e["m"], men)
            if men.title:
                t = entries[key]["titles"]
                t[men.title] = t.get(men.title, 0) + 1
        # Short re-mentions ("Quyết định 2270", "Nghị định số 34") join the full
        # mention with that number; one printed with "số" and no full mention
        # is a citation of its own ("Nghị quyết số 30a năm 2010").
        by_short: dict[tuple[str, str], list[str]] = {}
        for key in order:
            e = entries[key]["m"]
            if e.number:
                lead = re.match(r"\d+[a-z]?", e.number)
                if lead:
                    by_short.setdefault((e.doc_type.casefold(), lead.group().lstrip("0") or "0"), []).append(key)
        for men in mentions:
            num = men.extra.get("short")
            if not num:
                continue
            # "Nghị định 30/2020" is the 30/…/NĐ-CP of 2020, not of 2019
            year = men.extra.get("year")
            keys = [k for k in by_short.get((men.doc_type.casefold(), num.lstrip("0") or "0"), [])
                    if not year or str(symbol_year(entries[k]["m"].number) or year) == year]
            key = keys[0] if keys else None
            span = Span(**doc.span(men.start, men.end))
            if key:
                entries[key]["mentions"].append(span)
            elif men.extra.get("numbered"):
                men.number = men.extra["printed"]
                if men.extra.get("year"):
                    men.extra["key_year"] = men.extra["year"]
                key = "S:" + men.doc_type.casefold() + "|" + num + "|" + (men.extra.get("year") or "")
                if key in entries:
                    entries[key]["mentions"].append(span)
                else:
                    entries[key] = {"m": men, "mentions": [span], "titles": {}}
                    order.append(key)
        out = []
        for key in order:
            e = entries[key]
            m: Mention = e["m"]
            if e["titles"] and m.title and not m.number:
                # a name printed several ways: the spelling most mentions use,
                # the longer (with its year) on a tie
                m.title = max(e["titles"], key=lambda t: (e["titles"][t], len(t)))
            out.append(Citation(
                doc_type=m.doc_type, number=m.number, date=m.date, issuer=m.issuer, title=m.title,
                relation=m.relation, pin=m.pin, key=self._key(m), mentions=sorted(e["mentions"], key=lambda x: x.start),
                rule="number" if m.number else "named",
                **doc.span(m.start, m.end)))
        return out

    @staticmethod
    def _complete(first: Mention, men: Mention) -> None:
        """One entry keeps the most complete account of its document: the number,
        date, issuer, title and pin from whichever mention has them, and a law's
        name with its year over the name alone."""
        if first.number is None and men.number is not None:
            first.number = men.number
        for f in ("date", "issuer", "title", "pin"):
            if getattr(first, f) is None and getattr(men, f) is not None:
                setattr(first, f, getattr(men, f))
        if first.title and men.title and men.title != first.title and _fold(men.title) == _fold(first.title) \
                and len(men.title) > len(first.title) and re.search(r"\d{4}$", men.title):
            first.title = men.title
        if first.relation == "unknown":
            first.relation = men.relation

    @staticmethod
    def _title_key(m: Mention) -> str:
        return f"{m.doc_type.casefold()}|{_fold(m.title or '')}"

    @staticmethod
    def _key(m: Mention) -> str:
        if m.number and m.extra.get("key_year"):
            return citation_key(m.number, m.extra["key_year"], m.doc_type, m.title)
        return citation_key(m.number, m.date, m.doc_type, m.title)


def citation_key(number: str | None, date: str | None, doc_type: str = "", title: str | None = None) -> str:
    """Issuer-aware canonical key of a cited (or citing) document.

    Administrative numbers restart every year and repeat across provinces, so a
    numbered document's key carries its issuer code and year:
    `300/KH-SCT|SCT|2024`. A document without a number is keyed by its type and
    title: `luật|thi đua khen thưởng`."""
    if number:
        n = _canon_number(number)
        year = symbol_year(n) or (date[:4] if date else "?")
        # the issuer code is read before upper-casing: TTr, CTr are type codes
        return f"{n}|{(issuer_code(normalize_symbol(number)) or '').upper()}|{year}"
    t = re.sub(r"\W+", " ", (title or "").casefold()).strip()
    t = re.sub(r"\s+(?:năm\s+)?\d{4}$", "", t)
    return f"{doc_type.casefold()}|{t}"
