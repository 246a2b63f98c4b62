"""The plain DuckDB SQL build (benchmarks/plain/*.sql) and its check against the pipeline's marts.

The plain build is the floor `icp refresh` is timed against and a second implementation of the same
marts: the same input files, read as the pipeline's loader reads them, the same quarantine rules and
definitions, written as plain SQL files run in name order by one DuckDB connection (no dbt, no
Dagster). `compare` then checks every mart it builds against the pipeline's published one: the same
keys, and every column the plain build has equal (text, dates, whole numbers and money exactly, the
cent being the mart's type; rounded ratios to their last decimal).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
SQL_DIR = HERE / "plain"
# The marts the plain build covers, with their keys. The drift marts hold one as-of date here and a
# history in a warehouse refreshed before: compare with a fresh build (the benchmark's, the tests').
MARTS: dict[str, tuple[str, ...]] = {
    "rejected_rows": ("source_table", "row_number"),
    "fct_load_audit": ("source_table",),
    "dim_accounts": ("account_id",),
    "fct_account_icp_criteria": ("account_id", "criterion"),
    "dim_contacts": ("contact_id",),
    "fct_cac": ("month", "channel"),
    "fct_unattributed_spend": ("month", "kind", "channel"),
    "dim_refresh": ("as_of_date",),
    "icp_suggestions": ("attribute", "value"),
    "icp_trust_warnings": ("signal", "attribute", "value"),
    "icp_version_criteria": ("status", "icp_version", "criterion"),
    "icp_backtest": ("status", "icp_version", "icp_tier"),
    "icp_versions": ("status", "icp_version"),
    "icp_drift": ("as_of_date", "signal"),
    "icp_drift_contributions": ("as_of_date", "signal", "value"),
}
# DOUBLE columns the marts round: compared to within one unit of their last decimal (two
# summation orders may round a tie apart). Other DOUBLE columns within 1e-9.
ROUNDED = {
    "monthly_churn_rate": 6,
    "expected_lifetime_months": 2,
    "ltv_to_cac": 2,
    "cac_payback_months": 2,
}


class Mismatch(Exception):
    """The plain build and the pipeline disagree: one message naming the mart, column and a key."""


@dataclass(frozen=True)
class Coverage:
    """What one comparison checked: per mart, its rows and the columns compared and not built."""

    marts: dict[str, dict]

    def summary(self) -> str:
        return "; ".join(
            f"{mart} ({info['rows']:,} rows, {len(info['compared'])} columns"
            + (f", not built: {', '.join(info['not_built'])}" if info["not_built"] else "")
            + ")"
            for mart, info in self.marts.items()
        )


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def project_vars(project: Path) -> dict[str, object]:
    """The dbt vars of dbt_project.yml that are numbers (gross margin, thresholds, the event-year
    bounds) or lists of names (drift_attributes), a mapping of numbers as one variable per entry
    (`icp_tier_thresholds_A`), so both builds use the project's values."""
    import yaml

    declared = yaml.safe_load((project / "dbt_project" / "dbt_project.yml").read_text())["vars"]
    if declared.get("date_formats"):
        raise SystemExit("the plain SQL reads ISO dates only; dbt_project.yml sets date_formats")
    variables = {
        name: value
        for name, value in declared.items()
        if is_number(value) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
    }
    for name, value in declared.items():
        if isinstance(value, dict) and value and all(map(is_number, value.values())):
            variables.update({f"{name}_{key}": number for key, number in value.items()})
    return variables


def register_raw_views(conn: duckdb.DuckDBPyConnection, project: Path, data_dir: Path) -> None:
    """Every input file as the view raw.<table>, read as the pipeline's loader reads it (every
    contract column as text, `_row_number` in file order): the same input, not a second reader of
    CSV quoting rules. The loader's full scan of each file (its check for a broken file) is left
    out: the plain build reads each file where its SQL needs it."""
    sys.path.insert(0, str(project))
    from orchestration import raw_files

    manifest = json.loads((project / "dbt_project" / "target" / "manifest.json").read_text())
    conn.execute(f"create schema if not exists {raw_files.RAW_SCHEMA}")
    for table in raw_files.contract_from_manifest(manifest):
        path, fmt = raw_files.find_file(data_dir, table)
        raw_files.register_view(conn, table, path, fmt)


def sql_literal(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, list):
        return "[" + ", ".join(map(sql_literal, value)) + "]"
    return "'" + str(value).replace("'", "''") + "'"


