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

import codecs
import csv
import re
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


def source_meta(node: dict) -> dict:
    """A dbt source's meta (under `config` since dbt 1.10, at the top level before)."""
    return node.get("config", {}).get("meta") or node.get("meta") or {}


def required_columns(node: dict) -> frozenset[str]:
    """The columns of a dbt source whose meta says `required: true`."""
    return frozenset(
        name for name, column in node["columns"].items() if source_meta(column).get("required")
    )


def contract_from_manifest(manifest: dict) -> list[RawTable]:
    """The raw tables and their columns, from the dbt sources (the one place the contract lives)."""
    tables = [
        RawTable(
            name=node["identifier"],
            source_name=node["source_name"],
            table_name=node["name"],
            columns=tuple(node["columns"]),
            required=required_columns(node),
            description=node.get("description", ""),
        )
        for node in manifest["sources"].values()
        # a connector's table (orchestration/connectors.py), not a contract table
        if not source_meta(node).get("connector")
    ]
    return sorted(tables, key=lambda table: table.name)


def find_file(data_dir: Path, table: RawTable) -> tuple[Path, str]:
    """The file of a table; both formats present is ambiguous and refused."""
    found = [(data_dir / f"{table.name}.{fmt}", fmt) for fmt in FORMATS]
    for path, _ in found:
        if path.is_dir():
            raise RawInputError(
                f"{path} is a directory, expected a file for raw table '{table.name}'; "
                "put the exported file there (a Spark-style folder of part files is not read)"
            )
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


def check_utf8(path: Path, chunk_bytes: int = 1 << 20) -> None:
    """The whole file decodes as UTF-8, or a message naming the line (counted from 1, header
    included) of the first byte that does not: DuckDB counts rows without decoding them, so a
    Latin-1 byte in row 200 used to fail deep inside the build."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before = 0
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                line = lines_before + chunk[: max(error.start, 0)].count(b"\n") + 1
                raise RawInputError(
                    f"unreadable file: {path}, line {line}: not UTF-8 text ({error.reason}, "
                    f"byte 0x{chunk[error.start]:02x}); save or export the file as UTF-8"
                ) from None
            lines_before += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise RawInputError(
                f"unreadable file: {path}: ends inside a UTF-8 character ({error.reason}); "
                "save or export the file as UTF-8"
            ) from None


def unique_names(header: list[str]) -> list[str]:
    """The header with later repeats renamed (`notes`, `notes` -> `notes`, `notes__2`), so DuckDB
    can read it; a repeated column the contract does not use is then simply ignored."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen[name] = seen.get(name, 0) + 1
        names.append(name if count == 1 else f"{name}__{count}")
    return names


def duckdb_reason(error: duckdb.Error) -> str:
    """DuckDB's message about a file, on one line: what and where (`CSV Error on Line: 3 ...`),
    without its option dump, its suggestions or the offending line's content (personal data)."""
    text = str(error).split("Possible fixes:")[0]
    text = re.sub(r"^[A-Za-z ]+Error: ", "", text.strip())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "; ".join(line for line in lines if not line.startswith("Original Line"))


def csv_scan(path: Path, header: list[str]) -> str:
    """DuckDB's read of a contract CSV: every column text, no type sniffing, RFC 4180 quoting."""
    columns = ", ".join(f"{sql_string(name)}: 'VARCHAR'" for name in unique_names(header))
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
            f"unreadable file: {path} is not a readable Parquet file ({duckdb_reason(error)}); "
            "export it again"
        ) from None
    return scan, [name for name in names if name != "file_row_number"]


def column_mapping(table: RawTable, path: Path, header: list[str]) -> dict[str, str]:
    """Contract column -> column name as read (unique_names for a CSV), matched trimmed and
    case-insensitively; a contract column given twice is refused, any other repeat ignored."""
    by_normal: dict[str, str] = {}
    read_names = unique_names(header) if path.suffix == ".csv" else header
    for original, name in zip(header, read_names, strict=True):
        normal = original.strip().lower()
        if normal in by_normal and normal in table.columns:
            raise RawInputError(f"{path}: column '{normal}' appears twice in the header; keep one")
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


def register_view(conn: duckdb.DuckDBPyConnection, table: RawTable, path: Path, fmt: str) -> None:
    """The file as the view raw.<table>: every contract column as text, `_row_number` in file
    order (the plain SQL benchmark reads its input through this too)."""
    if fmt == "csv":
        header = csv_header(path)
        scan, row_number = csv_scan(path, header), "row_number() over ()"
    else:
        scan, header = parquet_scan(conn, path)
        row_number = "file_row_number + 1"
    mapping = column_mapping(table, path, header)
    conn.execute(view_sql(table, scan, mapping, row_number))


def register(conn: duckdb.DuckDBPyConnection, table: RawTable, data_dir: Path) -> RawFile:
    """Check one table's file and register its view; raise RawInputError naming the problem."""
    path, fmt = find_file(data_dir, table)
    if fmt == "csv":
        check_utf8(path)
    register_view(conn, table, path, fmt)
    rows = count_rows(conn, table, path, fmt)
    stat = path.stat()
    return RawFile(table.name, path, fmt, stat.st_size, stat.st_mtime, rows)


def count_rows(conn: duckdb.DuckDBPyConnection, table: RawTable, path: Path, fmt: str) -> int:
    """Rows of a registered file, read far enough to find a broken file now rather than in dbt:
    a CSV's every line is parsed; a Parquet file's every value of the contract columns decoded
    (a corrupt data page passes the footer and a plain count)."""
    view = f"{RAW_SCHEMA}.{table.name}"
    decoded = (
        "".join(f", max(length({column}))" for column in table.columns) if fmt == "parquet" else ""
    )
    try:
        return conn.execute(f"select count(*){decoded} from {view}").fetchall()[0][0]
    except duckdb.Error as error:
        raise RawInputError(
            f"unreadable file: {path}: {duckdb_reason(error)}; fix the file or export it again"
        ) from None


def register_all(
    conn: duckdb.DuckDBPyConnection, tables: list[RawTable], data_dir: Path
) -> list[RawFile]:
    """Register every raw table, or stop on the first file that cannot be used."""
    data_dir = data_dir.resolve()
    if not data_dir.is_dir():
        raise RawInputError(f"data directory not found: {data_dir}")
    conn.execute(f"create schema if not exists {RAW_SCHEMA}")
    return [register(conn, table, data_dir) for table in tables]
