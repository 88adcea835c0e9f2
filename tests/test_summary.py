"""The readable summary of `vanban extract FILE`: tables with headers, numbers
as people write them, growth with its own sign, long values cut at a word."""
from __future__ import annotations

import io
import re
from pathlib import Path

from vanban.pipeline.extract import extract_text
from vanban.pipeline.cli.summary import WIDTH, growth, render_summary

ROOT = Path(__file__).resolve().parent.parent

PLAN = """ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH
Số: 12/KH-UBND
Hà Tĩnh, ngày 05 tháng 3 năm 2024

KẾ HOẠCH
Tổ chức phong trào thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm 2024 của tỉnh Hà Tĩnh

Năm 2024, phấn đấu kim ngạch xuất khẩu đạt 1.750 triệu USD, tăng 14,38% so với năm 2023; \
kim ngạch nhập khẩu đạt 420 triệu USD, giảm 5% so với năm 2023.
"""


def summary(ex) -> str:
    out = io.StringIO()
    render_summary(ex, out)
    return out.getvalue()


def test_growth_has_its_own_sign():
    assert [growth(x) for x in (8.44, -5.0, 0.0, None)] == ["+8.44%", "-5%", "0%", ""]


def test_tables_have_headers_and_plain_values():
    ex = extract_text(PLAN)
    falling = [t for t in ex.targets if t.growth_pct is not None and t.growth_pct < 0]
    assert falling, [t.model_dump() for t in ex.targets]          # the document states a fall
    text = summary(ex)
    assert "+-" not in text and "-5%" in text and "+14.38%" in text
    assert "1750" in text and "e+" not in text
    lines = text.splitlines()
    i = lines.index(f"Targets ({len(ex.targets)})")
    assert lines[i + 1].split()[:2] == ["indicator", "value"] and set(lines[i + 2]) <= {"-", " "}
    # the document's title is printed whole
    assert ex.document.title and ex.document.title in text


def test_long_values_are_cut_at_a_word():
    f = ROOT / "corpus" / "samples" / "seed_001.txt"
    from vanban.pipeline.extract import extract_file

    ex = extract_file(f)
    text = summary(ex)
    cut = [c for c in re.findall(r"(\S+)…", text)]
    assert cut                                                        # seed_001 has long commemorations
    words = set(re.findall(r"\S+", " ".join(str(v) for it in [*ex.citations, *ex.commemorations, *ex.targets,
                                                                 *ex.signatories] for v in it.model_dump().values())))
    for w in cut:
        assert w in words, w                                          # every cut ends on a whole word
    for line in text.splitlines():
        for cell in re.split(r"\s{2,}", line):
            assert len(cell) <= max(WIDTH, len(ex.document.title or "") + 20)
