# Both entry points create .venv on first use, so a fresh machine needs only Python.
PYTHON ?= python3
VENV := .venv
# Five test workers per core (see `test`), at most one per 1.5 GiB of memory (the largest
# process of a whole run peaks near 1.3 GB).
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; \
	cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count(); \
	names = getattr(os, 'sysconf_names', {}); \
	memory = os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') if 'SC_PHYS_PAGES' in names else 0; \
	workers = 5 * (cores or 1); \
	print(max(1, min(workers, int(memory / 1.5 / 2**30)) if memory > 0 else workers))")
BIN := $(VENV)/bin

.PHONY: demo lock test check lint typecheck docs clean bench examples packaging-cache compat-wheel compat-install record-matrix record-partners

# The venv is made without pip: ensurepip unpacks and compiles it, ~5 s of an idle clean
# run and ~12 s of a loaded one, for the one wheel it would install, uv. uv installs the
# rest, and comes from this Python's own pip (`pip --python`, pip >= 22.3; ~1.5 s more
# than the venv's), or, where that fails (no pip, an older one), from the venv's after all.
$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)

$(BIN)/uv: $(BIN)/python
	$(PYTHON) -m pip --python $(BIN)/python install --quiet 'uv>=0.4' || \
		{ $(BIN)/python -m ensurepip --default-pip && $(BIN)/python -m pip install --quiet 'uv>=0.4'; }

$(VENV)/.installed: $(BIN)/uv pyproject.toml
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e .
	touch $@

# The tests' tools are the `dev` dependency group (PEP 735: not in the published metadata);
# the extras the tests use come with the checkout. uv installs them: on a clean clone this
# step took ~50 s with pip and ~7 s with uv (a warm cache each), and it is part of every
# CI run's `make test`. At the versions of the lock (decision 014): a fresh clone tests
# what main was tested and recorded with, not what the index holds that day.
# No --compile-bytecode: the bytecode of what runs is written as it is first imported (the
# pytest run writes it, see `test`), most of it once, by the process that imports the
# libraries before the workers fork (tests/_worker_zygote.py). Having uv compile every
# installed module instead took 34 s of wall and 38 s of CPU on a clean clone, where the
# install takes 9 s and 7 s without it, and the collection that then compiles what it
# imports costs ~5 s of CPU more (measured idle, a warm uv cache, both on one machine).
DEV_LOCK := requirements-dev.lock
$(VENV)/.installed-dev: $(BIN)/uv pyproject.toml $(DEV_LOCK)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[docs,ray,vertexai]' \
		--group dev --constraints $(DEV_LOCK)
	touch $(VENV)/.installed $@

# The lock moved to the newest versions that install together, with .installed-dev's
# extras, for every Python the tests run on (3.11 and up: deepagents' floor). Then
# `make test`; a moved LangChain distribution (or one they require) needs
# `make record-matrix record-partners` too.
lock: $(BIN)/uv
	$(BIN)/uv pip compile --quiet pyproject.toml --extra docs --extra ray --extra vertexai --group dev \
		--universal --python-version 3.11 --upgrade --custom-compile-command 'make lock' \
		-o $(DEV_LOCK)

demo: $(VENV)/.installed
	$(BIN)/python examples/quickstart.py

# Every example, against the embedded mock server (or the real provider named by
# CHATPLEX_MODEL, with its key set). The FastAPI one needs the dev (or examples) extra.
examples: $(VENV)/.installed-dev
	@for script in examples/[!_]*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check chatplex tests examples bench
	$(BIN)/ruff format --check chatplex tests examples bench
	$(BIN)/lint-imports  # the one-way layers of ARCHITECTURE.md (pyproject [tool.importlinter])

# mypy's incremental cache is kept outside the checkout, one for every checkout of this
# machine, as uv keeps its own: mypy checks a cached module again when its source's hash,
# mypy's version or its options differ, whatever path the source is read from. A clean
# clone (CI's is a new directory each run) then checks again only what changed since the
# last check: measured on a loaded host, 32 s of CPU cold, 1 s from another checkout's cache.
# MYPY_CACHE=.mypy_cache keeps it in the checkout.
MYPY_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/chatplex-mypy

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy --cache-dir '$(MYPY_CACHE)'

check: lint typecheck

# The documentation site (mkdocs.yml, docs/): warnings are errors, so a broken link or an
# API name that no longer resolves fails `make test` (tests/test_docs_site.py builds it
# so, unless site/ is newer than every source). Built into site/ (not committed).
docs: $(VENV)/.installed-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# tests/test_packaging.py installs the built wheel and each extra into a fresh venv with
# `uv pip install --offline` (tests never reach the network): this fills uv's cache with
# every extra's packages first, from the package index, as .installed-dev does for .venv.
# Cheap once warm (uv links from its cache); the extras are read from pyproject.toml.
packaging-cache: $(VENV)/.installed-dev
	rm -rf $(VENV)/packaging-warm
	$(BIN)/uv venv --quiet --python $(BIN)/python $(VENV)/packaging-warm
	extras=$$($(BIN)/python -c "import tomllib; d = tomllib.load(open('pyproject.toml', 'rb')); \
		print(','.join(sorted(set(d['project']['optional-dependencies']) - {'docs'})))"); \
	$(BIN)/uv pip install --quiet --python $(VENV)/packaging-warm/bin/python ".[$$extras]"
	rm -rf $(VENV)/packaging-warm

# The wheel installed where the metadata says it works, from the package index: on the
# lowest and the highest Python of the classifiers (found by version in pyenv or on PATH;
# a missing one fails naming it), with every required dependency at its declared floor,
# then at the newest; in each, a call through every dependency against the embedded mock
# server (.ci/compat_call.py, run from outside the checkout); then each extra resolved
# at its floors on both Pythons (not installed). 2-4 min on a warm uv cache.
COMPAT_INSTALL = $(BIN)/python .ci/compat_install.py --uv $(BIN)/uv --wheel $(VENV)/compat-dist/chatplex-*.whl

compat-wheel: $(VENV)/.installed-dev
	rm -rf $(VENV)/compat-dist
	$(BIN)/python -m build --quiet --wheel --no-isolation --outdir $(VENV)/compat-dist .

compat-install: compat-wheel
	$(COMPAT_INSTALL)

