"""The store's tables and columns, its errors, and the ids every row keys on."""
from __future__ import annotations

import datetime as _dt
import hashlib
from pathlib import Path



ITEM_TABLES = ("citations", "citation_mentions", "dates", "commemorations", "targets", "signatories")
# Every table a current store holds, in a sensible reading order.
TABLES = ("documents", "citations", "citation_mentions", "cited_documents", "dates", "commemorations",
          "targets", "signatories", "failures", "runs", "migrations")
# The key each table is ordered by in exports and comparisons.
ORDER_BY = {
    "documents": "path", "citations": "document_id, seq", "citation_mentions": "document_id, citation_seq, seq",
    "cited_documents": "key", "dates": "document_id, seq", "commemorations": "document_id, seq",
    "targets": "document_id, seq", "signatories": "document_id, seq", "failures": "path", "runs": "id",
    "migrations": "id",
}
_SPAN = ("text", "char_start", "char_end", "page")
_ITEM = ("document_id", "seq") + _SPAN + ("rule",)
_COLUMNS = {
    "documents": ("id", "path", "sha256", "format", "size", "mtime_ns", "pages", "ocr_pages", "doc_type", "number",
                  "issuer", "province", "issue_place", "issue_date", "published_date", "title", "author",
                  "meta_spans", "warnings", "extractor_version", "ingested_at", "run_id"),
    "citations": _ITEM + ("doc_type", "number", "date", "issuer", "title", "relation", "pin", "key"),
    "citation_mentions": ("document_id", "citation_seq", "seq") + _SPAN,
    "dates": _ITEM + ("value", "role"),
    "commemorations": _ITEM + ("years", "event", "origin_date", "date", "consistent"),
    "targets": _ITEM + ("indicator", "value", "unit", "comparator", "growth_pct", "baseline", "year", "status"),
    "signatories": _ITEM + ("name", "title", "organization", "on_behalf"),
}
_META_FIELDS = ("doc_type", "number", "issuer", "province", "issue_place", "issue_date", "published_date",
                "title", "author")
_ROWS_PER_INSERT = 400


class StoreError(Exception):
    """A store that cannot be opened or used; the message says why and what to do."""


class StoreBusy(StoreError):
    """The store is locked by another process."""


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def doc_id(path: str) -> int:
    """The id of the document stored for `path`: a signed 64-bit hash of the path,
    stable across runs and executors."""
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:8], "big", signed=True)


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
