"""Dagster resources, configured from the environment (see settings.py for the defaults)."""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version

from orchestration.config import Settings
from orchestration.engines.duckdb import Building, SparkWarehouse, Warehouse
from orchestration.project import dbt_project


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
    """The input directory and the warehouse a refresh builds (`target`: duckdb or spark)."""

    data_dir: str
    path: str
    lock_timeout_seconds: float = 900.0
    export_parquet_dir: str | None = None
    target: str = "duckdb"

    @property
    def warehouse(self) -> Building:
        """A DuckDB file (published atomically) or, on the spark target, a directory of Parquet
        tables."""
        return (
            SparkWarehouse(Path(self.path))
            if self.target == "spark"
            else Warehouse(Path(self.path))
        )

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)


def build_resources() -> dict[str, dg.ConfigurableResource]:
    settings = Settings.from_env()
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
        ),
    }
