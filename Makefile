# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run   -> .venv with bilat, then the main job (the US-Pakistan study)
#   make test  -> .venv with the test extras, then ruff, the import contracts, mypy and pytest
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out/us-pakistan

.PHONY: run test lint typecheck pytest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[all]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

# The study is strict: a stage that fails stops it with a non-zero exit, so `make run` fails too.
# It writes only its own files in $(OUT) (listed in $(OUT)/bilat-manifest.json).
# With ../shared beside the repository, the panel is first rebuilt from its sources into
# out/panel.duckdb (a test checks that the panel shipped in the package equals such a build).
run: $(VENV)/.installed-run
	$(if $(wildcard ../shared/data/panel),mkdir -p out && $(BIN)/bilat panel build --db out/panel.duckdb --sources ../shared/data/panel)
	$(BIN)/bilat study us-pakistan --out $(OUT) $(if $(wildcard ../shared/seed/us-pakistan-partnership.txt),--text ../shared/seed/us-pakistan-partnership.txt)

test: $(VENV)/.installed-test lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that is a failure here, never a pass.
pytest: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache
