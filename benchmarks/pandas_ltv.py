"""dim_accounts' LTV/CAC columns in plain pandas: the baseline the pipeline should beat.

Written the way an analyst would write it in a notebook (read the files, merge, group by), not
tuned: the question the benchmark asks is whether the warehouse-native pipeline is worth it
against that. It follows /work/shared/spec/metrics.md exactly like benchmarks/handwritten.sql,
and benchmarks/run.py checks all three agree before it times them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

OUTPUT_COLUMNS = [
    "account_id",
    "customer_status",
    "first_paid_at",
    "lifetime_revenue_usd",
    "mrr_usd",
    "arpa_usd",
    "tenure_months",
    "monthly_churn_rate",
    "expected_lifetime_months",
    "ltv_usd",
    "cac_usd",
    "ltv_to_cac",
]


def text(series: pd.Series) -> pd.Series:
    """The contract's clean_text: trimmed, empty is missing."""
    return series.str.strip().replace("", np.nan)


def timestamps(series: pd.Series) -> pd.Series:
    """ISO 8601 text, offsets converted, as naive UTC (the pipeline's parse_timestamp)."""
    return pd.to_datetime(text(series), utc=True, format="ISO8601").dt.tz_localize(None)


def month_start(series: pd.Series) -> pd.Series:
    return series.dt.to_period("M").dt.to_timestamp()


def normalize_domain(series: pd.Series) -> pd.Series:
    cleaned = (
        series.str.strip()
        .str.lower()
        .str.replace(r"^[a-z]+://", "", regex=True)
        .str.replace(r"^www\.|[/?#].*$", "", regex=True)
    )
    return cleaned.replace("", np.nan)


def to_usd(frame: pd.DataFrame, amount: str, month: str, fx: pd.DataFrame) -> pd.Series:
    """amount x the rate of the month, else the latest earlier one; USD is 1."""
    keyed = frame[[month, "currency"]].reset_index()
    matched = pd.merge_asof(
        keyed.sort_values(month),
        fx.sort_values("month"),
        left_on=month,
        right_on="month",
        by="currency",
        direction="backward",
    ).set_index("index")["rate_to_usd"]
    rate = matched.reindex(frame.index).where(frame["currency"] != "USD", 1.0)
    return frame[amount] * rate


