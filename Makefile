# Safe Passage: `make demo` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python >= 3.12 found: an explicit PYTHON=..., then PATH, then pyenv's versions.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# The demo's port: `make demo DEMO_PORT=8001` (or DEMO_PORT=8001 in the environment).
DEMO_PORT ?= 8000

.PHONY: help install install-dev demo test test-sqlite test-postgres lint system-packages messages bench clean

help:
	@echo "make demo     install, create a demo organisation and serve it on http://127.0.0.1:$(DEMO_PORT)"
	@echo "make test     install what the tests need and run them on SQLite, PostgreSQL and Chromium"
	@echo "make install  create .venv with the locked runtime dependencies (requirements.lock)"
	@echo "make install-dev  add the test and lint tools (requirements-dev.lock)"
	@echo "make lint     ruff (check and format) and lint-imports (the floors)"
	@echo "make bench    run the benchmarks under bench/"

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Safe Passage needs Python 3.12 or newer; none was found." >&2; exit 1; }
	@echo "Using $(PYTHON)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The test and lint tools, for make test/lint/bench only: a production install (make install,
# or pip install -r requirements.lock) never pulls them.
$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

demo: install
	$(BIN)/safepassage demo --bind 127.0.0.1:$(DEMO_PORT)

# Debian packages the tests and PDFs need: Chromium for browser tests, a Korean font so
# Korean does not render as empty boxes, gettext for catalogues. Installed only if missing.
system-packages:
	@bash scripts/system_packages.sh

# The benchmarks at --tiny size: seconds each, no target judged; fails if one crashes.
# The quick checks first (style, format, the floors' import contracts), then the suite on
# SQLite and PostgreSQL (browser tests included), then every benchmark at its tiny size.
test: install-dev system-packages
	$(BIN)/ruff check src tests bench scripts conftest.py
	$(BIN)/ruff format --check src tests bench scripts conftest.py
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -p no:cacheprovider
	$(BIN)/python scripts/pg_throwaway.py -- $(BIN)/python -m pytest -p no:cacheprovider
	$(BIN)/python -m bench --tiny
	$(BIN)/python scripts/pg_throwaway.py -- $(BIN)/python -m bench --tiny

test-sqlite: install-dev
	$(BIN)/python -m pytest

test-postgres: install-dev
	$(BIN)/python scripts/pg_throwaway.py -- $(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check src tests bench scripts conftest.py
	$(BIN)/ruff format --check src tests bench scripts conftest.py
	$(BIN)/lint-imports --no-cache

messages: install
	cd src/safepassage && export SAFEPASSAGE_MODE=test && ../../$(BIN)/safepassage makemessages -l ko -l en --no-obsolete --no-location && ../../$(BIN)/safepassage compilemessages

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
