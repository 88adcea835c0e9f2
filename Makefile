# The two commands a new machine needs (see README):
#   make demo   set up, ingest the sample corpus into vanban.duckdb, show what it holds
#   make test   set up, run the test suite
.PHONY: setup demo test bench

setup:
	./scripts/setup.sh

demo: setup
	./scripts/demo.sh

test:
	EXTRAS=dev,notebooks,baselines,web BROWSER=1 ./scripts/setup.sh
	.venv/bin/python -m pytest -q

bench:
	EXTRAS=dev,notebooks,baselines,web ./scripts/setup.sh
	.venv/bin/python benchmarks/run.py
