"""The spaCy component: `nlp.add_pipe("vanban")` on a blank Vietnamese pipeline
(registered by the package's `spacy_factories` entry point) fills one span group
per kind with every item, overlaps kept, and `doc._.vanban` with the typed
extraction; spans sit on `doc.text` even when cleaning changed its length."""
from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from vanban.pipeline.clean import clean_text
from vanban.pipeline.explain import KINDS
from vanban.pipeline.extract import extract_text
from vanban.schemas.models import Extraction

ROOT = Path(__file__).resolve().parent.parent
SEED1 = (ROOT / "corpus" / "samples" / "seed_001.txt").read_text(encoding="utf-8")
GROUPS = [a for a, _ in KINDS] + ["document"]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("vi")                # spaCy's own Vietnamese tokenizer (pyvi word segmentation)
    nlp.add_pipe("vanban")
    return nlp


def squash(s: str) -> str:
    """What a span and an item must share: the text with cleaning's changes undone."""
    return "".join(clean_text(unicodedata.normalize("NFC", s)).split())


def hostile(text: str) -> str:
    """The same document as some sources deliver it: decomposed accents (NFD),
    soft hyphens, no-break spaces and doubled spaces. Cleaning changes its length."""
    t = unicodedata.normalize("NFD", text).replace(" năm ", " năm\u00a0 ").replace("Kế hoạch", "Kế\u00ad hoạch")
    assert len(clean_text(t)) != len(t)
    return t


def test_the_entry_point_registers_the_factory_without_an_import():
    code = ("import spacy; nlp = spacy.blank('vi'); nlp.add_pipe('vanban'); "
            "d = nlp('Căn cứ Kế hoạch số 300/KH-SCT ngày 06/02/2024 của Sở Công Thương.'); "
            "print(len(d.spans['citations']), len(d.spans['dates']), type(d._.vanban).__name__)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "tests")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1", "1", "Extraction"]


@pytest.mark.parametrize("make", [lambda t: t, hostile], ids=["as-is", "nfd-soft-hyphens"])
def test_every_item_becomes_a_span_on_the_docs_own_text(nlp, make):
    text = make(SEED1)
    doc = nlp(text)
    ex = doc._.vanban
    assert isinstance(ex, Extraction)
    assert ex.model_dump(exclude={"source"}) == extract_text(text).model_dump(exclude={"source"})
    assert set(doc.spans) == set(GROUPS)
    overlaps = 0
    for attr, label in KINDS:
        items, spans = getattr(ex, attr), doc.spans[attr]
        assert len(spans) == len(items)
        for i, (it, sp) in enumerate(zip(items, spans)):
            assert sp.label_ == label and sp.id == i and sp._.vanban == it
            assert squash(it.text) in squash(sp.text)
    for field, sp in zip(ex.document.spans, doc.spans["document"]):
        assert sp.label_ == field.upper() and sp._.vanban == getattr(ex.document, field)
        assert squash(ex.document.spans[field].text) in squash(sp.text)
    spans = sorted((s.start_char, s.end_char) for g in GROUPS for s in doc.spans[g])
    overlaps = sum(1 for (a, b), (c, _) in zip(spans, spans[1:]) if c < b)
    assert overlaps > 0                          # nested items (a date inside a citation) are all kept


def test_spans_align_to_tokens_of_any_tokenizer():
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})   # whitespace tokens
    nlp.add_pipe("vanban")
    doc = nlp("Thực hiện Kế hoạch số 300/KH-SCT, (ngày 06/02/2024) của Sở Công Thương.")
    (cit,), (date,) = doc.spans["citations"], doc.spans["dates"]
    assert "300/KH-SCT" in cit.text and cit._.vanban.number == "300/KH-SCT"
    assert date.text == "06/02/2024)" and date._.vanban.value == "2024-02-06"    # expanded to its token


def test_docs_serialize_and_run_in_several_processes(nlp):
    doc = nlp(SEED1)
    db = DocBin(store_user_data=True)
    db.add(doc)
    back = list(DocBin().from_bytes(db.to_bytes()).get_docs(nlp.vocab))[0]
    assert back._.vanban == doc._.vanban
    assert [s.text for s in back.spans["targets"]] == [s.text for s in doc.spans["targets"]]
    texts = [SEED1, "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022."]
    docs = list(nlp.pipe(texts, n_process=2))
    assert [len(d.spans["dates"]) for d in docs] == [len(extract_text(t).dates) for t in texts]
