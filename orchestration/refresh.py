"""The one refresh path: the `refresh` job of the definitions built for a `Settings` value.

`icp refresh`, `icp backfill-drift` and the tests run it here, in process; the schedule, the
sensor and the UI launch the same job in the code location. Every engine goes through it.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator

import dagster as dg

from orchestration.config import Settings
from orchestration.definitions import build_definitions
from orchestration.defs.transform.assets import DBT_STEP


def run_config(settings: Settings, as_of: str | None, dbt_vars: dict[str, float]) -> dict:
    """The run config of one refresh: the dbt step's per-run values and the console log level.
    dbt's own lines go where `output_sink` sends them: nowhere unless verbose, so dbt does not
    write them either, and its log file keeps the info level (errors, node results) unless
    verbose (every SQL statement)."""
    models = {
        "as_of_date": as_of,
        "dbt_vars": dict(dbt_vars),
        "date_formats": dict(settings.date_formats),
        "dbt_log_level": "info" if settings.verbose else "none",
        "dbt_log_level_file": "debug" if settings.verbose else "info",
    }
    return {
        "ops": {DBT_STEP: {"config": models}},
        "loggers": {"console": {"config": {"log_level": settings.console_log_level}}},
    }


def output_sink(settings: Settings):
    """Where dbt's progress lines go: stderr when verbose, else nowhere. stdout carries only what
    the caller prints (the summary, for scripts to read), and a failure is explained in one
    message (orchestration/failures.py)."""
    return sys.stderr if settings.verbose else io.StringIO()


@contextlib.contextmanager
def dagster_instance(settings: Settings) -> Iterator[dg.DagsterInstance]:
    """The instance that records the run: DAGSTER_HOME's when set (the run then shows in the UI),
    else an in-memory one. Recording costs about 10 s a refresh: SQLite storage opens a connection
    per event and a refresh has a few hundred."""
    if settings.dagster_home is not None:
        with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
            yield instance
    else:
        with dg.DagsterInstance.ephemeral() as instance:
            yield instance


def run_refresh(
    settings: Settings, as_of: str | None = None, dbt_vars: dict[str, float] | None = None
) -> dg.ExecuteInProcessResult:
    """Materialize the refresh job in process with these settings; the result says how it went."""
    job = build_definitions(settings).resolve_job_def("refresh")
    config = run_config(settings, as_of, dbt_vars or {})
    with dagster_instance(settings) as instance, contextlib.redirect_stdout(output_sink(settings)):
        return job.execute_in_process(run_config=config, instance=instance, raise_on_error=False)
