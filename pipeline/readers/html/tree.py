"""What the reader knows about a page's elements: block, cell and chrome tags,
class/id words that name chrome or a title, and per-element text measures."""
from __future__ import annotations

import re

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


def _position_map(root) -> dict:
    return {el: i for i, el in enumerate(root.iter())}


def _contains(a, b) -> bool:
    """a is b or an ancestor of b."""
    while b is not None:
        if b is a:
            return True
        b = b.getparent()
    return False
