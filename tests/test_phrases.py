"""The table-driven phrase suite: real phrases from the dev documents (values
from the annotators' gold files, see scripts/harvest_phrases.py) and from the
extra documents (checked by hand), each run through the whole extraction."""
import re
from pathlib import Path

import pytest
import yaml

from vanban.pipeline.extract import extract_text

FIX = Path(__file__).parent / "fixtures"
ROWS = [*yaml.safe_load((FIX / "phrases.yaml").read_text(encoding="utf-8")),
        *yaml.safe_load((FIX / "phrases_extra.yaml").read_text(encoding="utf-8"))]


def _num(s: str) -> str:
    return re.sub(r"\s+", "", s.replace("Ð", "Đ")).upper()


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['kind']}-{i}" for i, r in enumerate(ROWS)])
def test_phrase(row):
    ex = extract_text(row["phrase"])
    e = row["expect"]
    kind = row["kind"]
    if kind == "date":
        assert e in [d.value for d in ex.dates]
    elif kind == "no_date":
        assert [d.value for d in ex.dates] == []
    elif kind == "citation":
        got = {_num(c.number): c for c in ex.citations if c.number}
        assert _num(e["number"]) in got, list(got)
        if e.get("date"):
            assert got[_num(e["number"])].date == e["date"]
        if e.get("doc_type"):
            assert got[_num(e["number"])].doc_type == e["doc_type"]
    elif kind == "target":
        got = [(t.value, t.unit, t.comparator) for t in ex.targets if t.status == "target"]
        assert (e["value"], e["unit"], e["comparator"]) in got
    elif kind == "no_target":
        assert [t for t in ex.targets if t.status == "target"] == []
    elif kind == "commemoration":
        assert (e["years"], e["origin_date"]) in [(m.years, m.origin_date) for m in ex.commemorations]
    elif kind == "no_signatory":
        assert ex.signatories == []
    elif kind == "signatory":
        assert e["name"] in [s.name for s in ex.signatories]
    else:
        raise AssertionError(f"unknown kind {kind}")


def test_suite_is_large_enough():
    assert len(ROWS) >= 200
