"""The citation graph: cited documents resolved across the store, issuer-aware
nodes, links to stored records, relations on edges, `vanban graph ...`, and
the GraphML export loading in networkx. The store is built from real
documents (tests/fixtures/analysis) plus two short notes written here that cite
a stored plan by number (no document in the corpus cites another one)."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import duckdb
import networkx as nx
import pytest
from typer.testing import CliRunner

from vanban.pipeline.batch import Options, ingest
from vanban.pipeline.cli import app
from vanban.pipeline.extract import text_of
from vanban.pipeline.analysis.graph import (GraphError, build_graph, canonical_number, cited_by, cites, load_graph, path, resolve,
                            top)

FIX = Path(__file__).parent / "fixtures" / "analysis"
runner = CliRunner()

# Two notes citing "Kế hoạch số 144/KH-UBND" of 2025: Bắc Ninh's (stored: fixture 004)
# and, in a Sơn La note, Sơn La's own plan with the same number.
NOTE_BN = """ỦY BAN NHÂN DÂN TỈNH BẮC NINH
SỞ KHOA HỌC VÀ CÔNG NGHỆ

Số: 15/TB-SKHCN
Bắc Ninh, ngày 02 tháng 12 năm 2025

THÔNG BÁO
Về việc triển khai Kế hoạch số 144/KH-UBND

Thực hiện Kế hoạch số 144/KH-UBND ngày 24/11/2025 của Ủy ban nhân dân tỉnh Bắc Ninh về phát triển kinh tế số, \
Sở Khoa học và Công nghệ thông báo các đơn vị triển khai.
"""
NOTE_SL = """ỦY BAN NHÂN DÂN TỈNH SƠN LA
SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG

Số: 21/TB-SNNMT
Sơn La, ngày 05 tháng 12 năm 2025

THÔNG BÁO
Về việc thực hiện Kế hoạch số 144/KH-UBND

Căn cứ Kế hoạch số 144/KH-UBND ngày 10/3/2025 của UBND tỉnh về phát triển nông nghiệp, Sở Nông nghiệp và \
Môi trường thông báo các đơn vị triển khai.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("graph")
    notes = tmp / "notes"
    notes.mkdir()
    (notes / "note_bac_ninh.txt").write_text(NOTE_BN, encoding="utf-8")
    (notes / "note_son_la.txt").write_text(NOTE_SL, encoding="utf-8")
    db = str(tmp / "graph.duckdb")
    summary = ingest(Options(paths=[str(FIX), str(notes)], db=db, workers=2, progress=False))
    assert summary.failed == 0
    files = sorted(FIX.iterdir()) + sorted(notes.iterdir())
    return {"db": db, "files": files, "notes": notes, "G": load_graph(db)}


def node_of(G, file: Path) -> str:
    return next(n for n, a in G.nodes(data=True) if a.get("path") == str(file.resolve()))


# ---------------------------------------------------------------------------
# Counts the tests make on their own, from the documents' text

INDEPENDENT = {
    "13/2023/NĐ-CP|CP|2023": r"13/2023/NĐ-CP",
    "57-NQ/TW|TW|2024": r"57[-/]NQ/TW",
    "71/NQ-CP|CP|2025": r"(?<!\d)71/NQ-CP",
    "luật|thi đua khen thưởng": r"(?i)luật thi đua[\s,–-]+khen thưởng",
}


def test_top_counts_match_an_independent_count(store):
    res = runner.invoke(app, ["graph", "top", "--limit", "0", "--format", "json", "--db", store["db"]])
    assert res.exit_code == 0, res.output
    rows = {r["node"]: r for r in json.loads(res.output)}
    for node, pattern in INDEPENDENT.items():
        citing = [f.name for f in store["files"] if re.search(pattern, text_of(f))]
        assert len(citing) >= 2, (node, citing)
        assert rows[node]["cited_by"] == len(citing), (node, citing)
        assert {Path(r["document"]).name for r in cited_by(store["G"], node)} == set(citing)
    ranked = list(rows.values())
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert [r["cited_by"] for r in ranked] == sorted((r["cited_by"] for r in ranked), reverse=True)
    assert ranked[0]["cited_by"] == max(store["G"].in_degree(n) for n in store["G"])


