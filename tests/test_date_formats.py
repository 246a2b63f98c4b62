"""Day-first dates (`25/6/2024`, common in European exports) are read when the table declares it:
`icp refresh --date-format crm_accounts=day_first` (dbt var `date_formats`)."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime
from pathlib import Path

from tests.helpers import AS_OF, COMPANY, icp_in_process, marts_contents


def day_first(value: str) -> str:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    shown = f"{moment.day}/{moment.month}/{moment.year}"
    return shown + (f" {moment:%H:%M:%S}" if "T" in value else "")


def test_day_first_dates_give_the_same_warehouse(published: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(COMPANY, data)
    path = data / "crm_accounts.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["created_at"] = day_first(row["created_at"])
    assert rows[2]["created_at"] == "30/11/2023 23:00:00"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    # `published` is the ISO-dated fixture company refreshed with the same `--as-of` (conftest).
    slashed = tmp_path / "day_first.duckdb"
    result = icp_in_process(
        "refresh",
        "--data-dir",
        data,
        "--warehouse",
        slashed,
        "--as-of",
        AS_OF,
        "--date-format",
        "crm_accounts=day_first",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert marts_contents(slashed) == marts_contents(published)


def test_an_unknown_table_or_format_is_refused(tmp_path: Path) -> None:
    for assignment, needle in (
        ("crm_acounts=day_first", "not an input table"),
        ("crm_accounts=%d/%m/%Y", "not a date format"),
    ):
        result = icp_in_process(
            "refresh",
            "--data-dir",
            COMPANY,
            "--warehouse",
            tmp_path / "w.duckdb",
            "--date-format",
            assignment,
        )
        assert result.returncode == 2
        assert needle in result.stderr
