"""Shared test helpers: real builds of real fixture companies into temporary warehouses.

Test modules import these from here, never from each other; pytest fixtures live in conftest.py.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.config import Settings
from orchestration.raw_files import sql_string
from orchestration.refresh import run_refresh

FIXTURES = Path(__file__).parent / "fixtures"
COMPANY = FIXTURES / "company"
AS_OF = "2024-06-30"
ICP = Path(sys.executable).parent / "icp"

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


def icp(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed `icp` command, as scripts and schedulers run it."""
    return subprocess.run([str(ICP), *map(str, args)], capture_output=True, text=True, timeout=600)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()


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
    source, target = data / "billing_invoices.csv", data / "billing_invoices.parquet"
    with duckdb.connect() as conn:
        conn.execute(
            f"copy (select * from read_csv({sql_string(str(source))}, all_varchar = true)) "
            f"to {sql_string(str(target))} (format parquet)"
        )
    source.unlink()
    return data


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
    result = icp("refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF)
    assert result.returncode == 2, result.stderr[-2000:]
    message = result.stderr.strip().splitlines()
    assert any(all(needle in line for needle in needles) for line in message), result.stderr
    assert sha256(warehouse) == before
    assert "left as it was" in result.stderr
    # One message, not a trace nor DuckDB's option dump.
    assert "Traceback" not in result.stderr and "Possible fixes" not in result.stderr
    assert len(message) <= 4, result.stderr
