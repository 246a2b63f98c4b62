"""A hand-made company as Fivetran lands Salesforce and Stripe, with hand-computed expectations.

The column shapes are Fivetran's own: each table's header is read from Fivetran's published sample
(`../shared/realdata/fivetran/`), plus the columns a real sync has that the sample happens to lack
(`account.created_date`, `invoice.created`, ...); only our rows are our own. Every value the mapping
does not read stays empty. The expected figures are in tests/test_connectors.py, computed by hand.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

# ../shared/realdata/fivetran beside the repository.
FIVETRAN = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "fivetran"
COMPANY = Path(__file__).parent / "fixtures" / "company"


def sample_file(connector: str, table: str) -> Path:
    prefix = "sf_" if connector == "salesforce" else ""
    return FIVETRAN / connector / f"{prefix}{table}_data.csv"


def sample_header(connector: str, table: str) -> list[str]:
    with sample_file(connector, table).open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle))


def write_table(
    folder: Path, connector: str, table: str, rows: list[dict[str, str]], extra: tuple = ()
) -> Path:
    """`folder/<connector>/<table>.csv` in Fivetran's header (plus `extra` columns) with `rows`."""
    header = sample_header(connector, table)
    header += [column for column in extra if column not in header]
    unknown = {key for row in rows for key in row} - set(header)
    assert not unknown, f"{connector}.{table}: not in the header: {sorted(unknown)}"
    path = folder / connector / f"{table}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        synced = {"_fivetran_synced": "2024-07-01 02:00:00"} if "_fivetran_synced" in header else {}
        for row in rows:
            writer.writerow({**synced, **row})
    return path


F, T = "FALSE", "TRUE"

SALESFORCE = {
    "account": (
        ("created_date",),
        [
            # Enrichment has acme.com: its values win over these.
            {
                "id": "A1",
                "name": "Acme Analytics",
                "website": "https://www.acme.com",
                "created_date": "2023-10-01 09:00:00",
                "account_source": "Paid Search",
                "billing_country": "United States",
                "industry": "Manufacturing",
                "number_of_employees": "999",
                "owner_id": "U1",
                "is_deleted": F,
                "_fivetran_active": "true",
            },
            # No enrichment row: the CRM's firmographics; country as an alias (UK).
            {
                "id": "A2",
                "name": "Beta Payments",
                "website": "beta.io",
                "created_date": "2023-11-05 00:00:00",
                "account_source": "Referral",
                "shipping_country": "UK",
                "industry": "Fintech",
                "number_of_employees": "30",
                "annual_revenue": "1500000",
                "owner_id": "U2",
                "is_deleted": "false",
                "_fivetran_active": "TRUE",
            },
            {
                "id": "A3",
                "name": "Gamma Stores",
                "website": "gamma.de",
                "created_date": "2023-12-01 00:00:00",
                "account_source": "PAID_SEARCH",
                "billing_country": "Deutschland",
                "industry": "Retail",
                "number_of_employees": "800",
                "annual_revenue": "90000000",
                "owner_id": "U1",
                "is_deleted": F,
                "_fivetran_active": T,
            },
            {
                "id": "A4",
                "name": "Delta Logistics",
                "website": "delta.com",
                "created_date": "2024-02-10 00:00:00",
                "is_deleted": T,
                "_fivetran_active": T,
            },
            # A superseded history row of A1: not data, and not a repeated key either.
            {
                "id": "A1",
                "name": "Acme (old name)",
                "website": "acme.com",
                "created_date": "2023-10-01 09:00:00",
                "is_deleted": F,
                "_fivetran_active": F,
            },
            # Enrichment has epsilon.com with nulls: the CRM fills them field by field.
            {
                "id": "A6",
                "name": "Epsilon Labs",
                "website": "epsilon.com",
                "created_date": "2024-04-01 00:00:00",
                "billing_country_code": "US",
                "industry": "Fintech",
                "number_of_employees": "45",
                "is_deleted": F,
                "_fivetran_active": T,
            },
        ],
    ),
    "opportunity": (
        ("created_date", "currency_iso_code"),
        [
            {
                "id": "O1",
                "account_id": "A1",
                "type": "New Business",
                "is_won": "true",
                "is_closed": "true",
                "amount": "12000",
                "currency_iso_code": "usd",
                "created_date": "2023-10-05 00:00:00",
                "close_date": "2023-11-01 00:00:00",
                "is_deleted": F,
                "_fivetran_active": T,
            },
            {
                "id": "O2",
                "account_id": "A2",
                "type": "Existing Business",
                "is_won": "false",
                "is_closed": "true",
                "created_date": "2023-11-10 00:00:00",
                "close_date": "2023-12-01 00:00:00",
                "is_deleted": F,
                "_fivetran_active": T,
            },
            {
                "id": "O3",
                "account_id": "A3",
                "type": "Renewal",
                "is_won": "false",
                "is_closed": "false",
                "amount": "5000",
                "created_date": "2024-05-01 00:00:00",
                "close_date": "2024-09-01 00:00:00",
                "is_deleted": F,
                "_fivetran_active": T,
            },
            {
                "id": "O4",
                "account_id": "A1",
                "type": "Upsell",
                "is_won": "1",
                "is_closed": "1",
                "amount": "3000",
                "created_date": "2024-01-05 00:00:00",
                "close_date": "2024-02-01 00:00:00",
                "is_deleted": F,
                "_fivetran_active": T,
            },
            {
                "id": "O5",
                "account_id": "A1",
                "type": "New Business",
                "is_won": "false",
                "is_closed": "false",
                "created_date": "2024-01-05 00:00:00",
                "is_deleted": T,
                "_fivetran_active": T,
            },
            {
                "id": "O6",
                "account_id": "A6",
                "type": "Partner Deal",
                "is_won": "false",
                "is_closed": "false",
                "amount": "800",
                "created_date": "2024-05-01 00:00:00",
                "is_deleted": F,
                "_fivetran_active": T,
            },
        ],
    ),
    "contact": (
        (),
        [
            {
                "id": "C1",
                "account_id": "A1",
                "first_name": "Jane",
                "last_name": "Doerflinger",
                "name": "Jane Doerflinger",
                "title": "VP Finance",
                "email": "jane@acme.com",
                "created_date": "2023-10-02 00:00:00",
                "is_deleted": F,
            },
            {
                "id": "C2",
                "account_id": "A2",
                "title": "Data Engineer",
                "created_date": "2023-11-06 00:00:00",
                "is_deleted": F,
            },
            {
                "id": "C3",
                "account_id": "A3",
                "title": "CEO",
                "created_date": "2023-12-02 00:00:00",
                "is_deleted": T,
            },
        ],
    ),
}

