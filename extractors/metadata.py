from __future__ import annotations
from schemas.models import DocumentMeta

class MetadataExtractor:
    name = "metadata"
    requires: tuple[str, ...] = ()
    produces = "document"

    def __call__(self, doc) -> None:
        doc.results[self.produces] = DocumentMeta() if self.produces == "document" else []
