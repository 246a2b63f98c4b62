"""ICP discovery on a planted population: the data finds the segment we put among the best.

100 active customers, none churned, so every LTV is MRR x 0.80 x 60 (the lifetime cap) and the
ranking follows MRR. 15 Fintech customers pay 1,000 a month, 85 Retail customers 100 to 184. The
best customers are the top ceil(20% x 100) = 20: all 15 Fintech and the 5 best-paying Retail ones.
Fintech: support 15, share_best 15/20 = 0.75, share_all 15/100 = 0.15, lift 5.0 -> suggested (the
current ICP does not list it). The current ICP's `industry in Education` names a value no customer
has -> stale. Retail: lift (5/20) / (85/100) = 0.2941 -> no status.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration import backtest
from tests.helpers import materialize_refresh, rows_by_key, write_empty_tables, write_table


def planted_company(data: Path) -> None:
    data.mkdir()
    customers = [("Fintech", 1000)] * 15 + [("Retail", 100 + i) for i in range(85)]
    ids = [f"A{i:03d}" for i in range(len(customers))]
    write_table(
        data / "crm_accounts.csv",
        [
            "account_id",
            "account_name",
            "domain",
            "created_at",
            "lead_source",
            "country_code",
            "owner_id",
        ],
        [[a, f"Company {a}", f"{a.lower()}.com", "2023-01-01", "content", "US", "U1"] for a in ids],
    )
    write_table(
        data / "enrichment_companies.csv",
        ["domain", "industry", "employee_count", "business_model", "funding_stage", "tech_stack"],
        [
            [f"{a.lower()}.com", industry, 100, "b2b", "seed", "slack"]
            for a, (industry, _) in zip(ids, customers, strict=True)
        ],
    )
    write_table(
        data / "billing_customers.csv",
        ["customer_id", "account_id", "currency", "created_at"],
        [[f"C{a}", a, "USD", "2024-01-01"] for a in ids],
    )
    write_table(
        data / "billing_subscriptions.csv",
        [
            "subscription_id",
            "customer_id",
            "plan",
            "status",
            "started_at",
            "canceled_at",
            "mrr",
            "currency",
        ],
        [
            [f"S{a}", f"C{a}", "growth", "active", "2024-01-01", "", mrr, "USD"]
            for a, (_, mrr) in zip(ids, customers, strict=True)
        ],
    )
    write_table(
        data / "billing_invoices.csv",
        [
            "invoice_id",
            "customer_id",
            "subscription_id",
            "issued_at",
            "status",
            "amount",
            "amount_refunded",
            "currency",
        ],
        [
            [f"I{a}", f"C{a}", f"S{a}", "2024-01-01", "paid", mrr, "", "USD"]
            for a, (_, mrr) in zip(ids, customers, strict=True)
        ],
    )
    write_table(
        data / "icp_criteria.csv",
        ["icp_version", "effective_from", "criterion", "attribute", "operator", "value", "weight"],
        [
            ["v1", "2023-01-01", "education", "industry", "in", "Education", 2],
            ["v1", "2023-01-01", "b2b", "business_model", "in", "b2b", 1],
        ],
    )
    write_empty_tables(data)


@pytest.fixture(scope="module")
def planted_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("discovery")
    planted_company(root / "data")
    warehouse = root / "icp.duckdb"
    assert materialize_refresh(root / "data", warehouse, as_of="2024-06-30").success
    return warehouse


@pytest.fixture(scope="module")
def suggestions(planted_warehouse: Path) -> dict:
    return rows_by_key(
        planted_warehouse,
        "select attribute || ':' || value, support, share_best, share_all, lift, in_current_icp, "
        "status from marts.icp_suggestions",
    )


def test_planted_industry_is_suggested_with_its_lift(suggestions: dict) -> None:
    assert suggestions["industry:Fintech"] == (15, 0.75, 0.15, 5.0, False, "suggested")


def test_unsupported_current_criterion_is_stale(suggestions: dict) -> None:
    assert suggestions["industry:Education"] == (0, 0.0, 0.0, None, True, "stale")


def test_common_values_are_not_suggested(suggestions: dict) -> None:
    assert suggestions["industry:Retail"] == (5, 0.25, 0.85, 0.2941, False, None)
    # Every customer is b2b: lift 1, in the ICP but not suggested by the data -> stale.
    assert suggestions["business_model:b2b"] == (20, 1.0, 1.0, 1.0, True, "stale")


def test_trust_warnings_say_the_ranking_rests_on_the_cap(planted_warehouse: Path) -> None:
    """Nobody churned: every lifetime is the cap, and the warnings say so. Fintech's best customers
    are all capped, but ranked by revenue paid (1,000 against at most 184) they are the same 15:
    its suggestion does not rest on the cap."""
    with duckdb.connect(str(planted_warehouse), read_only=True) as conn:
        warnings = backtest.trust_warnings(conn)
    assert warnings == [
        "no churn observed in the last 12 months: every active customer's lifetime is the cap "
        "(ltv_max_lifetime_months), so LTV ranks customers by MRR alone",
        "100 of 100 customers (100%) have an LTV resting on the lifetime cap "
        "(ltv_max_lifetime_months)",
    ]
