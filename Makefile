# Two commands do everything on a fresh machine with Python 3.11+: `make demo` and `make test`.
# `make check` is the fast layer (lint and unit tests) to run before every commit.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo .tools/uv/bin/uv)
export PYTHONDONTWRITEBYTECODE :=

.PHONY: install demo check lint lint-python lint-sql lint-sql-all unit test dev bench seeds clean

# uv from PyPI when the machine has none; the lock file decides every version.
.tools/uv/bin/uv:
	python3 -m venv .tools/uv
	.tools/uv/bin/pip install --quiet uv==0.13.9

$(BIN)/icp: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

# dagster-dbt reads the dbt manifest (manifest.json) when the definitions load: prepare it at
# install time. A refresh loads the same parse instead of parsing
# (orchestration/defs/transform/in_process.py): a copy of dbt's partial-parse file, made right
# after this parse, since any later `dbt` run in the project rewrites that file with its own vars.
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)
SHIPPED_MANIFEST := dbt_project/target/icp_shipped_manifest.msgpack
$(SHIPPED_MANIFEST): $(BIN)/icp $(DBT_SOURCES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir .
	cp dbt_project/target/partial_parse.msgpack $@

install: $(BIN)/icp $(SHIPPED_MANIFEST)

# The demo's runs are recorded in the instance `make dev` opens (DAGSTER_HOME, about 10 s more a
# run), so the UI shows them on day one: the refresh at three past as-of dates a month apart (the
# drift history the plots draw), then at the latest event date; then the report.
DAGSTER_HOME_DIR := $(CURDIR)/.dagster_home
DEMO_BACKFILL := --from 2026-06-30 --to 2026-08-31 --every month

demo: install
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(BIN)/icp backfill-drift $(DEMO_BACKFILL)
	$(BIN)/icp report

# tests/test_ui.py (marker `browser`) renders the lineage page in headless Chromium (Debian's
# package); without root the install is skipped and that one test skips with its reason.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	-apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# tests/test_spark.py builds on Spark in this process: the `spark` extra (pyspark, dbt-spark) and
# a Java 17 runtime (Debian's package when the machine has none).
SPARK_EXTRA := $(VENV)/.spark-extra
$(SPARK_EXTRA): $(BIN)/icp
	$(UV) sync --frozen --extra spark --compile-bytecode
	@touch $@

JAVA := $(shell command -v java 2>/dev/null || echo /usr/bin/java)
$(JAVA):
	-apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless

# Python (ruff check and format) and SQL (sqlfluff with the dbt templater, dbt_project/.sqlfluff).
# sqlfluff's time is parsing and linting each file (about 2 s of CPU a file, half of it the layout
# rules), not templating: one process per core.
lint: lint-python lint-sql

lint-python: install
	$(BIN)/ruff check orchestration tests benchmarks
	$(BIN)/ruff format --check orchestration tests benchmarks

# Like ruff's cache, a clean lint is remembered: the stamp's time is the last clean lint, and a
# model or test file changed since then is linted alone. A change to anything that can alter how
# every file renders or is judged (macros, YAML, the reference CSVs, dbt_project.yml, profiles.yml,
# .sqlfluff, the lock file) lints them all, and so does a clean clone (no stamp): CI lints all.
SQL_FILES := $(filter dbt_project/models/%.sql dbt_project/tests/%.sql,$(DBT_SOURCES))
SQL_CONTEXT := $(filter-out $(SQL_FILES),$(DBT_SOURCES)) dbt_project/.sqlfluff uv.lock
# A second process costs about as much start-up (dbt's import and manifest) as 12 files' linting:
# one process per core from 16 files.
LINT_SQL_STAMP := dbt_project/target/.sqlfluff-clean
lint_sql_files = $(patsubst dbt_project/%,%,$(if $(filter $(SQL_CONTEXT),$?),$(SQL_FILES),$?))
$(LINT_SQL_STAMP): $(SQL_FILES) $(SQL_CONTEXT) | install
	cd dbt_project && ../$(BIN)/sqlfluff lint --processes $(if $(word 16,$(lint_sql_files)),0,1) \
	  $(lint_sql_files)
	@touch $@

lint-sql: $(LINT_SQL_STAMP)
	@echo "sqlfluff: every SQL file is clean (make lint-sql-all lints them all again)"

lint-sql-all:
	rm -f $(LINT_SQL_STAMP)
	$(MAKE) --no-print-directory lint-sql

# The unit layer: tests marked `unit` (no build, a few seconds).
unit: install
	$(BIN)/pytest -q -m unit

# Lint and the unit layer. The unit tests run beside sqlfluff: its first seconds (the dbt
# templater compiling the project) and pytest's collection each keep one core busy, so the two
# together finish sooner than one after the other; -Otarget keeps each one's output in one piece.
check: lint-python
	$(MAKE) --no-print-directory -j 2 -Otarget lint-sql unit

# The integration layer on TEST_WORKERS pytest-xdist workers: a refresh keeps about one core busy,
# so two workers fill a 2-core machine. `--dist loadfile` keeps each file on one worker, so a
# module's shared build is made once; a session build (conftest) at most once per worker.
TEST_WORKERS ?= 2
test: check $(SPARK_EXTRA) $(JAVA) $(CHROMIUM)
	$(BIN)/pytest -q -m "not unit" -n $(TEST_WORKERS) --dist loadfile --durations=10

# The UI and the runs it launches use the project's Dagster instance (telemetry off), the one
# `make demo` records in. `dg dev` is what Dagster 1.13 runs for `dagster dev`.
dev: install
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(BIN)/dg dev -w workspace.yaml -h 127.0.0.1 -p $${ICP_DAGSTER_PORT:-3000}

seeds: install
	$(BIN)/python -c "from orchestration.generator import write_demo; write_demo('seeds')"

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .tools dbt_project/target warehouse
