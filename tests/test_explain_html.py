"""`vanban explain --html`: displacy's span style marks every item, overlaps
included (a date inside a citation, a target inside another), with a legend,
the value and rule on hover, `lang="vi"` and the document's name as title."""
from __future__ import annotations

import html
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from vanban.pipeline.explain import KINDS, explain_html, marked_items
from vanban.pipeline.extract import extract_with_text

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "corpus" / "samples" / "seed_000.txt", ROOT / "corpus" / "samples" / "seed_001.txt",
         ROOT / "tests" / "fixtures" / "analysis" / "087_ke-hoach-cchc-2026-2030-lam-dong.docx"]

MARK = re.compile(r'href="#item-(\d+)" title="([^"]*)"')


def overlapping(ex) -> int:
    spans = sorted((m.start, m.end) for m in marked_items(ex))
    return sum(1 for i, (s, e) in enumerate(spans) for s2, _ in spans[i + 1:] if s2 < e)


@pytest.mark.parametrize("f", FILES, ids=lambda p: p.name)
def test_every_item_is_marked_once(f):
    ex, text = extract_with_text(f)
    n_items = sum(len(getattr(ex, a)) for a, _ in KINDS) + len(ex.document.spans)
    assert overlapping(ex) > 0          # the case the old page got wrong: items that overlap
    page = explain_html(ex, text, name=f.name)
    marks = MARK.findall(page)
    assert len(marks) == n_items
    assert sorted(int(n) for n, _ in marks) == list(range(1, n_items + 1))
    # every mark carries its own item's value and rule, and the table has a row for it
    items = list(marked_items(ex))
    for n, title in marks:
        m = items[int(n) - 1]
        title = html.unescape(title)
        assert m.value in title and f"[{m.start}:{m.end}]" in title
        if m.rule:
            assert f"rule {m.rule}" in title
        assert f'<tr id="item-{n}">' in page
    # the labels drawn are the items' kinds, as many of each as the extraction has
    drawn = Counter(re.findall(r"\n\s*([A-Z_]+)\n\s*<a style=", page))
    for attr, label in KINDS:
        assert drawn[label] == len(getattr(ex, attr))


def test_page_is_vietnamese_titled_and_has_a_legend():
    f = FILES[0]
    ex, text = extract_with_text(f)
    page = explain_html(ex, text, name=f.name)
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert f"<title>{f.name}</title>" in page and "displaCy" not in page
    legend = page[page.index('<ul class="legend">'):page.index("</ul>")]
    for attr, label in KINDS:
        assert f"<b>{label}</b> ({len(getattr(ex, attr))})" in legend
    # the whole text is there, in order (the marks' labels and numbers come in between)
    visible = html.unescape(re.sub(r"<[^>]+>", " ", page[page.index('<div class="text">'):page.index("<table")]))
    shown = iter("".join(visible.split()))
    assert all(c in shown for c in "".join(text.split()))


def test_lines_stay_lines_and_the_cli_writes_the_page(tmp_path):
    f = FILES[0]
    out = tmp_path / "page.html"
    run = subprocess.run([sys.executable, "-m", "vanban", "explain", str(f), "--html", str(out)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    ex, text = extract_with_text(f)
    assert len(MARK.findall(page)) == len(list(marked_items(ex)))
    # one block per line of text that no item crosses: the page keeps the document's lines
    assert page.count('<div class="spans"') >= text.count("\n") // 2
