"""Salesforce and Stripe as Fivetran lands them (../shared/spec/connectors.md), built for real.

The fixture (tests/connector_fixture.py) is a small company in Fivetran's exact column shapes;
every expected figure below is computed by hand from its rows, as of 2024-06-30.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration import manifest
from orchestration.connectors import (
    SourceChoice,
    choose,
    contract_tables_for_files,
    plan_landing,
    register_connectors,
)
from orchestration.raw_files import RawInputError, register_all, sql_string
from tests.helpers import (
    AS_OF,
    COMPANY,
    build_file,
    dbt,
    icp_in_process,
    materialize_refresh,
    query,
    rows_by_key,
)


def test_detection_and_explicit_choice(tmp_path: Path, connector_data: Path) -> None:
    assert choose(connector_data) == SourceChoice(
        "salesforce",
        "stripe",
        "detected from the salesforce/ folder",
        "detected from the stripe/ folder",
    )
    assert choose(connector_data, billing="crm").billing == "crm"
    # No stripe/ folder and no billing_* files: revenue from the CRM's won deals.
    crm_only = tmp_path / "crm_only"
    shutil.copytree(connector_data / "salesforce", crm_only / "salesforce")
    assert choose(crm_only).billing == "crm"


def test_a_table_given_both_ways_stops_naming_both(tmp_path: Path, connector_data: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(connector_data, data)
    (data / "crm_accounts.csv").write_text("account_id,account_name,created_at\n")
    with pytest.raises(RawInputError, match=r"the salesforce/ folder and .*crm_accounts\.csv"):
        choose(data)


def test_missing_table_or_column_stops_naming_connector_table_column(
    tmp_path: Path, connector_data: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(connector_data, data)
    (data / "stripe" / "refund.csv").unlink()
    result = materialize_refresh(data, tmp_path / "a.duckdb", as_of=AS_OF)
    assert not result.success
    assert "stripe: missing table refund" in failure_text(result)
    shutil.copy(connector_data / "stripe" / "refund.csv", data / "stripe" / "refund.csv")
    opportunity = data / "salesforce" / "opportunity.csv"
    lines = opportunity.read_text().splitlines()
    lines[0] = lines[0].replace(",is_won,", ",is_won_renamed,")
    opportunity.write_text("\n".join(lines) + "\n")
    result = materialize_refresh(data, tmp_path / "b.duckdb", as_of=AS_OF)
    assert "salesforce: table opportunity" in failure_text(result)
    assert "lacks column(s) is_won," in failure_text(result)
    assert not (tmp_path / "b.duckdb").exists()


def failure_text(result) -> str:
    errors = [event.step_failure_data.error for event in result.all_events if event.is_step_failure]
    messages = []
    for error in errors:
        while error is not None:
            messages.append(error.message)
            error = error.cause
    return "\n".join(messages)


def test_accounts_firmographics_countries_and_lead_sources(connector_warehouse: Path) -> None:
    actual = rows_by_key(
        connector_warehouse,
        """
        select account_id, industry, employee_count, annual_revenue_usd, country_code, region,
               acquisition_channel
        from marts.dim_accounts
        """,
    )
    assert actual == {
        # Enrichment wins where it has a value (acme.com: Software, 120, US).
        "A1": ("Software", 120, 5000000.0, "US", "NA", "paid_search"),
        # No enrichment row: Salesforce's own values; the country written `UK`.
        "A2": ("Fintech", 30, 1500000.0, "GB", "EMEA", "referral"),
        # `Deutschland` and `PAID_SEARCH`.
        "A3": ("Retail", 800, 90000000.0, "DE", "EMEA", "paid_search"),
        # Enrichment's row has nulls: filled field by field.
        "A6": ("Fintech", 45, None, "US", "NA", "unknown"),
    }


def test_billing_facts_to_the_cent(connector_warehouse: Path) -> None:
    actual = rows_by_key(
        connector_warehouse,
        "select account_id, customer_status, lifetime_revenue_usd::double, mrr_usd::double "
        "from marts.dim_accounts",
    )
    assert actual == {
        # 300 + (300 - 50 refunded; the failed 90 refund ignored); the draft invoice is open.
        # MRR: 2 x 100.00 monthly + 1,200.00 yearly / 12.
        "A1": ("active", 550.0, 300.0),
        # 150 EUR at 1.10; unpaid reads past_due, which still counts.
        "A2": ("active", 165.0, 165.0),
        # 43.33 + (100 - 100: a 200 refund capped at the total); the incomplete_expired
        # subscription ended 2024-03-01, the active one (cancel scheduled) pays 100.
        "A3": ("active", 43.33, 100.0),
        "A6": ("prospect", None, None),
    }


def test_subscriptions_invoices_and_customers_as_mapped(connector_warehouse: Path) -> None:
    subscriptions = rows_by_key(
        build_file(connector_warehouse),
        "select subscription_id, plan, status, cast(canceled_at as date)::varchar, mrr::double, "
        "currency "
        "from staging.stg_billing__subscriptions",
    )
    assert subscriptions == {
        "sub_1": ("Pro Monthly", "active", None, 300.0, "USD"),
        "sub_2": ("Team EU", "past_due", None, 150.0, "EUR"),
        "sub_3": ("Team JP", "trialing", None, 12000.0, "JPY"),  # zero-decimal currency
        # A weekly plan of the older `plan` table: 10.00 x 52 / 12.
        "sub_4": ("Weekly", "canceled", "2024-03-01", 43.333333, "USD"),
        "sub_5": ("Pro Monthly", "active", None, 100.0, "USD"),  # no quantity: 1
    }
    invoices = rows_by_key(
        build_file(connector_warehouse),
        "select invoice_id, status, amount::double, amount_refunded::double, currency "
        "from staging.stg_billing__invoices",
    )
    assert invoices == {
        "in_1": ("paid", 300.0, 0.0, "USD"),
        "in_2": ("paid", 300.0, 50.0, "USD"),
        "in_3": ("paid", 150.0, 0.0, "EUR"),
        "in_4": ("paid", 12000.0, 0.0, "JPY"),
        "in_5": ("open", 300.0, 0.0, "USD"),
        "in_6": ("paid", 43.33, 0.0, "USD"),
        "in_7": ("paid", 100.0, 100.0, "USD"),
    }
    customers = rows_by_key(
        build_file(connector_warehouse),
        "select customer_id, account_id, currency from staging.stg_billing__customers",
    )
    assert customers == {
        "cus_1": ("A1", "USD"),  # metadata key, not the email's domain
        "cus_2": ("A2", "EUR"),  # email domain; first invoice's currency
        "cus_3": (None, "JPY"),  # unmatched
        "cus_5": ("A3", "USD"),  # email domain, case-insensitive
    }


def test_opportunity_types_and_stages(connector_warehouse: Path) -> None:
    actual = rows_by_key(
        build_file(connector_warehouse),
        "select opportunity_id, opportunity_type, stage, amount, currency, "
        "cast(closed_at as date)::varchar from staging.stg_crm__opportunities",
    )
    assert actual == {
        "O1": ("new_business", "won", 12000.0, "USD", "2023-11-01"),
        "O2": ("expansion", "lost", 0.0, "USD", "2023-12-01"),
        "O3": ("renewal", "open", 5000.0, "USD", None),
        "O4": ("expansion", "won", 3000.0, "USD", "2024-02-01"),
        "O6": ("new_business", "open", 800.0, "USD", None),
    }


def test_lead_source_meets_spend(connector_warehouse: Path) -> None:
    """Spend on `Paid Search` meets the accounts from `Paid Search` and `PAID_SEARCH`."""
    actual = query(
        connector_warehouse,
        "select marketing_spend_usd, new_customers, channel_cac_usd from marts.fct_cac "
        "where month = date '2024-02-01' and channel = 'paid_search'",
    )
    assert actual == [(400.0, 1, 400.0)]


def test_every_row_accounted_for(connector_warehouse: Path) -> None:
    audit = rows_by_key(
        connector_warehouse,
        "select source_table, read_from, rows_read, rows_accepted, rows_rejected, rows_dropped, "
        "dropped_by_reason from marts.fct_load_audit",
    )
    dropped_one = "deleted_in_source: 1"
    assert {table: row for table, row in audit.items() if row[0] != table} == {
        "crm_accounts": ("salesforce.account", 6, 4, 0, 2, "deleted_in_source: 1, not_current: 1"),
        "crm_opportunities": ("salesforce.opportunity", 6, 5, 0, 1, dropped_one),
        "crm_contacts": ("salesforce.contact", 3, 2, 0, 1, dropped_one),
        "billing_customers": ("stripe.customer", 5, 4, 0, 1, dropped_one),
        "billing_subscriptions": (
            "stripe.subscription, stripe.subscription_history",
            5,
            5,
            0,
            0,
            None,
        ),
        "billing_invoices": ("stripe.invoice", 8, 7, 0, 1, dropped_one),
    }
    lookups = {table: row[1:5] for table, row in audit.items() if table.startswith("stripe.")}
    assert lookups == {
        "stripe.charge": (2, 2, 0, 0),
        "stripe.plan": (1, 1, 0, 0),
        "stripe.price": (4, 4, 0, 0),
        "stripe.refund": (3, 3, 0, 0),
        "stripe.subscription_item": (6, 6, 0, 0),
    }


def test_no_names_or_emails_reach_a_mart(connector_warehouse: Path) -> None:
    tables = query(
        connector_warehouse,
        "select table_name from information_schema.tables where table_schema = 'marts'",
    )
    for (table,) in tables:
        text = str(query(connector_warehouse, f"select * from marts.{table}"))
        assert "Doerflinger" not in text and "jane@" not in text, table


def test_hubspot_stages_companies_and_types(hubspot_warehouse: Path) -> None:
    actual = rows_by_key(
        build_file(hubspot_warehouse),
        "select opportunity_id, account_id, opportunity_type, stage, amount, "
        "cast(closed_at as date)::varchar from staging.stg_crm__opportunities",
    )
    assert actual == {
        "1": ("101", "new_business", "won", 1200.0, "2023-03-01"),  # lowest of two companies
        "2": ("102", "expansion", "lost", 0.0, None),
        "3": ("102", "renewal", "open", 500.0, None),  # open: its close date is not a close
        "5": ("101", "new_business", "open", 0.0, None),  # its stage was deleted
    }
    rejected = query(
        hubspot_warehouse,
        "select source_table, row_key, reason_code from marts.rejected_rows order by 1",
    )
    # No company: rejected, and so are the invoice and subscription its won amount made.
    assert rejected == [
        ("billing_invoices", "4", "missing_value"),
        ("billing_subscriptions", "4", "missing_value"),
        ("crm_opportunities", "4", "missing_value"),
    ]


def test_hubspot_accounts_firmographics_and_won_revenue(hubspot_warehouse: Path) -> None:
    actual = rows_by_key(
        hubspot_warehouse,
        """
        select account_id, domain, acquisition_channel, country_code, region, industry,
               employee_count, customer_status, lifetime_revenue_usd,
               cast(churned_at as date)::varchar
        from marts.dim_accounts
        """,
    )
    assert actual == {
        # No enrichment file: HubSpot's own firmographics; its only won deal's term ended.
        "101": (
            "alpha.io",
            "paid_search",
            "GB",
            "EMEA",
            "Software",
            50,
            "churned",
            1200.0,
            "2024-03-01",
        ),
        "102": ("bravo.com", "organic_search", "US", "NA", None, None, "prospect", None, None),
    }


def test_hubspot_rows_accounted_for(hubspot_warehouse: Path) -> None:
    audit = rows_by_key(
        hubspot_warehouse,
        "select source_table, rows_read, rows_accepted, rows_rejected, rows_dropped "
        "from marts.fct_load_audit where source_table like 'crm_%' or source_table like 'hub%'",
    )
    assert audit == {
        "crm_accounts": (4, 2, 0, 2),
        "crm_opportunities": (6, 4, 1, 1),
        "crm_contacts": (2, 1, 0, 1),
        "hubspot.deal_company": (5, 5, 0, 0),
        "hubspot.deal_pipeline_stage": (4, 3, 0, 1),
    }


def test_icp_refresh_says_what_it_read_and_what_it_dropped(
    connector_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, result = connector_run
    assert result.stdout.startswith("Input: crm = salesforce (given), billing = stripe (given)")
    assert "(dropped): 6" in result.stdout
    assert "salesforce.account" in result.stdout and "not_current: 1" in result.stdout


def connector_schemas_in_warehouse(data: Path, warehouse: Path) -> None:
    """The connector fixture as Fivetran leaves it in a warehouse: tables in schemas of their own
    (`fivetran_salesforce.account`, ...), no row numbers; the contract files as the `raw` views
    a refresh registers."""
    tables, contract = manifest.connector_tables(), manifest.contract()
    choice = SourceChoice("salesforce", "stripe")
    landing = plan_landing(tables, contract, choice, data)
    with duckdb.connect(str(warehouse)) as conn:
        register_all(conn, contract_tables_for_files(contract, choice, data), data)
        register_connectors(conn, landing)
        for table, _, _ in landing.files:
            schema = f"fivetran_{table.connector}"
            conn.execute(f"create schema if not exists {schema}")
            conn.execute(
                f"create table {schema}.{table.name} as "
                f"select * exclude (_row_number) from {table.qualified}"
            )
        for schema, name, _ in landing.empty:
            if schema != "raw":
                conn.execute(f"create table fivetran_{schema}.{name} as from {schema}.{name}")
        for connector in choice.connectors:
            conn.execute(f"drop schema {connector} cascade")


def test_connector_schemas_already_in_the_warehouse_through_the_vars(
    tmp_path: Path, connector_data: Path, connector_warehouse: Path
) -> None:
    """The `<connector>_schema` vars: `dbt build` on a DuckDB file that already holds the
    connector schemas (under other names, no files, no `_row_number`) gives the marts of the
    same tables read as folders."""
    warehouse = tmp_path / "warehouse.duckdb"
    connector_schemas_in_warehouse(connector_data, warehouse)
    run_vars = {
        "crm": "salesforce",
        "billing": "stripe",
        "salesforce_schema": "fivetran_salesforce",
        "stripe_schema": "fivetran_stripe",
        "as_of_date": AS_OF,
    }
    built = dbt(
        "build", "--quiet", "--vars", json.dumps(run_vars), "--target", "duckdb",
        "--target-path", tmp_path / "target", "--log-path", tmp_path / "logs",
        env={"ICP_DUCKDB_PATH": str(warehouse)},
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr
    with duckdb.connect() as conn:
        conn.execute(f"attach {sql_string(str(warehouse))} as vars (read_only)")
        conn.execute(f"attach {sql_string(str(connector_warehouse))} as folders (read_only)")
        for relation in manifest.published_relations():
            difference = conn.execute(
                f"select count(*) from ((from vars.{relation} except all from folders.{relation})"
                f" union all (from folders.{relation} except all from vars.{relation}))"
            ).fetchall()
            assert difference == [(0,)], relation
        [(accounts,)] = conn.execute("select count(*) from vars.marts.dim_accounts").fetchall()
    assert accounts == 4


def test_unreadable_countries_are_counted_and_shown(tmp_path: Path) -> None:
    """A country the mapping cannot read becomes null (no region) and is counted per table in the
    load audit and the summary; a readable alias is not counted."""
    data = tmp_path / "data"
    shutil.copytree(COMPANY, data)
    accounts = data / "crm_accounts.csv"
    # A1 `Atlantis` (unreadable; enrichment's US fills in), A2 `United Kingdom` (an alias: read).
    text = accounts.read_text().replace("paid_search,US,U1", "paid_search,Atlantis,U1")
    accounts.write_text(text.replace("referral,GB,U2", "referral,United Kingdom,U2"))
    companies = data / "enrichment_companies.csv"
    companies.write_text(companies.read_text().replace("1500000,GB,", "1500000,Narnia,"))
    warehouse = tmp_path / "icp.duckdb"
    result = icp_in_process(
        "refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF
    )
    assert result.returncode == 0, result.stderr
    assert (
        "Country values not read, so no region: crm_accounts 1, enrichment_companies 1"
        in result.stdout
    )
    audit = rows_by_key(
        warehouse, "select source_table, unreadable_countries from marts.fct_load_audit"
    )
    assert audit["crm_accounts"] == 1 and audit["enrichment_companies"] == 1
    assert audit["fx_rates"] is None  # no country there
    regions = rows_by_key(
        warehouse, "select account_id, country_code, region from marts.dim_accounts"
    )
    # Enrichment's country wins where readable; its unreadable `Narnia` leaves the CRM's.
    assert regions["A1"] == ("US", "NA")
    assert regions["A2"] == ("GB", "EMEA")
