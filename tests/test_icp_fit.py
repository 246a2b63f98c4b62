"""ICP fit, criteria versions and personas on the hand-computed company.

Current version as of 2024-06-30 is `2024-h1` (effective 2024-01-01); `2024-h2` starts 2024-07-01
and must not be used. Its criteria and weights (total 11):
target_industry in software|fintech (3), mid_market employee_count between 30|120 (2),
modern_data_stack tech_stack contains_any Snowflake|dbt (1.5), not_consumer business_model not_in
b2c|marketplace (1), north_america region in NA (1), established founded_year lte 2018 (0.5),
funded funding_stage in seed|series_a|series_b (1), big_revenue annual_revenue_usd gte 1000000 (1).

- A1 Software, 120 employees (upper `between` boundary), `snowflake;Slack` against `Snowflake`, b2b,
  US, 2015, series_a, 5M: all match -> 100.0, A.
- A2 Fintech, 30 employees (lower boundary), hubspot, b2b, GB (EMEA), 2020, seed, 1.5M:
  3 + 2 + 1 + 1 + 1 = 8 -> 72.7, B; gaps modern_data_stack, north_america, established.
- A3 Retail, 800, shopify, b2c, DE, 1990, public, 90M: 0.5 + 1 = 1.5 -> 13.6, D.
- A4 has no enrichment: only region is known (FR -> EMEA, miss): 0.0, confidence 1/11.
- A5's domain is enriched with nulls only; CRM country US -> NA: 1/11 -> 9.1, confidence 1/11.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import query, rows_by_key

EXPECTED_FIT = {
    "A1": (
        "2024-h1",
        100.0,
        1.0,
        "A",
        "target_industry, mid_market, modern_data_stack, big_revenue, funded, north_america, "
        "not_consumer, established",
        None,
    ),
    "A2": (
        "2024-h1",
        72.7,
        1.0,
        "B",
        "target_industry, mid_market, big_revenue, funded, not_consumer",
        "modern_data_stack, north_america, established",
    ),
    "A3": (
        "2024-h1",
        13.6,
        1.0,
        "D",
        "big_revenue, established",
        "target_industry, mid_market, modern_data_stack, funded, north_america, not_consumer",
    ),
    "A4": ("2024-h1", 0.0, 0.0909, "D", None, "north_america"),
    "A5": ("2024-h1", 9.1, 0.0909, "D", "north_america", None),
}


def test_fit_scores_tiers_and_reasons(company_warehouse: Path) -> None:
    actual = rows_by_key(
        company_warehouse,
        "select account_id, icp_version, icp_fit_score, icp_fit_confidence, icp_tier, "
        "icp_fit_reasons, icp_fit_gaps from marts.dim_accounts",
    )
    assert actual == EXPECTED_FIT


def test_criterion_outcomes_explain_the_score(company_warehouse: Path) -> None:
    outcomes = rows_by_key(
        company_warehouse,
        "select criterion, outcome from marts.fct_account_icp_criteria where account_id = 'A4'",
    )
    assert outcomes["north_america"] == "miss"
    assert {outcome for name, outcome in outcomes.items() if name != "north_america"} == {"unknown"}
    assert len(outcomes) == 8
    [(rows,)] = query(company_warehouse, "select count(*) from marts.fct_account_icp_criteria")
    assert rows == 5 * 8


def test_best_customer_is_top_fifth_by_ltv(company_warehouse: Path) -> None:
    # 3 customers -> ceil(0.2 x 3) = 1 best customer: A2 (LTV 1,936).
    best = query(
        company_warehouse, "select account_id from marts.dim_accounts where is_best_customer"
    )
    assert best == [("A2",)]


EXPECTED_PERSONAS = {
    "P1": "economic_buyer",  # Co-Founder & CEO
    "P2": "technical_evaluator",  # Senior Software Engineer
    "P3": "economic_buyer",  # Head of Data
    "P4": "champion",  # Director of Marketing
    "P5": "champion",  # Store Manager
    "P6": "unknown",  # no title
    "P7": "economic_buyer",  # CTO
    "P8": "economic_buyer",  # VP Sales
    "P9": "technical_evaluator",  # Sr. Software Engineer
    "P10": "economic_buyer",  # Chief Financial Officer
    "P11": "champion",  # Engineering Manager
    "P12": "technical_evaluator",  # IT Administrator
    "P13": "end_user",  # Account Executive
    "P14": "champion",  # Director of Engineering (Director is not CTO)
    "P15": "technical_evaluator",  # Solutions Architect
    "P16": "economic_buyer",  # Head of Growth
    "P17": "economic_buyer",  # Geschäftsführer
    "P18": "champion",  # Team Lead Data Platform
    "P19": "end_user",  # Customer Success Specialist
    "P20": "end_user",  # Executive Assistant to the CEO
    "P21": "economic_buyer",  # President & COO
    "P22": "technical_evaluator",  # Security Analyst
}


def test_personas_from_job_titles(company_warehouse: Path) -> None:
    actual = rows_by_key(company_warehouse, "select contact_id, persona from marts.dim_contacts")
    assert actual == EXPECTED_PERSONAS


def test_account_persona_columns(company_warehouse: Path) -> None:
    actual = rows_by_key(
        company_warehouse,
        "select account_id, contact_count, has_economic_buyer from marts.dim_accounts",
    )
    assert actual == {
        "A1": (5, True),
        "A2": (5, True),
        "A3": (5, True),
        "A4": (7, True),
        "A5": (0, False),
    }


def test_no_personal_data_in_marts(company_warehouse: Path) -> None:
    columns = query(
        company_warehouse,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'marts'",
    )
    personal = [c for c in columns if "email" in c[1] or c[1] in ("first_name", "last_name")]
    assert personal == []
    for table, column, data_type in columns:
        if data_type == "VARCHAR":
            [(hits,)] = query(
                company_warehouse,
                f"select count(*) from marts.{table} "
                f"where regexp_matches({column}, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[a-z]+')",
            )
            assert hits == 0, f"an email-like value in marts.{table}.{column}"
