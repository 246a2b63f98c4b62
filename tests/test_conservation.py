"""The conservation tests can fail: break a built warehouse on purpose and dbt must notice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.helpers import build_file, dbt

TAMPERING = {
    "assert_cac_conserved": "update marts.dim_accounts set cac_usd = cac_usd + 1 "
    "where account_id = 'A1'",
    "assert_revenue_conserved": "update marts.dim_accounts "
    "set lifetime_revenue_usd = lifetime_revenue_usd - 40 where account_id = 'A2'",
    "load_audit_rows_conserved": "update marts.fct_load_audit "
    "set rows_accepted = rows_accepted - 1 where source_table = 'billing_invoices'",
    "assert_fit_score_derivable_from_criteria": "update marts.dim_accounts "
    "set icp_fit_score = 99.9 where account_id = 'A3'",
}


def dbt_test(warehouse: Path, selection: str, target: Path) -> subprocess.CompletedProcess[str]:
    return dbt(
        "test", "--select", selection, "--vars", "{as_of_date: '2024-06-30'}",
        "--target-path", target, "--log-path", target,
        env={"ICP_DUCKDB_PATH": str(warehouse)},
    )  # fmt: skip


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where each test's copy of the build file and dbt's target folder go: one folder for the
    module's tests, which run one after another, so the same warehouse path and target folder let
    dbt reuse its parse from the first test (a new path or folder is a full parse, 5-7 s)."""
    return tmp_path_factory.mktemp("conservation")


def fresh_copy(company_warehouse: Path, place: Path) -> Path:
    """A fresh copy of the build file (every layer: the tests read intermediate models too, which
    the published file leaves out), over the previous test's. Same file name, so the views inside
    keep resolving their catalog."""
    build = build_file(company_warehouse)
    warehouse = place / build.name
    warehouse.with_name(f"{warehouse.name}.wal").unlink(missing_ok=True)
    shutil.copyfile(build, warehouse)
    return warehouse


def test_conservation_tests_pass_on_an_intact_warehouse(
    company_warehouse: Path, place: Path
) -> None:
    warehouse = fresh_copy(company_warehouse, place)
    result = dbt_test(warehouse, " ".join(TAMPERING), place / "target")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr


@pytest.mark.parametrize("test_name", sorted(TAMPERING))
def test_conservation_test_fails_when_broken_on_purpose(
    test_name: str, company_warehouse: Path, place: Path
) -> None:
    warehouse = fresh_copy(company_warehouse, place)
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(TAMPERING[test_name])
    result = dbt_test(warehouse, test_name, place / "target")
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    assert f"FAIL 1 {test_name}" in result.stdout
