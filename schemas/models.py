"""Pydantic models for everything `vanban extract` emits.

The contract these models implement, what every field means and the rules the
annotated documents follow, is docs/SPEC.md. `vanban schema` prints their JSON
Schema, with the descriptions given here.

Every extracted item carries `text`, `start`, `end` (character offsets into the
normalized text that `vanban text FILE` prints) and `page` (1-based, for
paginated sources), so a user can always see where a value came from.
Dates are ISO 8601 and may be partial (`2024-03-18`, `2024-03`, `2024`).
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
    """Where a value sits in the normalized text: `text == normalized[start:end]`."""
    text: str = Field(description="The characters the value was read from, as they stand in the normalized text.")
    start: int = Field(ge=0, description="Offset of the first character in the normalized text (`vanban text FILE`).")
    end: int = Field(ge=0, description="Offset just after the last character.")
    page: int | None = Field(None, description="1-based page the value is on, for PDFs; null for unpaginated formats.")


class Item(Span):
    """An extracted item: where it stands, and the rule that found it."""
    rule: str | None = Field(None, description="Name of the rule that produced the item (for `vanban explain`).")


class Source(_Model):
    """The file an extraction was made from."""
    path: str = Field(description="The path given (or the name given with bytes).")
    sha256: str = Field(description="SHA-256 of the file's bytes (of the UTF-8 text for a string).")
    format: Literal["txt", "pdf", "html", "docx", "doc"] = Field(
        description="The format read from the bytes, whatever the extension says.")
    size: int | None = Field(None, description="Size in bytes; null for a string.")
    pages: int | None = Field(None, description="Number of pages, for PDFs.")
    ocr_pages: list[int] = Field(default_factory=list, description="Pages whose text came from OCR (scanned pages).")


class DocumentMeta(_Model):
    """The document itself: its type, number, issuer, place and date, subject."""
    doc_type: DocType = Field("other", description="The kind of document (Kế hoạch -> plan, Chỉ thị -> directive, "
                                                   "a web article -> news_article ...).")
    number: str | None = Field(None, description="The document's own symbol as printed after `Số:` (`300/KH-SCT`); "
                                                 "`/KH-SCT` when the number is left blank. Never one of its citations.")
    issuer: str | None = Field(None, description="The body that issues it, in full.")
    province: str | None = Field(None, description="The province or centrally-run city it belongs to, under the name "
                                                   "in force on its date; null for central bodies.")
    issue_place: str | None = Field(None, description="The place of the place-date line (`Hà Tĩnh, ngày ...`).")
    issue_date: str | None = Field(None, description="The date of the place-date line (ISO, may be partial).")
    published_date: str | None = Field(None, description="For web articles: the date the page says it was posted.")
    title: str | None = Field(None, description="The subject line (trích yếu), or an article's headline.")
    author: str | None = Field(None, description="For articles: the byline or `Nguồn:` line as written.")
    # Where each field was read: {"number": Span, ...}
    spans: dict[str, Span] = Field(default_factory=dict, description="Where each field was read, by field name.")


class Citation(Item):
    """A document the document cites: one entry per distinct document, its first
    mention's place, and every mention in `mentions`."""
    doc_type: str = Field(description="The type word as written (`Chỉ thị`, `Chỉ thị liên tịch`, `Luật`).")
    number: str | None = Field(None, description="The symbol as printed, whitespace removed (`02/CT-BCT`, `34-CT/TW`); "
                                                 "null when none is given.")
    date: str | None = Field(None, description="The cited document's date (ISO, may be partial).")
    issuer: str | None = Field(None, description="Who issued it, as given (`Bộ Công Thương`, `HĐND tỉnh`).")
    title: str | None = Field(None, description="The `về ...` part, or a law's name (`Thi đua, khen thưởng`).")
    relation: Relation = Field("unknown", description="How the document stands to it: based_on (Căn cứ), implements "
                                                      "(Thực hiện), amends, supplements, replaces, repeals, guides, "
                                                      "refers_to, or unknown.")
    pin: str | None = Field(None, description="Điều/khoản/điểm pin cite, as printed")
    key: str = Field(description="Canonical key: type, number, issuer and year (numbers restart yearly).")
    mentions: list[Span] = Field(default_factory=list, description="Every mention, the first included.")


