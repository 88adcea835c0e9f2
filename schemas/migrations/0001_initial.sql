-- 0001_initial: documents, one table per item kind, failures, runs.
--
-- Conventions (the whole store):
--   * documents.id is derived from the file's absolute path (64-bit hash), so a
--     document keeps its id when it is re-extracted, and a store built by a
--     local pool equals one built on Dask.
--   * Item tables are keyed by (document_id, seq); seq is the item's position
--     in the Extraction's list.
--   * Span offsets are char_start / char_end (the model's start / end: END is
--     an SQL keyword), page is 1-based or NULL.
--   * Every *_at timestamp is UTC.

CREATE TABLE documents (
    id                BIGINT PRIMARY KEY,
    path              VARCHAR NOT NULL,     -- absolute path as ingested
    sha256            VARCHAR NOT NULL,
    format            VARCHAR NOT NULL,     -- txt | pdf | html | docx | doc
    size              BIGINT,
    mtime_ns          BIGINT,               -- st_mtime_ns when ingested
    pages             INTEGER,
    ocr_pages         INTEGER[],
    -- DocumentMeta
    doc_type          VARCHAR NOT NULL,
    number            VARCHAR,
    issuer            VARCHAR,
    province          VARCHAR,
    issue_place       VARCHAR,
    issue_date        VARCHAR,              -- ISO 8601, possibly partial
    published_date    VARCHAR,
    title             VARCHAR,
    author            VARCHAR,
    meta_spans        VARCHAR,              -- JSON: {"number": {text,start,end,page}, ...}
    warnings          VARCHAR[],
    extractor_version VARCHAR NOT NULL,
    ingested_at       TIMESTAMP NOT NULL,
    run_id            BIGINT
);

CREATE TABLE citations (
    document_id BIGINT NOT NULL,
    seq         INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    page        INTEGER,
    rule        VARCHAR,
    doc_type    VARCHAR NOT NULL,
    number      VARCHAR,
    date        VARCHAR,
    issuer      VARCHAR,
    title       VARCHAR,
    relation    VARCHAR NOT NULL,
    pin         VARCHAR,
    key         VARCHAR NOT NULL,           -- Citation.key: type, number, issuer, year
    PRIMARY KEY (document_id, seq)
);

-- Every mention of a cited document (Citation.mentions), the first included.
CREATE TABLE citation_mentions (
    document_id  BIGINT NOT NULL,
    citation_seq INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL,
    page         INTEGER,
    PRIMARY KEY (document_id, citation_seq, seq)
);

CREATE TABLE dates (
    document_id BIGINT NOT NULL,
    seq         INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    page        INTEGER,
    rule        VARCHAR,
    value       VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE commemorations (
    document_id BIGINT NOT NULL,
    seq         INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    page        INTEGER,
    rule        VARCHAR,
    years       INTEGER,
    event       VARCHAR NOT NULL,
    origin_date VARCHAR,
    date        VARCHAR,
    consistent  BOOLEAN,
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE targets (
    document_id BIGINT NOT NULL,
    seq         INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    page        INTEGER,
    rule        VARCHAR,
    indicator   VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    unit        VARCHAR NOT NULL,
    comparator  VARCHAR NOT NULL,
    growth_pct  DOUBLE,
    baseline    VARCHAR,
    year        INTEGER,
    status      VARCHAR NOT NULL,
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE signatories (
    document_id  BIGINT NOT NULL,
    seq          INTEGER NOT NULL,
    text         VARCHAR NOT NULL,
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL,
    page         INTEGER,
    rule         VARCHAR,
    name         VARCHAR NOT NULL,
    title        VARCHAR,
    organization VARCHAR,
    on_behalf    VARCHAR,
    PRIMARY KEY (document_id, seq)
);

-- Files that could not be stored: one row per path, the latest reason.
-- Cleared when the file is later extracted successfully.
CREATE TABLE failures (
    path              VARCHAR PRIMARY KEY,
    sha256            VARCHAR,
    size              BIGINT,
    mtime_ns          BIGINT,
    error_class       VARCHAR NOT NULL,     -- ReadError, Timeout, WorkerDied, or the exception class
    message           VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    failed_at         TIMESTAMP NOT NULL,
    run_id            BIGINT
);

CREATE SEQUENCE runs_id_seq START 1;

CREATE TABLE runs (
    id                BIGINT PRIMARY KEY DEFAULT nextval('runs_id_seq'),
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    status            VARCHAR NOT NULL,     -- running | ok | failures | interrupted | error
    executor          VARCHAR NOT NULL,     -- local | dask
    scheduler         VARCHAR,
    workers           INTEGER,
    extractor_version VARCHAR NOT NULL,
    pid               INTEGER,
    host              VARCHAR,
    roots             VARCHAR[],
    n_files           INTEGER,
    n_new             INTEGER,
    n_updated         INTEGER,
    n_skipped         INTEGER,
    n_failed          INTEGER,
    seconds           DOUBLE
);
