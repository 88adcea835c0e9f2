"""The signature block and the recipients (NĐ 30/2020, Phụ lục I, items 7-9).

    Nơi nhận:                       TM. ỦY BAN NHÂN DÂN     <- authority (TM., KT., TL., TUQ., Q.)
    - Như Điều 3;                   KT. CHỦ TỊCH
    - Lưu: VT.                      PHÓ CHỦ TỊCH            <- the signer's title
                                    (Đã ký)                 <- mark
                                    Trần Thị Diệu Thúy      <- name

Readers give the two columns one after the other, or glue the block onto one
line (`TM. CHÍNH PHỦKT. THỦ TƯỚNG PHÓ THỦ TƯỚNG(Đã ký)Nguyễn Hòa Bình`), so a
line is first cut into segments at the authority prefixes, the marks and a
name that follows a title in capitals. A digital-signature stamp (`Người ký:`,
`Thời gian ký: …`) is a stamp, never a person. Names under `Nơi nhận` are
recipients. When OCR lost the title, a name standing alone right after the
recipients list is the signer.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import attrgetter

from vanban.extractors.text import LOWER, NAME, RANK, UPPER, name_in_line
from vanban.pipeline.structure.header import is_caps
from vanban.pipeline.structure.lines import Line, fold, is_rule
from vanban.pipeline.structure.rules import rules
from vanban.schemas.structure import Part

_SYLLABLE = re.compile(rf"[{UPPER}][{LOWER}]+")
_STAMP_FIRST = "NnKkEeCcTtSs"     # Người ký, Ký bởi, Email, Cơ quan, Thời gian ký, SAO Y
MAX_SIGNATURE_LINE = 160     # longer lines are text (a glued block still fits)
STAMP_LINES = 10            # lines a digital-signature stamp may run over
RECIPIENT_LINES = 40

_AUTH_IN_LINE = re.compile(r"(?:T/M|K/T|T/L|TM|KT|TL|TUQ)\s*\.\s*(?=[A-Z])")
_MARK_IN_LINE = re.compile(r"[(\[]\s*(?:Đã|đã|ĐÃ)\s+(?:ký|KÝ)\s*[)\]]")
_CAPS_THEN_NAME = re.compile(rf"(?P<caps>[{UPPER}][{UPPER}\s.,/&-]*[{UPPER}])\s+(?P<name>{NAME})\s*$")
_STAMP_END = re.compile(r"\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|\+\d{2}:\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_TITLE_STEM = re.compile(r"TRUONG|CHUTICH|GIAMDOC|BITHU|CHUNHIEM|THUTUONG")
_SECOND_ROLE = re.compile(r"\s(?=PHO\s)")


@dataclass
class Seg:
    start: int
    end: int
    text: str
    kind: str = "other"         # authority | title | mark | name | stamp | other
    line: int = 0
    ft: str = ""                # the folded text


def _could_sign(ln: Line) -> bool:
    """A cheap first look: a line of a signature block starts with a capital
    or a bracket and is not a sentence."""
    t = ln.text
    c0 = t[0]
    if c0 in "-+•*–" and len(t) <= 40 and is_caps(t):
        return True                     # OCR's mark before a title (`-THU TRU ỚNG`)
    if c0.islower() or c0.isdigit() or c0 in "-+•*–":
        return False
    if len(t) > 40 and t[-1] in ".;,:" and "(" not in t:
        return False
    return True


@dataclass
class Block:
    segs: list[Seg] = field(default_factory=list)
    named: bool = False

    @property
    def start(self) -> int:
        return self.segs[0].start

    @property
    def end(self) -> int:
        return self.segs[-1].end

    def has(self, kind: str) -> bool:
        return any(s.kind == kind for s in self.segs)


def _is_title(text: str, ft: str | None = None) -> bool:
    if not is_caps(text) or len(text.split()) > 14 or re.search(r"\d{2,}", text):
        return False
    ft = ft if ft is not None else fold(text)
    if rules().signer_title.search(ft):
        return True
    # OCR splits a word (`-THU TRU ỚNG`): a short line read without its spaces
    return len(text.split()) <= 4 and bool(_TITLE_STEM.search(re.sub(r"[\s.\-–]", "", ft)))


def _segments(ln: Line, idx: int) -> list[Seg]:
    """Cut a line at authority prefixes, marks, and a name after capitals."""
    t = ln.text
    ft = ln.ft
    cuts = {0, len(t)}
    for m in _AUTH_IN_LINE.finditer(ft):
        p = m.start()
        if p == 0:
            continue
        before = t[p - 1]
        if before.isspace() or before in ")]" or (before.isupper() and is_caps(t[:p])):
            cuts.add(p)
    for m in _MARK_IN_LINE.finditer(t):
        cuts.add(m.start())
        cuts.add(m.end())
    pts = sorted(cuts)
    segs: list[Seg] = []
    for a, b in zip(pts, pts[1:]):
        while a < b and t[a].isspace():
            a += 1
        while b > a and t[b - 1].isspace():
            b -= 1
        if a >= b:
            continue
        piece = t[a:b]
        # `KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG`: the authority, then the title
        if _AUTH_IN_LINE.match(ft, a):
            m2 = _SECOND_ROLE.search(ft, a + 4, b)
            if m2 and is_caps(piece):
                segs.append(Seg(ln.start + a, ln.start + m2.start(), t[a:m2.start()], line=idx, ft=ft[a:m2.start()]))
                a = m2.end()
                piece = t[a:b]
        # `CHỦ TỊCH Lê Trường Lưu`: the title, then the name
        m3 = _CAPS_THEN_NAME.fullmatch(piece)
        if m3 and is_caps(m3.group("caps")) and name_in_line(m3.group("name")):
            segs.append(Seg(ln.start + a, ln.start + a + m3.end("caps"), m3.group("caps"), line=idx,
                            ft=ft[a:a + m3.end("caps")]))
            segs.append(Seg(ln.start + a + m3.start("name"), ln.start + b, m3.group("name"), line=idx,
                            ft=ft[a + m3.start("name"):b]))
            continue
        segs.append(Seg(ln.start + a, ln.start + b, piece, line=idx, ft=ft[a:b]))
    return segs


def _classify(seg: Seg) -> str:
    R = rules()
    t = seg.text
    ft = seg.ft or fold(t)
    if R.signature_mark.match(ft):
        return "mark"
    if R.authority.match(ft) and is_caps(t):
        return "authority"
    if _is_title(t, ft):
        return "title"
    if name_in_line(t) is not None:
        return "name"
    return "other"


def stamp_lines(lines: list[Line], lo: int, hi: int) -> set[int]:
    """Lines of digital-signature stamps: from a cue (`Người ký:`, `SAO Y` …) to
    the line holding the signing time."""
    R = rules()
    out: set[int] = set()
    j = lo
    while j < hi:
        if len(lines[j].text) < 80 and lines[j].text[0] in _STAMP_FIRST and R.signature_stamp.match(lines[j].ft):
            k = j
            while k < hi and k < j + STAMP_LINES:
                if k > j and (R.authority.match(lines[k].ft) or _is_title(lines[k].text, lines[k].ft)):
                    k -= 1              # the signature block goes on after the stamp
                    break
                out.add(k)
                if _STAMP_END.search(lines[k].text) and "ký" in " ".join(x.text for x in lines[max(j, k - 1):k + 1]).lower() \
                        or (k > j and _STAMP_END.search(lines[k].text) and R.signature_stamp.match(lines[k - 1].ft)):
                    break
                k += 1
            # a time printed on the line after `Thời gian ký:` (and a `+07:00` after it)
            while k + 1 < hi and re.fullmatch(r"[+\-]?\d{2}:\d{2}", lines[k + 1].text.strip()):
                k += 1
                out.add(k)
            j = k + 1
            continue
        j += 1
    return out


def recipients_at(lines: list[Line], i: int, hi: int) -> tuple[Part, int]:
    """`Nơi nhận:` at line i and its list: lines starting with a dash or a
    plus, `Lưu …`, and lines continuing them (lower case, or a list item's
    wrapped words). Returns (the part, the next line)."""
    R = rules()
    end = lines[i].end
    j = i + 1
    while j < hi and j < i + RECIPIENT_LINES:
        t = lines[j].text
        ft = lines[j].ft
        if not lines[j].hard or t.startswith(("-", "+", "•", "*")) or ft.startswith("LUU") or ft.startswith("NHU TREN"):
            end = lines[j].end
            j += 1
            continue
        prev = lines[j - 1].text.rstrip()
        if (not prev.endswith((";", ".")) and not R.authority.match(ft) and not _is_title(t)
                and name_in_line(t) is None and not R.signature_stamp.match(ft) and len(t) < 90):
            end = lines[j].end                  # a wrapped item
            j += 1
            continue
        break
    return Part("recipients", lines[i].start, end, children=[]), j


# Where a signature block may stand, found over the whole text at once: a line
# that is a name (a rank before it allowed), a name glued after a mark or
# capitals, an authority line. Only the lines around them are read one by one.
_ANCHOR_LINE = (
    rf"[ \t]*(?:(?:{RANK})?{NAME}[ \t]*$"
    rf"|[{UPPER}][{UPPER} \t.,/&-]+[ \t]+{NAME}[ \t]*$"
    r"|-?[ \t]*(?:T\s*/?\s*M|K\s*/?\s*T|T\s*/?\s*L|TUQ|Q)\s*[.:]?[ \t]*[A-ZĐÀ-Ỹ]{2})")
_ANCHOR = re.compile(rf"(?m)^{_ANCHOR_LINE}")
# The same after a newline: a pattern that opens with `^` is tried at every
# position of the text, one that opens with a literal only where it stands.
_ANCHOR_AFTER_NL = re.compile(rf"(?m)\n{_ANCHOR_LINE}")
_GLUED_ANCHOR = re.compile(rf"\)[ \t]*{NAME}[ \t]*$", re.M)      # `(Đã ký)Nguyễn Hòa Bình`
_START = attrgetter("start")
WINDOW_ABOVE = 10           # lines above a name a block may start
WINDOW_BELOW = 12           # lines below an authority line a block may run (its stamp included)


def _anchors(text: str, a0: int, b0: int) -> list[int]:
    """`[m.start() for m in _ANCHOR.finditer(text, a0, b0)]`, each line start
    but the text's first found from the newline before it."""
    found: list[int] = []
    if a0 == 0:
        m = _ANCHOR.match(text, 0, b0)
        if m:
            found.append(0)
            a0 = m.end() + 1            # (the search below goes on from its end)
    found += [m.start() + 1 for m in _ANCHOR_AFTER_NL.finditer(text, a0 - 1 if a0 > 0 else 0, b0)]
    return found


