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
from dataclasses import dataclass, field
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.datefind import find_dates
from vanban.extractors.symbols import SYMBOL, issuer_code, normalize_symbol, symbol_year, type_code
from vanban.extractors.text import collapse
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


def _type_alts() -> str:
    words = sorted((t["word"] for t in _types()), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)


@lru_cache(maxsize=1)
def _rx() -> dict[str, re.Pattern]:
    types = _type_alts()
    cap_types = f"(?:{types})"
    low_types = "(?:" + "|".join(r"\s+".join(map(re.escape, t["word"].lower().split()))
                                 for t in sorted(_types(), key=lambda t: -len(t["word"]))) + ")"
    # "Kế hoạch hành động số …", "Chỉ thị liên tịch số …": a qualifier before the number
    num_list = rf"(?P<pre>(?:\d{{1,5}}[a-z]?\s*(?:,|và)\s*)+)?(?P<sym>{SYMBOL}|\d{{1,5}}-[A-ZĐ]{{2,}}(?![\w/]))"
    return {
        # Type word, optional "số", symbol (or a list ending in one).
        "typed": re.compile(
            rf"(?P<type>{cap_types}|(?<![\w])(?:{low_types})(?=\s+số\s+\d))"
            rf"(?:\s+(?:liên\s+tịch|liên\s+ngành|hành\s+động|số|số\s+hiệu))*\s*:?\s*{num_list}"),
        # A bare symbol (in a list, or with its type only in the code).
        "bare": re.compile(rf"(?<![\w/:.-])(?P<sym>{SYMBOL})(?![\w/])"),
        # A short re-mention: "Quyết định 2270", "Nghị định số 58".
        "short": re.compile(rf"(?P<type>{cap_types})\s+(?:số\s+)?(?P<num>\d{{1,5}})(?![\d/\w]|[.,]\d)"),
        # A named law: "Luật Thi đua, khen thưởng", "Bộ luật Lao động".
        "law": re.compile(r"(?<!Đoàn\s)(?<!đoàn\s)(?P<type>Bộ\s+luật|Luật|Pháp\s+lệnh|Hiến\s+pháp)(?!\s+sư\b)\s+(?P<name>[A-ZĐÀ-Ỹa-zđà-ỹ])"),
        # Nghị quyết Đại hội …: a named resolution without a number.
        "congress": re.compile(r"(?P<type>Nghị\s+quyết)\s+(?P<name>Đại\s+hội\s+(?:đại\s+biểu\s+toàn\s+quốc\s+lần\s+thứ\s+[IVXLC]+\s+của\s+Đảng|"
                               r"[IVXLC]+\s+Đảng\s+bộ\s+(?:tỉnh|thành\s+phố|huyện)|"
                               r"(?:đại\s+biểu\s+)?(?:Đảng\s+bộ\s+)?(?:tỉnh|thành\s+phố|huyện)(?:\s+[A-ZĐÀ-Ỹ][\wà-ỹ']*){0,3}\s+lần\s+thứ\s+[IVXLC]+))"),
        # A named scheme or master plan: Đề án “…”, Quy hoạch … thời kỳ 2021 - 2030
        "named_plan": re.compile(r"(?P<type>Đề\s+án|Quy\s+hoạch|Chiến\s+lược)\s+(?:“(?P<q>[^”\n]{5,200})(?:”|(?=\n))|"
                                 r"(?P<t>[^\n;.“”()]{3,120}?(?:thời\s+kỳ|giai\s+đoạn)\s+\d{4}\s*-\s*\d{4}(?:,\s*tầm\s+nhìn\s+đến\s+năm\s+\d{4})?))"),
    }


