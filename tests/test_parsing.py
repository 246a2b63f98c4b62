"""Values that parsed but were wrong are refused or cleaned: a UTC offset beyond ±14:00, a year
outside 1900-2100, a NUL byte, decomposed accents (NFD) against precomposed ones (NFC)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import AS_OF, COMPANY, build_file, materialize_refresh, query, rows_by_key

APPENDED = {
    "crm_accounts": [
        "A10,Offset Co,offset.com,2024-01-01T10:00:00-99:00,events,US,U1",
        "A11,Zero Year Co,zero.com,0000-01-01,events,US,U1",
        "A12,Nul Co,nul.com,2024-01-01,\x00,US,U1",
        "A13,Kiribati Co,fourteen.com,2024-01-01T10:00:00+14:00,events,US,U1",
        "A14,Far Co,far.com,2024-01-01T10:00:00+14:30,events,US,U1",
    ],
    "crm_contacts": [
        "P95,A1,Directeur Ge\u0301ne\u0301ral,,2024-01-01",
        "P96,A1,Directeur Général,,2024-01-01",
        "Pé,A1,CTO,,2024-01-01",
        "Pe\u0301,A1,CTO,,2024-01-01",
    ],
}


@pytest.fixture(scope="module")
def parsed_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("parsing") / "data"
    shutil.copytree(COMPANY, data)
    for table, lines in APPENDED.items():
        with (data / f"{table}.csv").open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    warehouse = data.parent / "icp.duckdb"
    result = materialize_refresh(
        data, warehouse, as_of=AS_OF, dbt_vars={"max_rejected_share_error": 1.0}
    )
    assert result.success
    return warehouse


def test_offsets_and_years_out_of_range_are_rejected(parsed_warehouse: Path) -> None:
    rejected = rows_by_key(
        parsed_warehouse,
        "select row_key, reason_code, reason from marts.rejected_rows "
        "where source_table = 'crm_accounts'",
    )
    assert rejected == {
        "A10": (
            "not_a_timestamp",
            "crm_accounts.created_at: not a timestamp: '2024-01-01T10:00:00-99:00'",
        ),
        "A11": ("out_of_range", "crm_accounts.created_at: year outside 1900-2100: '0000-01-01'"),
        "A14": (
            "not_a_timestamp",
            "crm_accounts.created_at: not a timestamp: '2024-01-01T10:00:00+14:30'",
        ),
    }


def test_an_offset_of_fourteen_hours_is_converted(parsed_warehouse: Path) -> None:
    created = query(
        build_file(parsed_warehouse),
        "select created_at from staging.stg_crm__accounts where account_id = 'A13'",
    )
    assert created == [(datetime(2023, 12, 31, 20, 0),)]


def test_a_nul_byte_is_no_lead_source(parsed_warehouse: Path) -> None:
    channel = query(
        parsed_warehouse,
        "select acquisition_channel from marts.dim_accounts where account_id = 'A12'",
    )
    assert channel == [("unknown",)]


def test_decomposed_accents_are_the_same_text(parsed_warehouse: Path) -> None:
    personas = rows_by_key(
        parsed_warehouse,
        "select contact_id, persona from marts.dim_contacts where contact_id in ('P95', 'P96')",
    )
    assert personas["P95"] == personas["P96"] == "economic_buyer"
    # The same id written NFD after NFC is a repeated key.
    assert query(
        parsed_warehouse,
        "select reason_code from marts.rejected_rows where source_table = 'crm_contacts'",
    ) == [("repeated_key",)]
