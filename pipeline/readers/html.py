"""Web pages: the page's own article only.

Output text: the headline, a blank line, the date line as printed near the
headline, a blank line, then the article body one paragraph (or table cell) a
line. Menus, banners, breadcrumbs, footers, tables of contents and the lists of
other articles ("TIN MỚI HƠN", "Tin cùng loại", "TIN ĐÃ ĐƯA" ...) are left out.

How the article is found (general rules, no per-site patterns):
1. Page chrome goes first: scripts, forms controls, hidden elements, web-archive
   toolbars (Wayback), scrolling banners (<marquee>), <nav>/<footer>/<aside>,
   ARIA landmarks for navigation, and elements whose class/id names them as
   menus, breadcrumbs, footers, sidebars, tables of contents or share bars.
2. Main content: every paragraph of real prose (25+ characters) scores its
   ancestors (more for length and commas, decaying with distance, as in
   Readability); each candidate's score is scaled by (1 - link density).
   The best candidate is the body.
3. Inside the body, a heading that introduces a list of other articles or a
   table of contents ends that list: it and the link lines after it are dropped.
4. The headline is the nearest <h1> (or element whose class/id is "title")
   before the body; the date line is a short line with a date between or just
   before them.

Tables in the article are also given as cell spans (`RawDocument.tables`, source
"html"): row by row (<tr>), a span per column (<td>, <th>) running from the
cell's first line to its last, an empty cell an empty span. A cell with colspan
or rowspan holds its span at its first position and is listed in the table's
`merges`; the positions it covers are empty spans. Leading rows in <thead>, or
made of <th> cells only, are the table's `header`. A table that holds another
table is a layout frame (old portals lay whole pages out in tables): only the
innermost tables are given, and only those inside the article's container. The
text is the same whether or not the tables are recorded.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from vanban.pipeline.readers.base import read_bytes, RawDocument, ReadError
from vanban.pipeline.readers.cells import LEGACY_CONVERTERS, MAX_CELLS, Cell, Grid, has_text, remap
from vanban.schemas.document import TableSpans
from vanban.pipeline.readers.legacy import fix_legacy_text
from vanban.extractors.text import LOWER, UPPER, title_case_org

# ---- decoding -------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_WAYBACK = re.compile(r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->",
                      re.S | re.I)


def decode_html(data: bytes) -> tuple[str, list[str]]:
    from vanban.pipeline.readers.txt import bom_encoding, decode_bytes, utf16_without_bom
    warnings: list[str] = []
    bom = bom_encoding(data)
    if bom:
        enc, n = bom
        return data[n:].decode(enc, errors="replace"), warnings
    enc16 = utf16_without_bom(data)
    if enc16:
        return data.decode(enc16, errors="replace"), warnings
    m = _META_CHARSET.search(data[:8192])
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        if enc in ("utf8", "unicode"):
            enc = "utf-8"
        try:
            return data.decode(enc), warnings
        except (LookupError, UnicodeDecodeError):
            warnings.append(f"page declares charset {enc} but is not: decoding by content")
    text, w = decode_bytes(data, "")
    return text, warnings + w


# ---- tree helpers ---------------------------------------------------------------

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
CELL_TAGS = {"td", "th"}
DROP_TAGS = {
    "script", "style", "noscript", "template", "svg", "math", "iframe", "frame", "frameset", "object",
    "embed", "canvas", "select", "option", "optgroup", "button", "input", "textarea", "map", "area",
    "audio", "video", "source", "track", "link", "meta", "base", "head", "marquee", "datalist", "picture",
}
# Landmarks that are never the article.
CHROME_TAGS = {"nav", "footer", "aside"}
CHROME_ROLES = {"navigation", "contentinfo", "complementary", "search", "menu", "menubar", "toolbar",
                "banner", "dialog", "alert"}
# class/id words (split on non-alphanumerics) that name page chrome.
CHROME_WORDS = {
    "nav", "navbar", "navigation", "menu", "menubar", "mainmenu", "topmenu", "submenu", "megamenu",
    "breadcrumb", "breadcrumbs", "footer", "sidebar", "sidenav", "banner", "toc", "mucluc",
    "share", "sharing", "social", "comment", "comments", "related", "advert", "advertisement", "ads",
    "quangcao", "cookie", "popup", "modal", "pagination", "pager", "ribbon", "toolbar", "skip",
    "login", "signin", "weather", "counter", "hitcounter", "visitor", "tinkhac", "tinlienquan",
}
# Headings that introduce lists of other articles, tables of contents or comments.
BOILER_HEADINGS = {
    "tin mới hơn", "tin cũ hơn", "tin đã đưa", "các tin đã đưa", "tin cùng loại", "tin liên quan",
    "tin khác", "các tin khác", "các tin cũ hơn", "các tin mới hơn", "tin cùng chuyên mục",
    "bài viết liên quan", "bài liên quan", "bài viết khác", "các bài viết khác", "tin bài khác",
    "tin tức liên quan", "xem thêm", "đọc thêm", "có thể bạn quan tâm", "tin đọc nhiều", "đọc nhiều",
    "đọc nhiều nhất", "tin mới nhất", "mục lục", "bình luận", "ý kiến bạn đọc", "gửi bình luận",
    "gửi ý kiến", "từ khóa", "từ khoá", "tags", "chia sẻ", "văn bản liên quan", "tin tức khác",
    "related articles", "related posts", "read more", "table of contents", "comments",
}
# Page-furniture lines (print / back / counters) that sit inside article containers.
_UI_LINE = re.compile(
    r"^(?:số lượt (?:người )?(?:xem|truy cập)|lượt xem|bản in|in bài|in trang|quay (?:lại|về)|"
    r"trở về|về đầu trang|lên đầu trang|đầu trang|chia sẻ|gửi email|gửi cho bạn bè|xem chi tiết|"
    r"tải về|download|print|back|top)\b.{0,80}$", re.I)
_TITLE_WORDS = {"title", "tieude", "tieu_de", "headline", "newstitle", "titlenews", "articletitle",
                "detailtitle", "posttitle", "entrytitle", "newsdetailtitle", "title_detail"}
_DATE_RE = re.compile(
    r"(?<!\d)(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{4}-\d{2}-\d{2}|"
    r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}\s+tháng\s+\d{1,2},?\s+\d{4})(?!\d)", re.I)
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def _words(el) -> set[str]:
    s = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return {w for w in re.split(r"[^0-9a-z]+", s) if w}


def _tag(el) -> str:
    t = el.tag
    return t.lower() if isinstance(t, str) else ""


def _norm_heading(s: str) -> str:
    s = _SPACE.sub(" ", s).strip().strip(":：-–—|»>•*·. ").casefold()
    return s


def _is_hidden(el) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    st = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in st or "visibility:hidden" in st


class _Text:
    """Text of a subtree: total and inside links (whitespace-collapsed lengths)."""
    __slots__ = ("chars", "link")

    def __init__(self) -> None:
        self.chars = 0
        self.link = 0


def _measure(root) -> dict:
    """Per element: (all text length, link text length), bottom-up, iteratively."""
    sizes: dict = {}
    order = list(root.iter())
    for el in reversed(order):
        if not isinstance(el.tag, str):
            continue
        t = _Text()
        own = len(_SPACE.sub(" ", el.text or "").strip())
        t.chars += own
        if _tag(el) == "a":
            t.link += own
        for c in el:
            if isinstance(c.tag, str):
                ct = sizes.get(c)
                if ct is not None:
                    t.chars += ct.chars
                    t.link += ct.chars if _tag(el) == "a" else ct.link
            tail = len(_SPACE.sub(" ", c.tail or "").strip())
            t.chars += tail
            if _tag(el) == "a":
                t.link += tail
        sizes[el] = t
    return sizes


# ---- rendering ------------------------------------------------------------------

class Line:
    __slots__ = ("text", "link", "el")

    def __init__(self, text: str, link: int, el) -> None:
        self.text, self.link, self.el = text, link, el


def render(root, skip=frozenset(), cells_inline: bool = False) -> list[Line]:
    """Lines of text in document order: a block boundary or <br> ends a line;
    each table cell is its own line (or, with cells_inline, a row is one line)."""
    lines: list[Line] = []
    buf: list[str] = []
    state = {"link": 0, "el": None}

    def flush() -> None:
        s = _SPACE.sub(" ", "".join(buf)).strip()
        if s:
            lines.append(Line(s, min(state["link"], len(s)), state["el"]))
        buf.clear()
        state["link"] = 0
        state["el"] = None

    def add(s: str | None, in_link: bool, el) -> None:
        if not s:
            return
        if buf and buf[-1] and not buf[-1][-1].isspace() and buf[-1][-1] == ":" and not s[0].isspace():
            buf.append(" ")
        buf.append(s)
        if state["el"] is None and s.strip():
            state["el"] = el
        if in_link:
            state["link"] += len(_SPACE.sub(" ", s).strip())

    # Iterative walk: ("open", el, in_link) / ("close", el) / ("tail", text, in_link, el)
    stack: list = [("open", root, False)]
    while stack:
        item = stack.pop()
        if item[0] == "tail":
            add(item[1], item[2], item[3])
            continue
        if item[0] == "close":
            el = item[1]
            tag = _tag(el)
            if tag in BLOCK_TAGS:
                if cells_inline and tag in CELL_TAGS:
                    buf.append(" ")
                else:
                    flush()
            continue
        el, in_link = item[1], item[2]
        if not isinstance(el.tag, str) or el in skip:
            continue
        tag = _tag(el)
        if tag == "br":
            flush() if not cells_inline else buf.append(" ")
            continue
        if tag in ("img",):
            continue
        if tag in BLOCK_TAGS and not (cells_inline and tag in CELL_TAGS):
            flush()
        link = in_link or tag == "a"
        add(el.text, link, el)
        stack.append(("close", el))
        for c in reversed(list(el)):
            if c.tail:
                stack.append(("tail", c.tail, in_link, el))
            stack.append(("open", c, link))
    flush()
    return lines


# ---- cleaning -------------------------------------------------------------------

def _drop(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    el.drop_tree()      # keeps the tail text


def _strip_chrome(root, sizes_fn) -> None:
    from lxml import etree
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    for el in list(root.iter()):
        if isinstance(el.tag, str) and _tag(el) in DROP_TAGS and el.getparent() is not None:
            _drop(el)
    sizes = sizes_fn(root)
    total = sizes.get(root)
    total_prose = (total.chars - total.link) if total else 0

    def protected(el) -> bool:
        # Never drop something holding the page's h1 or most of its prose: a
        # broken archive toolbar or a hidden wrapper can enclose the whole page.
        if el.find(".//h1") is not None:
            return True
        t = sizes.get(el)
        if t is None:
            return False
        prose = t.chars - t.link
        return prose > 0.4 * total_prose and prose > 200 and t.link < 0.5 * t.chars

    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        tag = _tag(el)
        role = (el.get("role") or "").lower()
        ident = (el.get("id") or "").lower()
        if _is_hidden(el):
            _drop(el)
            continue
        chrome = (tag in CHROME_TAGS or role in CHROME_ROLES or bool(_words(el) & CHROME_WORDS)
                  or ident.startswith(("wm-", "donato", "playback")))
        if tag == "header" and el.find(".//h1") is None:
            anc = el.getparent()
            inside_article = False
            while anc is not None:
                if _tag(anc) in ("article", "main"):
                    inside_article = True
                    break
                anc = anc.getparent()
            chrome = chrome or not inside_article
        if chrome and not protected(el):
            _drop(el)


# ---- scoring --------------------------------------------------------------------

def _paragraphs(root) -> list[tuple[object, str, int]]:
    """(block element, its own text, link chars) for each block with direct text."""
    out = []
    for ln in render(root):
        el = ln.el
        while el is not None and _tag(el) not in BLOCK_TAGS:
            el = el.getparent()
        out.append((el, ln.text, ln.link))
    return out


def _best_content(root, sizes):
    scores: dict = {}
    paras = _paragraphs(root)
    for el, text, link in paras:
        if el is None:
            continue
        n = len(text)
        if n < 25 or link > 0.5 * n or text.count(" ") < 3:
            continue
        s = 1 + text.count(",") + min(n / 100, 3)
        anc = el
        for level in range(6):
            if anc is None or _tag(anc) in ("html",):
                break
            div = 1 if level <= 1 else (2 if level == 2 else (level - 1) * 3)
            scores[anc] = scores.get(anc, 0) + s / div
            anc = anc.getparent()
    best, best_score = None, 0.0
    for el, s in scores.items():
        t = sizes.get(el)
        ld = (t.link / t.chars) if t and t.chars else 0
        final = s * (1 - ld)
        if final > best_score:
            best, best_score = el, final
    return best, best_score, paras


# ---- metadata -------------------------------------------------------------------

def _head_meta(root) -> dict[str, str]:
    m: dict[str, str] = {}
    for el in root.iter("meta"):
        k = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        v = (el.get("content") or "").strip()
        if k and v and k not in m:
            m[k] = v
    for el in root.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and (el.get("href") or "").strip():
            m.setdefault("canonical", el.get("href").strip())
    t = root.find(".//title")
    if t is not None and t.text_content().strip():
        m["<title>"] = _SPACE.sub(" ", t.text_content()).strip()
    for s in root.iter("script"):
        if (s.get("type") or "").lower() == "application/ld+json" and s.text:
            try:
                data = json.loads(s.text)
            except ValueError:
                continue
            items = data if isinstance(data, list) else [data]
            for it in items:
                if isinstance(it, dict) and "@graph" in it and isinstance(it["@graph"], list):
                    items.extend(x for x in it["@graph"] if isinstance(x, dict))
            for it in items:
                if not isinstance(it, dict):
                    continue
                if "headline" in it and isinstance(it["headline"], str):
                    m.setdefault("ld:headline", it["headline"])
                if isinstance(it.get("datePublished"), str):
                    m.setdefault("ld:datepublished", it["datePublished"])
                a = it.get("author")
                if isinstance(a, dict) and isinstance(a.get("name"), str):
                    m.setdefault("ld:author", a["name"])
                elif isinstance(a, list) and a and isinstance(a[0], dict) and isinstance(a[0].get("name"), str):
                    m.setdefault("ld:author", a[0]["name"])
                elif isinstance(a, str):
                    m.setdefault("ld:author", a)
    return m


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _valid(y: int, mo: int, d: int) -> bool:
    return 1900 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31


def parse_date(s: str) -> str | None:
    """First date in s as ISO (day-first, as Vietnamese pages print them)."""
    m = re.search(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)", s)
    cands = []
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            cands.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
    m = _ISO.search(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            cands.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
    m = re.search(r"(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:năm|,)\s*(\d{4})", s, re.I)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            cands.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
    if not cands:
        m = re.search(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{4})(?!\d)", s)
        if m and 1 <= int(m.group(1)) <= 12 and 1900 <= int(m.group(2)) <= 2100:
            return f"{int(m.group(2)):04d}-{int(m.group(1)):02d}"
        return None
    return min(cands)[1]


_PUB_LABEL = re.compile(r"(?:ngày\s+)?(?:cập\s+nhật|đăng(?:\s+ngày|\s+lúc)?|ngày\s+đăng|xuất\s+bản|"
                        r"published|posted|updated)\s*:?", re.I)


def published_from_line(line: str) -> str | None:
    for m in _PUB_LABEL.finditer(line):
        d = parse_date(line[m.end(): m.end() + 40])
        if d:
            return d
    return parse_date(line)


_BYLINE = re.compile(r"^(?:theo|nguồn|tác\s+giả|bài(?:\s+và\s+|,\s*)ảnh|bài|tin(?:\s+và\s+|,\s*)ảnh|"
                     r"tin|ảnh|pv|ctv)\s*[:：]?\s*(.+?)\s*[.)]?$", re.I)


def find_byline(lines: list[str]) -> tuple[int, str] | None:
    """(index, author) for a byline among the last lines of the body."""
    for i in range(len(lines) - 1, max(-1, len(lines) - 5), -1):
        s = lines[i].strip().strip("()")
        if len(s) > 90:
            continue
        m = _BYLINE.match(s)
        if not m:
            continue
        label = s[: m.start(1)].strip().rstrip(":：").strip().casefold()
        name = m.group(1).strip().strip("-–—() ").strip()
        if not name or len(name) > 70 or "," in name and label == "theo":
            continue
        if label == "theo" and not s[0].isupper():
            continue
        if label in ("bài", "tin", "ảnh") and ":" not in s:
            continue
        return i, name
    return None


_OWNER = re.compile(r"(?:cơ\s+quan|đơn\s+vị)\s+chủ\s+quản\s*[:：]\s*(.*)", re.I)
_SITE_IN_TITLE = re.compile(r"(?:website|trang\s+thông\s+tin\s+điện\s+tử|cổng\s+thông\s+tin\s+điện\s+tử|"
                            r"cổng\s+thông\s+tin)\s+(?:của\s+)?(.+)", re.I)


# A web-archive capture names the page it is a capture of in its player's
# script (`__wm.bt(…, "web", "http://stc.daknong.gov.vn/…", …)`,
# `__wm.wombat("http://…", …)`); a page saved by a browser, in a comment.
_CAPTURED = re.compile(r"""__wm\.bt\([^)]{0,80}?["']web["']\s*,\s*["'](?P<a>https?://[^"'\s]+)|"""
                       r"""__wm\.wombat\(\s*["'](?P<b>https?://[^"'\s]+)|"""
                       r"""<!--\s*saved from url=\(\d+\)(?P<c>https?://[^\s>]+)""", re.I)


