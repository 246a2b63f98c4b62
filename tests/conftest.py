"""Shared test helpers: real builds of real fixture companies into temporary DuckDB files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.assets.models import icp_models
from orchestration.assets.raw import raw_tables
from orchestration.assets.serving import icp_warehouse
from orchestration.checks import icp_drift_checks
from orchestration.raw_files import sql_string
from orchestration.resources import WarehouseResource, build_resources

FIXTURES = Path(__file__).parent / "fixtures"
COMPANY = FIXTURES / "company"
AS_OF = "2024-06-30"


def materialize_refresh(
    data_dir: Path,
    warehouse: Path,
    as_of: str | None = None,
    dbt_vars: dict[str, float] | None = None,
    raise_on_error: bool = True,
    extra_checks: tuple = (),
) -> dg.ExecuteInProcessResult:
    """The whole asset graph, in process, on one input directory and warehouse (a file, or a
    directory on the spark target, ICP_DBT_TARGET), with the drift checks and `extra_checks`."""
    resources = build_resources()
    resources["warehouse"] = WarehouseResource(
        data_dir=str(data_dir), path=str(warehouse), target=resources["warehouse"].target
    )
    config = {"as_of_date": as_of, "dbt_vars": dbt_vars or {}}
    return dg.materialize(
        [raw_tables, icp_models, icp_warehouse, icp_drift_checks, *extra_checks],
        resources=resources,
        run_config={"ops": {"icp_models": {"config": config}}},
        raise_on_error=raise_on_error,
    )


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def rows_by_key(warehouse: Path, sql: str) -> dict:
    """`select key, ...` as {key: (rest...)} (or {key: value} for two columns)."""
    result = {}
    for row in query(warehouse, sql):
        result[row[0]] = row[1] if len(row) == 2 else row[1:]
    return result


@pytest.fixture(scope="session")
def company_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-computed fixture company, built once through Dagster."""
    warehouse = tmp_path_factory.mktemp("company") / "icp.duckdb"
    result = materialize_refresh(COMPANY, warehouse, as_of=AS_OF)
    assert result.success
    return warehouse


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[..., Path]:
    """A writable copy of a fixture directory, for tests that break one file on purpose."""

    def make(source: Path = COMPANY) -> Path:
        target = tmp_path / "data"
        shutil.copytree(source, target)
        return target

    return make


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
