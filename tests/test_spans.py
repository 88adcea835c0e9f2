"""The span bookkeeping the date and citation rules share (extractors/spans.py):
the same answers as the plain scans they replace, which were quadratic."""
import random

from vanban.extractors.spans import Breaks, Sorted, SpanSet, contained_in_any


def test_spanset_answers_as_a_list_scan_does():
    rng = random.Random(11)
    for _ in range(200):
        taken: list[tuple[int, int]] = []
        spans = SpanSet()
        for _stage in range(rng.randint(1, 4)):
            for _ in range(rng.randint(0, 25)):
                s = rng.randint(0, 300)
                e = s + rng.randint(1, 30)
                want = all(e <= a or s >= b for a, b in taken)
                assert spans.free(s, e) == want, (s, e, taken)
                if want or rng.random() < 0.2:          # rules also add spans that overlap
                    taken.append((s, e))
                    spans.add(s, e)
            spans.commit()


def test_breaks_give_the_piece_around_a_position():
    text = "một. hai ba.\n\nbốn"
    paras = Breaks(text, r"\n\s*\n")
    assert paras.around(2) == (0, 12)
    assert text[slice(*paras.around(text.index("bốn")))] == "bốn"
    assert Breaks("không có", r"\n\n").around(3) == (0, 8)


def test_sorted_last_in_and_between():
    s = Sorted([(5, "b"), (1, "a"), (9, "c")], key=lambda x: x[0])
    assert s.last_in(0, 9) == (5, "b")
    assert s.last_in(6, 9) is None
    assert s.between(1, 9) == [(1, "a"), (5, "b")]


def test_contained_in_any():
    inside = contained_in_any([(10, 20), (0, 5), (12, 40)])
    assert inside(13, 39) and inside(1, 4) and not inside(4, 11) and not inside(41, 42)
    assert not contained_in_any([])(0, 1)
