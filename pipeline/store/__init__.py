"""The DuckDB store: one file holding every extracted document.

Library entry points:

* `Store(path)` opens (creating and migrating) a store for writing;
  `Store(path, read_only=True)` opens it for reading only.
* `Store.write_extraction(ex, ...)` stores one `Extraction` in one transaction:
  the document and all its items are stored whole or not at all, replacing
  whatever the same path held before, and clearing its failure row.
* `Store.record_failure(...)` records why a file could not be stored.
* `Store.start_run` / `finish_run`, `Store.status()`, `Store.load_extraction()`.
* `query(db, sql)` runs one read-only query; `export(db, dir, fmt)` writes every table.
* `IngestLock` is the per-store lock that keeps two ingests apart.

The schema is a list of named migrations (`schemas/migrations/NNNN_name.sql`),
applied in order and recorded in the `migrations` table, so a store made by an
older version is upgraded in place when opened for writing.
"""
# The store is a package of small modules (tables, migrations, connection, lock,
# writer, query); this is its one public face, so callers import from here.
from vanban.pipeline.store.tables import (ITEM_TABLES, ORDER_BY, TABLES, StoreBusy, StoreError, doc_id,
                                          sha256_file, utcnow)
from vanban.pipeline.store.migrations import (Migration, applied_migrations, migrate, migrations,
                                              pending_migrations)
from vanban.pipeline.store.connection import (Connection, StoreDamaged, check_file, check_schema_of, connect,
                                              readers_path, set_read_wait, store_error)
from vanban.pipeline.store.lock import IngestLock, ingest_holder, lock_path
from vanban.pipeline.store.writer import Known, Store
from vanban.pipeline.store.query import (SQL_MAX_ROWS, SQL_MEMORY, SQL_TIMEOUT, QueryResult, check_read_only,
                                         export, open_query, own_tables, query, quote_ident)

__all__ = [
    "ITEM_TABLES", "ORDER_BY", "TABLES", "StoreBusy", "StoreError", "doc_id", "sha256_file", "utcnow",
    "Migration", "applied_migrations", "migrate", "migrations", "pending_migrations",
    "Connection", "StoreDamaged", "check_file", "check_schema_of", "connect", "readers_path", "set_read_wait",
    "store_error", "IngestLock", "ingest_holder", "lock_path", "Known", "Store",
    "SQL_MAX_ROWS", "SQL_MEMORY", "SQL_TIMEOUT", "QueryResult", "check_read_only", "export", "open_query",
    "own_tables", "query", "quote_ident",
]
