# LumoFlow — `make run` serves the app, `make test` runs the whole suite. Both set everything up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export LUMOFLOW_DATA_DIR ?= $(CURDIR)/var
UV_VERSION := 0.13.8
PG_URL ?= $(or $(LUMOFLOW_TEST_POSTGRES_URL),postgresql://postgres@127.0.0.1:5432/test)

.PHONY: setup run test test-sqlite test-postgres lint bench clean assets

$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -r requirements.lock -r requirements-dev.lock
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

setup: $(VENV)/.installed assets

run: setup
	$(BIN)/lumoflow setup
	$(BIN)/lumoflow serve --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy src/lumoflow

test: setup lint test-sqlite test-postgres

test-sqlite: setup
	LUMOFLOW_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -n 2 --dist loadgroup tests

# PostgreSQL run: mandatory with CI=true, announced and skipped elsewhere when no server answers.
# tests/analytics is pure (no database), so it runs once, in the SQLite run.
test-postgres: setup
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL run against $(PG_URL)"; \
		DATABASE_URL='$(PG_URL)' LUMOFLOW_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -n 2 --dist loadgroup tests --ignore=tests/analytics; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL), and CI=true makes that run mandatory." >&2; exit 1; \
	else \
		echo "PostgreSQL run skipped: no server answers at $(PG_URL)."; \
	fi

bench: setup
	$(BIN)/python -m bench $(if $(ONLY),--only $(ONLY),)

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache
