"""The draws: the company's accounts, firmographics, conversions, billing and FX, drawn once.

Each step is a function of the spec and the steps before it, and returns a frozen dataclass of
parallel numpy arrays (one row per account, per billing customer or per subscription), so what a
step needs and what it makes are in its signature. Each step draws from its own random stream
(`stream`), so changing one step leaves the others' numbers as they were. The renderers (crm,
billing, spend, dirty) turn a `Company` into the contract's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa

from orchestration.generator.text import _ids
from orchestration.generator.timeline import (
    _add_months,
    _business_seconds,
    _categorical,
    _month_index,
    _sigmoid,
)
from orchestration.generator.vocabulary import (
    ACTIVE,
    B2B,
    B2C,
    BUSINESS_MODEL_MIX,
    CANCELED,
    CHANNEL_CONVERSION,
    CHANNEL_MIX,
    COUNTRY_CURRENCY,
    COUNTRY_MIX,
    DAY,
    DBT,
    DRIFT_B2C_SHARE,
    DRIFT_EMPLOYEE_SHIFT,
    EMPLOYEE_LOG_MU,
    EMPLOYEE_LOG_SIGMA,
    EUR,
    FINTECH,
    FUNDING_MIX,
    GBP,
    INDUSTRY_MIX,
    INDUSTRY_MIX_DRIFT,
    NO_CHANNEL_SHARE,
    PAST_DUE,
    PLAN_FLOOR_USD,
    PLAN_MRR_USD,
    PRICE_RATE,
    RETAIL,
    SNOWFLAKE,
    SOFTWARE,
    TOOL_BASE,
    TOOL_SIZE_SLOPE,
    TOOLS,
    TRIALING,
    USD,
)


@dataclass(frozen=True)
class CompanySpec:
    """What company to generate: size, randomness, dates and which imperfections to plant.

    `invoices_per_customer` exists for scale tests: with `None` every subscription is invoiced
    monthly over its tenure (the natural, realistic volume); with a number, each main
    subscription gets exactly that many invoices spread evenly over its tenure (the amount then
    covers the span between two invoices), so the invoice volume is known in advance.
    """

    accounts: int = 2000
    seed: int = 42
    end_date: date = date(2026, 9, 30)
    years: float = 3.0
    drift: bool = True
    dirty: bool = False
    invoices_per_customer: int | None = None
    # The current ICP version aims at the wrong customers (spend.MISAIMED_ICP): what the
    # back-test must catch and the proposal must beat.
    misaimed_icp: bool = False


def stream(spec: CompanySpec, number: int) -> np.random.Generator:
    """One independent stream per part, so changing one table leaves the others as they were."""
    return np.random.default_rng(np.random.SeedSequence([spec.seed, number]))


@dataclass(frozen=True, eq=False)
class Calendar:
    """The company's history: epoch seconds [start, end) and its months (months since 1970-01)."""

    start: int
    end: int
    first_month: int
    last_month: int
    months: np.ndarray

    @classmethod
    def of(cls, spec: CompanySpec) -> Calendar:
        end = int(np.datetime64(spec.end_date, "s").astype(np.int64)) + DAY  # exclusive
        start = end - int(round(spec.years * 365.25)) * DAY
        first_month = int(_month_index(np.array([start]))[0])
        last_month = int(_month_index(np.array([end - 1]))[0])
        return cls(start, end, first_month, last_month, np.arange(first_month, last_month + 1))


@dataclass(frozen=True, eq=False)
class Accounts:
    """Per CRM account: creation time, channel, country, and when it would convert."""

    n: int
    created: np.ndarray
    channel: np.ndarray
    channel_valid: np.ndarray
    country: np.ndarray
    country_valid: np.ndarray
    conv_at: np.ndarray
    drifted: np.ndarray


@dataclass(frozen=True, eq=False)
class Firmographics:
    """Per account: industry, size, model, tools, funding, revenue, founding year, and the planted
    fit flags (software/fintech, mid-size, b2b, modern data stack)."""

    industry: np.ndarray
    employees: np.ndarray
    model: np.ndarray
    tool_mask: np.ndarray
    funding: np.ndarray
    revenue: np.ndarray
    founded: np.ndarray
    fit: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True, eq=False)
class Conversion:
    """Per account: whether it converts, its churn hazard, plan, MRR (USD) and currency."""

    converts: np.ndarray
    hazard: np.ndarray
    plan: np.ndarray
    mrr_usd: np.ndarray
    currency: np.ndarray


