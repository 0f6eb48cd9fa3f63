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

# A laptop: plain http on localhost, a generated secret key, email and background tasks on the
# console (see src/hustings/settings.py). The demo election is left at DEMO_STAGE: nominations,
# nominations-closed, ballot (the default: voting open, about 30% voted) or results (counted and
# published). Each stage keeps its own database under .demo/<stage>/, built on first use, so
# `make run DEMO_STAGE=results` shows the end of the election without losing the ballot's.
DEMO_STAGE ?= ballot
run: export HUSTINGS_DEV = 1
run: export HUSTINGS_DATA_DIR = .demo/$(DEMO_STAGE)
run: $(STAMP)
	@mkdir -p .demo/$(DEMO_STAGE)
	$(VENV)/bin/hustings migrate --no-input
	$(VENV)/bin/hustings demo --if-empty --stage $(DEMO_STAGE)
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
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
