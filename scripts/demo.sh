#!/usr/bin/env bash
# The main job on the sample corpus: extract every document in corpus/samples
# into an embedded DuckDB file, then show what users ask of it.
set -euo pipefail
cd "$(dirname "$0")/.."
VB=.venv/bin/vanban
DB=${VANBAN_DB:-vanban.duckdb}
$VB ingest corpus/samples --db "$DB" || [ $? -eq 3 ]     # 3: some files failed, the rest are stored
echo; $VB status --db "$DB"
echo; echo "== Export-turnover targets by province (values normalized to USD; today's merged province beside the old one)"
$VB compare --db "$DB" --indicator export_turnover
echo; echo "== Most cited documents"
$VB graph top --db "$DB" -n 8
echo; echo "Next: .venv/bin/vanban explain corpus/samples/seed_000.txt   (every item with its place in the text)"
