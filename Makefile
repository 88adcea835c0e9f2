# The two commands a new machine needs (see README):
#   make demo   set up, ingest the sample corpus into vanban.duckdb, show what it holds
#   make test   set up, run the test suite
.PHONY: setup demo test bench

setup:
	./scripts/setup.sh

demo: setup
	./scripts/demo.sh

test: setup
	.venv/bin/python -m pytest -q

bench: setup
	.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[baselines]"
	.venv/bin/python benchmarks/run.py
