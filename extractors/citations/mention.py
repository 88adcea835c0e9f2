"""One mention of a cited document, as found and parsed, before mentions of one
document are resolved into one citation."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Mention:
    start: int
    end: int                      # end of the whole mention (title included)
    doc_type: str
    number: str | None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None
    pin: str | None = None
    relation: str = "unknown"
    core_end: int = 0             # end of type word + number (+ date), before issuer/title
    listed_with_next: bool = False
    extra: dict = field(default_factory=dict)
