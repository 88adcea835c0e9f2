"""The parts of `vanban serve` that need no server: overlapping highlights, upload
names, the worker's time limit (a real process), CSV cells, the API description
and the message when the web extra is missing."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
import time

import pytest

from vanban.pipeline.web.comparison import FIELDS, to_csv
from vanban.pipeline.web.highlight import pieces
from vanban.pipeline.web.labels import value_of
from vanban.pipeline.web.uploads import safe_name
from vanban.pipeline.web.worker import Worker, WorkerTimeout


def _covering(ps, i):
    return next(p.items for p in ps if p.start <= i < p.end)


def test_pieces_keep_every_overlap_and_rebuild_the_text():
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư."
    cit = (text.index("Nghị định"), text.index(" của"))
    date = (text.index("05/3/2020"), text.index("05/3/2020") + len("05/3/2020"))
    num = (text.index("30/2020"), text.index("30/2020") + len("30/2020/NĐ-CP"))
    spans = [("c0", "citation", *cit), ("d0", "date", *date), ("m-number", "meta", *num)]
    ps = pieces(text, spans, anchors={0, text.index("về")})
    assert "".join(p.text for p in ps) == text
    assert all(ps[i].end == ps[i + 1].start for i in range(len(ps) - 1))
    # every character knows every span covering it, outermost first
    for i in range(len(text)):
        want = [sid for sid, _, s, e in sorted(spans, key=lambda x: (x[2], -x[3])) if s <= i < e]
        assert _covering(ps, i) == want
    both = next(p for p in ps if p.start == date[0])
    assert both.items == ["c0", "d0"] and both.kinds == ["citation", "date"]
    # an anchor cuts the text where an outline part begins
    assert any(p.anchor and p.start == text.index("về") for p in ps)
    # each item's anchor is on its first piece only
    starts = [s for p in ps for s in p.starts]
    assert sorted(starts) == ["c0", "d0", "m-number"]


def test_pieces_clip_spans_outside_the_text_and_join_mentions_under_one_id():
    text = "Kế hoạch 141/KH-UBND ... Kế hoạch 141/KH-UBND"
    a, b = (0, 20), (25, 45)
    ps = pieces(text, [("c0", "citation", *a), ("c0", "citation", *b), ("x", "date", 40, 999), ("y", "date", 5, 5)])
    assert "".join(p.text for p in ps) == text
    assert _covering(ps, 30) == ["c0"] and _covering(ps, 44) == ["c0", "x"]
    assert [s for p in ps for s in p.starts] == ["c0", "x"]       # c0's anchor only at its first mention
    assert all("y" not in p.items for p in ps)                     # empty span dropped


@pytest.mark.parametrize("given,want", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\a\\Kế hoạch 141.PDF", "Kế hoạch 141.pdf"),
    ("..", "tai-lieu"),
    (".bashrc", "bashrc"),
    ("a<b>c|d?.docx", "abcd.docx"),
    ("ten\x00tep\n.txt", "tentep.txt"),
    ("Ke hoa\u0323ch.txt", "Ke hoạch.txt"),        # NFD arrives, NFC is kept
])
def test_upload_names_are_only_names(given, want):
    assert safe_name(given) == want


def test_a_long_name_is_cut_but_keeps_its_extension():
    got = safe_name("x" * 500 + ".pdf")
    assert got.endswith(".pdf") and len(got) == 104


def _sleepy(seconds: float) -> str:
    time.sleep(seconds)
    return "xong"


def test_the_worker_kills_a_call_past_its_time_limit_and_goes_on():
    w = Worker(_sleepy, timeout=1.5, startup_timeout=60)
    try:
        assert w.call(0.01) == "xong"
        first = w.proc.pid
        t0 = time.monotonic()
        with pytest.raises(WorkerTimeout) as e:
            w.call(60)
        assert time.monotonic() - t0 < 10
        assert "1.5 giây" in str(e.value)
        assert w.proc is None                          # the hung process is gone …
        assert w.call(0.01) == "xong"                  # … and a fresh one takes the next call
        assert w.proc.pid != first
    finally:
        w.close()


def test_csv_cells_never_start_a_formula_but_numbers_stay_numbers():
    rows = [{f: None for f in FIELDS} | {"province": "=HYPERLINK(\"http://x\")", "value": -5.0, "indicator": "+1",
                                         "text": "@SUM(A1)", "unit": "%"}]
    got = list(csv.reader(io.StringIO(to_csv(rows))))
    assert got[0] == list(FIELDS)
    row = dict(zip(got[0], got[1]))
    assert row["province"] == "'=HYPERLINK(\"http://x\")"
    assert row["indicator"] == "'+1" and row["text"] == "'@SUM(A1)"
    assert row["value"] == "-5.0" and row["unit"] == "%"


def test_values_read_the_vietnamese_way():
    t = {"indicator": "Kim ngạch xuất khẩu", "comparator": ">=", "value": 1750.5, "unit": "triệu USD", "year": 2025,
         "growth_pct": 14.38, "status": "target"}
    assert value_of("target", t) == "Kim ngạch xuất khẩu: ≥ 1.750,5 triệu USD (năm 2025, tăng 14,38%)"
    assert value_of("date", {"value": "2025-11-20", "role": "issue"}) == "2025-11-20 (ngày ban hành)"
    assert value_of("meta", {"value": "official_letter"}, "doc_type") == "Công văn"


def test_every_api_route_is_described_and_every_description_is_a_route(tmp_path):
    from starlette.routing import Route

    from vanban.pipeline.web.apidoc import ENDPOINTS, openapi
    from vanban.pipeline.web.app import Settings, create_app

    app = create_app(Settings(db=str(tmp_path / "none.duckdb")))
    routes = {(m, r.path) for r in app.routes if isinstance(r, Route) and r.path.startswith("/api/")
              for m in (r.methods or ()) if m != "HEAD"}
    described = {(e.method, e.path) for e in ENDPOINTS}
    assert routes == described
    spec = openapi("0")
    assert spec["openapi"].startswith("3.1")
    assert {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops} == described
    # every page route has its JSON twin
    pages = {r.path for r in app.routes if isinstance(r, Route) and not r.path.startswith("/api")
             and "GET" in (r.methods or ())}
    twins = {e.page for e in ENDPOINTS if e.page}
    assert pages - {"/upload/{token}/extraction.json"} <= twins | {"/upload"}


def test_serve_without_the_web_extra_names_the_extra():
    code = ("import sys; sys.modules['uvicorn'] = None\n"
            "from vanban.pipeline.cli import main\nsys.argv = ['vanban', 'serve']\nmain()")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "pip install 'vanban[web]'" in r.stderr and "uvicorn" in r.stderr


def test_staging_keeps_only_the_latest_uploads(tmp_path):
    from vanban.pipeline.web.uploads import Staging

    st = Staging(tmp_path / "staging", max_staged=2)
    a, b, c = (st.new(n) for n in ("a.txt", "b.txt", "c.txt"))
    assert st.get(a.token) is None and not a.folder.exists()        # the oldest is gone, files and all
    assert st.get(b.token) is b and st.get(c.token) is c
    assert st.get("../" + b.token) is None and st.get("") is None
    st.close()
    assert not (tmp_path / "staging").exists()
