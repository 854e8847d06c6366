# Two commands: `make report` builds every output from the embedded data; `make test` runs all tests.
# Both create .venv with `python3 -m venv` and install the project into it when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JOBS   ?= 2

.PHONY: setup report test lint lab validate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

report: setup
	$(BIN)/analysis validate
	$(BIN)/analysis run --jobs $(JOBS)

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports
	$(BIN)/mypy

# Unit, property, doctest and notebook tests in one parallel session: tests/, the >>> examples
# of src/analysis (--doctest-modules; sketches needing a data set are :: code blocks) and every notebook
# executed top to bottom by nbval (outputs go to a temporary directory, see conftest.py);
# --dist loadfile keeps the cells of one notebook on one worker, in order; files marked with a
# higher `cost` start first (conftest.py), --no-loadscope-reorder keeps that order.
# pytest exits 5 when it collects no test: not a failure for this target.
test: lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder --nbval-lax --doctest-modules tests notebooks src/analysis || [ $$? -eq 5 ]

validate: setup
	$(BIN)/analysis validate

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf outputs/notebooks outputs/html outputs/figures outputs/tables outputs/*.docx outputs/manifest.json outputs/.runner
