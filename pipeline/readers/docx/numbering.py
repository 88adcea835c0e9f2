"""Automatic list numbers ("1.", "a)", "II.", "-") written out as Word shows
them, from numbering.xml and the styles that carry a numbering."""
from __future__ import annotations

from vanban.pipeline.readers.docx.parts import W

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = []
    for v, s in _ROMAN:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _letters(n: int) -> str:
    # Vietnamese documents letter items a, b, c, d, đ, e ...: Word itself uses a-z.
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(ord("a") + r) + s
    return s


# Word keeps list counters in 0..32767 (the largest start value its dialog takes)
# and levels in 0..8; a file may say anything, so values are clamped to that.
MAX_COUNTER = 32767
MAX_LEVEL = 8


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    """An attribute's integer, clamped to lo..hi (default when it is not one)."""
    if value is None:
        return default
    value = value.strip()
    digits = value.lstrip("+-")
    if not digits.isdigit() or len(value) - len(digits) > 1:
        return default
    if len(digits) > 18:                  # far out of range (and int() of 5,000 digits is refused)
        return lo if value.startswith("-") else hi
    return min(hi, max(lo, int(value)))


def _fmt_num(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n)
    if fmt in ("upperLetter",):
        return _letters(n).upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        return _roman(n) if fmt == "lowerRoman" else _roman(n).upper()
    if fmt in ("decimalZero",):
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    def __init__(self, numbering_xml, styles_xml) -> None:
        self.abstract: dict[str, dict[int, dict]] = {}
        self.num: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_xml is not None:
            for a in numbering_xml.iter(f"{W}abstractNum"):
                levels = {}
                for lvl in a.iter(f"{W}lvl"):
                    il = _int(lvl.get(f"{W}ilvl"), 0, 0, MAX_LEVEL)
                    fmt = lvl.find(f"{W}numFmt")
                    txt = lvl.find(f"{W}lvlText")
                    start = lvl.find(f"{W}start")
                    levels[il] = {
                        "fmt": fmt.get(f"{W}val") if fmt is not None else "decimal",
                        "text": txt.get(f"{W}val") if txt is not None else "",
                        "start": _int(start.get(f"{W}val"), 1, 0, MAX_COUNTER) if start is not None else 1,
                    }
                self.abstract[a.get(f"{W}abstractNumId")] = levels
            for n in numbering_xml.iter(f"{W}num"):
                aid = n.find(f"{W}abstractNumId")
                overrides = {}
                for ov in n.iter(f"{W}lvlOverride"):
                    so = ov.find(f"{W}startOverride")
                    if so is not None:
                        overrides[_int(ov.get(f"{W}ilvl"), 0, 0, MAX_LEVEL)] = _int(so.get(f"{W}val"), 1, 0,
                                                                                      MAX_COUNTER)
                if aid is not None:
                    self.num[n.get(f"{W}numId")] = (aid.get(f"{W}val"), overrides)
        if styles_xml is not None:
            for st in styles_xml.iter(f"{W}style"):
                numpr = st.find(f"{W}pPr/{W}numPr")
                if numpr is not None:
                    nid = numpr.find(f"{W}numId")
                    il = numpr.find(f"{W}ilvl")
                    if nid is not None:
                        self.style_num[st.get(f"{W}styleId")] = (
                            nid.get(f"{W}val"), _int(il.get(f"{W}val"), 0, 0, MAX_LEVEL) if il is not None else 0)

    def label(self, p) -> str:
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            return ""
        numpr = ppr.find(f"{W}numPr")
        nid, ilvl = None, 0
        if numpr is not None:
            n = numpr.find(f"{W}numId")
            il = numpr.find(f"{W}ilvl")
            nid = n.get(f"{W}val") if n is not None else None
            ilvl = _int(il.get(f"{W}val"), 0, 0, MAX_LEVEL) if il is not None else 0
        else:
            ps = ppr.find(f"{W}pStyle")
            if ps is not None and ps.get(f"{W}val") in self.style_num:
                nid, ilvl = self.style_num[ps.get(f"{W}val")]
        if not nid or nid == "0" or nid not in self.num:
            return ""
        aid, overrides = self.num[nid]
        levels = self.abstract.get(aid, {})
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        counts = self.counters.setdefault(nid, {})
        if ilvl in counts:
            counts[ilvl] = min(MAX_COUNTER, counts[ilvl] + 1)
        else:
            counts[ilvl] = overrides.get(ilvl, lvl["start"])
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if lvl["fmt"] == "bullet":
            return "- "
        text = lvl["text"]
        for k in range(9):
            if f"%{k + 1}" in text:
                lv = levels.get(k, {"fmt": "decimal", "start": 1})
                val = counts.get(k, overrides.get(k, lv["start"]))
                text = text.replace(f"%{k + 1}", _fmt_num(val, lv["fmt"]))
        return (text + " ") if text.strip() else ""
