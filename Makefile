# tokvec: every target installs what it needs into .venv, from nothing, on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-all bench lint clean

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tokvec info glove
	$(VENV)/bin/tokvec similar king --topn 8
	$(VENV)/bin/tokvec analogy man king woman
	$(VENV)/bin/tokvec similar king woman --neg man --method cosmul --topn 5
	$(VENV)/bin/tokvec similarity cat kitten
	$(VENV)/bin/tokvec distance cat kitten
	$(VENV)/bin/tokvec odd-one-out breakfast cereal dinner lunch
	$(VENV)/bin/tokvec lookup cat kitten dog

test: $(STAMP)
	$(PY) -m pytest -q

test-all: $(STAMP)
	$(PY) -m pytest -q -m ''

bench: $(STAMP)
	$(PY) bench/load_query.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
