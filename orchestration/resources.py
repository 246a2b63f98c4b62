"""Dagster resources, configured from the environment (see settings.py for the defaults)."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.project import dbt_project
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The input directory and the published DuckDB warehouse a refresh builds."""

    data_dir: str
    path: str
    lock_timeout_seconds: float = 900.0

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse(Path(self.path))

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)


def build_resources() -> dict[str, dg.ConfigurableResource]:
    settings = Settings.from_env()
    return {
        # The dbt of this environment, found without relying on an activated venv or PATH.
        "dbt": DbtCliResource(
            project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
        ),
        "warehouse": WarehouseResource(
            data_dir=str(settings.data_dir), path=str(settings.warehouse)
        ),
    }
