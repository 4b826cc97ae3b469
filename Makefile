# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint format install check-system clean translations


$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "prizejury needs Python 3.11 (set PYTHON=/path/to/python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

# Compiled catalogues (.mo) are built from the committed .po files, never committed themselves.
CATALOGUES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)
BABEL_KEYWORDS := -k _l -k _nl:1,2 -k lazy_gettext -k lazy_ngettext:1,2

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@ >/dev/null

install: $(VENV)/.installed $(COMPILED)

# After changing user-facing strings: extract them and merge them into every catalogue, then translate.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --project=prizejury --omit-header --no-wrap --sort-by-file -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-wrap --ignore-obsolete

check-system: install
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { \
	  echo "WeasyPrint cannot find the Pango library it needs to make PDF certificates."; \
	  echo "On Debian or Ubuntu install it with:"; \
	  echo "    sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; \
	  echo "(other systems: https://doc.courtbouillon.org/weasyprint/stable/first_steps.html)"; \
	  exit 1; }

run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: check-system
	@mkdir -p instance/uploads
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	@$(BIN)/flask demo accounts
	@# The background jobs' worker runs beside the web server and stops with it (Ctrl+C stops both).
	@$(BIN)/flask worker & worker=$$!; \
	  trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: check-system
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache
