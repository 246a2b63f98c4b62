"""The raw tables: each input file checked against the contract and registered as a view.

This is the first step of a refresh, and the only one that touches the input directory: it takes
the warehouse lock, starts the working file, and stops the run before any model builds when a file
is missing, unreadable or lacks a required column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dagster as dg

from orchestration import connectors, manifest
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.translator import OWNER, connector_asset_key, raw_asset_key
from orchestration.raw_files import RawFile, RawTable

RAW_TABLES: list[RawTable] = manifest.contract()
CONNECTOR_TABLES: list[connectors.ConnectorTable] = manifest.connector_tables()


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


def connector_spec(table: connectors.ConnectorTable) -> dg.AssetSpec:
    """A connector table as its sync lands it: where the lineage to every mart starts."""
    return dg.AssetSpec(
        key=connector_asset_key(table.connector, table.name),
        description=(
            f"{table.description} Fivetran's `{table.connector}.{table.name}`: the file "
            f"`{table.connector}/{table.name}.csv` (or `.parquet`) in the data directory, or the "
            f"table in the `{table.connector}_schema` schema."
        ),
        group_name=table.connector,
        owners=[OWNER],
        kinds={table.connector, "duckdb"},
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


def asset_key_of(found: RawFile) -> dg.AssetKey:
    connector, _, table = found.table.rpartition(".")
    return connector_asset_key(connector, table) if connector else raw_asset_key(table)


def file_metadata(found: RawFile) -> dict[str, Any]:
    return {
        "path": dg.MetadataValue.path(str(found.path)),
        "format": found.format,
        "size_bytes": found.size_bytes,
        "dagster/row_count": found.rows,
        "modified_at": datetime.fromtimestamp(found.modified_at, tz=UTC).isoformat(),
    }


def raw_tables_specs() -> list[dg.AssetSpec]:
    return [raw_spec(table) for table in RAW_TABLES] + [
        connector_spec(table) for table in CONNECTOR_TABLES
    ]


@dg.multi_asset(
    specs=raw_tables_specs(),
    name="raw_tables",
    description="Check every input file against the contract and register it as a raw view.",
)
def raw_tables(warehouse: WarehouseResource):
    warehouse.lock()
    engine = warehouse.engine
    choice = warehouse.source_choice()
    data_dir = warehouse.data_path
    # Every connector table is located (or the run stops naming it) before anything is landed.
    landing = connectors.plan_landing(CONNECTOR_TABLES, RAW_TABLES, choice, data_dir)
    engine.start_build(manifest.incremental_relations())
    files = connectors.contract_tables_for_files(RAW_TABLES, choice, data_dir)
    found = engine.register_raw(files, data_dir, landing)
    read = {asset_key_of(raw_file): raw_file for raw_file in found}
    for key in (spec.key for spec in raw_tables_specs()):
        # Every raw asset reports, or the models downstream of an unreported one would be skipped;
        # the tables of the systems this run does not read say so and carry no file.
        metadata = file_metadata(read[key]) if key in read else {}
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={**metadata, "read": key in read, "read_as": choice.describe()},
        )
