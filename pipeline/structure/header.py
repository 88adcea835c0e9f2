"""The header of an official document (NĐ 30/2020/NĐ-CP, Phụ lục I, items 1-6).

    ỦY BAN NHÂN DÂN            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM   <- parent body | motto
    TỈNH LÂM ĐỒNG                  Độc lập - Tự do - Hạnh phúc
    SỞ NỘI VỤ                                                       <- issuing body
    Số: 228/BC-SNV             Lâm Đồng, ngày 28 tháng 11 năm 2025  <- number | place-date
                          BÁO CÁO                                   <- type
            Tình hình thực hiện các chỉ số …                        <- subject (trích yếu)
    (CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …)                               <- enacting body
    (Kính gửi: …)                                                   <- addressee

Readers give the two columns one after the other (left first, or right first),
or flattened onto one line (`Số: 413/TCT-KK Hà Nội, ngày 30 tháng 01 năm
2018`), or with the accents lost to OCR (`TONG CUC THUE CONG HOA XA HOI CHU
NGHIA VIET NAM`). So the header is read as fragments: the motto, the number
and the place-date are found by their own grammar anywhere on a line (on the
accent-free form), and what is left over is the issuer's text. The header is
found from its anchor (the motto or the number line), which may come after a
web page's summary paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from vanban.extractors.data import load
from vanban.extractors.symbols import BLANK_SYMBOL, SEGS, SYMBOL
from vanban.extractors.text import is_abbreviation
from vanban.pipeline.structure.lines import Line, fold, is_caps, is_rule, strip_rule
from vanban.pipeline.structure.rules import is_basis, rules, style_of
from vanban.schemas.structure import Part

ANCHOR_CHARS = 8000         # the header's anchor lies this near the top
ANCHOR_LINES = 90
HEADER_LINES = 40           # the header's fields lie within this many lines of its anchor
ISSUER_LINES_ABOVE = 6      # issuer lines looked for above the anchor
SUBJECT_MAX_CHARS = 450     # a subject line is not a page
SUBJECT_MAX_LINES = 6

_SYMBOL_AT = re.compile(
    rf"[.…_ \t]*(?P<sym>{SYMBOL}|\d{{1,5}}[a-z]?[ \t]*/[ \t]*(?:\d{{4}}/)?{SEGS}(?:/{SEGS})?|{BLANK_SYMBOL})(?![\w/])")
_GARBLED_NUMBER = re.compile(rf"S[ốoóôé6][ \t]*[:.]?[ \t]*(?P<sym>[^\s/]{{0,6}}[ \t]*/[ \t]*(?:\d{{4}}/)?{SEGS})(?![\w/])")
_WORD = re.compile(r"\S+")
# The printed words of a recipient's receiving stamp (CÔNG VĂN ĐẾN: `ĐẾN`, `Số:`, `Ngày:`,
# `Chuyển:`, `Số và ký hiệu HS:`, `Lưu hồ sơ số:`), alone on a line once OCR lost the
# handwritten values: never a subject line.
_RECEIVED_STAMP = re.compile(r"(?:DEN|CHUYEN|SO VA KY HIEU HS|LUU HO SO SO|NGAY|GIO)\s*[:;.]?\s*$")
# a line that is only a symbol without its number: the number was handwritten on the
# printed form and OCR kept only the printed `/KH-TCTLNTW-C04` (its `Số:` lost too)
_BARE_SYMBOL_LINE = re.compile(rf"(?m)^[ \t]*(?P<sym>{BLANK_SYMBOL})[ \t]*$")


_DOUBLED = re.compile(r"([A-Z])\1+")


def _dedup(s: str) -> str:
    """`KEE HOACH` (OCR'd `KÉẺ HOẠCH`) -> `KE HOACH`: Vietnamese has no doubled letters."""
    s = " ".join(s.split())             # (the white space re's \s names, one space between words)
    return _DOUBLED.sub(r"\1", s) if _DOUBLED.search(s) else s


@lru_cache(maxsize=1)
def type_words() -> dict[str, dict]:
    """Folded type word -> its doc_types.yaml entry."""
    return {_dedup(fold(t["word"])): t for t in load("doc_types")["types"]}


def type_heading(text: str) -> tuple[int, dict] | None:
    """A line that opens with a document type word in capitals: (end of the type
    word in the line, its entry). `KẾ HOẠCH`, `NGHỊ QUYẾT Ban hành …`,
    `QUYÉT ĐỊNH và việc …` (OCR), `LUẬT DOANH NGHIỆP`. The enacting formula
    (`QUYẾT ĐỊNH:`) is not a heading."""
    st = text.rstrip()
    if not st or (st.endswith(":") and len(st.split()) <= 3) or len(st) > 600:
        return None
    ends = [m.end() for m in islice(_WORD.finditer(st), 4)]     # (the first four words only)
    if not ends:
        return None
    words = type_words()
    best = None
    folded = fold(st[:ends[-1]])            # (fold keeps the length: a prefix's fold is the fold's prefix)
    for end in ends:
        if not is_caps(st[:end]):
            break
        key = _dedup(folded[:end].strip(" .:"))
        if key in words:
            best = (end, words[key])
    if best is None:
        return None
    rest = st[best[0]:].strip()
    if rest and not (rest[0].isalpha() or rest[0] in "(\"“"):
        return None
    return best


@dataclass
class Header:
    parts: list[Part] = field(default_factory=list)
    start_line: int = 0
    end_line: int = 0               # first line after the header
    layout: str = "official"        # official | law | party
    doc_type: dict | None = None    # the doc_types.yaml entry of the type heading
    fields: dict[str, Part] = field(default_factory=dict)


def find_anchor(lines: list[Line]) -> int | None:
    """The first line holding the motto or a number line, near the top."""
    R = rules()
    for i, ln in enumerate(lines[:ANCHOR_LINES]):
        if ln.start > ANCHOR_CHARS:
            break
        ft = ln.ft
        if any(_motto_ok(ln.text, m.start(), m.end()) for rx in (R.motto, R.party_motto) for m in rx.finditer(ft)):
            return i
        if _number_in(ln.text, ft) is not None or _GARBLED_NUMBER.match(ln.text):
            return i
    return None


def _line_around(text: str, a: int, b: int) -> tuple[str, str]:
    """The text before a span on its line, and after it."""
    ls = text.rfind("\n", 0, a) + 1
    le = text.find("\n", b)
    return text[ls:a], text[b:le if le != -1 else len(text)]


def _motto_ok(text: str, a: int, b: int) -> bool:
    """The motto as a header prints it, not a phrase in a sentence (`Hiến pháp
    nước Cộng hòa xã hội chủ nghĩa Việt Nam`): the quốc hiệu in capitals; the
    tiêu ngữ on a line of its own, or beside the header's capitals."""
    words = text[a:b]
    before, after = _line_around(text, a, b)
    if fold(words).startswith(("CONG", "DANG")):
        return is_caps(words)
    return (not before.strip() or is_caps(before)) and len(after.strip()) < 40


def _number_cue_ok(text: str, a: int) -> bool:
    """`Số:` as a header prints it: with a capital, at the start of its line or
    after the header's capitals (a flattened two-column line)."""
    if text[a] not in "SL":
        return False
    before, _ = _line_around(text, a, a)
    b = before.strip(" -_=*|")
    return not b or is_caps(b)


def _number_rest_ok(text: str, sym_end: int) -> bool:
    """What follows a number on its line: nothing much, the place–date or the
    subject beside it (a flattened header), not a sentence (`Luật số 63/2020/QH14
    ngày 18 tháng 6 năm 2020 của Quốc hội sửa đổi …` cites a law)."""
    _, after = _line_around(text, sym_end, sym_end)
    rest = fold(after).strip()
    if len(rest) <= 60 or rules().subject_cue.match(rest.lstrip(" -_.")):
        return True
    m = rules().place_date.search(rest)
    return bool(m) and len(rest) - (m.end() - m.start()) <= 60 and m.end() >= len(rest) - 5


def _number_in(text: str, ft: str) -> tuple[int, int, int] | None:
    """(cue start, symbol start, symbol end) of a number line's `Số: …` in a line."""
    for m in rules().number.finditer(ft):
        if m.start() > 0 and (ft[m.start() - 1].isalpha() or ft[m.start() - 1].isdigit()):
            continue
        if not _number_cue_ok(text, m.start()):
            continue
        s = _SYMBOL_AT.match(text, m.end())
        if s and _number_rest_ok(text, s.end("sym")):
            return m.start(), s.start("sym"), s.end("sym")
    return None


@dataclass
class _Fixed:
    kind: str           # motto | party | number | garbled (a number OCR misread) | date
    start: int          # text offsets (a place–date starts at its place)
    end: int
    sym: tuple[int, int] | None = None      # the number's symbol; the date's words


def _region_end(lines: list[Line], anchor: int) -> int:
    """The header's lines end by the first preamble line or numbered heading."""
    R = rules()
    for j in range(anchor + 1, min(len(lines), anchor + HEADER_LINES)):
        t = lines[j].text
        ft = lines[j].ft                    # (folded once per line, kept for the stages after)
        if is_basis(t, ft) or R.enacting_formula.search(ft):
            return j
        m = R.label.match(t)
        if m and style_of(m) in ("roman", "article", "chapter", "part"):
            return j
    return min(len(lines), anchor + HEADER_LINES)


def _fixed_spans(text: str, lines: list[Line], hs: int, he: int) -> list[_Fixed]:
    """The motto, number and place–date of the header region (lines [hs, he)),
    found on the region's accent-free form, across line breaks."""
    R = rules()
    r0, r1 = lines[hs].start, lines[he - 1].end
    region = text[r0:r1]
    ft = fold(region)
    out: list[_Fixed] = []
    for rx, kind in ((R.motto, "motto"), (R.party_motto, "party")):
        for m in rx.finditer(ft):
            if _motto_ok(region, m.start(), m.end()):
                out.append(_Fixed(kind, r0 + m.start(), r0 + m.end()))
    for m in R.number.finditer(ft):
        if m.start() > 0 and (ft[m.start() - 1].isalpha() or ft[m.start() - 1].isdigit()):
            continue
        if not _number_cue_ok(region, m.start()):
            continue
        sm = _SYMBOL_AT.match(region, m.end())
        if sm and _number_rest_ok(region, sm.end("sym")):
            out.append(_Fixed("number", r0 + m.start(), r0 + sm.end("sym"), (r0 + sm.start("sym"), r0 + sm.end("sym"))))
            break
    else:
        # `Số: 5Ø /KH-BCA-C04`: the number misread, the symbol's tail legible
        for m in _GARBLED_NUMBER.finditer(region):
            if m.start() == 0 or region[m.start() - 1] == "\n":
                out.append(_Fixed("garbled", r0 + m.start(), r0 + m.end(), (r0 + m.start("sym"), r0 + m.end("sym"))))
                break
        else:
            for m in _BARE_SYMBOL_LINE.finditer(region):
                out.append(_Fixed("garbled", r0 + m.start("sym"), r0 + m.end("sym"),
                                  (r0 + m.start("sym"), r0 + m.end("sym"))))
                break
    for m in R.place_date.finditer(ft):
        if any(f.start <= r0 + m.start() < f.end for f in out):
            continue
        date = _Fixed("date", r0 + m.start(), r0 + m.end(), (r0 + m.start(), r0 + m.end()))
        date.start = _place_start(text, date.start, _place_floor(text, lines, date, out, hs, he))
        out.append(date)
        break
    out.sort(key=lambda f: f.start)
    return out


def _rest(line: Line, fixed: list[_Fixed]) -> tuple[list[tuple[int, int]], bool]:
    """The pieces of a line outside the fixed spans (text offsets), trimmed,
    and whether any fixed span touches the line."""
    pieces = []
    last = line.start
    touched = False
    for f in fixed:
        if f.end <= line.start or f.start >= line.end:
            continue
        touched = True
        if f.start > last:
            pieces.append((last, f.start))
        last = max(last, f.end)
    if last < line.end:
        pieces.append((last, line.end))
    out = []
    for a, b in pieces:
        a, b = _trim_abs(line, a, b)
        if b > a:
            out.append((a, b))
    return out, touched


def _trim_abs(line: Line, a: int, b: int) -> tuple[int, int]:
    t, o = line.text, line.start
    while a < b and (t[a - o].isspace() or t[a - o] in "-_=,;|.*"):
        a += 1
    while b > a and (t[b - 1 - o].isspace() or t[b - 1 - o] in "-_=,;|*"):
        b -= 1
    return a, b


_PLACE_LOWER = {"phố", "xã", "thị", "trấn", "quận", "huyện", "tỉnh", "thành"}


def _place_start(text: str, date_start: int, floor: int) -> int:
    """Where the place before the date starts: the run of words before `ngày`
    that begins with a capital (`phố`, `xã`, `thị` … may follow one), at most
    seven words, not before `floor`."""
    seg = text[floor:date_start]
    toks = list(_WORD.finditer(seg))
    start = None
    for t in reversed(toks[-7:]):
        w = t.group().strip(",.;:")
        if not w:
            break
        if w[0].isupper() or w[0] in "'’" or w in _PLACE_LOWER:
            start = floor + t.start()
            continue
        break
    while start is not None:
        words = text[start:date_start].split()
        if words and words[0][0].islower():
            nxt = text.find(" ", start, date_start)
            start = nxt + 1 if nxt != -1 else None
        else:
            break
    return start if start is not None else date_start


def _place_floor(text: str, lines: list[Line], date: _Fixed, fixed: list[_Fixed], hs: int, he: int) -> int:
    """How far back the place may reach: not past another header field, nor
    into the line above unless that line is a short mixed-case piece of a name
    broken over two lines (`Thành phố Hồ Chí` / `Minh, ngày …`)."""
    floor = max([f.end for f in fixed if f.end <= date.start] + [0])
    k = next((j for j in range(hs, he) if lines[j].start <= date.start < lines[j].end + 1), None)
    if k is None:
        return floor
    ln = lines[k]
    line_floor = ln.start
    if k > hs:
        prev = lines[k - 1]
        pt = prev.text
        before = text[ln.start:date.start].replace(",", " ").split()
        if (len(before) <= 2 and len(pt.split()) <= 5 and not re.search(r"[\d:;,]", pt) and not is_caps(pt)
                and not is_rule(pt) and pt[:1].isupper() and not rules().motto.search(fold(pt))
                and not any(f.start < prev.end and prev.start < f.end for f in fixed)):
            line_floor = prev.start
    return max(floor, line_floor)


def parse_header(text: str, lines: list[Line], anchor: int) -> Header:
    R = rules()
    h = Header()
    n = len(lines)
    # issuer lines above the anchor: capitals, rules skipped
    hs = anchor
    k = anchor - 1
    taken = 0
    while k >= 0 and taken < ISSUER_LINES_ABOVE:
        t = lines[k].text
        if is_rule(t):
            k -= 1
            continue
        if not is_caps(t) or len(t) > 120 or type_heading(t):
            break
        hs = k
        taken += 1
        k -= 1
    h.start_line = hs
    he = _region_end(lines, anchor)
    fixed = _fixed_spans(text, lines, hs, he)
    parts: list[Part] = []
    for f in fixed:
        if f.kind == "motto":
            parts.append(Part("motto", f.start, f.end))
        elif f.kind == "party":
            parts.append(Part("motto", f.start, f.end, attrs={"party": "1"}))
        elif f.kind in ("number", "garbled"):
            part = Part("number", f.sym[0], f.sym[1], label=re.sub(r"\s+", "", text[f.sym[0]:f.sym[1]]))
            if f.kind == "garbled":
                part.attrs["legible"] = "no"        # OCR misread the number (`5Ø /KH-BCA-C04`)
            parts.append(part)
        else:
            ps, ds = f.start, f.sym[0]
            pd = Part("place_date", ps, f.end)
            if ps < ds:
                pe = ds
                while pe > ps and text[pe - 1] in " ,.;\n":
                    pe -= 1
                pd.children.append(Part("place", ps, pe))
            pd.children.append(Part("date", ds, f.end))
            parts.append(pd)
    last_fixed = max([f.end for f in fixed] + [0])
    issuer_frags: list[tuple[int, int, str]] = []     # (start, end, text)
    i = hs
    seen_type = seen_subject = False
    last_field_line = hs
    while i < n and i < anchor + HEADER_LINES:
        ln = strip_rule(lines[i])
        t = ln.text
        if is_rule(t):
            i += 1
            continue
        rest, touched = _rest(ln, fixed)
        if touched:
            last_field_line = i
            for a, b in rest:
                frag = text[a:b]
                if _is_noise(frag):
                    continue
                if R.subject_cue.match(fold(frag)) and not seen_subject:
                    sub_end, _ = _subject_lines(text, lines, i, a, fixed)
                    parts.append(Part("subject", a, sub_end))
                    seen_subject = True
                    break
                if is_caps(frag) and not type_heading(frag) and not seen_type:
                    issuer_frags.append((a, b, frag))
            i += 1
            continue
        ft = ln.ft
        th = type_heading(t) if not seen_type else None
        type_start = ln.start
        if th is None and not seen_type and i + 1 < n and len(t.split()) <= 2 and is_caps(t) \
                and lines[i + 1].start - ln.end <= 3:
            # a type word broken over two lines (`NGHỊ` / `QUYẾT`)
            nxt = lines[i + 1]
            th2 = type_heading(t + " " + nxt.text)
            if th2 is not None and th2[0] > len(t) + 1:
                th = (th2[0] - len(t) - 1, th2[1])
                i += 1
                ln = nxt
        if th is not None:
            end_w, entry = th
            h.doc_type = entry
            parts.append(Part("doc_type", type_start, ln.start + end_w, label=entry["word"],
                              attrs={"doc_type": entry["doc_type"]}))
            seen_type = True
            rest_start = ln.start + end_w
            while rest_start < ln.end and text[rest_start] in " :.-":
                rest_start += 1
            if rest_start < ln.end:
                sub, i = _subject_after_type(lines, i, rest_start, fixed)
            else:
                sub, i = _subject_after_type(lines, i + 1, None, fixed)
            if sub is not None:
                parts.append(Part("subject", sub[0], sub[1]))
                seen_subject = True
            last_field_line = i - 1
            # the enacting body, in capitals, after the subject
            while i < n:
                t2 = lines[i].text
                if is_rule(t2):
                    i += 1
                    continue
                f2 = fold(t2)
                if R.enacting.search(f2) or (is_caps(t2) and not R.enacting_formula.search(f2)
                                             and not R.label.match(t2) and not is_basis(t2, f2)
                                             and len(t2) < 120 and _enacting_like(t2)):
                    parts.append(Part("enacting", lines[i].start, lines[i].end))
                    last_field_line = i
                    i += 1
                    continue
                break
            continue
        if _is_addressee(ft):
            a_end, i2 = _addressee(lines, i)
            parts.append(Part("addressee", ln.start, a_end))
            last_field_line = i2 - 1
            i = i2
            continue
        if R.subject_cue.match(ft) and not seen_subject:
            sub_end, i2 = _subject_lines(text, lines, i, ln.start, fixed)
            parts.append(Part("subject", ln.start, sub_end))
            seen_subject = True
            last_field_line = i2 - 1
            i = i2
            continue
        if not seen_type and is_caps(t) and len(t) <= 120 and not R.label.match(t) and not _is_noise(t):
            issuer_frags.append((ln.start, ln.end, t))
            last_field_line = i
            i += 1
            continue
        if ln.end <= last_fixed or _is_noise(t):
            i += 1              # a stray line among the header's fields
            continue
        break
    h.end_line = max(last_field_line + 1, hs + 1)
    number = next((f for f in fixed if f.kind in ("number", "garbled")), None)
    _issuer_parts(issuer_frags, parts, (text[number.sym[0]:number.sym[1]], number.start) if number else None)
    parts.sort(key=lambda p: (p.start, p.end))
    parts = _no_overlap(parts)
    h.parts = parts
    for p in parts:
        h.fields.setdefault(p.kind, p)
    return h


def _is_noise(s: str) -> bool:
    """OCR debris: a lone letter or mark, a few punctuation signs."""
    letters = sum(c.isalpha() for c in s)
    return letters < 2 or (len(s) <= 3 and not is_caps(s))


def _enacting_like(t: str) -> bool:
    """A capitals line naming who enacts: a body, or an office holder."""
    return bool(rules().body_start.match(fold(t))) or bool(rules().signer_title.search(fold(t)))


def _is_addressee(ft: str) -> bool:
    """`Kính gửi: …`, or a telegram's `VĂN PHÒNG CHÍNH PHỦ điện:`."""
    R = rules()
    return bool(R.addressee.search(ft)) and (bool(R.addressee.match(ft)) or ft.rstrip().endswith(":"))


def _touches(fixed: list[_Fixed], ln: Line) -> bool:
    return any(f.start < ln.end and ln.start < f.end for f in fixed)


def _subject_after_type(lines: list[Line], i: int, first_start: int | None, fixed: list[_Fixed]):
    """The subject lines after the type heading: up to a blank line, the
    preamble, a numbered heading, the enacting body in capitals (under a subject
    in mixed case), a body opener, or SUBJECT_MAX_CHARS. Returns ((start, end) or
    None, index of the next line)."""
    R = rules()
    start = end = None
    caps_subject = None
    n = len(lines)
    count = 0
    if first_start is not None:
        ln = lines[i]
        start, end = first_start, ln.end
        rest = ln.text[first_start - ln.start:]
        caps_subject = is_caps(rest)
        # `LUẬT BAN HÀNH VĂN BẢN … Luật Ban hành … được sửa đổi bởi:`: a subject
        # in capitals, then a sentence run onto its line
        toks = list(_WORD.finditer(rest))
        k = 0
        while k < len(toks) and is_caps(toks[k].group()) and any(c.isalpha() for c in toks[k].group()):
            k += 1
        if 2 <= k < len(toks) and not is_caps(rest[toks[k].start():]):
            return (start, first_start + toks[k - 1].end()), i + 1
        i += 1
        count = 1
    while i < n:
        ln = lines[i]
        t = ln.text
        ft = fold(t)
        if is_rule(t):
            i += 1
            if start is not None:
                break
            continue
        if _RECEIVED_STAMP.match(ft):
            i += 1              # a receiving stamp's printed words, its values handwritten: not the subject
            continue
        worded = any(c.isalpha() for c in t)          # `2026 - 2030` has no case to change
        if start is not None and not ln.hard and not (caps_subject and worded and not is_caps(t)):
            end = ln.end                # a line cleaning joined goes on (not from capitals into a sentence)
            i += 1
            continue
        stop = (is_basis(t, ft) or _is_addressee(ft) or R.enacting_formula.search(ft) or R.recipients.match(ft)
                or (R.label.match(t) and not R.subject_cue.match(ft)) or _touches(fixed, ln))
        if start is None:
            # the line under the type heading is its subject, even when it opens
            # like a preamble line (`KẾ HOẠCH` / `Thực hiện Nghị quyết số 57-NQ/TW …`);
            # a preamble line ends with `;`, `:` or `,`
            if stop and not (is_basis(t, ft) and not R.basis_strict.match(ft)
                             and not t.rstrip().endswith((";", ":", ",")) and len(t) <= 300):
                break
            start, end = ln.start, ln.end
            caps_subject = is_caps(t)
            i += 1
            count = 1
            continue
        if (stop or (ln.blank_before and ln.hard) or R.enacting.search(ft)
                or (worded and not caps_subject and is_caps(t)) or (worded and caps_subject and not is_caps(t))
                or (R.body_opener.match(ft) and not is_caps(t))
                or ln.end - start > SUBJECT_MAX_CHARS or count >= SUBJECT_MAX_LINES):
            break
        end = ln.end
        count += 1
        i += 1
    if start is None:
        return None, i
    return (start, end), i


def _subject_lines(text: str, lines: list[Line], i: int, start: int, fixed: list[_Fixed]) -> tuple[int, int]:
    """A letter's `V/v …` subject: its line and the lines continuing it, up to
    the motto, the place–date, the addressee, a body opener or a numbered line.
    Across a blank line only a line starting in lower case continues it (OCR
    puts blank lines inside the subject). Returns (end, next line index)."""
    R = rules()
    ln = lines[i]
    end = ln.end
    for f in fixed:                         # `V/v … CỘNG HÒA …` on one line
        if start < f.start < end:
            end = f.start
    while end > start and text[end - 1] in " -_":
        end -= 1
    if end < ln.end:
        return end, i + 1
    j = i + 1
    n = len(lines)
    count = 1
    while j < n and count < SUBJECT_MAX_LINES:
        t = lines[j].text
        ft = fold(t)
        if not lines[j].hard and not _touches(fixed, lines[j]):
            end = lines[j].end          # a line cleaning joined goes on
            j += 1
            continue
        if (_touches(fixed, lines[j]) or _is_addressee(ft) or R.body_opener.match(ft) or is_basis(t, ft)
                or R.label.match(t) or is_caps(t) or is_rule(t) or lines[j].end - start > SUBJECT_MAX_CHARS
                or type_heading(t)):
            break
        if lines[j].blank_before and not t[:1].islower():
            break
        if t.rstrip().endswith(".") and len(t.split()) >= 8:
            break                       # a sentence: the body has begun
        end = lines[j].end
        j += 1
        count += 1
    return end, j


def _addressee(lines: list[Line], i: int) -> tuple[int, int]:
    """`Kính gửi: …` and the list under it. Returns (end, next line index)."""
    R = rules()
    end = lines[i].end
    j = i + 1
    n = len(lines)
    while j < n and j < i + 30:
        t = lines[j].text
        ft = fold(t)
        if not lines[j].hard:
            end = lines[j].end
            j += 1
            continue
        if is_basis(t, ft) or R.body_opener.match(ft) and not t.startswith(("-", "+", "•")):
            break
        if t.startswith(("-", "+", "•")) or (t[:1].islower() and not lines[j].blank_before) or \
                (lines[j].text.startswith("(") and j == i + 1):
            end = lines[j].end
            j += 1
            continue
        break
    return end, j


def _initials(body: str) -> str:
    """`TỔ CÔNG TÁC LIÊN NGÀNH TW` -> `TCTLNTW`, `UBND TỈNH LÂM ĐỒNG` -> `UBNDTLD`: how a
    symbol abbreviates a body (an abbreviation is kept whole)."""
    out = []
    for w in fold(body).split():
        w = re.sub(r"[^A-Z0-9]", "", w)
        if w:
            out.append(w if is_abbreviation(w) else w[0])
    return "".join(out)


def _names_symbol(body: str, codes: set[str]) -> bool:
    ini = _initials(body)
    # the body's own initials, or the issuer's at the end of its parent's (BCA + TCTLNTW)
    return any(c == ini or (len(c) >= 3 and len(ini) >= 3 and (ini.startswith(c) or c.startswith(ini)))
               or (len(c) >= 4 and ini.endswith(c)) for c in codes)


def _issuer_parts(frags: list[tuple[int, int, str]], parts: list[Part],
                  number: tuple[str, int] | None = None) -> None:
    """The issuer's text, split into bodies: a fragment that starts a new body
    (SỞ, CỤC, BAN …) begins the issuer under its parent; other fragments continue
    the one before (converters break `HỘI / ĐỒNG NHÂN DÂN`). Each fragment
    becomes a part (`parent_body` or `issuer`), labelled with its body's full text.
    The issuer is printed above its number: when the number's symbol names one
    body by its initials (`/KH-TCTLNTW-C04`: Tổ Công tác liên ngành TW) and a body
    read below the number line does not, that body is not the issuer but a
    recipient's receiving stamp (`UBND TỈNH LÂM ĐỒNG / ĐẾN / Số …`) that OCR read
    among the header's capitals."""
    if not frags:
        return
    groups: list[list[tuple[int, int]]] = []
    texts: list[str] = []
    cont = rules().issuer_continues
    for s, e, t in frags:
        if not groups or (len(texts[-1].split()) >= 2 and rules().body_start.match(fold(t))
                          and not cont.search(fold(texts[-1]).strip())):
            groups.append([(s, e)])
            texts.append(t)
        else:
            groups[-1].append((s, e))
            texts[-1] += " " + t
    texts = [" ".join(x.split()) for x in texts]
    if number and len(groups) > 1:
        symbol, number_at = number
        codes = {c for c in re.split(r"[-/\s.]+", fold(symbol)) if c and not c.isdigit()}
        named = [gi for gi, t in enumerate(texts) if _names_symbol(t, codes)]
        keep = len(groups)
        while named and keep - 1 > named[-1] and groups[keep - 1][0][0] > number_at \
                and not _names_symbol(texts[keep - 1], codes):
            keep -= 1
        groups, texts = groups[:keep], texts[:keep]
    for gi, (g, label) in enumerate(zip(groups, texts)):
        kind = "issuer" if gi == len(groups) - 1 else "parent_body"
        for s, e in g:
            parts.append(Part(kind, s, e, label=label))


def _no_overlap(parts: list[Part]) -> list[Part]:
    out: list[Part] = []
    for p in parts:
        if p.end <= p.start:
            continue
        if out and p.start < out[-1].end:
            if p.end <= out[-1].end:
                continue
            p.start = out[-1].end
        out.append(p)
    return out
