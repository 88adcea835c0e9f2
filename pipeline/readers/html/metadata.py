"""A page's metadata: the <head>'s meta tags and JSON-LD, the published date,
the byline, the page's own address and the site that publishes it."""
from __future__ import annotations

import json
import re

from vanban.pipeline.readers.html.tree import _SPACE
from vanban.extractors.text import LOWER, UPPER, title_case_org


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
