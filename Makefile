# Stepwise. `make run` serves the app; `make test` runs the whole suite. Every target is
# idempotent: run it again and it does only what is missing.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cat requirements/*.txt | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench loadtest worker beat clean-venv

install: $(STAMP)

$(STAMP): requirements/base.txt requirements/test.txt requirements/constraints.txt
	@scripts/system-deps.sh run
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements/test.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	@scripts/system-deps.sh test
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_local_imports.py
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) benchmarks/run.py

# The whole flow under load (two gunicorn instances, two Celery workers, locust for 60 s) on a
# throwaway PostgreSQL database and Redis db 12; see loadtest/run.py.
loadtest: install
	$(PIP) install --quiet --disable-pip-version-check -r requirements/load.txt
	$(PY) loadtest/run.py

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

clean-venv:
	rm -rf $(VENV)
