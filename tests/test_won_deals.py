"""No billing system (billing = crm): revenue, customers, MRR and churn from the CRM's won deals.

A hand-computed company of five accounts with contract CRM files and no billing files, built by
`icp refresh` as a user runs it, as of 2024-06-30, deal term 12 months (connectors.md, last part).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import AS_OF, COMPANY, icp_in_process, query, rows_by_key

ACCOUNTS = """account_id,account_name,domain,created_at,lead_source,country_code,owner_id
B1,Renewing Co,b1.com,2022-12-01,referral,US,U1
B2,Expanding Co,b2.com,2023-08-01,paid_search,UK,U1
B3,Churned Co,b3.com,2023-01-01,events,DE,U2
B4,Zero Deal Co,b4.com,2023-11-01,referral,US,U2
B5,Open Deal Co,b5.com,2024-01-01,,US,U1
"""

OPPORTUNITIES = """\
opportunity_id,account_id,opportunity_type,stage,amount,currency,created_at,closed_at
D1,B1,new_business,won,12000,USD,2022-12-15,2023-01-15
D2,B1,renewal,won,12000,USD,2023-12-15,2024-01-15
D3,B2,new_business,won,6000,USD,2023-08-15,2023-09-01
D4,B2,expansion,won,2400,USD,2024-02-15,2024-03-01
D5,B3,new_business,won,3600,USD,2023-01-10,2023-02-01
D6,B4,new_business,won,0,USD,2023-12-01,2024-01-01
D7,B4,expansion,lost,5000,USD,2024-01-05,2024-02-01
D8,B5,new_business,open,9000,USD,2024-02-01,
"""


@pytest.fixture(scope="module")
def won_deals(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data = tmp_path_factory.mktemp("won_deals") / "data"
    data.mkdir()
    for name in ("fx_rates", "marketing_spend", "sales_costs", "icp_criteria"):
        shutil.copy(COMPANY / f"{name}.csv", data / f"{name}.csv")
    shutil.copy(COMPANY / "enrichment_companies.csv", data / "enrichment_companies.csv")
    (data / "crm_accounts.csv").write_text(ACCOUNTS)
    (data / "crm_opportunities.csv").write_text(OPPORTUNITIES)
    (data / "crm_contacts.csv").write_text("contact_id,account_id,job_title,email,created_at\n")
    warehouse = data.parent / "icp.duckdb"
    result = icp_in_process(
        "refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return warehouse, result.stdout


def test_the_summary_says_billing_comes_from_won_deals(won_deals: tuple[Path, str]) -> None:
    _, stdout = won_deals
    assert "Input: crm = files (detected), billing = crm (detected: no stripe/ folder" in stdout


def test_customers_revenue_mrr_and_churn_from_won_deals(won_deals: tuple[Path, str]) -> None:
    warehouse, _ = won_deals
    actual = rows_by_key(
        warehouse,
        """
        select account_id, customer_status, cast(first_paid_at as date)::varchar,
               cast(churned_at as date)::varchar, lifetime_revenue_usd, mrr_usd
        from marts.dim_accounts
        """,
    )
    assert actual == {
        # The first term ended 2024-01-15, the renewal runs to 2025-01-15: 12,000 / 12.
        "B1": ("active", "2023-01-15", None, 24000.0, 1000.0),
        # Overlapping deals both run on the as-of date: 6,000 / 12 + 2,400 / 12.
        "B2": ("active", "2023-09-01", None, 8400.0, 700.0),
        # Its only deal's term ended 2024-02-01, before the as-of date.
        "B3": ("churned", "2023-02-01", "2024-02-01", 3600.0, 0.0),
        # A won deal of amount 0 is no revenue and makes no customer.
        "B4": ("prospect", None, None, None, None),
        "B5": ("prospect", None, None, None, None),
    }


def test_billing_tables_are_read_from_won_deals(won_deals: tuple[Path, str]) -> None:
    warehouse, _ = won_deals
    audit = rows_by_key(
        warehouse,
        "select source_table, read_from, rows_read, rows_accepted from marts.fct_load_audit "
        "where source_table like 'billing_%'",
    )
    deals = "won deals in crm_opportunities"
    assert audit == {
        "billing_customers": (deals, 3, 3),
        "billing_invoices": (deals, 5, 5),
        "billing_subscriptions": (deals, 5, 5),
    }
    assert query(warehouse, "select count(*) from marts.rejected_rows") == [(0,)]


def test_contract_files_read_countries_through_the_one_mapping(
    won_deals: tuple[Path, str],
) -> None:
    """`UK` in a contract file is GB, in EMEA (it used to be a null region)."""
    warehouse, _ = won_deals
    assert query(
        warehouse, "select country_code, region from marts.dim_accounts where account_id = 'B2'"
    ) == [("GB", "EMEA")]
