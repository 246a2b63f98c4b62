"""Money is DECIMAL from staging to the marts: sums are exact at any amount a row may hold, and an
amount at or beyond the bound (|x| >= 1e15) is rejected `out_of_range` instead of blocking the
refresh (in DOUBLE, one invoice of 1e27 failed the conservation tests and nothing published)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers import AS_OF, COMPANY, materialize_refresh, query

HUGE_INVOICES = [
    "I90,C1,S1,2024-02-15,paid,1e27,,USD",
    "I91,C1,S1,2024-02-15,paid,4111111111111111,,USD",
    "I92,C1,S1,2024-02-15,paid,-1000000000000000,,USD",
    # Just below the bound, to the cent: accepted, and every sum keeps its cents.
    "I93,C1,S1,2024-02-15,paid,999999999999999.99,,USD",
]
HUGE_SPEND = ["2024-01-05,paid_search,1e20,USD", "2024-01-06,paid_search,123456789012345.67,USD"]


@pytest.fixture(scope="module")
def huge_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("money") / "data"
    shutil.copytree(COMPANY, data)
    for table, lines in (("billing_invoices", HUGE_INVOICES), ("marketing_spend", HUGE_SPEND)):
        with (data / f"{table}.csv").open("a") as handle:
            handle.write("\n".join(lines) + "\n")
    warehouse = data.parent / "icp.duckdb"
    # Four of 21 invoices are rejected: over the default 10% stop, which is not what this tests.
    result = materialize_refresh(
        data, warehouse, as_of=AS_OF, dbt_vars={"max_rejected_share_error": 1.0}
    )
    assert result.success
    return warehouse


def test_amounts_at_or_beyond_the_bound_are_out_of_range(huge_warehouse: Path) -> None:
    rejected = query(
        huge_warehouse,
        "select source_table, row_key, reason_code, reason from marts.rejected_rows order by all",
    )
    assert [row[:3] for row in rejected] == [
        ("billing_invoices", "I90", "out_of_range"),
        ("billing_invoices", "I91", "out_of_range"),
        ("billing_invoices", "I92", "out_of_range"),
        ("marketing_spend", "row 5", "out_of_range"),
    ]
    assert rejected[0][3] == (
        "billing_invoices.amount: must be below 1e15 in absolute value: '1e27'"
    )


def test_sums_keep_every_cent_next_to_the_largest_amount(
    huge_warehouse: Path, company_warehouse: Path
) -> None:
    sql = "select lifetime_revenue_usd from marts.dim_accounts where account_id = 'A1'"
    [(clean,)] = query(company_warehouse, sql)
    [(huge,)] = query(huge_warehouse, sql)
    assert huge == clean + Decimal("999999999999999.99")
    sql = "select sum(marketing_spend_usd) from marts.fct_cac"
    [(clean_spend,)] = query(company_warehouse, sql)
    [(huge_spend,)] = query(huge_warehouse, sql)
    assert huge_spend == clean_spend + Decimal("123456789012345.67")


def test_mart_money_is_decimal_to_the_cent(company_warehouse: Path) -> None:
    types = dict(
        query(
            company_warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'dim_accounts' "
            "and column_name like '%_usd'",
        )
    )
    assert types == {
        name: "DECIMAL(38,2)"
        for name in (
            "annual_revenue_usd",
            "lifetime_revenue_usd",
            "mrr_usd",
            "arpa_usd",
            "ltv_usd",
            "cac_usd",
        )
    }
