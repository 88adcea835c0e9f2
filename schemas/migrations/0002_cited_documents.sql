-- 0002_cited_documents: the registry of cited documents, keyed by Citation.key
-- (type, number, issuer, year), linked from citations.key; backfilled from the
-- citations already stored.
--
-- One row per key. Citations of the same document may spell the details
-- differently: each column holds the smallest non-NULL value among the
-- citations with that key (an order-independent rule, so the registry does
-- not depend on the order documents were ingested in).

CREATE MACRO vanban_year(d, num) AS coalesce(
    try_cast(regexp_extract(d, '^(\d{4})', 1) AS INTEGER),
    try_cast(regexp_extract(num, '(?:^|\D)((?:19|20)\d{2})(?:\D|$)', 1) AS INTEGER));

CREATE TABLE cited_documents (
    key      VARCHAR PRIMARY KEY,
    doc_type VARCHAR,
    number   VARCHAR,
    issuer   VARCHAR,
    year     INTEGER,       -- from the date, else a year inside the number
    date     VARCHAR,
    title    VARCHAR
);

INSERT INTO cited_documents
SELECT key, min(doc_type), min(number), min(issuer), min(vanban_year(date, number)), min(date), min(title)
FROM citations GROUP BY key;
