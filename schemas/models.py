"""Pydantic models for everything `vanban extract` emits (see SPEC.md).

Every extracted item carries `text`, `start`, `end` (character offsets into the
normalized text that `vanban text FILE` prints) and `page` (1-based, for
paginated sources), so a user can always see where a value came from.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocType = Literal[
    "plan", "directive", "decision", "resolution", "notice", "official_letter", "report",
    "program", "guidance", "law", "decree", "circular", "telegram", "submission",
    "conclusion", "invitation", "news_article", "other",
]
DateRole = Literal[
    "issue", "published", "citation", "event", "period_start", "period_end", "deadline",
    "origin", "anniversary", "other",
]
Comparator = Literal[">=", ">", "<", "<=", "="]
Relation = Literal[
    "based_on", "implements", "amends", "supplements", "replaces", "repeals", "guides",
    "refers_to", "unknown",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """Where a value sits in the normalized text."""
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int | None = None


class Item(Span):
    rule: str | None = Field(None, description="Name of the rule that produced the item (for `vanban explain`).")


class Source(_Model):
    path: str
    sha256: str
    format: Literal["txt", "pdf", "html", "docx", "doc"]
    size: int | None = None
    pages: int | None = None
    ocr_pages: list[int] = Field(default_factory=list)


class DocumentMeta(_Model):
    doc_type: DocType = "other"
    number: str | None = None
    issuer: str | None = None
    province: str | None = None
    issue_place: str | None = None
    issue_date: str | None = None
    published_date: str | None = None
    title: str | None = None
    author: str | None = None
    # Where each field was read: {"number": Span, ...}
    spans: dict[str, Span] = Field(default_factory=dict)


class Citation(Item):
    doc_type: str
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None
    relation: Relation = "unknown"
    pin: str | None = Field(None, description="Điều/khoản/điểm pin cite, as printed")
    key: str = Field(description="Canonical key: type, number, issuer and year (numbers restart yearly).")
    mentions: list[Span] = Field(default_factory=list, description="Every mention, the first included.")


class DateMention(Item):
    value: str
    role: DateRole = "other"


class Commemoration(Item):
    years: int | None = None
    event: str
    origin_date: str | None = None
    date: str | None = None
    consistent: bool | None = Field(None, description="False when the count disagrees with the two dates.")


class Target(Item):
    indicator: str
    value: float
    unit: str
    comparator: Comparator = "="
    growth_pct: float | None = None
    baseline: str | None = None
    year: int | None = None
    status: Literal["target", "actual"] = "target"


class Signatory(Item):
    name: str
    title: str | None = None
    organization: str | None = None
    on_behalf: str | None = None


class Extraction(_Model):
    """One document's result: the object `vanban extract --json` prints per file."""
    source: Source
    document: DocumentMeta
    citations: list[Citation] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    commemorations: list[Commemoration] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    signatories: list[Signatory] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    extractor_version: str
