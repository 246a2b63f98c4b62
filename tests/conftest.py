"""Shared fixtures; the helpers they use are in tests/helpers.py."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli import collect_less
from tests.connector_fixture import write_hubspot, write_salesforce_stripe
from tests.helpers import (
    AS_OF,
    COMPANY,
    HUBSPOT_VARS,
    REVISIT_VARS,
    backtest_company,
    icp_in_process,
    materialize_refresh,
)


def pytest_configure(config: pytest.Config) -> None:
    """The refreshes the tests run in process collect garbage as the `icp` command's do."""
    collect_less()


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


@pytest.fixture(scope="session")
def published_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`icp refresh` of the hand-computed company, run once per session (per worker under xdist)
    off a terminal, in this process (tests/test_cli.py runs the installed command): the published
    warehouse and the command's output. Read-only: a test that refreshes over it works on its own
    copy."""
    warehouse = tmp_path_factory.mktemp("cli") / "out" / "icp.duckdb"
    result = icp_in_process(
        "refresh", "--data-dir", COMPANY, "--warehouse", warehouse, "--as-of", AS_OF
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Warehouse: {warehouse}" in result.stdout
    assert "Accounts: 5   customers: 3 (2 active)" in result.stdout
    assert "Rejected input rows: none" in result.stdout
    return warehouse, result


@pytest.fixture(scope="session")
def published(published_run: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    """The warehouse `published_run` published."""
    return published_run[0]


@pytest.fixture(scope="session")
def backtest_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dg.ExecuteInProcessResult]:
    """The back-test company (tests/helpers.py) built once through Dagster, with its run result;
    tests/test_backtest.py and tests/test_report.py only read it."""
    root = tmp_path_factory.mktemp("backtest")
    backtest_company(root / "data")
    warehouse = root / "icp.duckdb"
    result = materialize_refresh(root / "data", warehouse, as_of=AS_OF, dbt_vars=REVISIT_VARS)
    assert result.success
    return warehouse, result


@pytest.fixture(scope="session")
def connector_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Salesforce + Stripe connector company (tests/connector_fixture.py). Read-only."""
    return write_salesforce_stripe(tmp_path_factory.mktemp("connectors") / "data")


@pytest.fixture(scope="session")
def connector_run(connector_data: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`icp refresh` of the Salesforce + Stripe company on DuckDB with both systems named, once
    per session, in this process: the warehouse and the command's output. Read by
    tests/test_connectors.py and compared with its Spark build by tests/test_spark.py."""
    warehouse = connector_data.parent / "icp.duckdb"
    result = icp_in_process(
        "refresh", "--data-dir", connector_data, "--warehouse", warehouse, "--as-of", AS_OF,
        "--crm", "salesforce", "--billing", "stripe",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return warehouse, result


@pytest.fixture(scope="session")
def connector_warehouse(connector_run: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    """The warehouse `connector_run` built."""
    return connector_run[0]


@pytest.fixture(scope="session")
def hubspot_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HubSpot connector company (billing = crm: its won deals). Read-only."""
    return write_hubspot(tmp_path_factory.mktemp("hubspot") / "data")


@pytest.fixture(scope="session")
def hubspot_warehouse(hubspot_data: Path) -> Path:
    """The HubSpot company built on DuckDB through Dagster (HUBSPOT_VARS), once per session; read
    by tests/test_connectors.py and compared with its Spark build by tests/test_spark.py."""
    warehouse = hubspot_data.parent / "icp.duckdb"
    assert materialize_refresh(hubspot_data, warehouse, as_of=AS_OF, dbt_vars=HUBSPOT_VARS).success
    return warehouse
