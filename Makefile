# Bootstraps .venv on a machine with only Python 3.11+ and pip, then runs the demo or the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test wheel-check bench-quick clean

# The last step byte-compiles our own modules (an editable install does not), so commands
# start faster also where PYTHONDONTWRITEBYTECODE is set.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q pln_reader
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pln demo

# The suite, then pln as a user installs it: the wheel in a fresh venv outside the checkout.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q
	$(MAKE) --no-print-directory wheel-check

wheel-check: $(STAMP)
	$(BIN)/python tests/package/smoke_wheel.py

bench-quick: $(STAMP)
	$(BIN)/python bench/bench_refresh.py --quick

clean:
	rm -rf $(VENV) build dist *.egg-info
