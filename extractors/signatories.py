"""Signatories: who signs.

Official documents end with a signature block, the authority lines first:

    TM. ỦY BAN NHÂN DÂN        <- on_behalf (TM., KT., TL., TUQ., Q.)
    KT. CHỦ TỊCH
    PHÓ CHỦ TỊCH               <- title
    (Đã ký)
    Trần Thị Diệu Thúy         <- name

The block is found from the name upward: a line that is a personal name, with
a title line in capitals just above it. A block with no name (an unsigned
draft) gives nothing; an e-signature stamp naming an agency is not a person.

Articles about a covenant (`ký kết giao ước thi đua`) name the people who sign:
`Giám đốc Sở … Nguyễn Minh Hùng ký kết …`, or `ông Nguyễn Văn A – Giám đốc Sở`
when the signing sentence names that title.
"""
from __future__ import annotations

import re
import unicodedata

from vanban.extractors.places import find_provinces
from vanban.extractors.text import is_caps
from vanban.extractors.text import collapse
from vanban.schemas.document import Doc
from vanban.schemas.models import Signatory

_UP = "A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ"
_LO = "a-zđàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ"
_SYL = rf"[{_UP}][{_LO}]+"
NAME = rf"{_SYL}(?:\s+{_SYL}){{1,5}}"
_RANK = r"(?:(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy|uý)|TS\.|ThS\.|PGS\.?\s*TS\.|GS\.?\s*TS\.|KS\.|Ths\.)\s+"
_NAME_LINE = re.compile(rf"(?m)^[ \t]*(?:{_RANK})?(?P<name>{NAME})[ \t]*$")
_AUTH = re.compile(r"^(?P<k>TM|KT|TL|TUQ|Q)\s*\.\s*(?P<rest>.+)$")
_SKIP = re.compile(r"^\(?\s*(?:Đã\s+ký|đã\s+ký|Ký|ký|Chữ\s+ký|Ký\s+và\s+ghi\s+rõ|Ký,\s*ghi\s+rõ)[^)]*\)?$|^\[?(?:Đã ký|img|image)\]?$", re.I)
_NOT_NAME = re.compile(r"^(?:Nơi\s+nhận|Như\s+trên|Lưu|Kính\s+gửi|Phụ\s+lục|Người\s+ký|Cơ\s+quan|Thời\s+gian|Email|Điện\s+thoại)\b", re.I)
_NOT_NAME_WORDS = {"Việt", "Nam", "Nhân", "Dân", "Ủy", "Ban", "Sở", "Bộ", "Cục", "Phòng", "Tỉnh", "Thành", "Phố",
                   "Huyện", "Xã", "Hội", "Đồng", "Văn", "Trung", "Tâm", "Công", "Thương", "Chính", "Phủ", "Nội", "Vụ"}

_COVENANT = re.compile(r"ký\s+(?:kết\s+|kế\s+)?(?:bản\s+)?giao\s+ước|giao\s+ước\s+thi\s+đua|ký\s+kết", re.I)
_PERSON_TITLE = re.compile(
    rf"(?:[Ôô]ng|[Bb]à|[Đđ]ồng\s+chí)\s+(?P<name>{NAME})\s*[-–,]\s*(?P<title>(?:Phó\s+)?(?:Giám\s+đốc|Chủ\s+tịch|Bí\s+thư|"
    rf"Trưởng|Phó|Chánh|Tổng|Thứ\s+trưởng|Bộ\s+trưởng)[^,;.()\n]{{0,60}}?)(?=\s+(?:và|đồng|cùng|đã|ký)|[,;.()\n])")
_TITLE_NAME = re.compile(
    rf"(?P<title>(?:Phó\s+)?(?:Giám\s+đốc|Chủ\s+tịch|Bí\s+thư|Trưởng\s+ban|Thứ\s+trưởng|Bộ\s+trưởng)(?:\s+[{_UP}{_LO}]+){{0,8}}?)"
    rf"\s+(?P<name>{NAME})\s+(?:đã\s+)?ký")


# Words a signer's title holds (compared without accents: OCR drops and swaps them).
_POSITION = re.compile(r"\b(?:CHU TICH|GIAM DOC|TRUONG|PHO|THU TUONG|BI THU|CHANH|UY VIEN|CHU NHIEM|TONG|THU KY|"
                       r"KE TOAN|DAI DIEN|CUC TRUONG|VU TRUONG|HIEU TRUONG|VIEN TRUONG|CHI HUY|TU LENH|CHINH UY|"
                       r"GIAM DINH|TRUONG BAN|THU TRUONG|BO TRUONG|CHU NHIEM|DIRECTOR|CHAIRMAN)\b")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d").upper())
    return "".join(c for c in s if not unicodedata.combining(c))


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


def _auth_norm(s: str) -> str:
    m = _AUTH.match(collapse(s))
    return f"{m.group('k')}. {m.group('rest').strip()}" if m else collapse(s)


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not 2 <= len(words) <= 6:
        return False
    return sum(w in _NOT_NAME_WORDS for w in words) < 2


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
        text = doc.text
        for m in _NAME_LINE.finditer(text):
            name = collapse(m.group("name"))
            if not _looks_like_name(name) or _NOT_NAME.match(name):
                continue
            # Walk up: skip "(Đã ký)" and blank lines; collect caps lines.
            pos = text.rfind("\n", 0, m.start())
            above: list[tuple[int, int, str]] = []
            steps = 0
            while pos > 0 and steps < 8:
                prev = text.rfind("\n", 0, pos)
                line = text[prev + 1:pos]
                st = line.strip()
                steps += 1
                if not st or _SKIP.match(st):
                    pos = prev
                    continue
                if is_caps(st) and len(st.split()) <= 10 and not re.search(r"\d{2,}", st):
                    above.append((prev + 1, pos, st))
                    pos = prev
                    continue
                break
            if not above:
                continue
            above.reverse()                  # top to bottom
            auth = [a for a in above if _AUTH.match(collapse(a[2]))]
            rest = [a for a in above if not _AUTH.match(collapse(a[2]))]
            # The title is the line just above the name (two when a converter
            # split it: PHÓ CHỦ / TỊCH); capital lines further up name the body.
            titles = rest[-1:]
            if titles and not _POSITION.search(_fold(titles[0][2])) and len(rest) >= 2:
                titles = rest[-2:]
            if titles and not _POSITION.search(_fold(" ".join(t[2] for t in titles))):
                continue
            if not titles and not auth:
                continue
            # "KT. CHỦ TỊCH" alone: the title is the authority's role
            title = _title_case(" ".join(t[2] for t in titles)) if titles else None
            if title and re.search(r"CỘNG HÒA|ĐỘC LẬP|NƠI NHẬN", title.upper()):
                continue
            on_behalf = " / ".join(_auth_norm(a[2]) for a in auth) or None
            start = above[0][0]
            yield Signatory(name=name, title=title, organization=org, on_behalf=on_behalf, rule="signature_block",
                            **doc.span(start, m.end()))

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