def test_top_table_names_the_most_cited(store):
    res = runner.invoke(app, ["graph", "top", "--db", store["db"]])
    assert res.exit_code == 0, res.output
    assert "13/2023/NĐ-CP" in res.output.splitlines()[2]       # the first row


# ---------------------------------------------------------------------------
# Resolution

def test_one_document_printed_in_different_forms_is_one_node():
    assert canonical_number("57/NQ/TW") == "57-NQ/TW"
    assert canonical_number("180/KH/UBND") == "180/KH-UBND"
    assert canonical_number("30/2020/NĐ-CP") == "30/2020/NĐ-CP"
    docs = [{"id": 1, "path": "/a.txt", "doc_type": "plan", "number": "5/KH-UBND", "issuer": "UBND tỉnh Lâm Đồng",
             "province": "Lâm Đồng", "issue_date": "2025-10-01", "published_date": None, "title": None},
            {"id": 2, "path": "/b.txt", "doc_type": "report", "number": None, "issuer": None,
             "province": "Lâm Đồng", "issue_date": None, "published_date": None, "title": "b"}]

    def cite(doc, seq, key, number, issuer=None, date=None, doc_type="Nghị quyết", title=None):
        return {"document_id": doc, "seq": seq, "key": key, "doc_type": doc_type, "number": number, "date": date,
                "issuer": issuer, "title": title, "relation": "based_on", "char_start": 0, "char_end": 1,
                "page": None, "text": number or title, "mentions": 1}

    G = build_graph(docs, [
        cite(1, 0, "57-NQ/TW|TW|2024", "57-NQ/TW", date="2024-12-22"),
        cite(2, 0, "57/NQ/TW|TW|2024", "57/NQ/TW", date="2024-12-22"),
        cite(1, 1, "076/KH-UBND|UBND|2025", "076/KH-UBND", "UBND tỉnh", "2025-08-30", "Kế hoạch"),
        cite(2, 1, "76/KH-UBND|UBND|2025", "76/KH-UBND", None, "2025-08-30", "Kế hoạch"),
        cite(1, 2, "1668/QĐ-TTG|TTG|?", "1668/QĐ-TTg", doc_type="Quyết định"),
        cite(2, 2, "1668/QĐ-TTG|TTG|2024", "1668/QĐ-TTg", date="2024-12-30", doc_type="Quyết định"),
        cite(1, 3, "luật|ban hành văn bản qppl", None, doc_type="Luật", title="Ban hành văn bản QPPL"),
        cite(2, 3, "luật|ban hành văn bản quy phạm pháp luật", None, doc_type="Luật",
             title="Ban hành văn bản quy phạm pháp luật"),
        # The issuer before the 2025 merger named in one citation, implied in the other.
        cite(1, 4, "1478/UBND-NCKS|UBND|2025", "1478/UBND-NCKS", "UBND tỉnh Bình Thuận", "2025-04-10", "Công văn"),
        cite(2, 4, "1478/UBND-NCKS|UBND|2025", "1478/UBND-NCKS", "UBND tỉnh", "2025-04-10", "Công văn"),
    ])
    cited = [n for n in G if G.in_degree(n)]
    assert len(cited) == 5 and all(G.in_degree(n) == 2 for n in cited), sorted(cited)
    assert "57-NQ/TW|TW|2024" in G and "1668/QĐ-TTG|TTG|2024" in G
    assert "076/KH-UBND|UBND|2025@Lâm Đồng" in G or "76/KH-UBND|UBND|2025@Lâm Đồng" in G
    assert "1478/UBND-NCKS|UBND|2025@Bình Thuận" in G


def test_local_numbers_are_told_apart_by_province(store):
    G = store["G"]
    # 01/2025/QĐ-UBND: Lâm Đồng's thi đua rules (085) and a Hồ Chí Minh decision (038).
    lam_dong, hcm = "01/2025/QĐ-UBND|UBND|2025@Lâm Đồng", "01/2025/QĐ-UBND|UBND|2025@Hồ Chí Minh"
    assert [Path(r["document"]).name[:3] for r in cited_by(G, lam_dong)] == ["085"]
    assert [Path(r["document"]).name[:3] for r in cited_by(G, hcm)] == ["038"]
    with pytest.raises(GraphError, match="matches 2 documents"):
        resolve(G, "01/2025/QĐ-UBND")


def test_a_cited_document_in_the_store_is_its_own_record(store):
    G = store["G"]
    plan = node_of(G, FIX / "004_ke-hoach-144-kh-ubnd-ubnd-tinh-bac-ninh.txt")
    assert plan == "144/KH-UBND|UBND|2025@Bắc Ninh"
    bn = node_of(G, store["notes"] / "note_bac_ninh.txt")
    sl = node_of(G, store["notes"] / "note_son_la.txt")
    assert list(G.successors(bn)) == [plan]
    assert G.nodes[plan]["in_store"] and G.nodes[plan]["path"].endswith("004_ke-hoach-144-kh-ubnd-ubnd-tinh-bac-ninh.txt")
    # Sơn La's 144/KH-UBND is another document, not in the store.
    (other,) = G.successors(sl)
    assert other == "144/KH-UBND|UBND|2025@Sơn La" and not G.nodes[other]["in_store"]
    rows = top(G, 0)
    assert next(r for r in rows if r["node"] == plan)["in_store"] == G.nodes[plan]["path"]
    # The path runs through the stored record: note -> plan 144 -> Nghị quyết 57-NQ/TW.
    steps = path(G, bn, "57-NQ/TW|TW|2024")
    assert [(s["from"], s["to"]) for s in steps] == [(bn, plan), (plan, "57-NQ/TW|TW|2024")]
    res = runner.invoke(app, ["graph", "path", "note_bac_ninh.txt", "57-NQ/TW", "--format", "json",
                              "--db", store["db"]])
    assert res.exit_code == 0, res.output
    assert [s["to"] for s in json.loads(res.output)] == [plan, "57-NQ/TW|TW|2024"]


def test_edges_carry_the_relation_from_the_extraction(store):
    G = store["G"]
    f = FIX / "004_ke-hoach-144-kh-ubnd-ubnd-tinh-bac-ninh.txt"
    con = duckdb.connect(store["db"], read_only=True)
    stored = dict(con.execute("SELECT c.number, c.relation FROM citations c JOIN documents d ON d.id = c.document_id "
                              "WHERE d.path = ?", [str(f.resolve())]).fetchall())
    con.close()
    out = {r["node"]: r for r in cites(G, node_of(G, f))}
    assert out["57-NQ/TW|TW|2024"]["relation"] == stored["57-NQ/TW"] == "based_on"
    assert out["71/NQ-CP|CP|2025"]["relation"] == stored["71/NQ-CP"]
    r = out["57-NQ/TW|TW|2024"]
    assert "57-NQ/TW" in text_of(f)[r["char_start"]:r["char_end"]]
    assert all(G.edges[e]["relation"] for e in G.edges)


# ---------------------------------------------------------------------------
# Commands and export

def test_cites_and_cited_by_commands(store):
    db = store["db"]
    res = runner.invoke(app, ["graph", "cites", "004_ke-hoach-144-kh-ubnd-ubnd-tinh-bac-ninh.txt", "--format",
                              "csv", "--db", db])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert "57-NQ/TW|TW|2024" in {r["node"] for r in rows}
    res = runner.invoke(app, ["graph", "cited-by", "13/2023/NĐ-CP", "--db", db])
    assert res.exit_code == 0 and "(4 rows)" in res.output
    res = runner.invoke(app, ["graph", "cited-by", "144/KH-UBND", "--db", db])
    assert res.exit_code == 1 and "Bắc Ninh" in res.output and "Sơn La" in res.output     # ambiguous: both named
    res = runner.invoke(app, ["graph", "cites", "no-such-document", "--db", db])
    assert res.exit_code == 1 and "no document" in res.output
    res = runner.invoke(app, ["graph", "path", "13/2023/NĐ-CP", "57-NQ/TW", "--db", db])
    assert res.exit_code == 1 and "no citation path" in res.output


