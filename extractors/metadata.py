"""Document metadata: type, number, issuer, province, place–date line, title,
and for articles the posting date and byline.

An official document's fields are read from its header, which the structure
stage recovered (`doc.structure`, parts `header` › `issuer`, `parent_body`,
`number`, `place_date`, `doc_type`, `subject`): the issuer is the issuing body
(the lower body of a two-level header), never a page marker, the number line or
the motto; an OCR'd header that lost its accents takes the spelling the body
uses for the same name. A place–date line whose day is blank or unreadable
takes its day from the digital signature's signing time when month and year
agree. Articles are read from their headline and byline, or the page's meta.
"""
from __future__ import annotations

import re
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.datefind import find_dates
from vanban.extractors.places import find_provinces, modern_accents, name_on, province_in, province_of_district
from vanban.extractors.places import fold as fold_place
from vanban.extractors.sites import site_of
from vanban.extractors.symbols import issuer_code, normalize_symbol, type_code
from vanban.extractors.text import collapse, fold, is_caps, sentence_case, title_case_org
from vanban.schemas.document import Doc
from vanban.schemas.models import DocumentMeta

# The signing time of a digital signature (`Thời gian ký: 24.07.2019 16:08:57`,
# `2025-10-02T16:24:01+07:00`): the day the document was signed.
_SIGNED_AT = re.compile(r"Thời\s+gian\s+ký\s*:?\s*(?:(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})"
                        r"|(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2}))")
PASSED_TAIL = 4000
_PASSED = re.compile(r"thông\s+qua\s+(?P<d>ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")
_LAW_CUE = re.compile(r"(?i)(?:luật|pháp\s+lệnh)\s+số\s*:?\s*$")
_SUBJECT_CUE = re.compile(r"^(?:V/[vV]|V[iI/]?[vV]\b|VIV\b|Viv\b)\s*")
_NEWS_DATE = re.compile(
    r"(?:Cập\s+nhật|Ngày\s+cập\s+nhật|Được\s+đăng|Ngày\s+đăng|Đăng\s+ngày|Ngày\s+xuất\s+bản|Thời\s+gian\s+đăng)\s*:?\s*"
    r"(?P<date>[^\n)]{6,40})", re.I)
_TIME_DATE = re.compile(r"(?m)^\s*\(?\d{1,2}:\d{2}\s*\|?\s*(?P<date>\d{1,2}/\d{1,2}/\d{4})")
# A source tag opening a press item: an agency's short tag, or a site's
# address (`(BĐ) - Chiều 22.4, …`, `(binhdinh.gov.vn) - Nhân kỷ niệm …`).
_SOURCE_TAG = re.compile(r"\s*\((?P<tag>[^()\n]{1,12}|[\w-]+(?:\.[\w-]+)+)\)\s*-")
_AUTHOR = re.compile(r"\(?\s*(?:Nguồn|Theo)\s*:?\s*(?P<a>[^\n()]{2,60}?)\s*\)?\s*$", re.M)


