"""The object every extractor component reads from and writes to.

Like a spaCy `Doc`: one normalized text, plus the results that earlier
components produced. A component declares what it `requires` and what it
`produces`; `pipeline.extract` runs them in order and checks the contract.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pipeline.clean import CleanText
from schemas.models import Span


@dataclass
class Doc:
    clean: CleanText
    results: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Intermediate findings shared between components (e.g. every date span,
    # found once and used by citations, commemorations and dates).
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.clean.text

    @property
    def format(self) -> str:
        return self.clean.raw.format

    @property
    def meta(self) -> dict[str, str]:
        """What the reader knew from structure (web page headline, date, byline)."""
        return self.clean.raw.meta

    def span(self, start: int, end: int) -> dict:
        """Offsets, exact text and page of [start, end): the fields every item carries."""
        return {"text": self.text[start:end], "start": start, "end": end, "page": self.clean.page_at(start)}

    def span_model(self, start: int, end: int) -> Span:
        return Span(**self.span(start, end))


class Component(Protocol):
    name: str
    requires: tuple[str, ...]
    produces: str

    def __call__(self, doc: Doc) -> None: ...