@dataclass(frozen=True, eq=False)
class Billing:
    """Billing customers (`c_*`, in id order) and their subscriptions (`s_*`, by start)."""

    c_kind: np.ndarray
    c_acct: np.ndarray
    c_created: np.ndarray
    c_currency: np.ndarray
    c_start: np.ndarray
    c_cancel: np.ndarray
    c_mrr: np.ndarray
    n_cust: int
    s_cust: np.ndarray
    s_start: np.ndarray
    s_cancel: np.ndarray
    s_addon: np.ndarray
    s_mrr: np.ndarray
    s_plan: np.ndarray
    s_kind: np.ndarray
    s_status: np.ndarray
    s_currency: np.ndarray


@dataclass(frozen=True, eq=False)
class Ids:
    """The text ids of accounts, billing customers and subscriptions, shared by every table."""

    account_ids: pa.Array
    customer_ids: pa.Array
    subscription_ids: pa.Array

    @classmethod
    def of(cls, accounts: Accounts, billing: Billing) -> Ids:
        n, n_cust, n_subs = accounts.n, billing.n_cust, len(billing.s_cust)
        return cls(
            account_ids=_ids("A", np.arange(1, n + 1), max(6, len(str(n)))),
            customer_ids=_ids("C", np.arange(1, n_cust + 1), max(6, len(str(n_cust)))),
            subscription_ids=_ids("SUB", np.arange(1, n_subs + 1), max(7, len(str(n_subs)))),
        )


@dataclass(frozen=True, eq=False)
class Company:
    """Everything drawn, in the order it was drawn; the renderers read it, never change it."""

    spec: CompanySpec
    calendar: Calendar
    accounts: Accounts
    firmographics: Firmographics
    conversion: Conversion
    billing: Billing
    fx: dict[int, np.ndarray]
    ids: Ids = field(repr=False)

    def rng(self, number: int) -> np.random.Generator:
        return stream(self.spec, number)


def draw(spec: CompanySpec) -> Company:
    """The company: each step from the spec and the steps before it."""
    calendar = Calendar.of(spec)
    drawn_accounts = accounts(spec, calendar)
    drawn_firmographics = firmographics(spec, calendar, drawn_accounts)
    drawn_conversion = conversion(spec, calendar, drawn_accounts, drawn_firmographics)
    drawn_billing = billing(spec, calendar, drawn_accounts, drawn_conversion)
    return Company(
        spec=spec,
        calendar=calendar,
        accounts=drawn_accounts,
        firmographics=drawn_firmographics,
        conversion=drawn_conversion,
        billing=drawn_billing,
        fx=fx(spec, calendar),
        ids=Ids.of(drawn_accounts, drawn_billing),
    )


def accounts(spec: CompanySpec, calendar: Calendar) -> Accounts:
    rng = stream(spec, 1)
    n = spec.accounts
    # The company grows: account creation density rises linearly from 0.6 to 1.4.
    a, b = 0.6, 0.8
    u = rng.random(n)
    t = (-a + np.sqrt(a * a + 2 * b * u * (a + b / 2))) / b
    span_days = (calendar.end - calendar.start) // DAY
    day = calendar.start // DAY + np.minimum((t * span_days).astype(np.int64), span_days - 1)
    created = np.sort(day * DAY + _business_seconds(rng, n))
    channel = _categorical(rng, CHANNEL_MIX, n)
    channel_valid = rng.random(n) >= NO_CHANNEL_SHARE
    country = _categorical(rng, COUNTRY_MIX, n)
    country_valid = rng.random(n) >= 0.02
    # Conversion lag: days from account creation to the first paid invoice, if it converts.
    lag = 21 + rng.gamma(2.0, 18.0, n)
    conv_at = created + (lag * DAY).astype(np.int64)
    drifted = np.full(n, spec.drift) & (conv_at >= calendar.end - 90 * DAY)
    return Accounts(
        n=n,
        created=created,
        channel=channel,
        channel_valid=channel_valid,
        country=country,
        country_valid=country_valid,
        conv_at=conv_at,
        drifted=drifted,
    )