def page_url(html: str, head: dict[str, str]) -> str | None:
    """The page's own address: the page a web-archive capture is of, else its
    canonical link or og:url (an address without a host, `http:///guest`, is none)."""
    m = _CAPTURED.search(html)
    if m:
        return m.group("a") or m.group("b") or m.group("c")
    for k in ("canonical", "og:url"):
        v = head.get(k, "")
        if re.match(r"(?i)(?:https?:)?//[^/\s]+\.[^/\s]+", v):
            return v
    return None


# Syllables run together in a site's name (`Thanh tra tỉnh ĐắkNông`, `Huyện
# ĐắkGlong`): a Vietnamese syllable never has a capital inside it, so a
# capitalised syllable followed by another one is two words.
_GLUED = re.compile(rf"(?<![^\W\d_])([{UPPER}][{LOWER}]+)(?=[{UPPER}][{LOWER}])")


def unglue(name: str) -> str:
    return _GLUED.sub(r"\1 ", name)


FOOTER_LINES = 60
_SITE_LINE = re.compile(r"(?:trang|cổng)\s+thông\s+tin\s+điện\s+tử\s+(?:của\s+)?(\S.{2,100})", re.I)


def find_site(all_lines: list[str], head: dict[str, str]) -> str | None:
    site = _find_site(all_lines, head)
    return unglue(site) if site else None