class DateMention(Item):
    """A calendar date mentioned (at least a day and a month, or a month and a
    year); a date written twice is two mentions."""
    value: str = Field(description="ISO 8601, may be partial (`2024-03-18`, `2024-03`).")
    role: DateRole = Field("other", description="What the date is for: issue, published, citation (inside a "
                                                "citation), event, period_start, period_end, deadline, origin and "
                                                "anniversary (a commemoration's two ends), or other.")


class Commemoration(Item):
    """An anniversary or commemorative day the document marks (one entry per
    distinct commemoration)."""
    years: int | None = Field(None, description="The anniversary's count when stated (`49` in `49 năm ...`).")
    event: str = Field(description="The event's name, without the count.")
    origin_date: str | None = Field(None, description="The date of the original event (ISO, may be partial).")
    date: str | None = Field(None, description="The anniversary's date (ISO, may be partial).")
    consistent: bool | None = Field(None, description="False when the count disagrees with the two dates.")


class Target(Item):
    """A numeric goal the document sets (or, with status `actual`, a result it reports)."""
    indicator: str = Field(description="What is measured, as the text names it (`Kim ngạch xuất khẩu`).")
    value: float = Field(description="The level, as a number (`1.750` -> 1750, `8,44` -> 8.44); for a target that "
                                     "only states a growth rate, the rate.")
    unit: str = Field(description="The unit as written (`triệu USD`, `%`, `tập thể`, `MW`).")
    comparator: Comparator = Field("=", description=">= (ít nhất, tối thiểu, trở lên), > (trên, hơn), < (dưới), "
                                                    "<= (tối đa, không quá), = otherwise.")
    growth_pct: float | None = Field(None, description="The stated growth in percent (negative for a fall).")
    baseline: str | None = Field(None, description="What the growth is compared with (`ước thực hiện năm 2023`).")
    year: int | None = Field(None, description="The year the target is due, when it can be told.")
    status: Literal["target", "actual"] = Field("target", description="`target` for goals, `actual` for results the "
                                                                      "text reports as achieved.")


class Signatory(Item):
    """Who signs: the signer of an official document's signature block, or the
    people an article reports signing an agreement."""
    name: str = Field(description="The person's name.")
    title: str | None = Field(None, description="The title as printed (`Giám đốc`, `Phó Chủ tịch`).")
    organization: str | None = Field(None, description="The body they sign for.")
    on_behalf: str | None = Field(None, description="The authority lines above the title (TM., KT., TL., TUQ., Q.), "
                                                    "joined with ` / `.")


class Extraction(_Model):
    """One document's result: the object `vanban extract --json` prints per file."""
    source: Source = Field(description="The file it was made from.")
    document: DocumentMeta = Field(description="The document's own fields.")
    citations: list[Citation] = Field(default_factory=list, description="The documents it cites.")
    dates: list[DateMention] = Field(default_factory=list, description="Every calendar date mentioned, in text order.")
    commemorations: list[Commemoration] = Field(default_factory=list, description="Anniversaries it marks.")
    targets: list[Target] = Field(default_factory=list, description="Numeric goals (and reported results).")
    signatories: list[Signatory] = Field(default_factory=list, description="Who signs.")
    warnings: list[str] = Field(default_factory=list, description="What the reader or an extractor noticed "
                                                                  "(converted fonts, OCR pages, a wrong extension ...).")
    extractor_version: str = Field(description="The package version plus a digest of the code and rule data that "
                                               "decide what is extracted.")
