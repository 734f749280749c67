# The two commands a fresh machine needs are `make start` and `make test` (see README).
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 5000

.PHONY: install start test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

start: install
	$(VENV)/bin/signaalroute init --demo
	$(VENV)/bin/signaalroute run --port $(PORT)

test: install
	bash scripts/ensure-postgres.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n auto -q

bench: install
	$(PY) bench/engine.py --quick
	$(PY) bench/api.py --quick

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
