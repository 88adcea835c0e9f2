"""The speed devices of extractors/alternation.py give the answers of the plain
patterns they stand for: each is compared with the plain form on generated
strings (hypothesis) and on cases written out."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vanban.extractors.alternation import (PhraseEnds, WordGate, boundary_after_first, line_starts_holding,
                                           lower_for_words, phrase_alternation, required_words, scan, space_before)

PHRASES = ["Nghị định", "Nghị quyết", "Nghị quyết liên tịch", "Kế hoạch", "Kế hoạch hành động", "Luật", "Bộ luật",
           "thông báo", "thông báo kết luận", "kết luận", "mừng", "chào mừng", "a", "ab", "abc"]
ALPHABET = st.sampled_from(["Nghị", "định", "quyết", "liên", "tịch", "Kế", "hoạch", "hành", "động", "Luật", "Bộ", "luật",
                            "thông", "báo", "kết", "luận", "chào", "mừng", "a", "b", "c", "ab", " ", "  ", "\n", "x",
                            "số", "5", "/", "ſ", "İ", "Σ", "K", "ĐÃ", "đã", "đạt", "được", "(", "-"])
TEXTS = st.lists(ALPHABET, max_size=25).map("".join)


def _sorted_alternation(phrases):
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_phrase_trie_matches_as_the_longest_first_alternation(text):
    plain = re.compile(rf"(?:{_sorted_alternation(PHRASES)})(?!\w)")
    trie = re.compile(rf"{phrase_alternation(PHRASES)}(?!\w)")
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_phrase_trie_takes_the_longest_phrase_and_backs_off():
    rx = re.compile(phrase_alternation(PHRASES) + r"\s+số")
    assert rx.search("Kế hoạch hành động số 5").group() == "Kế hoạch hành động số"
    assert rx.search("Kế hoạch  số 5").group() == "Kế hoạch  số"          # the shorter phrase when the longer fails


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_look_behind_after_the_first_character(text):
    for pattern in (r"\b([Ss])[éóò6eo](?=\s*\d)", r"(?<=/)[0O]H", r"(?<!\w)l", r"\bĐ[ãà]"):
        new = boundary_after_first(pattern)
        assert new != pattern
        assert [m.span() for m in re.finditer(new, text)] == [m.span() for m in re.finditer(pattern, text)]


def test_patterns_it_cannot_rewrite_are_left_alone():
    for pattern in (r"\b\d+", r"\bS+x", r"(?<=a|b)c", r"(?<=(a))c", r"\b(?:a|b)"):
        assert boundary_after_first(pattern) == pattern


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_scan_from_known_starts_is_finditer(text):
    rx = re.compile(r"(?m)^[ \t]*(?:Luật|a)[^\n]*")
    starts = line_starts_holding(text, "Luật") + line_starts_holding(text, "a")
    assert [m.span() for m in scan(rx, text, sorted(set(starts)))] == [m.span() for m in rx.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(0, 60))
def test_phrase_ends_finds_every_phrase_ending_at_an_offset(text, e):
    e = min(e, len(text))
    ends = PhraseEnds(PHRASES)
    rx = re.compile(phrase_alternation(PHRASES))
    expected = sorted(s for s in range(e + 1) if (m := rx.fullmatch(text, s, e)) and
                      any(re.fullmatch(r"\s+".join(map(re.escape, p.split())), text[s:e]) for p in PHRASES))
    assert ends.starts(text, e) == expected


def test_phrase_ends_reads_back_over_any_white_space():
    t = "để chào  \n mừng 5 năm"
    assert [t[s:s + 4] for s in PhraseEnds(PHRASES).starts(t, t.index(" 5"))] == ["chào", "mừng"]
    assert space_before(t, t.index("5")) == t.index(" 5")


def test_required_words_are_read_from_the_pattern():
    rx = re.compile(r"so\s+với\s+cùng\s+kỳ|(?:^|[^\wđ])đạt\s+được|h[ằà]ng\s+năm", re.I)
    assert required_words(rx) == (("so", "với", "cùng", "kỳ"), ("đạt", "được"), ("h", "ng", "năm"))
    assert required_words(re.compile(r"\d+|năm")) is None          # an alternative with no plain characters


def test_lowering_is_refused_where_case_blindness_differs():
    assert lower_for_words("ĐÃ ĐẠT") == "đã đạt"
    for s in ("ſố", "İ", "Σ", "µ"):
        assert lower_for_words(s) is None


CUES = [r"so\s+với\s+cùng\s+kỳ|cùng\s+kỳ\s+năm", r"(?:^|[^\wđ])đạt\s+được(?!\s+(?:các\s+)?mục\s+tiêu)",
        r"quý\s+[IV]+(?:/|\s+năm)", r"đạt\s+\d+\s*%\s*(?:KH|kế\s+hoạch)", r"\bđã\b", r"h[ằà]ng\s+năm|mỗi\s+năm"]
CUE_TEXTS = st.lists(st.sampled_from(["so", "với", "Với", "cùng", "kỳ", "năm", "NĂM", "đạt", "ĐẠT", "được", "các",
                                      "mục", "tiêu", "quý", "IV", "iv", "/", "5", "%", "KH", "kh", "kế", "hoạch", "đã",
                                      "Đã", "hằng", "hàng", "mỗi", " ", "\n", "ſ", "İ", "Σ", "x"]),
                     max_size=20).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(CUE_TEXTS)
def test_word_gate_answers_as_the_pattern(text):
    for p in CUES + ["|".join(f"(?:{c})" for c in CUES)]:
        rx = re.compile(p, re.I)
        gate = WordGate(rx)
        found = rx.search(text)
        assert (gate.search(text) and gate.search(text).span()) == (found and found.span())
        assert gate.test(text) == (found is not None)
        assert gate.blank(text) == rx.sub(lambda m: " " * len(m.group()), text)


def test_word_gate_uses_its_faster_forms():
    gate = WordGate(re.compile("|".join(f"(?:{c})" for c in CUES), re.I))
    assert gate.fast is not None and gate.words is not None         # KH, IV are lowered: still case-sensitive-able
    assert not gate.test("một câu không có gì") and gate.test("ĐÃ ĐẠT ĐƯỢC 5 % KH")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ABC D\n\tXa-", max_size=25),
       st.lists(st.text(alphabet="ABCX-", min_size=1, max_size=3), min_size=2, max_size=3))
def test_header_name_words_are_found_as_the_pattern_finds_them(folded, words):
    # metadata._words_at stands for a pattern compiled per document
    from vanban.extractors.metadata import _words_at
    m = re.search(r"(?<![A-Z])" + r"\s+".join(map(re.escape, words)) + r"(?![A-Z])", folded)
    assert _words_at(folded, words) == (m.span() if m else None)
