"""The Spark engine: the raw files landed in the Spark catalog, then the same `dbt build`.

dbt-spark's `session` method runs Spark inside the process that runs dbt (pyspark, the `spark`
extra), which is how the tests and a laptop build on Spark; the refresh is the same Dagster job as
on DuckDB, with dbt in the refresh's own process (defs/transform/in_process.py): the raw files land
in this process's Spark session and dbt builds in the same session, one JVM for the refresh.
Every table lands as Parquet under the warehouse directory: the published interface (the marts and
the reference lookups) at `<warehouse>/<schema>/<table>/`, so DuckDB or any Parquet reader finds
the marts at `<warehouse>/marts/<table>/*.parquet`; every other layer at
`<warehouse>/.icp-build/<schema>/<table>/`, the private, owner-only build directory that also holds
the metastore and dbt's files (the raw tables and the staging quarantine hold the input's personal
data).

The raw layer matches the DuckDB one (orchestration/raw_files.py) and reuses its checks: each input
file is found and its header checked against the contract, then read in place (CSV: header row,
RFC 4180 quoting, multi-line fields) and written once as the Parquet table `raw.<table>` at
`<warehouse>/.icp-build/raw/<table>/`: the contract's column names, every value a string, and
`_row_number` in file order. The catalog is a Derby metastore in the build directory, so a later
session on the same warehouse still finds the tables.

On a cluster the raw tables are usually already in the warehouse: point the `raw_schema` var at them
and skip the registration (docs/scaling.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import jinja2
import yaml

from orchestration import manifest
from orchestration.config import profile_environment
from orchestration.connectors import ConnectorLanding
from orchestration.connectors import column_mapping as connector_column_mapping
from orchestration.engines.base import WORKING_DIR_NAME, make_private
from orchestration.project import DBT_PROJECT_DIR
from orchestration.raw_files import (
    RAW_SCHEMA,
    RawFile,
    RawInputError,
    RawTable,
    column_mapping,
    csv_header,
    find_file,
    sql_identifier,
    sql_string,
)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

TARGET = "spark"
# The profile var (profiles.yml) that puts every table under the warehouse directory.
WAREHOUSE_VAR = "icp_spark_warehouse"


# The dbt schemas a build writes (macros/generate_schema_name.sql), each a folder of tables.
SCHEMAS = ("raw", "reference", "staging", "intermediate", "marts")


def build_dir(warehouse: Path) -> Path:
    """The private part of a Spark warehouse: every layer but the published one, the metastore
    and dbt's files (the same directory name as the DuckDB build's)."""
    return warehouse / WORKING_DIR_NAME


def parquet_scan(folder: Path) -> str:
    """SQL that reads one table's Parquet folder from any DuckDB, partitioned tables (the drift
    history, one `as_of_date=<date>` folder per date) with their partition column."""
    if any(folder.glob("*=*")):
        files = sql_string(str(folder / "*" / "*.parquet"))
        return f"read_parquet({files}, hive_partitioning = true)"
    return f"read_parquet({sql_string(str(folder / '*.parquet'))})"


class SparkBuildError(RuntimeError):
    """This process cannot build the warehouse on Spark; the message says why."""


def spark_string(value: str) -> str:
    """A Spark SQL string literal: there a backslash escapes, and `''` is two adjacent literals."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def spark_identifier(value: str) -> str:
    """A Spark SQL identifier: file column names reach SQL only through this."""
    return "`" + value.replace("`", "``") + "`"


