# The two commands: `make run` serves the demo election, `make test` runs the whole suite.
# Both set up .venv themselves on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format install browsers clean

$(STAMP): pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# A laptop: plain http on localhost, a generated secret key kept in the working directory, email
# and background tasks on the console (see src/hustings/settings.py).
run: export HUSTINGS_DEV = 1
run: $(STAMP)
	$(VENV)/bin/hustings migrate --no-input
	$(VENV)/bin/hustings demo --if-empty
	$(VENV)/bin/hustings runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

test: lint
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
