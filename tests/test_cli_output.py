"""The one output vocabulary of the CLI: every format, whole values, headers."""
from __future__ import annotations

import csv
import io
import json

import pytest

from vanban.pipeline.cli.output import Format, emit, emit_dicts, plain_number

COLS = ["indicator", "value", "years"]
ROWS = [("Kim ngạch xuất khẩu", 1.75e9, [2024, 2025]), ("Tỷ lệ", -5.0, None)]


def _out(fmt: Format, **kw) -> str:
    buf = io.StringIO()
    emit(COLS, ROWS, fmt, out=buf, **kw)
    return buf.getvalue()


def test_numbers_are_written_plain():
    assert plain_number(1.75e9) == "1750000000"
    assert plain_number(8.44) == "8.44"
    assert plain_number(-5.0) == "-5"
    assert plain_number(0.000001) == "0.000001"


def test_table_has_a_header_rule_and_row_count():
    lines = _out(Format.table).splitlines()
    assert lines[0].split() == COLS
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert "1750000000" in lines[2] and "2024; 2025" in lines[2]
    assert lines[-1] == "(2 rows)"


def test_table_cuts_only_when_asked_and_at_a_word():
    long = _out(Format.table)
    assert "Kim ngạch xuất khẩu" in long
    cut = _out(Format.table, max_width=12)
    assert "Kim ngạch…" in cut and "Kim ngạch xu" not in cut


@pytest.mark.parametrize("fmt,delim", [(Format.csv, ","), (Format.tsv, "\t")])
def test_delimited_files_round_trip(fmt, delim):
    rows = list(csv.reader(io.StringIO(_out(fmt)), delimiter=delim))
    assert rows[0] == COLS
    assert rows[1] == ["Kim ngạch xuất khẩu", "1750000000", "[2024, 2025]"]
    assert rows[2] == ["Tỷ lệ", "-5", ""]


def test_json_and_jsonl_carry_the_same_records():
    arr = json.loads(_out(Format.json))
    lines = [json.loads(x) for x in _out(Format.jsonl).splitlines()]
    assert arr == lines and arr[0] == {"indicator": "Kim ngạch xuất khẩu", "value": 1.75e9, "years": [2024, 2025]}


def test_dicts_table_shows_chosen_columns_but_machine_formats_keep_all():
    recs = [{"a": 1, "b": 2}]
    buf = io.StringIO()
    emit_dicts(recs, Format.table, cols=["b"], out=buf)
    assert buf.getvalue().splitlines()[0] == "b"
    buf = io.StringIO()
    emit_dicts(recs, Format.json, cols=["b"], out=buf)
    assert json.loads(buf.getvalue()) == recs
