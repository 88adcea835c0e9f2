"""One output vocabulary for every command that prints rows (as sqlite-utils does).

`--format/-f` takes `table` (aligned columns with a header, for people), `json`
(one array of objects), `jsonl` (one object per line, for pipes), `csv` and
`tsv` (a header row, then one row per record). Values are written whole:
numbers in plain notation (1750000000, not 1.75e+09), lists joined with "; " in
a table and as JSON arrays in csv/tsv,
dates in ISO form. A table cuts a cell only when `max_width` asks it to, and
then at a word boundary, marked with "…".
"""
from __future__ import annotations

import csv
import datetime as _dt
import decimal
import json
import math
import sys
import uuid
from enum import Enum
from typing import IO, Any, Iterable, Sequence


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


FORMAT_HELP = "Output format: table, json (an array), jsonl (one object per line), csv or tsv."


def jsonable(v: Any) -> Any:
    """`default=` for json.dump: the types DuckDB returns that JSON lacks."""
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, (bytes, bytearray)):
        return v.hex()
    if isinstance(v, _dt.timedelta):
        return v.total_seconds()
    return str(v)


def plain_number(v: float) -> str:
    """A float as a person writes it: no exponent, no trailing zeros (1.75e+09 -> 1750000000)."""
    if math.isnan(v) or math.isinf(v):
        return str(v)
    if v == int(v) and abs(v) < 1e18:
        return str(int(v))
    s = f"{v:.6f}".rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"


def cell(v: Any, null: str = "") -> str:
    """One value as text, for tables and delimited files."""
    if v is None:
        return null
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return plain_number(v)
    if isinstance(v, decimal.Decimal):
        return plain_number(float(v))
    if isinstance(v, (list, tuple)):
        return "; ".join(cell(x, null) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, default=jsonable)
    if isinstance(v, _dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    return str(v)


def _cut(s: str, width: int) -> str:
    s = " ".join(s.split())
    if not width or len(s) <= width:
        return s
    head = s[:width - 1]
    if " " in head[width // 2:]:           # end on a whole word when one is near
        head = head[:head.rindex(" ")]
    return head.rstrip() + "…"


def print_table(cols: Sequence[str], rows: Iterable[Sequence[Any]], max_width: int = 0,
                out: IO[str] | None = None, null: str = "") -> int:
    """Aligned columns under a header line; returns the number of rows."""
    out = out or sys.stdout
    cells = [[_cut(cell(v, null), max_width) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]

    def line(vals: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()

    if cols:
        out.write(line(list(cols)) + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        out.write(line(r) + "\n")
    out.write(f"({len(cells)} row{'s' if len(cells) != 1 else ''})\n")
    return len(cells)


def emit(cols: Sequence[str], rows: Iterable[Sequence[Any]], fmt: Format = Format.table,
         max_width: int = 0, out: IO[str] | None = None) -> None:
    """Write rows (tuples in `cols` order) in one of the formats."""
    out = out or sys.stdout
    cols = list(cols)
    if fmt is Format.json:
        json.dump([dict(zip(cols, r)) for r in rows], out, ensure_ascii=False, default=jsonable)
        out.write("\n")
    elif fmt is Format.jsonl:
        for r in rows:
            out.write(json.dumps(dict(zip(cols, r)), ensure_ascii=False, default=jsonable) + "\n")
    elif fmt in (Format.csv, Format.tsv):
        w = csv.writer(out, lineterminator="\n", delimiter="," if fmt is Format.csv else "\t")
        w.writerow(cols)
        for r in rows:
            # lists stay parseable in a delimited file: a JSON array, as DuckDB prints them
            w.writerow([json.dumps(v, ensure_ascii=False, default=jsonable) if isinstance(v, (list, tuple))
                        else cell(v) for v in r])
    else:
        print_table(cols, rows, max_width, out, null="")


def emit_dicts(records: Sequence[dict[str, Any]], fmt: Format = Format.table,
               cols: Sequence[str] | None = None, max_width: int = 0, out: IO[str] | None = None) -> None:
    """Write dicts; a table shows `cols` (default: every key of the first record)."""
    shown = list(cols or (records[0].keys() if records else []))
    if fmt is Format.table:
        emit(shown, [tuple(r.get(c) for c in shown) for r in records], fmt, max_width, out)
    else:
        keys = list(records[0].keys()) if records else shown
        emit(keys, [tuple(r.get(c) for c in keys) for r in records], fmt, max_width, out)
