"""The one refresh path: the `refresh` job of the definitions built for a `Settings` value.

`icp refresh`, `icp backfill-drift` and the tests run it here, in process; the schedule, the
sensor and the UI launch the same job in the code location. Every engine goes through it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import dagster as dg

from orchestration.config import Settings
from orchestration.definitions import build_definitions
from orchestration.defs.transform.assets import DBT_STEP


def run_config(as_of: str | None, dbt_vars: dict[str, float], log_level: str) -> dict:
    """The run config of one refresh: the dbt step's per-run values and the console log level."""
    return {
        "ops": {DBT_STEP: {"config": {"as_of_date": as_of, "dbt_vars": dict(dbt_vars)}}},
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }


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
    """Materialize the refresh job in process with these settings; the result says how it went.

    dbt's progress lines go to stderr: stdout carries only what the caller prints."""
    job = build_definitions(settings).resolve_job_def("refresh")
    config = run_config(as_of, dbt_vars or {}, settings.log_level)
    with dagster_instance(settings) as instance, contextlib.redirect_stdout(sys.stderr):
        return job.execute_in_process(run_config=config, instance=instance, raise_on_error=False)
