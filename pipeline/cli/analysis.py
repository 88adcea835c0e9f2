"""`vanban compare` and `vanban graph ...`: the analysis commands over a store
(see pipeline.analysis.compare and pipeline.analysis.graph). `pipeline.cli` calls `register(app)`."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from vanban.pipeline.cli.output import FORMAT_HELP, emit_dicts
from vanban.pipeline.cli.output import Format as OutFormat
from vanban.pipeline.cli.store import DB_HELP, _err

EXIT_ERROR, EXIT_BUSY = 1, 4


class Status(str, Enum):
    target = "target"
    actual = "actual"
    all = "all"


class ExportFormat(str, Enum):
    graphml = "graphml"
    csv = "csv"
    json = "json"


def _emit(rows: list[dict[str, Any]], fmt: OutFormat, table_cols: list[str] | None = None,
          max_width: int = 0) -> None:
    emit_dicts(rows, fmt, table_cols, max_width)


def _without_empty(cols: list[str], rows: list[dict[str, Any]], col: str) -> list[str]:
    """The table's columns without `col` when no row has a value there (a breakdown
    column only for an indicator that has one)."""
    return cols if any(r.get(col) for r in rows) else [c for c in cols if c != col]


def _fail(e: Exception) -> None:
    from vanban.pipeline.store import StoreBusy

    _err(str(e))
    raise typer.Exit(EXIT_BUSY if isinstance(e, StoreBusy) else EXIT_ERROR)


COMPARE_HELP = """Compare provinces' targets, indicator by indicator.

Every target in the store is mapped to the indicator taxonomy
(extractors/data/indicators.yaml and indicators/: the national statistical
indicators, governance indices such as PAR Index, PCI, PAPI and DTI, the
Vietnamese SDG indicators and national programmes' indicators) with a
confidence and the alias or rule that decided; what maps nowhere is listed as
`unmapped`. Values are also given in the base unit of their dimension (tỷ đồng
and triệu đồng in VND, triệu USD in USD, MW in W, %, ‰).

Without --indicator: every indicator with its key, official code (where a
source gives one), system, and how many provinces, documents and targets the
store has for it. With --indicator CODE (a key such as `export_turnover`, or
an official code such as `0205`): one row per province and target, with value,
unit, growth, year, comparator and the source document with the target's
offsets (`vanban text FILE` prints the text they refer to). With --provinces
as well: one row per province and year, the target against the actual a later
report states. --unmapped lists the most frequent phrasings that map to no
indicator, so the taxonomy can grow where the documents are.

The province is the one in force on the document's date; with
--merged-provinces, the province it belongs to since the 1 July 2025 merger
(a 2024 Bến Tre target is compared within Vĩnh Long). With --provinces, merged
provinces are rolled up: money and counts add up, rates are never added.
"""

_TABLE_COLS = ["province", "province_on_date", "breakdown", "value", "unit", "value_base", "unit_base", "measure", "comparator",
               "growth_pct", "year", "confidence", "indicator", "document", "char_start", "char_end"]
_SUMMARY_COLS = ["indicator_code", "official_code", "system", "name", "unit", "provinces", "documents", "targets",
                 "province_names"]
_COMPARISON_COLS = ["province", "year", "breakdown", "measure", "comparator", "target", "target_unit", "actual", "actual_unit",
                    "achieved_pct", "rollup", "target_documents", "actual_documents"]
_UNMAPPED_COLS = ["targets", "documents", "provinces", "phrasing", "units", "nearest", "nearest_confidence"]


def register(app: typer.Typer) -> None:
    @app.command(help=COMPARE_HELP)
    def compare(
        indicator: Optional[str] = typer.Option(None, "--indicator", "-i", metavar="CODE",
                                                help="An indicator code (see the list without it), or `unmapped`."),
        year: Optional[int] = typer.Option(None, "--year", "-y", help="Only targets for this year."),
        merged: bool = typer.Option(False, "--merged-provinces", help="Group by the province after the 1 July 2025 "
                                                                      "merger (63 -> 34)."),
        status: Status = typer.Option(Status.target, "--status", help="target: goals only; actual: reported "
                                                                      "results; all: both."),
        min_confidence: float = typer.Option(0.5, "--min-confidence", min=0.0, max=1.0,
                                             help="Mappings below this confidence count as unmapped."),
        fmt: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="Output format (json: an array of "
                                                                              "objects; csv and json carry every "
                                                                              "column)."),
        provinces: bool = typer.Option(False, "--provinces", help="With --indicator: one row per province and year, "
                                                                   "target against actual."),
        unmapped: bool = typer.Option(False, "--unmapped", help="The most frequent phrasings that map to no indicator."),
        limit: int = typer.Option(50, "--limit", "-n", min=0, help="With --unmapped: how many phrasings (0: all)."),
        db: Path = typer.Option(Path("vanban.duckdb"), "--db", help=DB_HELP),
    ) -> None:
        from vanban.pipeline.analysis.compare import (indicator_summary, province_comparison, target_rows,
                                                      unmapped_phrasings)
        from vanban.pipeline.store import StoreError

        try:
            if unmapped:
                rows = unmapped_phrasings(db, status=status.value, limit=limit, min_confidence=min_confidence)
                _emit(rows, fmt, _UNMAPPED_COLS, max_width=60)
            elif provinces:
                if indicator is None:
                    raise StoreError("--provinces needs --indicator CODE")
                rows = province_comparison(db, indicator, year=year, merged=merged, min_confidence=min_confidence)
                if fmt is OutFormat.table:
                    for r in rows:
                        for k in ("target_documents", "actual_documents"):
                            r[k] = ", ".join(Path(d).name for d in r[k])
                _emit(rows, fmt, _without_empty(_COMPARISON_COLS, rows, "breakdown"), max_width=50)
            elif indicator is None:
                rows = indicator_summary(db, year=year, merged=merged, status=status.value,
                                         min_confidence=min_confidence)
                _emit(rows, fmt, _SUMMARY_COLS)
            else:
                rows = target_rows(db, indicator, year=year, merged=merged, status=status.value,
                                   min_confidence=min_confidence)
                if fmt is OutFormat.table:
                    for r in rows:
                        r["document"] = Path(r["document"]).name
                cols = [c if merged or c != "province_on_date" else "province_merged"
                        for c in _without_empty(_TABLE_COLS, rows, "breakdown")]
                _emit(rows, fmt, cols, max_width=40)
        except StoreError as e:
            _fail(e)

    graph = typer.Typer(no_args_is_help=True, help=GRAPH_HELP)
    app.add_typer(graph, name="graph")

    def _load(db: Path):
        from vanban.pipeline.analysis.graph import load_graph
        from vanban.pipeline.store import StoreError

        try:
            return load_graph(db)
        except StoreError as e:
            _fail(e)

    def _emit_lookup(rows, fmt, cols, G, node: str, asked: str, looking_for: str) -> None:
        """Rows, or (when there are none) a sentence saying why instead of a bare "(0 rows)"."""
        from vanban.pipeline.analysis.graph import empty_note

        if rows or fmt is not OutFormat.table:
            _emit(rows, fmt, cols)
        if not rows:
            print(empty_note(G, node, asked, looking_for), file=sys.stderr if fmt is not OutFormat.table else sys.stdout)

    def _resolve(G, ref: str) -> str:
        from vanban.pipeline.analysis.graph import GraphError, resolve

        try:
            return resolve(G, ref)
        except GraphError as e:
            _fail(e)

    @graph.command("top")
    def graph_top(
        limit: int = typer.Option(20, "--limit", "-n", min=0, help="How many documents (0: all cited ones)."),
        fmt: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help=FORMAT_HELP),
        db: Path = typer.Option(Path("vanban.duckdb"), "--db", help=DB_HELP),
    ) -> None:
        """The most cited documents.

        How many stored documents cite each, with how many mentions and which
        relations; `in_store` is the cited document's own file when the store
        holds it."""
        from vanban.pipeline.analysis.graph import top

        _emit(top(_load(db), limit), fmt, ["rank", "node", "label", "cited_by", "mentions", "relations", "in_store"])

    @graph.command("cites")
    def graph_cites(
        doc: str = typer.Argument(..., help="A stored file (path or name), a document number (300/KH-SCT), a label as "
                                            "`graph top` prints it, or a node id."),
        fmt: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help=FORMAT_HELP),
        db: Path = typer.Option(Path("vanban.duckdb"), "--db", help=DB_HELP),
    ) -> None:
        """What DOC cites, with the relation and where in DOC."""
        from vanban.pipeline.analysis.graph import cites

        G = _load(db)
        node = _resolve(G, doc)
        _emit_lookup(cites(G, node), fmt, ["node", "label", "relation", "mentions", "in_store", "char_start",
                                           "char_end", "page"], G, node, doc, "cites")

    @graph.command("cited-by")
    def graph_cited_by(
        doc: str = typer.Argument(..., help="A document number (13/2023/NĐ-CP), a label as `graph top` prints it "
                                            "(\"Luật Thi đua, khen thưởng\"), a stored file (path or name), or a node id."),
        fmt: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help=FORMAT_HELP),
        db: Path = typer.Option(Path("vanban.duckdb"), "--db", help=DB_HELP),
    ) -> None:
        """The stored documents that cite DOC, with the relation and where."""
        from vanban.pipeline.analysis.graph import cited_by

        G = _load(db)
        node = _resolve(G, doc)
        _emit_lookup(cited_by(G, node), fmt, ["node", "label", "province", "relation", "mentions", "document",
                                              "char_start", "char_end", "page"], G, node, doc, "cited-by")

    @graph.command("path")
    def graph_path(
        a: str = typer.Argument(..., help="Where the chain starts (the citing end): a stored file, a number or a "
                                          "label."),
        b: str = typer.Argument(..., help="Where it ends (the cited end): a number, a label or a stored file."),
        undirected: bool = typer.Option(False, "--undirected", help="Follow citations either way."),
        fmt: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help=FORMAT_HELP),
        db: Path = typer.Option(Path("vanban.duckdb"), "--db", help=DB_HELP),
    ) -> None:
        """The shortest chain of citations from A to B (A cites … cites B)."""
        from vanban.pipeline.analysis.graph import GraphError, path

        G = _load(db)
        try:
            rows = path(G, _resolve(G, a), _resolve(G, b), undirected=undirected)
        except GraphError as e:
            _fail(e)
        _emit(rows, fmt, ["step", "from", "direction", "to", "relation", "document", "char_start", "char_end"])

    @graph.command("export")
    def graph_export(
        fmt: ExportFormat = typer.Option(ExportFormat.graphml, "--format", "-f",
                                         help="graphml (networkx, Gephi, yEd), csv (one row per edge) or json "
                                              "(nodes and edges)."),
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write to this file (default: stdout)."),
        db: Path = typer.Option(Path("vanban.duckdb"), "--db", help=DB_HELP),
    ) -> None:
        """Write the whole citation graph."""
        import os

        from vanban.pipeline.analysis.graph import write_export

        G = _load(db)
        if out is None:
            write_export(G, fmt.value, sys.stdout)
            return
        tmp = out.with_name(f".{out.name}.tmp")
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            write_export(G, fmt.value, f)
        os.replace(tmp, out)
        print(f"{out}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges", file=sys.stderr)


GRAPH_HELP = """The citation graph of the store: who cites whom.

Nodes are documents (stored ones and the ones they cite); the same document
cited in different forms is one node, and a local issuer's document (UBND,
HĐND, Sở …) is told apart by province. A cited document that is itself in the
store is the same node as its record (`in_store` gives its file). Edges carry
the relation the extraction found (based_on, implements, amends …).
"""
