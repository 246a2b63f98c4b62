"""The raw tables: each input file checked against the contract and registered as a view.

This is the first step of a refresh, and the only one that touches the input directory: it takes
the warehouse lock, starts the working file, and stops the run before any model builds when a file
is missing, unreadable or lacks a required column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dagster as dg

from orchestration import manifest
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.translator import OWNER, raw_asset_key
from orchestration.raw_files import RawFile, RawTable

RAW_TABLES: list[RawTable] = manifest.contract()


def raw_spec(table: RawTable) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=raw_asset_key(table.name),
        description=(
            f"{table.description} Raw file `{table.name}.csv` (or `.parquet`) in the data "
            "directory, read in place as the view `raw."
            f"{table.name}` with every column as text."
        ),
        group_name="raw",
        owners=[OWNER],
        kinds={"csv", "duckdb"},
        metadata={
            "dagster/column_schema": dg.TableSchema(
                columns=[
                    dg.TableColumn(
                        name=column,
                        type="text",
                        description="required" if column in table.required else "optional",
                    )
                    for column in table.columns
                ]
            ),
        },
    )


def file_metadata(found: RawFile) -> dict[str, Any]:
    return {
        "path": dg.MetadataValue.path(str(found.path)),
        "format": found.format,
        "size_bytes": found.size_bytes,
        "dagster/row_count": found.rows,
        "modified_at": datetime.fromtimestamp(found.modified_at, tz=UTC).isoformat(),
    }


@dg.multi_asset(
    specs=[raw_spec(table) for table in RAW_TABLES],
    name="raw_tables",
    description="Check every input file against the contract and register it as a raw view.",
)
def raw_tables(warehouse: WarehouseResource):
    warehouse.lock()
    engine = warehouse.engine
    engine.start_build(manifest.incremental_relations())
    found = engine.register_raw(RAW_TABLES, warehouse.data_path)
    for raw_file in found:
        yield dg.MaterializeResult(
            asset_key=raw_asset_key(raw_file.table), metadata=file_metadata(raw_file)
        )
