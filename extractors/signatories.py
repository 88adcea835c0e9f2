"""Signatories: who signs.

Official documents end with a signature block, the authority lines first:

    TM. ỦY BAN NHÂN DÂN        <- on_behalf (TM., KT., TL., TUQ., Q.)
    KT. CHỦ TỊCH
    PHÓ CHỦ TỊCH               <- title
    (Đã ký)
    Trần Thị Diệu Thúy         <- name

The structure stage finds the block in any layout (the two columns one after
the other, glued onto one line, in a table cell; OCR'd) and keeps names under
`Nơi nhận` out of it: they are recipients. A block with no name (an unsigned
draft) gives nothing; an e-signature stamp naming an agency is not a person.

Articles about a covenant (`ký kết giao ước thi đua`) name the people who sign:
`Giám đốc Sở … Nguyễn Minh Hùng ký kết …`, or `ông Nguyễn Văn A – Giám đốc Sở`
when the signing sentence names that title.
"""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.places import find_provinces
from vanban.extractors.text import LOWER, NAME, UPPER, collapse, is_caps, looks_like_name
from vanban.schemas.document import Doc
from vanban.schemas.models import Signatory

_UP, _LO = UPPER, LOWER
_AUTH = re.compile(r"^(?P<k>T/M|K/T|T/L|TM|KT|TL|TUQ|Q)\s*[.:]?\s*(?P<rest>.+)$")
_COVENANT = re.compile(r"ký\s+(?:kết\s+|kế\s+)?(?:bản\s+)?giao\s+ước|giao\s+ước\s+thi\s+đua|ký\s+kết", re.I)
_PERSON_TITLE = re.compile(
    rf"(?:[Ôô]ng|[Bb]à|[Đđ]ồng\s+chí)\s+(?P<name>{NAME})\s*[-–,]\s*(?P<title>(?:Phó\s+)?(?:Giám\s+đốc|Chủ\s+tịch|Bí\s+thư|"
    rf"Trưởng|Phó|Chánh|Tổng|Thứ\s+trưởng|Bộ\s+trưởng)[^,;.()\n]{{0,60}}?)(?=\s+(?:và|đồng|cùng|đã|ký)|[,;.()\n])")
_TITLE_NAME = re.compile(
    rf"(?P<title>(?:Phó\s+)?(?:Giám\s+đốc|Chủ\s+tịch|Bí\s+thư|Trưởng\s+ban|Thứ\s+trưởng|Bộ\s+trưởng)(?:\s+[{_UP}{_LO}]+){{0,8}}?)"
    rf"\s+(?P<name>{NAME})\s+(?:đã\s+)?ký")


def _title_case(s: str) -> str:
    s = collapse(s)
    if not is_caps(s):
        return s
    low = s.lower()
    words = low.split()
    words[0] = words[0].capitalize()
    if words[0] == "Phó" and len(words) > 1:
        words[1] = words[1].capitalize()
    return " ".join(words)


# The older tone placement on "uy" (`UỶ BAN`) written the usual way (`ỦY BAN`),
# as the organization's name already is.
_UY = str.maketrans({"Ỷ": "Y", "ỷ": "y"})
_UY_WORD = re.compile(r"\b([Uu])([Ỷỷ])(?!\w)")


def _auth_norm(s: str) -> str:
    """`KT.CỤC TRƯỞNG` -> `KT. CỤC TRƯỞNG`; the slash forms stay (`T/M BAN THƯỜNG VỤ`);
    `TM. UỶ BAN` -> `TM. ỦY BAN`."""
    s = _UY_WORD.sub(lambda m: ("Ủ" if m.group(1) == "U" else "ủ") + m.group(2).translate(_UY), s)
    m = _AUTH.match(collapse(s))
    if not m:
        return collapse(s)
    k = m.group("k")
    return f"{k} {m.group('rest').strip()}" if "/" in k else f"{k}. {m.group('rest').strip()}"


def _looks_like_name(name: str) -> bool:
    return looks_like_name(name)