@lru_cache(maxsize=1)
def _types() -> list[dict]:
    return load("doc_types")["types"]


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
    Compared without accents, so an OCR'd header still counts. A body that
    names its province is local, whatever its rank (Cục Thuế TP Hà Nội)."""
    if not (_CENTRAL.match(issuer) or _CENTRAL_FOLDED.match(fold(issuer))):
        return False
    return province_in(issuer) is None


def _expand(s: str) -> str:
    for rx, rep in _ABBREV:
        s = rx.sub(rep, s)
    return collapse(s)


def _combine(parent: str | None, child: str) -> str:
    """The issuer of a two-level header: the lower body, named with its parent's
    place when it has none (SỞ NỘI VỤ under UBND TỈNH LÂM ĐỒNG -> Sở Nội vụ tỉnh
    Lâm Đồng), alone when it names its own place (Cục Thuế TP Hà Nội), else with
    its parent after a comma (Cục Cảnh sát …, Bộ Công an)."""
    if not parent:
        return child
    if re.search(r"\b(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|xã|phường)\s+\S", child, re.I):
        return child
    m = re.search(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã)\s+.+$", parent, re.I)
    if m:
        return f"{child} {m.group()}"
    return f"{child}, {parent}"


ACCENT_WINDOW = 8000        # the body names its issuer early


_WS = re.compile(r"\s+")


def _is_cap(c: str) -> bool:
    return "A" <= c <= "Z"


def _words_at(folded: str, words: list[str]) -> tuple[int, int] | None:
    """The first place `words` stand in `folded`, apart by white space and not
    inside a longer word: what `(?<![A-Z])W1\\s+W2…(?![A-Z])` finds, without
    compiling a pattern for each document's name (a compile costs more than
    the search). `\\s+` between words is greedy and each word opens with a
    non-space, so trying the first word at each place it stands is enough."""
    first, n = words[0], len(folded)
    k = folded.find(first)
    while k >= 0:
        if k == 0 or not _is_cap(folded[k - 1]):
            p = k + len(first)
            for w in words[1:]:
                m = _WS.match(folded, p)
                if m is None or not folded.startswith(w, m.end()):
                    break
                p = m.end() + len(w)
            else:
                if p == n or not _is_cap(folded[p]):
                    return k, p
        k = folded.find(first, k + 1)
    return None


def _accented(name: str, window: str, folded: str) -> str:
    """The spelling the body gives a header name, when it has more accents: an
    OCR'd header loses them (`CUC THUE TP HA NOI`, `BỘ TAI CHÍNH`), and the body
    names the issuer again (`Cục Thuế TP Hà Nội có ý kiến như sau`). `window` is
    the text after the header, `folded` its accent-free form."""
    words = fold(name).split()
    if len(words) < 2:
        return name
    span = _words_at(folded, words)
    if span is None:
        return name
    found = " ".join(window[span[0]:span[1]].split())
    marks = lambda s: sum(not c.isascii() for c in s)       # noqa: E731
    return found if marks(found) > marks(name) else name


@lru_cache(maxsize=1)
def _body_start() -> re.Pattern:
    """Words opening a body's name (structure.yaml `body_start`)."""
    return re.compile("|".join(f"(?:{e['pattern']})" for e in load("structure")["body_start"]))


def _org(label: str) -> str:
    """A body's name from the header, written as a name (`UBND TỈNH LÂM ĐỒNG` ->
    `Ủy ban nhân dân tỉnh Lâm Đồng`): the abbreviations are expanded in the
    case they are printed in, then the capitals lowered."""
    label = modern_accents(collapse(label))
    if is_caps(label):
        for rx, rep in _ABBREV:
            label = rx.sub(rep.upper(), label)
        return re.sub(r"\btp\b", "TP", title_case_org(collapse(label)))
    return _expand(label)