# Where a law's name ends: punctuation, a number or date, or a word that
# starts the rest of the sentence.
_LAW_NAME_END = re.compile(
    r"\s*(?:[;:.()\n\[“”\"]|,\s*(?=[A-ZĐ]|các|được|đã|và|theo|tại|trong|nhằm|bảo\s+đảm|đảm\s+bảo)|\s+số\b|\s+ngày\b|"
    r"\s+(?:và\s+(?=các\b|những\b|Luật\b|Nghị\b|Bộ\b|Pháp\b|Quyết\b|Thông\b|văn\b|pháp\s+luật\b|xây\s+dựng\b|thực\s+hiện\b|"
    r"triển\s+khai\b|tổ\s+chức\b|ban\s+hành\b|hướng\s+dẫn\b|quy\s+định\b)|hoặc|quy\s+định|như|về|sửa\s+đổi|"
    r"được|đã|có|trong|trên|tại|cho|để|nhằm|thì|theo|bảo\s+đảm|đảm\s+bảo|gắn|với|đến|từ|khi|là|này|"
    r"thuộc|năm\s+(?!\d)|sẽ|của\s+(?:Quốc\s+hội|nước)|hiện\s+hành|đồng\s+thời|cũng|vừa|"
    r"giai\s+đoạn|qua|để|lần|mới|ước|đạt|ban\s+hành|\d{1,2}/)\b)")
_LAW_YEAR = re.compile(r"\s+(?:năm\s+)?\d{4}\b")
_AMENDING = re.compile(r"sửa\s+đổi,?\s+bổ\s+sung\s+(?:một\s+số\s+điều\s+)?(?:của\s+)?(?:các\s+)?(?:Luật|Bộ\s+luật)\s+[A-ZĐÀ-Ỹ]")
# "Luật" before a function word is the common noun ("thi hành Luật và các văn bản …").
_FUNCTION_WORD = re.compile(r"(?:và|hoặc|thuộc|theo|bao\s+gồm|vào|trong|a|của|để|được|này|cho|có|không|là|đã|sẽ|với|"
                            r"từ|tại|khi|nếu|hiện|mới|trên|dưới|sau|trước|đó|định|pháp|sư|gia|học)\b")
_NOT_LAW_NAMES = {"Việt Nam", "Nhà nước", "Đảng", "pháp"}


def _law_name_end(text: str, start: int) -> int:
    """Where a law's name ends. Commas and "và" may sit inside a name ("Thi đua,
    khen thưởng", "Khoa học và Công nghệ"); a comma followed by a long run of
    words is the sentence going on ("Ngân sách nhà nước, nguồn chi tổ chức …")."""
    m = _LAW_NAME_END.search(text, start)
    end = m.start() if m else min(len(text), start + 80)
    name = text[start:end]
    # a name closed by punctuation or a list ("…, Luật Quản lý, sử dụng tài sản công;")
    # may carry a longer tail after its comma than one a stop word cut short
    hard = end >= len(text) or text[end] in ";.\n" or bool(re.match(r",\s*(?:Luật|Bộ\s+luật|Nghị|Quyết|Thông)\b", text[end:end + 12]))
    for c in re.finditer(r",\s*", name):
        tail = name[c.end():]
        if len(tail.split()) > (4 if hard else 3):
            return start + c.start()
    return end

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
_DATE_NEAR = re.compile(r"\s*,?\s*(?:ban\s+hành\s+|được\s+ban\s+hành\s+|thông\s+qua\s+)?(?:ngày|Ngày)\s")
_PIN = re.compile(r"(?:(?:điểm|Điểm)\s+[a-zđ](?:\s*,\s*[a-zđ])*(?:\s+và\s+[a-zđ])?\s+)?(?:(?:khoản|Khoản)\s+\d+(?:\s*,\s*\d+)*(?:\s+và\s+\d+)?\s+)?"
                  r"(?:Điều|điều)\s+\d+[a-z]?(?:\s*,\s*(?:Điều\s+)?\d+[a-z]?)*(?:\s+và\s+(?:Điều\s+)?\d+[a-z]?)?\s*,?\s*(?:của\s+)?$")
_SELF = re.compile(r"^\s*(?:này|nói\s+trên|trên)\b")
_DRAFT = re.compile(r"(?:dự\s+thảo|Dự\s+thảo)\s*$")
_NOT_DOC_BEFORE = re.compile(r"(?:[Mm]ẫu(?:\s+số)?|[Mm]ã(?:\s+số)?|[Tt]ài\s+khoản|[Bb]iểu(?:\s+số)?|[Pp]hụ\s+lục(?:\s+số)?)\s*$")


@lru_cache(maxsize=1)
def _relations() -> list[tuple[re.Pattern, str]]:
    out = []
    for r in load("relations")["relations"]:
        for v in r["verbs"]:
            out.append((len(v), re.compile(r"(?:^|[\s;,(])" + r"\s+".join(map(re.escape, v.split())) + r"\b", re.I), r["relation"]))
    out.sort(key=lambda x: -x[0])
    return [(rx, rel) for _, rx, rel in out]


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
    clause_start = max(text.rfind(";", 0, start), text.rfind("\n", 0, start), text.rfind(". ", 0, start), start - 120,
                       floor - 1)
    ctx = text[clause_start + 1:start]
    # The verb nearest the citation wins; of two ending together, the longer
    # ("sửa đổi, bổ sung" over "bổ sung", "hướng dẫn thi hành" over "thi hành").
    best, best_key = "unknown", (-1, 0)
    for rx, rel in _relations():
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


class CitationExtractor:
    name = "citations"
    requires: tuple[str, ...] = ("document",)
    produces = "citations"

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        own = doc.results["document"].number
        own_norm = normalize_symbol(own) if own else None
        mentions = self._find(text)
        mentions = [m for m in mentions if not (own_norm and m.number and normalize_symbol(m.number) == own_norm)]
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
        rx = _rx()
        taken: list[tuple[int, int]] = []
        out: list[Mention] = []

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b in taken)

        for m in rx["typed"].finditer(text):
            if _DRAFT.search(text[max(0, m.start() - 12):m.start()]):
                taken.append(m.span())        # a draft's symbol is not cited either
                continue
            word = collapse(m.group("type"))
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
                              number=normalize_symbol(n), core_end=m.end())
                first = False
                out.append(men)
            taken.append(m.span())
        for m in rx["law"].finditer(text):
            if not free(m.start(), m.start("name") + 1):
                continue
            if _DRAFT.search(text[max(0, m.start() - 12):m.start()]):
                continue
            name_start = m.start("name")
            amending = _AMENDING.match(text, name_start)
            if amending:
                # "Luật sửa đổi, bổ sung một số điều của Luật X": the amending law;
                # the amended one is cited on its own (its span stays free).
                name_end = amending.end()
                inner = _LAW_NAME_END.search(text, name_end)
                name_end = inner.start() if inner else name_end
            elif text[name_start:name_start + 7].lower() == "sửa đổi":
                # "Luật sửa đổi, bổ sung một số điều của 37 luật có liên quan đến quy hoạch":
                # the name runs to the end of the clause, a number or a date
                stop = re.compile(r"\s*(?:[;.\n(]|\s+số\s+\d|\s+ngày\s+\d|\s+năm\s+\d{4})").search(text, name_start)
                name_end = stop.start() if stop else min(len(text), name_start + 160)
            else:
                name_end = _law_name_end(text, name_start)
            # keep a printed year with the name ("Luật Điện lực 2024", "… năm 2023")
            y = _LAW_YEAR.match(text, name_end)
            if y:
                name_end = y.end()
            name = collapse(text[name_start:name_end]).rstrip(" ,")
            if not name or len(name.split()) > (25 if amending else 14) or _SELF.match(name) or name in _NOT_LAW_NAMES:
                continue
            # A name in lower case ("Luật thi đua, khen thưởng ngày …") counts only
            # when a date or number pins it down; otherwise "Luật" is a common noun.
            if name[0].islower() and not amending and not re.fullmatch(r"năm\s+\d{4}", name) and _FUNCTION_WORD.match(name):
                continue
            word = collapse(m.group("type"))
            # "Luật Giáo dục số 43/2019/QH14": the name and the number are one citation
            num = re.match(rf"\s+số\s+(?P<sym>{SYMBOL})(?![\w/])", text[name_end:])
            number, end = None, name_end
            if num:
                number, end = normalize_symbol(num.group("sym")), name_end + num.end()
            out.append(Mention(start=m.start(), end=end, doc_type=word, number=number, title=name, core_end=end))
            taken.append((m.start(), amending.start() + 1 if amending else end))
        for m in rx["bare"].finditer(text):
            if not free(*m.span()):
                continue
            before = text[max(0, m.start() - 20):m.start()]
            if _NOT_DOC_BEFORE.search(before):
                continue
            if _DRAFT.search(text[max(0, m.start() - 20):m.start()]):
                continue
            out.append(Mention(start=m.start(), end=m.end(), doc_type="", number=normalize_symbol(m.group("sym")),
                               core_end=m.end()))
            taken.append(m.span())
        for m in rx["congress"].finditer(text):
            if not free(*m.span()):
                continue
            out.append(Mention(start=m.start(), end=m.end(), doc_type="Nghị quyết", number=None,
                               title=collapse(m.group("name")), core_end=m.end()))
            taken.append(m.span())
        for m in rx["named_plan"].finditer(text):
            if not free(*m.span()):
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
            taken.append(m.span())
        out.sort(key=lambda x: x.start)
        # Bare symbols take their type from the mention they are listed with.
        for i, men in enumerate(out):
            if men.doc_type:
                continue
            prev = out[i - 1] if i else None
            gap = text[prev.core_end:men.start] if prev else ""
            if prev and prev.doc_type and len(gap) < 80 and re.fullmatch(r"[\s,;:và]*(?:(?:ngày|Ngày)[^;]*?)?[\s,;và]*(?:số\s*)?", gap):
                men.doc_type = prev.doc_type if prev.number else _word_for_code(men.number)
            else:
                before = text[max(0, men.start - 40):men.start]
                tw = re.search(rf"({_type_alts()})\s+(?:số\s+)?$", before, re.I)
                men.doc_type = collapse(tw.group(1)).capitalize() if tw else _word_for_code(men.number)
        prev_end = 0
        for men in out:                     # in text order: each sees where the last one ended
            men.extra["floor"] = min(prev_end, men.start)
            self._parse_tail(text, men)
            prev_end = men.end
        # A list under one verb ("Căn cứ A; B và C") shares its relation.
        for prev, men in zip(out, out[1:]):
            if men.relation == "unknown" and prev.relation != "unknown" and \
                    not re.search(r"\.\s|\n", text[prev.start:men.start]):
                men.relation = prev.relation
        # Short re-mentions, resolved later against full ones.
        for m in rx["short"].finditer(text):
            if not free(*m.span()):
                continue
            out.append(Mention(start=m.start(), end=m.end(), doc_type=collapse(m.group("type")), number=None,
                               core_end=m.end(), extra={"short": m.group("num")}))
        out.sort(key=lambda x: x.start)
        return out

    def _parse_tail(self, text: str, men: Mention) -> None:
        pos = men.core_end
        # the date right after the number
        d = _DATE_NEAR.match(text, pos)
        if d:
            found = find_dates(text[d.start(): d.end() + 30])
            if found and found[0].start <= (d.end() - d.start()) + 1 and found[0].value:
                men.date = found[0].value
                pos = d.start() + found[0].end
        elif re.match(r"\s*(?:năm\s+)?\d{4}\b", text[pos:pos + 10]) and men.number and men.number.isdigit():
            pass
        # issuer ("của Bộ Công Thương"), then perhaps a date after it
        iss = _ISSUER.match(text, pos)
        if iss:
            val = iss.group("of") or iss.group("bare")
            if val and not re.match(r"(?:Nghị|Quyết|Chỉ|Thông|Luật|Kế)\s", val):
                men.issuer = collapse(val)
                pos = iss.end()
                if not men.date:
                    d = _DATE_NEAR.match(text, pos)
                    if d:
                        found = find_dates(text[d.start(): d.end() + 30])
                        if found and found[0].value:
                            men.date = found[0].value
                            pos = d.start() + found[0].end
        # title ("về …")
        t = _TITLE_START.match(text, pos)
        if t:
            end_m = _TITLE_END.search(text, t.start("t"))
            tend = end_m.start() if end_m else min(len(text), t.start("t") + 300)
            if tend - t.start("t") > 400:
                tend = t.start("t") + 400
            title = collapse(text[t.start("t"):tend]).rstrip(" ,")
            if title and men.title is None:
                men.title = title
                pos = tend
        men.end = max(men.end, pos)
        # pin cite before the type word ("Điều 51, Điều 52 Nghị định …")
        p = _PIN.search(text[max(0, men.start - 120):men.start])
        if p:
            men.pin = collapse(p.group()).rstrip(" ,")
            for w in (" của", ","):
                men.pin = men.pin.removesuffix(w)
        men.relation = _relation_before(text, men.start, men.extra.get("floor", 0))

    # ---- resolve -----------------------------------------------------------

    def _resolve(self, doc: Doc, mentions: list[Mention]) -> list[Citation]:
        text = doc.text
        # A list ("Quyết định số 309/QĐ-BCT và Quyết định số 310/QĐ-BCT ngày … của … về …")
        # shares the date, issuer and title printed after its last member.
        for i in range(len(mentions) - 2, -1, -1):
            a, b = mentions[i], mentions[i + 1]
            if a.extra.get("short") or b.extra.get("short"):
                continue
            gap = text[a.end:b.start]
            if a.date is None and a.issuer is None and a.title is None and re.fullmatch(r"\s*(?:,|và|;)?\s*(?:các\s+)?", gap) \
                    and (a.doc_type == b.doc_type or not b.doc_type):
                a.date, a.issuer, a.title = b.date, b.issuer, b.title
            elif a.issuer is None and a.date is not None and a.title is None and re.fullmatch(r"\s*(?:,|và)\s*(?:các\s+)?", gap):
                a.issuer = b.issuer
        entries: dict[str, dict] = {}
        order: list[str] = []
        # A law named without its number ("Luật Giáo dục") is the numbered one
        # named the same way elsewhere ("Luật Giáo dục số 43/2019/QH14").
        numbered_titles = {self._title_key(m): "N:" + normalize_symbol(m.number).upper()
                           for m in mentions if m.number and m.title}
        for men in mentions:
            if men.extra.get("short"):
                continue
            # Group by number (a later mention may lack the date the key needs).
            key = ("N:" + normalize_symbol(men.number).upper()) if men.number else \
                numbered_titles.get(self._title_key(men)) or self._key(men)
            span = Span(**doc.span(men.start, men.end))
            if key not in entries:
                entries[key] = {"m": men, "mentions": [span]}
                order.append(key)
            else:
                e = entries[key]
                e["mentions"].append(span)
                first = e["m"]
                for f in ("date", "issuer", "title", "pin"):
                    if getattr(first, f) is None and getattr(men, f) is not None:
                        setattr(first, f, getattr(men, f))
                if first.relation == "unknown":
                    first.relation = men.relation
        # Short re-mentions ("Quyết định 2270") join the full mention with that number.
        for men in mentions:
            num = men.extra.get("short")
            if not num:
                continue
            for key in order:
                e = entries[key]["m"]
                if e.number and re.match(rf"{num}(?:[/-]|$)", e.number) and e.doc_type.casefold() == men.doc_type.casefold():
                    entries[key]["mentions"].append(Span(**doc.span(men.start, men.end)))
                    break
        out = []
        for key in order:
            e = entries[key]
            m: Mention = e["m"]
            out.append(Citation(
                doc_type=m.doc_type, number=m.number, date=m.date, issuer=m.issuer, title=m.title,
                relation=m.relation, pin=m.pin, key=self._key(m), mentions=e["mentions"], rule="number" if m.number else "named",
                **doc.span(m.start, m.end)))
        return out

    @staticmethod
    def _title_key(m: Mention) -> str:
        t = re.sub(r"\W+", " ", (m.title or "").casefold()).strip()
        t = re.sub(r"\s+(?:năm\s+)?\d{4}$", "", t)
        return f"{m.doc_type.casefold()}|{t}"

    @staticmethod
    def _key(m: Mention) -> str:
        return citation_key(m.number, m.date, m.doc_type, m.title)


def citation_key(number: str | None, date: str | None, doc_type: str = "", title: str | None = None) -> str:
    """Issuer-aware canonical key of a cited (or citing) document.

    Administrative numbers restart every year and repeat across provinces, so a
    numbered document's key carries its issuer code and year:
    `300/KH-SCT|SCT|2024`. A document without a number is keyed by its type and
    title: `luật|thi đua khen thưởng`."""
    if number:
        n = normalize_symbol(number)
        year = symbol_year(n) or (date[:4] if date else "?")
        # the issuer code is read before upper-casing: TTr, CTr are type codes
        return f"{n.upper()}|{(issuer_code(n) or '').upper()}|{year}"
    t = re.sub(r"\W+", " ", (title or "").casefold()).strip()
    t = re.sub(r"\s+(?:năm\s+)?\d{4}$", "", t)
    return f"{doc_type.casefold()}|{t}"
