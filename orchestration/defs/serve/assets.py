"""The published warehouse: what BI tools read, replaced atomically when a refresh succeeds."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg

from orchestration import manifest
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.translator import OWNER, IcpTranslator
from orchestration.engines.duckdb import export_parquet


def published_keys() -> list[dg.AssetKey]:
    """The assets of the tables the published file holds: the marts and the published lookups."""
    translator = IcpTranslator()
    return [translator.get_asset_key(node) for node in manifest.published_nodes()]


@dg.asset(
    key="icp_warehouse",
    deps=published_keys(),
    group_name="serving",
    owners=[OWNER],
    kinds={"duckdb"},
    description=(
        "The published DuckDB warehouse BI tools read: schema `marts` and the `reference` lookups "
        "dashboards join, as tables, nothing else. A refresh builds every layer into a private "
        "build file (`.icp-build/`, owner-only: it holds personal data) and, only when the build "
        "and its checks pass, writes these tables into a fresh file that replaces this one "
        "atomically."
    ),
)
def icp_warehouse(warehouse: WarehouseResource) -> dg.MaterializeResult:
    building = warehouse.engine
    relations = manifest.published_relations()
    started = time.perf_counter()
    building.publish(relations)
    metadata: dict[str, object] = {
        "path": dg.MetadataValue.path(str(building.path)),
        "size_bytes": building.size_bytes(),
        "publish_seconds": round(time.perf_counter() - started, 3),
        "published_tables": dg.MetadataValue.md("\n".join(f"- `{name}`" for name in relations)),
        "build_dir": dg.MetadataValue.path(str(building.working_dir)),
    }
    if warehouse.export_parquet_dir:
        with building.read_published() as conn:
            files = export_parquet(conn, Path(warehouse.export_parquet_dir), relations)
        metadata["parquet_export"] = dg.MetadataValue.path(warehouse.export_parquet_dir)
        metadata["parquet_files"] = len(files)
    return dg.MaterializeResult(metadata=metadata)
