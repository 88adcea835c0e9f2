"""The in-memory documents that pass between stages.

These are plain data, below every stage that uses them: a reader (pipeline)
returns a `RawDocument`; cleaning (pipeline) turns it into a `CleanText`; every
extractor component reads and writes a `Doc`. Extractors import them from here,
never from `pipeline`, so the layers point one way: schemas <- extractors <-
pipeline <- interfaces.

Like a spaCy `Doc`: one normalized text, plus the results that earlier
components produced. A component declares what it `requires` and what it
`produces`; `vanban.pipeline.extract` runs them in order and checks the contract.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from vanban.schemas.structure import Structure

if TYPE_CHECKING:  # pragma: no cover
    from vanban.schemas.models import Span


@dataclass
class PageSpan:
    """Characters [start, end) of the raw text come from page `page` (1-based)."""
    page: int
    start: int
    end: int


@dataclass
class TableSpans:
    """One table's cells, row by row, each a [start, end) span of the text the
    table belongs to (raw text on a `RawDocument`, normalized text on a
    `CleanText`). An empty cell is an empty span. `source` says where the table
    came from: bars (a converted page's `|` lines), markdown, grid (pandoc),
    docx, html or pdf.

    What a file's markup says beyond the spans (docx, html): `header` is the
    number of leading rows it marks as the table's heading (HTML <thead> or rows
    of <th> only; Word's "repeat as header row"), 0 when it marks none; `merges`
    lists each cell merged over several positions as (row, column, rows, columns)
    (Word's gridSpan / vMerge, HTML's colspan / rowspan). Such a cell's span
    stands at its first position; the other positions it covers are empty spans,
    so the k-th span of every row is column k."""
    rows: list[list[tuple[int, int]]]
    source: str = ""
    header: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class RawDocument:
    """What a reader returns: the raw text (not yet normalized) and a page map."""
    path: str
    format: str                      # txt | pdf | html | docx | doc
    text: str                        # raw text, not yet normalized
    pages: list[PageSpan] = field(default_factory=list)   # empty for unpaginated formats
    warnings: list[str] = field(default_factory=list)
    # Metadata a reader knows from structure rather than text: for web pages the
    # headline, posting date (ISO) and byline; each as a string, or absent.
    meta: dict[str, str] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)   # pages whose text came from OCR
    # Tables a reader knows from the file's structure (docx, html), in raw offsets.
    tables: list[TableSpans] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        # Pages are in text order: a binary search keeps this O(log pages) per item.
        if not self.pages:
            return None
        i = bisect_right([p.start for p in self.pages], offset) - 1
        if i >= 0 and self.pages[i].start <= offset < self.pages[i].end:
            return self.pages[i].page
        return None


@dataclass
class CleanText:
    """The normalized text every offset refers to, with its map back to the raw text."""
    text: str
    offsets: list[int]          # offsets[i] = raw index of text[i]; len(text) + 1 entries
    raw: RawDocument
    # Where the raw text broke a line that cleaning joined (the space at text[i]
    # was a newline): the structure stage needs the printed line starts.
    joined: list[int] = field(default_factory=list)
    # Tables, in offsets of `text`: from the markup cleaning removed (table bars,
    # grid tables) and from the reader's `RawDocument.tables`.
    tables: list[TableSpans] = field(default_factory=list)

    def raw_offset(self, i: int) -> int:
        return self.offsets[min(max(i, 0), len(self.offsets) - 1)]

    def page_at(self, i: int) -> int | None:
        if not self.raw.pages:
            return None
        return self.raw.page_at(self.raw_offset(i))


@dataclass
class Doc:
    clean: CleanText
    results: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Intermediate findings shared between components (e.g. every date span,
    # found once and used by citations, commemorations and dates).
    cache: dict[str, Any] = field(default_factory=dict)
    # The document's parts (header, preamble, sections, tables, signature block …),
    # recovered by the structure stage before any extractor runs.
    structure: Structure = field(default_factory=Structure)

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
        # pydantic's models are imported when first needed: readers and the CLI's
        # parent process use these classes without them
        from vanban.schemas.models import Span
        return Span(**self.span(start, end))


class Component(Protocol):
    name: str
    requires: tuple[str, ...]
    produces: str

    def __call__(self, doc: Doc) -> None: ...
