# Two commands do everything: `make reproduce` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export HF_DATASETS_DISABLE_PROGRESS_BARS := 1
export PYTHONHASHSEED := 0

.PHONY: help setup reproduce test check report benchmark lint clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed (found $$($(PYTHON) --version))"; exit 1; }
	@echo "Setting up $(VENV) (pinned versions from requirements.txt; about a minute) ..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv with the pinned environment

reproduce: $(STAMP)  ## rebuild data, models, figures and results by running every notebook
	$(PY) -m stance.reproduce

test: $(STAMP)  ## unit tests, command-line tests and nbval over every notebook
	$(PY) -m pytest tests
	$(PY) -m pytest --nbval --nbval-current-env -p no:cacheprovider notebooks

check: $(STAMP)  ## rebuild a clean clone of HEAD and report every file that differs (exit 1)
	$(PY) -m stance.reproduce --check

report: $(STAMP)  ## render the executed notebooks to a static HTML site in report/
	$(PY) -m stance.report

benchmark: $(STAMP)  ## time every notebook and `stance predict`/`train` on this machine (results/runtime.md, results/speed.md)
	$(PY) benchmarks/runtime.py
	$(PY) benchmarks/speed.py
	$(PY) -c 'from stance.results import update_readme; update_readme()'

lint: $(STAMP)  ## ruff over the package, tests and notebooks
	$(PY) -m ruff check src tests notebooks benchmarks

clean:  ## remove the environment, caches and rebuilt models (keeps committed results)
	rm -rf $(VENV) .cache models report .pytest_cache .ruff_cache
