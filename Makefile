# The two commands a newcomer needs: `make demo` and `make test`. Each creates .venv
# (with the machine's python3) when missing and installs the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_OUT ?= demo-output
DEMO_CACHE ?= $(DEMO_OUT)/cache

.PHONY: demo test lint install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

demo: install
	$(BIN)/heavylegs analyze sample_data/activities sample_data/garmin_export --shoes sample_data/shoes.csv --out $(DEMO_OUT) --cache $(DEMO_CACHE)

lint: install
	$(BIN)/ruff check analyzer tests sample_data
	$(BIN)/ruff format --check analyzer tests sample_data

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache
