"""Where a named law's name ends (`Luật Thi đua, khen thưởng`, `Luật Đất đai,
người sử dụng đất phải …`), with the words of `data/law_names.yaml`."""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.symbols import SYMBOL, normalize_symbol


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
