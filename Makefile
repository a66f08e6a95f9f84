# Atelier: `make demo` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# torch is pinned to the CPU build; installing it first keeps pip from pulling CUDA wheels.
TORCH_VERSION := 2.13.0
STAMP  := $(VENV)/.installed
# `make test` leaves out the tests marked slow (the notebooks on the shared H&M data, which run
# for tens of minutes); `make test SLOW=1` runs everything, as CI does.
MARKS  := $(if $(SLOW),,not slow)

.PHONY: install demo test lint typecheck pytest bench clean strip-notebooks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==$(TORCH_VERSION)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/atelier demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -m "$(MARKS)"

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

# Notebooks are committed without outputs; the test suite executes them.
strip-notebooks: $(STAMP)
	$(BIN)/python tests/notebooks/strip.py notebooks/*.ipynb

clean:
	rm -rf $(VENV) atelier-home .mypy_cache .pytest_cache .ruff_cache
