"""Overlapping spans to flat markup.

Items overlap (a date inside a citation, a target inside a commemoration's
sentence), and HTML elements must nest. So the text is cut at every item's
start and end: each piece knows every item that covers it, and the template
writes one element per piece (its classes say which kinds cover it, its
`data-items` which items). A sweep over the sorted boundaries: O((n + k) log k)
for n characters and k spans, plus the size of the output.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Piece:
    text: str
    start: int
    end: int
    items: list[str] = field(default_factory=list)      # item ids covering the piece, outermost first
    kinds: list[str] = field(default_factory=list)      # their kinds, without repeats
    starts: list[str] = field(default_factory=list)     # items whose first span begins here
    anchor: bool = False                                 # an outline part begins here


def pieces(text: str, spans: list[tuple[str, str, int, int]], anchors: set[int] | frozenset = frozenset()
           ) -> list[Piece]:
    """Cut `text` at every span's ends, and at each offset in `anchors`. `spans`
    are (item id, kind, start, end); spans outside the text are clipped, empty
    ones dropped."""
    n = len(text)
    clean = []
    for sid, kind, s, e in spans:
        s, e = max(0, min(s, n)), max(0, min(e, n))
        if e > s:
            clean.append((sid, kind, s, e))
    anchors = {a for a in anchors if 0 <= a < n}
    cuts = sorted({0, n, *anchors, *(s for _, _, s, _ in clean), *(e for _, _, _, e in clean)})
    opens: dict[int, list] = {}
    closes: dict[int, list] = {}
    for sp in clean:
        opens.setdefault(sp[2], []).append(sp)
        closes.setdefault(sp[3], []).append(sp)
    active: dict[str, tuple] = {}
    seen: set[str] = set()
    out: list[Piece] = []
    for a, b in zip(cuts, cuts[1:]):
        for sp in closes.get(a, ()):
            active.pop(sp[0], None)
        begun = sorted(opens.get(a, ()), key=lambda sp: (-sp[3], sp[0]))   # longer (outer) first
        for sp in begun:
            active[sp[0]] = sp
        ordered = sorted(active.values(), key=lambda sp: (sp[2], -sp[3], sp[0]))
        kinds: list[str] = []
        for sp in ordered:
            if sp[1] not in kinds:
                kinds.append(sp[1])
        first = [sp[0] for sp in begun if sp[0] not in seen]     # an item's first span carries its anchor
        seen.update(first)
        out.append(Piece(text[a:b], a, b, [sp[0] for sp in ordered], kinds, first, a in anchors))
    return out
