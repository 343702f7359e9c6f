# The two commands: `make run` (serve the demo tenant) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HR_DATA_DIR ?= $(CURDIR)/.data

.PHONY: install run test schema schema-check lint bench citus-sql clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	HR_DEV_AUTH=1 $(BIN)/hr migrate
	HR_DEV_AUTH=1 $(BIN)/hr seed-demo
	@echo
	@echo "Demo HR admin token (hr.admin@acme.test):"
	@HR_DEV_AUTH=1 $(BIN)/hr token --tenant acme --email hr.admin@acme.test
	@echo
	@echo "Demo employee token (employee@acme.test):"
	@HR_DEV_AUTH=1 $(BIN)/hr token --tenant acme --email employee@acme.test
	@echo
	@echo "GraphQL + GraphiQL: http://127.0.0.1:$${PORT:-8000}/graphql  (header: Authorization: Bearer <token>)"
	HR_DEV_AUTH=1 $(BIN)/hr serve

test: install
	$(BIN)/pytest

schema: install
	$(BIN)/hr schema > schema.graphql

schema-check: install
	@$(BIN)/hr schema | diff -u schema.graphql - && echo "schema.graphql is up to date"

# docs/configuration.md is generated from api/settings.py; the suite fails when it drifts.
.PHONY: docs docs-check
docs: install
	$(BIN)/hr config-docs > docs/configuration.md

docs-check: install
	@$(BIN)/hr config-docs | diff -u docs/configuration.md - && echo "docs/configuration.md is up to date"

lint: install
	$(BIN)/lint-imports

# `make bench` (about 7-8 minutes with the tenant-scaling phase, plus ~2 minutes of seeding the first time);
# `make bench BENCH_ARGS="--quick"` or "--profile directory" (see benchmarks/run.py).
bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# Regenerate the Citus distribution script from a migrated database (DATABASE_URL).
citus-sql: install
	$(BIN)/python -m tenants.citus > migrations/citus.sql

clean:
	rm -rf $(VENV) .data .pytest_cache
