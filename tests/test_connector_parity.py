"""The same company as contract files and as Salesforce + Stripe tables gives the same marts.

The generator's company is written once as the eleven contract files and once in connector shape
(orchestration/connector_shape.py: `salesforce/`, `stripe/`, the other contract files on top); both
are built as of the same date and every mart is compared row by row, every column, to the cent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.connector_shape import to_connectors, write_connectors
from orchestration.generator import CompanySpec, generate_arrow, write
from tests.conftest import materialize_refresh, query
from tests.test_quarantine import MARTS

AS_OF = "2026-09-30"
# Every mart but the load audit, which says where rows were read from (and so differs), and
# rejected_rows, empty for this clean company both ways (the load audit test checks the counts).
COMPARED = {**MARTS, "icp_drift": "as_of_date, signal", "icp_drift_contributions": "1, 2, 3"}


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("parity")
    tables = generate_arrow(CompanySpec(accounts=400, seed=7))
    write(tables, root / "files")
    write_connectors(to_connectors(tables), root / "connectors")
    warehouses = root / "from_files.duckdb", root / "from_connectors.duckdb"
    for data, warehouse in zip((root / "files", root / "connectors"), warehouses, strict=True):
        assert materialize_refresh(data, warehouse, as_of=AS_OF).success
    return warehouses


@pytest.mark.parametrize("mart", sorted(COMPARED))
def test_every_mart_is_identical(both_ways: tuple[Path, Path], mart: str) -> None:
    files, connectors = both_ways
    sql = f"select * from marts.{mart} order by {COMPARED[mart]}"
    expected = query(files, sql)
    assert expected, mart
    assert query(connectors, sql) == expected


def test_load_audit_accepts_the_same_rows(both_ways: tuple[Path, Path]) -> None:
    files, connectors = both_ways
    sql = (
        "select source_table, rows_accepted, rows_rejected from marts.fct_load_audit "
        "where source_table not like '%.%' order by 1"
    )
    assert query(connectors, sql) == query(files, sql)
