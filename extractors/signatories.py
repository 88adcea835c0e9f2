from __future__ import annotations
from schemas.models import DocumentMeta

class SignatoryExtractor:
    name = "signatories"
    requires: tuple[str, ...] = ()
    produces = "signatories"

    def __call__(self, doc) -> None:
        doc.results[self.produces] = DocumentMeta() if self.produces == "document" else []
