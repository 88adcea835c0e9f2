"""The citation graph across the whole store (`vanban graph ...`).

Nodes are documents: every stored document, and every document a stored one
cites. Edges go from the citing document to the cited one and carry the
relation the extraction found (based_on, implements, amends ...), the number
of mentions and where the citation stands in the citing document.

Cited documents are resolved across the store, starting from `Citation.key`
(`NUMBER|ISSUERCODE|YEAR`, or `type|title` for a document cited by name):

* one document printed in different forms is one node: leading zeros
  (`076/KH-UBND` = `76/KH-UBND`), a Party symbol printed with a slash
  (`57/NQ/TW` = `57-NQ/TW`), an administrative one with two (`180/KH/UBND` =
  `180/KH-UBND`); a title that differs only in accents (OCR) or by `QPPL`
  spelled out; a citation without a year joins the only dated key with the
  same number, issuer and province;
* issuer-aware: a local issuer's numbers (UBND, HĐND, Tỉnh ủy, Sở …, see
  `issuers.yaml`, `central: false`) repeat in every province, so their node
  carries the province: the one the citation's issuer names, else the citing
  document's. Central issuers (Chính phủ, Thủ tướng, Bộ …) need none;
* a stored document gets its own key the way a citation of it would
  (`CitationExtractor._key` on its number and issue date, then the same rules),
  so a cited document that is in the store is the same node as its record.

Library entry points: `load_graph(db)`, `top`, `cites`, `cited_by`, `path`,
`resolve`, `write_export`.
"""
from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, TextIO

import networkx as nx

from vanban.extractors.citations import CitationExtractor, Mention
from vanban.extractors.data import load
from vanban.extractors.places import merged_province, name_on, province_in
from vanban.extractors.symbols import normalize_symbol
from vanban.pipeline.store import StoreError, connect


class GraphError(Exception):
    """A document reference that names no node, or several."""


# Party committees: their symbols put the type first with a dash (57-NQ/TW).
_PARTY = {"TW", "TU", "THU", "ĐU", "HU", "QU", "ĐUK", "BCSĐ", "ĐĐ"}


@lru_cache(maxsize=1)
def _type_codes() -> frozenset[str]:
    return frozenset(c.upper() for t in load("doc_types")["types"] for c in t["codes"])


@lru_cache(maxsize=1)
def _issuers() -> dict[str, bool]:
    """Issuer code (upper case) -> central."""
    return {e["code"].upper(): bool(e.get("central")) for e in load("issuers")["issuers"]}


@lru_cache(maxsize=1)
def _type_words() -> dict[str, str]:
    """DocumentMeta.doc_type -> the type word (plan -> Kế hoạch)."""
    out: dict[str, str] = {}
    for t in load("doc_types")["types"]:          # the plainest word: Chỉ thị, not Chỉ thị liên tịch
        if t["doc_type"] not in out or len(t["word"]) < len(out[t["doc_type"]]):
            out[t["doc_type"]] = t["word"]
    return out


# ---------------------------------------------------------------------------
# Canonical forms

def canonical_number(number: str) -> str:
    """The usual form of a symbol: `57/NQ/TW` -> `57-NQ/TW`, `180/KH/UBND` -> `180/KH-UBND`."""
    n = normalize_symbol(number).upper()
    m = re.fullmatch(r"(\d+[A-Z]?)/([A-ZĐ]+)/([A-ZĐ][A-ZĐ0-9&-]*)", n)
    if m and m.group(2) in _type_codes():
        num, typ, iss = m.groups()
        n = f"{num}-{typ}/{iss}" if iss.split("-")[0] in _PARTY else f"{num}/{typ}-{iss}"
    return n


def _number_key(number: str) -> str:
    """What two printings of one number share: the usual form without leading zeros."""
    return re.sub(r"^0+(?=\d)", "", canonical_number(number))


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.casefold()).replace("đ", "d")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    s = re.sub(r"\bqppl\b", "quy pham phap luat", s)
    return re.sub(r"\s+", " ", re.sub(r"[^\w]+", " ", s)).strip()


def _split(key: str) -> tuple[str, str, str] | None:
    """(number, issuer code, year) of a numbered key; None for a named one."""
    parts = key.split("|")
    if len(parts) == 3 and parts[0][:1].isdigit():
        return parts[0], parts[1], parts[2]
    return None


