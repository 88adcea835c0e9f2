"""Page chrome dropped before the article is looked for (step 1): scripts and
form controls, hidden elements, landmarks and class/id names of menus, footers,
sidebars and share bars; never what holds the page's h1 or most of its prose."""
from __future__ import annotations

from vanban.pipeline.readers.html.tree import (CHROME_ROLES, CHROME_TAGS, CHROME_WORDS, DROP_TAGS, _is_hidden, _tag,
                                               _words)


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
