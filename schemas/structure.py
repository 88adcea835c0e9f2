"""The parts of a document, as Nghị định 30/2020/NĐ-CP (Phụ lục I) lays them out.

The structure stage (`vanban.pipeline.structure`) recovers these once, after
cleaning and before the extractors; every extractor can then ask where a span
stands (`doc.structure.path_at(i)`, `doc.structure.within(i, "signature")`)
instead of guessing from the sentence alone. Offsets are into the normalized
text, like every item's.

This module is plain data and depends on nothing, so extractors may import it.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterator

# The kinds of part. Containers first, then the leaves they hold.
KINDS: dict[str, str] = {
    # official documents
    "header": "everything above the subject line: motto, issuing body, number, place-date, type",
    "motto": "quốc hiệu and tiêu ngữ (CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc), "
             "or the Party's ĐẢNG CỘNG SẢN VIỆT NAM",
    "parent_body": "the body above the issuer in a two-level header (UBND TỈNH above SỞ …); label: its full text",
    "issuer": "the issuing body (one part per printed piece; label: the body's full text)",
    "number": "the symbol after Số: (300/KH-SCT); label: the symbol without spaces; attrs['legible'] = 'no' "
              "when OCR misread it (5Ø /KH-BCA-C04)",
    "place_date": "Hà Tĩnh, ngày … tháng 3 năm 2024 (its `place` and `date` are its children)",
    "place": "the place of a place–date line (Hà Tĩnh)",
    "date": "the date of a place–date line (ngày … tháng 3 năm 2024)",
    "doc_type": "the type heading: KẾ HOẠCH, QUYẾT ĐỊNH, LUẬT …",
    "subject": "trích yếu: the subject line(s), including V/v …",
    "addressee": "Kính gửi: …",
    "enacting": "the enacting authority line (CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …, QUỐC HỘI)",
    "preamble": "the run of Căn cứ / Thực hiện / Xét / Theo đề nghị lines before the body",
    "basis": "one Căn cứ / Thực hiện / Xét line",
    "formula": "the enacting formula closing the preamble (QUYẾT ĐỊNH:, QUYẾT NGHỊ:, Quốc hội ban hành Luật …)",
    "body": "the content, from after the preamble to the signature block",
    "section": "a heading with everything under it, down to the next heading of the same or a higher level; "
               "attrs['style'] is its numbering (part, chapter, mục, article, roman, decimal, decimal2, decimal3, "
               "letter, paren, dash, plus, bullet, caps), attrs['topic'] what its heading names (goals, purpose, "
               "tasks, implementation, funding, results, schedule)",
    "heading": "the heading line of a section (numbering in `label`, level in `level`)",
    "list_item": "an item of a list (-, +, •, a), 1), 1.1.) that is not a heading",
    "paragraph": "a run of text that is neither heading nor list item",
    "table": "a table (Markdown bars, docx table, PDF ruling); attrs: source, rows, columns",
    "row": "a table row (attrs['row'] its index; attrs['header'] = '1' for the header row)",
    "cell": "a table cell (attrs['col'] its index; attrs['column'] = its header text, when known)",
    "signature": "the signature block: authority lines, title, (Đã ký), name",
    "authority": "TM. / KT. / TL. / TUQ. / Q. lines",
    "signer_title": "the signer's title (CHỦ TỊCH, GIÁM ĐỐC …)",
    "signer_name": "the signer's name",
    "mark": "a mark between title and name: (Đã ký), (Ký, ghi rõ họ tên)",
    "stamp": "a digital-signature or copy stamp (Người ký: …, Thời gian ký: …, SAO Y): never a person",
    "recipients": "Nơi nhận: and the list under it",
    "appendix": "Phụ lục / Ban hành kèm theo … and what follows (title: its title lines; a heading, its "
                "outline and its own signature blocks as children)",
    "footnote": "a footnote",
    # news articles
    "headline": "an article's headline",
    "lead": "an article's lead (sapo) paragraph",
    "byline": "the author or Nguồn: line",
}


@dataclass
class Part:
    """One part of a document, [start, end) in the normalized text."""
    kind: str
    start: int
    end: int
    label: str | None = None      # numbering as printed ("I.", "1.1.", "a)", "-"), or a field's value
    level: int = 0                # outline depth of a heading, section or list item (1 = top)
    title: str | None = None      # a section's heading text, without its numbering
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Part"] = field(default_factory=list)

    def walk(self) -> Iterator["Part"]:
        # depth first, in text order, without a generator per level
        stack = [self]
        while stack:
            p = stack.pop()
            yield p
            if p.children:
                stack.extend(reversed(p.children))

    def contains(self, i: int) -> bool:
        return self.start <= i < self.end

    def to_dict(self, text: str | None = None) -> dict:
        d: dict = {"kind": self.kind, "start": self.start, "end": self.end}
        for k in ("label", "title"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        if self.level:
            d["level"] = self.level
        if self.attrs:
            d["attrs"] = dict(self.attrs)
        if text is not None and not self.children:
            d["text"] = text[self.start:self.end]
        if self.children:
            d["children"] = [c.to_dict(text) for c in self.children]
        return d


@dataclass
class Structure:
    """The parts of one document: a forest of `Part`s in text order.

    `layout` names the family recognised: "official" (NĐ 30/2020 layout),
    "law" (laws, National Assembly resolutions), "party" (Party documents),
    "news" (web and press articles) or "plain" (none recognised)."""
    parts: list[Part] = field(default_factory=list)
    layout: str = "plain"
    # The start offsets of each list of siblings, built on the first lookup
    # (a structure is built once, then only read).
    _starts: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Every part of each kind, in text order, also built on the first lookup.
    _by_kind: dict[str, list[Part]] | None = field(default=None, init=False, repr=False, compare=False)

    def walk(self) -> Iterator[Part]:
        for top in self.parts:
            yield from top.walk()

    def find(self, kind: str) -> list[Part]:
        """Every part of one kind, in text order."""
        if self._by_kind is None:
            index: dict[str, list[Part]] = {}
            for p in self.walk():
                index.setdefault(p.kind, []).append(p)
            self._by_kind = index
        return list(self._by_kind.get(kind, ()))

    def first(self, kind: str) -> Part | None:
        for p in self.walk():
            if p.kind == kind:
                return p
        return None

    def path_at(self, i: int) -> list[Part]:
        """The parts containing offset i, outermost first (empty when none does)."""
        path: list[Part] = []
        level = self.parts
        while True:
            # parts at one level are in text order and do not overlap
            starts = self._starts.get(id(level))
            if starts is None:
                starts = self._starts[id(level)] = [p.start for p in level]
            j = bisect_right(starts, i) - 1
            if j < 0 or not level[j].contains(i):
                return path
            path.append(level[j])
            level = level[j].children

    def kinds_at(self, i: int) -> list[str]:
        return [p.kind for p in self.path_at(i)]

    def within(self, i: int, kind: str) -> Part | None:
        """The innermost part of `kind` containing offset i, if any."""
        for p in reversed(self.path_at(i)):
            if p.kind == kind:
                return p
        return None

    def headings_at(self, i: int) -> list[Part]:
        """The sections containing offset i, outermost first (their `title`s say where i stands)."""
        return [p for p in self.path_at(i) if p.kind == "section"]

    def to_dict(self, text: str | None = None) -> dict:
        return {"layout": self.layout, "parts": [p.to_dict(text) for p in self.parts]}
