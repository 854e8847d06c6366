# Two commands: `make report` builds every output from the embedded data; `make test` runs all tests.
# Both create .venv with `python3 -m venv` and install the project into it when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JOBS   ?= 2
# The Jupyter kernel the notebooks name (metadata.kernelspec.name): this venv's Python,
# installed into the venv itself (--sys-prefix), so papermill, nbval and JupyterLab started
# from .venv all find it and nothing is written to the user's home.
KERNEL      := qiannan-analysis
KERNEL_SPEC := $(VENV)/share/jupyter/kernels/$(KERNEL)/kernel.json
# JupyterLab refuses to start as root (containers, CI) unless told so
ROOT_FLAG   := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup report test lint lab validate clean

# Python writes the byte code of each module it imports, even where the environment says not
# to (PYTHONDONTWRITEBYTECODE is set on some machines and CI runners): every test, kernel and
# worker process would otherwise compile pandas, matplotlib and the rest from source at each
# start (measured on a fresh clone: pytest 365 s with it set, 234 s without).
unexport PYTHONDONTWRITEBYTECODE

# pip: the venv's own pip (Python >= 3.11 ships one that installs pyproject projects in
# editable mode; no upgrade download); --no-compile skips byte-compiling every installed
# package up front (Python compiles the modules actually imported, once, on first use).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -e '.[dev]'
	touch $(STAMP)

$(KERNEL_SPEC): $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Qiannan analysis (.venv)"

setup: $(STAMP) $(KERNEL_SPEC)

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
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

clean:
	rm -rf outputs/notebooks outputs/html outputs/figures outputs/tables outputs/*.docx outputs/manifest.json outputs/.runner
