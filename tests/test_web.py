"""`vanban serve` for real: a store built from corpus/samples by the real ingest
(plus two notes written here: one cites a stored plan, one carries markup
in its subject), the server started by the CLI in its own process, its JSON
API called over HTTP for every endpoint, and its pages driven in Debian's
Chromium through Playwright. Each page's screenshot is written under
tests/output/screenshots/ (git-ignored)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from vanban.pipeline.analysis.compare import COMPARISON_FIELDS, FIELDS, ROLLUP_RULE, province_comparison, target_rows
from vanban.pipeline.analysis.graph import load_graph, top
from vanban.pipeline.batch import Options, ingest
from vanban.pipeline.extract import extract_file
from vanban.pipeline.store import doc_id, query
from vanban.pipeline.web.apidoc import ENDPOINTS

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
SHOTS = ROOT / "tests" / "output" / "screenshots"
PDF_IN_STORE = "064_cong-dien-58-cd-vpcp-2026.pdf"
PDF_NEW = ROOT / "tests" / "fixtures" / "pdf" / "067_quyet-dinh-2536-qd-ubnd-lam-dong-2025.pdf"
DOCX_NEW = ROOT / "tests" / "fixtures" / "docx" / "093_thong-bao-ket-luan-pct-cao-toc-lam-dong-2026.docx"
PLAN = "003_ke-hoach-141-kh-ubnd-ubnd-tinh-bac-ninh.txt"        # Kế hoạch 141/KH-UBND of Bắc Ninh
MAX_UPLOAD_MB = 2
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# A Sở's plan implementing the stored plan 141/KH-UBND: a link both ways.
NOTE_CITING = """ỦY BAN NHÂN DÂN TỈNH BẮC NINH
SỞ TƯ PHÁP

Số: 31/KH-STP
Bắc Ninh, ngày 05 tháng 12 năm 2025

KẾ HOẠCH
Triển khai Kế hoạch số 141/KH-UBND ngày 20/11/2025 của Ủy ban nhân dân tỉnh

Thực hiện Kế hoạch số 141/KH-UBND ngày 20/11/2025 của Ủy ban nhân dân tỉnh Bắc Ninh về nâng cao năng lực \
cho đội ngũ cán bộ, công chức xây dựng chính sách, pháp luật, Sở Tư pháp ban hành Kế hoạch triển khai như sau.
"""
# Document text is data, never markup: a subject line that would run script if printed raw.
NOTE_MARKUP = """ỦY BAN NHÂN DÂN TỈNH NINH BÌNH

Số: 12/TB-UBND
Ninh Bình, ngày 01 tháng 12 năm 2025

THÔNG BÁO
Về việc <script>document.title="XSS"</script><img src=x onerror="document.title='XSS'"> kiểm tra

Căn cứ Quyết định số 15/QĐ-UBND ngày 02/02/2025 của Ủy ban nhân dân tỉnh <b onmouseover=alert(1)>Ninh Bình</b>, \
Ủy ban nhân dân tỉnh thông báo.
"""
# Stored, then changed on disk: its "original file" must not be served.
NOTE_CHANGED = """ỦY BAN NHÂN DÂN TỈNH CAO BẰNG

Số: 40/TB-UBND
Cao Bằng, ngày 03 tháng 12 năm 2025