def build(
    project: Path,
    data_dir: Path,
    out: Path,
    as_of: str | None,
    memory_limit: str,
    dbt_vars: dict[str, object] | None = None,
) -> None:
    """benchmarks/plain/*.sql in name order, in one DuckDB connection to the new file `out`, with
    the pipeline's memory limit; `as_of` None: the latest event date, as the pipeline picks it;
    `dbt_vars` as a refresh's `--vars` override dbt_project.yml's."""
    out.unlink(missing_ok=True)
    config = {"memory_limit": memory_limit, "temp_directory": str(out.parent / "duckdb-tmp")}
    with duckdb.connect(str(out), config=config) as conn:
        conn.execute("set TimeZone = 'UTC'")
        conn.execute("set enable_progress_bar = false")
        register_raw_views(conn, project, data_dir)
        variables: dict[str, object] = {
            "reference_dir": str(project / "dbt_project" / "reference"),
            "as_of": date.fromisoformat(as_of) if as_of else None,
            **project_vars(project),
            **(dbt_vars or {}),
        }
        for name, value in variables.items():
            conn.execute(f"set variable {name} = {sql_literal(value)}")
        for script in sorted(SQL_DIR.glob("*.sql")):
            conn.execute(script.read_text())


def columns_of(conn: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> dict:
    rows = conn.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [database, schema, table],
    ).fetchall()
    return dict(rows)


def differs(column: str, data_type: str) -> str:
    """SQL that is true where the two builds' values of `column` disagree."""
    p, m = f"p.{column}", f"m.{column}"
    if data_type in ("DOUBLE", "FLOAT"):
        tolerance = 10 ** -ROUNDED[column] + 1e-9 if column in ROUNDED else 1e-9
        return f"({p} is null) <> ({m} is null) or abs({p} - {m}) > {tolerance}"
    return f"{p} is distinct from {m}"


def compare_mart(conn: duckdb.DuckDBPyConnection, mart: str, keys: tuple[str, ...]) -> dict:
    plain = columns_of(conn, "plain", "main", mart)
    published = columns_of(conn, "pipeline", "marts", mart)
    extra = sorted(set(plain) - set(published))
    if not plain or extra:
        raise Mismatch(
            f"{mart}: the plain build lacks the table or has columns the mart lacks: {extra}"
        )
    on = " and ".join(f"p.{key} is not distinct from m.{key}" for key in keys)
    joined = f"plain.main.{mart} as p full join pipeline.marts.{mart} as m on {on}"
    key_text = " || '|' || ".join(
        f"coalesce(cast(p.{key} as varchar), cast(m.{key} as varchar))" for key in keys
    )
    [(missing, example)] = conn.execute(
        f"select count(*), any_value({key_text}) from {joined} "
        f"where p.{keys[0]} is null or m.{keys[0]} is null"
    ).fetchall()
    if missing:
        raise Mismatch(
            f"{mart}: {missing} key(s) in only one build, e.g. {'|'.join(keys)} = {example}"
        )
    compared = [column for column in published if column in plain and column not in keys]
    for column in compared:
        [(count, example, mine, theirs)] = conn.execute(
            f"select count(*), any_value({key_text}), any_value(cast(p.{column} as varchar)), "
            f"any_value(cast(m.{column} as varchar)) from {joined} "
            f"where {differs(column, published[column])}"
        ).fetchall()
        if count:
            raise Mismatch(
                f"{mart}.{column}: {count} row(s) differ, e.g. {'|'.join(keys)} = {example}: "
                f"plain build {mine!r}, pipeline {theirs!r}"
            )
    [(rows,)] = conn.execute(f"select count(*) from plain.main.{mart}").fetchall()
    not_built = [column for column in published if column not in plain]
    return {"rows": rows, "compared": [*keys, *compared], "not_built": not_built}


def compare(plain_file: Path, warehouse: Path) -> Coverage:
    """Every mart of MARTS in the plain build against the published warehouse's; raises Mismatch."""
    with duckdb.connect() as conn:
        conn.execute("set TimeZone = 'UTC'")
        conn.execute(f"attach {sql_literal(str(plain_file))} as plain (read_only)")
        conn.execute(f"attach {sql_literal(str(warehouse))} as pipeline (read_only)")
        return Coverage({mart: compare_mart(conn, mart, keys) for mart, keys in MARTS.items()})
