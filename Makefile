# Entry points: `make run` (portal with demo data on SQLite) and `make test` (lint + tests).
PYTHON ?= python3
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
# Two workers: the machines this runs on have two cores. The tests marked slow (child interpreters,
# LibreOffice, Hypothesis at length) are left out here; CI (.ci/run) runs everything with -m ''.
PYTEST_ARGS ?= -n 2 -m "not slow"

.PHONY: run test lint format messages bench bench-growth bench-load bundle clean

# A pyenv shim (python3.10) answers only for the versions pyenv has selected: failing that, take the
# interpreter of that name from whichever installed version has it.
PYTHON_EXE = $(shell $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null \
	|| PYENV_VERSION="$$(pyenv whence $(PYTHON) 2>/dev/null | tail -n 1)" pyenv which $(PYTHON) 2>/dev/null)

$(BIN)/python:
	$(or $(PYTHON_EXE),$(error $(PYTHON) not found: install it or give PYTHON=/path/to/python3.X)) -m venv $(VENV)

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# `make test PYTHON=python3.10` on a checkout whose .venv another Python made would test that one:
# give each Python its own VENV (VENV=.venv310).
lint: $(VENV)/.installed
ifeq ($(origin PYTHON),command line)
	@want=$$($(PYTHON_EXE) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	have=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	[ "$$want" = "$$have" ] || { echo "$(VENV) holds Python $$have, not $(PYTHON) ($$want): add VENV=.venv$$(echo $$want | tr -d .)"; exit 1; }
endif
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

# SCALE=1 is a county (100 agencies, 5,000 people), SCALE=10 a city (1,000 agencies, ~50,000 people),
# each in a PostgreSQL database of its own, generated when missing (README: time and disk).
# `make bench-growth` times every page at 0.1, 1 and 10 in one run and writes the growth table.
SCALE ?= 1
SCALES ?= 0.1,1,10
bench: $(VENV)/.installed
	$(BIN)/python -m bench.run --scale $(SCALE)

bench-growth: $(VENV)/.installed
	$(BIN)/python -m bench.run --scales $(SCALES)

# gunicorn + locust, on the bench PostgreSQL database of SCALE and on SQLite: 20 users for 60 s unless
# LOAD_ARGS says otherwise (the city: SCALE=10 LOAD_ARGS="--db postgresql --users 100 --duration 120").
LOAD_ARGS ?=
bench-load: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench.load --scale $(SCALE) $(LOAD_ARGS)

# Offline bundles for intranets (docs/install-offline.md): dist/studyportal-<version>-linux-<arch>.tar.gz
# with the code, the collected static files, the compiled catalogues, install.sh and every runtime
# dependency as wheels for Python 3.10-3.13. BUNDLE_ARGS="--platform x86_64" builds one.
BUNDLE_ARGS ?=
bundle: $(VENV)/.installed
	$(BIN)/python scripts/bundle.py $(BUNDLE_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .import_linter_cache build dist
