"""vanban as a spaCy pipeline component.

    import spacy
    nlp = spacy.blank("vi")          # spaCy's Vietnamese tokenizer needs pyvi: pip install vanban[spacy-vi]
    nlp.add_pipe("vanban")
    doc = nlp(text)
    doc.spans["citations"]           # one SpanGroup per kind, every item, overlaps kept
    doc._.vanban                     # the typed Extraction (vanban.schemas.models)
    doc.spans["dates"][0]._.vanban   # the item behind a span

The factory is registered through the `spacy_factories` entry point, so no
import is needed. The component runs the whole extraction (clean, then every
extractor) on `doc.text`. Items' offsets are into the cleaned text; the
cleaning's offset map (`CleanText.offsets`) places them back on `doc.text`,
and `Doc.char_span(..., alignment_mode="expand")` snaps them to the tokens
whatever the tokenizer, so a span may take in the rest of a token the item
starts or ends inside. `span.start_char`/`end_char` are offsets into
`doc.text`; `doc._.vanban`'s offsets stay those of `vanban text`, the
normalized text.

Groups (`doc.spans[...]`), each span's label, and `span.id` = the item's index:
  citations (CITATION), dates (DATE), commemorations (COMMEMORATION),
  targets (TARGET), signatories (SIGNATORY), and document: where each document
  field was read, labelled with the field's name (NUMBER, ISSUE_DATE, TITLE …).

The extraction is kept in `doc.user_data` as plain JSON data, so a Doc still
serializes (`Doc.to_bytes`, `DocBin(store_user_data=True)`) and
`nlp.pipe(..., n_process=2)` works; `doc._.vanban` rebuilds the typed object.

This module is imported by spaCy whenever a pipeline is made, so it imports
nothing heavy at the top: the extractors load when the component is created.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

KEY = "vanban"                        # the extension's name and the user_data key
_DATA = ("vanban", "extraction")      # where the JSON data of the extraction is kept in doc.user_data

# A few rebuilt Extractions, so that reading span._.vanban for every span does
# not re-validate the whole extraction each time. Each entry keeps its data
# object alive, so an id is never reused while it is cached.
_CACHE: "OrderedDict[int, tuple[dict, Any]]" = OrderedDict()
_CACHE_SIZE = 32


def _extraction(doc: Doc):
    data = doc.user_data.get(_DATA)
    if data is None:
        return None
    hit = _CACHE.get(id(data))
    if hit is not None and hit[0] is data:
        _CACHE.move_to_end(id(data))
        return hit[1]
    from vanban.schemas.models import Extraction

    ex = Extraction.model_validate(data)
    _CACHE[id(data)] = (data, ex)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return ex


def _item(span: Span):
    """The item a span of one of the component's groups stands for (document
    fields: the field's value); None for any other span."""
    ex = _extraction(span.doc)
    if ex is None:
        return None
    from vanban.pipeline.explain import KINDS

    attr = {label: a for a, label in KINDS}.get(span.label_)
    if attr is not None:
        items = getattr(ex, attr)
        return items[span.id] if 0 <= span.id < len(items) else None
    field = span.label_.lower()
    if field in ex.document.spans:
        return getattr(ex.document, field, None)
    return None


def _register_extensions() -> None:
    if not Doc.has_extension(KEY):
        Doc.set_extension(KEY, getter=_extraction)
    if not Span.has_extension(KEY):
        Span.set_extension(KEY, getter=_item)


def _to_doc_text(offsets: list[int], text: str, start: int, end: int) -> tuple[int, int]:
    """An item's [start, end) in the cleaned text as offsets into the text the
    cleaning read: the characters it was made from, without the spaces or
    dropped characters that follow it."""
    a = offsets[start]
    b = offsets[end] if end < len(offsets) else len(text)
    b = max(b, a + 1 if end > start else a)
    while b > a + 1 and text[b - 1].isspace():
        b -= 1
    return a, min(b, len(text))


class VanbanComponent:
    """Fills `doc.spans` (one group per kind) and `doc._.vanban`."""

    def __init__(self, nlp: Language, name: str = "vanban", spans_prefix: str = ""):
        self.name = name
        self.prefix = spans_prefix
        _register_extensions()
        from vanban.pipeline.extract import components

        components()                  # load the rule data now, not on the first document

    def __call__(self, doc: Doc) -> Doc:
        from vanban.pipeline.explain import DOCUMENT, KINDS, marked_items
        from vanban.pipeline.extract import extract_clean

        ex, ct = extract_clean(doc.text, path="<spacy>")
        groups: dict[str, list[Span]] = {self.prefix + g: [] for g in [a for a, _ in KINDS] + [DOCUMENT]}
        for m in marked_items(ex):
            a, b = _to_doc_text(ct.offsets, doc.text, m.start, m.end)
            span = doc.char_span(a, b, label=m.label, alignment_mode="expand", span_id=m.index)
            if span is None:          # only when [a, b) holds no token at all (whitespace)
                span = _span_at(doc, a, b, m.label, m.index)
            groups[self.prefix + m.group].append(span)
        for g, spans in groups.items():
            doc.spans[g] = spans
        doc.user_data[_DATA] = ex.model_dump(mode="json")
        return doc


def _span_at(doc: Doc, a: int, b: int, label: str, index: int) -> Span:
    """The token at or after `a` (a last resort: char_span found no token)."""
    i = next((t.i for t in doc if t.idx + len(t) > a), len(doc) - 1)
    return Span(doc, max(i, 0), max(i, 0) + 1 if len(doc) else 0, label=label, span_id=index)


@Language.factory("vanban", default_config={"spans_prefix": ""})
def make_vanban(nlp: Language, name: str, spans_prefix: str) -> VanbanComponent:
    """The `vanban` component. `spans_prefix` names the span groups
    (`doc.spans[prefix + "citations"]` …) when another component uses the same names."""
    return VanbanComponent(nlp, name, spans_prefix)
