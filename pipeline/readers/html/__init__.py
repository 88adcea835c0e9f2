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

from pathlib import Path

from vanban.pipeline.readers.base import read_bytes, RawDocument, ReadError
from vanban.pipeline.readers.cells import fix_legacy
from vanban.pipeline.readers.legacy import fix_legacy_text
# The reader is a package (decoding, tree, render, chrome, content, headline,
# metadata, tables, article: the steps above); these names are its public face,
# and what tests reach for.
from vanban.pipeline.readers.html.article import _extract, extract_article
from vanban.pipeline.readers.html.decoding import decode_html
from vanban.pipeline.readers.html.metadata import (find_byline, find_site, page_url, parse_date, published_from_line,
                                                   unglue)
from vanban.pipeline.readers.html.render import Line, render

__all__ = ["read_html", "read_mht", "check_tags", "DEFAULT_MAX_TAGS", "extract_article", "decode_html",
           "find_byline", "find_site", "page_url", "parse_date", "published_from_line", "unglue", "Line", "render"]


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
    text, tables, legacy = fix_legacy(text, tables)
    if legacy:
        warnings.append(f"page text was typed in the legacy {legacy} encoding: converted to Unicode")
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
