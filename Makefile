# kagglekit: `make run` (main job), `make submit` (run + upload), `make test` (test suite).
PYTHON ?= python3
# make run COMPETITION=NAME: any competition with DATA_DIR/NAME/{train,test,sample_submission}.csv
COMPETITION ?=
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help setup run submit test lint bench clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

setup: $(STAMP)  ## create .venv and install kagglekit with its dev tools

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kagglekit needs Python 3.11 or newer: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: setup  ## titanic-dnn: CV, report, saved model, submission (COMPETITION=NAME: a run folder with the report, fold models and predictions, and a blended submission)
	$(BIN)/kagglekit run $(if $(COMPETITION),--competition $(COMPETITION))

submit: run  ## `make run`, then upload the newest submission (COMPETITION, default titanic)
	$(BIN)/kagglekit submit --competition $(or $(COMPETITION),titanic)

test: setup  ## the test suite, in two processes (slow real-data training is marked and small)
	$(BIN)/python -m pytest -q -n 2

lint: setup  ## ruff
	$(BIN)/ruff check src tests benchmarks scripts

bench: setup  ## benchmarks (one JSON line each)
	$(BIN)/python benchmarks/titanic_cv.py
	$(BIN)/python benchmarks/car_cv.py
	$(BIN)/python benchmarks/regression.py
	$(BIN)/python benchmarks/predict_latency.py
	$(BIN)/python benchmarks/titanic_search.py
	$(BIN)/python benchmarks/cv_memory.py
	$(BIN)/python benchmarks/tabular_suite.py
	$(BIN)/python benchmarks/tabular_scale.py --flights
	$(BIN)/python benchmarks/competitions.py --out data/competitions

clean:  ## remove the virtual environment and caches (keeps models/, submissions/, reports/)
	rm -rf $(VENV) .pytest_cache .ruff_cache src/*.egg-info
