"""The structure stage: a document's parts, recovered once after cleaning.

`parse_structure(clean)` reads the normalized text as Nghị định 30/2020/NĐ-CP
(Phụ lục I) lays a document out and returns a `Structure` (schemas/structure.py):

- official documents: header (motto, parent body, issuer, number, place–date,
  type, subject, enacting body, addressee), preamble (căn cứ lines and the
  enacting formula), body (sections with their numbering and level, list items,
  paragraphs, tables), recipients, signature block (authority, title, name,
  marks, stamps), appendices (each with its own outline and signature);
- laws and Party documents: the same, with their variants (Chương/Điều, the
  Party's name as motto); `Structure.layout` says which;
- news articles and plain texts: headline, lead, body (its outline), byline.

Modules: `lines` (printed lines back from the cleaned text), `header`,
`outline`, `signature`, `news`, `tables`, `markup` (tables in text markup, used
by cleaning), `pdf_tables` (ruled tables of a PDF's text layer). The rules are
data: extractors/data/structure.yaml. The work is linear in the text: each
line is looked at a bounded number of times.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import attrgetter

from vanban.pipeline.structure.header import find_anchor, is_caps, parse_header
from vanban.pipeline.structure.lines import Line, fold, physical_lines
from vanban.pipeline.structure.news import parse_news
from vanban.pipeline.structure.outline import build_outline, parse_preamble
from vanban.pipeline.structure.rules import rules
from vanban.pipeline.structure.signature import (Block, block_part, find_blocks, lone_name_after,
                                                 recipients_at)
from vanban.pipeline.structure.tables import table_part
from vanban.schemas.document import CleanText
from vanban.schemas.structure import Part, Structure

_APPENDIX_FIRST = "PpBbMm(Kk"   # PHỤ LỤC, BIỂU MẪU, MẪU SỐ, (Kèm theo …), Ban hành kèm theo
RECIPIENTS_NEAR = 25        # lines between `Nơi nhận` and the signature block it stands beside
APPENDIX_TITLE_LINES = 4


def parse_structure(clean: CleanText) -> Structure:
    """The parts of one document (see the module's docstring)."""
    text = clean.text
    lines = physical_lines(text, clean.joined)
    if not lines:
        return Structure(parts=[], layout="plain")
    tables = [p for p in (table_part(t, text) for t in clean.tables) if p is not None]
    if clean.raw.format == "pdf":
        from vanban.pipeline.structure.pdf_tables import pdf_tables
        tables.extend(t for t in pdf_tables(clean) if not any(t.start < o.end and o.start < t.end for o in tables))
    tables.sort(key=lambda p: p.start)
    anchor = find_anchor(lines)
    if anchor is None:
        return _article(clean, lines, tables)
    return _official(clean, lines, anchor, tables)


# ---- news and plain texts ------------------------------------------------------

def _article(clean: CleanText, lines: list[Line], tables: list[Part]) -> Structure:
    # a signature block (a text with no header may still end with one)
    end_parts, end_line = _end_matter(clean.text, lines, 0)
    body_lines = lines[:end_line] if end_parts else lines
    parts = parse_news(clean, body_lines) if body_lines else []
    layout = "news" if (clean.raw.format == "html" or any(p.kind in ("headline", "lead", "byline") for p in parts)) \
        else "plain"
    for p in parts:
        if p.kind == "body":
            i0 = next(i for i, ln in enumerate(lines) if ln.start >= p.start)
            i1 = next((i for i, ln in enumerate(lines) if ln.start >= p.end), len(body_lines))
            inside = [t for t in tables if p.start <= t.start and t.end <= p.end]
            p.children = build_outline(lines, i0, i1, inside, clean.text)
            if p.children:
                p.start = min(p.start, p.children[0].start)
                p.end = max(p.end, p.children[-1].end)
    parts.extend(end_parts)
    return Structure(parts=_ordered(_trim_overlaps(parts)), layout=layout)


def _end_matter(text: str, lines: list[Line], lo: int) -> tuple[list[Part], int]:
    """The recipients and the signed block(s) of a text with no header: only a
    block with a name counts. Returns the parts and the first line they take."""
    R = rules()
    n = len(lines)
    rec_parts = []
    skip: set[int] = set()
    for j in range(lo, n):
        if lines[j].text[0] in "Nn" and R.recipients.match(lines[j].ft):
            rp, nxt = recipients_at(lines, j, n)
            rec_parts.append((rp, j, nxt))
            skip.update(range(j, nxt))
            break
    blocks = [b for b in find_blocks(lines, lo, n, skip, text) if b.named]
    main = _main_block(blocks, rec_parts, lines)
    if main is None:
        return [], n
    out = [block_part(b) for b in blocks if b.start >= main.start]
    out.extend(rp for rp, _, _ in rec_parts if abs(rp.start - main.start) < 4000)
    first = min(p.start for p in out)
    first_line = next((j for j in range(lo, n) if lines[j].start >= first), n)
    return out, first_line


# ---- official documents ----------------------------------------------------------

def _official(clean: CleanText, lines: list[Line], anchor: int, tables: list[Part]) -> Structure:
    R = rules()
    text = clean.text
    n = len(lines)
    h = parse_header(text, lines, anchor)
    parts: list[Part] = []
    # a web page's summary before the header
    pre = [Part("paragraph", ln.start, ln.end) for ln in lines[:h.start_line]]
    parts.extend(pre)
    if h.parts:
        parts.append(Part("header", h.parts[0].start, h.parts[-1].end, children=h.parts))
    layout = _layout(h)
    i = h.end_line
    preamble, i = parse_preamble(lines, i, n)
    if preamble is not None:
        parts.append(preamble)
    body_start = i

    # recipients and signature blocks after the body's start
    # (the first `Nơi nhận` line only)
    rec_at = next((j for j in range(body_start, n) if lines[j].text[0] in "Nn" and R.recipients.match(lines[j].ft)),
                  None)
    rec_parts: list[tuple[Part, int, int]] = []          # (part, first line, next line)
    skip: set[int] = set()
    for j in ([rec_at] if rec_at is not None else []):
        rp, nxt = recipients_at(lines, j, n)
        rec_parts.append((rp, j, nxt))
        skip.update(range(j, nxt))
    blocks = find_blocks(lines, body_start, n, skip, clean.text)
    main = _main_block(blocks, rec_parts, lines)
    if main is None and rec_parts:
        lone = lone_name_after(lines, rec_parts[0][2], n, skip)
        if lone is not None:
            main = lone
            blocks.append(lone)
            blocks.sort(key=lambda b: b.start)
    # appendices: after the main block (or the recipients), else after the body's start
    after = max([main.end if main else 0] + [rp.end for rp, _, _ in rec_parts])
    app_starts = _appendix_starts(lines, body_start, n, after)
    a1 = app_starts[0] if app_starts else n
    a1_pos = lines[a1].start if a1 < n else len(text)
    # the end matter: from the first of the recipients and the main block, up to the appendices
    end_parts: list[Part] = []
    end_start_pos = a1_pos
    for rp, _, _ in rec_parts:
        if rp.start < a1_pos:
            end_parts.append(rp)
            end_start_pos = min(end_start_pos, rp.start)
    if main is not None and main.start < a1_pos:
        for b in blocks:
            if b.start >= main.start and b.end <= a1_pos:
                end_parts.append(block_part(b))
        end_start_pos = min(end_start_pos, main.start)
    body_end = next((j for j in range(body_start, n) if lines[j].start >= end_start_pos), n)
    # layout tables: in the header or the end matter
    head_end = h.parts[-1].end if h.parts else 0
    data_tables = [t for t in tables if t.start >= head_end and not any(
        t.start < p.end and p.start < t.end for p in end_parts)]
    body_tables = [t for t in data_tables if lines[body_start].start <= t.start < end_start_pos] \
        if body_start < n else []
    if body_start < body_end:
        outline = build_outline(lines, body_start, body_end, body_tables, text)
        if outline:
            parts.append(Part("body", outline[0].start, outline[-1].end, children=outline))
    end_parts.sort(key=lambda p: p.start)
    parts.extend(_trim_overlaps(end_parts))
    # lines between the end matter and the appendices that are neither (a web page's footer)
    covered_to = max([p.end for p in parts] + [0])
    for j in range(body_end, a1):
        ln = lines[j]
        if ln.start >= covered_to and not any(p.start <= ln.start < p.end for p in end_parts):
            parts.append(Part("paragraph", ln.start, ln.end))
    parts.sort(key=lambda p: p.start)
    # the appendices, each with its outline and signature blocks
    bounds = app_starts + [n]
    blocks.sort(key=lambda bl: bl.start)
    block_starts = [bl.start for bl in blocks]
    table_starts = [t.start for t in data_tables]
    for k in range(len(app_starts)):
        a, b = bounds[k], bounds[k + 1]
        lo_pos, hi_pos = lines[a].start, lines[b - 1].end
        near_blocks = blocks[bisect_left(block_starts, lo_pos):bisect_right(block_starts, hi_pos)]
        near_tables = data_tables[bisect_left(table_starts, lo_pos):bisect_right(table_starts, hi_pos)]
        parts.append(_appendix(lines, a, b, near_blocks, near_tables, text))
    return Structure(parts=_ordered(_footnotes(_trim_overlaps(parts), text)), layout=layout)


def _layout(h) -> str:
    for p in h.parts:
        if p.kind == "motto" and p.attrs.get("party"):
            return "party"
    if h.doc_type and h.doc_type.get("doc_type") == "law":
        return "law"
    num = h.fields.get("number")
    if num is not None and num.label and ("/QH" in num.label or "UBTVQH" in num.label):
        return "law"
    return "official"


def _main_block(blocks: list[Block], rec_parts, lines: list[Line]) -> Block | None:
    """The document's own signature block: the one beside `Nơi nhận`, else the
    first one with a name, else the first one."""
    if not blocks:
        return None
    if rec_parts:
        rp, j0, j1 = rec_parts[0]
        lo = lines[max(0, j0 - RECIPIENTS_NEAR)].start
        hi = lines[min(len(lines) - 1, j1 + RECIPIENTS_NEAR)].end
        near = [b for b in blocks if lo <= b.start <= hi]
        if near:
            named = [b for b in near if b.named]
            return (named or near)[0]
    named = [b for b in blocks if b.named]
    return (named or blocks)[0]


def _appendix_starts(lines: list[Line], lo: int, n: int, after: int) -> list[int]:
    """Lines that open an appendix or a document issued with this one, after
    offset `after`: `PHỤ LỤC …` (in capitals or short), or the title lines
    above `(Ban hành kèm theo …)`."""
    R = rules()
    out: list[int] = []
    for j in range(lo, n):
        ln = lines[j]
        if ln.start < after or ln.text[0] not in _APPENDIX_FIRST:
            continue
        ft = ln.ft
        if R.appendix.match(ft) and (is_caps(ln.text.split(":")[0]) or len(ln.text.split()) <= 8) \
                and not ln.text.rstrip().endswith((".", ";")):
            if not out or j > out[-1] + APPENDIX_TITLE_LINES:
                out.append(j)
            continue
        if R.attached.match(ft):
            # its title: the lines above, up to the signature or a sentence; it opens in capitals
            k = j
            while k - 1 >= lo and j - (k - 1) <= APPENDIX_TITLE_LINES and lines[k - 1].start >= after \
                    and len(lines[k - 1].text) <= 200 and not lines[k - 1].text.rstrip().endswith((".", ";", ":")):
                k -= 1
            while k < j and not is_caps(lines[k].text):
                k += 1
            if out and k <= out[-1] + APPENDIX_TITLE_LINES:
                continue            # the `(Kèm theo …)` line of an appendix already opened
            out.append(k)
    return out


def _appendix(lines: list[Line], a: int, b: int, blocks: list[Block], tables: list[Part], text: str) -> Part:
    R = rules()
    start = lines[a].start
    end = lines[b - 1].end
    # the title block: the cue line, capitals under it, the `(Kèm theo …)` line
    k = a + 1
    # a table right under the title is not part of it (its heading row is often in capitals: STT)
    first_table = min((t.start for t in tables if t.start > start), default=end + 1)
    while k < b and k <= a + APPENDIX_TITLE_LINES and lines[k].start < first_table:
        t = lines[k].text
        if is_caps(t) or R.attached.match(fold(t)) or t.startswith("(") or (lines[k - 1].text.startswith("(")
                                                                         and not lines[k - 1].text.rstrip().endswith(")")):
            k += 1
            continue
        break
    title = " ".join(" ".join(lines[x].text.split()) for x in range(a, k))
    kids: list[Part] = [Part("heading", start, lines[k - 1].end, level=1)]
    inner = [bl for bl in blocks if start <= bl.start and bl.end <= end and bl.named]
    sig_parts = [block_part(bl) for bl in inner]
    # the outline up to the first signature block in it
    stop = b
    if sig_parts:
        stop = next((j for j in range(k, b) if lines[j].start >= sig_parts[0].start), b)
    inside = [t for t in tables if lines[k].start <= t.start < (lines[stop].start if stop < b else end + 1)] \
        if k < b else []
    if k < stop:
        kids.extend(build_outline(lines, k, stop, inside, text))
    kids.extend(sig_parts)
    for j in range(stop, b):             # what follows its signature
        ln = lines[j]
        if not any(p.start <= ln.start < p.end for p in sig_parts):
            kids.append(Part("paragraph", ln.start, ln.end))
    kids.sort(key=lambda p: p.start)
    kids = _trim_overlaps(kids)
    return Part("appendix", start, max([end] + [c.end for c in kids]), title=title, children=kids)


def _trim_overlaps(parts: list[Part]) -> list[Part]:
    """Parts at one level must not overlap: a later part starting inside an
    earlier one is cut to start after it (or dropped)."""
    out: list[Part] = []
    for p in sorted(parts, key=lambda x: (x.start, -x.end)):
        if out and p.start < out[-1].end:
            if p.end <= out[-1].end:
                continue
            p.start = out[-1].end
            if p.children:
                p.children = [c for c in p.children if c.start >= p.start]
                if not p.children:
                    continue
        out.append(p)
    return out


def _footnotes(parts: list[Part], text: str) -> list[Part]:
    """Paragraphs after the document that open with `[n]` are its footnotes."""
    R = rules()
    for p in parts:
        if p.kind == "paragraph":
            m = R.footnote.match(text[p.start:p.end])
            if m:
                p.kind = "footnote"
                p.label = m.group("n")
    return parts


_START_END = attrgetter("start", "end")


def _ordered(parts: list[Part]) -> list[Part]:
    # siblings do not overlap: only an empty part shares its start with another, and goes first
    parts = sorted(parts, key=_START_END)
    for p in parts:
        if p.children:
            p.children = _ordered(p.children)
    return parts


def part_label(structure: Structure, offset: int) -> str:
    """Where an offset stands, as a short path for `vanban explain`:
    `body › II. MỤC TIÊU › 1. Mục tiêu cụ thể › list_item -`."""
    out = []
    for p in structure.path_at(offset):
        if p.kind in ("section", "list_item") and p.label:
            title = (p.title or "")
            title = title if len(title) <= 40 else title[:39] + "…"
            out.append(f"{p.label} {title}".strip() if p.kind == "section" else f"{p.kind} {p.label}")
        elif p.kind in ("row", "cell"):
            idx = p.attrs.get("row") if p.kind == "row" else p.attrs.get("column") or p.attrs.get("col")
            out.append(f"{p.kind} {idx}" if idx is not None else p.kind)
        else:
            out.append(p.kind)
    return " › ".join(out) if out else "-"


def structure_of(path) -> tuple[Structure, CleanText]:
    """Read, clean and parse one file: its structure and the normalized text
    its offsets refer to (`vanban outline FILE`). Raises `ReadError`."""
    from vanban.pipeline.clean import clean
    from vanban.pipeline.readers import read_document

    c = clean(read_document(path))
    return parse_structure(c), c


__all__ = ["parse_structure", "part_label", "structure_of"]