def _is_local(number: str, code: str) -> bool | None:
    """True for a local issuer's symbol, False for a central one, None when unknown."""
    central = _issuers().get(re.sub(r"\d+$", "", code.upper()))
    if central is True:
        return False
    if central is False:
        return True
    segs = re.split(r"[/-]", number.upper())
    if any(_issuers().get(s) is False for s in segs):
        return True
    if any(_issuers().get(re.sub(r"\d+$", "", s)) is True for s in segs):
        return False
    return None


@lru_cache(maxsize=8192)
def _province_of(issuer: str | None, on_date: str | None) -> str | None:
    return province_in(issuer, on_date) if issuer else None


def _qualifier(number: str, code: str, issuer: str | None, on_date: str | None,
               context_province: str | None) -> tuple[str | None, bool]:
    """The province a local document belongs to (None for central or unknown
    issuers), and whether the issuer named it (rather than the context)."""
    local = _is_local(number, code)
    if local is False:
        return None, False
    named = _province_of(issuer, on_date)
    if named:
        return named, True
    if local and context_province:
        return name_on(context_province, on_date), False
    return None, False


def own_key(number: str | None, issue_date: str | None) -> str | None:
    """The key a citation of a stored document would carry (None without a usable number)."""
    if not number or not re.match(r"\d", number.strip()):
        return None
    return CitationExtractor._key(Mention(start=0, end=0, doc_type="", number=number, date=issue_date))


# ---------------------------------------------------------------------------
# Loading

def _rows(con, sql: str, params: Iterable = ()) -> list[dict[str, Any]]:
    cur = con.execute(sql, list(params))
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def load_graph(db: str | Path) -> nx.DiGraph:
    """The citation graph of a store: a networkx DiGraph whose node ids are the
    resolved keys (`doc:PATH` for a stored document without a number)."""
    con = connect(db, read_only=True, retry_seconds=2.0)
    try:
        have = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        if not {"documents", "citations", "citation_mentions"} <= have:
            raise StoreError(f"{db} is not a vanban store (no citations table); create one with `vanban ingest`")
        docs = _rows(con, "SELECT id, path, sha256, doc_type, number, issuer, province, issue_date, published_date, "
                          "title FROM documents ORDER BY path")
        cites = _rows(con, "SELECT c.document_id, c.seq, c.key, c.doc_type, c.number, c.date, c.issuer, c.title, "
                           "c.relation, c.char_start, c.char_end, c.page, c.text, "
                           "(SELECT count(*) FROM citation_mentions m WHERE m.document_id = c.document_id "
                           " AND m.citation_seq = c.seq) AS mentions "
                           "FROM citations c ORDER BY c.document_id, c.seq")
    finally:
        con.close()
    # A file stored under several paths (same sha256) is one document: its first path.
    first: dict[str, dict] = {}
    for d in docs:
        if d["sha256"] in first:
            first[d["sha256"]].setdefault("copies", []).append(d["path"])
        else:
            first[d["sha256"]] = d
    keep = {d["id"] for d in first.values()}
    return build_graph([d for d in docs if d["id"] in keep], [c for c in cites if c["document_id"] in keep])


