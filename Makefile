# Rekindle — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
SIZE ?= S
DB ?= sqlite
FLASK := $(BIN)/flask --app wsgi
CONSTRAINTS := requirements/constraints.txt

.PHONY: run test test-postgres bench bench-load bench-faults lint typecheck format audit deps test-deps system-check system-check-test reset-demo clean help

help:
	@echo "make run     set up and serve Rekindle with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test    set up and run the whole test suite"
	@echo "make bench   run the benchmark (SIZE=S|M|L, DB=sqlite|postgres|both)"
	@echo "make reset-demo  delete the demo database and load the demo data again"
	@echo "make lint    ruff check and ruff format --check (make format fixes what it can)"
	@echo "make typecheck  mypy over app/"

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

# Installs missing system packages (root or password-less sudo) or names the one command to run.
system-check: deps
	@$(BIN)/python scripts/system_check.py run

system-check-test: deps
	@$(BIN)/python scripts/system_check.py test

run: deps system-check
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@$(BIN)/python scripts/demo_logins.py $(PORT)
	@# The web server and the job-queue consumer, started and stopped together.
	$(BIN)/python scripts/serve.py $(PORT)

test: test-deps system-check-test
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-postgres: test-deps system-check-test
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The demo database is instance/rekindle.db (unless DATABASE_URL names another); stop `make run` first.
# Keeps instance/secret_key and the encryption keyring, so nothing else changes.
reset-demo: deps system-check
	@if [ -n "$$DATABASE_URL" ]; then echo "DATABASE_URL is set: reset-demo only deletes the SQLite demo file."; exit 1; fi
	rm -f $${REKINDLE_INSTANCE_PATH:-instance}/rekindle.db{,-wal,-shm}
	$(FLASK) db upgrade
	$(FLASK) seed-demo

bench: test-deps system-check
	$(BIN)/python -m bench.run --size $(SIZE) --db $(DB)

# S8: a clinic's mixed load on PostgreSQL at rising arrival rates (Locust, the `bench` extra).
# Heavy: generates fixture L (a few minutes) and runs until the load is no longer held.
bench-load: test-deps system-check
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[bench]'
	$(BIN)/python -m bench.s8 --size $(or $(LOAD_SIZE),L)

# Faults under load on PostgreSQL (bench/faults.py): gunicorn reloaded and restarted, the consumer
# restarted, PostgreSQL refusing connections; prints what was lost, sent twice, and recovery.
bench-faults: test-deps system-check
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[bench]'
	$(BIN)/python -m bench.faults --size $(or $(FAULTS_SIZE),S)

LINTED := app tests migrations bench scripts

lint: test-deps
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

# Strict for services, models and the privacy policy; the rest of app/ is checked normally
# (see [tool.mypy] in pyproject.toml).
typecheck: test-deps
	$(BIN)/mypy

format: test-deps
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

# SC-1 release step: fails when a pin has an advisory or the audit cannot reach its service.
audit: test-deps
	BIN=$(BIN) scripts/dependency_audit.sh

clean:
	rm -rf $(VENV) tests/.artifacts .pytest_cache