def firmographics(spec: CompanySpec, calendar: Calendar, accounts: Accounts) -> Firmographics:
    rng = stream(spec, 2)
    n, drifted = accounts.n, accounts.drifted
    industry = np.where(
        drifted,
        _categorical(rng, INDUSTRY_MIX_DRIFT, n),
        _categorical(rng, INDUSTRY_MIX, n),
    )
    log_emp = (
        EMPLOYEE_LOG_MU[industry]
        + DRIFT_EMPLOYEE_SHIFT * drifted
        + rng.normal(0.0, EMPLOYEE_LOG_SIGMA, n)
    )
    employees = np.clip(np.rint(np.exp(log_emp)), 1, 20_000).astype(np.int64)
    model = _categorical(rng, BUSINESS_MODEL_MIX[industry])
    model = np.where(drifted & (rng.random(n) < DRIFT_B2C_SHARE), B2C, model)

    size = np.log(employees) - 4.0
    size_factor = np.where(
        (employees >= 51) & (employees <= 1000), 1.25, np.where(employees <= 10, 0.45, 0.85)
    )
    p_tool = TOOL_BASE[industry] * np.exp(TOOL_SIZE_SLOPE[None, :] * size[:, None])
    p_tool[:, SNOWFLAKE] = TOOL_BASE[industry, SNOWFLAKE] * size_factor
    p_tool[:, DBT] = TOOL_BASE[industry, DBT] * size_factor
    has_tool = rng.random((n, len(TOOLS))) < np.clip(p_tool, 0.0, 0.95)
    mask = has_tool.astype(np.int64) @ (1 << np.arange(len(TOOLS), dtype=np.int64))
    mask = np.where(mask == 0, 1 << TOOLS.index("slack"), mask)

    funding_class = np.searchsorted(np.array([10, 50, 200, 1000]), employees, side="left")
    stage = _categorical(rng, FUNDING_MIX[funding_class])

    revenue_per_employee = np.exp(rng.normal(np.log(120_000), 0.5, n))
    revenue = np.round(employees * revenue_per_employee, -3)
    revenue = np.maximum(revenue, 10_000.0)
    end_year = spec.end_date.year
    account_age_years = (calendar.end - accounts.created) / (365.25 * DAY)
    age = np.exp(rng.normal(np.log(9.0) + 0.15 * size, 0.6, n))
    age = np.clip(np.rint(np.maximum(age, account_age_years + 1)), 1, 80)

    tool_mask = mask
    funding = stage
    founded = end_year - age.astype(np.int64)

    sw = (industry == SOFTWARE) | (industry == FINTECH)
    mid = (employees >= 51) & (employees <= 1000)
    b2b = model == B2B
    mds = (mask & ((1 << SNOWFLAKE) | (1 << DBT))) != 0
    fit = (sw, mid, b2b, mds)
    return Firmographics(
        industry=industry,
        employees=employees,
        model=model,
        tool_mask=tool_mask,
        funding=funding,
        revenue=revenue,
        founded=founded,
        fit=fit,
    )


def conversion(
    spec: CompanySpec, calendar: Calendar, accounts: Accounts, firmographics: Firmographics
) -> Conversion:
    rng = stream(spec, 3)
    n = accounts.n
    sw, mid, b2b, mds = firmographics.fit
    retail = firmographics.industry == RETAIL
    b2c = firmographics.model == B2C
    tiny = firmographics.employees <= 10
    large = firmographics.employees > 1000
    channel_effect = np.where(accounts.channel_valid, CHANNEL_CONVERSION[accounts.channel], 0.0)
    logit = (
        -1.4
        + 0.9 * sw
        + 0.3 * mid
        + 0.3 * b2b
        + 0.6 * mds
        - 0.2 * large
        - 0.1 * tiny
        + channel_effect
    )
    converts = (rng.random(n) < _sigmoid(logit)) & (accounts.conv_at < calendar.end)

    hazard = (
        0.03
        * np.where(sw, 0.45, 1.0)
        * np.where(mid, 0.55, 1.0)
        * np.where(b2b, 0.7, 1.0)
        * np.where(mds, 0.6, 1.0)
        * np.where(retail, 2.2, 1.0)
        * np.where(b2c, 1.8, 1.0)
        * np.where(tiny, 1.3, 1.0)
        * np.where(large, 1.4, 1.0)
    )
    # The price follows the fit; the plan is the price tier it lands in.
    log_mrr = (
        np.log(260.0)
        + 1.0 * sw
        + 0.7 * mds
        + 0.9 * b2b
        + 1.1 * mid
        - 0.7 * retail
        - 0.5 * b2c
        - 0.3 * large
        - 0.5 * tiny
        + rng.normal(0.0, 0.5, n)
    )
    mrr_usd = np.exp(log_mrr)
    plan = np.searchsorted(PLAN_FLOOR_USD, mrr_usd, side="right") - 1
    currency = np.where(accounts.country_valid, COUNTRY_CURRENCY[accounts.country], USD)
    return Conversion(
        converts=converts, hazard=hazard, plan=plan, mrr_usd=mrr_usd, currency=currency
    )


def billing(
    spec: CompanySpec, calendar: Calendar, accounts: Accounts, conversion: Conversion
) -> Billing:
    """Billing customers and subscriptions, as parallel numpy arrays (rendered later)."""
    rng = stream(spec, 4)
    end = calendar.end
    cust_acct = np.flatnonzero(conversion.converts)
    n_conv = len(cust_acct)
    start = accounts.conv_at[cust_acct]
    tenure = rng.geometric(np.clip(conversion.hazard[cust_acct], 1e-4, 0.95))
    cancel = _add_months(start, tenure) - rng.integers(1, 21, n_conv) * DAY
    cancel = np.maximum(cancel, start + DAY)

    # Unmatched billing customers (self-serve sign-ups nobody linked to a CRM account).
    n_ghost = max(1, round(n_conv * 0.02 / 0.98))
    g_start = calendar.start + 30 * DAY + (rng.random(n_ghost) * (end - calendar.start - 31 * DAY))
    g_start = (g_start // DAY) * DAY + _business_seconds(rng, n_ghost)
    g_tenure = rng.geometric(0.04, n_ghost)
    g_cancel = _add_months(g_start, g_tenure) - rng.integers(1, 21, n_ghost) * DAY
    g_plan = _categorical(rng, np.array([0.7, 0.25, 0.05]), n_ghost)
    g_mrr = PLAN_MRR_USD[g_plan] * np.exp(rng.normal(0.0, 0.4, n_ghost))
    g_currency = COUNTRY_CURRENCY[_categorical(rng, COUNTRY_MIX, n_ghost)]

    # Prospects with a billing footprint: recent free trials, and old trials whose only
    # invoices were voided.
    prospect = ~conversion.converts
    recent = prospect & (accounts.created >= end - 60 * DAY) & (accounts.created < end - 2 * DAY)
    trial_acct = np.flatnonzero(recent & (rng.random(accounts.n) < 0.06))
    old = prospect & (accounts.created < end - 150 * DAY)
    void_acct = np.flatnonzero(old & (rng.random(accounts.n) < 0.012))
    t_start = np.minimum(
        accounts.created[trial_acct] + rng.integers(1, 10, len(trial_acct)) * DAY, end - DAY
    )
    v_start = accounts.created[void_acct] + rng.integers(10, 40, len(void_acct)) * DAY
    v_cancel = v_start + rng.integers(20, 45, len(void_acct)) * DAY

    kind = np.concatenate(
        [
            np.zeros(n_conv, np.int8),
            np.ones(n_ghost, np.int8),
            np.full(len(trial_acct), 2, np.int8),
            np.full(len(void_acct), 3, np.int8),
        ]
    )
    acct = np.concatenate([cust_acct, np.full(n_ghost, -1), trial_acct, void_acct])
    c_start = np.concatenate([start, g_start.astype(np.int64), t_start, v_start])
    c_cancel = np.concatenate(
        [cancel, g_cancel.astype(np.int64), np.full_like(t_start, end), v_cancel]
    )
    c_plan = np.concatenate(
        [
            conversion.plan[cust_acct],
            g_plan,
            conversion.plan[trial_acct],
            conversion.plan[void_acct],
        ]
    )
    c_mrr_usd = np.concatenate(
        [
            conversion.mrr_usd[cust_acct],
            g_mrr,
            conversion.mrr_usd[trial_acct],
            conversion.mrr_usd[void_acct],
        ]
    )
    linked = np.maximum(acct, 0)
    c_currency = np.where(acct >= 0, conversion.currency[linked], 0)
    c_currency[kind == 1] = g_currency
    c_created = c_start - rng.integers(0, 14 * DAY, len(kind))
    c_created = np.where(acct >= 0, np.maximum(c_created, accounts.created[linked]), c_created)

    # Customer ids follow creation order.
    order = np.argsort(c_created, kind="stable")
    c_kind, c_acct = kind[order], acct[order]
    c_created, c_currency = c_created[order], c_currency[order]
    c_start, c_cancel = c_start[order], c_cancel[order]
    c_plan, c_mrr_usd = c_plan[order], c_mrr_usd[order]
    n_cust = len(order)
    c_mrr = np.maximum(np.round(c_mrr_usd / PRICE_RATE[c_currency]), 19.0)

    # Add-on subscriptions: some customers expand a few months in.
    conv = c_kind <= 1
    months_alive = (np.minimum(c_cancel, end) - c_start) // (30 * DAY)
    eligible = conv & (months_alive >= 4)
    p_addon = np.where(c_acct >= 0, 0.18, 0.08)
    addon_cust = np.flatnonzero(eligible & (rng.random(n_cust) < p_addon))
    offset = 2 + (rng.random(len(addon_cust)) * np.minimum(months_alive[addon_cust] - 2, 18))
    a_start = (
        _add_months(c_start[addon_cust], offset.astype(np.int64))
        + rng.integers(0, 20, len(addon_cust)) * DAY
    )
    keep = a_start < np.minimum(c_cancel[addon_cust], end) - DAY
    addon_cust, a_start = addon_cust[keep], a_start[keep]
    hazard_addon = np.where(
        c_acct[addon_cust] >= 0, conversion.hazard[np.maximum(c_acct[addon_cust], 0)], 0.04
    )
    a_tenure = rng.geometric(np.clip(hazard_addon * 1.5, 1e-4, 0.95))
    a_cancel = _add_months(a_start, a_tenure) - rng.integers(1, 21, len(addon_cust)) * DAY
    a_cancel = np.minimum(np.maximum(a_cancel, a_start + DAY), c_cancel[addon_cust])
    a_mrr = np.maximum(np.round(c_mrr[addon_cust] * rng.uniform(0.2, 0.5, len(addon_cust))), 9.0)

    s_cust = np.concatenate([np.arange(n_cust), addon_cust])
    s_start = np.concatenate([c_start, a_start])
    s_cancel = np.concatenate([c_cancel, a_cancel])
    s_addon = np.concatenate([np.zeros(n_cust, bool), np.ones(len(addon_cust), bool)])
    s_mrr = np.concatenate([c_mrr, a_mrr])
    s_plan = c_plan[s_cust]
    s_kind = c_kind[s_cust]
    status = np.where(s_cancel < end, CANCELED, ACTIVE)
    status = np.where(s_kind == 2, TRIALING, status)
    running = (status == ACTIVE) & (s_start < end - 35 * DAY)
    status = np.where(running & (rng.random(len(s_cust)) < 0.03), PAST_DUE, status)

    order = np.argsort(s_start, kind="stable")
    s_cust, s_start, s_cancel = s_cust[order], s_start[order], s_cancel[order]
    s_addon, s_mrr, s_plan = s_addon[order], s_mrr[order], s_plan[order]
    s_kind, s_status = s_kind[order], status[order]
    s_currency = c_currency[s_cust]
    c_start, c_cancel, c_mrr = c_start, c_cancel, c_mrr
    return Billing(
        c_kind=c_kind,
        c_acct=c_acct,
        c_created=c_created,
        c_currency=c_currency,
        c_start=c_start,
        c_cancel=c_cancel,
        c_mrr=c_mrr,
        n_cust=n_cust,
        s_cust=s_cust,
        s_start=s_start,
        s_cancel=s_cancel,
        s_addon=s_addon,
        s_mrr=s_mrr,
        s_plan=s_plan,
        s_kind=s_kind,
        s_status=s_status,
        s_currency=s_currency,
    )


def fx(spec: CompanySpec, calendar: Calendar) -> dict[int, np.ndarray]:
    """Monthly EUR and GBP rates: a smooth bounded random walk."""
    rng = stream(spec, 22)
    n = len(calendar.months)
    rates = {}
    for currency, first, low, high in ((EUR, 1.08, 1.05, 1.20), (GBP, 1.27, 1.20, 1.35)):
        steps = rng.normal(0.0, 0.012, n)
        path = np.empty(n)
        value = first
        for i in range(n):  # one step per month, not per row
            value += steps[i]
            if value < low or value > high:
                value = min(max(2 * (low if value < low else high) - value, low), high)
            path[i] = value
        rates[currency] = np.round(path, 4)
    return rates
