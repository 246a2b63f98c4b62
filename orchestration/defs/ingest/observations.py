"""What the raw files look like right now, without a run: fingerprints and asset observations.

The raw-table assets are materialized by a refresh, which reports each file's path, format, size,
row count and modified time. Between refreshes the `raw_files_changed` sensor (sensors.py) reports
the same metadata as an `AssetObservation` on the raw asset whenever a file changes, so the asset's
page shows what is in the data directory now, not only what the last refresh read.

A fingerprint is (file name, size, mtime in nanoseconds): cheap enough to take every sensor tick
for every file; the row count, which reads the file, is only taken for files whose fingerprint
changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.connectors import ConnectorTable, SourceChoice, find_table
from orchestration.defs.ingest.assets import file_metadata
from orchestration.defs.translator import raw_asset_key
from orchestration.raw_files import FORMATS, RAW_SCHEMA, RawInputError, RawTable, register


@dataclass(frozen=True)
class Fingerprint:
    """One raw file as seen on disk; equal fingerprints mean the file did not change."""

    file: str
    size: int
    mtime_ns: int

    def to_json(self) -> dict:
        return {"file": self.file, "size": self.size, "mtime_ns": self.mtime_ns}

    @classmethod
    def from_json(cls, value: dict) -> Fingerprint:
        return cls(
            file=str(value["file"]), size=int(value["size"]), mtime_ns=int(value["mtime_ns"])
        )


@dataclass(frozen=True)
class DataDirState:
    """The raw files of a data directory: fingerprints of the usable ones, and the problems."""

    files: dict[str, Fingerprint]
    missing: list[str]
    ambiguous: list[str]


def candidates(data_dir: Path, table: RawTable) -> list[Path]:
    """The files that can hold a table (`<table>.csv`, `<table>.parquet`) that exist."""
    return [
        path for path in (data_dir / f"{table.name}.{fmt}" for fmt in FORMATS) if path.is_file()
    ]


def scan(data_dir: Path, tables: list[RawTable]) -> DataDirState:
    """Fingerprint every table's file; a table with no file or with both formats is a problem."""
    files: dict[str, Fingerprint] = {}
    missing: list[str] = []
    ambiguous: list[str] = []
    for table in tables:
        present = candidates(data_dir, table)
        if not present:
            missing.append(f"{table.name}.csv (or .parquet)")
            continue
        if len(present) > 1:
            ambiguous.append(" and ".join(path.name for path in present))
            continue
        try:
            stat = present[0].stat()
        except FileNotFoundError:  # removed between the listing and the stat
            missing.append(f"{table.name}.csv (or .parquet)")
            continue
        files[table.name] = Fingerprint(present[0].name, stat.st_size, stat.st_mtime_ns)
    return DataDirState(files=files, missing=missing, ambiguous=ambiguous)


def connector_fingerprints(
    data_dir: Path, tables: list[ConnectorTable], choice: SourceChoice
) -> dict[str, Fingerprint]:
    """Fingerprints of the connector files a refresh with `choice` reads, keyed
    `<connector>.<table>` (a missing one is left to the refresh, which names it)."""
    files = {}
    for table in tables:
        place = find_table(data_dir, table) if table.connector in choice.connectors else None
        if place is not None:
            stat = place[0].stat()
            name = f"{table.connector}/{place[0].name}"
            files[table.qualified] = Fingerprint(name, stat.st_size, stat.st_mtime_ns)
    return files


def observe(data_dir: Path, table: RawTable) -> dg.AssetObservation:
    """The raw asset's metadata as a refresh would report it, read from the file now.

    The file is read through the same contract check and view as a refresh, in an in-memory
    DuckDB, so the row count matches what the next refresh will see. A file the refresh would
    refuse is still observed (path, size, modified time) with the refusal as `problem`.
    """
    key = raw_asset_key(table.name)
    conn = duckdb.connect(":memory:")
    try:
        conn.execute(f"create schema {RAW_SCHEMA}")
        found = register(conn, table, data_dir.resolve())
    except RawInputError as error:
        metadata: dict = {"problem": str(error)}
        present = candidates(data_dir.resolve(), table)
        if len(present) == 1:
            stat = present[0].stat()
            metadata |= {
                "path": dg.MetadataValue.path(str(present[0])),
                "size_bytes": stat.st_size,
                "modified_at": datetime.fromtimestamp(stat.st_mtime, tz=UTC).isoformat(),
            }
        return dg.AssetObservation(asset_key=key, metadata=metadata)
    finally:
        conn.close()
    return dg.AssetObservation(asset_key=key, metadata=file_metadata(found))