def build_graph(docs: list[dict[str, Any]], cites: list[dict[str, Any]]) -> nx.DiGraph:
    by_id = {d["id"]: d for d in docs}
    # 1. Every key (stored documents' own and cited ones) as a group key
    #    (number, issuer code, year, province) plus the form it was printed in.
    raw: list[tuple] = []                   # (owner, number, code, year, province, named, printed form)
    for d in docs:
        k = own_key(d["number"], d["issue_date"])
        sp = _split(k) if k else None
        if sp:
            num, code, year = sp
            q, named = _qualifier(num, code, d["issuer"], d["issue_date"], d["province"])
            raw.append((("doc", d["id"]), _number_key(num), code, year, q, named, canonical_number(num)))
    for i, c in enumerate(cites):
        sp = _split(c["key"])
        if sp:
            num, code, year = sp
            ctx = by_id.get(c["document_id"], {})
            q, named = _qualifier(num, code, c["issuer"], c["date"] or (year if year != "?" else None),
                                  ctx.get("province"))
            raw.append((("cite", i), _number_key(num), code, year, q, named, canonical_number(num)))
    # A province taken from the context (`của UBND tỉnh` in a Lâm Đồng document of
    # 2025) yields to the one another citation names, when the 2025 merger joined
    # them (`của UBND tỉnh Bình Thuận`): the same document, cited after the merger.
    named_q: dict[tuple, set] = defaultdict(set)
    for _, num, code, year, q, named, _f in raw:
        if named:
            named_q[(num, code, year)].add(q)
    doc_base: dict[int, tuple] = {}
    cite_base: list[tuple | None] = [None] * len(cites)
    printed: dict[tuple, list[str]] = defaultdict(list)
    for owner, num, code, year, q, named, form in raw:
        if q and not named:
            after = merged_province(q) or q
            same = [p for p in named_q.get((num, code, year), ()) if (merged_province(p) or p) == after]
            if len(same) == 1:
                q = same[0]
        b = (num, code, year, q)
        printed[(num, code, q)].append(form)
        if owner[0] == "doc":
            doc_base[owner[1]] = b
        else:
            cite_base[owner[1]] = b
    for i, c in enumerate(cites):
        if cite_base[i] is None:
            typ, _, title = c["key"].partition("|")
            b = ("named", typ.casefold(), _fold(title), None)
            printed[b[:2] + b[3:] + (b[2],)].append(c["key"])
            cite_base[i] = b
    # 2. A key without a year joins the only dated key with the same number, issuer and province.
    years: dict[tuple, set] = defaultdict(set)
    for b in list(doc_base.values()) + cite_base:
        if b[0] != "named" and b[2] != "?":
            years[(b[0], b[1], b[3])].add(b[2])

    def shown(forms: list[str]) -> str:
        """The form printed most often (ties: the longer, then the smaller)."""
        counts: dict[str, int] = defaultdict(int)
        for f in forms:
            counts[f] += 1
        return sorted(counts, key=lambda f: (-counts[f], -len(f), f))[0]

    def node_id(b: tuple) -> str:
        if b[0] == "named":
            return shown(printed[b[:2] + b[3:] + (b[2],)])
        num, code, year, q = b
        if year == "?" and len(years.get((num, code, q), ())) == 1:
            year = next(iter(years[(num, code, q)]))
        return f"{shown(printed[(num, code, q)])}|{code}|{year}" + (f"@{q}" if q else "")

    G = nx.DiGraph()
    # 3. Stored documents.
    for d in docs:
        nid = node_id(doc_base[d["id"]]) if d["id"] in doc_base else f"doc:{d['path']}"
        word = _type_words().get(d["doc_type"], "Văn bản")
        label = f"{word} {d['number']}" if d["id"] in doc_base else (d["title"] or Path(d["path"]).name)
        copies = list(d.get("copies") or [])
        if nid in G:            # two stored files of one document (same number): keep the first path
            G.nodes[nid]["copies"] = "\n".join(filter(None, [G.nodes[nid].get("copies"), d["path"], *copies]))
            continue
        q = doc_base[d["id"]][3] if d["id"] in doc_base else None
        G.add_node(nid, **_clean({
            "label": label + (f" ({q})" if q else ""), "kind": "document", "in_store": True, "path": d["path"],
            "document_id": d["id"], "doc_type": word, "number": d["number"], "issuer": d["issuer"],
            "province": d["province"], "date": d["issue_date"] or d["published_date"], "title": d["title"],
            "year": int(doc_base[d["id"]][2]) if d["id"] in doc_base and doc_base[d["id"]][2].isdigit() else None,
            "copies": "\n".join(copies) or None}))
    doc_node = {d["id"]: (node_id(doc_base[d["id"]]) if d["id"] in doc_base else f"doc:{d['path']}") for d in docs}
    # 4. Cited documents and the edges to them.
    for c, b in zip(cites, cite_base):
        nid = node_id(b)
        if nid not in G:
            num_label = c["number"] or c["title"] or ""
            q = b[3]
            year = nid.split("|")[2].split("@")[0] if b[0] != "named" else None
            G.add_node(nid, **_clean({
                "label": f"{c['doc_type']} {num_label}".strip() + (f" ({q})" if q else ""), "kind": "cited",
                "in_store": False, "doc_type": c["doc_type"], "number": c["number"], "issuer": c["issuer"],
                "date": c["date"], "title": c["title"], "province": q,
                "year": int(year) if year and year.isdigit() else None}))
        else:
            attrs = G.nodes[nid]
            for f in ("issuer", "date", "title", "number"):
                if attrs.get(f) is None and c[f] is not None:
                    attrs[f] = c[f]
        src = doc_node[c["document_id"]]
        if src == nid:
            continue            # a document citing its own number
        path = by_id[c["document_id"]]["path"]
        if G.has_edge(src, nid):
            e = G.edges[src, nid]
            e["mentions"] += c["mentions"] or 1
            if e["relation"] == "unknown" and c["relation"] != "unknown":
                e["relation"] = c["relation"]
            continue
        G.add_edge(src, nid, **_clean({
            "relation": c["relation"], "mentions": c["mentions"] or 1, "path": path, "document_id": c["document_id"],
            "seq": c["seq"], "char_start": c["char_start"], "char_end": c["char_end"], "page": c["page"],
            "text": c["text"], "key": c["key"]}))
    return G


