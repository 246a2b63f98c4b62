"""Build, then publish: the DuckDB file BI tools read is never the file being written.

A DuckDB file being written cannot be opened by any other process, so a refresh builds into a
private build file (`<warehouse dir>/.icp-build/<name>.duckdb`, same file name so views keep their
catalog name). The build file holds every layer: the raw views over the input files, the staging
quarantine (personal data such as contacts' emails), intermediate and marts; it stays there after
the refresh for people who debug, readable by its owner only (directory 0700, files 0600).

Only when the build and its blocking checks pass is the published file written: a fresh file with
the published interface only (the marts and the lookups dashboards join, `published_relations()`
in orchestration/manifest.py), as tables, beside the build file, then renamed over the published
path atomically. Readers that already opened the old file keep reading it; new connections get the
new one. A failed or killed refresh leaves the published file untouched.

The lock (engines/base.py) is `<name>.lock` beside the working file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration import manifest
from orchestration.connectors import ConnectorLanding, register_connectors
from orchestration.engines.base import WORKING_DIR_NAME, WarehouseNameError, make_private
from orchestration.limits import carry_published_counts
from orchestration.raw_files import RawFile, RawTable, register_all, sql_identifier, sql_string

# DuckDB 1.1 and later (and BI drivers still on 1.x) can read files written with this.
STORAGE_COMPATIBILITY_VERSION = "v1.1.0"
# The published file's name while a build reads its history from it.
PUBLISHED = "icp_published"
# The build file's name while the next published file is written from it.
BUILT = "icp_built"
# Catalog names DuckDB keeps for itself: it opens main.duckdb as catalog main_db, where dbt, which
# names the catalog after the file, still writes to main.
RESERVED_CATALOGS = ("main", "system", "temp")


def unusable_name(path: Path, schemas: set[str]) -> str | None:
    """Why a DuckDB file at `path` cannot hold the build, or None. DuckDB names a file's catalog
    after the file, and dbt qualifies every relation with it: a catalog named like one of the
    build's schemas makes `marts.dim_accounts` ambiguous (catalog or schema?)."""
    name = path.stem.lower()
    if name in RESERVED_CATALOGS:
        return f"DuckDB keeps the catalog name {name!r} for itself"
    if name in {schema.lower() for schema in schemas}:
        return f"{name!r} is also the name of a schema the build writes or reads"
    if name in (PUBLISHED, BUILT):
        return f"{name!r} is the name the refresh attaches a warehouse file under"
    return None


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
    def publishing_path(self) -> Path:
        """The next published file while it is written: in the build directory, so on the
        published file's filesystem, where a rename is atomic."""
        return self.working_dir / f"{self.path.name}.publishing"

    @property
    def built_path(self) -> Path:
        """What the build wrote, for a failure's message: the working file."""
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
        """A fresh, owner-only build file with the published one's tables, empty but for the rows
        of `history_tables` (`schema.table`, the incremental models), which the build extends.

        Copying the whole published file instead made each build rewrite every table inside a
        file of the old tables' freed blocks: at a million accounts it swung between 1.1 and
        2.1 GB from one refresh to the next."""
        reason = unusable_name(self.path, manifest.schemas())
        if reason is not None:
            raise WarehouseNameError(
                f"the warehouse file {self.path} cannot be used: DuckDB names a file's catalog "
                f"after the file, and {reason}; choose another name, e.g. "
                f"{self.path.with_name('icp.duckdb')}"
            )
        self.working_dir.mkdir(parents=True, exist_ok=True)
        stale_files = (
            self.working_path,
            self.working_path.with_name(self.path.name + ".wal"),
            self.publishing_path,
        )
        for stale in stale_files:
            stale.unlink(missing_ok=True)
        with self.connect_working() as conn:
            if self.path.exists():
                self._copy_history(conn, history_tables)
        make_private(self.working_dir)

    def _copy_history(self, conn: duckdb.DuckDBPyConnection, history_tables: Sequence[str]) -> None:
        catalog = sql_identifier(self.path.stem)
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

    def register_raw(
        self, tables: Sequence[RawTable], data_dir: Path, connectors: ConnectorLanding
    ) -> list[RawFile]:
        """Check the input files and register them as views `raw.<table>` of the working file,
        the connector files as views `<connector>.<table>`."""
        with self.connect_working() as conn:
            return register_all(conn, list(tables), data_dir) + register_connectors(
                conn, connectors
            )

    def dbt_vars(self) -> dict[str, str]:
        """dbt's profile builds into the working file."""
        return {"icp_duckdb_path": str(self.working_path)}

    @property
    def dbt_catalog(self) -> str:
        """DuckDB names a file's catalog after the file."""
        return self.working_path.stem

    @contextmanager
    def read_built(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working file, read-only, once dbt has finished with it."""
        with duckdb.connect(str(self.working_path), read_only=True) as conn:
            yield conn

    @contextmanager
    def read_published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with duckdb.connect(str(self.path), read_only=True) as conn:
            yield conn

    def publish(self, relations: Sequence[str]) -> None:
        """Write `relations` (`schema.table`, the published interface) from the build file into a
        fresh file, as tables, and rename it over the published one, atomically. The build file
        stays, owner-only, for debugging."""
        if not self.working_path.exists():
            raise FileNotFoundError(f"nothing to publish: {self.working_path} does not exist")
        self.publishing_path.unlink(missing_ok=True)
        with duckdb.connect(
            str(self.publishing_path),
            config={"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION},
        ) as conn:
            conn.execute(f"attach {sql_string(str(self.working_path))} as {BUILT} (read_only)")
            for relation in relations:
                copy_table(conn, relation)
            conn.execute(f"detach {BUILT}")
            conn.execute("checkpoint")
        os.replace(self.publishing_path, self.path)
        make_private(self.working_dir)

    def size_bytes(self) -> int:
        return self.path.stat().st_size


def copy_table(conn: duckdb.DuckDBPyConnection, relation: str) -> None:
    """One table of the attached build file into the connection's own file, as the build made it:
    the same statement (column types, not-null constraints), its rows and its documentation (dbt
    persists model and column descriptions as comments, which BI tools show)."""
    schema, name = relation.split(".")
    key = [BUILT, schema, name]
    found = conn.execute(
        "select sql, comment from duckdb_tables() "
        "where database_name = ? and schema_name = ? and table_name = ?",
        key,
    ).fetchall()
    if not found:
        raise LookupError(f"published table {relation} is not a table of the build file")
    [(create, comment)] = found
    target = f"{sql_identifier(schema)}.{sql_identifier(name)}"
    conn.execute(f"create schema if not exists {sql_identifier(schema)}")
    conn.execute(create)
    conn.execute(f"insert into {target} select * from {BUILT}.{target}")
    if comment:
        conn.execute(f"comment on table {target} is {sql_string(comment)}")
    columns = conn.execute(
        "select column_name, comment from duckdb_columns() where database_name = ? "
        "and schema_name = ? and table_name = ? and comment is not null",
        key,
    ).fetchall()
    for column, text in columns:
        conn.execute(f"comment on column {target}.{sql_identifier(column)} is {sql_string(text)}")


def export_parquet(
    conn: duckdb.DuckDBPyConnection, out_dir: Path, relations: Sequence[str]
) -> list[Path]:
    """The published tables (`schema.table`) as `<out_dir>/<table>.parquet`, for tools that read
    files: the interface of the published file, none of the build's inner layers (dbt names are
    unique across schemas, so are the files).

    Each file is written beside its final name and renamed over it, so a reader never sees half
    a file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for relation in relations:
        table = relation.split(".")[-1]
        target = out_dir / f"{table}.parquet"
        partial = out_dir / f".{table}.parquet.partial"
        conn.execute(f"copy {relation} to {sql_string(str(partial))} (format parquet)")
        os.replace(partial, target)
        written.append(target)
    return written