def test_lookups_by_label_number_and_file_name(store):
    G = store["G"]
    law = "luật|thi đua khen thưởng"
    label = G.nodes[law]["label"]
    # the label as `graph top` prints it, in any case and with or without accents
    for ref in (label, "Luật Thi đua, khen thưởng", label.upper(), "luat thi dua, khen thuong",
                "  Luật Thi đua, khen thưởng "):
        assert resolve(G, ref) == law, ref
    # a label with the province `graph top` adds to a local document, and without it when that is unique
    plan = "144/KH-UBND|UBND|2025@Bắc Ninh"
    assert resolve(G, G.nodes[plan]["label"]) == plan
    with pytest.raises(GraphError, match="matches 2 documents"):
        resolve(G, "Kế hoạch 144/KH-UBND")           # Bắc Ninh's and Sơn La's
    # a number printed with leading zeros or with slashes for dashes
    assert resolve(G, "57/NQ/TW") == resolve(G, "57-NQ/TW") == "57-NQ/TW|TW|2024"
    # a stored file by name or path
    f = FIX / "004_ke-hoach-144-kh-ubnd-ubnd-tinh-bac-ninh.txt"
    assert resolve(G, f.name) == resolve(G, str(f.resolve())) == plan
    res = runner.invoke(app, ["graph", "cited-by", label, "--format", "json", "--db", store["db"]])
    assert res.exit_code == 0, res.output
    citing = [f.name for f in store["files"] if re.search(INDEPENDENT[law], text_of(f))]
    assert sorted(Path(r["document"]).name for r in json.loads(res.output)) == sorted(citing)


def test_a_lookup_that_finds_nothing_says_why(store):
    G, db = store["G"], store["db"]
    cited = "13/2023/NĐ-CP|CP|2023"                 # cited by 4 stored documents, itself not stored
    assert not G.nodes[cited]["in_store"]
    res = runner.invoke(app, ["graph", "cites", "13/2023/NĐ-CP", "--db", db])
    assert res.exit_code == 0
    assert "Nghị định 13/2023/NĐ-CP is cited by 4 documents but is not in the store" in res.output
    assert "(0 rows)" not in res.output
    # machine-readable formats keep their shape: an empty array, the sentence on stderr
    res = runner.invoke(app, ["graph", "cites", "13/2023/NĐ-CP", "--format", "json", "--db", db])
    assert res.exit_code == 0 and json.loads(res.stdout) == [] and "not in the store" in res.stderr
    # a stored document nobody cites
    note = "note_son_la.txt"
    assert G.in_degree(resolve(G, note)) == 0
    res = runner.invoke(app, ["graph", "cited-by", note, "--db", db])
    assert res.exit_code == 0 and "no stored document cites" in res.output and note in res.output


def test_graphml_export_loads_in_networkx(store, tmp_path):
    G = store["G"]
    out = tmp_path / "g.graphml"
    res = runner.invoke(app, ["graph", "export", "--format", "graphml", "--out", str(out), "--db", store["db"]])
    assert res.exit_code == 0, res.output
    H = nx.read_graphml(out)
    assert H.is_directed() and H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    plan = "144/KH-UBND|UBND|2025@Bắc Ninh"
    assert H.nodes[plan]["in_store"] is True and H.nodes[plan]["path"].endswith("004_ke-hoach-144-kh-ubnd-ubnd-tinh-bac-ninh.txt")
    assert H.edges[plan, "57-NQ/TW|TW|2024"]["relation"] == "based_on"
    assert H.in_degree("13/2023/NĐ-CP|CP|2023") == 4


def test_csv_and_json_exports(store):
    G = store["G"]
    res = runner.invoke(app, ["graph", "export", "--format", "csv", "--db", store["db"]])
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert len(rows) == G.number_of_edges()
    assert {r["relation"] for r in rows} <= {"based_on", "implements", "amends", "supplements", "replaces", "repeals",
                                             "guides", "refers_to", "unknown"}
    res = runner.invoke(app, ["graph", "export", "--format", "json", "--db", store["db"]])
    data = json.loads(res.output)
    assert len(data["nodes"]) == G.number_of_nodes() and len(data["edges"]) == G.number_of_edges()
