# The two commands of README.md: `make run` (set up, load the sample study, open the coding workbench)
# and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run sample test lint bench clean postgres chromium

$(BIN)/codeer: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/codeer
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Import the bundled sample study into ./codeer.db (idempotent: unchanged files are skipped).
sample: $(BIN)/codeer
	$(BIN)/codeer codebook load codebooks/persoonlijke-dienstverlening.yaml
	$(BIN)/codeer codebook load codebooks/klantreis.yaml
	$(BIN)/codeer import transcripts/
	$(BIN)/codeer codings import transcripts/codings-sample.csv

run: sample
	$(BIN)/codeer

lint: $(VENV)/.test-deps
	$(BIN)/ruff check src tests bench

test: $(VENV)/.test-deps postgres chromium
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -q

bench: $(VENV)/.test-deps
	$(BIN)/python bench/run_all.py

# The tests start their own PostgreSQL server: install Debian's binaries when a fresh machine lacks them.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && \
		(apt-get install -y -qq postgresql-15 || apt-get install -y -qq postgresql); }

# The report tests open report.html in a real headless Chromium (driven by playwright, without its own
# browser download): install Debian's when a fresh machine lacks it.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

clean:
	rm -rf $(VENV) codeer.db codeer.db-wal codeer.db-shm
