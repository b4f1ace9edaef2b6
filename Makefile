# The two commands of README.md: `make run` (set up, load the sample study, open the coding workbench)
# and `make test`. Both install from requirements/lock.txt, the versions the suite was last green with;
# `make test-latest` runs the suite on the newest versions pyproject.toml allows, and `make lock` renews
# the lock on purpose (see README, "For developers").
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements/lock.txt

.PHONY: run sample test test-latest lock lint bench clean postgres chromium

# Users get the locked versions of what codeer needs (the lock as constraints: test tools stay out).
$(BIN)/codeer: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(LOCK) -e .
	touch $@

# The test environment is exactly the lock: every pinned package, then codeer itself without resolving again.
$(VENV)/.test-deps: $(BIN)/codeer $(LOCK)
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Import the bundled sample study into ./codeer.db (idempotent: unchanged files are skipped).
sample: $(BIN)/codeer
	$(BIN)/codeer codebook load codebooks/persoonlijke-dienstverlening.yaml
	$(BIN)/codeer codebook load codebooks/klantreis.yaml
	$(BIN)/codeer import transcripts/
	$(BIN)/codeer codings import transcripts/codings-sample.csv

run: sample
	$(BIN)/codeer

# The guard rails, configured in pyproject.toml: style (ruff), the layers as import contracts (import-linter),
# types on src/ (mypy, zero errors), dead code (vulture, allow-list in vulture_whitelist.py).
lint: $(VENV)/.test-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/vulture

test: lint postgres chromium
	$(BIN)/python -m pytest -q

# Drift found on purpose: a fresh venv with the newest releases pyproject.toml's ranges allow, no lock.
test-latest: postgres chromium
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/pip install --quiet --upgrade pip
	.venv-latest/bin/pip install --quiet --upgrade -e '.[test]'
	.venv-latest/bin/ruff check src tests bench
	CODEER_UNLOCKED=1 .venv-latest/bin/python -m pytest -q

# Renew the lock deliberately: newest versions within pyproject.toml's ranges. Then run `make test`.
lock: $(BIN)/codeer
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --universal --upgrade -o $(LOCK)

bench: $(VENV)/.test-deps
	$(BIN)/python bench/run_all.py

# The tests start their own PostgreSQL server: install Debian's binaries when a fresh machine lacks them.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && \
		(apt-get install -y -qq postgresql-15 || apt-get install -y -qq postgresql); }

# The report tests open report.html in a real headless browser: Debian's Chromium.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

clean:
	rm -rf $(VENV) .venv-latest codeer.db codeer.db-wal codeer.db-shm
