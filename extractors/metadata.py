"""Document metadata: type, number, issuer, province, place–date line, title,
and for articles the posting date and byline.

An official document opens with a two-column header (issuer | national motto),
the number (`Số: 300/KH-SCT`) and the place–date line, then the type heading
(`KẾ HOẠCH`) and the subject line. Readers put each column's lines together,
and cleaning keeps line breaks between header lines, so the header is read
line by line here.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.datefind import find_dates
from vanban.extractors.places import modern_accents, province_in, province_of_district, split_joined
from vanban.extractors.symbols import BLANK_SYMBOL, SEGS, SYMBOL, issuer_code, normalize_symbol, type_code
from vanban.extractors.text import is_caps, sentence_case, title_case_org
from vanban.extractors.text import collapse
from vanban.schemas.document import Doc
from vanban.schemas.models import DocumentMeta

HEADER_ZONE = 3000      # characters: the header sits at the top

_MOTTO = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc")
# The number is often filled in by hand after printing: "Số: 2536 /QĐ-UBND".
_NUMBER = re.compile(rf"\bS[ốó]\s*(?:và\s+ký\s+hiệu\s*)?[:.]?\s*(?:(?P<sym>{SYMBOL}|\d{{1,5}}[a-z]?[ \t]+/(?:\d{{4}}/)?{SEGS}(?:/{SEGS})?)"
                     rf"|[.…_ \t]*(?P<blank>{BLANK_SYMBOL}))")
_PLACE_DATE = re.compile(
    r"(?:^|\n)[ \t]*(?P<place>[^\n,;:()]{2,45}?)[ \t]*,[ \t]*(?P<date>ngày\b[^\n]{0,40}?năm[ \t]*(?:\d{4}|[.…_ ]*\d{4}))",
    re.I)
_NEWS_DATE = re.compile(
    r"(?:Cập\s+nhật|Ngày\s+cập\s+nhật|Được\s+đăng|Ngày\s+đăng|Đăng\s+ngày|Ngày\s+xuất\s+bản|Thời\s+gian\s+đăng)\s*:?\s*"
    r"(?P<date>[^\n)]{6,40})", re.I)
_TIME_DATE = re.compile(r"(?m)^\s*\(?\d{1,2}:\d{2}\s*\|?\s*(?P<date>\d{1,2}/\d{1,2}/\d{4})")
_AUTHOR = re.compile(r"\(?\s*(?:Nguồn|Theo)\s*:?\s*(?P<a>[^\n()]{2,60}?)\s*\)?\s*$", re.M)


@lru_cache(maxsize=1)
def _types() -> list[dict]:
    return load("doc_types")["types"]


def strip_accents(s: str) -> str:
    """`QUYÉT ĐỊNH` (an OCR slip for QUYẾT) and `QUYẾT ĐỊNH` both become QUYET DINH."""
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in s if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _heading_words() -> dict[str, str]:
    return {strip_accents(t["word"]).upper(): t["word"] for t in _types()}


class _Heading:
    """A line holding only a document type word, in capitals."""

    def __init__(self, start: int, end: int, word: str):
        self._span = (start, end)
        self.word = word

    def span(self, _group: str = "w") -> tuple[int, int]:
        return self._span

    def end(self) -> int:
        return self._span[1]

    def group(self, _name: str = "w") -> str:
        return self.word


def _find_heading(zone: str) -> _Heading | None:
    """The type heading: a line holding only a type word in capitals, or (as OCR
    and some converters give it) the type word with the subject line after it:
    "NGHỊ QUYẾT Ban hành Quy định …"."""
    words = _heading_words()
    for m in re.finditer(r"(?m)^[ \t]*(?P<w>[^\n]{2,})$", zone):
        line = m.group("w").rstrip()
        if is_caps(line) and len(line) <= 40:
            key = re.sub(r"\s+", " ", strip_accents(line).upper()).strip(" :")
            if key in words:
                return _Heading(m.start("w"), m.start("w") + len(line), words[key])
            continue
        # leading words in capitals, then a word in mixed case
        toks = list(re.finditer(r"\S+", line))
        n = 0
        while n < len(toks) and n < 4 and toks[n].group().isupper():
            n += 1
        if 0 < n < len(toks) and toks[n].group()[:1].isupper() and not toks[n].group().isupper():
            key = " ".join(strip_accents(t.group()).upper() for t in toks[:n])
            if key in words:
                return _Heading(m.start("w"), m.start("w") + toks[n - 1].end(), words[key])
    return None


def _doc_type_of_word(word: str) -> str:
    w = collapse(word).casefold()
    for t in _types():
        if t["word"].casefold() == w:
            return t["doc_type"]
    return "other"


def _doc_type_of_code(code: str | None) -> str | None:
    if not code:
        return None
    for t in _types():
        if code in t["codes"]:
            return t["doc_type"]
    return None


_PLACE_WORDS = r"(?:TỈNH|THÀNH\s+PHỐ|TP\.?|HUYỆN|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG|THỊ\s+TRẤN)\b"
_ABBREV = [(re.compile(r"\bUBND\b"), "Ủy ban nhân dân"), (re.compile(r"\bHĐND\b"), "Hội đồng nhân dân"),
           (re.compile(r"\bTP\.\s*"), "Thành phố "), (re.compile(r"\bMTTQ\b"), "Mặt trận Tổ quốc")]
_CENTRAL = re.compile(r"^(?:Bộ|Chính phủ|Thủ tướng|Văn phòng Chính phủ|Quốc hội|Ủy ban Thường vụ Quốc hội|"
                      r"Cục|Tổng cục|Ban Chấp hành Trung ương|Bộ Chính trị|Ban Bí thư|Tòa án nhân dân tối cao|"
                      r"Viện kiểm sát nhân dân tối cao|Kiểm toán nhà nước|Ngân hàng Nhà nước)\b", re.I)


_CENTRAL_FOLDED = re.compile(r"^(?:BO|CHINH PHU|THU TUONG|VAN PHONG CHINH PHU|QUOC HOI|UY BAN THUONG VU QUOC HOI|CUC|"
                             r"TONG CUC|BAN CHAP HANH TRUNG UONG|DANG CONG SAN|BO CHINH TRI|BAN BI THU|TOA AN NHAN DAN TOI CAO|"
                             r"VIEN KIEM SAT NHAN DAN TOI CAO|KIEM TOAN NHA NUOC|NGAN HANG NHA NUOC)\b")


def _is_central(issuer: str) -> bool:
    """A central body (ministries, Government, the Party's centre): no province.
    Compared without accents, so an OCR'd header still counts."""
    return bool(_CENTRAL.match(issuer) or _CENTRAL_FOLDED.match(strip_accents(issuer).upper()))


def _expand(s: str) -> str:
    for rx, rep in _ABBREV:
        s = rx.sub(rep, s)
    return collapse(s)


_ORG_START = re.compile(
    r"^(?:ỦY BAN|UỶ BAN|UBND|HỘI ĐỒNG|HĐND|SỞ|BỘ|CỤC|CHI CỤC|TỔNG CỤC|VĂN PHÒNG|BAN|THỦ TƯỚNG|"
    r"CHÍNH PHỦ|QUỐC HỘI|TỈNH ỦY|TỈNH UỶ|THÀNH ỦY|THÀNH UỶ|ĐẢNG ỦY|ĐẢNG UỶ|PHÒNG|TRUNG TÂM|TRƯỜNG|"
    r"CÔNG AN|BỘ CHỈ HUY|ĐOÀN|LIÊN ĐOÀN|MẶT TRẬN|BÁO|ĐÀI|VIỆN|TÒA ÁN|KHO BẠC|CHI NHÁNH)\b")


def _issuer_from_header(lines: list[str]) -> str | None:
    """Lines of the left header column, top to bottom. A line that starts a new
    body (SỞ, CỤC …) begins the issuing unit under its parent; any other line
    continues the previous one (converters break `HỘI / ĐỒNG NHÂN DÂN`)."""
    lines = [collapse(x) for x in lines if x.strip() and not re.fullmatch(r"[-_=*~. ]+", x.strip())]
    if not lines:
        return None
    groups: list[str] = []
    for ln in lines:
        if not groups or (len(groups[-1].split()) >= 2 and _ORG_START.match(modern_accents(ln).upper())):
            groups.append(ln)
        else:
            groups[-1] += " " + ln
    groups = [title_case_org(modern_accents(_expand(g))) for g in groups]
    if len(groups) == 1:
        return groups[0]
    parent, child = groups[-2], groups[-1]
    m = re.search(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã)\s+.+$", parent, re.I)
    if m and not re.search(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường)\b", child, re.I):
        return f"{child} {m.group()}"
    return f"{child}, {parent}"


def _header_lines(text: str, motto_start: int) -> list[str]:
    """The issuer lines: the capitalised lines just above the motto (the left
    column comes first), skipping rule lines; stops at a line in lower case."""
    lines = text[:motto_start].split("\n")
    out: list[str] = []
    for ln in reversed(lines):
        st = ln.strip()
        if not st or re.fullmatch(r"[-_=*~.]{2,}", st):
            continue
        if re.match(r"S[ốó]\b", st) or not is_caps(st) or len(out) >= 5:
            if out:
                break
            continue
        out.append(st)
    return list(reversed(out))


_TITLE_STOP = re.compile(r"^(?:Căn\s+cứ|Thực\s+hiện|Kính\s+gửi|Theo\s|Xét\s|[-_=*~. ]{3,}$|[IVX]+\.\s|\d+\.\s|Điều\s+\d)")


def _title_after_heading(text: str, pos: int) -> tuple[int, int] | None:
    """The subject line: the lines after the type heading, up to a blank line,
    a rule line, the preamble (Căn cứ, Kính gửi …), or, under a title in mixed
    case, a line in capitals (the issuing authority: CHỦ TỊCH ỦY BAN …)."""
    lines = list(re.finditer(r"(?m)^[^\n]*$", text[pos:pos + 1500]))
    if lines and lines[0].group().strip():
        # the subject line continues the heading's own line ("NGHỊ QUYẾT Ban hành …")
        first = lines[0]
        lead = len(first.group()) - len(first.group().lstrip())
        s = pos + first.start() + lead
        return s, pos + first.end()
    start = end = None
    caps_title = None
    for m in lines:
        ln = m.group()
        st = ln.strip()
        if start is None:
            if not st:
                continue
            start = pos + m.start()
            caps_title = is_caps(st)
            end = pos + m.end()
            continue
        if not st or _TITLE_STOP.match(st) or (not caps_title and is_caps(st)) or st.startswith("_"):
            break
        if (pos + m.end()) - start > 400:       # a subject line is not a page
            break
        end = pos + m.end()
    if start is None:
        return None
    return start, end


class MetadataExtractor:
    name = "metadata"
    requires: tuple[str, ...] = ()
    produces = "document"

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        zone = text[:HEADER_ZONE]
        meta = DocumentMeta()
        spans = {}

        motto = _MOTTO.search(zone)
        num = _NUMBER.search(zone)
        is_official = bool(motto or num)

        if num:
            if num.group("sym"):
                meta.number = normalize_symbol(num.group("sym"))
                s, e = num.span("sym")
            else:
                meta.number = normalize_symbol(num.group("blank"))
                s, e = num.span("blank")
            spans["number"] = doc.span_model(s, e)

        pd = _PLACE_DATE.search(zone) if is_official else None
        if pd:
            ps, pe = pd.span("place")
            # A place name broken over two lines (`Thành phố Hồ Chí / Minh`).
            if len(pd.group("place").split()) <= 2:
                prev_end = text.rfind("\n", 0, ps)
                prev_start = text.rfind("\n", 0, max(prev_end, 0)) + 1
                prev = text[prev_start:prev_end] if prev_end > 0 else ""
                if (prev.strip() and len(prev.split()) <= 5 and not re.search(r"[\d:;,]|^[-_=*~.\s]+$", prev)
                        and not _MOTTO.search(prev) and not is_caps(prev)):
                    ps = prev_start
            meta.issue_place = collapse(text[ps:pe])
            spans["issue_place"] = doc.span_model(ps, pe)
            found = find_dates(pd.group("date"))
            if found:
                meta.issue_date = found[0].value
            else:
                y = re.search(r"(\d{4})\s*$", pd.group("date"))
                meta.issue_date = y.group(1) if y else None
            spans["issue_date"] = doc.span_model(*pd.span("date"))
            doc.cache["issue_line"] = pd.span("date")

        heading = _find_heading(zone) if is_official else None
        if heading:
            meta.doc_type = _doc_type_of_word(heading.group("w"))
            spans["doc_type"] = doc.span_model(*heading.span("w"))
        elif is_official and re.search(r"(?m)^\s*V/[vV]\b", zone):
            # A letter: no type heading, a V/v subject line. Its symbol's first part
            # is the issuer (5680/CT-CS is Cục Thuế's, not a Chỉ thị).
            meta.doc_type = "official_letter"
        elif meta.number:
            meta.doc_type = _doc_type_of_code(type_code(meta.number)) or "official_letter"
        elif not is_official:
            meta.doc_type = "news_article"
        # A Công văn has a symbol without a type code (4085/UBND-ĐT) and no heading.

        # Title: the lines after the heading up to a blank line, or the V/v line.
        title_span = None
        if heading:
            title_span = _title_after_heading(text, heading.end())
        if title_span is None and is_official:
            m = re.search(r"(?:^|\n)\s*(?P<t>(?:V/v|V/V|Về việc|VỀ VIỆC)\b[^\n]*(?:\n(?!\s*\n)[^\n]*){0,3})", zone)
            if m:
                t = m.group("t")
                # stop at the place-date line or the motto that may follow in the same column
                cut = re.search(r"\n[^\n]*(?:ngày|CỘNG HÒA|Độc lập|Kính gửi)", t)
                end = m.start("t") + (cut.start() if cut else len(t))
                title_span = (m.start("t"), end)
        if title_span:
            s, e = title_span
            while e > s and text[e - 1] in " \n._":
                e -= 1
            meta.title = sentence_case(collapse(text[s:e]))
            spans["title"] = doc.span_model(s, e)

        # Issuer from the left header column.
        if is_official:
            cut = motto.start() if motto else (num.start() if num else 0)
            meta.issuer = _issuer_from_header(_header_lines(text, cut))
            if meta.issuer and not _is_central(meta.issuer) and len(meta.issuer.split()) <= 2:
                meta.issuer = None   # a stray word, not an issuer
            if not meta.issuer and meta.number:
                meta.issuer = self._issuer_from_symbol(meta.number, meta.issue_place)

        if not is_official:
            self._article(doc, meta, spans)
        elif doc.format == "html":
            meta.published_date = doc.meta.get("published") or self._posted_date(doc, spans)

        ref_date = meta.issue_date or meta.published_date
        if meta.issuer and _is_central(meta.issuer):
            meta.province = None
        else:
            meta.province = (province_in(meta.issuer, ref_date)
                             or province_of_district(meta.issuer, ref_date)
                             or (province_in(meta.issue_place, ref_date) if meta.issuer and is_official else None)
                             or (self._article_province(doc, meta, ref_date) if not is_official else None))
            if meta.province is None and is_official and meta.issuer and re.search(r"(?i)\b(?:huyện|quận|thị xã|xã|phường)\b", meta.issuer):
                # a district body whose header OCR cut short ("UBND HUYỆN ĐĂK"): the
                # district the text names, else the province it names most
                meta.province = (province_of_district(doc.text[:6000], ref_date)
                                 or _most_named_province(doc.text))
        meta.spans = spans
        doc.results["document"] = meta
        doc.cache["ref_year"] = int(ref_date[:4]) if ref_date else None

    @staticmethod
    def _issuer_from_symbol(number: str, place: str | None) -> str | None:
        """No header printed: the symbol's issuer code (300/KH-SCT -> Sở Công
        Thương) and, for a local body, the province of the place line."""
        code = issuer_code(number)
        for e in load("issuers")["issuers"]:
            if e["code"] == code:
                if e["central"]:
                    return e["name"]
                p = province_in(place)
                return f"{e['name']} tỉnh {p}" if p else e["name"]
        return None

    # ---- articles -------------------------------------------------------

    def _article(self, doc: Doc, meta: DocumentMeta, spans: dict) -> None:
        text = doc.text
        meta.title = doc.meta.get("title") or self._article_title(doc, spans)
        pub = doc.meta.get("published")
        meta.published_date = pub or self._posted_date(doc, spans)
        author = doc.meta.get("author")
        if not author:
            tail_start = max(0, len(text) - 1500)
            for m in _AUTHOR.finditer(text, tail_start):
                author = collapse(m.group("a")).rstrip(".")
                spans["author"] = doc.span_model(*m.span("a"))
            if not author:
                last = text.rstrip().rsplit("\n", 1)[-1].strip()
                if 1 <= len(last.split()) <= 4 and not last.endswith((".", ":", "!", "?")) and \
                        re.fullmatch(r"[A-ZĐÀ-Ỹ][\w.\- ]+", last) and not re.search(r"\d", last):
                    author = last
                    s = text.rstrip().rfind(last)
                    spans["author"] = doc.span_model(s, s + len(last))
        meta.author = author
        meta.issuer = doc.meta.get("site") or self._article_issuer(doc) or self._issuer_from_author(doc, author, meta)

    @staticmethod
    def _posted_date(doc: Doc, spans: dict) -> str | None:
        """"Cập nhật: 18/03/2024", "Ngày cập nhật: 06/04/2026", "22:19 | 22/11/2021"."""
        text = doc.text
        for rx in (_NEWS_DATE, _TIME_DATE):
            m = rx.search(text[:4000])
            if m:
                f = find_dates(m.group("date"))
                if f and f[0].value:
                    s, e = m.start("date") + f[0].start, m.start("date") + f[0].end
                    spans["published_date"] = doc.span_model(s, e)
                    doc.cache["published_span"] = (s, e)
                    return f[0].value
        return None

    def _article_title(self, doc: Doc, spans: dict) -> str | None:
        text = doc.text
        lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text[:3000])]
        # a Markdown heading, then a line printed twice, then the first headline-like line
        for s, ln in lines:
            if ln.startswith("#"):
                t = ln.lstrip("# ").strip()
                spans["title"] = doc.span_model(s + ln.index(t), s + ln.index(t) + len(t))
                return t
        counts: dict[str, int] = {}
        for _, ln in lines:
            counts[ln.strip()] = counts.get(ln.strip(), 0) + 1
        def headline_like(t: str) -> bool:
            return not re.search(r"Ảnh\s*:|^[•▪●\-+\[(]|^(?:Cổng|Trang) thông tin|Đường dây nóng", t)

        # The headline comes before the body: the first long sentence ends the search.
        body = next((i for i, (_, ln) in enumerate(lines)
                     if len(ln.split()) > 45 or (ln.rstrip().endswith(".") and len(ln.split()) >= 15)), len(lines))
        lines = lines[:body]
        for s, ln in lines[:15]:
            t = ln.strip()
            if counts[t] >= 2 and len(t.split()) >= 5 and not t.endswith(".") and headline_like(t):
                spans["title"] = doc.span_model(s + ln.index(t), s + ln.index(t) + len(t))
                return t
        for s, ln in lines[:6]:
            t = ln.strip()
            if (8 <= len(t.split()) <= 45 and not t.endswith((".", ":", ";")) and ":" not in t[:25]
                    and headline_like(t)):
                spans["title"] = doc.span_model(s + ln.index(t), s + ln.index(t) + len(t))
                return t
        return None

    def _article_issuer(self, doc: Doc) -> str | None:
        text = doc.text[:3000]
        m = re.search(r"(?i)(?:Cổng|Trang)\s+thông\s+tin\s+điện\s+tử\s+(?P<o>[^\n]{3,80})", text)
        if m:
            org = title_case_org(_expand(m.group("o").strip()))
            if province_in(org) and not re.search(r"\b(?:tỉnh|thành phố)\b", org, re.I):
                p = province_in(org)
                org = re.sub(re.escape(p) + "$", f"tỉnh {p}", org) if org.endswith(p) else org
            return org
        m = re.search(r"Báo\s+(?:[A-ZĐÀ-Ỹ][\wà-ỹ]*\s?){1,3}", doc.text)
        if m:
            return collapse(m.group())
        # A press agency's source tag opening the article: "(BĐ) - ..."
        m = re.match(r"\s*\((?P<tag>[^()\n]{1,12})\)\s*-", doc.text)
        if m:
            for e in load("news_sources")["sources"]:
                if m.group("tag") in e["tags"]:
                    return e["name"]
        return None

    @staticmethod
    def _issuer_from_author(doc: Doc, author: str | None, meta: DocumentMeta) -> str | None:
        """A department's own site signs its news: "Nguồn: Sở Công Thương", or a
        writer with the department's code ("Xuyên-SCT"). The province comes from
        the headline or the text."""
        if not author:
            return None
        org = None
        if re.match(r"(?:Sở|Bộ|Ủy ban|UBND|Văn phòng|Ban|Cục|Chi cục|Trung tâm)\b", author):
            org = _expand(author)
        else:
            m = re.search(r"-\s*([A-ZĐ]{2,6})$", author)
            if m:
                for e in load("issuers")["issuers"]:
                    if e["code"] == m.group(1):
                        org = e["name"]
        if org and re.fullmatch(r"(?:Văn phòng|Phòng \w+)?\s*Sở", org):
            # a unit of an unnamed department: the department the text names most
            sos = re.findall(r"Sở\s+(?:[A-ZĐ][\wà-ỹ]*\s?){1,4}", doc.text)
            org = collapse(max(set(sos), key=sos.count)) if sos else org
        if not org or len(org.split()) < 2:
            return None
        if province_in(org):
            return org
        p = province_in(meta.title) or _most_named_province(doc.text)
        return f"{org} tỉnh {p}" if p else org

    def _article_province(self, doc: Doc, meta: DocumentMeta, ref_date: str | None) -> str | None:
        for phrase in (meta.issuer, meta.title):
            p = province_in(phrase, ref_date)
            if p:
                return p
        return None


def _most_named_province(text: str) -> str | None:
    """The province a text names most often after `tỉnh`/`thành phố`, if any."""
    counts: dict[str, int] = {}
    for m in re.finditer(r"(?:tỉnh|thành phố|TP\.?)\s+([^\n,.;()]{2,25})", text):
        p = province_in(m.group(0))
        if p:
            counts[p] = counts.get(p, 0) + 1
    return max(counts, key=counts.get) if counts else None


__all__ = ["MetadataExtractor", "modern_accents"]
