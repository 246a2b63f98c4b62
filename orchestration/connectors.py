"""Connector folders: Salesforce, HubSpot and Stripe tables as Fivetran lands them, found and
registered.

A user's CRM and billing data usually arrive through a sync tool, one schema per connector. As
files, each connector is a folder of the input directory (`DIR/salesforce/account.csv`,
`DIR/stripe/invoice.parquet`, ...), beside the contract files no connector provides. This module
decides which systems a run reads (`crm`: salesforce, hubspot or files; `billing`: stripe, files
or crm, detected from what is present unless given), checks that every connector table and column
the mapping needs is there (stopping with a message naming the connector, table and column),
and plans their landing, which each engine carries out (Engine.register_connectors): a table
`<connector>.<table>` with every declared column as text (null when the file lacks an optional
one) plus `_row_number` in file order; a DuckDB view here, a Parquet table on Spark. The mapping
to the contract tables is dbt's (models/connectors/); the declared tables and columns are its
sources, read from the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.raw_files import (
    FORMATS,
    RAW_SCHEMA,
    RawFile,
    RawInputError,
    RawTable,
    csv_header,
    csv_scan,
    parquet_scan,
    required_columns,
    source_meta,
    sql_identifier,
)

CRM_SYSTEMS = ("salesforce", "hubspot", "files")
BILLING_SYSTEMS = ("stripe", "files", "crm")
CONNECTORS = ("salesforce", "hubspot", "stripe")
CRM_CONNECTORS = ("salesforce", "hubspot")
# The contract tables a CRM or billing system provides, by their name prefix.
CRM_PREFIX, BILLING_PREFIX = "crm_", "billing_"
# The contract table a CRM connector makes optional: the CRM's own firmographics fill in.
OPTIONAL_WITH_CRM_CONNECTOR = "enrichment_companies"


@dataclass(frozen=True)
class ConnectorTable:
    """One connector table the mapping reads, as declared in the dbt sources."""

    connector: str
    name: str
    columns: tuple[str, ...]
    required: frozenset[str]
    maps_to: str | None = None
    one_of: str | None = None
    description: str = ""

    @property
    def qualified(self) -> str:
        return f"{self.connector}.{self.name}"


@dataclass(frozen=True)
class SourceChoice:
    """Which system the CRM and billing tables come from in one run, and how that was decided."""

    crm: str
    billing: str
    crm_how: str = "given"
    billing_how: str = "given"

    @property
    def connectors(self) -> tuple[str, ...]:
        return tuple(name for name in (self.crm, self.billing) if name in CONNECTORS)

    def dbt_vars(self) -> dict[str, str]:
        """The dbt vars of this choice; none for contract files (the project's defaults), so a
        plain refresh keeps dbt's partial parsing."""
        chosen = {"crm": self.crm, "billing": self.billing}
        return {name: value for name, value in chosen.items() if value != "files"}

    def describe(self) -> str:
        return f"crm = {self.crm} ({self.crm_how}), billing = {self.billing} ({self.billing_how})"


def connector_tables_from_manifest(manifest: dict) -> list[ConnectorTable]:
    """The connector tables and columns, from the dbt sources whose meta names a connector."""
    tables = [
        ConnectorTable(
            connector=node["source_name"],
            name=node["name"],
            columns=tuple(node["columns"]),
            required=required_columns(node),
            maps_to=source_meta(node).get("maps_to"),
            one_of=source_meta(node).get("one_of"),
            description=node.get("description", ""),
        )
        for node in manifest["sources"].values()
        if source_meta(node).get("connector")
    ]
    return sorted(tables, key=lambda table: (table.connector, table.name))


def contract_files(data_dir: Path, prefix: str) -> list[Path]:
    return sorted(
        path for fmt in FORMATS for path in data_dir.glob(f"{prefix}*.{fmt}") if path.is_file()
    )


def choose(data_dir: Path, crm: str | None = None, billing: str | None = None) -> SourceChoice:
    """The run's systems: as given, else detected (a connector folder, else the contract files;
    billing with neither a `stripe/` folder nor `billing_*` files is `crm`). A table given both
    ways, a connector folder and a contract file, stops the run naming both."""
    if crm is not None and crm not in CRM_SYSTEMS:
        raise RawInputError(f"--crm {crm!r}: not one of {', '.join(CRM_SYSTEMS)}")
    if billing is not None and billing not in BILLING_SYSTEMS:
        raise RawInputError(f"--billing {billing!r}: not one of {', '.join(BILLING_SYSTEMS)}")
    crm_how = billing_how = "given"
    if crm is None:
        folders = [name for name in CRM_CONNECTORS if (data_dir / name).is_dir()]
        if len(folders) > 1:
            raise RawInputError(
                f"crm tables given two ways: {data_dir / folders[0]} and {data_dir / folders[1]}; "
                "keep one or choose with --crm"
            )
        crm = folders[0] if folders else "files"
        crm_how = f"detected from the {crm}/ folder" if folders else "detected"
    if billing is None:
        if (data_dir / "stripe").is_dir():
            billing, billing_how = "stripe", "detected from the stripe/ folder"
        elif contract_files(data_dir, BILLING_PREFIX):
            billing, billing_how = "files", "detected"
        else:
            billing, billing_how = "crm", "detected: no stripe/ folder and no billing_* files"
    for system, prefix in ((crm, CRM_PREFIX), (billing, BILLING_PREFIX)):
        both = contract_files(data_dir, prefix) if system != "files" else []
        if both:
            given = f"the {system}/ folder" if system in CONNECTORS else "billing = crm (won deals)"
            raise RawInputError(
                f"{prefix.rstrip('_')} tables given two ways: {given} and {both[0]}; "
                "keep one (or choose with --crm / --billing)"
            )
    return SourceChoice(crm, billing, crm_how, billing_how)


def find_table(data_dir: Path, table: ConnectorTable) -> tuple[Path, str] | None:
    folder = data_dir / table.connector
    present = [(folder / f"{table.name}.{fmt}", fmt) for fmt in FORMATS]
    present = [(path, fmt) for path, fmt in present if path.is_file()]
    if len(present) > 1:
        raise RawInputError(
            f"{table.connector}: two files for table {table.name}: {present[0][0]} and "
            f"{present[1][0]}; keep one"
        )
    return present[0] if present else None


def column_mapping(table: ConnectorTable, path: Path, header: list[str]) -> dict[str, str]:
    """Declared column -> column name in the file, case-insensitively; a missing required one
    stops the run naming the connector, table and column."""
    by_normal: dict[str, str] = {}
    for name in header:
        by_normal.setdefault(name.strip().lower(), name)
    missing = sorted(table.required - by_normal.keys())
    if missing:
        raise RawInputError(
            f"{table.connector}: table {table.name} ({path}) lacks column(s) "
            f"{', '.join(missing)}, which the mapping needs; needed: "
            f"{', '.join(sorted(table.required))}"
        )
    return {column: by_normal[column] for column in table.columns if column in by_normal}


def view_sql(schema: str, name: str, columns: tuple[str, ...], scan: str, mapping, row_number):
    selected = [f"{row_number} as _row_number"] + [
        f"cast({sql_identifier(mapping[column])} as varchar) as {sql_identifier(column)}"
        if column in mapping
        else f"cast(null as varchar) as {sql_identifier(column)}"
        for column in columns
    ]
    return (
        f"create or replace view {sql_identifier(schema)}.{sql_identifier(name)} as\n"
        f"select {', '.join(selected)}\nfrom {scan}"
    )


@dataclass(frozen=True)
class ConnectorLanding:
    """What a run lands of its connectors, decided before any engine reads a file: each connector
    table's file, and the tables to create empty (the other table of a `one_of` group, and
    `enrichment_companies` when a CRM connector fills in for it). The engines land it alike
    (Engine.register_connectors): every declared column as text plus `_row_number`."""

    files: tuple[tuple[ConnectorTable, Path, str], ...] = ()
    empty: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    @property
    def schemas(self) -> tuple[str, ...]:
        names = [table.connector for table, _, _ in self.files] + [s for s, _, _ in self.empty]
        return tuple(dict.fromkeys(names))


def plan_landing(
    tables: list[ConnectorTable],
    contract: list[RawTable],
    choice: SourceChoice,
    data_dir: Path,
) -> ConnectorLanding:
    """Every table of the run's connectors, located; raise RawInputError naming the first that is
    missing (its connector, table and needed columns)."""
    files: list[tuple[ConnectorTable, Path, str]] = []
    empty: list[tuple[str, str, tuple[str, ...]]] = []
    for connector in choice.connectors:
        own = [table for table in tables if table.connector == connector]
        located = {table.name: find_table(data_dir, table) for table in own}
        for table in own:
            place = located[table.name]
            if place is not None:
                files.append((table, *place))
                continue
            group = [other.name for other in own if table.one_of and other.one_of == table.one_of]
            if any(located[name] for name in group):
                empty.append((connector, table.name, table.columns))
                continue
            wanted = " or ".join(f"{name}.csv" for name in (group or [table.name]))
            raise RawInputError(
                f"{connector}: missing table {' or '.join(group or [table.name])}: expected "
                f"{data_dir / connector}/{wanted} (or .parquet) with column(s) "
                f"{', '.join(sorted(table.required))} ({choice.describe()})"
            )
    enrichment = next((t for t in contract if t.name == OPTIONAL_WITH_CRM_CONNECTOR), None)
    if (
        choice.crm in CONNECTORS
        and enrichment is not None
        and not any((data_dir / f"{enrichment.name}.{fmt}").is_file() for fmt in FORMATS)
    ):
        empty.append((RAW_SCHEMA, enrichment.name, enrichment.columns))
    return ConnectorLanding(tuple(files), tuple(empty))


def register_table(
    conn: duckdb.DuckDBPyConnection, table: ConnectorTable, path: Path, fmt: str
) -> RawFile:
    if fmt == "csv":
        header = csv_header(path)
        scan, row_number = csv_scan(path, header), "row_number() over ()"
    else:
        scan, header = parquet_scan(conn, path)
        row_number = "file_row_number + 1"
    mapping = column_mapping(table, path, header)
    conn.execute(view_sql(table.connector, table.name, table.columns, scan, mapping, row_number))
    try:
        rows = conn.execute(f"select count(*) from {table.qualified}").fetchall()[0][0]
    except duckdb.Error as error:
        raise RawInputError(f"unreadable file: {path} ({error})") from None
    stat = path.stat()
    return RawFile(table.qualified, path, fmt, stat.st_size, stat.st_mtime, rows)


def register_empty(conn: duckdb.DuckDBPyConnection, schema: str, name: str, columns) -> None:
    """A view with the declared columns and no rows: a table the run does not need a file for."""
    empty = view_sql(schema, name, tuple(columns), "(select 1) as none", {}, "1")
    conn.execute(f"{empty} where false")


def register_connectors(
    conn: duckdb.DuckDBPyConnection, landing: ConnectorLanding
) -> list[RawFile]:
    """The DuckDB landing: each connector table a view `<connector>.<table>` over its file."""
    for schema in landing.schemas:
        conn.execute(f"create schema if not exists {sql_identifier(schema)}")
    found = [register_table(conn, table, path, fmt) for table, path, fmt in landing.files]
    for schema, name, columns in landing.empty:
        register_empty(conn, schema, name, columns)
    return found


def contract_tables_for_files(
    contract: list[RawTable], choice: SourceChoice, data_dir: Path
) -> list[RawTable]:
    """The contract tables whose files this run reads and checks: the CRM and billing ones only
    when they are files; enrichment, with a CRM connector, only when present (it may be absent)."""
    skipped = [CRM_PREFIX] if choice.crm != "files" else []
    if choice.billing != "files":
        skipped.append(BILLING_PREFIX)
    tables = [table for table in contract if not table.name.startswith(tuple(skipped))]
    if choice.crm in CONNECTORS and not any(
        (data_dir / f"{OPTIONAL_WITH_CRM_CONNECTOR}.{fmt}").is_file() for fmt in FORMATS
    ):
        tables = [table for table in tables if table.name != OPTIONAL_WITH_CRM_CONNECTOR]
    return tables
