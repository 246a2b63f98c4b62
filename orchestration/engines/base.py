"""The engine seam: what a refresh needs from the warehouse it builds, whatever the engine.

A refresh is one Dagster job on every engine (defs/): take the lock, start the build, land the raw
files, run `dbt build` with the engine's vars, read the result for metadata, publish, and read the
published tables for the drift checks and the summary. `Engine` names those steps; `duckdb.py`
(a file published atomically) and `spark.py` (Parquet tables written in place) implement them.
Every read goes through a DuckDB connection that sees the tables as `<schema>.<table>`, so the
metadata, the checks and the summary are written once.

One refresh per warehouse at a time: an exclusive `flock` on the engine's `lock_path`. The kernel
releases it when the process ends, so a killed refresh never leaves a stale lock. The Dagster
warehouse resource owns the lock for a run (defs/resources.py).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import duckdb

from orchestration.connectors import ConnectorLanding
from orchestration.raw_files import RawFile, RawTable

# The build directory's name, beside the published file (DuckDB) or inside the warehouse (Spark).
WORKING_DIR_NAME = ".icp-build"
# The build directory and its files: owner-only, they hold every layer, personal data included.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private(directory: Path) -> None:
    """Owner-only access to the build directory and the files in it (the build file, its WAL,
    the lock): they hold the staging layer, which holds the input's personal data."""
    directory.chmod(PRIVATE_DIR_MODE)
    for path in directory.iterdir():
        if path.is_file():
            path.chmod(PRIVATE_FILE_MODE)


class WarehouseNameError(ValueError):
    """The warehouse's path cannot hold a build on this engine: the person's option to change."""


class WarehouseBusy(RuntimeError):
    """Another refresh holds the warehouse lock for longer than we were willing to wait."""


class Engine(Protocol):
    """A warehouse a refresh builds and publishes on one engine."""

    path: Path

    @property
    def working_dir(self) -> Path:
        """Where the build keeps its own files (the lock, dbt's target folder)."""
        ...

    @property
    def lock_path(self) -> Path: ...

    @property
    def built_path(self) -> Path:
        """Where the tables of a build are, for a person to open when it stopped."""
        ...

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's target folder for this warehouse: kept between runs so dbt parses partially."""
        ...

    def start_build(self, history_tables: Sequence[str] = ()) -> None:
        """Prepare an empty build that keeps the rows of `history_tables` (`schema.table`)."""
        ...

    def register_raw(
        self, tables: Sequence[RawTable], data_dir: Path, connectors: ConnectorLanding
    ) -> list[RawFile]:
        """Check the input files against the contract and make them the `raw` tables; land the
        run's connector files as the tables `<connector>.<table>` the connector models read
        (connectors.py planned and checked which) and create the landing's empty ones."""
        ...

    def dbt_vars(self) -> dict[str, str]:
        """The vars dbt's profile reads to build this warehouse (profiles.yml)."""
        ...

    @property
    def dbt_catalog(self) -> str | None:
        """The catalog dbt qualifies the build's relations with, which decides whether the parse
        `make install` shipped fits this build (defs/transform/in_process.py); None when it
        cannot."""
        ...

    def read_built(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """The tables dbt built, read-only, once dbt has finished."""
        ...

    def read_published(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """The tables readers see."""
        ...

    def publish(self, relations: Sequence[str]) -> None:
        """Make `relations` (`schema.table`, the published interface) what readers see."""
        ...

    def size_bytes(self) -> int: ...


class WarehouseLock:
    """Exclusive lock on one warehouse, held from the start of a build to the end of the run."""

    def __init__(self, engine: Engine, timeout_seconds: float) -> None:
        self.engine = engine
        self.timeout_seconds = timeout_seconds
        self._handle: int | None = None

    def acquire(self) -> None:
        self.engine.working_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.engine.lock_path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        deadline = time.monotonic() + self.timeout_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(handle)
                    raise WarehouseBusy(
                        f"another refresh of {self.engine.path} is running "
                        f"(lock {self.engine.lock_path}); waited {self.timeout_seconds:.0f} s"
                    ) from None
                time.sleep(0.2)
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None