# ---------------------------------------------------------------------------
# Queries

def _relations(G: nx.DiGraph, edges) -> str:
    counts: dict[str, int] = defaultdict(int)
    for u, v in edges:
        counts[G.edges[u, v]["relation"]] += 1
    return ", ".join(f"{k} {n}" for k, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def top(G: nx.DiGraph, limit: int = 20) -> list[dict[str, Any]]:
    """The most cited documents: by how many documents cite them, then by mentions."""
    rows = []
    for n in G.nodes:
        cited_by = G.in_degree(n)
        if not cited_by:
            continue
        mentions = sum(G.edges[u, n]["mentions"] for u in G.predecessors(n))
        a = G.nodes[n]
        rows.append({"node": n, "label": a.get("label"), "title": a.get("title"), "cited_by": cited_by,
                     "mentions": mentions, "relations": _relations(G, G.in_edges(n)),
                     "in_store": a.get("path")})
    rows.sort(key=lambda r: (-r["cited_by"], -r["mentions"], r["node"]))
    rows = rows[:limit] if limit else rows
    return [{"rank": i + 1, **r} for i, r in enumerate(rows)]


def cites(G: nx.DiGraph, node: str) -> list[dict[str, Any]]:
    """What `node` cites, in the order the citations appear."""
    out = []
    for _, v, e in G.out_edges(node, data=True):
        a = G.nodes[v]
        out.append({"node": v, "label": a.get("label"), "title": a.get("title"), "relation": e["relation"],
                    "mentions": e["mentions"], "in_store": a.get("path"), "char_start": e.get("char_start"),
                    "char_end": e.get("char_end"), "page": e.get("page"), "text": e.get("text")})
    out.sort(key=lambda r: (r["char_start"] if r["char_start"] is not None else 0, r["node"]))
    return out


def cited_by(G: nx.DiGraph, node: str) -> list[dict[str, Any]]:
    """The documents that cite `node`, with where they do."""
    out = []
    for u, _, e in G.in_edges(node, data=True):
        a = G.nodes[u]
        out.append({"node": u, "label": a.get("label"), "province": a.get("province"), "date": a.get("date"),
                    "relation": e["relation"], "mentions": e["mentions"], "document": e.get("path"),
                    "char_start": e.get("char_start"), "char_end": e.get("char_end"), "page": e.get("page"),
                    "text": e.get("text")})
    out.sort(key=lambda r: (r["document"] or "", r["char_start"] or 0))
    return out


def path(G: nx.DiGraph, a: str, b: str, undirected: bool = False) -> list[dict[str, Any]]:
    """The shortest chain of citations from `a` to `b` (a cites … cites b); with
    `undirected`, citations count either way. Raises GraphError when there is none."""
    H = G.to_undirected(as_view=True) if undirected else G
    try:
        nodes = nx.shortest_path(H, a, b)
    except nx.NetworkXNoPath:
        how = "" if undirected else " (try --undirected)"
        raise GraphError(f"no citation path from {a} to {b}{how}") from None
    out = []
    for i, (u, v) in enumerate(zip(nodes, nodes[1:]), 1):
        forward = G.has_edge(u, v)
        e = G.edges[u, v] if forward else G.edges[v, u]
        out.append({"step": i, "from": u, "to": v, "direction": "cites" if forward else "cited by",
                    "relation": e["relation"], "from_label": G.nodes[u].get("label"),
                    "to_label": G.nodes[v].get("label"), "document": e.get("path"),
                    "char_start": e.get("char_start"), "char_end": e.get("char_end")})
    return out


def _label_forms(label: str) -> set[str]:
    """A label as a user may type it: as printed, and without its "(province)"."""
    bare = re.sub(r"\s*\([^()]*\)$", "", label)
    return {label.casefold(), bare.casefold()}


def resolve(G: nx.DiGraph, ref: str) -> str:
    """The node a user means by REF, tried in this order: a node id; a stored
    file's path or file name; a document number (`13/2023/NĐ-CP`, leading zeros
    and slash forms as in the graph); a label as `graph top` prints it (`Luật
    Thi đua, khen thưởng`, `Kế hoạch 24/KH-UBND (Bắc Ninh)`, with or without the
    province, any case, accents optional); the start of a node id.
    Raises GraphError naming the candidates when REF fits several."""
    if ref in G:
        return ref
    ref = ref.strip()
    p = ref.rstrip("/")
    tries = [
        lambda: [n for n, a in G.nodes(data=True) if a.get("path") and (
            a["path"] == p or a["path"].endswith("/" + p) or Path(a["path"]).name == p)],
        lambda: _by_number(G, ref) if re.match(r"\d", ref) else [],
        lambda: [n for n, a in G.nodes(data=True) if ref.casefold() in _label_forms(a.get("label") or "")],
        lambda: [n for n, a in G.nodes(data=True)
                 if _fold(ref) in {_fold(x) for x in _label_forms(a.get("label") or "")}],
        lambda: [n for n in G.nodes if n.casefold().startswith(ref.casefold())],
    ]
    cands: list[str] = []
    for find in tries:
        cands = find()
        if cands:
            break
    if len(cands) == 1:
        return cands[0]
    if not cands:
        raise GraphError(f"no document in the graph matches {ref!r}: give a stored file's name, a document number "
                         "or a label as `vanban graph top` prints it")
    shown = sorted(cands)[:10]
    raise GraphError(f"{ref!r} matches {len(cands)} documents; give one of: "
                     + ", ".join(f"{n} ({G.nodes[n].get('label')})" for n in shown))


def _by_number(G: nx.DiGraph, ref: str) -> list[str]:
    want = _number_key(ref)
    out = []
    for n, a in G.nodes(data=True):
        if n.startswith("doc:"):
            continue
        if _number_key(n.split("|")[0]) == want or (a.get("number") and _number_key(a["number"]) == want):
            out.append(n)
    return out


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def empty_note(G: nx.DiGraph, node: str, asked: str, looking_for: str) -> str:
    """Why a lookup found nothing, in words: `looking_for` is "cites" (what the
    node cites) or "cited-by" (who cites it)."""
    a = G.nodes[node]
    name = a.get("label") or node
    if looking_for == "cites":
        if not a.get("in_store"):
            return (f"{name} is cited by {_count(G.in_degree(node), 'document')} but is not in the store, so what it "
                    f'cites is unknown (`vanban graph cited-by "{asked}"` lists who cites it)')
        return f"{name} ({Path(a['path']).name}) cites no document"
    where = f" ({Path(a['path']).name})" if a.get("path") else " (not in the store)"
    return f"no stored document cites {name}{where}"


# ---------------------------------------------------------------------------
# Export

def _scalar(v: Any) -> Any:
    return v if isinstance(v, (str, int, float, bool)) else str(v)


def for_graphml(G: nx.DiGraph) -> nx.DiGraph:
    """A copy whose attributes GraphML can hold (no None, scalars only)."""
    H = nx.DiGraph()
    for n, a in G.nodes(data=True):
        H.add_node(n, **{k: _scalar(v) for k, v in a.items() if v is not None})
    for u, v, a in G.edges(data=True):
        H.add_edge(u, v, **{k: _scalar(x) for k, x in a.items() if x is not None})
    return H


EDGE_FIELDS = ("source", "target", "source_label", "target_label", "relation", "mentions", "document", "char_start",
               "char_end", "page", "target_in_store")


def write_export(G: nx.DiGraph, fmt: str, out: TextIO) -> None:
    """GraphML (loads in networkx, Gephi, yEd), CSV (one row per edge), or JSON
    ({"nodes": [...], "edges": [...]})."""
    if fmt == "graphml":
        for line in nx.generate_graphml(for_graphml(G)):
            out.write(line + "\n")
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(EDGE_FIELDS)
        for u, v, e in sorted(G.edges(data=True), key=lambda x: (x[0], x[1])):
            w.writerow([u, v, G.nodes[u].get("label", ""), G.nodes[v].get("label", ""), e["relation"],
                        e["mentions"], e.get("path", ""), e.get("char_start", ""), e.get("char_end", ""),
                        "" if e.get("page") is None else e["page"], G.nodes[v].get("path", "")])
    elif fmt == "json":
        data = {"nodes": [{"id": n, **a} for n, a in sorted(G.nodes(data=True))],
                "edges": [{"source": u, "target": v, **a} for u, v, a in sorted(G.edges(data=True),
                                                                                key=lambda x: (x[0], x[1]))]}
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        raise GraphError(f"unknown export format {fmt!r} (graphml, csv or json)")
