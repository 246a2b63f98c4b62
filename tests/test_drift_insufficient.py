"""An attribute null for every customer of a drift window has no distribution to compare: its PSI
signal is `insufficient_data` (it used to report PSI 0.00 `ok`), and no value of it "moved"."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration import reporting
from orchestration.generator import CompanySpec, generate_arrow, write
from orchestration.raw_files import sql_string
from tests.helpers import materialize_refresh, query


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("drift_nulls")
    data = root / "data"
    write(generate_arrow(CompanySpec(accounts=3000, seed=5, drift=True)), data, "parquet")
    companies = data / "enrichment_companies.parquet"
    blanked = root / "companies.parquet"
    with duckdb.connect() as conn:
        conn.execute(
            f"copy (select * replace (cast(null as varchar) as funding_stage) "
            f"from read_parquet({sql_string(str(companies))})) "
            f"to {sql_string(str(blanked))} (format parquet)"
        )
    blanked.replace(companies)
    built = root / "icp.duckdb"
    assert materialize_refresh(data, built).success
    return built


def test_an_attribute_null_everywhere_is_insufficient_data(warehouse: Path) -> None:
    statuses = dict(query(warehouse, "select signal, status from marts.icp_drift"))
    assert statuses["psi_funding_stage"] == "insufficient_data"
    # The other signals have enough customers and known values to be judged.
    assert statuses["psi_industry"] != "insufficient_data"


def test_no_moved_lines_for_an_insufficient_signal(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        moved = reporting.top_contributors(conn, limit=100)
    assert moved
    assert not [line for line in moved if line.startswith("funding_stage ")]
