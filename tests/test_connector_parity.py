"""The same company as contract files, as Salesforce + Stripe and as HubSpot + Stripe tables gives
the same marts.

The generator's company is written once as the eleven contract files and once in connector shape
(orchestration/connector_shape.py: `salesforce/`, `stripe/`, the other contract files on top); both
are built as of the same date and every mart is compared row by row, every column, to the cent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.connector_shape import to_connectors, write_connectors
from orchestration.generator import CompanySpec, generate_arrow, write
from tests.helpers import materialize_refresh, query
from tests.test_quarantine import MARTS

AS_OF = "2026-09-30"
# Every mart but the load audit, which says where rows were read from (and so differs), and
# rejected_rows, empty for this clean company both ways (the load audit test checks the counts).
COMPARED = {**MARTS, "icp_drift": "as_of_date, signal", "icp_drift_contributions": "1, 2, 3"}


CRMS = ("salesforce", "hubspot")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The company built from contract files, from Salesforce + Stripe, from HubSpot + Stripe."""
    root = tmp_path_factory.mktemp("parity")
    tables = generate_arrow(CompanySpec(accounts=400, seed=7))
    write(tables, root / "files")
    for crm in CRMS:
        write_connectors(to_connectors(tables, (crm, "stripe")), root / crm)
    warehouses = {}
    for name in ("files", *CRMS):
        warehouses[name] = root / f"from_{name}.duckdb"
        assert materialize_refresh(root / name, warehouses[name], as_of=AS_OF).success
    return warehouses


@pytest.mark.parametrize("crm", CRMS)
@pytest.mark.parametrize("mart", sorted(COMPARED))
def test_every_mart_is_identical(built: dict[str, Path], mart: str, crm: str) -> None:
    sql = f"select * from marts.{mart} order by {COMPARED[mart]}"
    expected = query(built["files"], sql)
    assert expected, mart
    assert query(built[crm], sql) == expected


@pytest.mark.parametrize("crm", CRMS)
def test_load_audit_accepts_the_same_rows(built: dict[str, Path], crm: str) -> None:
    sql = (
        "select source_table, rows_accepted, rows_rejected from marts.fct_load_audit "
        "where source_table not like '%.%' order by 1"
    )
    assert query(built[crm], sql) == query(built["files"], sql)