def compute(data_dir: Path, as_of: date, settings: dict[str, float], bands_csv: Path):
    """One row per CRM account with the LTV/CAC columns of marts.dim_accounts, unrounded (see
    handwritten.sql for why)."""
    as_of_ts = pd.Timestamp(as_of)
    as_of_month = as_of_ts.to_period("M").to_timestamp()

    def read(name: str) -> pd.DataFrame:
        return pd.read_parquet(data_dir / f"{name}.parquet")

    fx = read("fx_rates")
    fx = pd.DataFrame(
        {
            "currency": text(fx["currency"]).str.upper(),
            "month": pd.to_datetime(fx["month"]),
            "rate_to_usd": fx["rate_to_usd"].astype(float),
        }
    )
    fx = fx[fx["currency"] != "USD"]

    billing_customers = read("billing_customers")
    billing_customers["account_id"] = text(billing_customers["account_id"])
    billing_customers = billing_customers.dropna(subset=["account_id"])[
        ["customer_id", "account_id"]
    ]

    # Paid invoices, net of refunds, in USD at their own month's rate.
    invoices = read("billing_invoices")
    invoices = invoices[text(invoices["status"]).str.lower() == "paid"]
    invoices = invoices.merge(billing_customers, on="customer_id")
    invoices["issued_at"] = timestamps(invoices["issued_at"])
    invoices["month"] = month_start(invoices["issued_at"])
    invoices["currency"] = text(invoices["currency"]).str.upper()
    refunded = pd.to_numeric(text(invoices["amount_refunded"])).fillna(0.0)
    invoices["net"] = pd.to_numeric(invoices["amount"]) - refunded
    invoices["net_usd"] = to_usd(invoices, "net", "month", fx)
    invoices["positive_paid_at"] = invoices["issued_at"].where(invoices["net_usd"] > 0)
    invoice_facts = invoices.groupby("account_id").agg(
        first_paid_at=("positive_paid_at", "min"), lifetime_revenue_usd=("net_usd", "sum")
    )

    # Subscriptions as of the as-of date, MRR at the as-of month's rate.
    subs = read("billing_subscriptions").merge(billing_customers, on="customer_id")
    subs["status"] = text(subs["status"]).str.lower()
    subs["canceled_at"] = timestamps(subs["canceled_at"])
    subs["currency"] = text(subs["currency"]).str.upper()
    subs["mrr"] = pd.to_numeric(subs["mrr"])
    subs["as_of_month"] = as_of_month
    canceled_as_of = subs["canceled_at"].notna() & (subs["canceled_at"].dt.normalize() <= as_of_ts)
    live = (
        subs["status"].isin(["active", "past_due"])
        | ((subs["status"] == "canceled") & subs["canceled_at"].notna())
    ) & ~canceled_as_of
    subs["live_mrr_usd"] = to_usd(subs, "mrr", "as_of_month", fx).where(live, 0.0)
    subs["canceled_as_of"] = subs["canceled_at"].where(canceled_as_of)
    subscription_facts = subs.groupby("account_id").agg(
        mrr_usd=("live_mrr_usd", "sum"), last_canceled_at=("canceled_as_of", "max")
    )

    # Firmographics: industry and employee band through the normalised domain.
    enrichment = read("enrichment_companies")
    enrichment = pd.DataFrame(
        {
            "domain": normalize_domain(enrichment["domain"]),
            "industry": text(enrichment["industry"]),
            "employee_count": pd.to_numeric(text(enrichment["employee_count"]), errors="coerce"),
        }
    )
    bands = pd.read_csv(bands_csv)
    enrichment["employee_band"] = None
    for band in bands.itertuples():
        upper = np.inf if pd.isna(band.max_employees) else band.max_employees
        inside = enrichment["employee_count"].between(band.min_employees, upper)
        enrichment.loc[inside, "employee_band"] = band.employee_band
    accounts = read("crm_accounts")
    accounts = pd.DataFrame(
        {
            "account_id": accounts["account_id"],
            "domain": normalize_domain(accounts["domain"]),
            "acquisition_channel": text(accounts["lead_source"]).str.lower().fillna("unknown"),
        }
    ).merge(enrichment, on="domain", how="left")

    facts = accounts.join(invoice_facts, on="account_id").join(subscription_facts, on="account_id")
    is_customer = facts["first_paid_at"].notna()
    facts["mrr_usd"] = facts["mrr_usd"].fillna(0.0).where(is_customer)
    facts["lifetime_revenue_usd"] = facts["lifetime_revenue_usd"].where(is_customer)
    facts["customer_status"] = np.select(
        [~is_customer, facts["mrr_usd"] > 0], ["prospect", "active"], "churned"
    )
    churned = facts["customer_status"] == "churned"
    facts["churned_at"] = facts["last_canceled_at"].where(churned)
    start = facts["first_paid_at"].dt.normalize()
    end = facts["churned_at"].dt.normalize().fillna(as_of_ts)
    months = (end.dt.year - start.dt.year) * 12 + end.dt.month - start.dt.month
    short = (end.dt.day < start.dt.day) & ~end.dt.is_month_end
    facts["tenure_months"] = (months - short.astype(int)).clip(lower=1).where(is_customer)
    facts["acquisition_month"] = month_start(facts["first_paid_at"])
    customers = facts[is_customer].copy()

    # Monthly churn rate over the 12 months ending with the as-of month, by segment and overall.
    population = customers[
        (customers["customer_status"] == "active") | customers["churned_at"].notna()
    ]
    month_starts = pd.DataFrame(
        {"month_start": pd.date_range(end=as_of_month, periods=12, freq="MS")}
    )
    grid = population.merge(month_starts, how="cross")
    grid["active_at_start"] = (grid["first_paid_at"] < grid["month_start"]) & (
        grid["churned_at"].isna() | (grid["churned_at"] >= grid["month_start"])
    )
    grid["churned_in_month"] = (grid["churned_at"] >= grid["month_start"]) & (
        grid["churned_at"] < grid["month_start"] + pd.offsets.MonthBegin(1)
    )

    def rate(frame: pd.DataFrame) -> float:
        months_active = frame["active_at_start"].sum()
        return frame["churned_in_month"].sum() / months_active if months_active > 0 else np.nan

    overall_rate = rate(grid)
    sizes = population.groupby(["industry", "employee_band"]).size()
    large = sizes[sizes >= settings["min_segment_customers"]].index
    segment_rates = {
        key: rate(group)
        for key, group in grid.groupby(["industry", "employee_band"])
        if key in large
    }
    segment_keys = list(zip(customers["industry"], customers["employee_band"], strict=True))
    customers["monthly_churn_rate"] = [segment_rates.get(key, overall_rate) for key in segment_keys]

    # LTV
    margin, cap = settings["gross_margin"], settings["ltv_max_lifetime_months"]
    active = customers["customer_status"] == "active"
    customers["arpa_usd"] = customers["mrr_usd"].where(
        active, customers["lifetime_revenue_usd"] / customers["tenure_months"]
    )
    churn = customers["monthly_churn_rate"]
    customers["expected_lifetime_months"] = np.where(
        churn.isna() | (churn == 0), cap, np.minimum(1.0 / churn.replace(0, np.nan), cap)
    )
    customers["ltv_usd"] = (
        customers["arpa_usd"] * margin * customers["expected_lifetime_months"]
    ).where(active, customers["lifetime_revenue_usd"] * margin)

    # CAC: equal shares of the channel-month's marketing spend and the month's sales cost.
    spend = read("marketing_spend")
    spend = pd.DataFrame(
        {
            "month": month_start(pd.to_datetime(spend["spend_date"])),
            "channel": text(spend["channel"]).str.lower(),
            "currency": text(spend["currency"]).str.upper(),
            "amount": pd.to_numeric(spend["amount"]),
        }
    )
    spend["usd"] = to_usd(spend, "amount", "month", fx)
    marketing = spend.groupby(["month", "channel"])["usd"].sum().rename("spend_usd")
    sales = read("sales_costs")
    sales = pd.DataFrame(
        {
            "month": month_start(pd.to_datetime(sales["month"])),
            "currency": text(sales["currency"]).str.upper(),
            "amount": pd.to_numeric(sales["amount"]),
        }
    )
    sales["usd"] = to_usd(sales, "amount", "month", fx)
    sales_by_month = sales.groupby("month")["usd"].sum().rename("sales_usd")
    new = customers.groupby(["acquisition_month", "acquisition_channel"]).size().rename("n")
    new = new.reset_index().rename(
        columns={"acquisition_month": "month", "acquisition_channel": "channel"}
    )
    new = new.join(marketing, on=["month", "channel"]).join(sales_by_month, on="month")
    new["month_n"] = new.groupby("month")["n"].transform("sum")
    new["cac_usd"] = (
        new["spend_usd"].fillna(0) / new["n"] + new["sales_usd"].fillna(0) / new["month_n"]
    )
    customers = customers.merge(
        new[["month", "channel", "cac_usd"]],
        left_on=["acquisition_month", "acquisition_channel"],
        right_on=["month", "channel"],
        how="left",
    )
    customers["ltv_to_cac"] = (customers["ltv_usd"] / customers["cac_usd"]).where(
        customers["cac_usd"] != 0
    )

    result = facts[["account_id", "customer_status", "first_paid_at"]].merge(
        customers[
            [
                "account_id",
                "lifetime_revenue_usd",
                "mrr_usd",
                "arpa_usd",
                "tenure_months",
                "monthly_churn_rate",
                "expected_lifetime_months",
                "ltv_usd",
                "cac_usd",
                "ltv_to_cac",
            ]
        ],
        on="account_id",
        how="left",
    )
    result["tenure_months"] = result["tenure_months"].astype("Int64")
    return result[OUTPUT_COLUMNS]
