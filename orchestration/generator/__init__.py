"""A synthetic B2B SaaS company, written as the eleven raw tables of the input contract.

Why it exists: the pipeline needs an input that looks like real CRM, billing and enrichment exports
(messy domains, unmatched billing customers, refunds, credit notes, several currencies, a missing FX
month) and that has something true to find, so the ICP discovery, LTV/CAC and drift outputs can be
checked against what was planted. The same generator makes the small demo in `seeds/` and the
million-account inputs for scale tests.

What is planted (so analysis has a known answer):

- Software and Fintech companies with 51-1000 employees, `b2b`, using snowflake or dbt convert more
  often, pay a higher MRR and churn much less; Retail and `b2c` churn fast and pay little.
- referral, partner and content are cheap channels (little spend per customer acquired),
  paid_social and events expensive ones.
- With `drift=True`, accounts whose conversion falls in the last 90 days before `end_date` come
  from a different mix (more Retail and Healthcare, smaller, more `b2c`), so the drift PSI on
  industry and employee band crosses 0.10.
- The current ICP version (`2025-h2` for the default dates) names the planted segment, plus one
  criterion the data does not support (late-stage funding), which discovery should mark as stale.

Everything is vectorised with numpy and pyarrow (no Python loop over accounts or invoices) and
deterministic: the same `CompanySpec` gives byte-identical files. Every column is produced as text
exactly as it appears in the files (the contract's loader reads every column as text), so dirty
values such as `12,5O` or `05/03/2024` can sit in the same columns as clean ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration import manifest
from orchestration.generator import billing, crm, spend
from orchestration.generator.dirty import dirty
from orchestration.generator.draws import Company, CompanySpec, draw

# The contract's tables and columns, in contract order: read from the dbt sources.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    table.name: table.columns for table in manifest.contract()
}


def render(company: Company) -> dict[str, pa.Table]:
    """The eleven tables of a drawn company (with the bad rows when the spec asks for them)."""
    crm_accounts, domains = crm.crm_accounts(company)
    out = {
        "crm_accounts": crm_accounts,
        "enrichment_companies": crm.enrichment(company, domains),
        "crm_contacts": crm.contacts(company, domains),
        "crm_opportunities": crm.opportunities(company),
        "billing_customers": billing.billing_customers(company),
        "billing_subscriptions": billing.billing_subscriptions(company),
        "billing_invoices": billing.billing_invoices(company),
        "marketing_spend": spend.marketing_spend(company),
        "sales_costs": spend.sales_costs(company),
        "fx_rates": spend.fx_rates(company),
        "icp_criteria": spend.icp_criteria(company),
    }
    return dirty(company, out) if company.spec.dirty else out


def generate(spec: CompanySpec) -> dict[str, pd.DataFrame]:
    """All eleven raw tables of the company, as text columns exactly as they are written."""
    return {name: table.to_pandas() for name, table in generate_arrow(spec).items()}


def generate_arrow(spec: CompanySpec) -> dict[str, pa.Table]:
    """The same tables as Arrow tables of strings (nulls for missing values), without pandas."""
    if spec.accounts < 20:
        raise ValueError("a company needs at least 20 accounts")
    if spec.years <= 0.5:
        raise ValueError("the company needs more than half a year of history")
    if spec.invoices_per_customer is not None and spec.invoices_per_customer < 1:
        raise ValueError("invoices_per_customer must be at least 1")
    tables = render(draw(spec))
    return {name: tables[name] for name in TABLE_COLUMNS}


def write(
    tables: Mapping[str, pd.DataFrame | pa.Table], out_dir: Path, fmt: str = "csv"
) -> dict[str, Path]:
    """Write each table as `<table>.csv` or `<table>.parquet` in `out_dir` (created if missing).

    CSV goes through DuckDB, which quotes a value only when it must and writes nulls as empty
    fields; Parquet through pyarrow. Both are fast at millions of rows and deterministic.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}: use 'csv' or 'parquet'")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, frame in tables.items():
        table = (
            frame
            if isinstance(frame, pa.Table)
            else pa.Table.from_pandas(frame, preserve_index=False)
        )
        table = table.replace_schema_metadata(None)
        path = out_dir / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path, compression="zstd")
        else:
            _write_csv(table, path)
        paths[name] = path
    return paths


def write_demo(out_dir: Path) -> dict[str, Path]:
    """Write the demo company (defaults, with a handful of bad rows) as CSV: the project seeds."""
    return write(generate_arrow(CompanySpec(dirty=True)), Path(out_dir), "csv")


def _write_csv(table: pa.Table, path: Path) -> None:
    conn = duckdb.connect()
    try:
        conn.execute("set threads = 1")
        conn.register("t", table)
        conn.execute(
            f"copy (select * from t) to '{str(path).replace(chr(39), chr(39) * 2)}' "
            "(format csv, header true, delimiter ',', quote '\"', escape '\"')"
        )
    finally:
        conn.close()