def profile_settings(warehouse: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """The Spark settings of the `spark` profile target for this warehouse, rendered as dbt renders
    them (`environ` for `env_var`, the warehouse for `var`).

    Read from profiles.yml so the session this module starts and the one dbt starts are configured
    in one place.
    """
    variables = {WAREHOUSE_VAR: str(warehouse)}

    def lookup(values: Mapping[str, str], kind: str) -> Callable[..., str]:
        def get(name: str, default: str | None = None) -> str:
            if name in values:
                return values[name]
            if default is None:
                raise KeyError(f"{kind} {name} is not set")
            return default

        return get

    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    raw = profile["icp"]["outputs"][TARGET]["server_side_parameters"]
    return {
        key: jinja2.Template(str(value)).render(
            env_var=lookup(environ, "environment variable"), var=lookup(variables, "dbt var")
        )
        for key, value in raw.items()
    }


def start_session(warehouse: Path) -> SparkSession:
    """The process's Spark session, with the profile's settings for this warehouse directory.

    Spark keeps one session per process: a second call for the same warehouse returns it. The
    warehouse and metastore directories are fixed when the session's JVM starts, so a session on
    another warehouse is stopped with its JVM first (a backfill or the tests refresh several).
    """
    from pyspark.sql import SparkSession

    warehouse = warehouse.resolve()
    settings = profile_settings(warehouse, profile_environment())
    active = SparkSession.getActiveSession()
    if active is not None:
        current = active.conf.get("spark.sql.warehouse.dir") or ""
        wanted = settings["spark.sql.warehouse.dir"]
        if current.removeprefix("file:").rstrip("/") != wanted.rstrip("/"):
            stop_session()
    build_dir(warehouse).mkdir(parents=True, exist_ok=True)
    make_private(build_dir(warehouse))
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def stop_session() -> None:
    """Stop this process's Spark session and its JVM, if one is running. `SparkSession.stop`
    leaves the JVM and py4j's gateway to it (with a daemon thread) until the process exits;
    ending them here lets a later session start a JVM with its own settings, and leaves no thread
    behind (with py4j's alive, the exit of a process that had also used DuckDB printed nanobind's
    "leaked instances" report). The JVM ends when its standard input closes."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()
    gateway = SparkContext._gateway
    if gateway is None:
        return
    gateway.shutdown()
    SparkContext._gateway = None
    SparkContext._jvm = None
    process = getattr(gateway, "proc", None)  # absent when the gateway was not launched here
    if process is not None:
        process.stdin.close()
        process.wait(timeout=30)


def file_view_sql(name: str, path: Path, fmt: str, width: int) -> str:
    """A temporary view over the file as it is; CSV columns are positional strings."""
    if fmt == "parquet":
        path_option = spark_string(str(path))
        return f"create or replace temporary view {name} using parquet options (path {path_option})"
    # The header row is skipped and the columns named c0..cN by position: names in the file are
    # matched to the contract in Python (trimmed, case-insensitive), as for DuckDB.
    columns = ", ".join(f"c{index} string" for index in range(width))
    options = {
        "path": str(path),
        "header": "true",
        "multiLine": "true",
        "quote": '"',
        "escape": '"',
        "encoding": "UTF-8",
        "mode": "PERMISSIVE",
        "enforceSchema": "true",
    }
    rendered = ", ".join(f"{key} {spark_string(value)}" for key, value in options.items())
    return f"create or replace temporary view {name} ({columns}) using csv options ({rendered})"


# monotonically_increasing_id() is (scan partition << 33) + position in that partition.
PARTITION_SHIFT = 33
POSITION_MASK = (1 << PARTITION_SHIFT) - 1


def partition_rows_sql(source: str) -> str:
    """Rows per scan partition of the file: the first of two passes that number its rows."""
    return (
        f"select shiftright(monotonically_increasing_id(), {PARTITION_SHIFT}) as part, "
        f"count(*) as rows from {source} group by 1"
    )


def partition_starts(counts: list[tuple[int, int]]) -> dict[int, int]:
    """How many rows of the file come before each scan partition (partitions are in file order)."""
    starts, total = {}, 0
    for part, rows in sorted(counts):
        starts[part] = total
        total += rows
    return starts


def raw_table_sql(
    relation: str,
    columns: Sequence[str],
    source: str,
    location: Path,
    mapping: dict[str, str],
    names: dict[str, str],
    starts: dict[int, int],
) -> str:
    """`raw.<table>` (or a connector's `<connector>.<table>`): the declared column names, every
    value a string, `_row_number` 1..N in file order.

    A file's scan partitions are its splits in order, so a row's number is the rows of the
    partitions before it plus its position in its own: no single-partition sort, which a
    `row_number()` over the whole file would be. Written once as Parquet (a snapshot of the input
    at registration): the raw table is read more than once, and Spark refuses a join on anything
    derived from a non-deterministic row id.
    """
    selected = [
        f"cast({spark_identifier(names[mapping[column]])} as string) as {column}"
        if column in mapping
        else f"cast(null as string) as {column}"
        for column in columns
    ]
    pairs = ", ".join(f"{part}, cast({start} as bigint)" for part, start in starts.items())
    row_number = (
        f"element_at(map({pairs}), cast(shiftright(_row_id, {PARTITION_SHIFT}) as int))"
        f" + (_row_id & {POSITION_MASK}) + 1"
        if starts
        else "null"  # an empty file: no row to number
    )
    return (
        f"create table {relation} using parquet "
        f"location {spark_string(str(location))} as\n"
        f"select cast({row_number} as bigint) as _row_number, {', '.join(selected)}\n"
        f"from (select *, monotonically_increasing_id() as _row_id from {source}) as file_rows"
    )


def land_file(
    spark: SparkSession,
    relation: str,
    columns: Sequence[str],
    path: Path,
    fmt: str,
    location: Path,
    mapping_of: Callable[[Path, list[str]], dict[str, str]],
) -> int:
    """Land one file as the Parquet table `relation` (`schema.table`) at `location`, its header
    matched to `columns` by `mapping_of` (which raises RawInputError naming what is missing);
    the rows landed."""
    source = "icp_raw_file_" + relation.replace(".", "__")
    if fmt == "csv":
        header = csv_header(path)
        names: dict[str, str] = {}
        for index, name in enumerate(header):
            names.setdefault(name, f"c{index}")
    else:
        try:
            header = spark.read.parquet(str(path)).columns
        except Exception as error:  # noqa: BLE001 - Spark raises its own hierarchy
            raise RawInputError(
                f"unreadable file: {path} is not a readable Parquet file ({error})"
            ) from None
        names = {name: name for name in header}
    mapping = mapping_of(path, header)
    spark.sql(file_view_sql(source, path, fmt, len(header)))
    spark.sql(f"drop table if exists {relation}")
    try:
        counts = [(row[0], row[1]) for row in spark.sql(partition_rows_sql(source)).collect()]
        starts = partition_starts(counts)
        spark.sql(raw_table_sql(relation, columns, source, location, mapping, names, starts))
    except Exception as error:  # noqa: BLE001
        raise RawInputError(f"unreadable file: {path} ({error})") from None
    finally:
        spark.catalog.dropTempView(source)
    return sum(count for _, count in counts)


def register(spark: SparkSession, table: RawTable, data_dir: Path, warehouse: Path) -> RawFile:
    """Check one table's file and land it as `raw.<table>`; raise RawInputError naming it."""
    path, fmt = find_file(data_dir, table)
    rows = land_file(
        spark,
        f"{RAW_SCHEMA}.{table.name}",
        table.columns,
        path,
        fmt,
        build_dir(warehouse) / RAW_SCHEMA / table.name,
        lambda path, header: column_mapping(table, path, header),
    )
    stat = path.stat()
    return RawFile(table.name, path, fmt, stat.st_size, stat.st_mtime, rows)


def register_all(
    spark: SparkSession, tables: list[RawTable], data_dir: Path, warehouse: Path
) -> list[RawFile]:
    """Land every raw table in the Spark catalog, or stop on the first unusable file."""
    data_dir = data_dir.resolve()
    if not data_dir.is_dir():
        raise RawInputError(f"data directory not found: {data_dir}")
    spark.sql(f"create schema if not exists {RAW_SCHEMA}")
    return [register(spark, table, data_dir, warehouse) for table in tables]


def land_connectors(
    spark: SparkSession, landing: ConnectorLanding, warehouse: Path
) -> list[RawFile]:
    """The connector files as Parquet tables `<connector>.<table>` (in the private build
    directory, like the raw layer), and the landing's empty tables."""
    for schema in landing.schemas:
        spark.sql(f"create schema if not exists {spark_identifier(schema)}")
    found = []
    for table, path, fmt in landing.files:
        rows = land_file(
            spark,
            table.qualified,
            table.columns,
            path,
            fmt,
            build_dir(warehouse) / table.connector / table.name,
            lambda path, header, table=table: connector_column_mapping(table, path, header),
        )
        stat = path.stat()
        found.append(RawFile(table.qualified, path, fmt, stat.st_size, stat.st_mtime, rows))
    for schema, name, columns in landing.empty:
        selected = ", ".join(f"cast(null as string) as {column}" for column in columns)
        spark.sql(f"drop table if exists {schema}.{name}")
        location = spark_string(str(build_dir(warehouse) / schema / name))
        spark.sql(
            f"create table {schema}.{name} using parquet location {location} as "
            f"select cast(null as bigint) as _row_number, {selected} where false"
        )
    return found


def parquet_views(
    conn: duckdb.DuckDBPyConnection, warehouse: Path, include_build: bool = True
) -> None:
    """DuckDB views `<schema>.<table>` over the Parquet tables a Spark build wrote: the published
    ones, and with `include_build` the private layers too. How the summary (published only), the
    materialization metadata and the drift checks read a Spark warehouse."""
    roots = [warehouse, build_dir(warehouse)] if include_build else [warehouse]
    for schema in SCHEMAS:
        conn.execute(f"create schema if not exists {schema}")
        for root in roots:
            for table in sorted(path for path in (root / schema).glob("*") if path.is_dir()):
                rows = parquet_scan(table) if any(table.rglob("*.parquet")) else None
                query = f"select * from {rows}" if rows else empty_table_sql(schema, table.name)
                conn.execute(f"create view {schema}.{table.name} as {query}")


def empty_table_sql(schema: str, name: str) -> str:
    """A published table with no rows and no file, read as its contract's columns: Spark writes no
    file for a partitioned table without rows (the drift history of a company with no customer
    acquired in its windows), so DuckDB would find nothing to read."""
    node = next(
        (
            node
            for node in manifest.published_nodes()
            if (node["schema"], node["alias"]) == (schema, name)
        ),
        None,
    )
    if node is None:
        raise SparkBuildError(f"{schema}.{name}: no Parquet file in its folder and no contract")
    columns = [
        f"cast(null as {column['data_type']}) as {sql_identifier(column_name)}"
        for column_name, column in node["columns"].items()
    ]
    return f"select {', '.join(columns)} where false"


@dataclass(frozen=True)
class SparkWarehouse:
    """The Spark engine (target `spark`): `path` is a directory where every table is written as
    Parquet, in place: the published interface at `<path>/<schema>/<table>/`, the other layers,
    the metastore and dbt's files in the owner-only `<path>/.icp-build/`. There is no working copy
    and no publish step: a reader may see a table being rewritten (docs/scaling.md)."""

    path: Path

    @property
    def working_dir(self) -> Path:
        return build_dir(self.path)

    @property
    def lock_path(self) -> Path:
        return self.working_dir / "refresh.lock"

    @property
    def built_path(self) -> Path:
        return self.path

    @property
    def dbt_target_dir(self) -> Path:
        return self.working_dir / "dbt-target"

    def start_build(self, history_tables: Sequence[str] = ()) -> None:
        """Nothing to prepare: the drift history stays in its partitioned Parquet tables."""
        self.working_dir.mkdir(parents=True, exist_ok=True)
        make_private(self.working_dir)

    def register_raw(
        self, tables: Sequence[RawTable], data_dir: Path, connectors: ConnectorLanding
    ) -> list[RawFile]:
        """Land every input file as `raw.<table>`, and the connector files as
        `<connector>.<table>`, in this process's Spark session, which dbt's build then uses (the
        embedded metastore admits one JVM at a time)."""
        session = start_session(self.path)
        found = register_all(session, list(tables), data_dir, self.path)
        return found + land_connectors(session, connectors, self.path)

    def dbt_vars(self) -> dict[str, str]:
        return {WAREHOUSE_VAR: str(self.path)}

    @property
    def dbt_catalog(self) -> None:
        """None: the shipped parse is the DuckDB target's, so dbt parses for Spark."""
        return None

    @contextmanager
    def read_built(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """DuckDB views `<schema>.<table>` over every Parquet table Spark wrote."""
        with duckdb.connect() as conn:
            parquet_views(conn, self.path)
            yield conn

    @contextmanager
    def read_published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """DuckDB views over the published tables only."""
        with duckdb.connect() as conn:
            parquet_views(conn, self.path, include_build=False)
            yield conn

    def publish(self, relations: Sequence[str]) -> None:
        """Spark wrote the published tables in place (macros/spark/storage.sql)."""

    def size_bytes(self) -> int:
        """The published tables' files."""
        files = (
            path for path in self.path.rglob("*.parquet") if self.working_dir not in path.parents
        )
        return sum(path.stat().st_size for path in files)
