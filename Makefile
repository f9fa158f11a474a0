# Entry points: `make run` (portal with demo data on SQLite) and `make test` (lint + tests).
PYTHON ?= python3
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
# Two workers: the machines this runs on have two cores. The tests marked slow (child interpreters,
# LibreOffice, Hypothesis at length) are left out here; CI (.ci/run) runs everything with -m ''.
PYTEST_ARGS ?= -n 2 -m "not slow"

.PHONY: run test lint format messages bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (developers only; the compiled .mo files are committed, so a fresh machine
# shows Chinese without it). Strings go to the catalogue of the app whose folder holds them
# (activities/locale, reports/locale, studyportal/accounts/locale); the rest to locale/.
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=static --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: $(VENV)/.installed
	$(BIN)/python -m bench.run

# gunicorn + locust for 60 s at 20 users, on the bench PostgreSQL database and on SQLite.
bench-load: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .import_linter_cache
