"""Build, then publish: the DuckDB file BI tools read is never the file being written.

A DuckDB file being written cannot be opened by any other process, so a refresh builds into a
private working file (`<warehouse dir>/.icp-build/<name>.duckdb`, same file name so views keep
their catalog name) and, only when the build and its blocking checks pass, replaces the published
file with it by an atomic rename. Readers that already opened the old file keep reading it; new
connections get the new one. A failed or killed refresh leaves the published file untouched.

The lock (engines/base.py) is `<name>.lock` beside the working file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.limits import carry_published_counts, drop_published_counts
from orchestration.raw_files import RawFile, RawTable, register_all, sql_identifier, sql_string

# DuckDB 1.1 and later (and BI drivers still on 1.x) can read files written with this.
STORAGE_COMPATIBILITY_VERSION = "v1.1.0"
WORKING_DIR_NAME = ".icp-build"
# The published file's name while a build reads its history from it.
PUBLISHED = "icp_published"


@dataclass(frozen=True)
class DuckDBWarehouse:
    """The DuckDB engine: the published file and the private working copy a refresh builds."""

    path: Path

    @property
    def working_dir(self) -> Path:
        return self.path.parent / WORKING_DIR_NAME

    @property
    def working_path(self) -> Path:
        return self.working_dir / self.path.name

    @property
    def built_path(self) -> Path:
        return self.working_path

    @property
    def lock_path(self) -> Path:
        return self.working_dir / f"{self.path.name}.lock"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's target folder for this warehouse: kept between runs so dbt parses partially."""
        return self.working_dir / "dbt-target"

    def connect_working(self) -> duckdb.DuckDBPyConnection:
        conn = duckdb.connect(
            str(self.working_path),
            config={"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION},
        )
        conn.execute("set enable_progress_bar = false")
        conn.execute("set TimeZone = 'UTC'")
        return conn

    def start_build(self, history_tables: Sequence[str] = ()) -> None:
        """A fresh working file with the published one's tables and views, empty but for the rows
        of `history_tables` (`schema.table`, the incremental models), which the build extends.

        Copying the whole published file instead made each build rewrite every table inside a
        file of the old tables' freed blocks: at a million accounts it swung between 1.1 and
        2.1 GB from one refresh to the next."""
        self.working_dir.mkdir(parents=True, exist_ok=True)
        for stale in (self.working_path, self.working_path.with_name(self.path.name + ".wal")):
            stale.unlink(missing_ok=True)
        if not self.path.exists():
            return
        catalog = sql_identifier(self.path.stem)
        with self.connect_working() as conn:
            conn.execute(f"attach {sql_string(str(self.path))} as {PUBLISHED} (read_only)")
            conn.execute(f"copy from database {PUBLISHED} to {catalog} (schema)")
            published = {
                f"{schema}.{name}"
                for schema, name in conn.execute(
                    "select schema_name, table_name from duckdb_tables() where database_name = ?",
                    [PUBLISHED],
                ).fetchall()
            }
            # A file published before a history table existed simply has no history for it yet.
            for table in (table for table in history_tables if table in published):
                conn.execute(f"insert into {catalog}.{table} select * from {PUBLISHED}.{table}")
            carry_published_counts(conn, PUBLISHED, catalog, published)
            conn.execute(f"detach {PUBLISHED}")

    def register_raw(self, tables: Sequence[RawTable], data_dir: Path) -> list[RawFile]:
        """Check the input files and register them as views `raw.<table>` of the working file."""
        with self.connect_working() as conn:
            return register_all(conn, list(tables), data_dir)

    def dbt_vars(self) -> dict[str, str]:
        """dbt's profile builds into the working file."""
        return {"icp_duckdb_path": str(self.working_path)}

    @contextmanager
    def read_built(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working file, read-only, once dbt has finished with it."""
        with duckdb.connect(str(self.working_path), read_only=True) as conn:
            yield conn

    @contextmanager
    def read_published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with duckdb.connect(str(self.path), read_only=True) as conn:
            yield conn

    def publish(self) -> None:
        """Replace the published file with the working one, atomically; the build's own
        comparison table stays out of it."""
        if not self.working_path.exists():
            raise FileNotFoundError(f"nothing to publish: {self.working_path} does not exist")
        with self.connect_working() as conn:
            drop_published_counts(conn)
            conn.execute("checkpoint")
        os.replace(self.working_path, self.path)

    def size_bytes(self) -> int:
        return self.path.stat().st_size


def export_parquet(
    conn: duckdb.DuckDBPyConnection, out_dir: Path, schema: str = "marts"
) -> list[Path]:
    """Every table of `schema` as `<out_dir>/<table>.parquet`, for tools that read files.

    Each file is written beside its final name and renamed over it, so a reader never sees half
    a file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    tables = [
        row[0]
        for row in conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? order by table_name",
            [schema],
        ).fetchall()
    ]
    for table in tables:
        target = out_dir / f"{table}.parquet"
        partial = out_dir / f".{table}.parquet.partial"
        conn.execute(f"copy {schema}.{table} to {sql_string(str(partial))} (format parquet)")
        os.replace(partial, target)
        written.append(target)
    return written
