"""The table-driven phrase suite: real phrases from the dev documents (values
from the annotators' gold files, see scripts/harvest_phrases.py), from the
extra documents (checked by hand) and the error classes of issue #11 (OCR'd
letters, web pages, pandoc conversions), each run through the whole extraction.

Kinds: `date` (a value among the dates), `no_date` (no dates at all),
`not_date` (this value not among them), `citation` (an entry with this number,
and where given its date, doc_type, title, issuer and relation), `named_citation`
(an entry with this doc_type and title, numbered or not as given),
`no_citation` (no entries at all, or none with this number or title),
`citation_count` (how many entries), and the target, commemoration and
signatory kinds."""
import re
from pathlib import Path

import pytest
import yaml

from vanban.pipeline.extract import extract_text

FIX = Path(__file__).parent / "fixtures"
FILES = sorted(FIX.glob("phrases*.yaml"))
ROWS = [row for f in FILES for row in yaml.safe_load(f.read_text(encoding="utf-8"))]
_FIELDS = ("date", "doc_type", "title", "issuer", "relation")


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
    elif kind == "not_date":
        assert e not in [d.value for d in ex.dates]
    elif kind == "citation":
        got = {_num(c.number): c for c in ex.citations if c.number}
        assert _num(e["number"]) in got, list(got)
        c = got[_num(e["number"])]
        for f in _FIELDS:
            # the older rows give only the fields they check; a field named with null must be null
            if f in e and (e[f] is not None or f not in ("date", "doc_type")):
                assert getattr(c, f) == e[f], (f, getattr(c, f))
    elif kind == "named_citation":
        got = [c for c in ex.citations if c.doc_type == e["doc_type"] and c.title == e["title"]]
        assert got, [(c.doc_type, c.title) for c in ex.citations]
        if "number" in e:
            assert [c.number for c in got] == [e["number"]]
    elif kind == "no_citation":
        if e is None:
            assert ex.citations == [], [(c.doc_type, c.number, c.title) for c in ex.citations]
        elif "number" in e:
            assert _num(e["number"]) not in [_num(c.number) for c in ex.citations if c.number]
        else:
            assert e["title"] not in [c.title for c in ex.citations]
    elif kind == "citation_count":
        assert len(ex.citations) == e, [(c.doc_type, c.number, c.title) for c in ex.citations]
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
