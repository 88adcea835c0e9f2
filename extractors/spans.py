"""Span bookkeeping the extractors share, in time that grows as N log N.

The rules of a grammar run one after another and a later rule may not claim
text an earlier one took (`SpanSet`); a mention asks which paragraph or
sentence it stands in (`Breaks`). Both answer by binary search over sorted
offsets, so a 6 MB text costs what six 1 MB texts cost, not thirty-six.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right


class SpanSet:
    """Half-open spans already taken, kept sorted and merged.

    `free(s, e)` is true when [s, e) overlaps no span added so far. Spans added
    while one rule runs go to a pending list (appended in text order, so each
    add is O(1) amortised); `commit()` merges them in, once per rule, in linear
    time. Checking both lists gives the same answers as one list would."""

    def __init__(self) -> None:
        self._s: list[int] = []
        self._e: list[int] = []
        self._ps: list[int] = []
        self._pe: list[int] = []

    @staticmethod
    def _hits(starts: list[int], ends: list[int], s: int, e: int) -> bool:
        i = bisect_right(starts, s)
        if i and ends[i - 1] > s:
            return True
        return i < len(starts) and starts[i] < e

    def free(self, s: int, e: int) -> bool:
        return not (self._hits(self._s, self._e, s, e) or self._hits(self._ps, self._pe, s, e))

    def add(self, s: int, e: int) -> None:
        ps, pe = self._ps, self._pe
        i = bisect_left(ps, s)
        # merge with the neighbours it touches (the usual case: appended at the end)
        j = i
        while j < len(ps) and ps[j] <= e:
            e = max(e, pe[j])
            j += 1
        if i and pe[i - 1] >= s:
            i -= 1
            s = ps[i]
            e = max(e, pe[i])
        ps[i:j] = [s]
        pe[i:j] = [e]

    def commit(self) -> None:
        if not self._ps:
            return
        merged_s: list[int] = []
        merged_e: list[int] = []
        a, b = self._s, self._e
        c, d = self._ps, self._pe
        i = j = 0
        while i < len(a) or j < len(c):
            if j >= len(c) or (i < len(a) and a[i] <= c[j]):
                s, e = a[i], b[i]
                i += 1
            else:
                s, e = c[j], d[j]
                j += 1
            if merged_s and merged_e[-1] >= s:
                merged_e[-1] = max(merged_e[-1], e)
            else:
                merged_s.append(s)
                merged_e.append(e)
        self._s, self._e = merged_s, merged_e
        self._ps, self._pe = [], []


class Breaks:
    """The offsets where a pattern (a blank line, a sentence end) splits a text;
    `around(pos)` is the piece of text holding `pos`, as (start, end)."""

    def __init__(self, text: str, pattern: str | re.Pattern) -> None:
        self._text = text
        self._rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._found = False             # the breaks are found on the first question (many are never asked)
        self._n = len(text)

    def _find(self) -> None:
        for m in self._rx.finditer(self._text):
            self._starts.append(m.start())
            self._ends.append(m.end())
        self._found = True

    def around(self, pos: int) -> tuple[int, int]:
        if not self._found:
            self._find()
        i = bisect_right(self._starts, pos)
        # the piece starts after the last break that ends at or before pos
        start = 0
        k = i - 1
        while k >= 0 and self._ends[k] > pos:        # pos inside a break: step back
            k -= 1
        if k >= 0:
            start = self._ends[k]
        end = self._starts[i] if i < len(self._starts) else self._n
        return start, end


class Sorted:
    """Items sorted by an integer key, with the slice of those whose key lies in [a, b)."""

    def __init__(self, items, key) -> None:
        self.items = sorted(items, key=key)
        self.keys = [key(x) for x in self.items]

    def between(self, a: int, b: int) -> list:
        return self.items[bisect_left(self.keys, a):bisect_left(self.keys, b)]

    def last_in(self, a: int, b: int):
        """The item with the greatest key in [a, b), or None (no copy made)."""
        i = bisect_left(self.keys, b) - 1
        return self.items[i] if i >= 0 and self.keys[i] >= a else None


def contained_in_any(spans: list[tuple[int, int]]):
    """A test `inside(s, e)`: does some span hold [s, e) whole? Built once in
    N log N; each question is a binary search over the spans' starts with the
    running maximum of their ends."""
    spans = sorted(spans)
    starts = [a for a, _ in spans]
    reach: list[int] = []
    best = -1
    for _, b in spans:
        best = max(best, b)
        reach.append(best)

    def inside(s: int, e: int) -> bool:
        i = bisect_right(starts, s)
        return bool(i) and reach[i - 1] >= e

    return inside
