# Two commands: `make run` starts the dashboard, `make test` runs the whole suite.
# Both create .venv with python3 (3.11+) and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8501

.PHONY: run test test-quick test-latest lint bench startup build-foods clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("mineral-planner needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

run: $(STAMP)
	$(BIN)/mineral-planner dashboard --server.port $(PORT)

test: $(DEV_STAMP)
	bash scripts/test-deps.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

# while working: the suite without the tests marked slow (solves, processes, browsers; `make test` runs all)
test-quick: $(DEV_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -q -m "not slow"

# the suite in .venv-latest against the newest releases, upper bounds ignored (skips when they cannot install)
test-latest:
	PYTHON=$(PYTHON) bash scripts/test-latest.sh

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/plan_speed.py

startup: $(STAMP)
	$(BIN)/python benchmarks/startup.py

build-foods: $(STAMP)
	$(BIN)/python -m foods.build

clean:
	rm -rf $(VENV) .venv-latest .pytest_cache .ruff_cache .hypothesis foods/data/.table-snapshot.*