STRIPE = {
    "customer": (
        (),
        [
            # The metadata key wins over the email's domain.
            {
                "id": "cus_1",
                "metadata": '{"crm_account_id":"A1"}',
                "email": "ap@other.example",
                "currency": "usd",
                "created": "2023-11-01 00:00:00",
                "is_deleted": F,
            },
            # By the email's domain; no currency: its first invoice's (EUR).
            {
                "id": "cus_2",
                "metadata": "{}",
                "email": "billing@beta.io",
                "created": "2023-12-01 00:00:00",
                "is_deleted": F,
            },
            # Unmatched: accepted with no account.
            {
                "id": "cus_3",
                "email": "someone@nowhere.example",
                "currency": "jpy",
                "created": "2024-01-10 00:00:00",
                "is_deleted": F,
            },
            {
                "id": "cus_4",
                "email": "x@acme.com",
                "currency": "usd",
                "created": "2024-01-10 00:00:00",
                "is_deleted": T,
            },
            {
                "id": "cus_5",
                "email": "finance@GAMMA.de",
                "currency": "usd",
                "created": "2024-02-01 00:00:00",
                "is_deleted": F,
            },
        ],
    ),
    "subscription": (
        (),
        [
            {
                "id": "sub_1",
                "customer_id": "cus_1",
                "status": "active",
                "start_date": "2023-11-01 00:00:00",
                "created": "2023-11-01 00:00:00",
            },
            {
                "id": "sub_2",
                "customer_id": "cus_2",
                "status": "unpaid",
                "start_date": "2023-12-01 00:00:00",
            },
            {
                "id": "sub_3",
                "customer_id": "cus_3",
                "status": "paused",
                "start_date": "2024-01-10 00:00:00",
            },
            {
                "id": "sub_4",
                "customer_id": "cus_5",
                "status": "incomplete_expired",
                "start_date": "2024-02-01 00:00:00",
                "canceled_at": "2024-03-05 00:00:00",
                "ended_at": "2024-03-01 00:00:00",
            },
            {
                "id": "sub_5",
                "customer_id": "cus_5",
                "status": "active",
                "start_date": "2024-03-01 00:00:00",
                "canceled_at": "2024-03-01 00:00:00",
                "cancel_at_period_end": T,
            },
        ],
    ),
    "subscription_item": (
        (),
        [
            {"id": "si_1a", "subscription_id": "sub_1", "plan_id": "price_m", "quantity": "2"},
            {"id": "si_1b", "subscription_id": "sub_1", "plan_id": "price_y", "quantity": "1"},
            {"id": "si_2", "subscription_id": "sub_2", "plan_id": "price_eur", "quantity": "3"},
            {"id": "si_3", "subscription_id": "sub_3", "plan_id": "price_jpy", "quantity": "1"},
            {"id": "si_4", "subscription_id": "sub_4", "plan_id": "plan_w", "quantity": "1"},
            {"id": "si_5", "subscription_id": "sub_5", "plan_id": "price_m", "quantity": ""},
        ],
    ),
    "price": (
        (),
        [
            {
                "id": "price_m",
                "unit_amount": "10000",
                "currency": "usd",
                "recurring_interval": "month",
                "recurring_interval_count": "1",
                "nickname": "Pro Monthly",
                "type": "recurring",
                "is_deleted": F,
            },
            {
                "id": "price_y",
                "unit_amount": "120000",
                "currency": "usd",
                "recurring_interval": "year",
                "recurring_interval_count": "1",
                "is_deleted": F,
            },
            {
                "id": "price_eur",
                "unit_amount": "5000",
                "currency": "eur",
                "recurring_interval": "month",
                "nickname": "Team EU",
                "is_deleted": F,
            },
            {
                "id": "price_jpy",
                "unit_amount": "12000",
                "currency": "jpy",
                "recurring_interval": "month",
                "recurring_interval_count": "1",
                "nickname": "Team JP",
                "is_deleted": F,
            },
        ],
    ),
    "plan": (
        (),
        [
            {
                "id": "plan_w",
                "amount": "1000",
                "currency": "usd",
                "interval": "week",
                "interval_count": "1",
                "nickname": "Weekly",
                "is_deleted": F,
            },
        ],
    ),
    "invoice": (
        ("created",),
        [
            {
                "id": "in_1",
                "customer_id": "cus_1",
                "subscription_id": "sub_1",
                "created": "2023-11-01 00:00:00",
                "status": "paid",
                "total": "30000",
                "currency": "usd",
                "is_deleted": F,
            },
            {
                "id": "in_2",
                "customer_id": "cus_1",
                "subscription_id": "sub_1",
                "created": "2023-12-01 00:00:00",
                "status": "paid",
                "total": "30000",
                "currency": "usd",
                "is_deleted": F,
            },
            {
                "id": "in_3",
                "customer_id": "cus_2",
                "subscription_id": "sub_2",
                "created": "2023-12-01 00:00:00",
                "status": "paid",
                "total": "15000",
                "currency": "eur",
                "is_deleted": F,
            },
            {
                "id": "in_4",
                "customer_id": "cus_3",
                "subscription_id": "sub_3",
                "created": "2024-01-10 00:00:00",
                "status": "paid",
                "total": "12000",
                "currency": "jpy",
                "is_deleted": F,
            },
            {
                "id": "in_5",
                "customer_id": "cus_1",
                "subscription_id": "sub_1",
                "created": "2024-06-01 00:00:00",
                "status": "draft",
                "total": "30000",
                "currency": "usd",
                "is_deleted": F,
            },
            {
                "id": "in_6",
                "customer_id": "cus_5",
                "subscription_id": "sub_4",
                "created": "2024-02-01 00:00:00",
                "status": "paid",
                "total": "4333",
                "currency": "usd",
                "is_deleted": F,
            },
            {
                "id": "in_7",
                "customer_id": "cus_5",
                "subscription_id": "sub_5",
                "created": "2024-03-01 00:00:00",
                "status": "paid",
                "total": "10000",
                "currency": "usd",
                "is_deleted": F,
            },
            {
                "id": "in_8",
                "customer_id": "cus_1",
                "created": "2024-03-01 00:00:00",
                "status": "paid",
                "total": "99900",
                "currency": "usd",
                "is_deleted": T,
            },
        ],
    ),
    "charge": (
        (),
        [
            {"id": "ch_2", "invoice_id": "in_2", "amount": "30000", "status": "succeeded"},
            {"id": "ch_7", "invoice_id": "in_7", "amount": "10000", "status": "succeeded"},
        ],
    ),
    "refund": (
        (),
        [
            {"id": "re_1", "charge_id": "ch_2", "amount": "5000", "status": "succeeded"},
            {"id": "re_2", "charge_id": "ch_2", "amount": "9000", "status": "failed"},
            {"id": "re_3", "charge_id": "ch_7", "amount": "20000", "status": "succeeded"},
        ],
    ),
}