def _find_site(all_lines: list[str], head: dict[str, str]) -> str | None:
    for i, s in enumerate(all_lines):
        m = _OWNER.search(s)
        if m:
            v = m.group(1).strip()
            if not v and i + 1 < len(all_lines):
                v = all_lines[i + 1].strip()
            v = re.split(r"\s+(?:[-–|]\s+|Điện thoại|Địa chỉ|Email|Fax)", v)[0].strip(" .;,")
            if 3 <= len(v) <= 120:
                return v
    if head.get("og:site_name"):
        return head["og:site_name"]
    t = head.get("<title>", "")
    for part in re.split(r"\s+[-–|]\s+", t):
        m = _SITE_IN_TITLE.search(part)
        if m:
            return m.group(1).strip(" .")
    # The footer's own line naming the site ("TRANG THÔNG TIN ĐIỆN TỬ LIÊN ĐOÀN
    # LAO ĐỘNG TỈNH ĐẮK NÔNG"), a line of its own near the page's end.
    for s in reversed(all_lines[-FOOTER_LINES:]):
        m = _SITE_LINE.fullmatch(s.strip())
        if m and not re.search(r"\d", m.group(1)) and len(m.group(1).split()) <= 12:
            return title_case_org(m.group(1).strip(" .:"))
    return None


