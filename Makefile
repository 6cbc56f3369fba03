# Two commands do everything: `make reproduce` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export HF_DATASETS_DISABLE_PROGRESS_BARS := 1
export PYTHONHASHSEED := 0

.PHONY: help setup lock corpora reproduce test check report adapt benchmark benchmark-tweeteval tweeteval-designs tweeteval-search lint clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

# The stamp holds the checkout it was made for: a .venv copied from another checkout would import
# that checkout's code (and write into its folders), so a stamp naming another folder sets up again.
ifneq ($(shell cat $(STAMP) 2>/dev/null),$(CURDIR))
.PHONY: $(STAMP)
endif
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed (found $$($(PYTHON) --version))"; exit 1; }
	@echo "Setting up $(VENV) (pinned versions from requirements.txt; about a minute) ..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@echo "$(CURDIR)" > $(STAMP)

setup: $(STAMP)  ## create .venv with the pinned environment

# --- make lock: re-pin requirements.txt ------------------------------------------------------
# environment.yml names the packages the project uses directly, each with its version: to add,
# drop or upgrade one, edit it there, then `make lock`. The packages (and the project's own
# dependencies from pyproject.toml) are installed into a new, empty virtual environment, so
# pip resolves everything they pull in afresh (network needed), and `pip freeze` of that
# environment becomes requirements.txt, sorted, under its header comment. The next make target
# then rebuilds .venv from it; tests/test_environment.py checks that the two files agree.
LOCK_VENV := .cache/lock-venv
lock:  ## re-pin requirements.txt: environment.yml's packages in a clean venv, pip freeze (network)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed (found $$($(PYTHON) --version))"; exit 1; }
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	sed -n 's/^ *- *\([A-Za-z0-9_.-]*==[^ #]*\).*/\1/p' environment.yml > $(LOCK_VENV)/direct.txt
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(LOCK_VENV)/direct.txt -e .
	{ grep '^#' requirements.txt; $(LOCK_VENV)/bin/python -m pip freeze --all --exclude-editable --disable-pip-version-check \
	  | grep -v '^pip==' | $(LOCK_VENV)/bin/python -c 'import sys; sys.stdout.writelines(sorted(sys.stdin, key=str.lower))'; \
	} > $(LOCK_VENV)/requirements.txt
	mv $(LOCK_VENV)/requirements.txt requirements.txt
	rm -rf $(LOCK_VENV)
	@echo "requirements.txt re-pinned; git diff requirements.txt shows what changed."

# The public corpora of real statements, fetched (and checked against data/real/*_manifest.csv)
# when missing: from $$STANCE_UNGDC / $$STANCE_PRESIDENTIAL / $$STANCE_MIDE22 / $$STANCE_SATIRETR
# when set, else from the publishers.
CORPORA := data/external/ungdc data/external/presidential data/external/mide22 data/external/aa
data/external/%: data/real/%_manifest.csv | $(STAMP)
	$(PY) -m stance corpus fetch $*
data/external/ungdc: data/real/ungdc_files.csv

corpora: $(CORPORA)  ## fetch the UN speeches, press releases, MiDe22 tweets and AA news if missing

reproduce: $(STAMP) $(CORPORA)  ## rebuild data, models, figures and results by running every notebook
	$(PY) -m stance reproduce

test: $(STAMP) $(CORPORA)  ## unit tests, command-line tests, nbval over every notebook, docstring examples
	$(PY) -m pytest -n auto tests
	@mkdir -p .cache && find data/statements figures results -type f | LC_ALL=C sort | xargs sha256sum > .cache/outputs.sha256
	$(PY) -m pytest --nbval --nbval-current-env -p no:cacheprovider notebooks
	$(PY) -m pytest --doctest-modules -p no:cacheprovider src/stance
	@sha256sum --quiet --check .cache/outputs.sha256 || { echo "make test: re-running the notebooks changed the files above (not byte-reproducible)"; exit 1; }

check: $(STAMP) $(CORPORA)  ## rebuild a clean clone of HEAD and report every file that differs (exit 1)
	$(PY) -m stance check

report: $(STAMP)  ## render the executed notebooks to a static HTML site in report/
	$(PY) -m stance report

# --- make adapt: the whole flow on any labelled CSV (notebooks/adapt_template.ipynb) --------
# LANG is also the shell's locale variable, so only a LANG given on the command line counts.
ADAPT_LANG = $(if $(filter command line,$(origin LANG)),$(LANG),en)
OUT    ?= build/adapt
TARGET ?= $(LABEL)

# stance adapt checks the CSV and the parameters before any kernel starts (one-line errors, exit
# 2), runs the template, writes its HTML copy and prints the headline scores.
adapt: $(STAMP)  ## the whole flow on your CSV (DATA= TEXT= LABEL= [GROUP= LANG= TARGET= OUT=])
	@test -n "$(DATA)" -a -n "$(TEXT)" -a -n "$(LABEL)" || { echo "stance: error: DATA, TEXT and LABEL are required (make adapt DATA=file.csv TEXT=column LABEL=column [GROUP=column] [LANG=en] [TARGET=name] [OUT=build/adapt])" >&2; exit 2; }
	@$(PY) -m stance adapt --data "$(DATA)" --text-column "$(TEXT)" --label-column "$(LABEL)" \
	  $(if $(GROUP),--group-column "$(GROUP)") --lang "$(ADAPT_LANG)" --target "$(TARGET)" \
	  --out "$(OUT)"

benchmark: $(STAMP)  ## time every notebook (BASELINE=ref to compare with an older commit) and stance predict against scikit-learn (results/runtime.md, results/speed.md)
	$(PY) -m benchmarks.runtime $(if $(BASELINE),--baseline $(BASELINE))
	$(PY) -m benchmarks.speed
	$(PY) -c 'from stance.results import update_readme; update_readme()'

benchmark-tweeteval: $(STAMP)  ## the TweetEval stance benchmark on the folder in STANCE_TWEETEVAL -> results/tweeteval*
	@test -n "$$STANCE_TWEETEVAL" || { echo "make benchmark-tweeteval: set STANCE_TWEETEVAL to a copy of TweetEval's datasets/stance folder"; exit 2; }
	$(PY) -m stance benchmark tweeteval --path "$$STANCE_TWEETEVAL" --results-dir results
	$(PY) -c 'from stance.results import update_readme; update_readme()'

tweeteval-designs: $(STAMP)  ## re-score the TweetEval designs by cross-validation on train + val (about 5 min) -> results/tweeteval_designs.*
	@test -n "$$STANCE_TWEETEVAL" || { echo "make tweeteval-designs: set STANCE_TWEETEVAL to a copy of TweetEval's datasets/stance folder"; exit 2; }
	$(PY) -m benchmarks.tweeteval_designs --path "$$STANCE_TWEETEVAL"

tweeteval-search: $(STAMP)  ## a wider two-stage search of the TweetEval model's settings on train + val (about 15 min) -> results/tweeteval_search.*
	@test -n "$$STANCE_TWEETEVAL" || { echo "make tweeteval-search: set STANCE_TWEETEVAL to a copy of TweetEval's datasets/stance folder"; exit 2; }
	$(PY) -m benchmarks.tweeteval_search --path "$$STANCE_TWEETEVAL"

lint: $(STAMP)  ## ruff: lint the package, tests, notebooks and benchmarks; check their formatting
	$(PY) -m ruff check src tests notebooks benchmarks
	$(PY) -m ruff format --check src tests benchmarks

clean:  ## remove the environment, caches and rebuilt models (keeps committed results)
	rm -rf $(VENV) .cache models report .pytest_cache .ruff_cache