# The contract files no connector provides, at the top of the input directory.
TOP_FILES = {
    "enrichment_companies.csv": (
        "domain,industry,employee_count,annual_revenue_usd,hq_country,business_model,tech_stack,"
        "funding_stage,founded_year,enriched_at\n"
        "acme.com,Software,120,5000000,US,b2b,snowflake,series_a,2015,2024-05-01\n"
        "epsilon.com,,,,,b2b,,,,2024-05-01\n"
    ),
    "fx_rates.csv": (
        "currency,month,rate_to_usd\n"
        "EUR,2023-11-01,1.10\nEUR,2024-06-01,1.10\nJPY,2024-01-01,0.007\n"
    ),
    "marketing_spend.csv": ("spend_date,channel,amount,currency\n2024-02-01,Paid Search,400,USD\n"),
}


def write_company(folder: Path, tables: dict, connector: str) -> None:
    for table, (extra, rows) in tables.items():
        write_table(folder, connector, table, rows, extra)


def write_salesforce_stripe(folder: Path) -> Path:
    """The fixture company: Salesforce and Stripe folders, the other contract files on top."""
    folder.mkdir(parents=True, exist_ok=True)
    write_company(folder, SALESFORCE, "salesforce")
    write_company(folder, STRIPE, "stripe")
    for name, text in TOP_FILES.items():
        (folder / name).write_text(text)
    for name in ("sales_costs.csv", "icp_criteria.csv"):
        shutil.copy(COMPANY / name, folder / name)
    return folder


