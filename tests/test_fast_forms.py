"""The hand-written fast forms of cleaning and the structure stage
(pipeline/clean.py, structure/markup.py, structure/outline.py, structure/rules.py)
give the answers of the plain forms they stand for, compared on generated
strings (hypothesis) and on cases written out."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vanban.pipeline import clean as C
from vanban.pipeline.structure import markup as M
from vanban.pipeline.structure import signature as G
from vanban.pipeline.structure.outline import _one_spaced
from vanban.pipeline.structure.rules import rules

TEXTS = st.lists(st.sampled_from(["|", " ", "\t", "\n", "a", "-", "||", " | ", "\n|\n", "Số"]), max_size=30).map("".join)


def _runs(text: str) -> list[tuple[int, int]]:
    """`_BAR_LINE.finditer`, adjacent matches joined."""
    out: list[tuple[int, int]] = []
    for m in C._BAR_LINE.finditer(text):
        if out and out[-1][1] == m.start():
            out[-1] = (out[-1][0], m.end())
        else:
            out.append(m.span())
    return out


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_bar_line_runs_are_the_pattern_matches_joined(text):
    assert C._bar_line_runs(text) == _runs(text)
    assert M._bar_only_spans(text) == [m.span() for m in M._BAR_ONLY.finditer(text)]


def test_a_run_of_bar_lines_is_one_deletion_and_cells_move_as_before():
    text = "|\nSố: 12\n|\n|\n  |  \nCà Mau\n|\n\nend |"
    assert C._bar_line_runs(text) == [(0, 2), (9, 19), (26, 28)]
    # the cell positions carried through the joined runs land where one edit per line puts them
    positions = list(range(len(text) + 1))
    one_by_one = [(s, e, "") for s, e in (m.span() for m in C._BAR_LINE.finditer(text))]
    joined = [(s, e, "") for s, e in C._bar_line_runs(text)]
    assert C._move(positions, joined) == C._move(positions, one_by_one)
    assert C.clean_text(text) == "Số: 12\nCà Mau\n\nend"


SPACED = st.text(alphabet=st.sampled_from(["a", "Đ", " ", "\n", "\t", "\xa0", "\u2003", "\x1f", "\x85",
                                           "\u200b", "\u2028", "."]), max_size=20)


@settings(max_examples=500, deadline=None)
@given(SPACED)
def test_one_spaced_is_split_and_join(s):
    assert _one_spaced(s) == " ".join(s.split())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["MUC", "TIEU", "CHI", "KINH", "PHI", "TO", "CHUC", "THUC", "HIEN", "TIEN", "DO",
                                 "XMUC", "A", " ", "  ", "\n"]), max_size=12).map(" ".join))
def test_any_topic_finds_a_title_when_one_topic_does(title):
    R = rules()
    assert bool(R.any_topic.search(title)) == any(rx.search(title) for _, rx in R.topics)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["#", "##", "#######", " ", "  ", "\n", "\t", "a", "x#"]), max_size=14).map("".join))
def test_line_start_patterns_found_from_the_newline(text):
    for finder, rx in ((C._MD_HEADING_F, C._MD_HEADING), (C._LEAD_SPACE_F, C._LEAD_SPACE)):
        assert finder.spans(text) == [m.span() for m in rx.finditer(text)]


SIGNATURE_BITS = st.sampled_from(["TM.", "KT.", "T", "M", "TL\n", " ", "\n", "\t", "-", "Nguyễn Văn An", "CHỦ TỊCH",
                                  "PHÓ", "ỦY BAN", "Đại\ntá ", "x", "."])


@settings(max_examples=500, deadline=None)
@given(st.lists(SIGNATURE_BITS, max_size=10).map("".join), st.data())
def test_signature_anchors_found_from_the_newline(text, data):
    a0 = data.draw(st.integers(0, len(text)))
    b0 = data.draw(st.integers(a0, len(text)))
    assert G._anchors(text, a0, b0) == [m.start() for m in G._ANCHOR.finditer(text, a0, b0)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "  ", "\n", "\n\n\n", "*", "|", "b c"]), max_size=16).map("".join))
def test_offsets_edited_in_place_are_those_of_a_copy(text):
    import re
    for pattern, repl in ((C._SPACES, " "), (C._MANY_BLANK, "\n\n"), (C._EMPHASIS, ""), (re.compile(r"b"), "xyz"),
                          (C._BAR_INLINE_F, lambda t: "\n" if "\n" in t else " ")):
        offs = [10 * i for i in range(len(text))]
        few = C._apply(text, list(offs), pattern, repl)
        saved = C._IN_PLACE_EDITS
        C._IN_PLACE_EDITS = -1          # the copying path
        try:
            copied = C._apply(text, list(offs), pattern, repl)
        finally:
            C._IN_PLACE_EDITS = saved
        assert few == copied
