# Everything installs into .venv from pyproject.toml, so a fresh machine with
# Python 3.11 and make needs nothing else.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SAMPLE ?= corpus/ke-hoach-mau-chuyen-doi-so-tinh-an-binh.txt
DEMO ?= demo

.PHONY: install demo test test-all lint bench evaluate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# A short summary and the review page, not the whole JSON: that is one
# command away, printed at the end.
demo: $(STAMP)
	@$(BIN)/vntasks review $(SAMPLE) -o $(DEMO)/review.html --force --summary
	@echo "the records as JSON: $(BIN)/vntasks extract $(SAMPLE)"

test: $(STAMP)
	$(BIN)/pytest -m "not slow and not benchmark"

test-all: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline vntasks tests benchmarks

evaluate: $(STAMP)
	$(BIN)/vntasks evaluate --part all

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(DEMO)
