# cbms — make targets. `make setup` installs everything from nothing (Python 3.11 + pip; Java 17 via apt-get).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FORM   := forms/cbms_grb_hogar.xlsx
FORM_2027 := forms/cbms_grb_hogar_2027.xlsx
OUT    ?= out/demo
SIZES  ?= 10000,100000

.PHONY: setup system test test-quick lint typecheck forms docs demo bench clean

$(BIN)/cbms: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $@

# System packages from Debian: Java 17 runs ODK Validate (the jar inside pyxform) and Spark (the 'spark' extra);
# Pango and DejaVu fonts for WeasyPrint's PDFs; poppler-utils (pdftoppm) and LibreOffice Calc to check the PDFs and workbooks in tests.
DEB_PACKAGES := openjdk-17-jre-headless libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
                poppler-utils libreoffice-calc-nogui
system:
	@missing=""; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc-nogui"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

setup: system $(BIN)/cbms

test: setup
	$(BIN)/pytest -q

test-quick: setup
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check cbms tests

typecheck: setup
	$(BIN)/mypy

# Rebuild the XForm (through ODK Validate), the markdown mirror reviewers read, and the field instruments (paper
# questionnaire and enumerator's manual, Spanish and English) into build/forms; and the XForm and mirror of the
# demo's second-round form version (build/forms/2027).
forms: setup
	$(BIN)/cbms form build $(FORM) --out build/forms
	$(BIN)/cbms form mirror $(FORM)
	$(BIN)/cbms form build $(FORM_2027) --out build/forms/2027
	$(BIN)/cbms form mirror $(FORM_2027)
	for lang in es en; do \
	  $(BIN)/cbms form paper $(FORM) --out build/forms --lang $$lang && \
	  $(BIN)/cbms form manual $(FORM) --out build/forms --lang $$lang || exit 1; \
	done

# Regenerate docs/indicators.md from the indicator declarations.
docs: setup
	$(BIN)/cbms indicators docs

# Both rounds of the demo into one database (round 1 is the census of `cbms run --demo` with this seed and size);
# OUT holds round 2's outputs and analisis/change.parquet.
demo: setup
	$(BIN)/cbms run --demo --rounds 2 --households 2000 --seed 1 --out $(OUT)

bench: setup
	$(BIN)/python -m cbms.bench --sizes $(SIZES)

clean:
	rm -rf build out .pytest_cache .mypy_cache .ruff_cache
