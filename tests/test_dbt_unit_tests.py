"""dbt's unit tests (the `unit_tests:` blocks beside the tricky models), run here in `make test`.

A refresh leaves them out (`REFRESH_EXCLUDES` in defs/transform/assets.py): they test the SQL on
fixed rows, not the data. dbt needs each tested model's parents to exist to know their columns,
so they run against a copy of a real build file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.helpers import build_file, dbt


def dbt_test(select: str, working: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """`dbt test --select <select>` against the build file `working`, its artifacts in `target`."""
    return dbt(
        "test", "--select", select, "--vars", json.dumps({"icp_duckdb_path": str(working)}),
        "--target-path", target, "--log-path", target,
    )  # fmt: skip


@pytest.fixture
def working(company_warehouse: Path, tmp_path: Path) -> Path:
    """A writable copy of the session build's private file, for dbt to test against."""
    copy = tmp_path / "icp.duckdb"
    shutil.copy(build_file(company_warehouse), copy)
    return copy


def test_dbt_unit_tests_pass(working: Path, tmp_path: Path) -> None:
    target = tmp_path / "dbt-target"
    result = dbt_test("resource_type:unit_test", working, target)
    # dbt's own lines: which unit test failed and the diff of expected and actual rows.
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    unit_tests = [node for node in results if node["unique_id"].startswith("unit_test.")]
    assert unit_tests and all(node["status"] == "pass" for node in unit_tests)


def test_primary_key_finds_null_and_repeated_keys(working: Path, tmp_path: Path) -> None:
    """The key test (macros/tests/primary_key.sql) fails with one row per bad key value: a key
    on two rows and a null key, on a copy of a real build's table."""
    table = "intermediate.int_accounts__firmographics"
    with duckdb.connect(str(working)) as conn:
        conn.execute(f"insert into {table} select * from {table} where account_id = 'A1'")
        conn.execute(
            f"insert into {table} select * replace (null as account_id) from {table} limit 1"
        )
    target = tmp_path / "dbt-target"
    result = dbt_test("primary_key_int_accounts__firmographics_account_id", working, target)
    assert result.returncode == 1, result.stdout[-3000:]
    [node] = json.loads((target / "run_results.json").read_text())["results"]
    assert (node["status"], node["failures"]) == ("fail", 2)
