"""The citation graph for the web pages (over `vanban.pipeline.analysis.graph`).

The graph is built once per state of the store file (its size and mtime, and
its WAL's) and kept until the store changes, so browsing does not rebuild it
per request. A neighbourhood is laid out here, as plain geometry, and drawn
by a template as SVG: no script, nothing fetched.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import networkx as nx

from vanban.pipeline.analysis.graph import GraphError, cited_by, cites, load_graph, resolve, top
from vanban.pipeline.store import doc_id
from vanban.pipeline.web import labels

__all__ = ["GraphError", "GraphCache"]


def _stamp(db: str) -> tuple:
    out = []
    for p in (db, db + ".wal"):
        try:
            st = os.stat(p)
            out.append((st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


class GraphCache:
    def __init__(self, db: str | Path):
        self.db = str(db)
        self.lock = threading.Lock()
        self.stamp: tuple | None = None
        self.G: nx.DiGraph | None = None

    def graph(self) -> nx.DiGraph:
        with self.lock:
            s = _stamp(self.db)
            if self.G is None or s != self.stamp:
                self.G = load_graph(self.db)
                self.stamp = s
            return self.G


def _doc_link(path: str | None) -> str | None:
    return str(doc_id(path)) if path else None


def _relations_vi(G: nx.DiGraph, n: str) -> str:
    counts: dict[str, int] = {}
    for u in G.predecessors(n):
        rel = G.edges[u, n]["relation"]
        counts[rel] = counts.get(rel, 0) + 1
    ordered = sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    return ", ".join(f"{labels.RELATIONS.get(k, k)} {c}" for k, c in ordered)


def top_cited(G: nx.DiGraph, limit: int = 30) -> dict[str, Any]:
    rows = top(G, limit)
    for r in rows:
        r["document_id"] = _doc_link(r["in_store"])
        r["relations_label"] = _relations_vi(G, r["node"])
        # a title the label already says (Luật Đầu tư / Đầu tư) is not repeated
        r["subtitle"] = r["title"] if r.get("title") and r["title"].casefold() not in (r["label"] or "").casefold() \
            else None
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
            "stored": sum(1 for _, a in G.nodes(data=True) if a.get("in_store")), "top": rows}


def node_of_document(G: nx.DiGraph, did: int) -> str | None:
    """The node of a stored document (also when it is a second copy of one)."""
    for n, a in G.nodes(data=True):
        if a.get("document_id") == did:
            return n
    for n, a in G.nodes(data=True):
        copies = (a.get("copies") or "").split("\n")
        if any(c and doc_id(c) == did for c in copies):
            return n
    return None


def _node_info(G: nx.DiGraph, n: str) -> dict[str, Any]:
    a = G.nodes[n]
    return {"id": n, "label": a.get("label") or n, "title": a.get("title"), "in_store": bool(a.get("in_store")),
            "document_id": _doc_link(a.get("path")), "issuer": a.get("issuer"), "date": a.get("date"),
            "province": a.get("province"), "doc_type": a.get("doc_type")}


def links_of_document(G: nx.DiGraph, did: int) -> dict[str, Any]:
    """What a stored document cites and which stored documents cite it, with links."""
    n = node_of_document(G, did)
    if n is None:
        return {"node": None, "cites": [], "cited_by": []}
    out_rows = cites(G, n)
    for r in out_rows:
        r["document_id"] = _doc_link(r["in_store"])
        r["relation_label"] = labels.RELATIONS.get(r["relation"], r["relation"])
    in_rows = cited_by(G, n)
    for r in in_rows:
        r["document_id"] = _doc_link(r["document"])
        r["relation_label"] = labels.RELATIONS.get(r["relation"], r["relation"])
    return {"node": n, "cites": out_rows, "cited_by": in_rows}


# Layout: the document in the middle, those citing it on the left, those it
# cites on the right, each column in the order of the tables below it.
W, ROW, TOP, NODE_W, NODE_H = 960, 34, 40, 280, 24
MAX_SIDE = 30


def _short(s: str, n: int = 38) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def neighbourhood(G: nx.DiGraph, ref: str) -> dict[str, Any]:
    """One document's neighbourhood: the node, what it cites, what cites it, and
    a drawing (boxes and arrows) of at most MAX_SIDE neighbours each side."""
    n = resolve(G, ref)
    out_rows = cites(G, n)
    in_rows = cited_by(G, n)
    for r in out_rows:
        r["document_id"] = _doc_link(r["in_store"])
        r["relation_label"] = labels.RELATIONS.get(r["relation"], r["relation"])
    for r in in_rows:
        r["document_id"] = _doc_link(r["document"])
        r["relation_label"] = labels.RELATIONS.get(r["relation"], r["relation"])
    left, right = in_rows[:MAX_SIDE], out_rows[:MAX_SIDE]
    rows = max(len(left), len(right), 1)
    height = TOP * 2 + rows * ROW
    cx, cy = W // 2, TOP + rows * ROW // 2
    lx, rx = 10, W - NODE_W - 10
    boxes = [{"id": n, "x": cx - 130, "y": cy - NODE_H // 2, "w": 260, "label": _short(_node_info(G, n)["label"], 34),
              "full": _node_info(G, n)["label"], "center": True, "in_store": bool(G.nodes[n].get("in_store"))}]
    edges = []

    def col_y(i: int, count: int) -> int:
        return TOP + (rows - count) * ROW // 2 + i * ROW

    for i, r in enumerate(left):
        y = col_y(i, len(left))
        boxes.append({"id": r["node"], "x": lx, "y": y, "w": NODE_W, "label": _short(r["label"] or r["node"]),
                      "full": r["label"] or r["node"], "center": False, "in_store": True})
        edges.append({"x1": lx + NODE_W, "y1": y + NODE_H // 2, "x2": cx - 130, "y2": cy,
                      "relation": r["relation"], "label": r["relation_label"]})
    for i, r in enumerate(right):
        y = col_y(i, len(right))
        boxes.append({"id": r["node"], "x": rx, "y": y, "w": NODE_W, "label": _short(r["label"] or r["node"]),
                      "full": r["label"] or r["node"], "center": False, "in_store": bool(r["in_store"])})
        edges.append({"x1": cx + 130, "y1": cy, "x2": rx, "y2": y + NODE_H // 2,
                      "relation": r["relation"], "label": r["relation_label"]})
    return {"node": _node_info(G, n), "cites": out_rows, "cited_by": in_rows,
            "drawing": {"width": W, "height": height, "node_h": NODE_H, "boxes": boxes, "edges": edges,
                        "more_left": max(0, len(in_rows) - MAX_SIDE), "more_right": max(0, len(out_rows) - MAX_SIDE)}}
