# Rekindle — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
SIZE ?= S
FLASK := $(BIN)/flask --app wsgi
CONSTRAINTS := requirements/constraints.txt

.PHONY: run test test-postgres bench lint format audit deps test-deps system-check clean help

help:
	@echo "make run     set up and serve Rekindle with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test    set up and run the whole test suite"
	@echo "make bench   run the benchmark (SIZE=S|M|L)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Rekindle needs Python 3.11 or newer."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.deps: $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .
	@touch $@

$(VENV)/.test-deps: $(VENV)/.deps
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	@touch $@

deps: $(VENV)/.deps
test-deps: $(VENV)/.test-deps

system-check: deps
	@$(BIN)/python scripts/system_check.py

run: deps system-check
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@$(BIN)/python scripts/demo_logins.py $(PORT)
	@# The web server and the job-queue consumer, started and stopped together.
	$(BIN)/python scripts/serve.py $(PORT)

test: test-deps system-check
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-postgres: test-deps
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: test-deps system-check
	$(BIN)/python -m bench.run --size $(SIZE)

lint: test-deps
	$(BIN)/ruff check app tests migrations
	$(BIN)/ruff format --check app tests

format: test-deps
	$(BIN)/ruff format app tests
	$(BIN)/ruff check --fix app tests

# SC-1 release step: fails when a pin has an advisory or the audit cannot reach its service.
audit: test-deps
	BIN=$(BIN) scripts/dependency_audit.sh

clean:
	rm -rf $(VENV) tests/.artifacts .pytest_cache
