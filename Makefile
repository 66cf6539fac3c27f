# The README's commands (the documentation is in docs/, `make docs` builds it). `make run` serves the portal; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test docs bench setup system-deps data lint format messages check clean backup restore load faults

## Everything installed, migrated, plan and demo data loaded, portal on http://127.0.0.1:8000/
run: setup data
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite (SQLite and eager Celery locally; .ci/run points it at PostgreSQL and Redis)
test: setup system-deps
	$(PY) -m pytest

## The documentation site: docs/ built with MkDocs (Material theme) into site/; --strict fails on a broken link
docs: setup
	$(PY) -m mkdocs build --strict --site-dir site

## Benchmarks on PostgreSQL (BENCH_DATABASE_URL, default: the local server); figures go to docs/performance.md
bench: setup
	$(PY) -m bench

## Backup of the database and evidence files with a checksum manifest (BACKUP_DIR, default var/backups/)
backup: setup
	$(PY) manage.py backup $(BACKUP_DIR)

## Restore an archive: make restore ARCHIVE=var/backups/qhsta-backup-….tar [RESTORE_FLAGS=--replace]
restore: setup
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=path/to/qhsta-backup-….tar"; exit 2; }
	$(PY) manage.py restore $(RESTORE_FLAGS) "$(ARCHIVE)"

## Load test over loopback: gunicorn on the national-scale bench data, locust headless (docs/operating/load-test.md)
load: setup
	$(PY) load/run.py

## Fault tests with the full counts (PostgreSQL and Redis needed; `make test` runs reduced counts)
faults: setup
	QHSTA_FAULTS=full $(PY) -m pytest tests/faults -v -p no:cacheprovider

setup: $(VENV)/.installed node_modules/.installed

# Python dependencies: the pins in pyproject.toml, transitive pins in requirements.lock.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) scripts/requirements.py > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements.txt -c requirements.lock
	touch $@

# Front-end libraries (Bootstrap, htmx, ECharts) from the npm registry, served as our own static files.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium (browser tests) and a CJK font (Chinese in screenshots and PDFs).
system-deps:
	@bash scripts/system-deps.sh

data: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_orgs
	$(PY) manage.py load_plan
	$(PY) manage.py load_demo

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Regenerate the translation catalogue after changing user-facing strings, then compile it.
messages: setup
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=node_modules --ignore=.venv
	$(PY) manage.py compilemessages --ignore=node_modules --ignore=.venv

check: setup
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules staticfiles
