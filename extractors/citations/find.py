"""Finding mentions: typed symbols and lists of them, named laws (an amending
law and the laws it lists), bare symbols, congress resolutions, named schemes
and plans, short re-mentions; each parsed as it is found."""
from __future__ import annotations

import re

from vanban.extractors.spans import SpanSet
from vanban.extractors.symbols import SYMBOL, match_view, normalize_symbol
from vanban.extractors.text import collapse
from vanban.extractors.citations.doc_types import _governs, _word_for_code
from vanban.extractors.citations.laws import (_AMENDING, _FUNCTION_WORD, _ITEM_NUMBER, _LAW_NAME_RUN, _LAW_YEAR,
                                              _NEXT_LAW, _NOT_LAW_NAMES, _TYPE_WORDS, _clean_law_end, _is_law_number,
                                              _law_name_end, _law_rules)
from vanban.extractors.citations.mention import Mention
from vanban.extractors.citations.numbers import (_own_number_line, _plausible_bare, _repair_issuer_code,
                                                 repair_number)
from vanban.extractors.citations.parse import _DATE_NEAR, _relation_before, parse_tail
from vanban.extractors.citations.patterns import _rx, _typed
from vanban.extractors.citations.titles import _abbreviations, _strip_marks, fix_title


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


def find_mentions(text: str) -> list[Mention]:
    """Every mention in the text, in text order, each parsed (`parse_tail`);
    short re-mentions are left for `resolve` to join."""
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
        parse_tail(text, men)
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
