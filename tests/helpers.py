"""Shared test helpers: real builds of real fixture companies into temporary warehouses.

Test modules import these from here, never from each other; pytest fixtures live in conftest.py.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import cli, manifest
from orchestration.config import Settings
from orchestration.defs.transform.in_process import close_duckdb_file
from orchestration.engines.duckdb import DuckDBWarehouse
from orchestration.project import DBT_PROJECT_DIR
from orchestration.raw_files import sql_identifier, sql_string
from orchestration.refresh import run_refresh

FIXTURES = Path(__file__).parent / "fixtures"
COMPANY = FIXTURES / "company"
AS_OF = "2024-06-30"
# The HubSpot connector company's build: one deal of five has no company, more than a real refresh
# tolerates before publishing.
HUBSPOT_VARS = {"max_rejected_share_error": 1.0}
ICP = Path(sys.executable).parent / "icp"
# The warnings a new interpreter does not print: Python's default filters, outside `__main__`.
SILENT_BY_DEFAULT = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)

# The marts compared between two builds, with the order that makes their rows comparable.
MARTS = {
    "dim_accounts": "account_id",
    "fct_cac": "month, channel",
    "fct_unattributed_spend": "month, kind, channel",
    "fct_account_icp_criteria": "account_id, criterion",
    "icp_suggestions": "attribute, value",
    "dim_contacts": "contact_id",
}


def materialize_refresh(
    data_dir: Path,
    warehouse: Path,
    as_of: str | None = None,
    dbt_vars: dict[str, float] | None = None,
    **settings: object,
) -> dg.ExecuteInProcessResult:
    """The refresh job `icp refresh` runs, in process, on one input directory and warehouse (a
    file, or a directory with `dbt_target="spark"`); other keywords are `Settings` fields."""
    values = Settings(data_dir=data_dir.resolve(), warehouse=warehouse.resolve(), **settings)
    return run_refresh(values, as_of, dbt_vars)


def icp(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `icp` command, as scripts and schedulers run it (`env` over this
    process's environment)."""
    return subprocess.run(
        [str(ICP), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def icp_in_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`icp` as `cli.main` in this process, for the tests of what a command does with its input:
    the installed command's code without a new interpreter's start (its imports, dbt's macro
    templates compiled again: 5-10 s of every run on two cores). The result is the command's: its
    exit code, its stdout, and its stderr with the warnings a new interpreter would print there
    (pytest would record them instead). tests/test_cli.py runs the installed command itself."""
    argv = [str(arg) for arg in args]
    stdout, stderr = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        for category in SILENT_BY_DEFAULT:
            warnings.simplefilter("ignore", category)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = cli.main(argv)
            except SystemExit as exit:  # argparse: 2 for refused arguments, 0 after --help
                code = int(exit.code or 0)
    for warning in caught:
        stderr.write(
            warnings.formatwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
        )
    return subprocess.CompletedProcess(["icp", *argv], code, stdout.getvalue(), stderr.getvalue())


def dbt(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` on the project, through dbt's Python runner in this process as a refresh runs
    it (defs/transform/in_process.py), `env` over this process's environment: dbt's exit code (1
    when a node failed, 2 when dbt could not run), its stdout lines, and as stderr the error that
    stopped it (dbt's runner returns it rather than printing it), without a new interpreter's
    start (dbt's import, its macro templates compiled again: 3-5 s a run here)."""
    from dbt.cli.main import dbtRunner

    project = ("--project-dir", DBT_PROJECT_DIR, "--profiles-dir", DBT_PROJECT_DIR)
    argv = [str(arg) for arg in (*args, *project)]
    stdout = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(stdout):
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        try:
            result = dbtRunner().invoke(argv)
        finally:
            close_duckdb_file()
    code = 0 if result.success else 1 if result.exception is None else 2
    error = "" if result.exception is None else str(result.exception)
    return subprocess.CompletedProcess(["dbt", *argv], code, stdout.getvalue(), error)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def build_file(warehouse: Path) -> Path:
    """The private build file beside a published warehouse: every layer (raw, staging,
    intermediate), for tests of what the published file deliberately leaves out."""
    return DuckDBWarehouse(warehouse).working_path


def rows_by_key(warehouse: Path, sql: str) -> dict:
    """`select key, ...` as {key: (rest...)} (or {key: value} for two columns)."""
    result = {}
    for row in query(warehouse, sql):
        result[row[0]] = row[1] if len(row) == 2 else row[1:]
    return result


def awkward_copy(tmp_path: Path) -> Path:
    """The fixture company with awkward but valid files: BOM and CRLF, quoted commas, quotes and
    newlines, header names in other case with spaces, a header-only file, a Parquet table, and a
    quote in the directory name. Only account A1's name differs from the clean fixture."""
    data = tmp_path / "it's data"
    shutil.copytree(COMPANY, data)
    accounts = (data / "crm_accounts.csv").read_text().splitlines()
    accounts[0] = " Account_ID ,ACCOUNT_NAME,Domain,created_at,lead_source,country_code,owner_id"
    accounts[1] = accounts[1].replace("Acme Analytics", '"Acme, ""Analytics""\nInc."')
    (data / "crm_accounts.csv").write_bytes(("\ufeff" + "\r\n".join(accounts) + "\r\n").encode())
    opportunities = data / "crm_opportunities.csv"
    opportunities.write_text(opportunities.read_text().splitlines()[0] + "\n")
    csv_to_parquet(data, "billing_invoices")
    return data


def csv_to_parquet(data: Path, table: str, compression: str = "snappy") -> Path:
    """Replace `<table>.csv` in `data` by the same rows, as text, in `<table>.parquet`
    (uncompressed when a test corrupts the file's bytes: the values are then in plain sight)."""
    source, target = data / f"{table}.csv", data / f"{table}.parquet"
    with duckdb.connect() as conn:
        conn.execute(
            f"copy (select * from read_csv({sql_string(str(source))}, all_varchar = true)) "
            f"to {sql_string(str(target))} (format parquet, compression {compression})"
        )
    source.unlink()
    return target


def write_table(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """A CSV file with this header and these rows (fixture companies written in code)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_empty_tables(data: Path) -> None:
    """The contract tables a fixture company leaves out, as header-only CSV files (the headers
    from the dbt sources, so a new contract column reaches every fixture)."""
    for table in manifest.contract():
        path = data / f"{table.name}.csv"
        if not path.exists():
            write_table(path, list(table.columns), [])


# The back-test company: tests/test_backtest.py tabulates it and computes its figures by hand.
BACKTEST_VARS = {"ltv_max_lifetime_months": 10, "discovery_min_support": 1}
# The build the back-test and report tests share (conftest `backtest_build`) also raises the check
# icp_revisit's gain threshold over its default 0.15, so test_backtest sees the run's vars reach the
# check. That var is read by the Dagster check only, never by a dbt model: the marts are those of
# BACKTEST_VARS.
REVISIT_VARS = {**BACKTEST_VARS, "icp_revisit_max_auc_gain": 0.2}

# account: industry, employees, tools, lead source, first paid, mrr (active) or paid (churned),
# canceled_at (churned) or None
CUSTOMERS = {
    "C01": ("Fintech", 100, "snowflake", "paid_search", "2023-06-30", 1000, None),
    "C02": ("Fintech", 100, "snowflake", "content", "2023-07-01", 900, None),
    "C03": ("Fintech", 300, "dbt", "content", "2024-02-01", 950, None),
    "C04": ("Software", 100, "slack", "content", "2023-03-15", 500, "2024-03-15"),
    "C05": ("Software", 30, "slack", "content", "2023-03-15", 600, "2024-03-16"),
    "C06": ("Retail", 20, "shopify", "content", "2023-01-10", 100, None),
    "C07": ("Retail", 20, "shopify", "content", "2024-03-01", 150, None),
    "C08": ("Retail", 5, "shopify", "content", "2023-05-01", 200, "2023-08-01"),
    "C09": ("Software", 100, "snowflake", "content", "2024-04-01", 700, None),
    "C10": ("Retail", 20, "shopify", "content", "2023-09-01", 120, None),
}
# C03 was billed a prorated first month: 50 paid so far, on an MRR of 950.
PAID_SO_FAR = {"C03": 50}
PROSPECTS = {"P1": ("Fintech", 100, "snowflake"), "P2": ("Retail", 20, "shopify")}
CRITERIA = [
    ["v1", "2023-01-01", "retail", "industry", "in", "Retail", 1],
    ["v2", "2024-01-01", "target_industry", "industry", "in", "Fintech|Software", 2],
    ["v2", "2024-01-01", "modern_data_stack", "tech_stack", "contains_any", "snowflake", 1],
    ["v2", "2024-01-01", "mid_market", "employee_count", "between", "51|500", 1],
    ["v3", "2024-09-01", "shop_tools", "tech_stack", "contains_any", "shopify", 1],
]


def backtest_company(data: Path, criteria: list[list[object]] = CRITERIA) -> None:
    """The ten customers and two prospects of tests/test_backtest.py as raw files in `data`."""
    data.mkdir()
    firmographics = {a: row[:3] for a, row in CUSTOMERS.items()} | PROSPECTS
    write_table(
        data / "crm_accounts.csv",
        ["account_id", "account_name", "domain", "created_at", "lead_source", "country_code"],
        [
            [
                a,
                f"Company {a}",
                f"{a.lower()}.com",
                "2022-12-01",
                CUSTOMERS[a][3] if a in CUSTOMERS else "content",
                "US",
            ]
            for a in firmographics
        ],
    )
    write_table(
        data / "enrichment_companies.csv",
        ["domain", "industry", "employee_count", "business_model", "tech_stack"],
        [
            [f"{a.lower()}.com", ind, emp, "b2b", tools]
            for a, (ind, emp, tools) in firmographics.items()
        ],
    )
    write_table(
        data / "billing_customers.csv",
        ["customer_id", "account_id", "currency", "created_at"],
        [[f"B{a}", a, "USD", row[4]] for a, row in CUSTOMERS.items()],
    )
    write_table(
        data / "billing_subscriptions.csv",
        [
            "subscription_id",
            "customer_id",
            "plan",
            "status",
            "started_at",
            "canceled_at",
            "mrr",
            "currency",
        ],
        [
            [
                f"S{a}",
                f"B{a}",
                "growth",
                "canceled" if cancel else "active",
                first,
                cancel or "",
                amount,
                "USD",
            ]
            for a, (_, _, _, _, first, amount, cancel) in CUSTOMERS.items()
        ],
    )
    write_table(
        data / "billing_invoices.csv",
        [
            "invoice_id",
            "customer_id",
            "subscription_id",
            "issued_at",
            "status",
            "amount",
            "amount_refunded",
            "currency",
        ],
        [
            [f"I{a}", f"B{a}", f"S{a}", first, "paid", PAID_SO_FAR.get(a, amount), "", "USD"]
            for a, (_, _, _, _, first, amount, _) in CUSTOMERS.items()
        ],
    )
    write_table(
        data / "marketing_spend.csv",
        ["spend_date", "channel", "amount", "currency"],
        [["2023-06-05", "paid_search", 2000, "USD"]],
    )
    write_table(
        data / "icp_criteria.csv",
        ["icp_version", "effective_from", "criterion", "attribute", "operator", "value", "weight"],
        criteria,
    )
    write_empty_tables(data)


def marts_contents(warehouse: Path) -> dict[str, list[tuple]]:
    return {
        mart: query(warehouse, f"select * from marts.{mart} order by {order}")
        for mart, order in MARTS.items()
    }


def broken_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(COMPANY, data)
    return data


def assert_stops_with(published: Path, tmp_path: Path, data: Path, *needles: str) -> None:
    """Exit 2, a message naming the problem, and the published warehouse untouched."""
    warehouse = tmp_path / "published" / "icp.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(published, warehouse)
    before = sha256(warehouse)
    result = icp_in_process(
        "refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF
    )
    assert result.returncode == 2, result.stderr[-2000:]
    message = result.stderr.strip().splitlines()
    assert any(all(needle in line for needle in needles) for line in message), result.stderr
    assert sha256(warehouse) == before
    assert "left as it was" in result.stderr
    # One message, not a trace nor DuckDB's option dump.
    assert "Traceback" not in result.stderr and "Possible fixes" not in result.stderr
    assert len(message) <= 4, result.stderr


def published_values(warehouse: Path) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every distinct non-null value of every column of every
    table in the file."""
    found = []
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        columns = conn.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where not internal order by all"
        ).fetchall()
        for schema, table, column in columns:
            relation = f"{sql_identifier(schema)}.{sql_identifier(table)}"
            name = sql_identifier(column)
            values = conn.execute(
                f"select distinct cast({name} as varchar) from {relation} where {name} is not null"
            ).fetchall()
            found += [(f"{schema}.{table}", column, value) for (value,) in values]
    return found
