#!/usr/bin/env bash
# The main job on the sample corpus: extract every document in corpus/samples,
# store it in an embedded DuckDB file, and show a useful result.
set -euo pipefail
cd "$(dirname "$0")/.."
VB=.venv/bin/vanban
if $VB ingest --help >/dev/null 2>&1; then
  $VB ingest corpus/samples --db vanban.duckdb || [ $? -eq 3 ]
  $VB status --db vanban.duckdb
  $VB sql --db vanban.duckdb "SELECT number, count(*) AS cited_by FROM citations WHERE number IS NOT NULL GROUP BY number ORDER BY cited_by DESC, number LIMIT 10"
else
  $VB extract corpus/samples/*
fi
