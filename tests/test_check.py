"""`icp check`: the input validated and reported per table, nothing published, the exit codes of
`icp refresh`."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import AS_OF, COMPANY, icp_in_process


def test_a_clean_input_is_reported_and_nothing_published(tmp_path: Path) -> None:
    warehouse = tmp_path / "icp.duckdb"
    result = icp_in_process(
        "check", "--data-dir", COMPANY, "--warehouse", warehouse, "--as-of", AS_OF
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["billing_invoices", "17", "17", "0", "0.0%"] in rows
    lines = result.stdout.strip().splitlines()
    # Which systems were read, the heading, the column header and one line per raw table.
    assert lines[0] == "Input: crm = files (detected), billing = files (detected)"
    assert len(lines) == 14
    # stderr carries the build's progress lines only (not a terminal), no log or warning.
    assert all(line.startswith("dbt build: ") for line in result.stderr.splitlines())
    assert not warehouse.exists()


def test_a_broken_table_is_named_with_its_reasons(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(COMPANY, data)
    with (data / "billing_invoices.csv").open("a") as handle:
        handle.write("I90,C1,S1,2024-02-15,paid,lots,,USD\nI91,C1,S1,2024-02-15,paid,1e27,,USD\n")
    result = icp_in_process("check", "--data-dir", data, "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "reasons: not_a_number 1, out_of_range 1" in result.stdout
    assert "row 18: billing_invoices.amount: not a number: 'lots'" in result.stdout
    # Every table is reported, also those downstream of the broken one.
    assert "billing_subscriptions" in result.stdout
    assert "billing_invoices: 19 rows read, 2 rejected (10.5%)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(COMPANY, data)
    (data / "sales_costs.csv").unlink()
    result = icp_in_process("check", "--data-dir", data, "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == 2
    assert "missing file" in result.stderr and "sales_costs.csv" in result.stderr
