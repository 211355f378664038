# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHAINLP_OFFLINE := 1

.PHONY: install install-dev run db test bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

db: install
	$(PY) -m bot db upgrade

# The whole product in one process on SQLite (web, outbox worker and announcement clock as threads; see
# gunicorn.conf.py): the web chat is at http://localhost:5000/chat (PORT and HOST change where it listens);
# LINE and Messenger stay off without credentials.
run: db
	WEB_CONCURRENCY=$${WEB_CONCURRENCY:-1} $(VENV)/bin/gunicorn app:app

# Two processes (pytest-xdist): the suite's databases, servers and ports are each test's own.
test: install-dev
	$(PY) -m pytest -n $${TEST_PROCESSES:-2}

# `make bench BENCH_ARGS='--only latency --quick'`: see bench/README.md
bench: install-dev
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache
