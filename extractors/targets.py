from __future__ import annotations
from schemas.models import DocumentMeta

class TargetExtractor:
    name = "targets"
    requires: tuple[str, ...] = ()
    produces = "targets"

    def __call__(self, doc) -> None:
        doc.results[self.produces] = DocumentMeta() if self.produces == "document" else []
