"""The published warehouse: what BI tools read, replaced atomically when a refresh succeeds."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration import manifest
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.translator import OWNER, IcpTranslator
from orchestration.engines.duckdb import export_parquet


def mart_keys() -> list[dg.AssetKey]:
    """The dbt models in schema `marts`: the interface the published file serves."""
    translator = IcpTranslator()
    return sorted(
        (translator.get_asset_key(node) for node in manifest.mart_models()),
        key=lambda key: key.path,
    )


@dg.asset(
    key="icp_warehouse",
    deps=mart_keys(),
    group_name="serving",
    owners=[OWNER],
    kinds={"duckdb"},
    description=(
        "The published DuckDB warehouse BI tools read (schema `marts`). A refresh builds a private "
        "working copy and replaces this file atomically only when the build and its checks pass."
    ),
)
def icp_warehouse(warehouse: WarehouseResource) -> dg.MaterializeResult:
    building = warehouse.engine
    building.publish()
    metadata: dict[str, object] = {
        "path": dg.MetadataValue.path(str(building.path)),
        "size_bytes": building.size_bytes(),
    }
    if warehouse.export_parquet_dir:
        with building.read_published() as conn:
            files = export_parquet(conn, Path(warehouse.export_parquet_dir))
        metadata["parquet_export"] = dg.MetadataValue.path(warehouse.export_parquet_dir)
        metadata["parquet_files"] = len(files)
    return dg.MaterializeResult(metadata=metadata)
