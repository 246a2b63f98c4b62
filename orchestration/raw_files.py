"""The raw layer: the input files, checked against the contract and registered as views.

DuckDB reads the files in place. Before any model builds, every file is checked: it must exist
(`<table>.csv` or `<table>.parquet`), be readable, and have the contract's required columns. A file
that fails stops the run with one message naming the file, the columns and what was expected;
row-level problems are left to the quarantine in the dbt base models.

Each table becomes a view `raw.<table>` with the contract's column names, every value as text, plus
`_row_number` (file order, which decides which of two repeated keys is kept). Column names in the
file are matched case-insensitively with surrounding spaces trimmed; extra columns are ignored; a
missing optional column reads as null.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

RAW_SCHEMA = "raw"
FORMATS = ("csv", "parquet")


class RawInputError(Exception):
    """An input file that stops the run: missing, unreadable or lacking a required column."""


@dataclass(frozen=True)
class RawTable:
    """One raw table of the contract, as declared in the dbt sources."""

    name: str
    source_name: str
    table_name: str
    columns: tuple[str, ...]
    required: frozenset[str]
    description: str = ""


@dataclass(frozen=True)
class RawFile:
    """What was found for one raw table: reported as the raw asset's metadata."""

    table: str
    path: Path
    format: str
    size_bytes: int
    modified_at: float
    rows: int


def contract_from_manifest(manifest: dict) -> list[RawTable]:
    """The raw tables and their columns, from the dbt sources (the one place the contract lives)."""
    tables = []
    for node in manifest["sources"].values():
        if (node.get("config", {}).get("meta") or node.get("meta") or {}).get("connector"):
            continue  # a connector's table (orchestration/connectors.py), not a contract table
        columns = node["columns"]
        required = {
            name
            for name, column in columns.items()
            if (column.get("config", {}).get("meta") or column.get("meta") or {}).get("required")
        }
        tables.append(
            RawTable(
                name=node["identifier"],
                source_name=node["source_name"],
                table_name=node["name"],
                columns=tuple(columns),
                required=frozenset(required),
                description=node.get("description", ""),
            )
        )
    return sorted(tables, key=lambda table: table.name)


def find_file(data_dir: Path, table: RawTable) -> tuple[Path, str]:
    """The file of a table; both formats present is ambiguous and refused."""
    found = [(data_dir / f"{table.name}.{fmt}", fmt) for fmt in FORMATS]
    present = [(path, fmt) for path, fmt in found if path.is_file()]
    if not present:
        raise RawInputError(
            f"missing file: {data_dir / table.name}.csv (or .parquet) for raw table "
            f"'{table.name}'; expected columns: {', '.join(table.columns)}"
        )
    if len(present) > 1:
        raise RawInputError(
            f"two files for raw table '{table.name}': {present[0][0]} and {present[1][0]}; keep one"
        )
    return present[0]


def sql_string(value: str) -> str:
    """A SQL string literal: paths and names reach SQL only through this."""
    return "'" + value.replace("'", "''") + "'"


def sql_identifier(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV, read with Python so a bad encoding is named before DuckDB runs."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except UnicodeDecodeError as error:
        raise RawInputError(
            f"unreadable file: {path} is not UTF-8 text ({error.reason} at byte {error.start}); "
            "expected a UTF-8 CSV with a header row"
        ) from None
    except csv.Error as error:
        raise RawInputError(f"unreadable file: {path} is not a CSV ({error})") from None


def csv_scan(path: Path, header: list[str]) -> str:
    """DuckDB's read of a contract CSV: every column text, no type sniffing, RFC 4180 quoting."""
    columns = ", ".join(f"{sql_string(name)}: 'VARCHAR'" for name in header)
    return (
        f"read_csv({sql_string(str(path))}, header = true, auto_detect = false, "
        f"columns = {{{columns}}}, delim = ',', quote = '\"', escape = '\"', "
        "encoding = 'utf-8')"
    )


def parquet_scan(conn: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, list[str]]:
    scan = f"read_parquet({sql_string(str(path))}, file_row_number = true)"
    try:
        names = [row[0] for row in conn.execute(f"describe select * from {scan}").fetchall()]
    except duckdb.Error as error:
        raise RawInputError(
            f"unreadable file: {path} is not a readable Parquet file ({error})"
        ) from None
    return scan, [name for name in names if name != "file_row_number"]


def column_mapping(table: RawTable, path: Path, header: list[str]) -> dict[str, str]:
    """Contract column -> column name in the file, matched trimmed and case-insensitively."""
    by_normal: dict[str, str] = {}
    for name in header:
        normal = name.strip().lower()
        if normal in by_normal and normal in table.columns:
            raise RawInputError(f"{path}: column '{normal}' appears twice in the header")
        by_normal.setdefault(normal, name)
    missing = sorted(table.required - by_normal.keys())
    if missing:
        raise RawInputError(
            f"{path}: missing required column(s) {', '.join(missing)}; expected columns: "
            f"{', '.join(table.columns)} (found: {', '.join(header) or 'no header'})"
        )
    return {column: by_normal[column] for column in table.columns if column in by_normal}


def view_sql(table: RawTable, scan: str, mapping: dict[str, str], row_number: str) -> str:
    selected = [f"{row_number} as _row_number"] + [
        f"cast({sql_identifier(mapping[column])} as varchar) as {column}"
        if column in mapping
        else f"cast(null as varchar) as {column}"
        for column in table.columns
    ]
    return (
        f"create or replace view {RAW_SCHEMA}.{table.name} as\n"
        f"select {', '.join(selected)}\nfrom {scan}"
    )


def register(conn: duckdb.DuckDBPyConnection, table: RawTable, data_dir: Path) -> RawFile:
    """Check one table's file and register its view; raise RawInputError naming the problem."""
    path, fmt = find_file(data_dir, table)
    if fmt == "csv":
        header = csv_header(path)
        scan, row_number = csv_scan(path, header), "row_number() over ()"
    else:
        scan, header = parquet_scan(conn, path)
        row_number = "file_row_number + 1"
    mapping = column_mapping(table, path, header)
    conn.execute(view_sql(table, scan, mapping, row_number))
    try:
        rows = conn.execute(f"select count(*) from {RAW_SCHEMA}.{table.name}").fetchall()[0][0]
    except duckdb.Error as error:
        raise RawInputError(f"unreadable file: {path} ({error})") from None
    stat = path.stat()
    return RawFile(table.name, path, fmt, stat.st_size, stat.st_mtime, rows)


def register_all(
    conn: duckdb.DuckDBPyConnection, tables: list[RawTable], data_dir: Path
) -> list[RawFile]:
    """Register every raw table, or stop on the first file that cannot be used."""
    data_dir = data_dir.resolve()
    if not data_dir.is_dir():
        raise RawInputError(f"data directory not found: {data_dir}")
    conn.execute(f"create schema if not exists {RAW_SCHEMA}")
    return [register(conn, table, data_dir) for table in tables]
