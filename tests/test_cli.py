"""The command line end to end, on the sample corpus (real files, real process)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "corpus" / "samples").iterdir())


def vanban(*args, **kw):
    return subprocess.run([sys.executable, "-m", "vanban", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, **kw)


def test_extract_json_lines_in_order_for_every_format():
    run = vanban("extract", "--json", *SAMPLES)
    assert run.returncode == 0, run.stderr
    recs = [json.loads(line) for line in run.stdout.splitlines()]
    assert [Path(r["source"]["path"]).name for r in recs] == [p.name for p in SAMPLES]
    assert {r["source"]["format"] for r in recs} == {"txt", "pdf", "docx", "html"}
    for r in recs:
        assert r["extractor_version"]
        assert set(r) >= {"source", "document", "citations", "dates", "commemorations", "targets", "signatories"}


def test_values_from_the_sample_documents():
    recs = {Path(r["source"]["path"]).name: r for r in map(json.loads, vanban("extract", "--json", *SAMPLES).stdout.splitlines())}
    seed0 = recs["seed_000.txt"]
    assert seed0["document"]["published_date"] == "2024-03-18"
    exports = [t for t in seed0["targets"] if t["unit"] == "triệu USD" and t["value"] == 1750]
    assert exports and exports[0]["growth_pct"] == 14.38
    pdf = recs["064_cong-dien-58-cd-vpcp-2026.pdf"]
    assert pdf["document"]["number"] == "58/CĐ-VPCP" and pdf["document"]["doc_type"] == "telegram"
    assert all(d["page"] for d in pdf["dates"])                 # every PDF item knows its page
    docx = recs["085_ke-hoach-phat-dong-thi-dua-cchc-2026-lam-dong.docx"]
    assert [s["name"] for s in docx["signatories"]] == ["Nguyễn Ngọc Phúc"]
    html = recs["122_news-thu-tuong-chi-thi-14-ct-ttg-an-ninh-mang-2019.html"]
    assert html["document"]["province"] == "Đắk Nông"           # from the district site, before the merger
    assert [c["number"] for c in html["citations"]] == ["14/CT-TTg"]


def test_unreadable_file_is_named_and_the_rest_go_on(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    run = vanban("extract", "--json", bad, SAMPLES[0])
    assert run.returncode == 1
    assert "empty.txt" in run.stderr and "empty file" in run.stderr
    assert len(run.stdout.splitlines()) == 1


def test_text_matches_offsets_and_schema_is_json():
    f = ROOT / "corpus" / "samples" / "seed_001.txt"
    text = vanban("text", f).stdout[:-1]          # the command ends the text with one newline
    rec = json.loads(vanban("extract", "--json", f).stdout)
    for d in rec["dates"]:
        assert text[d["start"]:d["end"]] == d["text"]
    schema = json.loads(vanban("schema").stdout)
    assert "Citation" in json.dumps(schema)


def test_explain_text_and_html(tmp_path):
    f = ROOT / "corpus" / "samples" / "seed_000.txt"
    run = vanban("explain", f)
    assert run.returncode == 0 and "== TARGET" in run.stdout and "rule=" in run.stdout and "«" in run.stdout
    out = tmp_path / "x.html"
    assert vanban("explain", f, "--html", out).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert "02/CTLT-BCT-CĐCT" in page and "CITATION" in page and 'href="#item-1"' in page