def _ocr_surname(doc: Doc, at: int, name: str) -> str:
    """OCR drops the tilde of the commonest surname: on a page read by OCR,
    `Nguyên Văn Long` is `Nguyễn Văn Long` (structure.yaml `ocr_surname`)."""
    page = doc.clean.page_at(at)
    if not doc.clean.raw.ocr_pages or (page is not None and page not in doc.clean.raw.ocr_pages):
        return name
    first, _, rest = name.partition(" ")
    fixed = _ocr_surnames().get(first)
    return f"{fixed} {rest}" if fixed and rest else name


@lru_cache(maxsize=1)
def _ocr_surnames() -> dict[str, str]:
    return {e["read"]: e["surname"] for e in load("structure")["ocr_surname"]}


class SignatoryExtractor:
    name = "signatories"
    requires: tuple[str, ...] = ("document",)
    produces = "signatories"

    def __call__(self, doc: Doc) -> None:
        meta = doc.results["document"]
        out: list[Signatory] = []
        seen: set[str] = set()
        for sig in self._blocks(doc, meta.issuer):
            if sig.name.casefold() not in seen:
                seen.add(sig.name.casefold())
                out.append(sig)
        if meta.doc_type == "news_article" or not out:
            for sig in self._covenant(doc, meta.issuer):
                if sig.name.casefold() not in seen:
                    seen.add(sig.name.casefold())
                    out.append(sig)
        doc.results["signatories"] = out

    def _blocks(self, doc: Doc, org: str | None):
        """The signature blocks the structure stage found (in any layout: two
        columns, glued onto one line, in a table; names under `Nơi nhận` are
        recipients and never reach here). A block without a name is a draft."""
        text = doc.text
        for sig in doc.structure.find("signature"):
            kids = sig.children
            names = [c for c in kids if c.kind == "signer_name"]
            if not names:
                continue
            name_part = names[0]
            name = collapse(text[name_part.start:name_part.end])
            name = _ocr_surname(doc, name_part.start, name)
            if not _looks_like_name(name):
                continue
            auth = [c for c in kids if c.kind == "authority" and c.start < name_part.start]
            titles = [c for c in kids if c.kind == "signer_title" and c.start < name_part.start]
            # the title printed just above the name (a block may print the body's
            # post first: TM. BAN CHỈ ĐẠO / PHÓ TRƯỞNG BAN / PHÓ CHỦ TỊCH UBND TỈNH)
            title = _title_case(collapse(text[titles[-1].start:titles[-1].end])) if titles else None
            if title and re.search(r"CỘNG HÒA|ĐỘC LẬP|NƠI NHẬN", title.upper()):
                continue
            on_behalf = " / ".join(_auth_norm(text[a.start:a.end]) for a in auth) or None
            start = min([c.start for c in auth + titles] + [name_part.start])
            rule = "signature_block" if (auth or titles) else "signature_name"
            yield Signatory(name=name, title=title, organization=org, on_behalf=on_behalf, rule=rule,
                            **doc.span(start, name_part.end))

    def _covenant(self, doc: Doc, org: str | None):
        text = doc.text
        sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]?", text)]
        signing = [(a, b) for a, b in sentences if _COVENANT.search(text[a:b])]
        if not signing:
            return
        for a, b in signing:
            for m in _TITLE_NAME.finditer(text, a, b):
                name, title = collapse(m.group("name")), collapse(m.group("title"))
                # "Giám đốc Sở Công Thương tỉnh An Giang Nguyễn Minh Hùng": the
                # province belongs to the title, not the name.
                hits = find_provinces(name)
                if hits and hits[0][0] == 0:
                    cut = len(name[:hits[0][1]])
                    title, name = f"{title} {name[:cut]}", name[cut:].strip()
                if _looks_like_name(name):
                    yield Signatory(name=name, title=title, organization=org,
                                    rule="covenant", **doc.span(m.start(), m.end("name")))
        # People introduced with a title elsewhere, whose title the signing sentence names.
        sign_text = " ".join(text[a:b].casefold() for a, b in signing)
        for m in _PERSON_TITLE.finditer(text):
            title = collapse(m.group("title"))
            head = " ".join(title.split()[:3]).casefold()
            if head and head in sign_text and _looks_like_name(m.group("name")):
                yield Signatory(name=collapse(m.group("name")), title=title, organization=org, rule="covenant_title",
                                **doc.span(m.start("name"), m.end("title")))
