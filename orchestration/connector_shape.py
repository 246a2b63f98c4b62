"""A contract-shaped company rewritten as the tables Fivetran lands for Salesforce, HubSpot and
Stripe.

Why: `icp generate --crm salesforce --billing stripe` writes the demo company the way a synced
user's data looks, so a refresh in connector shape can be timed beside the contract-files one, and
the same company read both ways must give the same marts (tests/test_connector_parity.py). This is
the inverse of the dbt mapping in models/connectors/ for clean data: every contract value is put
where the mapping reads it (Stripe money as integer cents, one price per subscription, refunds as
succeeded refunds of one charge per invoice, Fivetran's `YYYY-MM-DD HH:MM:SS` timestamps).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

# The currencies the generator writes: Stripe amounts in them are hundredths.
TWO_DECIMAL_CURRENCIES = ("USD", "EUR", "GBP")

FIVETRAN_TIME = r"regexp_replace({}, '^([0-9-]{{10}})T([0-9:]{{8}})Z$', '\1 \2')"


def ts(column: str) -> str:
    return FIVETRAN_TIME.format(column)


def cents(column: str) -> str:
    return f"cast(round(try_cast({column} as decimal(38, 10)) * 100) as bigint)"


SALESFORCE = {
    "account": f"""
        select account_id as id, account_name as name, domain as website,
            {ts("created_at")} as created_date, lead_source as account_source,
            country_code as billing_country_code, owner_id, 'false' as is_deleted,
            'true' as _fivetran_active
        from crm_accounts""",
    "opportunity": f"""
        select opportunity_id as id, account_id,
            case opportunity_type when 'renewal' then 'Renewal' when 'expansion' then 'Expansion'
                else 'New Business' end as type,
            stage = 'won' as is_won, stage in ('won', 'lost') as is_closed, amount,
            currency as currency_iso_code, {ts("created_at")} as created_date,
            {ts("closed_at")} as close_date, false as is_deleted, true as _fivetran_active
        from crm_opportunities""",
    "contact": f"""
        select contact_id as id, account_id, job_title as title, email,
            {ts("created_at")} as created_date, false as is_deleted
        from crm_contacts""",
}

HUBSPOT = {
    "company": f"""
        select account_id as id, account_name as property_name, domain as property_domain,
            {ts("created_at")} as property_createdate,
            upper(lead_source) as property_hs_analytics_source, country_code as property_country,
            owner_id as property_hubspot_owner_id, false as is_deleted
        from crm_accounts""",
    "deal": f"""
        select opportunity_id as deal_id,
            case stage when 'won' then 'closedwon' when 'lost' then 'closedlost'
                else 'appointmentscheduled' end as deal_pipeline_stage_id,
            case opportunity_type when 'expansion' then 'existingbusiness'
                when 'renewal' then 'renewal' else 'newbusiness' end as property_dealtype,
            amount as property_amount, currency as property_deal_currency_code,
            {ts("created_at")} as property_createdate, {ts("closed_at")} as property_closedate,
            false as is_deleted
        from crm_opportunities""",
    "deal_company": """
        select opportunity_id as deal_id, account_id as company_id
        from crm_opportunities
        where account_id is not null""",
    "deal_pipeline_stage": """
        select * from (values ('closedwon', true, true), ('closedlost', false, true),
            ('appointmentscheduled', false, false)) as stages (stage_id, closed_won, is_closed)""",
    "contact": f"""
        select contact_id as id, account_id as property_associatedcompanyid,
            job_title as property_jobtitle, email as property_email,
            {ts("created_at")} as property_createdate
        from crm_contacts""",
}

STRIPE = {
    "customer": f"""
        select customer_id as id, {ts("created_at")} as created, lower(currency) as currency,
            case when account_id is null then '{{}}'
                else '{{"crm_account_id":"' || account_id || '"}}' end as metadata,
            false as is_deleted
        from billing_customers""",
    "subscription": f"""
        select subscription_id as id, customer_id, status, {ts("started_at")} as start_date,
            {ts("canceled_at")} as canceled_at, {ts("canceled_at")} as ended_at
        from billing_subscriptions""",
    "subscription_item": """
        select 'si_' || subscription_id as id, subscription_id, 'price_' || subscription_id
            as plan_id, 1 as quantity
        from billing_subscriptions""",
    "price": f"""
        select 'price_' || subscription_id as id, {cents("mrr")} as unit_amount,
            lower(currency) as currency, 'month' as recurring_interval,
            1 as recurring_interval_count, plan as nickname, false as is_deleted
        from billing_subscriptions""",
    "invoice": f"""
        select invoice_id as id, customer_id, subscription_id, {ts("issued_at")} as created,
            status, {cents("amount")} as total, lower(currency) as currency, false as is_deleted
        from billing_invoices""",
    "charge": """
        select 'ch_' || invoice_id as id, invoice_id, 'succeeded' as status
        from billing_invoices
        where cast(amount_refunded as decimal(38, 10)) > 0""",
    "refund": f"""
        select 're_' || invoice_id as id, 'ch_' || invoice_id as charge_id,
            {cents("amount_refunded")} as amount, 'succeeded' as status
        from billing_invoices
        where cast(amount_refunded as decimal(38, 10)) > 0""",
}

CONNECTOR_QUERIES = {"salesforce": SALESFORCE, "hubspot": HUBSPOT, "stripe": STRIPE}
# The contract tables each connector replaces.
REPLACES = {"salesforce": "crm_", "hubspot": "crm_", "stripe": "billing_"}


def to_connectors(
    tables: Mapping[str, pa.Table], connectors: tuple[str, ...] = ("salesforce", "stripe")
) -> dict[str, dict[str, pa.Table] | pa.Table]:
    """`{connector: {table: arrow}}` for the chosen connectors, plus the contract tables they do
    not replace (`{name: arrow}`), as `write_connectors` lays them out."""
    conn = duckdb.connect()
    try:
        for name, table in tables.items():
            conn.register(name, table)
        currencies = {
            row[0]
            for name in ("billing_customers", "billing_subscriptions", "billing_invoices")
            if "stripe" in connectors
            for row in conn.execute(f"select distinct upper(currency) from {name}").fetchall()
        }
        unsupported = currencies - set(TWO_DECIMAL_CURRENCIES) - {None}
        if unsupported:
            raise ValueError(f"no Stripe minor units for {sorted(unsupported)}")
        shaped: dict[str, dict[str, pa.Table] | pa.Table] = {
            connector: {
                table: conn.sql(sql).to_arrow_table()
                for table, sql in CONNECTOR_QUERIES[connector].items()
            }
            for connector in connectors
        }
    finally:
        conn.close()
    replaced = tuple(REPLACES[connector] for connector in connectors)
    shaped.update({name: table for name, table in tables.items() if not name.startswith(replaced)})
    return shaped


def write_connectors(
    shaped: Mapping[str, Mapping[str, pa.Table] | pa.Table], out_dir: Path, fmt: str = "csv"
) -> dict[str, Path]:
    """Each connector's tables in `out_dir/<connector>/`, the contract tables at the top."""
    from orchestration.generator import write

    paths = write({k: v for k, v in shaped.items() if isinstance(v, pa.Table)}, out_dir, fmt)
    for connector, tables in shaped.items():
        if not isinstance(tables, pa.Table):
            written = write(tables, Path(out_dir) / connector, fmt)
            paths.update({f"{connector}.{name}": path for name, path in written.items()})
    return paths