# ---- the reader -----------------------------------------------------------------

def _position_map(root) -> dict:
    return {el: i for i, el in enumerate(root.iter())}


def _contains(a, b) -> bool:
    """a is b or an ancestor of b."""
    while b is not None:
        if b is a:
            return True
        b = b.getparent()
    return False


_FONT_SIZE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt|em|rem)", re.I)


def _emphasis(el) -> int:
    """How strongly a block is set off as a heading: 2 large type, 1 bold
    (style, or wholly inside <b>/<strong>), 0 plain."""
    st = (el.get("style") or "").lower()
    m = _FONT_SIZE.search(st)
    if m:
        v, unit = float(m.group(1)), m.group(2).lower()
        px = v * {"px": 1, "pt": 4 / 3, "em": 16, "rem": 16}[unit]
        if px >= 17:
            return 2
    if re.search(r"font-weight\s*:\s*(?:bold|[6-9]00)", st):
        return 1
    kids = [c for c in el if isinstance(c.tag, str)]
    if len(kids) == 1 and _tag(kids[0]) in ("b", "strong") and not (el.text or "").strip() \
            and not (kids[0].tail or "").strip():
        return 1
    return 0


def _in_multicell_row(el) -> bool:
    a = el
    while a is not None and _tag(a) not in CELL_TAGS:
        a = a.getparent()
    if a is None or a.getparent() is None:
        return False
    cells = [c for c in a.getparent() if _tag(c) in CELL_TAGS and c.text_content().strip()]
    return len(cells) >= 2


