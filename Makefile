# cbms — make targets. `make setup` installs everything from nothing (Python 3.11 + pip; Java 17 via apt-get).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FORM   := forms/cbms_grb_hogar.xlsx
OUT    ?= out/demo

.PHONY: setup java test test-quick lint typecheck forms docs demo bench clean

$(BIN)/cbms: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Java runs ODK Validate (the jar shipped inside pyxform); WeasyPrint needs Pango.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Java not found: installing openjdk-17-jre-headless with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq openjdk-17-jre-headless; }
	@ldconfig -p 2>/dev/null | grep -q libpango-1.0 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

setup: java $(BIN)/cbms

test: setup
	$(BIN)/pytest -q

test-quick: setup
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check cbms tests

typecheck: setup
	$(BIN)/mypy

# Rebuild the XForm (through ODK Validate) and the markdown mirror reviewers read.
forms: setup
	$(BIN)/cbms form build $(FORM) --out build/forms
	$(BIN)/cbms form mirror $(FORM)

# Regenerate docs/indicators.md from the indicator declarations.
docs: setup
	$(BIN)/cbms indicators docs

demo: setup
	$(BIN)/cbms demo --households 2000 --seed 1 --format odk-csv --error-rate 0.02 --out $(OUT)

bench: setup
	$(BIN)/python -m cbms.bench --sizes $(or $(SIZES),10000,100000)

clean:
	rm -rf build out .pytest_cache .mypy_cache .ruff_cache
