"""The plain DuckDB SQL build (benchmarks/plain/*.sql) computes the pipeline's marts (issue 16).

It is the floor `make bench` times the refresh against and a second implementation of the same
definitions: built both ways on the dirty company (tests/test_quarantine.py: the hand-computed
company with bad rows of every kind appended), the demo company (`seeds/`, its own as-of date) and
the back-test company (past, current and future ICP versions, with its refresh's vars), every mart
the plain build covers must agree row for row and column for column, the rejected rows by table,
row and reason included. A change to either side that moves a number fails here, naming the mart,
column and a key.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from tests.helpers import AS_OF, REVISIT_VARS, backtest_company, materialize_refresh
from tests.test_quarantine import BAD_ROWS, write_dirty_company

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import plain_build  # noqa: E402


@pytest.fixture(scope="module")
def dirty_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(pipeline warehouse, plain build file) of the dirty company, as of AS_OF."""
    root = tmp_path_factory.mktemp("plain-dirty")
    write_dirty_company(root / "data")
    warehouse = root / "icp.duckdb"
    # A tiny company loses more than 10% of some tables; raise the stop threshold for this build.
    result = materialize_refresh(
        root / "data", warehouse, as_of=AS_OF, dbt_vars={"max_rejected_share_error": 1.0}
    )
    assert result.success
    plain = root / "plain.duckdb"
    plain_build.build(ROOT, root / "data", plain, AS_OF, "1GB")
    return warehouse, plain


def test_dirty_company_agrees(dirty_builds: tuple[Path, Path]) -> None:
    warehouse, plain = dirty_builds
    coverage = plain_build.compare(plain, warehouse)
    # Every published mart and every column of it: a mart or column added to the pipeline and not
    # to the plain build fails here.
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        published = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    assert set(coverage.marts) == {name for (name,) in published}
    assert {
        mart: info["not_built"] for mart, info in coverage.marts.items() if info["not_built"]
    } == {}
    # The quarantine was exercised: every planted bad row, each table's counts.
    assert coverage.marts["rejected_rows"]["rows"] == sum(len(rows) for rows in BAD_ROWS.values())
    with duckdb.connect(str(plain), read_only=True) as conn:
        audit = dict(
            conn.execute("select source_table, rows_rejected from fct_load_audit").fetchall()
        )
    assert audit == {table: len(BAD_ROWS.get(table, [])) for table in audit}
    assert len(audit) == 11


def test_demo_company_agrees(tmp_path: Path) -> None:
    """The demo's own as-of date (the latest event), its planted bad rows, 2,000 accounts."""
    warehouse = tmp_path / "icp.duckdb"
    assert materialize_refresh(ROOT / "seeds", warehouse).success
    plain = tmp_path / "plain.duckdb"
    plain_build.build(ROOT, ROOT / "seeds", plain, None, "1GB")
    coverage = plain_build.compare(plain, warehouse)
    assert coverage.marts["dim_accounts"]["rows"] == 2000
    assert coverage.marts["rejected_rows"]["rows"] > 0


def test_backtest_company_agrees(tmp_path: Path) -> None:
    """The back-test company (tests/helpers.py): past, current and future versions, a proposal,
    holdout customers, with the vars its refresh is given."""
    backtest_company(tmp_path / "data")
    warehouse = tmp_path / "icp.duckdb"
    assert materialize_refresh(
        tmp_path / "data", warehouse, as_of=AS_OF, dbt_vars=REVISIT_VARS
    ).success
    plain = tmp_path / "plain.duckdb"
    plain_build.build(ROOT, tmp_path / "data", plain, AS_OF, "1GB", dbt_vars=REVISIT_VARS)
    coverage = plain_build.compare(plain, warehouse)
    assert coverage.marts["icp_versions"]["rows"] >= 3
    assert coverage.marts["icp_backtest"]["rows"] == 4 * coverage.marts["icp_versions"]["rows"]


def test_a_difference_names_mart_column_and_key(
    dirty_builds: tuple[Path, Path], tmp_path: Path
) -> None:
    warehouse, plain = dirty_builds
    changed = tmp_path / "plain.duckdb"
    shutil.copy(plain, changed)
    with duckdb.connect(str(changed)) as conn:
        [(account,)] = conn.execute(
            "select min(account_id) from dim_accounts where ltv_usd is not null"
        ).fetchall()
        conn.execute(
            "update dim_accounts set ltv_usd = ltv_usd + 0.01 where account_id = ?", [account]
        )
    with pytest.raises(plain_build.Mismatch, match=f"dim_accounts.ltv_usd: 1 row.*= {account}:"):
        plain_build.compare(changed, warehouse)
    with duckdb.connect(str(changed)) as conn:
        conn.execute(
            "update dim_accounts set ltv_usd = ltv_usd - 0.01 where account_id = ?", [account]
        )
        conn.execute("delete from rejected_rows where source_table = 'fx_rates'")
    with pytest.raises(plain_build.Mismatch, match="rejected_rows: 2 key.*fx_rates"):
        plain_build.compare(changed, warehouse)
