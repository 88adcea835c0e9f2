"""Line building: glyphs or OCR words into lines, segments and the two columns of
header and signature blocks (step 2 and 3 of the reader)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field


from vanban.pipeline.readers.pdf.common import _SEQ, _SP, _T, _X0, _X1, _Y0, _Y1
from vanban.pipeline.readers.pdf.syllables import _noise_line

# --- line building -------------------------------------------------------------------

_HEADER_RE = re.compile(
    r"C[ỘÔO]NG\s*H[ÒOÓ]A|Độc\s*lập|Hạnh\s*phúc|^\s*S[ốô]\s*[:.]|ĐẢNG\s*C[ỘO]NG\s*S[ẢA]N|ngày\b.{0,40}tháng|V/v",
    re.M | re.I)
_SIG_RE = re.compile(
    r"(?i:N[ơo]i\s*nh[ậa]n)|\b(?:KT|TM|TL|TUQ|Q)\s*\.|CH[ỦU]\s*T[ỊI]CH|GI[ÁA]M\s*Đ[ỐO]C|TR[ƯU][ỞƠO]NG|CHÁNH|"
    r"BÍ\s*THƯ|ĐẠI\s*DIỆN|(?i:Người\s*ký)", re.M)


# "Kính gửi:" opens the body: a header block never runs into it (its recipient list,
# printed beside it, would land in the header's right column).
_BARRIER_RE = re.compile(r"^\s*K[íi]nh\s*g[ửu]i", re.I)


@dataclass
class _Line:
    top: float
    bot: float
    h: float
    items: list
    segs: list = field(default_factory=list)   # [x0, x1, text]


def _runs(items: list) -> list:
    """Consecutive glyphs of the content stream on one baseline, as pseudo-items
    [top, bot, h, glyphs]: grouping runs instead of glyphs into lines is much faster."""
    runs: list = []
    cur = None
    for it in items:
        top, bot = it[_Y1], it[_Y0]
        if cur is not None:
            tol = 0.2 * cur[2]
            if abs(top - cur[0]) <= tol and abs(bot - cur[1]) <= tol:
                cur[3].append(it)
                continue
        cur = [top, bot, max(top - bot, 0.5), [it]]
        runs.append(cur)
    return runs


def _group_lines(items: list, words: bool = False) -> list[_Line]:
    """Group items into lines by vertical overlap; lines top to bottom.

    Glyph boxes of one font are all as tall, so the tallest glyph sets a line's band
    (a raised footnote mark joins it). OCR word boxes vary (a seal or a blot can make
    a tall "word"), so there the band is the running mean of the words' boxes.
    """
    units = [[it[_Y1], it[_Y0], max(it[_Y1] - it[_Y0], 0.5), [it]] for it in items] if words else _runs(items)
    lines: list[_Line] = []
    for top, bot, h, its in sorted(units, key=lambda u: -(u[0] + u[1])):
        best = None
        best_ov = 0.0
        for ln in lines[-4:]:
            ov = min(top, ln.top) - max(bot, ln.bot)
            if ov > 0.5 * min(h, ln.h) and ov > best_ov:
                best, best_ov = ln, ov
        if best is None:
            lines.append(_Line(top, bot, h, list(its)))
        elif words:
            best.items.extend(its)
            n = len(best.items)
            best.top += (top - best.top) / n
            best.bot += (bot - best.bot) / n
            best.h = max(best.top - best.bot, 0.5)
        else:
            best.items.extend(its)
            if h > best.h:                      # the tallest glyph sets the line's band
                best.top, best.bot, best.h = top, bot, h
    lines.sort(key=lambda ln: -ln.top)
    return lines


def _segment(ln: _Line, words: bool) -> None:
    """Sort a line's items left to right, drop fake-bold doubles, cut at wide gaps.
    OCR segments that are noise (a blot beside a real line) are dropped."""
    its = sorted(ln.items, key=lambda t: t[_X0])
    h = ln.h
    seg_gap = 1.2 * h if not words else 1.6 * h
    jump_gap = 0.8 * h                 # smaller gap is enough where the content stream jumps
    space_gap = 0.15 * h
    segs: list = []                    # [x0, x1, text parts, items]
    cur = None
    prev = None
    for it in its:
        if prev is not None and not words and it[_T] == prev[_T] \
                and abs(it[_X0] - prev[_X0]) < min(0.3 * h, 0.4 * (prev[_X1] - prev[_X0])) \
                and abs(it[_Y0] - prev[_Y0]) < 0.3 * h:
            prev[_SP] = prev[_SP] or it[_SP]          # the same glyph drawn twice: fake bold
            continue
        if cur is not None:
            gap = it[_X0] - cur[1]
            stream_jump = not words and not (0 < it[_SEQ] - prev[_SEQ] <= 3)
            if gap > seg_gap or (stream_jump and gap > jump_gap):
                cur = None
            else:
                if words or prev[_SP] or gap > space_gap:
                    cur[2].append(" ")
                cur[2].append(it[_T])
                cur[3].append(it)
                cur[1] = max(cur[1], it[_X1])
        if cur is None:
            cur = [it[_X0], it[_X1], [it[_T]], [it]]
            segs.append(cur)
        prev = it
    out = []
    for x0, x1, parts, items in segs:
        text = re.sub(r"\s+", " ", "".join(parts)).strip()
        if text and not (words and _noise_line(items)):
            out.append([x0, x1, text])
    ln.segs = out


def _seeds(lines: list[_Line], i: int) -> list[tuple[int, int, float, float]]:
    """Two-column starts at line i: a line split by a wide gap (each gap a candidate
    gutter), or two lines side by side (one wholly left of the other), as when the
    columns' baselines do not line up."""
    ln = lines[i]
    if len(ln.segs) >= 2:
        return [(i, i, max(s[1] for s in ln.segs[: k + 1]), min(s[0] for s in ln.segs[k + 1:]))
                for k in range(len(ln.segs) - 1)]
    if i + 1 < len(lines) and len(lines[i + 1].segs) == 1:
        nx = lines[i + 1]
        h = max(ln.h, nx.h)
        if ln.bot - nx.top > 1.0 * h:
            return []
        a, b = ln.segs[0], nx.segs[0]
        if b[0] - a[1] >= h:
            return [(i, i + 1, a[1], b[0])]
        if a[0] - b[1] >= h:
            return [(i, i + 1, b[1], a[0])]
    return []


