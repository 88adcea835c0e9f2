from __future__ import annotations
from schemas.models import DocumentMeta

class CommemorationExtractor:
    name = "commemorations"
    requires: tuple[str, ...] = ()
    produces = "commemorations"

    def __call__(self, doc) -> None:
        doc.results[self.produces] = DocumentMeta() if self.produces == "document" else []
