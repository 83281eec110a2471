# Both entry points create .venv on first use, so a fresh machine needs only Python.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check lint typecheck docs clean bench examples

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,docs]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/python examples/quickstart.py

# Every example, against the embedded mock server (or the real provider named by
# CHATPLEX_MODEL, with its key set). The FastAPI one needs the dev (or examples) extra.
examples: $(VENV)/.installed-dev
	@for script in examples/[!_]*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check chatplex tests examples
	$(BIN)/ruff format --check chatplex tests examples
	$(BIN)/lint-imports  # the one-way layers of ARCHITECTURE.md (pyproject [tool.importlinter])

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

check: lint typecheck

# The documentation site (mkdocs.yml, docs/): warnings are errors, so a broken link or an
# API name that no longer resolves fails `make test`. Built into site/ (not committed).
docs: $(VENV)/.installed-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# -n auto: one pytest worker per core (pytest-xdist); loadgroup keeps the Ray tests on
# one worker, so one local cluster is started.
test: check docs
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

# Not part of `test`: ~8 minutes. The peers get their own venv (LiteLLM another: it needs
# openai < 3); the chart is drawn beside the JSON. BENCH_ARGS=--quick for a smoke run.
# chatplex runs from bench/.chatplex-venv: `pip install .` (no dev extras), as a user
# has it; .venv's dev tools would add ~7 MB. run.py puts this checkout first on its path.
bench: $(VENV)/.installed
	test -x bench/.chatplex-venv/bin/python || $(PYTHON) -m venv bench/.chatplex-venv
	bench/.chatplex-venv/bin/python -m pip install --quiet .
	test -x bench/.peers-venv/bin/python || $(PYTHON) -m venv bench/.peers-venv
	bench/.peers-venv/bin/python -m pip install --quiet -r bench/requirements-peers.txt
	test -x bench/.litellm-venv/bin/python || $(PYTHON) -m venv bench/.litellm-venv
	bench/.litellm-venv/bin/python -m pip install --quiet -r bench/requirements-litellm.txt
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache site