def _grow_zone(lines: list[_Line], used: list[bool], seed: tuple[int, int, float, float]
               ) -> tuple[int, int, float, float]:
    """Largest run of lines around a seed that all stay clear of one vertical gutter."""
    lo, hi, left_edge, right_edge = seed
    h = max(ln.h for ln in lines[lo: hi + 1])
    min_gutter = 0.6 * h

    def fits(ln: _Line, le: float, re_: float) -> tuple[float, float] | None:
        mid = (le + re_) / 2
        for s in ln.segs:
            if (s[0] + s[1]) / 2 < mid:
                le = max(le, s[1])
            else:
                re_ = min(re_, s[0])
        return (le, re_) if re_ - le >= min_gutter else None

    j = hi + 1
    while j < len(lines) and not used[j]:
        if lines[j - 1].bot - lines[j].top > 2.0 * max(h, lines[j].h) or _BARRIER_RE.match(lines[j].segs[0][2]):
            break
        r = fits(lines[j], left_edge, right_edge)
        if r is None:
            break
        left_edge, right_edge = r
        hi = j
        j += 1
    j = lo - 1
    while j >= 0 and not used[j]:
        if lines[j].bot - lines[j + 1].top > 2.0 * max(h, lines[j].h) or _BARRIER_RE.match(lines[j].segs[0][2]):
            break
        r = fits(lines[j], left_edge, right_edge)
        if r is None:
            break
        left_edge, right_edge = r
        lo = j
        j -= 1
    return lo, hi, left_edge, right_edge


def layout_lines(items: list, words: bool = False) -> list[str]:
    """Text lines of one page in reading order, two-column blocks column by column."""
    return [text for text, _ in _layout(items, words)]


def _seg_box(ln: _Line, segs: list) -> tuple[float, float, float, float]:
    return (min(s[0] for s in segs), ln.bot, max(s[1] for s in segs), ln.top)


def _layout(items: list, words: bool = False) -> list[tuple[str, tuple[float, float, float, float]]]:
    """`layout_lines` with each line's box (x0, y0, x1, y1; in a two-column block, the
    box of the line's part in its column)."""
    if not items:
        return []
    lines = _group_lines(items, words)
    if words:       # OCR noise from seals and signatures
        lines = [ln for ln in lines if not _noise_line(ln.items)]
    for ln in lines:
        _segment(ln, words)
    lines = [ln for ln in lines if ln.segs]
    used = [False] * len(lines)
    zones: dict[int, tuple[int, list]] = {}      # first line -> (last line, output lines)
    for i, ln in enumerate(lines):
        if used[i]:
            continue
        best = None
        for seed in _seeds(lines, i):
            if any(used[seed[0]: seed[1] + 1]) \
                    or any(_BARRIER_RE.match(lines[j].segs[0][2]) for j in range(seed[0], seed[1] + 1)):
                continue
            zone = _grow_zone(lines, used, seed)
            if best is None or zone[1] - zone[0] > best[1] - best[0]:
                best = zone                  # the gutter that holds over the most lines
        if best is None:
            continue
        lo, hi, le, re_ = best
        block = lines[lo: hi + 1]
        text = "\n".join(" ".join(s[2] for s in b.segs) for b in block)
        if not (_HEADER_RE.search(text) or _SIG_RE.search(text)):
            continue
        mid = (le + re_) / 2
        left: list = []
        right: list = []
        for b in block:
            ls = [s for s in b.segs if (s[0] + s[1]) / 2 < mid]
            rs = [s for s in b.segs if (s[0] + s[1]) / 2 >= mid]
            if ls:
                left.append(("\t".join(s[2] for s in ls), _seg_box(b, ls)))
            if rs:
                right.append(("\t".join(s[2] for s in rs), _seg_box(b, rs)))
        for j in range(lo, hi + 1):
            used[j] = True
        zones[lo] = (hi, left + right)
    out: list = []
    i = 0
    while i < len(lines):
        if i in zones:
            hi, block_lines = zones[i]
            out.extend(block_lines)
            i = hi + 1
            continue
        ln = lines[i]
        out.append(("\t".join(s[2] for s in ln.segs), _seg_box(ln, ln.segs)))
        i += 1
    return out
