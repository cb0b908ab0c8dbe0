# Two commands set everything up: `make run` and `make test`. Both create .venv when missing.
VENV   := .venv
PY     := $(VENV)/bin/python
COOPQA := $(VENV)/bin/coopqa
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install index run test test-all lint format bench chromium postgres postgres-stop clean

install: $(STAMP)

# torch first: pinned to the CPU wheel on these machines, so nothing pulls a CUDA build.
$(STAMP): pyproject.toml requirements-nlp.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-nlp.txt
	touch $(STAMP)

index: $(STAMP)
	$(COOPQA) ingest

run: index
	$(COOPQA) serve --host 127.0.0.1 --port 7860

# Debian's Chromium for the browser test; Playwright never downloads a browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# A throwaway PostgreSQL (Debian's, installed when missing) on 127.0.0.1 for the feedback tests;
# when it cannot start, .postgres/skip says why and those tests are skipped with that reason.
postgres:
	@sh tests/pg_cluster.sh .postgres

postgres-stop:
	@sh tests/pg_cluster.sh .postgres stop

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests app.py bench
	$(VENV)/bin/ruff format --check src tests app.py bench

format: $(STAMP)
	$(VENV)/bin/ruff check --fix src tests app.py bench
	$(VENV)/bin/ruff format src tests app.py bench

test: $(STAMP) chromium postgres lint index
	$(PY) -m pytest -m "not slow" -q

test-all: $(STAMP) chromium postgres lint index
	$(PY) -m pytest -q

bench: index
	$(PY) bench/large_corpus.py
	$(PY) bench/run.py
	$(PY) bench/facts_any_report.py
	$(PY) bench/whole_reports.py

clean:
	rm -rf .coopqa .pytest_cache
