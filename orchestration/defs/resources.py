"""Dagster resources, built for each run from a `Settings` value (config.py)."""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version
from pydantic import PrivateAttr

from orchestration.config import Settings
from orchestration.connectors import SourceChoice, choose
from orchestration.defs.transform.project import dbt_project
from orchestration.engines import engine_for
from orchestration.engines.base import Engine, WarehouseLock
from orchestration.progress import Tracker, tracker


class IcpDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up costs this project never uses.

    Before every command dagster-dbt runs `dbt --version` in a subprocess (which also asks PyPI
    for the latest release) and builds an in-process dbt adapter, used only by
    `fetch_row_counts`/`fetch_column_metadata`. DuckDB could not serve those anyway while dbt
    holds the file, so metadata is read after the build (defs/transform/metadata.py). Skipping
    both saves about 8 s per refresh; the version comes from the installed dbt-core package, which
    the lock file pins.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


class WarehouseResource(dg.ConfigurableResource):
    """The input directory and the warehouse a refresh builds (`target`: duckdb or spark).

    The resource owns the warehouse lock for its run: the first step takes it (`lock`), and
    Dagster's teardown of the run's resources releases it, after the last step, whether the run
    succeeded or not. The refresh job runs every step in one process, so one resource instance
    serves them all.
    """

    data_dir: str
    path: str
    lock_timeout_seconds: float = 900.0
    export_parquet_dir: str | None = None
    target: str = "duckdb"
    crm: str | None = None
    billing: str | None = None
    _lock: WarehouseLock | None = PrivateAttr(default=None)

    @property
    def engine(self) -> Engine:
        """A DuckDB file (published atomically) or, on the spark target, a directory of Parquet
        tables."""
        return engine_for(self.target, Path(self.path))

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    def source_choice(self) -> SourceChoice:
        """Where the CRM and billing tables come from: `crm`/`billing` when set, else detected
        from the input directory (connectors.py). Each step asks; the answer depends only on
        the settings and the directory, which a run does not change."""
        return choose(self.data_path, self.crm, self.billing)

    def lock(self) -> None:
        """Hold the warehouse lock until this run ends (waits up to `lock_timeout_seconds`)."""
        if self._lock is None:
            lock = WarehouseLock(self.engine, self.lock_timeout_seconds)
            lock.acquire()
            self._lock = lock

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class ProgressResource(dg.ConfigurableResource):
    """How a run shows the dbt build's progress (orchestration/progress.py): `none` (the code
    location, the tests, `--verbose`), `bar` (a terminal) or `lines` (cron, CI); the CLI sets it."""

    style: str = "none"
    every_seconds: float = 5.0

    def tracker(self) -> Tracker:
        return tracker(self.style, self.every_seconds)


class AlertsResource(dg.ConfigurableResource):
    """Where a drift alert is posted besides the log (ICP_ALERT_WEBHOOK_URL)."""

    webhook_url: str | None = None


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The resources of one refresh (or of the code location), from its settings."""
    return {
        # The dbt of this environment, found without relying on an activated venv or PATH.
        "dbt": IcpDbtCliResource(
            project_dir=dbt_project,
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
            target=settings.dbt_target,
        ),
        "warehouse": WarehouseResource(
            data_dir=str(settings.data_dir),
            path=str(settings.warehouse),
            export_parquet_dir=str(settings.export_parquet_dir)
            if settings.export_parquet_dir
            else None,
            target=settings.dbt_target,
            crm=settings.crm,
            billing=settings.billing,
        ),
        "alerts": AlertsResource(webhook_url=settings.alert_webhook_url),
        "progress": ProgressResource(style=settings.progress),
    }
