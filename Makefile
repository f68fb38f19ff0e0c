# The course's commands. `make lab` opens the notebooks; `make test` checks the engine and every notebook.
# Both set up what is missing first: a virtual environment in .venv with the package, and Graphviz.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
PYTEST_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# The course's own JupyterLab settings, for its lab only: no "official Jupyter news?" toast.
LAB_ENV := JUPYTER_CONFIG_PATH="$(CURDIR)/scripts/jupyter_config$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))"

.PHONY: lab test loc fuzz setup setup-dev dot figures notebooks bench gpu-check gpu-wheels clean

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
	$(LAB_ENV) $(BIN)/jupyter lab notebooks/ $(ROOT_FLAG) $(LAB_ARGS)

test: setup-dev dot                ## unit tests and strict nbval over every notebook
	$(BIN)/python -m pytest $(PYTEST_ARGS)

loc:                               ## the engine's reading path and its size (fails above 1,200 lines)
	@$(PYTHON) -m scripts.loc

N ?= 2000
SEED ?= 0
fuzz: setup-dev                    ## N random programs from SEED, compared with PyTorch: make fuzz N=20000 SEED=7
	$(BIN)/python -m tests.fuzzer $(N) $(SEED)

figures: setup dot                 ## redraw every image in notebooks/figures/ (says which changed)
	$(BIN)/python -m scripts.make_figures

notebooks: setup-dev dot           ## re-run every notebook top to bottom, storing its outputs
	$(BIN)/python -m scripts.run_notebooks

bench: setup                       ## ratio, scaling and stable-loss benchmarks (results in benchmarks/results/local/; UPDATE=1: the committed copy)
	$(BIN)/python -m benchmarks $(if $(UPDATE),--update)
	$(BIN)/python -m benchmarks.losses $(if $(UPDATE),--update)

gpu-check:                         ## on an NVIDIA GPU machine: GPU tests, notebooks, benchmark (GPU_CHECK_PYTHON=python3: offline)
	sh scripts/gpu_check.sh

gpu-wheels:                        ## with internet: the wheels gpu-check installs on an offline GPU machine (gpu-wheels/)
	sh scripts/prepare_gpu_wheels.sh

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
