"""The engines a refresh builds on, by dbt profile target: one module each, one interface (base)."""

from __future__ import annotations

from pathlib import Path

from orchestration.engines.base import Engine
from orchestration.engines.duckdb import DuckDBWarehouse

TARGETS = ("duckdb", "spark")


def engine_for(target: str, path: Path) -> Engine:
    """The warehouse at `path` on the engine of the profile target `target`."""
    if target == "spark":
        # Imported here: the DuckDB engine must not need the spark extra.
        from orchestration.engines.spark import SparkWarehouse

        return SparkWarehouse(path)
    return DuckDBWarehouse(path)
