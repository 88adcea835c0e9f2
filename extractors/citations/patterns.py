"""The patterns that find mentions, built once from the type words: a type word
with a symbol, a bare symbol, a short re-mention, a named law, a congress
resolution, a named scheme or plan; and the one-scan search for typed mentions."""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.alternation import PhraseEnds, phrase_alternation, phrase_branches, scan, space_before
from vanban.extractors.data import load
from vanban.extractors.symbols import SYMBOL, SYMBOL_TAIL
from vanban.extractors.citations.doc_types import _type_alts, _types


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