def _title_like(el, text: str) -> bool:
    """A short emphasized line that reads as a headline (not a document's
    all-caps header, not a layout table's cell, not a sentence)."""
    if not (15 <= len(text) <= 250) or text.upper() == text or text[-1] in ".;:,":
        return False
    return _emphasis(el) > 0 and not _in_multicell_row(el)


def _title_candidates(root):
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = _tag(el)
        if tag == "h1":
            yield el, 3
        elif _words(el) & _TITLE_WORDS and tag not in ("html", "body", "title", "table", "tbody", "tr"):
            yield el, 2
        elif tag in ("h2", "h3"):
            yield el, 1
        elif tag in BLOCK_TAGS and tag not in ("table", "tbody", "tr", "ul", "ol", "body", "html"):
            t = _SPACE.sub(" ", el.text_content()).strip()
            if t and _title_like(el, t):
                yield el, 2 if _emphasis(el) == 2 else 0


def extract_article(html: str, path: str = "<html>") -> tuple[str, dict[str, str], list[str]]:
    """(text, meta, warnings) of a page's article. Raises ReadError when the
    page holds no article text at all."""
    text, meta, warnings, _ = _extract(html, path)
    return text, meta, warnings


def _extract(html: str, path: str) -> tuple[str, dict[str, str], list[str], list[TableSpans]]:
    """`extract_article`, with the article's tables as cell spans in its text."""
    import lxml.html
    from lxml import etree

    warnings: list[str] = []
    html = _XML_DECL.sub("", html, count=1)
    if _WAYBACK.search(html):
        html = _WAYBACK.sub("", html)
    if not html.strip():
        raise ReadError(path, "empty page (no HTML content)")
    try:
        root = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as e:
        raise ReadError(path, f"not a readable HTML page ({e})")
    head = _head_meta(root)
    url = page_url(html, head)

    # Footer text for the site owner, before chrome is dropped.
    body = root.find("body")
    if body is None:
        body = root
    all_lines_raw = [ln.text for ln in render(body)] if body is not None else []

    _strip_chrome(root, _measure)
    body = root.find("body")
    if body is None:
        body = root
    sizes = _measure(body)
    content, score, paras = _best_content(body, sizes)
    pos = _position_map(body)

    if content is None:
        lines = [ln for ln in render(body) if ln.link < 0.5 * len(ln.text)]
        if not lines:
            raise ReadError(path, "no article text in the page (only menus, links or nothing visible)")
        warnings.append("no main article found: all visible page text kept")
        text = "\n".join(ln.text for ln in lines)
        return text, _meta(head, None, None, None, all_lines_raw, url), warnings, _tables(lines, 0, body, warnings)

    # The body starts at its first prose paragraph.
    first_para = None
    skipped_title = False
    for el, t, link in paras:
        if el is not None and _contains(content, el) and len(t) >= 25 and link < 0.5 * len(t):
            if _tag(el) in ("h1", "h2", "h3", "h4", "h5", "h6") or _words(el) & _TITLE_WORDS:
                continue
            if _title_like(el, t) and not skipped_title:
                skipped_title = True      # a headline set inside the article container
                continue
            first_para = el
            break
    start_pos = pos.get(first_para if first_para is not None else content, 0)

    # Headline: the nearest h1 / title element before the body's first paragraph.
    headline_el, best_rank = None, None
    cands = list(_title_candidates(body))
    if any(pr >= 1 and pos.get(e, 1 << 30) <= start_pos for e, pr in cands):
        cands = [(e, pr) for e, pr in cands if pr >= 1]     # bold lines only when nothing better
    for el, prio in cands:
        p = pos.get(el)
        if p is None or p > start_pos:
            continue
        t = _SPACE.sub(" ", el.text_content()).strip()
        if not (8 <= len(t) <= 400) or _norm_heading(t) in BOILER_HEADINGS:
            continue
        if _contains(el, first_para) if first_para is not None else False:
            continue
        dist = start_pos - p
        if prio == 1 and dist > 150:
            continue
        if prio < 2 and len(t) > 120 and t[-1] in ".;":
            continue          # a lead paragraph set in a heading tag, not the headline
        rank = (-dist, prio)
        if best_rank is None or rank > best_rank:
            headline_el, best_rank = el, rank
    headline = _SPACE.sub(" ", headline_el.text_content()).strip() if headline_el is not None else None
    if not headline:
        for k in ("og:title", "ld:headline", "twitter:title"):
            if head.get(k):
                headline = head[k].strip()
                break
    if not headline and head.get("<title>"):
        headline = re.split(r"\s+[-–|]\s+", head["<title>"])[0].strip()

    # Date line: a short line with a date near the headline, outside the body.
    date_el, date_text = None, None
    if headline_el is not None:
        hpos = pos[headline_el]
        blocks = [b for b in _ordered_blocks(body, pos)
                  if not _contains(headline_el, b) and not _contains(b, headline_el)
                  and not _contains(b, content)
                  and (not _contains(content, b)
                       or (_contains(content, headline_el) and pos[b] < start_pos))]
        before = []
        for b in reversed([b for b in blocks if pos[b] < hpos]):
            if len(before) == 3 or _tag(b) in ("h1", "h2", "h3", "h4") or _words(b) & _TITLE_WORDS:
                break       # another heading: what precedes belongs to something else
            before.insert(0, b)
        after = [b for b in blocks if hpos < pos[b] < start_pos][:8]
        for b in after + list(reversed(before)):
            t = _SPACE.sub(" ", b.text_content()).strip()
            if len(t) <= 160 and _DATE_RE.search(t):
                date_el = _widen(b, headline_el, content, sizes)
                date_text = "\n".join(ln.text for ln in render(date_el, cells_inline=True))
                break

    skip = {e for e in (headline_el, date_el) if e is not None}
    body_lines = _body_lines(content, skip)
    # A lead paragraph (sapo) printed between the headline and the body proper.
    if headline_el is not None:
        lead = []
        hpos = pos[headline_el]
        for b in _ordered_blocks(body, pos):
            if not (hpos < pos[b] < pos[content]) or _contains(b, content) or _contains(headline_el, b):
                continue
            if date_el is not None and _contains(date_el, b):
                continue
            for ln in render(b):
                n = len(ln.text)
                if headline and _norm_heading(ln.text) == _norm_heading(headline):
                    continue
                if n >= 40 and ln.link < 0.3 * n and not _UI_LINE.match(ln.text) \
                        and _norm_heading(ln.text) not in BOILER_HEADINGS:
                    lead.append(ln)
        body_lines = lead + body_lines
    else:
        lead = []
    if not body_lines:
        raise ReadError(path, "no article text in the page")
    byline = find_byline([ln.text for ln in body_lines])
    parts = []
    if headline:
        parts.append(headline)
    if date_text:
        parts.append(date_text)
    parts.append("\n".join(ln.text for ln in body_lines))
    text = "\n\n".join(parts)
    first = sum(len(x) + 2 for x in parts[:-1]) + sum(len(ln.text) + 1 for ln in lead)
    tables = _tables(body_lines[len(lead):], first, content, warnings)
    meta = _meta(head, headline, date_text, byline[1] if byline else None, all_lines_raw, url)
    if headline_el is None:
        warnings.append("no headline element found: title taken from page metadata")
    return text, meta, warnings, tables


