"""Marketing spend, sales costs, FX rates and the ICP criteria, rendered from the draws."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from orchestration.generator.draws import Company
from orchestration.generator.text import _civil, _dates, _decimals, _pick
from orchestration.generator.timeline import _month_index, _month_start
from orchestration.generator.vocabulary import (
    CHANNEL_CAC_USD,
    CHANNELS,
    CURRENCIES,
    EUR,
    EUR_SPEND_CHANNELS,
    GBP,
    SALES_COST_PER_CUSTOMER_USD,
)


def new_customers_per_month(c: Company) -> np.ndarray:
    """New matched customers per (channel, month); rows follow CHANNELS, then one 'unknown'."""
    conv = np.flatnonzero(c.conversion.converts)
    month = _month_index(c.accounts.conv_at[conv]) - c.calendar.first_month
    channel = np.where(c.accounts.channel_valid[conv], c.accounts.channel[conv], len(CHANNELS))
    counts = np.zeros((len(CHANNELS) + 1, len(c.calendar.months)))
    np.add.at(counts, (channel, month), 1)
    return counts


def smoothed(counts: np.ndarray) -> np.ndarray:
    kernel = np.ones(5) / 5
    padded = np.pad(counts, ((0, 0), (2, 2)), mode="edge")
    return np.stack([np.convolve(row, kernel, mode="valid") for row in padded])


def blended(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Half the month's own count, half its five-month average (and that average): costs follow
    the new customers without jumping with every one."""
    smooth = smoothed(counts)
    return 0.5 * counts + 0.5 * smooth, smooth


def marketing_spend(c: Company) -> pa.Table:
    rng = c.rng(20)
    level, smooth = blended(new_customers_per_month(c)[: len(CHANNELS)])
    level = np.maximum(level, 0.3 * smooth.mean(axis=1, keepdims=True) + 0.2)
    usd = CHANNEL_CAC_USD[:, None] * level * np.exp(rng.normal(0, 0.15, level.shape))
    n_months = len(c.calendar.months)
    channel = np.repeat(np.arange(len(CHANNELS)), n_months)
    month = np.tile(c.calendar.months, len(CHANNELS))
    amount = usd.ravel()
    currency = np.zeros(len(amount), np.int64)
    eur = np.isin(channel, [CHANNELS.index(c) for c in EUR_SPEND_CHANNELS])
    eur_rate = c.fx[EUR][month[eur] - c.calendar.first_month]
    eur_amount = amount[eur] * 0.25 / eur_rate
    amount[eur] *= 0.75
    channel = np.concatenate([channel, channel[eur]])
    month = np.concatenate([month, month[eur]])
    amount = np.concatenate([amount, eur_amount])
    currency = np.concatenate([currency, np.full(int(eur.sum()), EUR)])
    order = np.lexsort((currency, channel, month))
    return pa.table(
        {
            "spend_date": _dates(_month_start(month[order])),
            "channel": _pick(CHANNELS, channel[order]),
            "amount": _decimals(amount[order]),
            "currency": _pick(CURRENCIES, currency[order]),
        }
    )


def sales_costs(c: Company) -> pa.Table:
    rng = c.rng(21)
    level = blended(new_customers_per_month(c).sum(axis=0)[None, :])[0][0]
    created = np.bincount(
        _month_index(c.accounts.created) - c.calendar.first_month, minlength=len(c.calendar.months)
    )
    amount = (SALES_COST_PER_CUSTOMER_USD * level + 40.0 * created) * np.exp(
        rng.normal(0, 0.05, len(c.calendar.months))
    )
    return pa.table(
        {
            "month": _dates(_month_start(c.calendar.months)),
            "amount": _decimals(np.maximum(amount, 1000.0)),
            "currency": _pick(CURRENCIES, np.zeros(len(c.calendar.months), np.int64)),
        }
    )


def fx_rates(c: Company) -> pa.Table:
    n = len(c.calendar.months)
    currency = np.repeat([EUR, GBP], n)
    month = np.tile(c.calendar.months, 2)
    rate = np.concatenate([c.fx[EUR], c.fx[GBP]])
    keep = np.ones(len(month), bool)
    keep[n // 2] = False  # one EUR month is missing: the previous month's rate applies
    return pa.table(
        {
            "currency": _pick(CURRENCIES, currency[keep]),
            "month": _dates(_month_start(month[keep])),
            "rate_to_usd": _decimals(rate[keep], digits=4),
        }
    )


# A current ICP aimed at the customers who pay least and churn fastest (small Retail and
# Healthcare companies on consumer models and marketing tools): the written ICP of a company whose
# slide deck is out of date, for CompanySpec(misaimed_icp=True).
MISAIMED_ICP = (
    ("target_industry", "industry", "in", "Retail|Healthcare", 3),
    ("small_team", "employee_count", "lte", "50", 2),
    ("consumer_model", "business_model", "in", "b2c|marketplace", 2),
    ("marketing_stack", "tech_stack", "contains_any", "shopify|hubspot", 1.5),
    ("early_stage", "funding_stage", "in", "bootstrapped|seed", 1),
)


def icp_criteria(c: Company) -> pa.Table:
    last_month = _month_index(np.array([c.calendar.end - 1]))[0]
    old_date, new_date = _month_start(np.array([last_month - 30, last_month - 12]))

    def version(seconds: int) -> str:
        year, month, _ = _civil(np.array([seconds]))
        return f"{year[0]}-h{1 if month[0] <= 6 else 2}"

    rows = [
        # The first ICP: small, US/UK companies on marketing tools. Data no longer backs it.
        ("target_industry", "industry", "in", "Software|Media|Retail", 3),
        ("small_team", "employee_count", "lte", "200", 2),
        ("marketing_stack", "tech_stack", "contains_any", "hubspot|shopify", 2),
        ("core_markets", "country_code", "in", "US|CA|GB", 1.5),
        ("no_marketplaces", "business_model", "not_in", "marketplace", 1),
        ("young_company", "founded_year", "between", "2010|2022", 1),
        ("revenue_floor", "annual_revenue_usd", "gte", "1000000", 1),
    ]
    current = [
        # The current ICP: names the planted segment, plus one criterion (late-stage
        # funding) that the best customers do not share, so discovery marks it stale.
        ("target_industry", "industry", "in", "Software|Fintech", 3),
        ("mid_market", "employee_count", "between", "51|1000", 2),
        ("modern_data_stack", "tech_stack", "contains_any", "snowflake|dbt", 2),
        ("b2b_model", "business_model", "in", "b2b", 1.5),
        ("late_stage_funding", "funding_stage", "in", "series_c_plus|public", 1),
        ("revenue_floor", "annual_revenue_usd", "gte", "5000000", 1),
        ("serviceable_region", "region", "not_in", "LATAM", 1),
    ]
    if c.spec.misaimed_icp:
        current = list(MISAIMED_ICP)
    records = [(version(old_date), old_date, *row) for row in rows]
    records += [(version(new_date), new_date, *row) for row in current]
    effective = np.array([r[1] for r in records], dtype=np.int64)
    return pa.table(
        {
            "icp_version": pa.array([r[0] for r in records], pa.string()),
            "effective_from": _dates(effective),
            "criterion": pa.array([r[2] for r in records], pa.string()),
            "attribute": pa.array([r[3] for r in records], pa.string()),
            "operator": pa.array([r[4] for r in records], pa.string()),
            "value": pa.array([r[5] for r in records], pa.string()),
            "weight": _decimals(np.array([r[6] for r in records], dtype=float)),
        }
    )
