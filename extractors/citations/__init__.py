"""Citations: the documents a document cites, one entry per distinct document.

Stages, as eyecite splits them:
- find: every mention — a type word (`Nghị định`, `Quyết định` …, from
  `data/doc_types.yaml`) with a symbol, a date or a proper title; a bare symbol
  (`số 187/2025/NĐ-CP` in a list); short re-mentions (`Quyết định 2270`).
- parse: each mention's date, issuer (`của …`), title (`về …`), pin cite
  (`Điều 51 …`), and the relation from the verb before it (`data/relations.yaml`).
- resolve: mentions of one document become one entry, keyed by number (or by
  type and title); lists share their trailing date, issuer and title; short
  forms join the full mention; the document's own number is never a citation.
"""
# The extractor is a package (doc_types, patterns, laws, numbers, titles, mention,
# keys, parse, find, resolve: the stages above and what they share); these names
# are its public face, and what tests and the citation graph reach for.
from __future__ import annotations

import re

from vanban.extractors.symbols import issuer_code, normalize_symbol, type_code
from vanban.extractors.citations.doc_types import _word_for_code
from vanban.extractors.citations.find import find_mentions
from vanban.extractors.citations.keys import _canon_number, citation_key, mention_key
from vanban.extractors.citations.mention import Mention
from vanban.extractors.citations.numbers import _plausible_bare, repair_number
from vanban.extractors.citations.resolve import resolve
from vanban.extractors.citations.titles import fix_title
from vanban.schemas.document import Doc

__all__ = ["CitationExtractor", "Mention", "citation_key", "fix_title", "repair_number", "_plausible_bare"]


class CitationExtractor:
    name = "citations"
    requires: tuple[str, ...] = ("document",)
    produces = "citations"

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        own = doc.results["document"].number
        own_norm = normalize_symbol(own) if own else None
        own_canon = _canon_number(own) if own else None
        mentions = find_mentions(text)
        mentions = [m for m in mentions if not (own_norm and m.number and _canon_number(m.number) == own_canon)]
        # "Nghị quyết số 13 được ban hành" in Nghị quyết 13-NQ/TW itself
        own_lead = re.match(r"\d+[a-z]?", own_norm or "")
        own_type = (doc.results["document"].doc_type or "")
        if own_lead:
            mentions = [m for m in mentions if not (
                m.extra.get("short") and m.extra["short"].lstrip("0") == own_lead.group().lstrip("0")
                and _word_for_code(own_norm).casefold() == m.doc_type.casefold())]
        # A web page's headline above the document's own header names the
        # document itself, sometimes misprinted (05/2025/TT-BCT for 05/2026/TT-BCT).
        own_span = doc.results["document"].spans.get("number")
        if own_norm and own_span:
            mentions = [m for m in mentions if not (
                m.number and m.start < own_span.start and type_code(m.number) == type_code(own_norm)
                and issuer_code(m.number) == issuer_code(own_norm))]
        doc.results["citations"] = resolve(doc, mentions)
        doc.cache["citation_spans"] = [(m.start, m.end) for m in mentions]

    # the key of a mention (the citation graph keys a citing document this way)
    _key = staticmethod(mention_key)
