PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-stress lint install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	cd examples/sglang-backend && ../../$(BIN)/compatlint check; test $$? -le 1
	cd examples/sglang-backend && ../../$(BIN)/compatlint report
	cd examples/sglang-backend && ../../$(BIN)/compatlint prune --floor 0.5.11 --diff; test $$? -le 1

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two workers (the machine's cores); a test file stays on one worker, so a file's tests
# share its fixtures and downloads. PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 2
test: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

# The whole suite STRESS_RUNS times, run as `make test` runs it, each beside two CPU-burning
# processes and with its own PYTHONHASHSEED; stops at the first failing run and names its
# seed and tests.
STRESS_RUNS ?= 5
test-stress: $(STAMP)
	$(BIN)/python tests/stress.py --runs $(STRESS_RUNS) -- -n $(PYTEST_WORKERS) --dist loadfile

# Every shape, every command, beside ruff; the issue's full size: BENCH_ARGS="--everywhere-files 9000".
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