# ---- tables ---------------------------------------------------------------------

def _span_attr(el, name: str) -> int:
    v = (el.get(name) or "").strip()
    return int(v) if v.isdigit() and len(v) <= 6 else 1


def _tables(lines: list[Line], first: int, scope, warnings: list[str]) -> list[TableSpans]:
    """Cell spans of the tables inside `scope` whose cells hold `lines` (joined
    by newlines from offset `first` of the text). One pass over the tables'
    elements: each element inside an innermost table's cell maps to that cell."""
    owner: dict = {}                # element -> its td/th
    found = []                      # innermost tables, with their rows of cells
    for t in scope.iter("table"):
        if t.find(".//table") is not None:
            continue                # a layout frame: the tables inside it are the data
        rows = []
        for tr in t.iter("tr"):
            tds = [td for td in tr if _tag(td) in CELL_TAGS]
            for td in tds:
                for el in td.iter():
                    owner[el] = td
            rows.append((tr, tds))
        found.append(rows)
    if not found:
        return []
    cells: dict = {}                # td/th -> Cell
    pos = first
    for ln in lines:
        start, pos = pos, pos + len(ln.text) + 1
        td = owner.get(ln.el)
        if td is None:
            continue
        c = cells.get(td)
        if c is None:
            c = cells[td] = Cell()
            c.start = start
        c.end = start + len(ln.text)
    out: list[tuple[int, TableSpans]] = []
    budget = [MAX_CELLS]            # grid positions left for the page's tables
    for rows in found:
        if not any(td in cells for _, tds in rows for td in tds):
            continue
        grid = Grid("html", budget)
        heading = True
        for ri, (tr, tds) in enumerate(rows):
            grid.new_row()
            in_head = _tag(tr.getparent()) == "thead" if tr.getparent() is not None else False
            if heading and tds and (in_head or all(_tag(td) == "th" for td in tds)):
                grid.header += 1
            else:
                heading = False
            for td in tds:
                grid.add(cells.get(td) or Cell(), cols=_span_attr(td, "colspan"),
                         rows=min(_span_attr(td, "rowspan"), len(rows) - ri))     # as browsers clip it
        spans = grid.spans()
        if has_text(spans):
            out.append((min(s for r in spans.rows for s, e in r if s < e), spans))
    if budget[0] <= 0:
        warnings.append(f"the tables hold more than {MAX_CELLS:,} cells: the cells past that are kept as text "
                        "only, not as table cells")
    return [t for _, t in sorted(out, key=lambda x: x[0])]


