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
) -> dg.ExecuteInProcessResult:
    """The whole asset graph, in process, on one input directory and warehouse file."""
    resources = build_resources()
    resources["warehouse"] = WarehouseResource(data_dir=str(data_dir), path=str(warehouse))
    config = {"as_of_date": as_of, "dbt_vars": dbt_vars or {}}
    return dg.materialize(
        [raw_tables, icp_models, icp_warehouse, icp_drift_checks],
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