def _windows(text: str, lines: list[Line], lo: int, hi: int) -> list[tuple[int, int]]:
    """Ranges of lines [a, b) around the anchors of possible blocks."""
    if lo >= hi:
        return []
    ranges: list[tuple[int, int]] = []
    a0, b0 = lines[lo].start, lines[hi - 1].end
    found = _anchors(text, a0, b0)
    if ")" in text:
        found = sorted(found + [m.start() for m in _GLUED_ANCHOR.finditer(text, a0, b0)])
    for pos in found:
        j = bisect_right(lines, pos, key=_START) - 1      # (no list of every line's start)
        a, b = max(lo, j - WINDOW_ABOVE), min(hi, j + WINDOW_BELOW)
        if ranges and a <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], b))
        else:
            ranges.append((a, b))
    return ranges


def find_blocks(lines: list[Line], lo: int, hi: int, skip: set[int], text: str | None = None) -> list[Block]:
    """Signature blocks among lines [lo, hi), the lines in `skip` left out."""
    if text is None:
        return _find_blocks(lines, lo, hi, skip)
    blocks: list[Block] = []
    for a, b in _windows(text, lines, lo, hi):
        blocks.extend(_find_blocks(lines, a, b, skip))
    return blocks


def _find_blocks(lines: list[Line], lo: int, hi: int, skip: set[int]) -> list[Block]:
    stamps = stamp_lines(lines, lo, hi)
    blocks: list[Block] = []
    cur: Block | None = None
    skip_next = -1
    for j in range(lo, hi):
        if j in skip or j == skip_next or is_rule(lines[j].text):
            continue
        if j in stamps:
            if cur is not None:
                cur.segs.append(Seg(lines[j].start, lines[j].end, lines[j].text, "stamp", j))
            continue
        if len(lines[j].text) > MAX_SIGNATURE_LINE or not _could_sign(lines[j]):
            cur = None                  # text: no signature line is like this
            continue
        for seg in _segments(lines[j], j):
            kind = _classify(seg)
            seg.kind = kind
            if kind in ("authority", "title"):
                if cur is None or cur.named:
                    cur = Block()
                    blocks.append(cur)
                cur.segs.append(seg)
            elif kind == "mark":
                if cur is not None and not cur.named:
                    cur.segs.append(seg)
            elif kind == "name":
                if cur is not None and not cur.named:
                    a, b = name_in_line(seg.text)          # the name without a rank before it
                    seg.start, seg.end, seg.text = seg.start + a, seg.start + b, seg.text[a:b]
                    cur.segs.append(seg)
                    cur.named = True
                else:
                    cur = None
            elif (cur is not None and not cur.named and _SYLLABLE.fullmatch(seg.text) and j + 1 < hi
                  and j + 1 not in skip and name_in_line(seg.text + " " + lines[j + 1].text)):
                # a name broken over two lines (`Bùi` / `Xuân Cường`)
                nxt = lines[j + 1]
                cur.segs.append(Seg(seg.start, nxt.end, seg.text + " " + nxt.text, "name", j))
                cur.named = True
                skip_next = j + 1
            else:
                last = cur.segs[-1] if cur is not None and cur.segs else None
                if (last is not None and not cur.named and last.kind in ("authority", "title") and is_caps(seg.text)
                        and len(seg.text.split()) <= 4 and last.line == seg.line - 1 and not re.search(r"\d", seg.text)):
                    # `TM. ỦY BAN NHÂN` / `DÂN`, `PHÓ CHỦ` / `TỊCH`: the line goes on
                    last.end = seg.end
                    last.text = last.text + " " + seg.text
                    continue
                cur = None
    good = []
    for b in blocks:
        titled = b.has("title") or b.has("authority")
        if not titled:
            continue
        if not b.named and not b.has("authority"):
            continue            # a title in capitals with no name and no authority: a heading
        # trailing stamps after the name belong to the block; drop others at the end
        while b.segs and b.segs[-1].kind == "stamp" and not b.named:
            b.segs.pop()
        good.append(b)
    return good


def block_part(b: Block) -> Part:
    kids: list[Part] = []
    for s in b.segs:
        kind = {"authority": "authority", "title": "signer_title", "name": "signer_name",
                "mark": "mark", "stamp": "stamp"}[s.kind]
        if kids and kids[-1].kind == kind == "stamp":
            kids[-1].end = s.end
            continue
        kids.append(Part(kind, s.start, s.end, label=" ".join(s.text.split()) if kind != "stamp" else None))
    return Part("signature", b.start, b.end, children=kids)


def lone_name_after(lines: list[Line], j: int, hi: int, skip: set[int]) -> Block | None:
    """A name standing alone just after the recipients list (its title lost
    to OCR): the signer."""
    k = j
    while k < hi and k < j + 3:
        if k in skip or is_rule(lines[k].text):
            k += 1
            continue
        seg = Seg(lines[k].start, lines[k].end, lines[k].text, line=k)
        span = name_in_line(seg.text)
        if span is not None:
            s, e = span
            return Block([Seg(seg.start + s, seg.start + e, seg.text[s:e], "name", k)], named=True)
        return None
    return None


__all__ = ["Block", "find_blocks", "block_part", "recipients_at", "stamp_lines", "lone_name_after", "LOWER"]
