# The course's commands. `make lab` opens the notebooks; `make test` checks the engine and every notebook.
# Both set up what is missing first: a virtual environment in .venv with the package, and Graphviz.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
PYTEST_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test setup setup-dev dot figures notebooks bench gpu-check clean

$(BIN)/python:
	@PYTHON=$(PYTHON) sh scripts/make_venv.sh $(VENV)

$(VENV)/.notebooks: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[notebooks]"
	@touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[notebooks,dev]"
	@touch $@

setup: $(VENV)/.notebooks          ## the environment for the notebooks
setup-dev: $(VENV)/.notebooks $(VENV)/.dev   ## ... and for the tests

dot:
	@sh scripts/ensure_dot.sh $(if $(filter lab,$(MAKECMDGOALS)),--warn)

lab: setup dot                     ## open the course in JupyterLab
	$(BIN)/jupyter lab notebooks/ $(ROOT_FLAG) $(LAB_ARGS)

test: setup-dev dot                ## unit tests and strict nbval over every notebook
	$(BIN)/python -m pytest $(PYTEST_ARGS)

figures: setup                     ## redraw every image in figures/
	$(BIN)/python -m scripts.make_figures

notebooks: setup-dev dot           ## re-run every notebook top to bottom, storing its outputs
	$(BIN)/python -m scripts.run_notebooks

bench: setup                       ## ratio benchmarks against NumPy (and PyTorch where installed)
	$(BIN)/python -m benchmarks

gpu-check: setup-dev               ## on a machine with an NVIDIA GPU: the CUDA tests and GPU notebooks
	sh scripts/gpu_check.sh

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
