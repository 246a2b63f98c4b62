"""The hand-computed company (tests/fixtures/company), built through Dagster, checked to the cent.

Worked by hand (as-of 2024-06-30, gross margin 0.80):
- EUR rates: Jan 1.10, Feb 1.08, (no March: Feb's 1.08 applies), Apr 1.07, May 1.09, Jun 1.10.
- A1 (USD, paid_search, first paid 2024-01-15): invoices 100 + 100 + (100 - 30 refunded) + 100,
  a void and an open one ignored -> lifetime 370.00; MRR 100; tenure 5 months.
- A2 (EUR, referral, first paid 2024-03-10): 200 EUR x (1.08 + 1.07 + 1.09 + 1.10) = 868.00;
  MRR 200 EUR at June's 1.10 = 220.00; tenure 3.
- A3 (USD, paid_search, churned 2024-04-25): 4 x 50 - 20 credit note = 180.00; tenure 3;
  ARPA 60.00; LTV realised 180 x 0.8 = 144.00.
- A4 prospect (no billing); A5 prospect (only a void invoice, trialing subscription).
- C9 is a billing customer with no CRM account: its 40.00 is revenue of a non-customer.
- Churn over 2023-07..2024-06: customers active at month starts Feb 2, Mar 2, Apr 3, May 2,
  Jun 2 = 11 customer-months, 1 churn (A3 in April) -> 1/11; lifetime 11 months.
  LTV A1 = 100 x 0.8 x 11 = 880.00; A2 = 220 x 0.8 x 11 = 1,936.00.
- Spend: paid_search Jan 300 + 200 = 500 over A1 and A3 -> 250 each; events Feb 100 EUR = 108.00
  and paid_search Mar 50 EUR (Feb rate) = 54.00 acquired nobody; sales Jan 1,000 / 2 = 500,
  Feb 500 acquired nobody, Mar 600 / 1 = 600.
  CAC A1 = A3 = 750.00, A2 = 0 + 600 = 600.00. Unattributed 108 + 54 + 500 = 662.00.
  Conservation: 750 + 750 + 600 + 662 = 2,762 = 662 marketing + 2,100 sales.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import query, rows_by_key

EXPECTED_ACCOUNTS = {
    # account: status, tenure, lifetime revenue, mrr, arpa, ltv, cac, ltv:cac, payback
    "A1": ("active", 5, 370.00, 100.00, 100.00, 880.00, 750.00, 1.17, 9.38),
    "A2": ("active", 3, 868.00, 220.00, 220.00, 1936.00, 600.00, 3.23, 3.41),
    "A3": ("churned", 3, 180.00, 0.00, 60.00, 144.00, 750.00, 0.19, 15.63),
    "A4": ("prospect", None, None, None, None, None, None, None, None),
    "A5": ("prospect", None, None, None, None, None, None, None, None),
}


def test_customer_facts_ltv_and_cac_to_the_cent(company_warehouse: Path) -> None:
    actual = rows_by_key(
        company_warehouse,
        """
        select account_id, customer_status, tenure_months, lifetime_revenue_usd, mrr_usd,
               arpa_usd, ltv_usd, cac_usd, ltv_to_cac, cac_payback_months
        from marts.dim_accounts
        """,
    )
    assert actual == EXPECTED_ACCOUNTS


def test_churn_rate_and_lifetime(company_warehouse: Path) -> None:
    rows = query(
        company_warehouse,
        "select distinct monthly_churn_rate, expected_lifetime_months from marts.dim_accounts "
        "where customer_status <> 'prospect'",
    )
    assert rows == [(round(1 / 11, 6), 11.0)]


def test_acquisition_and_firmographics(company_warehouse: Path) -> None:
    actual = rows_by_key(
        company_warehouse,
        """
        select account_id, domain, industry, employee_band, country_code, region,
               acquisition_channel, cast(acquisition_month as varchar), cast(churned_at as varchar)
        from marts.dim_accounts
        """,
    )
    assert actual["A1"] == (
        "acme.com",
        "Software",
        "51-200",
        "US",
        "NA",
        "paid_search",
        "2024-01-01",
        None,
    )
    assert actual["A3"] == (
        "gamma.de",
        "Retail",
        "501-1000",
        "DE",
        "EMEA",
        "paid_search",
        "2024-01-01",
        "2024-04-25 00:00:00",
    )
    # No enrichment: the CRM country still gives a region; an empty lead source is `unknown`.
    assert actual["A4"][3:5] == ("FR", "EMEA")
    assert actual["A5"][5] == "unknown"


def test_fct_cac(company_warehouse: Path) -> None:
    rows = query(
        company_warehouse,
        "select cast(month as varchar), channel, marketing_spend_usd, new_customers, "
        "channel_cac_usd, sales_cac_usd from marts.fct_cac order by 1, 2",
    )
    assert rows == [
        ("2024-01-01", "paid_search", 500.00, 2, 250.00, 500.00),
        ("2024-02-01", "events", 108.00, 0, None, None),
        ("2024-03-01", "paid_search", 54.00, 0, None, 600.00),
        ("2024-03-01", "referral", 0.00, 1, 0.00, 600.00),
    ]


def test_unattributed_spend(company_warehouse: Path) -> None:
    rows = query(
        company_warehouse,
        "select cast(month as varchar), channel, kind, amount_usd "
        "from marts.fct_unattributed_spend order by 1, 3, 2",
    )
    assert rows == [
        ("2024-02-01", "events", "marketing", 108.00),
        ("2024-02-01", None, "sales", 500.00),
        ("2024-03-01", "paid_search", "marketing", 54.00),
    ]


def test_cac_conservation(company_warehouse: Path) -> None:
    [(cac, unattributed)] = query(
        company_warehouse,
        "select (select sum(cac_usd) from marts.dim_accounts), "
        "(select sum(amount_usd) from marts.fct_unattributed_spend)",
    )
    assert cac == pytest.approx(2100.00)
    assert cac + unattributed == pytest.approx(500 + 108 + 54 + 1000 + 500 + 600)


def test_default_as_of_is_latest_event_date(company_warehouse: Path) -> None:
    # The fixture's latest event is opportunity O4 closing on 2024-06-30.
    rows = query(company_warehouse, "select cast(as_of_date as varchar) from marts.dim_refresh")
    assert rows == [("2024-06-30",)]