THÔNG BÁO
Về việc lịch tiếp công dân tháng 12 năm 2025
"""


@dataclass
class Site:
    base: str
    db: Path
    docs: Path
    tmp: Path
    log: Path
    proc: subprocess.Popen

    def url(self, path: str, **params) -> str:
        q = ("?" + urllib.parse.urlencode(params)) if params else ""
        return self.base + urllib.parse.quote(path, safe="/:{}%") + q


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    docs = tmp / "docs"
    shutil.copytree(SAMPLES, docs)
    (docs / "note_bac_ninh.txt").write_text(NOTE_CITING, encoding="utf-8")
    (docs / "note_markup.txt").write_text(NOTE_MARKUP, encoding="utf-8")
    (docs / "note_changed.txt").write_text(NOTE_CHANGED, encoding="utf-8")
    db = tmp / "store.duckdb"
    s = ingest(Options(paths=[str(docs)], db=str(db), workers=2, progress=False), out=io.StringIO(),
               err=io.StringIO())
    assert s.failed == 0 and s.new == len(list(docs.iterdir()))
    port = _free_port()
    log = tmp / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "vanban", "serve", "--db", str(db), "--port", str(port),
                                 "--uploads", str(tmp / "uploads"), "--max-upload-mb", str(MAX_UPLOAD_MB),
                                 "--timeout", "60"], stdout=out, stderr=subprocess.STDOUT, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(base + "/api/status", timeout=5) as r:
                if r.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("vanban serve did not start:\n" + log.read_text(errors="replace"))
        time.sleep(0.3)
    yield Site(base, db, docs, tmp, log, proc)
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text          # no request ended in a server error


# ---------------------------------------------------------------------------
# HTTP helpers (the standard library: what any client can do)

@dataclass
class Resp:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def http(site: Site, method: str, path: str, *, params: dict | None = None, data: bytes | None = None,
         headers: dict | None = None) -> Resp:
    req = urllib.request.Request(site.url(path, **(params or {})), data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return Resp(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as e:
        return Resp(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


def multipart(fields: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, (filename, content) in fields.items():
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                  "Content-Type: application/octet-stream\r\n\r\n".encode())
        out.write(content)
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload(site: Site, name: str, content: bytes, path: str = "/api/upload") -> Resp:
    body, ctype = multipart({"file": (name, content)})
    return http(site, "POST", path, data=body, headers={"Content-Type": ctype})


def sql1(site: Site, q: str):
    return query(site.db, q)[1]


def stored_id(site: Site, name: str) -> str:
    return str(doc_id(str(site.docs / name)))


# ---------------------------------------------------------------------------
# Hostile uploads

def truncated_pdf() -> bytes:
    data = (SAMPLES / PDF_IN_STORE).read_bytes()
    return data[: len(data) * 4 // 10]


def zip_bomb_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                          'content-types"/>')
        z.writestr("word/document.xml", b"<w:document>" + b" " * (60 * 1024 * 1024) + b"</w:document>")
    return buf.getvalue()


HOSTILE = {
    "truncated.pdf": (truncated_pdf, 422, "truncated PDF"),
    "bomb.docx": (zip_bomb_docx, 422, "zip bomb"),
    "oversize.txt": (lambda: ("Kế hoạch số 1/KH-UBND. " * 120_000).encode("utf-8"), 413, f"{MAX_UPLOAD_MB} MB"),
    "image.txt": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, 422, "PNG"),
    "empty.pdf": (lambda: b"", 422, "empty file"),
}


def test_store_is_only_read_while_browsing_and_reading_uploads(site):
    before = _sha(site.db)
    plan = stored_id(site, PLAN)
    for path, params in [("/", {}), ("/api/status", {}), ("/documents", {"province": "Bắc Ninh"}),
                         ("/api/documents", {"q": "ke hoach"}), (f"/documents/{plan}", {}),
                         (f"/api/documents/{plan}", {}), (f"/documents/{plan}/file", {}),
                         ("/compare", {"indicator": "export_turnover"}), ("/api/compare", {}),
                         ("/api/compare.csv", {"indicator": "export_turnover", "merged": "1"}), ("/graph", {}),
                         ("/graph/node", {"id": "141/KH-UBND"}), ("/api", {}), ("/api/openapi.json", {})]:
        r = http(site, "GET", path, params=params)
        assert r.status == 200, (path, r.status, r.body[:300])
    assert upload(site, PDF_IN_STORE, (SAMPLES / PDF_IN_STORE).read_bytes()).status == 201
    assert upload(site, "truncated.pdf", truncated_pdf()).status == 422
    assert _sha(site.db) == before
    assert not (site.tmp / "uploads").exists()          # nothing kept until an explicit "add"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_upload_gets_a_clear_error_and_the_server_goes_on(site, name):
    make, status, words = HOSTILE[name]
    content = make()
    r = upload(site, name, content)
    assert r.status == status, r.body[:300]
    err = r.json()["error"]
    assert err["status"] == status and words in err["message"]
    if status == 422:
        assert err["message"].startswith(name + ":")          # the file is named, not a server path
        assert str(site.tmp) not in err["message"]
    # the page shows the same message, in Vietnamese, as an error page
    page = upload(site, name, content, path="/upload")
    assert page.status == status and 'lang="vi"' in page.text and words in page.text
    assert {413: "Tệp quá lớn", 422: "Không đọc được tệp"}[status] in page.text
    assert http(site, "GET", "/api/status").status == 200


def test_an_upload_without_a_file_is_refused(site):
    body, ctype = multipart({"other": ("x.txt", b"abc")})
    r = http(site, "POST", "/api/upload", data=body, headers={"Content-Type": ctype})
    assert r.status == 400 and "Chưa chọn tệp" in r.json()["error"]["message"]
    r = http(site, "POST", "/api/upload", data=b"raw", headers={"Content-Type": "text/plain"})
    assert r.status == 400 and "multipart/form-data" in r.json()["error"]["message"]


# ---------------------------------------------------------------------------
# The JSON API, endpoint by endpoint (each check is keyed by the documented path,
# so an endpoint added without a test fails `test_every_endpoint_has_a_check`)

def check_status(site):
    d = http(site, "GET", "/api/status").json()
    n = len(list(site.docs.iterdir()))
    assert d["exists"] and d["counts"]["documents"] >= n
    assert d["counts"]["citations"] == sql1(site, "SELECT count(*) FROM citations")[0][0]
    assert sum(t["documents"] for t in d["by_type"]) == d["counts"]["documents"]


def check_upload(site):
    r = upload(site, PDF_IN_STORE, (SAMPLES / PDF_IN_STORE).read_bytes())
    assert r.status == 201
    d = r.json()
    assert d["name"] == PDF_IN_STORE and d["extraction"]["source"]["format"] == "pdf"
    ex = d["extraction"]
    assert d["counts"]["citation"] == len(ex["citations"]) and d["counts"]["date"] == len(ex["dates"])
    assert d["items"] and all(d["text"][i["start"]:i["end"]] == i["text"] for i in d["items"])
    assert all(i["page"] in (1, 2) for i in d["items"])
    assert [s["id"] for s in d["in_store"]] == [stored_id(site, PDF_IN_STORE)]
    assert "parts" in d["structure"] and isinstance(d["outline"], list)
    return d


def check_upload_get(site):
    d = check_upload(site)
    again = http(site, "GET", f"/api/upload/{d['token']}").json()
    assert again["items"] == d["items"] and again["text"] == d["text"]
    assert http(site, "GET", "/api/upload/" + "0" * 32).status == 404
    assert http(site, "GET", "/api/upload/..%2F..%2Fetc").status == 404


def check_upload_extraction(site):
    d = check_upload(site)
    r = http(site, "GET", f"/api/upload/{d['token']}/extraction.json")
    assert r.status == 200 and "attachment" in r.headers["content-disposition"]
    got = r.json()
    want = json.loads(extract_file(SAMPLES / PDF_IN_STORE).model_dump_json())    # what `vanban extract --json` says
    assert got["source"]["path"] == PDF_IN_STORE
    got["source"].pop("path"), want["source"].pop("path")
    assert got == want


def check_upload_add(site):
    content = DOCX_NEW.read_bytes()
    d = upload(site, DOCX_NEW.name, content).json()
    assert d["in_store"] == []
    n0 = sql1(site, "SELECT count(*) FROM documents")[0][0]
    bad = http(site, "POST", f"/api/upload/{d['token']}/add", headers={"Origin": "http://evil.example"})
    assert bad.status == 403 and sql1(site, "SELECT count(*) FROM documents")[0][0] == n0
    r = http(site, "POST", f"/api/upload/{d['token']}/add")
    assert r.status == 200, r.body
    rec = r.json()
    assert rec["status"] in ("new", "skipped")
    stored = Path(rec["path"])
    assert stored.is_file() and stored.read_bytes() == content and (site.tmp / "uploads") in stored.parents
    rows = sql1(site, f"SELECT id, sha256, format FROM documents WHERE path = '{stored}'")
    assert rows and str(rows[0][0]) == rec["document_id"] and rows[0][1] == d["sha256"] and rows[0][2] == "docx"
    doc = http(site, "GET", f"/api/documents/{rec['document_id']}").json()
    assert doc["counts"]["citations"] == len(d["extraction"]["citations"])
    assert http(site, "GET", f"/api/documents/{rec['document_id']}/file").body == content
    # the same file again: already stored, nothing rewritten
    again = http(site, "POST", f"/api/upload/{d['token']}/add").json()
    assert again["status"] == "skipped" and again["document_id"] == rec["document_id"]
    assert http(site, "POST", "/api/upload/" + "f" * 32 + "/add").status == 404


def check_documents(site):
    d = http(site, "GET", "/api/documents", params={"province": "Bắc Ninh"}).json()
    want = sql1(site, "SELECT count(*) FROM documents WHERE province = 'Bắc Ninh'")[0][0]
    assert d["total"] == want == len(d["documents"]) and want >= 2
    assert all(x["province"] == "Bắc Ninh" for x in d["documents"])
    # facets count what each value would leave, the other filters applied
    types = {f["value"]: f["documents"] for f in d["facets"]["doc_type"]}
    assert sum(types.values()) == want
    # text search ignores accents and case
    q = http(site, "GET", "/api/documents", params={"q": "CAN THO"}).json()
    assert q["total"] == sql1(site, "SELECT count(*) FROM documents WHERE province = 'Cần Thơ' OR issuer ILIKE "
                                    "'%Cần Thơ%' OR title ILIKE '%Cần Thơ%'")[0][0] > 0
    y = http(site, "GET", "/api/documents", params={"year": "2025", "doc_type": "plan"}).json()
    assert y["total"] > 0 and all(x["year"] == "2025" and x["doc_type"] == "plan" for x in y["documents"])
    assert http(site, "GET", "/api/documents", params={"q": "%"}).json()["total"] == 0    # LIKE characters are text
    assert http(site, "GET", "/api/documents", params={"page": "x"}).status == 400


def check_document(site):
    plan, note = stored_id(site, PLAN), stored_id(site, "note_bac_ninh.txt")
    d = http(site, "GET", f"/api/documents/{plan}").json()
    assert d["number"] == "141/KH-UBND" and d["province"] == "Bắc Ninh"
    for table in ("citations", "dates", "targets", "signatories", "commemorations"):
        assert len(d["items"][table]) == sql1(site, f"SELECT count(*) FROM {table} WHERE document_id = {plan}")[0][0]
    assert note in [r["document_id"] for r in d["links"]["cited_by"]]
    n = http(site, "GET", f"/api/documents/{note}").json()
    assert plan in [r["document_id"] for r in n["links"]["cites"]]
    assert http(site, "GET", "/api/documents/12345").status == 404
    assert http(site, "GET", "/api/documents/abc").status == 404


def check_document_file(site):
    plan = stored_id(site, PLAN)
    r = http(site, "GET", f"/api/documents/{plan}/file")
    assert r.status == 200 and r.body == (site.docs / PLAN).read_bytes()
    assert r.headers["content-disposition"].startswith("attachment")
    for bad in ("..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "1", "-1"):
        assert http(site, "GET", f"/api/documents/{bad}/file").status in (404, 410)
    changed = site.docs / "note_changed.txt"
    cid = stored_id(site, "note_changed.txt")
    assert http(site, "GET", f"/api/documents/{cid}/file").status == 200
    changed.write_text(NOTE_CHANGED + "Thêm một dòng sau khi nạp.\n", encoding="utf-8")
    assert http(site, "GET", f"/api/documents/{cid}/file").status == 410
    assert http(site, "GET", f"/api/documents/{cid}/text").status == 410


def check_document_text(site):
    plan = stored_id(site, PLAN)
    d = http(site, "GET", f"/api/documents/{plan}/text").json()
    stored = http(site, "GET", f"/api/documents/{plan}").json()
    assert d["document_id"] == plan and d["name"] == PLAN
    assert all(d["text"][i["start"]:i["end"]] == i["text"] for i in d["items"])
    # read again by the same extractor version: the same items as the store holds
    got = sorted((i["start"], i["end"]) for i in d["items"] if i["kind"] == "citation")
    assert got == sorted((c["start"], c["end"]) for c in stored["items"]["citations"])
    assert http(site, "GET", "/api/documents/12345/text").status == 404


def check_compare(site):
    d = http(site, "GET", "/api/compare").json()
    codes = {i["code"]: i for i in d["indicators"]}
    assert codes["export_turnover"]["targets"] >= 1
    c = http(site, "GET", "/api/compare", params={"indicator": "export_turnover"}).json()
    lib = target_rows(site.db, "export_turnover")
    assert [(r["province"], r["value"], r["unit"], r["comparator"], r["document"]) for r in c["rows"]] == \
           [(r["province"], r["value"], r["unit"], r["comparator"], r["document"]) for r in lib]
    assert all(r["document_id"] == str(doc_id(r["document"])) for r in c["rows"])
    m = http(site, "GET", "/api/compare", params={"indicator": "export_turnover", "merged": "1"}).json()
    assert [r["province"] for r in m["rows"]] == [r["province"] for r in
                                                  target_rows(site.db, "export_turnover", merged=True)]
    assert "Vĩnh Long" in [r["province"] for r in m["rows"]]       # Bến Tre, since the 2025 merger
    year = c["years"][0]
    y = http(site, "GET", "/api/compare", params={"indicator": "export_turnover", "year": year}).json()
    assert y["rows"] and all(r["year"] == year for r in y["rows"])
    assert http(site, "GET", "/api/compare", params={"indicator": "no_such_code"}).status == 404
    assert http(site, "GET", "/api/compare", params={"status": "bogus"}).status == 400
    # the comparison proper: one row per province and year, as the library computes it
    lib_p = province_comparison(site.db, "export_turnover")
    assert [(r["province"], r["year"], r["target"]) for r in c["by_province"]] == \
           [(r["province"], r["year"], r["target"]) for r in lib_p]
    keys = [(r["province"], r["year"], r["measure"]) for r in c["by_province"]]
    assert keys and len(keys) == len(set(keys)) and c["rollup_rule"] is None
    assert all(link["id"] == str(doc_id(d)) for r in c["by_province"]
               for link, d in zip(r["target_links"], r["target_documents"]))
    assert m["rollup_rule"] == ROLLUP_RULE and m["rollup_rule_vi"] and "Vĩnh Long" in [r["province"] for r in m["by_province"]]


def check_compare_csv(site):
    r = http(site, "GET", "/api/compare.csv", params={"indicator": "export_turnover", "merged": "1"})
    assert r.status == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"))))
    api = http(site, "GET", "/api/compare", params={"indicator": "export_turnover", "merged": "1"}).json()["rows"]
    assert list(rows[0].keys()) == list(FIELDS)
    assert [(x["province"], float(x["value"])) for x in rows] == [(x["province"], x["value"]) for x in api]
    assert http(site, "GET", "/api/compare.csv").status == 400
    r = http(site, "GET", "/api/compare.csv", params={"indicator": "export_turnover", "merged": "1", "view": "province"})
    rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"))))
    by_province = http(site, "GET", "/api/compare", params={"indicator": "export_turnover", "merged": "1"}).json()
    assert list(rows[0].keys()) == list(COMPARISON_FIELDS)
    assert [x["province"] for x in rows] == [x["province"] for x in by_province["by_province"]]


def check_graph(site):
    d = http(site, "GET", "/api/graph").json()
    G = load_graph(site.db)
    assert [r["node"] for r in d["top"]] == [r["node"] for r in top(G, 30)]
    assert d["nodes"] == G.number_of_nodes() and d["edges"] == G.number_of_edges()


def check_graph_node(site):
    d = http(site, "GET", "/api/graph/node", params={"id": "141/KH-UBND"}).json()
    assert d["node"]["document_id"] == stored_id(site, PLAN)
    assert stored_id(site, "note_bac_ninh.txt") in [r["document_id"] for r in d["cited_by"]]
    assert len(d["drawing"]["boxes"]) == 1 + min(30, len(d["cites"])) + min(30, len(d["cited_by"]))
    assert http(site, "GET", "/api/graph/node", params={"id": "99999/XX-YY"}).status == 404
    assert http(site, "GET", "/api/graph/node").status == 400


def check_openapi(site):
    d = http(site, "GET", "/api/openapi.json").json()
    assert d["openapi"].startswith("3.1")
    assert {(m.upper(), p) for p, ops in d["paths"].items() for m in ops} == {(e.method, e.path) for e in ENDPOINTS}
    page = http(site, "GET", "/api")
    assert all(e.path in page.text for e in ENDPOINTS)


CHECKS = {
    "/api/status": check_status, "/api/upload": check_upload, "/api/upload/{token}": check_upload_get,
    "/api/upload/{token}/extraction.json": check_upload_extraction, "/api/upload/{token}/add": check_upload_add,
    "/api/documents": check_documents, "/api/documents/{id}": check_document,
    "/api/documents/{id}/file": check_document_file, "/api/documents/{id}/text": check_document_text,
    "/api/compare": check_compare,
    "/api/compare.csv": check_compare_csv, "/api/graph": check_graph, "/api/graph/node": check_graph_node,
    "/api/openapi.json": check_openapi,
}


def test_every_endpoint_has_a_check():
    assert set(CHECKS) == {e.path for e in ENDPOINTS}


@pytest.mark.parametrize("path", list(CHECKS))
def test_api(site, path):
    CHECKS[path](site)


def test_pages_escape_document_text_and_send_a_strict_policy(site):
    mid = stored_id(site, "note_markup.txt")
    r = http(site, "GET", f"/documents/{mid}")
    assert r.status == 200
    assert "<script>document.title" not in r.text and "onerror=\"document" not in r.text
    assert "&lt;script&gt;document.title" in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert 'lang="vi"' in r.text


def test_a_store_held_by_a_writer_is_busy_not_an_error(site):
    import duckdb

    con = duckdb.connect(str(site.db))            # what an ingest holds while it writes
    try:
        r = http(site, "GET", "/api/documents")
        assert r.status == 503 and "bận" in r.json()["error"]["message"]
        assert upload(site, PDF_IN_STORE, (SAMPLES / PDF_IN_STORE).read_bytes()).status == 201   # uploads go on
    finally:
        con.close()
    assert http(site, "GET", "/api/documents").status == 200


def test_a_request_for_another_host_name_is_refused(site):
    # DNS rebinding: a page of another site that resolves to 127.0.0.1 cannot read the store
    assert http(site, "GET", "/api/status", headers={"Host": "evil.example"}).status == 400


# ---------------------------------------------------------------------------
# In the browser

@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Debian's chromium is needed (make test installs it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="vi-VN")
    pg = ctx.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    ctx.close()
    assert dialogs == []          # no page ever ran an alert()


def shot(page, name: str, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def test_browser_upload_a_pdf_see_its_items_and_add_it(site, page):
    page.goto(site.base + "/upload")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.set_input_files("#file", str(PDF_NEW))
    assert page.locator("#chosen").inner_text() == PDF_NEW.name
    shot(page, "01_upload_form")
    page.click("#upload-submit")
    page.wait_for_url("**/upload/*")
    token = page.url.rsplit("/", 1)[1]
    api = http(site, "GET", f"/api/upload/{token}").json()
    rows = page.locator("#items tbody tr")
    assert rows.count() == len(api["items"]) > 0
    marks = page.locator("#doctext mark")
    assert marks.count() > 0
    # the text shown is the normalized text every offset refers to
    assert page.locator("#doctext").inner_text().strip() == api["text"].strip()
    # every item is highlighted where its offsets say
    ids = {i for m in marks.evaluate_all("ms => ms.map(m => m.dataset.items)") for i in m.split()}
    assert ids == {i["id"] for i in api["items"]}
    first = api["items"][0]
    page.click(f"#row-{first['id']} a.jump")
    assert page.locator("mark.flash").count() >= 1
    assert page.locator("#outline, #outline-empty").count() == 1
    shot(page, "02_upload_result", full=False)
    with page.expect_download() as dl:
        page.click("text=Tải JSON")
    got = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert got == api["extraction"]
    page.click("#add-button")
    page.wait_for_url("**/documents/*")
    assert page.locator("#added").inner_text() in ("Đã thêm vào kho.", "Văn bản này đã có trong kho.")
    did = page.url.split("/documents/")[1].split("?")[0]
    assert sql1(site, f"SELECT sha256 FROM documents WHERE id = {did}")[0][0] == api["sha256"]
    shot(page, "03_document_added")


def test_browser_drop_a_file_on_the_upload_zone(site, page):
    page.goto(site.base + "/upload")
    dt = page.evaluate_handle("""text => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], "thong-bao.txt", {type: "text/plain"}));
        return dt; }""", NOTE_CHANGED)
    with page.expect_navigation():
        page.dispatch_event("#dropzone", "drop", {"dataTransfer": dt})
    assert "/upload/" in page.url
    assert page.locator("h1").inner_text() == "thong-bao.txt"
    assert page.locator("#items tbody tr[data-kind=meta]").count() >= 1


def test_browser_hostile_uploads_show_an_error_page(site, page, tmp_path):
    for name, (make, status, words) in [("truncated.pdf", HOSTILE["truncated.pdf"]),
                                        ("bomb.docx", HOSTILE["bomb.docx"]),
                                        ("oversize.txt", HOSTILE["oversize.txt"])]:
        f = tmp_path / name
        f.write_bytes(make())
        page.goto(site.base + "/upload")
        page.set_input_files("#file", str(f))
        with page.expect_navigation():
            page.click("#upload-submit")
        assert page.locator("section.error").is_visible()
        assert words in page.locator(".error-message").inner_text()
        shot(page, f"04_error_{name.replace('.', '_')}")


def test_browser_filter_documents(site, page):
    page.goto(site.base + "/documents")
    total = http(site, "GET", "/api/documents").json()["total"]
    assert page.locator("#docs tbody tr").count() == total
    page.click("#facet-province a:text-is('Cần Thơ')")
    page.wait_for_url("**province=*")
    want = http(site, "GET", "/api/documents", params={"province": "Cần Thơ"}).json()
    cells = page.locator("#docs tbody tr td:nth-child(3)").all_inner_texts()
    assert cells == ["Cần Thơ"] * want["total"] and want["total"] >= 2
    page.click("#facet-doc_type a:text-is('Chỉ thị')")
    page.wait_for_url("**doc_type=*")
    both = http(site, "GET", "/api/documents", params={"province": "Cần Thơ", "doc_type": "directive"}).json()
    assert page.locator("#docs tbody tr").count() == both["total"] >= 1
    shot(page, "05_documents_filtered")
    page.goto(site.base + "/documents")
    page.fill("input[name=q]", "nang cao nang luc")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**q=*")
    assert page.locator("#docs tbody tr").count() == \
        http(site, "GET", "/api/documents", params={"q": "nang cao nang luc"}).json()["total"] >= 1
    shot(page, "06_documents_search")


def test_browser_document_links_both_ways(site, page):
    plan, note = stored_id(site, PLAN), stored_id(site, "note_bac_ninh.txt")
    page.goto(f"{site.base}/documents/{plan}")
    shot(page, "07_document")
    page.click(f"#cited-by a[href='/documents/{note}']")
    page.wait_for_url(f"**/documents/{note}")
    assert "31/KH-STP" in page.locator("h1").inner_text()
    page.click(f"#cites a[href='/documents/{plan}']")
    page.wait_for_url(f"**/documents/{plan}")
    assert "141/KH-UBND" in page.locator("h1").inner_text()
    with page.expect_download() as dl:
        page.click("#original")
    assert Path(dl.value.path()).read_bytes() == (site.docs / PLAN).read_bytes()
    page.click("#text-view")
    page.wait_for_url(f"**/documents/{plan}/text")
    api = http(site, "GET", f"/api/documents/{plan}/text").json()
    assert page.locator("#items tbody tr").count() == len(api["items"]) > 0
    assert page.locator("#add-button").count() == 0             # a stored document is not added again
    shot(page, "07b_document_text", full=False)


def test_browser_compare_toggle_merger_and_download_csv(site, page):
    page.goto(site.base + "/compare")
    page.select_option("#indicator", "export_turnover")
    page.wait_for_url("**indicator=export_turnover*")
    api = http(site, "GET", "/api/compare", params={"indicator": "export_turnover"}).json()
    assert page.locator("#compare-table tbody tr").count() == len(api["rows"]) > 0
    assert page.locator("figure.chart svg rect.bar").count() == len(api["rows"])
    assert page.locator("#province-table tbody tr").count() == len(api["by_province"]) > 0
    before = page.locator("#compare-table tbody tr td:first-child").all_inner_texts()
    assert "Bến Tre" in before
    page.check("#merged")
    page.wait_for_url("**merged=1*")
    after = page.locator("#compare-table tbody tr td:first-child").all_inner_texts()
    assert "Vĩnh Long" in after and "Bến Tre" not in after
    assert page.locator("#rollup-rule").is_visible()
    shot(page, "08_compare")
    with page.expect_download() as dl:
        page.click("#csv-link")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8-sig"))))
    assert [r["province"] for r in rows] == after
    assert dl.value.suggested_filename.endswith(".csv")


def test_browser_graph(site, page):
    page.goto(site.base + "/graph")
    api = http(site, "GET", "/api/graph").json()
    assert page.locator("#top tbody tr").count() == len(api["top"]) > 0
    shot(page, "09_graph")
    page.goto(site.base + "/graph/node?" + urllib.parse.urlencode({"id": "141/KH-UBND"}))
    svg = page.locator("svg#neighbourhood")
    assert svg.is_visible()
    node = http(site, "GET", "/api/graph/node", params={"id": "141/KH-UBND"}).json()
    assert svg.locator("rect.node").count() == len(node["drawing"]["boxes"])
    assert svg.locator("line.edge").count() == len(node["drawing"]["edges"])
    shot(page, "10_graph_node")
    page.click("#node-cited-by a")
    page.wait_for_url("**/documents/*")


def test_browser_markup_in_a_document_stays_text(site, page):
    mid = stored_id(site, "note_markup.txt")
    page.goto(f"{site.base}/documents/{mid}")
    assert page.title() != "XSS"
    assert "<script>" in page.locator("p.lead").inner_text()        # shown as the text it is
    assert page.locator("main script, main img, main b").count() == 0
    page.goto(site.base + "/upload")
    page.set_input_files("#file", str(site.docs / "note_markup.txt"))
    page.click("#upload-submit")
    page.wait_for_url("**/upload/*")
    assert page.title() != "XSS" and page.evaluate("document.title") != "XSS"
    assert page.locator("#doctext img, #doctext script, #doctext b").count() == 0
    assert "<img src=x" in page.locator("#doctext").inner_text()
    page.goto(site.base + "/api")
    shot(page, "11_api")


def test_an_upload_over_the_time_limit_is_stopped_and_the_server_goes_on(tmp_path):
    """Its own server: no store yet, a 1-second limit and room for an 8 MB text
    whose extraction takes many times longer (it is linear in the size)."""
    text = (SAMPLES / PLAN).read_text(encoding="utf-8")
    big = ((text + "\n") * (8_000_000 // len(text.encode("utf-8")))).encode("utf-8")
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        # the text is over the default text limit (VANBAN_MAX_CHARS): raised, so the time limit is what stops it
        proc = subprocess.Popen([sys.executable, "-m", "vanban", "serve", "--db", str(tmp_path / "none.duckdb"),
                                 "--port", str(port), "--max-upload-mb", "10", "--timeout", "1"],
                                stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path,
                                env={**os.environ, "VANBAN_MAX_CHARS": "20000000"})
    site = Site(f"http://127.0.0.1:{port}", tmp_path / "none.duckdb", tmp_path, tmp_path, log, proc)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(site.base + "/upload", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(log.read_text(errors="replace"))
                time.sleep(0.3)
        r = upload(site, "dai.txt", big)
        assert r.status == 422, r.body[:300]
        assert "quá thời gian xử lý" in r.json()["error"]["message"]
        ok = upload(site, "ngan.txt", NOTE_CHANGED.encode("utf-8"))       # a fresh worker takes the next one
        assert ok.status == 201 and ok.json()["extraction"]["document"]["number"] == "40/TB-UBND"
        # no store yet: pages that read it say how to make one
        r = http(site, "GET", "/api/documents")
        assert r.status == 503 and "vanban ingest" in r.json()["error"]["message"]
        assert http(site, "GET", "/").status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert "Traceback" not in log.read_text(errors="replace")
