# Two commands on a fresh machine: `make demo` (a real sync on the local emulator) and
# `make test` (the whole suite). Both set up what they need first.
# Faster subsets while working (measured on 2 cores): `make test-unit` (handler and CLI logic,
# no emulator, no terraform; about 5 min, 289 tests in 292 s on 2026-12-04) and `make test-static`
# (ASL, package, README, checkov, terraform fmt/validate/test; about 100 s). Every test target
# writes JUnit XML to build/junit.xml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# checkov pins an older boto3 than the tests use, so it lives in a venv of its own.
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
# The oldest boto3/botocore the handlers claim to support (the Lambda runtime's SDK lags): the
# deleter must fail closed there, and tests/unit/test_old_sdk.py proves it in this venv.
OLDSDK_VENV  := .venv-oldsdk
OLDSDK_STAMP := $(OLDSDK_VENV)/.installed

PYTEST := $(BIN)/python -m pytest --junitxml=build/junit.xml

.PHONY: setup setup-main setup-checkov setup-oldsdk demo emulator test test-unit test-static lint package sdk-layer clean bench release hooks

# The main venv runs the demo and the tests; checkov (static tests, lint) and the oldest claimed
# SDK (tests/unit/test_old_sdk.py) have their own.
setup: setup-main setup-checkov setup-oldsdk
setup-main: $(STAMP)
setup-checkov: $(CHECKOV_STAMP)
setup-oldsdk: $(OLDSDK_STAMP)

$(STAMP): pyproject.toml
	@command -v terraform >/dev/null || { echo "terraform >= 1.7 must be on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable ".[dev]"
	@touch $(STAMP)

$(CHECKOV_STAMP): pyproject.toml
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet ".[checkov]"
	@touch $(CHECKOV_STAMP)

$(OLDSDK_STAMP): pyproject.toml
	$(PYTHON) -m venv $(OLDSDK_VENV)
	$(OLDSDK_VENV)/bin/pip install --quiet --upgrade pip
	$(OLDSDK_VENV)/bin/pip install --quiet ".[oldsdk]"
	@touch $(OLDSDK_STAMP)

demo: setup-main
	$(BIN)/python scripts/demo.py

# The emulator and a deployed examples/basic (with a report bucket) stay up until Ctrl-C, to try
# `bucket-sync` against; handler and emulator logs go to build/emulator.log.
emulator: setup-main
	$(BIN)/python scripts/emulator.py $(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTEST)

# Tests that start neither the emulator nor terraform (the emulator's are marked in tests/conftest.py).
test-unit: setup-main setup-oldsdk
	$(PYTEST) tests/unit tests/cli -m "not emulator"

test-static: setup
	$(PYTEST) tests/static

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	terraform fmt -check -recursive
	$(CHECKOV_VENV)/bin/checkov -d . --framework terraform --quiet --compact --skip-download --skip-path tests/harness/fixture

# Benchmarks against aws s3 sync, rclone, s5cmd and the 2017 algorithm -> docs/BENCHMARKS.md
# (~30 min on 2 cores). Quick: make bench BENCH_ARGS="--sizes 2000 --latencies 0"
BENCH_ARGS ?=
bench: setup
	bench/setup.sh
	$(BIN)/python bench/run.py $(BENCH_ARGS)

package: setup
	$(BIN)/python scripts/package_handlers.py

# dist/sdk-layer.zip from pyproject's sdk-layer pins (wheels downloaded once into build/sdk-wheels).
sdk-layer: setup-main
	$(BIN)/python scripts/build_sdk_layer.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(OLDSDK_VENV) .pytest_cache .ruff_cache build *.egg-info

# Freeze the CHANGELOG's [Unreleased] notes as VERSION, commit and tag vVERSION (README, "Versioning").
release: setup-main
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=X.Y.Z"; exit 1; }
	$(BIN)/python scripts/release.py $(VERSION)

# Run the lint and freshness checks before every commit (.pre-commit-config.yaml).
hooks: setup
	$(BIN)/pre-commit install