HUBSPOT = {
    "company": (
        (
            "property_domain",
            "property_website",
            "property_hs_analytics_source",
            "property_hubspot_owner_id",
            "property_numberofemployees",
            "_fivetran_deleted",
        ),
        [
            # An unpadded hour, as in Fivetran's own sample.
            {
                "id": "101",
                "property_name": "Alpha",
                "property_domain": "alpha.io",
                "property_createdate": "2023-01-05 9:00:00",
                "property_hs_analytics_source": "PAID_SEARCH",
                "property_country": "United Kingdom",
                "property_industry": "Software",
                "property_numberofemployees": "50",
                "is_deleted": "false",
            },
            {
                "id": "102",
                "property_name": "Bravo",
                "property_website": "https://bravo.com",
                "property_createdate": "2023-02-01 10:00:00",
                "property_hs_analytics_source": "ORGANIC_SEARCH",
                "property_country": "United States",
                "is_deleted": "false",
            },
            {"id": "103", "property_name": "Deleted", "is_deleted": "true"},
            {"id": "104", "property_name": "Gone", "is_deleted": "false", "_fivetran_deleted": T},
        ],
    ),
    "deal_pipeline_stage": (
        (),
        [
            {"stage_id": "s_won", "closed_won": T, "is_closed": T, "_fivetran_deleted": F},
            {"stage_id": "s_lost", "closed_won": F, "is_closed": T, "_fivetran_deleted": F},
            {"stage_id": "s_open", "closed_won": F, "is_closed": F, "_fivetran_deleted": F},
            {"stage_id": "s_gone", "closed_won": T, "is_closed": T, "_fivetran_deleted": T},
        ],
    ),
    "deal": (
        ("property_dealtype", "property_deal_currency_code", "_fivetran_deleted"),
        [
            {
                "deal_id": "1",
                "deal_pipeline_stage_id": "s_won",
                "property_dealtype": "newbusiness",
                "property_amount": "1200",
                "property_createdate": "2023-02-01 00:00:00",
                "property_closedate": "2023-03-01 00:00:00",
                "is_deleted": "false",
            },
            {
                "deal_id": "2",
                "deal_pipeline_stage_id": "s_lost",
                "property_dealtype": "existingbusiness",
                "property_createdate": "2023-02-01 00:00:00",
                "is_deleted": "false",
            },
            {
                "deal_id": "3",
                "deal_pipeline_stage_id": "s_open",
                "property_dealtype": "renewal",
                "property_amount": "500",
                "property_createdate": "2023-11-01 00:00:00",
                "property_closedate": "2023-12-01 00:00:00",
                "is_deleted": "false",
            },
            {
                "deal_id": "4",
                "deal_pipeline_stage_id": "s_won",
                "property_amount": "2400",
                "property_createdate": "2023-05-01 00:00:00",
                "property_closedate": "2023-06-01 00:00:00",
                "is_deleted": "false",
            },
            {
                "deal_id": "5",
                "deal_pipeline_stage_id": "s_gone",
                "property_createdate": "2023-05-01 00:00:00",
                "is_deleted": "false",
            },
            {"deal_id": "6", "deal_pipeline_stage_id": "s_won", "is_deleted": "true"},
        ],
    ),
    "deal_company": (
        (),
        [
            {"deal_id": "1", "company_id": "102"},
            {"deal_id": "1", "company_id": "101"},
            {"deal_id": "2", "company_id": "102"},
            {"deal_id": "3", "company_id": "102"},
            {"deal_id": "5", "company_id": "101"},
        ],
    ),
    "contact": (
        ("property_associatedcompanyid",),
        [
            {
                "id": "c1",
                "property_associatedcompanyid": "101",
                "property_jobtitle": "CFO",
                "property_email": "cfo@alpha.io",
                "property_firstname": "Erika",
                "property_createdate": "2023-01-06 00:00:00",
                "_fivetran_deleted": "false",
            },
            {"id": "c2", "property_associatedcompanyid": "101", "_fivetran_deleted": "true"},
        ],
    ),
}


def write_hubspot(folder: Path) -> Path:
    """HubSpot alone, no billing and no enrichment: revenue from won deals, the CRM's own
    firmographics."""
    folder.mkdir(parents=True, exist_ok=True)
    write_company(folder, HUBSPOT, "hubspot")
    (folder / "fx_rates.csv").write_text(TOP_FILES["fx_rates.csv"])
    for name in ("marketing_spend.csv", "sales_costs.csv", "icp_criteria.csv"):
        shutil.copy(COMPANY / name, folder / name)
    return folder
