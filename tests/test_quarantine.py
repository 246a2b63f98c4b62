"""Bad rows never crash a refresh and never vanish (issue: quarantine).

The dirty company is the hand-computed one plus at least one bad row of every kind, appended to its
files. Every bad row must land in marts.rejected_rows with the right reason, and the marts of the
good rows must be exactly those of the clean company.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from tests.helpers import AS_OF, COMPANY, MARTS, materialize_refresh, query

# file -> rows appended (as CSV text) -> expected (row_key, reason) in rejected_rows
BAD_ROWS: dict[str, list[tuple[str, str, str]]] = {
    "crm_accounts": [
        (
            "A2,Beta Payments again,beta.io,2023-11-06,referral,GB,U9",
            "A2",
            "crm_accounts.account_id: repeated (2 rows)",
        ),
        (
            ",Nameless Co,nameless.com,2023-11-06,referral,GB,U9",
            "row 7",
            "crm_accounts.account_id: missing",
        ),
        (
            "A8,Future Co,future.com,2024-08-01,events,US,U1",
            "A8",
            "crm_accounts.created_at: after the as-of date 2024-06-30: '2024-08-01'",
        ),
    ],
    "crm_opportunities": [
        (
            "O9,A1,new_business,negotiation,100,USD,2024-02-01,",
            "O9",
            "crm_opportunities.stage: unknown value 'negotiation' (expected open, won, lost)",
        ),
    ],
    "crm_contacts": [
        (
            "P90,A1,CEO,boss@acme.com,05/03/2024",
            "P90",
            "crm_contacts.created_at: not a timestamp: '05/03/2024'",
        ),
        (
            "P91,A99,CFO,money@ghost.com,2024-01-01",
            "P91",
            "crm_contacts.account_id: no match in stg_crm__accounts for 'A99'",
        ),
    ],
    "billing_customers": [
        (
            "C7,A77,USD,2024-01-01",
            "C7",
            "billing_customers.account_id: no match in stg_crm__accounts for 'A77'",
        ),
    ],
    "billing_subscriptions": [
        (
            "S90,C77,growth,active,2024-02-01,,100,USD",
            "S90",
            "billing_subscriptions.customer_id: no match in stg_billing__customers for 'C77'",
        ),
        (
            "S91,C1,growth,active,2024-02-01,,-49.00,USD",
            "S91",
            "billing_subscriptions.mrr: must be >= 0: '-49.00'",
        ),
        (
            "S92,C1,growth,paused,2024-02-01,,10,USD",
            "S92",
            "billing_subscriptions.status: unknown value 'paused' "
            "(expected trialing, active, past_due, canceled)",
        ),
    ],
    "billing_invoices": [
        (
            'I90,C1,S1,2024-02-15,paid,"12,5O",,USD',
            "I90",
            "billing_invoices.amount: not a number: '12,5O'",
        ),
        (
            "I91,C1,S1,2024-02-15,paid,100,-5,USD",
            "I91",
            "billing_invoices.amount_refunded: must be >= 0: '-5'",
        ),
        (
            "I92,C1,S1,2024-07-15,paid,100,,USD",
            "I92",
            "billing_invoices.issued_at: after the as-of date 2024-06-30: '2024-07-15'",
        ),
        (
            "I93,C1,S1,2024-02-15,paid,100,,CHF",
            "I93",
            "billing_invoices.currency: no fx rate for 'CHF' at or before 2024-02",
        ),
        (
            "I94,C2,S2,2023-12-10,paid,100,,EUR",
            "I94",
            "billing_invoices.currency: no fx rate for 'EUR' at or before 2023-12",
        ),
        (
            "I95,C7,,2024-02-15,paid,100,,USD",
            "I95",
            "billing_invoices.customer_id: no match in stg_billing__customers for 'C7'",
        ),
    ],
    "enrichment_companies": [
        (
            "https://ACME.com,Retail,5,,,,,,,",
            "acme.com",
            "enrichment_companies.domain: repeated (2 rows)",
        ),
        (
            "many.io,Software,many,,,,,,,",
            "many.io",
            "enrichment_companies.employee_count: not a whole number: 'many'",
        ),
    ],
    "marketing_spend": [
        ("2024-01-05,paid_search,-10,USD", "row 5", "marketing_spend.amount: must be >= 0: '-10'"),
        (
            "2024-13-01,paid_search,10,USD",
            "row 6",
            "marketing_spend.spend_date: not a date: '2024-13-01'",
        ),
        (
            "2024-01-05,paid_search,10,XYZ",
            "row 7",
            "marketing_spend.currency: no fx rate for 'XYZ' at or before 2024-01",
        ),
    ],
    "sales_costs": [(",100,USD", "row 4", "sales_costs.month: missing")],
    "fx_rates": [
        ("EUR,2024-01-01,9.99", "EUR|2024-01-01", "fx_rates.currency+month: repeated (2 rows)"),
        ("GBP,2024-01-01,0", "GBP|2024-01-01", "fx_rates.rate_to_usd: must be > 0: '0'"),
    ],
    "icp_criteria": [
        (
            "2024-h1,2024-01-01,size,headcount,gte,50,1",
            "2024-h1|size",
            "icp_criteria.attribute: unknown value 'headcount' (expected industry, employee_count, "
            "annual_revenue_usd, region, country_code, business_model, tech_stack, funding_stage, "
            "founded_year)",
        ),
        (
            "2024-h1,2024-01-01,half_range,employee_count,between,50,1",
            "2024-h1|half_range",
            "icp_criteria: between needs two numbers low|high, got '50'",
        ),
        (
            "2024-h1,2024-01-01,weightless,industry,in,Retail,0",
            "2024-h1|weightless",
            "icp_criteria.weight: must be > 0: '0'",
        ),
        (
            "2024-h1,2024-01-01,wrong_operator,industry,contains_any,Retail,1",
            "2024-h1|wrong_operator",
            "icp_criteria: tech_stack takes contains_any and contains_any takes tech_stack, "
            "got 'industry' 'contains_any'",
        ),
    ],
}


def write_dirty_company(target: Path) -> None:
    shutil.copytree(COMPANY, target)
    for table, rows in BAD_ROWS.items():
        with (target / f"{table}.csv").open("a", newline="") as handle:
            for line, _, _ in rows:
                handle.write(line + "\n")


@pytest.fixture(scope="module")
def dirty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("dirty") / "data"
    write_dirty_company(data)
    warehouse = data.parent / "icp.duckdb"
    # A tiny fixture loses more than 10% of some tables; raise the stop threshold for this build.
    result = materialize_refresh(
        data, warehouse, as_of=AS_OF, dbt_vars={"max_rejected_share_error": 1.0}
    )
    assert result.success
    return warehouse


def test_every_bad_row_is_rejected_with_its_reason(dirty_warehouse: Path) -> None:
    rejected = query(
        dirty_warehouse,
        "select source_table, row_key, reason from marts.rejected_rows order by all",
    )
    expected = sorted(
        (table, key, reason) for table, rows in BAD_ROWS.items() for _, key, reason in rows
    )
    assert rejected == expected


def test_good_rows_give_the_clean_marts(dirty_warehouse: Path, company_warehouse: Path) -> None:
    for mart, order in MARTS.items():
        sql = f"select * from marts.{mart} order by {order}"
        assert query(dirty_warehouse, sql) == query(company_warehouse, sql), mart


def test_load_audit_conserves_rows(dirty_warehouse: Path) -> None:
    audit = {
        row[0]: row[1:]
        for row in query(
            dirty_warehouse,
            "select source_table, rows_read, rows_accepted, rows_rejected "
            "from marts.fct_load_audit",
        )
    }
    assert len(audit) == 11
    for table, (read, accepted, rejected) in audit.items():
        with (dirty_warehouse.parent / "data" / f"{table}.csv").open(newline="") as handle:
            file_rows = sum(1 for _ in csv.reader(handle)) - 1
        assert read == file_rows, table
        assert read == accepted + rejected, table
        assert rejected == len(BAD_ROWS.get(table, [])), table


def test_raw_rows_mask_personal_data(dirty_warehouse: Path) -> None:
    raw = query(
        dirty_warehouse,
        "select raw_row from marts.rejected_rows where source_table = 'crm_contacts' order by all",
    )
    assert all("@" not in row[0] for row in raw)
    assert any("email=<redacted>" in row[0] for row in raw)


def test_too_many_rejected_rows_stop_before_publishing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_dirty_company(data)
    warehouse = tmp_path / "icp.duckdb"
    result = materialize_refresh(data, warehouse, as_of=AS_OF)
    assert not result.success
    assert not warehouse.exists()
    failed_checks = {
        evaluation.check_name
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    }
    # crm_accounts lost 3 of 8 rows: over the 10% error share and the 1% warning share (one
    # check of each limit over every table, on marts.rejected_rows).
    assert {"rejected_share_error", "rejected_share_warn"} <= failed_checks
