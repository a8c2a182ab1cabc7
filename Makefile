# MedCode: `make run` starts the platform, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUF    := .tools/node_modules/.bin/buf
BUF_VERSION := 1.75.0
AXE    := .tools/node_modules/axe-core/axe.min.js
AXE_VERSION := 4.14.1
PACKAGES := -e proto -e services/common -e services/codes -e services/search -e services/metering -e services/accounts -e services/assistant -e gateway
export MEDCODE_CODES_DATA_DIR ?= $(CURDIR)/var
export MEDCODE_SEARCH_INDEX_DIR ?= $(CURDIR)/var/search
export MEDCODE_ACCOUNTS_DATA_DIR ?= $(CURDIR)/var/accounts

.PHONY: install run test lint proto bench eval tools docs clean

$(STAMP): proto/pyproject.toml services/common/pyproject.toml services/codes/pyproject.toml services/search/pyproject.toml services/metering/pyproject.toml services/accounts/pyproject.toml services/assistant/pyproject.toml gateway/pyproject.toml requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PACKAGES) -r requirements-dev.txt
	touch $@

install: $(STAMP)

## run: install, build the default code data (first time only) and start every service
run: install
	$(BIN)/medcode run

## test: install and run all tests (unit, service, cross-service, manifests, contracts)
test: install tools
	$(BIN)/python -m pytest

## tools: the buf CLI (from npm) for `buf lint` and axe-core for the browser tests' accessibility
## checks; skipped with a note when npm is missing
tools:
	@if [ -x $(BUF) ]; then :; \
	elif command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund --prefix .tools @bufbuild/buf@$(BUF_VERSION); \
	else echo "npm not found: the buf lint test will be skipped"; fi
	@if [ -f $(AXE) ]; then :; \
	elif command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund --prefix .tools axe-core@$(AXE_VERSION); \
	else echo "npm not found: the browser tests' accessibility checks will be skipped"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy services/common/src services/codes/src services/search/src services/metering/src services/accounts/src services/assistant/src gateway/src scripts

## proto: regenerate the Python stubs in proto/gen from proto/**/*.proto
proto: install
	rm -rf proto/gen/medcode
	$(BIN)/python -m grpc_tools.protoc -I proto --python_out=proto/gen --grpc_python_out=proto/gen --pyi_out=proto/gen $$(cd proto && find medcode -name '*.proto' | sed 's|^|proto/|')

## docs: regenerate README.md's configuration tables from the settings classes
docs: install
	$(BIN)/python scripts/settings_table.py --write

## eval: CasePilot's accuracy per intent on its evaluation set and the invalid codes in its
## answers (starts codes, search and assistant on loopback; reports in bench/results/)
eval: install
	$(BIN)/python services/assistant/eval/run_eval.py

bench: install
	$(BIN)/python bench/gateway_lookup.py
	$(BIN)/python bench/import_icd10cm.py
	$(BIN)/python bench/reference_data.py
	$(BIN)/python bench/search_relevance.py
	$(BIN)/python bench/search_latency.py
	$(BIN)/python bench/search_typeahead.py
	$(BIN)/python bench/metering.py
	$(BIN)/python bench/gateway_metering.py
	$(BIN)/python bench/fhir_terminology.py

clean:
	rm -rf $(VENV) .tools var
