# govgraph: `make serve` sets everything up and serves the graph; `make test` sets up and runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup system-deps bench-deps build serve test bench clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# What serving needs (the core dependencies), and everything the tests and benchmarks need besides.
$(VENV)/.installed-serve: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-serve

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Debian's Chromium for the browser tests, nginx for the reverse-proxy and credential tests, and Virtuoso for the
# remote backend's tests (root, or sudo, needed once).
system-deps:
	@command -v chromium >/dev/null && command -v nginx >/dev/null && command -v virtuoso-t >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -q && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium nginx virtuoso-opensource; }

build: $(VENV)/.installed-serve node_modules/.installed
	$(BIN)/govgraph build

# make serve PORT=8080 HOST=0.0.0.0
serve: build
	$(BIN)/govgraph serve --host $(HOST) --port $(PORT)

# Two test processes (pytest-xdist), each module's tests in one: most tests wait on servers and browsers.
TEST_WORKERS ?= 2
test: setup system-deps
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# wrk for the benchmark's server-capacity part (skipped without it).
bench-deps:
	@command -v wrk >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q wrk; }

bench: setup bench-deps
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) node_modules .pytest_cache test-output .hypothesis .schemathesis *.egg-info

# The README's screenshots (docs/screenshots/*.png), taken anew with headless Chromium.
screenshots: setup system-deps
	$(BIN)/python docs/screenshots.py
