# hub-gateway — the two commands: `make serve` and `make test` (plus `make bench`).
# Everything the project needs is installed here, from the registries, into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed
PORT   ?= 8000
HOST   ?= 127.0.0.1

.PHONY: serve test bench lint typecheck clean setup assets browser

setup: $(STAMP) assets

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(UV) pip sync --quiet --python $(BIN)/python requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# GraphiQL's assets come from the npm registry at build time (package-lock.json pins them),
# and are served by the gateway itself: no CDN at run time.
assets: gateway/static/graphiql/.installed

gateway/static/graphiql/.installed: web/package.json web/package-lock.json web/copy-assets.sh web/graphiql-init.js
	cd web && npm ci --silent --no-audit --no-fund
	sh web/copy-assets.sh gateway/static/graphiql
	touch $@

# Debian's chromium, for the end-to-end GraphiQL test.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: the e2e test will be skipped"; }

serve: setup
	$(BIN)/hub-gateway serve --host $(HOST) --port $(PORT)

test: setup browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The hub database of the bench's second backend (skipped, with a NOTE, when it does not answer).
BENCH_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test

bench: setup
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/hub-gateway schema --check schema.graphql
	$(BIN)/hub-gateway schema --breaking-since releases

clean:
	rm -rf $(VENV) web/node_modules gateway/static/graphiql .pytest_cache .import_linter_cache
