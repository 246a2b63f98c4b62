"""The bad rows of a `dirty` company: each breaks the contract in one way the quarantine catches."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from orchestration.generator.billing import invoice_id_width
from orchestration.generator.draws import Company
from orchestration.generator.text import _timestamps
from orchestration.generator.vocabulary import CURRENCIES


def dirty(company: Company, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """A handful of realistic bad rows, appended; each breaks the contract in one way."""
    n_invoices = tables["billing_invoices"].num_rows
    n_opportunities = tables["crm_opportunities"].num_rows
    end_day = np.datetime64(company.spec.end_date, "D")
    mid = company.calendar.start + (company.calendar.end - company.calendar.start) // 2
    mid_ts = _timestamps(np.array([mid]))[0].as_py()

    def add(name: str, rows: list[dict[str, str | None]]) -> None:
        table = tables[name]
        extra = pa.table(
            {col: pa.array([row[col] for row in rows], pa.string()) for col in table.column_names}
        )
        tables[name] = pa.concat_tables([table, extra])

    accounts = tables["crm_accounts"]
    dup = {
        col: accounts.column(col)[min(4, company.accounts.n - 1)].as_py()
        for col in accounts.column_names
    }
    dup["owner_id"] = "U001"  # a CRM duplicate, re-assigned: the first row wins
    add("crm_accounts", [dup])

    # A customer linked to an account, with its main subscription.
    c = int(np.flatnonzero(company.billing.c_kind == 0)[0])
    customer = company.ids.customer_ids[c].as_py()
    account = company.ids.account_ids[int(company.billing.c_acct[c])].as_py()
    s = int(np.flatnonzero((company.billing.s_cust == c) & ~company.billing.s_addon)[0])
    subscription = company.ids.subscription_ids[s].as_py()
    currency = CURRENCIES[int(company.billing.c_currency[c])]
    next_id = n_invoices + 1

    def invoice(offset: int, **values: str | None) -> dict[str, str | None]:
        row = {
            "invoice_id": f"INV{next_id + offset:0{invoice_id_width(n_invoices)}d}",
            "customer_id": customer,
            "subscription_id": subscription,
            "issued_at": mid_ts,
            "status": "paid",
            "amount": "100",
            "amount_refunded": None,
            "currency": currency,
        }
        row.update(values)
        return row

    # Dated after the end of the data: a contact, not an invoice, because the default as-of
    # date is the latest invoice, subscription, opportunity close or spend date; a late
    # invoice would move the as-of date instead of being rejected.
    after_end = str(end_day + 17) + "T10:00:00Z"
    add(
        "billing_invoices",
        [
            invoice(0, currency="CHF", amount="240"),  # no fx rate for CHF
            invoice(1, amount="12,5O"),  # a typo: comma and a letter O
        ],
    )
    n_subs = len(company.billing.s_cust)
    width = max(7, len(str(n_subs)))
    add(
        "billing_subscriptions",
        [
            {
                "subscription_id": f"SUB{n_subs + 1:0{width}d}",
                "customer_id": "C999999",
                "plan": "growth",
                "status": "active",
                "started_at": mid_ts,
                "canceled_at": None,
                "mrr": "990",
                "currency": "USD",
            },  # no such customer
            {
                "subscription_id": f"SUB{n_subs + 2:0{width}d}",
                "customer_id": customer,
                "plan": "starter",
                "status": "active",
                "started_at": mid_ts,
                "canceled_at": None,
                "mrr": "-49.00",
                "currency": currency,
            },  # negative mrr
        ],
    )
    width = max(7, len(str(n_opportunities)))
    add(
        "crm_opportunities",
        [
            {
                "opportunity_id": f"OPP{n_opportunities + 1:0{width}d}",
                "account_id": account,
                "opportunity_type": "expansion",
                "stage": "negotiation",
                "amount": "6000",
                "currency": currency,
                "created_at": mid_ts,
                "closed_at": None,
            },
        ],
    )
    contacts = tables["crm_contacts"]
    m = contacts.num_rows
    width = max(7, len(str(m)))
    add(
        "crm_contacts",
        [
            {
                "contact_id": f"CT{m + 1:0{width}d}",
                "account_id": account,
                "job_title": "VP Sales",
                "email": None,
                "created_at": "05/03/2024",
            },
            {
                "contact_id": f"CT{m + 2:0{width}d}",
                "account_id": account,
                "job_title": "Head of Data",
                "email": None,
                "created_at": after_end,
            },
        ],
    )
    return tables
