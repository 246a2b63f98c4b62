"""Limits that catch a broken export before it replaces a good warehouse, explained in one message.

Every rejected row counts toward the rejected-row limit (an export with every invoice dated 2099
used to publish a warehouse of 0 customers), and a table whose accepted rows fall by more than
`max_accepted_drop` against the published warehouse stops the refresh.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import AS_OF, COMPANY, icp_in_process, query, sha256


def copy_company(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(COMPANY, data)
    return data


def rewrite(path: Path, edit) -> None:
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], *edit(lines[1:])]) + "\n")


def refresh_over(published: Path, tmp_path: Path, data: Path, *options: str):
    """Refresh a copy of the published warehouse; (result, copy, hash of the copy before)."""
    warehouse = tmp_path / "published" / published.name
    warehouse.parent.mkdir()
    shutil.copyfile(published, warehouse)
    before = sha256(warehouse)
    args = ("refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF, *options)
    return icp_in_process(*args), warehouse, before


def test_rows_after_the_as_of_date_count_toward_the_limit(published: Path, tmp_path: Path) -> None:
    data = copy_company(tmp_path)
    rewrite(
        data / "billing_invoices.csv",
        lambda rows: [row.replace(",2024-", ",2099-").replace(",2023-", ",2099-") for row in rows],
    )
    result, warehouse, before = refresh_over(published, tmp_path, data)
    assert result.returncode == 1, result.stderr[-3000:]
    assert sha256(warehouse) == before
    message = result.stderr
    assert "Traceback" not in message and "dagster" not in message.lower()
    assert "billing_invoices: 17 rows read, 17 rejected (100.0%)" in message
    assert "top reasons: after_as_of_date 17" in message
    assert "row 1: billing_invoices.issued_at: after the as-of date 2024-06-30: '2099-01-15'" in (
        message
    )
    assert "was left as it was" in message
    assert f"{warehouse.parent / '.icp-build' / warehouse.name}" in message
    assert "--var max_rejected_share_error=" in message


def test_a_collapsed_table_stops_the_refresh(published: Path, tmp_path: Path) -> None:
    data = copy_company(tmp_path)
    # 7 of 17 invoices left, all of them valid: nothing is rejected, but 59% of them are gone.
    rewrite(data / "billing_invoices.csv", lambda rows: rows[:7])
    result, warehouse, before = refresh_over(published, tmp_path, data)
    assert result.returncode == 1, result.stderr[-3000:]
    assert sha256(warehouse) == before
    assert "Traceback" not in result.stderr
    assert "billing_invoices: 7 rows accepted, 17 in the published warehouse" in result.stderr
    assert "--var max_accepted_drop=1" in result.stderr


def test_the_drop_check_is_lifted_by_its_var(published: Path, tmp_path: Path) -> None:
    data = copy_company(tmp_path)
    rewrite(data / "billing_invoices.csv", lambda rows: rows[:7])
    result, warehouse, _ = refresh_over(published, tmp_path, data, "--var", "max_accepted_drop=1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert query(
        warehouse,
        "select rows_accepted from marts.fct_load_audit where source_table = 'billing_invoices'",
    ) == [(7,)]
    # The counts the check compared with stay in the build: readers see the marts' own audit.
    assert query(
        warehouse,
        "select count(*) from duckdb_tables() where schema_name = 'raw' "
        "and table_name = 'published_load_audit'",
    ) == [(0,)]
