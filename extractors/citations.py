from __future__ import annotations
from schemas.models import DocumentMeta

class CitationExtractor:
    name = "citations"
    requires: tuple[str, ...] = ()
    produces = "citations"

    def __call__(self, doc) -> None:
        doc.results[self.produces] = DocumentMeta() if self.produces == "document" else []
