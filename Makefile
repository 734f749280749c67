# The two commands a fresh machine needs are `make start` and `make test` (see README).
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 5000

.PHONY: install start test bench bench-setup clean

FRONTEND := web/frontend
DIST := web/static/dist

install: $(VENV)/.installed $(DIST)/app.js

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Browser assets: bpmn-js, form-js and NL Design System CSS from npm, bundled by esbuild.
# IBM_TELEMETRY_DISABLED: form-js's @carbon/grid pulls @ibm/telemetry-js, whose install step would
# otherwise start a background process that reports package usage over the network.
$(DIST)/app.js: $(FRONTEND)/package-lock.json $(FRONTEND)/build.mjs $(wildcard $(FRONTEND)/src/*) $(wildcard $(FRONTEND)/src/modeler/*)
	cd $(FRONTEND) && IBM_TELEMETRY_DISABLED=true npm ci --no-audit --no-fund --loglevel=error && npm run build --silent

start: install
	$(VENV)/bin/signaalroute init --demo
	$(VENV)/bin/signaalroute run --port $(PORT)

test: install
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -n auto --dist loadgroup -q -rs

# The peer (SpiffArena's backend) for bench/peer.py: built once from ../shared/peers/spiffarena into
# ~/.cache/signaalroute-bench (BENCH_PEER_DIR), pip from the registry; not part of `make test`.
bench-setup: install
	$(PY) bench/peer.py --setup

bench: bench-setup
	$(PY) bench/engine.py --quick
	$(PY) bench/api.py --quick
	$(PY) bench/peer.py --quick

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache $(FRONTEND)/node_modules $(DIST)
