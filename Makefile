# Two commands on a fresh machine: `make run` and `make test`. Both create .venv when it is missing.
# The interpreter .venv is made with: the system's CPython (3.11 or newer, with venv) where there is
# one, else python3 from PATH. Debian builds its CPython optimised (profile-guided, link-time) and
# pyenv's default build is not: the planner takes 12-18% less time on Debian's (README, Performance).
# `make PYTHON=python3.12 test` chooses another; an existing .venv is kept until `make clean`.
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench mutate docs catalogs clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m lang compile
	touch $(STAMP)

run: $(STAMP)
	exec $(BIN)/liverbot run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy bot flows planner lang bench fuzz
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[mutate]'
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/python -m bench.mutation_report

bench: $(STAMP)
	$(BIN)/python -m bench

# The README's course picture, drawn by the code from the worked case in docs/make_timeline.py.
docs: $(STAMP)
	$(BIN)/python docs/make_timeline.py docs/timeline.png

# After marking or changing sentences: merge them into every language's catalog, translate, compile.
catalogs: $(STAMP)
	$(BIN)/python -m lang update
	$(BIN)/python -m lang compile

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