def _ordered_blocks(body, pos):
    """Elements that carry text of their own, in document order."""
    seen, out = set(), []
    for ln in render(body):
        el = ln.el
        while el is not None and _tag(el) not in BLOCK_TAGS:
            el = el.getparent()
        if el is not None and el not in seen and el in pos:
            seen.add(el)
            out.append(el)
    return out


def _widen(el, headline_el, content, sizes):
    """The largest ancestor of a date block that is still a short line of its own
    (e.g. the table row holding the category and the time)."""
    best = el
    anc = el.getparent()
    while anc is not None and _tag(anc) not in ("body", "html"):
        if _contains(anc, headline_el) or _contains(anc, content):
            break
        t = sizes.get(anc)
        if t is None or t.chars > 160:
            break
        best = anc
        anc = anc.getparent()
    return best


def _body_lines(content, skip) -> list[Line]:
    lines = render(content, skip=frozenset(skip))
    out: list[Line] = []
    in_list = False
    for ln in lines:
        t = ln.text
        n = len(t)
        if _norm_heading(t) in BOILER_HEADINGS:
            in_list = True
            continue
        linky = ln.link >= 0.5 * n
        if in_list:
            # After a "related articles" heading: skip its link lines (and their dates).
            if linky or n < 40 or _DATE_RE.fullmatch(t.strip("() ")):
                continue
            in_list = False
        if ln.link >= 0.9 * n and n < 120:
            continue          # a lone link: "Xem chi tiết", "Tải về", menu entries
        if _UI_LINE.match(t) and n < 100:
            continue
        out.append(ln)
    return out


def _meta(head: dict[str, str], headline, date_text, author, all_lines, url=None) -> dict[str, str]:
    meta: dict[str, str] = {}
    if headline:
        meta["title"] = headline
    pub = published_from_line(date_text) if date_text else None
    if not pub:
        for k in ("article:published_time", "ld:datepublished", "og:published_time", "pubdate",
                  "publishdate", "datepublished", "dc.date.issued", "dc.date", "date"):
            if head.get(k):
                m = _ISO.search(head[k])
                pub = m.group(0) if m else parse_date(head[k])
                if pub:
                    break
    if pub:
        meta["published"] = pub
    if not author:
        for k in ("author", "article:author", "ld:author", "dc.creator"):
            v = head.get(k, "").strip()
            if v and not v.lower().startswith("http"):
                author = v
                break
    if author:
        author = re.sub(r"^(?:theo|nguồn)\s*[:：]?\s*", "", author, flags=re.I).strip()
        if author:
            meta["author"] = author
    site = find_site(all_lines, head)
    if site:
        meta["site"] = site
    if url:
        meta["url"] = url
    return meta


DEFAULT_MAX_TAGS = 500_000


def check_tags(path, html: str) -> None:
    """Refuse a page with more tags than VANBAN_MAX_HTML_TAGS (default 500,000):
    finding the article keeps per-element data, about 0.8 KB an element (a 30 MB
    page of 2.6 million empty <div>s took 2 GB). Real pages have tens of
    thousands; `<` counts them from above."""
    import os
    raw = os.environ.get("VANBAN_MAX_HTML_TAGS", "").strip()
    try:
        limit = max(1, int(float(raw))) if raw else DEFAULT_MAX_TAGS
    except ValueError:
        limit = DEFAULT_MAX_TAGS
    n = html.count("<")
    if n > limit:
        raise ReadError(path, f"the page has about {n:,} tags, over the limit of {limit:,} "
                              "(set VANBAN_MAX_HTML_TAGS to raise it)")


def read_html(path: str | Path, data: bytes | None = None) -> RawDocument:
    p = Path(path)
    if data is None:
        data = read_bytes(p)
    if not data.strip():
        raise ReadError(p, "empty file")
    html, warnings = decode_html(data)
    check_tags(p, html)
    text, meta, w, tables = _extract(html, str(p))
    warnings += w
    fixed, legacy = fix_legacy_text(text)
    if legacy:
        warnings.append(f"page text was typed in the legacy {legacy} encoding: converted to Unicode")
        tables = remap(text, fixed, LEGACY_CONVERTERS[legacy], tables)
        text = fixed
        meta = {k: fix_legacy_text(v)[0] for k, v in meta.items()}
    return RawDocument(path=str(p), format="html", text=text, warnings=warnings, meta=meta, tables=tables)


def read_mht(path: str | Path, data: bytes | None = None) -> RawDocument:
    """A saved web page in one file (.mht, MIME HTML): the page is its first
    text/html part, decoded (quoted-printable, base64) and read as HTML."""
    import email
    import email.policy

    p = Path(path)
    if data is None:
        data = read_bytes(p)
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    part = next((m for m in msg.walk() if m.get_content_type() == "text/html"), None)
    if part is None:
        raise ReadError(p, "a MIME web archive (.mht) without an HTML page in it")
    body = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    if charset:
        try:
            body = b"\xef\xbb\xbf" + body.decode(charset).encode("utf-8")   # a BOM: decode_html trusts it
        except (LookupError, UnicodeDecodeError):
            pass
    doc = read_html(p, data=body)
    doc.warnings.insert(0, "a MIME web archive (.mht): its HTML page read")
    return doc
