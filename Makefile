# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --quiet --disable-pip-version-check
MANAGE := $(PY) manage.py
CONSTRAINTS := requirements/constraints.txt

# The first interpreter on PATH that is Python 3.12 or newer (pyenv honours .python-version).
BOOT_PYTHON := $(shell for candidate in python python3 python3.12 python3.13 python3.14; do \
	if command -v $$candidate >/dev/null 2>&1 && \
	   $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	   command -v $$candidate; break; fi; done)

.PHONY: help run test lint format worker beat seed messages browser-deps lock clean-db

help:
	@echo "make run    install, migrate, seed demo data and serve http://127.0.0.1:8000"
	@echo "make test   install test dependencies and run ruff and the whole test suite"
	@echo "make worker / make beat   Celery worker and scheduler (need REDIS_URL)"

$(PY):
	@if [ -z "$(BOOT_PYTHON)" ]; then \
		echo "ERROR: the ECA portal needs Python 3.12 or newer, and none was found on PATH." >&2; \
		echo "       Install it (e.g. 'pyenv install 3.12') and run make again." >&2; exit 1; fi
	$(BOOT_PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PIP) install -c $(CONSTRAINTS) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PIP) install -c $(CONSTRAINTS) -e ".[test]"
	@touch $@ $(VENV)/.installed-run

# The cache table first: without REDIS_URL the cache is the database's, and migrating writes to
# it (the secretariat group's permissions forget everyone's kept permissions).
run: $(VENV)/.installed-run
	$(MANAGE) createcachetable
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

# Chromium for the browser tests comes from Debian, never from `playwright install`.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "NOTE: chromium is not installed and cannot be installed here; browser tests will be skipped." >&2; \
		fi; \
	fi

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# makemigrations --skip-checks: the system checks of generated columns ask the database server
# for its version, and DATABASE_URL may name a database that only exists once pytest creates its
# test_ copy. tests/foundation/test_settings.py runs every check against a server that answers.
# Two test processes (pytest-xdist): on 2 cores the suite takes about 9 minutes, twice that in
# one process. PYTEST_ARGS="" runs it in one process; any pytest options can be given instead.
PYTEST_ARGS ?= -n 2
test: $(VENV)/.installed-test browser-deps lint
	DJANGO_SETTINGS_MODULE=eca_portal.settings.test $(MANAGE) makemigrations --check --dry-run --skip-checks
	$(VENV)/bin/pytest $(PYTEST_ARGS)

worker: $(VENV)/.installed-run
	$(VENV)/bin/celery -A eca_portal worker --loglevel=INFO

beat: $(VENV)/.installed-run
	$(VENV)/bin/celery -A eca_portal beat --loglevel=INFO

seed: $(VENV)/.installed-run
	$(MANAGE) seed_demo

# Regenerate the French and German catalogues after changing strings (needs GNU gettext).
messages: $(VENV)/.installed-run
	$(MANAGE) makemessages --locale fr --locale de --ignore '.venv/*' --ignore 'tests/*' --no-obsolete
	$(MANAGE) compilemessages --ignore '.venv/*'

# Rewrite the pinned versions after changing pyproject.toml.
lock: $(VENV)/.installed-test
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > $(CONSTRAINTS)

clean-db:
	rm -rf .pgdata
