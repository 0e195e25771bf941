PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/followup demo

# Two workers: most of the suite waits on a private Dovecot or a daemon in real time.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 tests

lint: $(STAMP)
	$(BIN)/ruff check agent tests bench
	$(BIN)/ruff format --check agent tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/python bench/understanding.py ../shared/testdata/dates-duckling.jsonl ../shared/testdata/emails-public.jsonl
	$(BIN)/python bench/understanding.py --speed --realworld both
	$(BIN)/python bench/drafts.py

clean:
	rm -rf $(VENV) build *.egg-info