class MetadataExtractor:
    name = "metadata"
    requires: tuple[str, ...] = ()
    produces = "document"

    def __call__(self, doc: Doc) -> None:
        meta = DocumentMeta()
        spans: dict = {}
        header = doc.structure.first("header") if doc.structure.layout in ("official", "law", "party") else None
        if header is not None:
            self._official(doc, header, meta, spans)
            if doc.format == "html":
                meta.published_date = doc.meta.get("published") or self._posted_date(doc, spans)
        else:
            meta.doc_type = "news_article"
            self._article(doc, meta, spans)
        is_official = header is not None

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

    def _official(self, doc: Doc, header, meta: DocumentMeta, spans: dict) -> None:
        text = doc.text
        f: dict = {}
        for p in header.children:
            f.setdefault(p.kind, p)

        num = f.get("number")
        law_cue = False
        if num is not None and num.attrs.get("legible") == "no":
            num = None          # a number OCR misread (`5Ø /KH-BCA-C04`) is no number
        if num is not None:
            meta.number = normalize_symbol(num.label or text[num.start:num.end])
            spans["number"] = doc.span_model(num.start, num.end)
            # `Luật số: 59/2020/QH14`, `Pháp lệnh số …`: the cue names the type
            law_cue = bool(_LAW_CUE.search(text[max(0, num.start - 16):num.start]))

        pd = f.get("place_date")
        if pd is not None:
            for c in pd.children:
                if c.kind == "place":
                    meta.issue_place = collapse(text[c.start:c.end]).strip(" ,.;")
                    spans["issue_place"] = doc.span_model(c.start, c.end)
                elif c.kind == "date":
                    meta.issue_date = _date_value(text[c.start:c.end])
                    spans["issue_date"] = doc.span_model(c.start, c.end)
                    doc.cache["issue_line"] = (c.start, c.end)
        meta.issue_date = _signed_date(text, meta.issue_date, bool(pd))
        if pd is None and doc.structure.layout == "law":
            span = _passed_on(doc)
            if span:
                meta.issue_date = _date_value(text[span[0]:span[1]])
                spans["issue_date"] = doc.span_model(*span)
                doc.cache["issue_line"] = span

        subject = f.get("subject")
        dt = f.get("doc_type")
        if dt is not None:
            meta.doc_type = dt.attrs.get("doc_type") or "other"
            spans["doc_type"] = doc.span_model(dt.start, dt.end)
        elif law_cue:
            meta.doc_type = "law"
        elif subject is not None and _SUBJECT_CUE.match(text[subject.start:subject.end]):
            # A letter: no type heading, a V/v subject line. Its symbol's first part
            # is the issuer (5680/CT-CS is Cục Thuế's, not a Chỉ thị).
            meta.doc_type = "official_letter"
        elif meta.number:
            meta.doc_type = _doc_type_of_code(type_code(meta.number)) or "official_letter"
        # A Công văn has a symbol without a type code (4085/UBND-ĐT) and no heading.

        if subject is not None:
            s, e = subject.start, subject.end
            while e > s and text[e - 1] in " \n._":
                e -= 1
            title = collapse(text[s:e])
            title = _SUBJECT_CUE.sub("V/v ", title, count=1) if _SUBJECT_CUE.match(title) else title
            # the body's first pages (its căn cứ lines name what the title names) tell the case
            meta.title = sentence_case(title, text[e:e + 10_000])
            spans["title"] = doc.span_model(s, e)

        issuer = f.get("issuer")
        parent = f.get("parent_body")
        if issuer is not None:
            window = text[header.end:header.end + ACCENT_WINDOW]
            folded = fold(window)
            child = _org(_accented(issuer.label or text[issuer.start:issuer.end], window, folded))
            up = _org(_accented(parent.label, window, folded)) if parent is not None and parent.label else None
            meta.issuer = _combine(up, child)
            if not _is_central(meta.issuer) and len(meta.issuer.split()) <= 2:
                meta.issuer = None   # a stray word, not an issuer
            elif not _body_start().match(fold(child)) and meta.number and self._issuer_from_symbol(meta.number, None):
                # capitals that name no body (a gazette's section title): the symbol's issuer
                meta.issuer = self._issuer_from_symbol(meta.number, meta.issue_place)
        if not meta.issuer and meta.number:
            meta.issuer = self._issuer_from_symbol(meta.number, meta.issue_place)

    @staticmethod
    def _issuer_from_symbol(number: str, place: str | None) -> str | None:
        """No header printed: the symbol's issuer code (300/KH-SCT -> Sở Công
        Thương) and, for a local body, the province of the place line."""
        code = issuer_code(number)
        if code and re.fullmatch(r"(?:QH|UBTVQH)\d+", code):
            code = code.rstrip("0123456789")         # 87/2025/QH15: the 15th National Assembly
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
        # The site that publishes the item is its issuer (dev 117/122): as the
        # page names itself, else as its address says (stc.daknong.gov.vn).
        site = site_of(doc.meta.get("url"))
        printed = _usual_province_spelling(doc.meta["site"]) if doc.meta.get("site") else None
        meta.issuer = (printed or (site.name if site else None) or self._article_issuer(doc)
                       or self._issuer_from_author(doc, author, meta))

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
        # A source tag opening the article: a press agency's ("(BĐ) - ..."), or
        # a government site's address ("(binhdinh.gov.vn) - ...": its owner).
        m = _SOURCE_TAG.match(doc.text)
        if m:
            for e in load("news_sources")["sources"]:
                if m.group("tag") in e["tags"]:
                    return e["name"]
            site = site_of(m.group("tag"))
            if site and site.name:
                return site.name
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
        """The province the issuer names, else the one of the site's address
        (as the site named it then: daknong.gov.vn is Đắk Nông's in 2019), else
        the headline's, else the one the text keeps naming."""
        p = province_in(meta.issuer, ref_date)
        if p:
            return p
        site = site_of(doc.meta.get("url"))
        if site and site.province:
            return name_on(site.province, ref_date)
        return province_in(meta.title, ref_date) or _dominant_province(doc.text, ref_date)


def _usual_province_spelling(name: str) -> str:
    """A site's name with its province written the usual way (`Sở Tài chính
    tỉnh Đăk Nông` -> `… Đắk Nông`), as an issuer is (dev 110/208)."""
    name = collapse(name)
    if len(fold_place(name)) != len(name):
        return name            # folding changed the length: offsets would not line up
    for s, e, entry in reversed(find_provinces(name)):
        name = name[:s] + entry["name"] + name[e:]
    return name


def _date_value(words: str) -> str | None:
    """`ngày 16 tháng 6 năm 2025` -> 2025-06-16; `tháng12` glued, the accents
    lost (`ngay 25 thang 01 nam 2019`); a blank or unreadable day or month
    gives what is printed (`ngày … tháng 3 năm 2024` -> 2024-03, `2026`)."""
    # OCR reads a digit as a letter beside other digits or words (`l5`, `O1`, `2O18`)
    f = re.sub(r"(?<=[\d\s])[OIL](?=[\dOIL]*(?:\s|$))|(?<=\d)[OIL]", lambda m: "0" if m.group() == "O" else "1",
               fold(words))
    m = re.search(r"NGAY\s*(\d{1,2})\s*[,.]?\s*THANG\s*(\d{1,2})\s*[,.]?\s*NAM\s*(\d{4})", f)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    m = re.search(r"THANG\s*(\d{1,2})\s*[,.]?\s*NAM\s*(\d{4})", f)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    y = re.search(r"(\d{4})\s*$", f)
    return y.group(1) if y else None


def _passed_on(doc: Doc) -> tuple[int, int] | None:
    """A law or a National Assembly resolution prints no place–date line: it
    is dated by the day it was passed (`… thông qua ngày 17 tháng 6 năm 2020`)."""
    text = doc.text
    m = None
    for m in _PASSED.finditer(text, max(0, len(text) - PASSED_TAIL)):
        pass
    return m.span("d") if m else None


def _signed_date(text: str, printed: str | None, has_line: bool) -> str | None:
    """A place–date line whose day is left blank (filled in by hand) or
    unreadable, with a digital signature stamp: the stamp's signing day, when
    its month and year agree with what is printed."""
    if printed is not None and len(printed) >= 10:
        return printed
    if not has_line:
        return printed
    for m in _SIGNED_AT.finditer(text):
        if m.group("y"):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        else:
            y, mo, d = int(m.group("Y")), int(m.group("M")), int(m.group("D"))
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            continue
        value = f"{y:04d}-{mo:02d}-{d:02d}"
        if printed is None or value.startswith(printed):
            return value
    return printed


DOMINANT_MENTIONS = 4       # a province named this often, and most of the time, is the article's
DOMINANT_SHARE = 0.75


def _dominant_province(text: str, ref_date: str | None) -> str | None:
    """A provincial paper's article names its province again and again
    (`Bình Định đánh dấu …`, `doanh nghiệp Bình Định …`): the province named at
    least DOMINANT_MENTIONS times and in DOMINANT_SHARE of all mentions."""
    counts: dict[str, int] = {}
    for _, _, e in find_provinces(text):
        counts[e["name"]] = counts.get(e["name"], 0) + 1
    if not counts:
        return None
    best = max(counts, key=counts.get)
    if counts[best] >= DOMINANT_MENTIONS and counts[best] >= DOMINANT_SHARE * sum(counts.values()):
        return name_on(best, ref_date)
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
