"""The billing tables (customers, subscriptions, invoices), rendered from the draws."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from orchestration.generator.draws import Company
from orchestration.generator.text import _decimals, _ids, _pick, _timestamps, _with_nulls
from orchestration.generator.timeline import _add_months, _month_index
from orchestration.generator.vocabulary import (
    CANCELED,
    CURRENCIES,
    DAY,
    INVOICE_STATUSES,
    OPEN,
    PAID,
    PAST_DUE,
    PLANS,
    SUBSCRIPTION_STATUSES,
    UNCOLLECTIBLE,
    VOID,
)


def invoice_id_width(invoices: int) -> int:
    """Digits of an invoice id: room for the bad rows a dirty company appends."""
    return max(8, len(str(invoices + 100)))


def billing_customers(c: Company) -> pa.Table:
    linked = c.billing.c_acct >= 0
    return pa.table(
        {
            "customer_id": c.ids.customer_ids,
            "account_id": _with_nulls(
                c.ids.account_ids.take(pa.array(np.maximum(c.billing.c_acct, 0))), linked
            ),
            "currency": _pick(CURRENCIES, c.billing.c_currency),
            "created_at": _timestamps(c.billing.c_created),
        }
    )


def billing_subscriptions(c: Company) -> pa.Table:
    canceled = c.billing.s_status == CANCELED
    return pa.table(
        {
            "subscription_id": c.ids.subscription_ids,
            "customer_id": c.ids.customer_ids.take(pa.array(c.billing.s_cust)),
            "plan": _pick(PLANS, c.billing.s_plan),
            "status": _pick(SUBSCRIPTION_STATUSES, c.billing.s_status),
            "started_at": _timestamps(c.billing.s_start),
            "canceled_at": _timestamps(c.billing.s_cancel, canceled),
            "mrr": _decimals(c.billing.s_mrr),
            "currency": _pick(CURRENCIES, c.billing.s_currency),
        }
    )


def billing_invoices(c: Company) -> pa.Table:
    rng = c.rng(14)
    end = c.calendar.end
    billed = c.billing.s_kind <= 1  # customers (matched or not) are invoiced
    voided = c.billing.s_kind == 3
    stop = np.minimum(c.billing.s_cancel, end)
    start = c.billing.s_start
    k = c.spec.invoices_per_customer
    sub = np.flatnonzero(billed | voided)
    # Monthly invoices from the start up to the cancellation (or the end of the data).
    months = _month_index(stop[sub]) - _month_index(start[sub]) + 1
    last = _add_months(start[sub], months - 1)
    months = np.maximum(np.where(last >= stop[sub], months - 1, months), 1)
    void_count = np.minimum(months, 2)
    if k is not None:  # scale mode: a fixed count per subscription
        months = np.where(c.billing.s_addon[sub], max(1, k // 4), k)
    months = np.where(voided[sub], void_count, months)
    rep = np.repeat(sub, months)
    total = len(rep)
    j = np.arange(total) - np.repeat(np.cumsum(months) - months, months)
    if k is None:
        issued = _add_months(start[rep], j)
        amount = c.billing.s_mrr[rep].copy()
    else:
        count = np.repeat(months, months)
        span = np.maximum(stop[rep] - start[rep], DAY)
        issued = start[rep] + (span * j) // count
        span_months = np.where(voided[rep], 1.0, span / (30.4375 * DAY))
        amount = np.maximum(
            np.round(
                c.billing.s_mrr[rep]
                * np.maximum(span_months, 1.0)
                / np.where(voided[rep], 1, count),
                2,
            ),
            1.0,
        )
    issued = np.minimum(issued, end - 1)

    status = np.full(total, PAID, np.int8)
    first = j == 0
    main_first = first & ~c.billing.s_addon[rep]
    u = rng.random(total)
    status[(u < 0.01) & ~main_first] = VOID
    status[(u >= 0.01) & (u < 0.015) & ~main_first] = UNCOLLECTIBLE
    recent = (issued >= end - 10 * DAY) & ~main_first
    status[recent & (rng.random(total) < 0.35)] = OPEN
    # The latest invoice of a past-due subscription is still open.
    last_of_sub = np.r_[rep[1:] != rep[:-1], True]
    status[last_of_sub & (c.billing.s_status[rep] == PAST_DUE)] = OPEN
    status[voided[rep]] = VOID

    paid = status == PAID
    refundable = paid & ~main_first
    refunded = refundable & (rng.random(total) < 0.01)
    refund = np.where(refunded, np.round(amount * rng.uniform(0.1, 0.6, total), 2), 0.0)
    refund_valid = refunded | (paid & (rng.random(total) < 0.3))

    # A few credit notes: negative invoices shortly after a paid one.
    credit = np.flatnonzero(refundable & ~refunded & (rng.random(total) < 0.003))
    c_issued = issued[credit] + rng.integers(DAY, 10 * DAY, len(credit))
    credit, c_issued = credit[c_issued < end], c_issued[c_issued < end]
    c_amount = -np.round(amount[credit] * rng.uniform(0.1, 0.5, len(credit)), 2)

    rep = np.concatenate([rep, rep[credit]])
    issued = np.concatenate([issued, c_issued])
    status = np.concatenate([status, np.full(len(credit), PAID, np.int8)])
    amount = np.concatenate([amount, c_amount])
    refund = np.concatenate([refund, np.zeros(len(credit))])
    refund_valid = np.concatenate([refund_valid, np.zeros(len(credit), bool)])

    order = np.argsort(issued, kind="stable")
    rep, issued, status = rep[order], issued[order], status[order]
    amount, refund, refund_valid = amount[order], refund[order], refund_valid[order]
    m = len(order)
    width = invoice_id_width(m)
    cust = c.billing.s_cust[rep]
    return pa.table(
        {
            "invoice_id": _ids("INV", np.arange(1, m + 1), width),
            "customer_id": c.ids.customer_ids.take(pa.array(cust)),
            "subscription_id": c.ids.subscription_ids.take(pa.array(rep)),
            "issued_at": _timestamps(issued),
            "status": _pick(INVOICE_STATUSES, status),
            "amount": _decimals(amount),
            "amount_refunded": _decimals(refund, refund_valid),
            "currency": _pick(CURRENCIES, c.billing.s_currency[rep]),
        }
    )
