"""Nothing personal reaches a mart: emails and phone numbers planted in every text column of every
input, and a person's name in the owner id, are searched for in every text column of every mart
(rejected_rows' reasons and raw rows included)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.manifest import contract as contract_tables
from orchestration.project import MANIFEST_PATH
from tests.helpers import AS_OF, COMPANY, materialize_refresh, query

EMAIL = "leak.probe@example.org"
PHONES = ["+49 151 2345 6789", "(415) 555-0137"]
NAME = "Jane Leakname"
# What must not be found in any mart, in any case.
NEEDLES = ["leak.probe", "2345 6789", "555-0137", "leakname"]


def text_columns() -> dict[str, list[str]]:
    """Raw table -> its text columns, from the contract (the dbt sources; connector tables are
    not contract files)."""
    manifest = json.loads(MANIFEST_PATH.read_text())
    contract = {table.name for table in contract_tables()}
    return {
        node["identifier"]: [
            name for name, column in node["columns"].items() if column["data_type"] == "text"
        ]
        for node in manifest["sources"].values()
        if node["identifier"] in contract
    }


def plant(data: Path) -> int:
    """In every row's text columns, one of: an email, a phone, both in angle brackets; the name
    in owner_id. Returns how many values were planted."""
    planted = 0
    probes = [f"{EMAIL}", f"x {PHONES[0]}", f"Head of Sales <{EMAIL}>", f"call {PHONES[1]}"]
    for table, columns in text_columns().items():
        path = data / f"{table}.csv"
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
            fields = list(rows[0].keys()) if rows else []
        for number, row in enumerate(rows):
            for column in columns:
                if column == "owner_id":
                    row[column] = NAME
                elif number % 3 == 0:
                    row[column] = f"{row[column]} {probes[(number // 3) % len(probes)]}".strip()
                else:
                    continue
                planted += 1
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    return planted


@pytest.fixture(scope="module")
def planted_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("personal") / "data"
    shutil.copytree(COMPANY, data)
    assert plant(data) > 50
    # A rejected account (no name) whose owner is a person: raw_row shows the owner hashed.
    with (data / "crm_accounts.csv").open("a", newline="") as handle:
        csv.writer(handle).writerow(["A9", "", "a9.com", "2024-01-01", "events", "US", NAME])
    warehouse = data.parent / "icp.duckdb"
    result = materialize_refresh(
        data, warehouse, as_of=AS_OF, dbt_vars={"max_rejected_share_error": 1.0}
    )
    assert result.success
    return warehouse


def test_no_planted_personal_data_in_any_mart(planted_warehouse: Path) -> None:
    columns = query(
        planted_warehouse,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR'",
    )
    assert len(columns) > 30
    found = []
    with duckdb.connect(str(planted_warehouse), read_only=True) as conn:
        for table, column in columns:
            for needle in NEEDLES:
                hits = conn.execute(
                    f'select "{column}" from marts.{table} where lower("{column}") like ?',
                    [f"%{needle}%"],
                ).fetchall()
                found += [(table, column, hit[0]) for hit in hits]
    assert found == []


def test_masked_text_is_still_there(planted_warehouse: Path) -> None:
    """Masking keeps the rest: the title, the email's domain, a marker where the phone was."""
    titles = [
        row[0] for row in query(planted_warehouse, "select job_title from marts.dim_contacts")
    ]
    assert "Co-Founder & CEO ***@example.org" in titles
    rejected = " ".join(
        row[0] for row in query(planted_warehouse, "select raw_row from marts.rejected_rows")
    )
    assert "<phone>" in rejected and "***@example.org" in rejected
    assert "owner_id=hash:" in rejected