# -n $(TEST_WORKERS): five pytest workers per core (pytest-xdist). Much of a worker's time
# is spent waiting (deadlines, servers, subprocesses, Ray), not computing: measured on 2
# cores, 2 workers used 58 % of the CPU and took 6.1 min, 4 workers the same CPU in 4.7
# min. On a shared machine the workers also hold their share of the cores beside other
# load: clean clones of one tree with one core pegged, run one after another, took 9:53
# on 8 workers, 9:15 on 10, 10:53 on 8, 9:50 and 11:18 on 10 (the host drifts; decision
# 012 reads them per CPU second: ~3 % to 10); idle, 9:12 on 8 and 8:51 on 10. Each
# worker has its own collection (~15 s of CPU), imports and module fixtures, so more is
# not always faster: on an earlier commit, idle, 4 workers took 8:04 where 8 took 9:03.
# loadgroup keeps the Ray tests on one worker, so one local cluster is started.
# --no-loadscope-reorder: the scheduler keeps the order tests/conftest.py gives, its own
# (the largest groups first) but for the Ray group, first of all: one worker's for ~220 s
# of a loaded run, it ends long before the run does and its cluster is stopped then.
# Bytecode is written for this run even where
# PYTHONDONTWRITEBYTECODE is set: otherwise each worker, and each interpreter a test
# starts (docs blocks, examples, benches, Ray workers), compiles chatplex and re-rewrites
# the asserts of every module pytest rewrites (__pycache__/ is git-ignored).
# --durations=25: the slowest tests are named in every run, where test time goes.
#
# Nothing else runs before pytest: the steps that do not feed its processes run beside
# it, each one's output kept in a log and shown whole after pytest, and `test` fails if
# any failed (none can hide another). They wait on the package index and on disk, pytest
# on the CPU: run first, one after another, they held pytest back ~10-25 s on a clean
# clone (the packaging cache the longest), and the CPU they use (lint ~2 s, mypy ~40 s
# on a cold cache, what CI has) is taken beside the workers' start.
# - lint, then typecheck (`make -k`: both run, either fails it); `make check` runs them at once.
# - packaging-cache: tests/test_packaging.py installs from uv's cache, so its uv calls wait
#   for this step's exit status (CHATPLEX_PACKAGING_CACHE_DONE names the file it is
#   written to) and fail with it if it failed.
# - compat-wheel, then compat-install: skipped locally while pyproject.toml, the lock
#   files, the two scripts and the Pythons are those of the last run that passed
#   (.venv/compat-install.stamp: 2-4.5 min of waiting, ~12 s of CPU, for what only those
#   decide); with CI=true it always runs.
# The site is built by tests/test_docs_site.py (strict, on the one worker of its group)
# where site/ is older than a source, as `make docs` built it before pytest (~20 s).
CACHE_EXIT = $(CURDIR)/$(VENV)/packaging-cache.exit
test: $(VENV)/.installed-dev
	@rm -f $(CACHE_EXIT); \
	{ $(MAKE) --no-print-directory packaging-cache; echo $$? > $(CACHE_EXIT).new; \
		mv $(CACHE_EXIT).new $(CACHE_EXIT); } > $(VENV)/packaging-cache.log 2>&1 & cache=$$!; \
	{ $(MAKE) --no-print-directory compat-wheel && \
		$(COMPAT_INSTALL) --stamp $(VENV)/compat-install.stamp; } > $(VENV)/compat-install.log 2>&1 & installs=$$!; \
	$(MAKE) --no-print-directory -k lint typecheck > $(VENV)/check.log 2>&1 & checks=$$!; \
	CHATPLEX_PACKAGING_CACHE_DONE=$(CACHE_EXIT) env -u PYTHONDONTWRITEBYTECODE \
		$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder --durations=25; \
	tests=$$?; wait $$checks; checked=$$?; wait $$cache; wait $$installs; compat=$$?; \
	cached=$$(cat $(CACHE_EXIT) 2>/dev/null || echo 1); \
	echo "== make lint typecheck (ran beside pytest): exit $$checked"; \
	cat $(VENV)/check.log; \
	echo "== make packaging-cache (ran beside pytest): exit $$cached"; \
	cat $(VENV)/packaging-cache.log; \
	echo "== make compat-wheel compat-install (ran beside pytest): exit $$compat"; \
	cat $(VENV)/compat-install.log; \
	echo "== pytest: exit $$tests"; \
	test $$tests -eq 0 && test $$checked -eq 0 && test $$cached -eq 0 && test $$compat -eq 0

# The agents matrix's partner side recorded again (tests/langchain/agents_matrix/_recorded.py):
# `make test` replays a module's partner outcomes while nothing they depend on changed, and
# names at its end the modules it ran live for want of a fresh recording. ~3 minutes.
record-matrix: $(VENV)/.installed-dev
	CHATPLEX_RECORD_PARTNERS=1 $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup \
		--no-loadscope-reorder -p no:cacheprovider tests/langchain/agents_matrix

# The side-by-side suites' partner side recorded again (tests/partners/_replays.py): each
# `run_both` replays the partner's result and requests while nothing they depend on
# changed (chatplex's side always runs), and `make test` names at its end the modules it
# ran live for want of a fresh recording. The compat cases' LangChain side too
# (tests/compat/compat_replays.py): the ported script always runs. A few minutes.
record-partners: $(VENV)/.installed-dev
	CHATPLEX_RECORD_PARTNERS=1 $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup \
		--no-loadscope-reorder -p no:cacheprovider tests/partners tests/compat

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
