from __future__ import annotations
from schemas.models import DocumentMeta

class DateExtractor:
    name = "dates"
    requires: tuple[str, ...] = ()
    produces = "dates"

    def __call__(self, doc) -> None:
        doc.results[self.produces] = DocumentMeta() if self.produces == "document" else []
