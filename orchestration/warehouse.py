"""Build, then publish: the DuckDB file BI tools read is never the file being written.

A DuckDB file being written cannot be opened by any other process, so a refresh builds into a
private working file (`<warehouse dir>/.icp-build/<name>.duckdb`, same file name so views keep
their catalog name) and, only when the build and its blocking checks pass, replaces the published
file with it by an atomic rename. Readers that already opened the old file keep reading it; new
connections get the new one. A failed or killed refresh leaves the published file untouched.

One refresh per warehouse at a time: an exclusive `flock` on `<name>.lock` beside the working file.
The kernel releases it when the process ends, so a killed refresh never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.limits import carry_published_counts
from orchestration.raw_files import RawFile, RawTable, register_all, sql_identifier, sql_string

# DuckDB 1.1 and later (and BI drivers still on 1.x) can read files written with this.
STORAGE_COMPATIBILITY_VERSION = "v1.1.0"
WORKING_DIR_NAME = ".icp-build"
# The published file's name while a build reads its history from it.
PUBLISHED = "icp_published"


class WarehouseBusy(RuntimeError):
    """Another refresh holds the warehouse lock for longer than we were willing to wait."""


@dataclass(frozen=True)
class Warehouse:
    """The published warehouse file and the private working copy a refresh builds."""

    path: Path

    @property
    def working_dir(self) -> Path:
        return self.path.parent / WORKING_DIR_NAME

    @property
    def working_path(self) -> Path:
        return self.working_dir / self.path.name

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

    def dbt_environment(self) -> dict[str, str]:
        """What dbt's profile reads to build into the working file."""
        return {"ICP_DUCKDB_PATH": str(self.working_path)}

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
        """Replace the published file with the working one, atomically."""
        if not self.working_path.exists():
            raise FileNotFoundError(f"nothing to publish: {self.working_path} does not exist")
        with self.connect_working() as conn:
            conn.execute("checkpoint")
        os.replace(self.working_path, self.path)

    def size_bytes(self) -> int:
        return self.path.stat().st_size


@dataclass(frozen=True)
class SparkWarehouse:
    """The same refresh on Spark (`ICP_DBT_TARGET=spark`): `path` is a directory where every table
    is written as Parquet, `<path>/<schema>/<table>/`, in place. There is no working copy and no
    publish step: a reader may see a table being rewritten (docs/scaling.md)."""

    path: Path

    @property
    def working_dir(self) -> Path:
        return self.path

    @property
    def lock_path(self) -> Path:
        return self.path / ".refresh.lock"

    @property
    def dbt_target_dir(self) -> Path:
        return self.path / "dbt-target"

    def start_build(self, history_tables: Sequence[str] = ()) -> None:
        """Nothing to prepare: the drift history stays in its partitioned Parquet tables."""
        self.path.mkdir(parents=True, exist_ok=True)

    def register_raw(self, tables: Sequence[RawTable], data_dir: Path) -> list[RawFile]:
        from orchestration import spark

        return spark.land_in_child_process(list(tables), data_dir, self.path)

    def dbt_environment(self) -> dict[str, str]:
        return {"ICP_SPARK_WAREHOUSE": str(self.path)}

    @contextmanager
    def read_built(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """DuckDB views `<schema>.<table>` over the Parquet tables Spark wrote."""
        from orchestration import spark

        with duckdb.connect() as conn:
            spark.parquet_views(conn, self.path)
            yield conn

    read_published = read_built

    def publish(self) -> None:
        """Spark wrote the tables in place."""

    def size_bytes(self) -> int:
        return sum(path.stat().st_size for path in (self.path / "marts").rglob("*.parquet"))


# What a refresh builds: a DuckDB file published atomically, or Parquet tables written by Spark.
Building = Warehouse | SparkWarehouse


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


class WarehouseLock:
    """Exclusive lock on one warehouse, held from the start of a build until publish or exit."""

    def __init__(self, warehouse: Building, timeout_seconds: float) -> None:
        self.warehouse = warehouse
        self.timeout_seconds = timeout_seconds
        self._handle: int | None = None

    def acquire(self) -> None:
        self.warehouse.working_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.warehouse.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(handle)
                    raise WarehouseBusy(
                        f"another refresh of {self.warehouse.path} is running "
                        f"(lock {self.warehouse.lock_path}); waited {self.timeout_seconds:.0f} s"
                    ) from None
                time.sleep(0.2)
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None

    def __enter__(self) -> WarehouseLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# The lock of each warehouse this process is building, held from the first step of a refresh
# (registering the raw files) to the last (publishing); a run's steps share the process (the
# refresh job uses the in-process executor), and process exit releases whatever is left.
_held: dict[Path, WarehouseLock] = {}


def hold_lock(warehouse: Building, timeout_seconds: float) -> None:
    if warehouse.path in _held:
        return
    lock = WarehouseLock(warehouse, timeout_seconds)
    lock.acquire()
    _held[warehouse.path] = lock


def release_lock(warehouse: Building) -> None:
    lock = _held.pop(warehouse.path, None)
    if lock is not None:
        lock.release()
