"""Shared fixtures; the helpers they use are in tests/helpers.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from tests.helpers import (
    AS_OF,
    COMPANY,
    REVISIT_VARS,
    backtest_company,
    icp,
    materialize_refresh,
)


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
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse published by `icp refresh` on the hand-computed company, built once per session
    (per worker under xdist). Read-only: a test that refreshes over it works on its own copy."""
    warehouse = tmp_path_factory.mktemp("cli") / "out" / "icp.duckdb"
    result = icp("refresh", "--data-dir", COMPANY, "--warehouse", warehouse, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Warehouse: {warehouse}" in result.stdout
    assert "Accounts: 5   customers: 3 (2 active)" in result.stdout
    assert "Rejected input rows: none" in result.stdout
    return warehouse


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
