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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DAY = 86_400

# The contract's tables and columns, in contract order (see the data contract).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "crm_accounts": (
        "account_id",
        "account_name",
        "domain",
        "created_at",
        "lead_source",
        "country_code",
        "owner_id",
    ),
    "crm_opportunities": (
        "opportunity_id",
        "account_id",
        "opportunity_type",
        "stage",
        "amount",
        "currency",
        "created_at",
        "closed_at",
    ),
    "crm_contacts": ("contact_id", "account_id", "job_title", "email", "created_at"),
    "billing_customers": ("customer_id", "account_id", "currency", "created_at"),
    "billing_subscriptions": (
        "subscription_id",
        "customer_id",
        "plan",
        "status",
        "started_at",
        "canceled_at",
        "mrr",
        "currency",
    ),
    "billing_invoices": (
        "invoice_id",
        "customer_id",
        "subscription_id",
        "issued_at",
        "status",
        "amount",
        "amount_refunded",
        "currency",
    ),
    "enrichment_companies": (
        "domain",
        "industry",
        "employee_count",
        "annual_revenue_usd",
        "hq_country",
        "business_model",
        "tech_stack",
        "funding_stage",
        "founded_year",
        "enriched_at",
    ),
    "marketing_spend": ("spend_date", "channel", "amount", "currency"),
    "sales_costs": ("month", "amount", "currency"),
    "fx_rates": ("currency", "month", "rate_to_usd"),
    "icp_criteria": (
        "icp_version",
        "effective_from",
        "criterion",
        "attribute",
        "operator",
        "value",
        "weight",
    ),
}

# ---------------------------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------------------------

INDUSTRIES = (
    "Software",
    "Fintech",
    "Healthcare",
    "Retail",
    "Manufacturing",
    "Media",
    "Logistics",
    "Education",
)
SOFTWARE, FINTECH, HEALTHCARE, RETAIL = 0, 1, 2, 3
# Share of accounts per industry: the stationary mix and the mix of the drift window.
INDUSTRY_MIX = np.array([0.24, 0.12, 0.12, 0.14, 0.12, 0.10, 0.08, 0.08])
INDUSTRY_MIX_DRIFT = np.array([0.10, 0.05, 0.24, 0.35, 0.09, 0.07, 0.05, 0.05])
# log(employee_count) centre per industry; the drift window is much smaller.
EMPLOYEE_LOG_MU = np.array([4.5, 4.6, 4.4, 3.8, 4.8, 3.7, 4.6, 4.1])
EMPLOYEE_LOG_SIGMA = 2.0
DRIFT_EMPLOYEE_SHIFT = -1.1

BUSINESS_MODELS = ("b2b", "b2c", "b2b2c", "marketplace")
B2B, B2C = 0, 1
BUSINESS_MODEL_MIX = np.array(
    [  # rows follow INDUSTRIES
        [0.55, 0.10, 0.20, 0.15],
        [0.55, 0.15, 0.18, 0.12],
        [0.35, 0.30, 0.25, 0.10],
        [0.10, 0.60, 0.10, 0.20],
        [0.60, 0.05, 0.20, 0.15],
        [0.25, 0.55, 0.10, 0.10],
        [0.50, 0.05, 0.15, 0.30],
        [0.30, 0.45, 0.20, 0.05],
    ]
)
DRIFT_B2C_SHARE = 0.3

TOOLS = (
    "salesforce",
    "hubspot",
    "snowflake",
    "bigquery",
    "dbt",
    "slack",
    "segment",
    "stripe",
    "zendesk",
    "shopify",
    "aws",
    "gcp",
)
SNOWFLAKE, DBT = TOOLS.index("snowflake"), TOOLS.index("dbt")
TOOL_BASE = np.array(
    [  # rows follow INDUSTRIES, columns follow TOOLS
        [0.35, 0.35, 0.40, 0.15, 0.35, 0.80, 0.30, 0.40, 0.30, 0.03, 0.60, 0.20],
        [0.40, 0.25, 0.40, 0.15, 0.30, 0.75, 0.25, 0.50, 0.30, 0.02, 0.55, 0.20],
        [0.35, 0.30, 0.12, 0.12, 0.08, 0.60, 0.10, 0.20, 0.30, 0.02, 0.45, 0.20],
        [0.20, 0.45, 0.07, 0.15, 0.05, 0.50, 0.20, 0.50, 0.35, 0.60, 0.35, 0.15],
        [0.40, 0.25, 0.12, 0.10, 0.06, 0.50, 0.05, 0.15, 0.20, 0.03, 0.40, 0.15],
        [0.25, 0.40, 0.10, 0.25, 0.08, 0.70, 0.25, 0.30, 0.20, 0.05, 0.40, 0.30],
        [0.40, 0.25, 0.12, 0.12, 0.07, 0.55, 0.05, 0.15, 0.25, 0.03, 0.50, 0.15],
        [0.25, 0.40, 0.07, 0.25, 0.05, 0.65, 0.10, 0.25, 0.25, 0.05, 0.35, 0.35],
    ]
)
# Tools of larger companies (CRM/warehouse/support) get likelier with size, hubspot with smallness.
TOOL_SIZE_SLOPE = np.array([0.25, -0.20, 0.30, 0.15, 0.25, 0.05, 0.15, 0.0, 0.15, 0.0, 0.1, 0.05])

FUNDING_STAGES = ("bootstrapped", "seed", "series_a", "series_b", "series_c_plus", "public")
# Funding stage per size class (1-10, 11-50, 51-200, 201-1000, 1001+): late-stage and public
# companies are mostly the very large ones, which are not the best customers.
FUNDING_MIX = np.array(
    [
        [0.45, 0.45, 0.08, 0.01, 0.005, 0.005],
        [0.30, 0.35, 0.25, 0.07, 0.02, 0.01],
        [0.20, 0.15, 0.37, 0.25, 0.025, 0.005],
        [0.15, 0.05, 0.28, 0.48, 0.03, 0.01],
        [0.10, 0.00, 0.05, 0.20, 0.35, 0.30],
    ]
)

COUNTRIES = ("US", "CA", "MX", "BR", "GB", "DE", "FR", "NL", "ES", "SE", "IN", "AU", "JP", "SG")
COUNTRY_MIX = np.array(
    [0.45, 0.05, 0.02, 0.03, 0.10, 0.07, 0.05, 0.03, 0.02, 0.02, 0.05, 0.05, 0.03, 0.03]
)
CURRENCIES = ("USD", "EUR", "GBP")
USD, EUR, GBP = 0, 1, 2
COUNTRY_CURRENCY = np.array([USD, USD, USD, USD, GBP, EUR, EUR, EUR, EUR, EUR, USD, USD, USD, USD])
# Rough USD value of a unit, used to set list prices in local currency (fx_rates hold the truth).
PRICE_RATE = np.array([1.0, 1.10, 1.27])
LEGAL_FORMS = (
    ("Inc.", "LLC", "Corp."),  # default
    ("Ltd", "Ltd", "plc"),  # GB
    ("GmbH", "AG", "GmbH"),  # DE
    ("SAS", "SA", "SARL"),  # FR
    ("B.V.", "B.V.", "N.V."),  # NL
)
COUNTRY_LEGAL = np.array([0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 0, 1])

CHANNELS = ("paid_search", "paid_social", "content", "events", "outbound", "partner", "referral")
CHANNEL_MIX = np.array([0.23, 0.12, 0.16, 0.07, 0.18, 0.10, 0.12])
NO_CHANNEL_SHARE = 0.02
# Conversion log-odds per channel, and the marketing spend per customer acquired (USD).
CHANNEL_CONVERSION = np.array([0.0, -0.4, 0.2, -0.2, -0.3, 0.5, 0.8])
CHANNEL_CAC_USD = np.array([8800.0, 22000.0, 3200.0, 32000.0, 12000.0, 2400.0, 600.0])
# Channels whose spend is partly booked by the European team, in EUR.
EUR_SPEND_CHANNELS = ("paid_search", "events")
SALES_COST_PER_CUSTOMER_USD = 5600.0

PLANS = ("starter", "growth", "enterprise")
PLAN_FLOOR_USD = np.array([0.0, 500.0, 3000.0])  # monthly price from which each plan applies
PLAN_MRR_USD = np.array([180.0, 1100.0, 4500.0])  # typical price of each plan

SUBSCRIPTION_STATUSES = ("trialing", "active", "past_due", "canceled")
TRIALING, ACTIVE, PAST_DUE, CANCELED = 0, 1, 2, 3
INVOICE_STATUSES = ("paid", "open", "void", "uncollectible")
PAID, OPEN, VOID, UNCOLLECTIBLE = 0, 1, 2, 3

OPPORTUNITY_TYPES = ("new_business", "expansion", "renewal")
STAGES = ("open", "won", "lost")
STAGE_OPEN, STAGE_WON, STAGE_LOST = 0, 1, 2

JOB_TITLES = (
    "CEO",
    "Founder",
    "Co-Founder & CEO",
    "CFO",
    "CTO",
    "Chief Revenue Officer",
    "VP Sales",
    "VP of Engineering",
    "Head of Data",
    "Head of Growth",
    "President",
    "Director of Marketing",
    "Sales Director",
    "Engineering Manager",
    "Marketing Manager",
    "Team Lead",
    "Senior Software Engineer",
    "Sr. Software Engineer",
    "Data Engineer",
    "Solutions Architect",
    "IT Administrator",
    "Security Analyst",
    "Account Executive",
    "Customer Success Specialist",
    "Office Manager",
    "Analyst",
    "Head of Data & Analytics",
    "vp marketing",
    "Revenue Operations Lead",
    "Frontend Developer",
)
JOB_TITLE_WEIGHTS = np.array(
    [
        3,
        2,
        1,
        2,
        3,
        1,
        3,
        2,
        3,
        2,
        1,
        3,
        3,
        4,
        4,
        3,
        4,
        2,
        4,
        2,
        3,
        2,
        4,
        3,
        2,
        3,
        1,
        1,
        2,
        2,
    ],
    dtype=float,
)
NO_TITLE_SHARE = 0.05

FIRST_NAMES = (
    "alex",
    "maria",
    "james",
    "li",
    "fatima",
    "john",
    "sofia",
    "david",
    "emma",
    "lucas",
    "olivia",
    "noah",
    "mia",
    "ethan",
    "ava",
    "liam",
    "chloe",
    "mateo",
    "hana",
    "omar",
    "priya",
    "raj",
    "yuki",
    "kenji",
    "lena",
    "jonas",
    "sara",
    "pablo",
    "elena",
    "marco",
    "anna",
    "tom",
    "nina",
    "ivan",
    "zoe",
    "sam",
    "leah",
    "felix",
    "ines",
    "diego",
    "amir",
    "julia",
    "max",
    "clara",
    "arjun",
    "mei",
    "oscar",
    "ruth",
    "hugo",
    "nora",
)
LAST_NAMES = (
    "smith",
    "garcia",
    "chen",
    "mueller",
    "rossi",
    "silva",
    "kim",
    "patel",
    "nguyen",
    "johnson",
    "brown",
    "martin",
    "lopez",
    "wilson",
    "schmidt",
    "dubois",
    "tanaka",
    "sato",
    "kowalski",
    "andersson",
    "jansen",
    "fischer",
    "moreau",
    "costa",
    "khan",
    "singh",
    "ito",
    "novak",
    "weber",
    "murphy",
    "kelly",
    "walker",
    "young",
    "hall",
    "lee",
    "wright",
    "scott",
    "green",
    "baker",
    "adams",
    "nelson",
    "hill",
    "ramos",
    "santos",
    "berg",
    "lind",
    "meyer",
    "wagner",
    "becker",
    "hoffmann",
)

# Company names: adjective + noun (+ descriptor), never people's names.
NAME_ADJECTIVES = (
    "Blue",
    "Bright",
    "Silver",
    "North",
    "Clear",
    "Swift",
    "Iron",
    "Green",
    "Summit",
    "Golden",
    "Red",
    "Bold",
    "Quiet",
    "Rapid",
    "Solid",
    "True",
    "Prime",
    "Open",
    "Urban",
    "Wild",
    "Deep",
    "High",
    "Little",
    "Grand",
    "Lunar",
    "Solar",
    "Polar",
    "Amber",
    "Coral",
    "Crimson",
    "Azure",
    "Cedar",
    "Maple",
    "Oak",
    "Stone",
    "Granite",
    "Copper",
    "Cobalt",
    "Violet",
    "Indigo",
    "Vivid",
    "Nimble",
    "Steady",
    "Brave",
    "Keen",
    "Noble",
    "Agile",
    "Lucid",
    "Sharp",
    "Fresh",
    "Core",
    "Next",
    "Alpha",
    "Beta",
    "Delta",
    "Omega",
    "Nova",
    "Astro",
    "Hyper",
    "Meta",
    "Pixel",
    "Quantum",
    "Signal",
    "Vector",
)
NAME_NOUNS = (
    "Harbor",
    "Peak",
    "Ridge",
    "Field",
    "Stack",
    "Loop",
    "Forge",
    "Wave",
    "Pine",
    "River",
    "Bridge",
    "Beacon",
    "Anchor",
    "Arrow",
    "Atlas",
    "Canyon",
    "Cloud",
    "Comet",
    "Crest",
    "Dune",
    "Echo",
    "Ember",
    "Falcon",
    "Fjord",
    "Flux",
    "Grove",
    "Haven",
    "Hive",
    "Horizon",
    "Isle",
    "Jet",
    "Kite",
    "Lake",
    "Lantern",
    "Leaf",
    "Ledger",
    "Lens",
    "Link",
    "Mesa",
    "Meadow",
    "Mill",
    "Mint",
    "Nest",
    "Orbit",
    "Otter",
    "Path",
    "Pulse",
    "Quarry",
    "Quill",
    "Rail",
    "Reef",
    "Rocket",
    "Sail",
    "Scope",
    "Shore",
    "Sky",
    "Spark",
    "Spring",
    "Spruce",
    "Star",
    "Stream",
    "Tide",
    "Trail",
    "Valley",
    "Vault",
    "Vista",
    "Wharf",
    "Willow",
    "Wing",
    "Yard",
    "Bay",
    "Bloom",
    "Brook",
    "Cove",
    "Delta",
    "Fern",
    "Gate",
    "Glen",
    "Hollow",
    "Key",
    "Knot",
    "Lark",
    "Moss",
    "Nook",
    "Oasis",
    "Pier",
    "Prism",
    "Rise",
    "Root",
    "Sage",
    "Shift",
    "Slate",
    "Tower",
    "Tree",
    "Vine",
    "Works",
)
NAME_DESCRIPTORS = (
    "",
    "Hub",
    "Bio",
    "Energy",
    "Ventures",
    "Robotics",
    "Supply",
    "Finance",
    "Analytics",
    "Labs",
    "Systems",
    "Software",
    "Health",
    "Logistics",
    "Capital",
    "Retail",
    "Media",
    "Cloud",
    "Data",
    "Foods",
    "Goods",
    "Technologies",
    "Solutions",
    "Group",
    "Studio",
    "Partners",
    "Digital",
    "Networks",
    "Industries",
    "Learning",
    "Pay",
    "Commerce",
)
TLDS = ("com", "io", "co", "ai", "net", "app")
TLD_MIX = np.array([0.62, 0.18, 0.07, 0.05, 0.05, 0.03])


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

# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


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
    # The current ICP version aims at the wrong customers (MISAIMED_ICP): what the back-test
    # must catch and the proposal must beat.
    misaimed_icp: bool = False


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
    tables = _Company(spec).tables()
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


# ---------------------------------------------------------------------------------------------
# Text columns from numpy arrays
# ---------------------------------------------------------------------------------------------


def _from_chars(chars: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Fixed-width byte rows -> Arrow strings without a Python object per value."""
    n, width = chars.shape
    big = n * width >= 2**31 - 1
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64 if big else np.int32)
    validity = None
    null_count = 0
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
        null_count = int(n - valid.sum())
    return pa.Array.from_buffers(
        pa.large_string() if big else pa.string(),
        n,
        [validity, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars))],
        null_count=null_count,
    ).cast(pa.string())


def _put_digits(chars: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    """Zero-padded decimal digits of `values` into columns `col`..`col + width - 1`."""
    v = values.astype(np.int64)
    for k in range(width - 1, -1, -1):
        chars[:, col + k] = 48 + v % 10
        v = v // 10


def _digit_table(width: int) -> np.ndarray:
    """Item i holds the zero-padded digits of i: a gather is much faster than per-digit maths."""
    table = np.empty((10**width, width), dtype=np.uint8)
    _put_digits(table, 0, np.arange(10**width), width)
    return table.view(f"S{width}").ravel()


_DIGITS4 = _digit_table(4)


def _concat(n: int, parts: Sequence[np.ndarray | bytes]) -> np.ndarray:
    """Fixed-width byte strings (`S<k>` arrays or constants) glued into `(n, width)` bytes."""
    fields = [
        (f"f{i}", f"S{len(part) if isinstance(part, bytes) else part.dtype.itemsize}")
        for i, part in enumerate(parts)
    ]
    rows = np.empty(n, dtype=fields)
    for (name, _), part in zip(fields, parts, strict=True):
        rows[name] = part
    return rows.view(np.uint8).reshape(n, rows.dtype.itemsize)


def _civil(seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of epoch seconds."""
    days = (seconds // DAY).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _date_chars(days: np.ndarray) -> np.ndarray:
    """`YYYY-MM-DD` of each day number (days since 1970-01-01), as `S10`."""
    year, month, day = _civil(days * DAY)
    chars = np.empty((len(days), 10), dtype=np.uint8)
    chars[:] = np.frombuffer(b"0000-00-00", dtype=np.uint8)
    _put_digits(chars, 0, year, 4)
    _put_digits(chars, 5, month, 2)
    _put_digits(chars, 8, day, 2)
    return chars.view("S10").ravel()


def _time_of_day_table() -> np.ndarray:
    """`HH:MM:SS` of every second of a day, as `S8`."""
    sod = np.arange(DAY)
    chars = np.empty((DAY, 8), dtype=np.uint8)
    chars[:] = np.frombuffer(b"00:00:00", dtype=np.uint8)
    _put_digits(chars, 0, sod // 3600, 2)
    _put_digits(chars, 3, sod // 60 % 60, 2)
    _put_digits(chars, 6, sod % 60, 2)
    return chars.view("S8").ravel()


_TIME_OF_DAY = _time_of_day_table()


def _timestamps(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """`YYYY-MM-DDTHH:MM:SSZ` from epoch seconds."""
    if valid is not None:  # nulls get a harmless in-range placeholder, masked below
        seconds = np.where(valid, seconds, seconds[valid].min() if valid.any() else 0)
    days = seconds // DAY
    first = int(days.min()) if len(days) else 0
    # Only a few thousand distinct days: render each once, then gather.
    day_text = _date_chars(np.arange(first, int(days.max(initial=first)) + 1))
    chars = _concat(
        len(seconds), [day_text[days - first], b"T", _TIME_OF_DAY[seconds - days * DAY], b"Z"]
    )
    return _from_chars(chars, valid)


def _dates(seconds: np.ndarray) -> pa.Array:
    """`YYYY-MM-DD` from epoch seconds."""
    days = seconds // DAY
    return _from_chars(_date_chars(days).view(np.uint8).reshape(len(days), 10))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`<prefix><zero-padded number>`, e.g. `A000001`."""
    v = numbers.astype(np.int64)
    chunks: list[np.ndarray | bytes] = []
    while width >= 4:  # four digits at a time, from the right
        chunks.insert(0, _DIGITS4[v % 10_000])
        v = v // 10_000
        width -= 4
    if width:
        head = np.empty((len(v), width), dtype=np.uint8)
        _put_digits(head, 0, v, width)
        chunks.insert(0, head.view(f"S{width}").ravel())
    return _from_chars(_concat(len(numbers), [prefix.encode(), *chunks]))


def _decimals(values: np.ndarray, valid: np.ndarray | None = None, digits: int = 2) -> pa.Array:
    """Decimals with a dot, at most `digits` decimals (shortest round-trip text)."""
    return pc.cast(pa.array(np.round(values, digits), mask=_mask(valid)), pa.string())


def _integers(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pc.cast(pa.array(values.astype(np.int64), mask=_mask(valid)), pa.string())


def _pick(
    vocabulary: Sequence[str], index: np.ndarray, valid: np.ndarray | None = None
) -> pa.Array:
    """Vocabulary words by index, null where not valid."""
    return pa.array(list(vocabulary), pa.string()).take(
        pa.array(index.astype(np.int32), mask=_mask(valid))
    )


def _mask(valid: np.ndarray | None) -> np.ndarray | None:
    return None if valid is None else ~valid


def _join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation; a null part makes the result null."""
    return pc.binary_join_element_wise(*parts, "")


def _with_nulls(array: pa.Array, valid: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(valid), array, pa.scalar(None, pa.string()))


# ---------------------------------------------------------------------------------------------
# Calendar helpers on epoch seconds
# ---------------------------------------------------------------------------------------------


def _month_index(seconds: np.ndarray) -> np.ndarray:
    """Months since 1970-01."""
    return (seconds // DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_start(month_index: np.ndarray) -> np.ndarray:
    return month_index.astype("datetime64[M]").astype("datetime64[s]").astype(np.int64)


def _add_months(seconds: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Same day of month and time `months` later; a day past the month's end becomes its last."""
    days = seconds // DAY
    month = _month_index(seconds)
    day_of_month = days - _month_start(month) // DAY
    target = month + months
    length = (_month_start(target + 1) - _month_start(target)) // DAY
    return _month_start(target) + np.minimum(day_of_month, length - 1) * DAY + seconds % DAY


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _categorical(rng: np.random.Generator, probs: np.ndarray, n: int | None = None) -> np.ndarray:
    """Draws from one distribution (1-d `probs`) or one per row (2-d `probs`)."""
    if probs.ndim == 1:
        cum = np.cumsum(probs / probs.sum())
        return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(probs) - 1)
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))
    return np.minimum((u[:, None] >= cum).sum(axis=1), probs.shape[1] - 1)


def _business_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """A time of day between 07:00 and 20:00 UTC, when people work in CRMs."""
    return rng.integers(7 * 3600, 20 * 3600, n)


# ---------------------------------------------------------------------------------------------
# The company
# ---------------------------------------------------------------------------------------------


class _Company:
    """Draws the company once (accounts, firmographics, billing) and renders the tables."""

    def __init__(self, spec: CompanySpec) -> None:
        self.spec = spec
        self.end = int(np.datetime64(spec.end_date, "s").astype(np.int64)) + DAY  # exclusive
        self.start = self.end - int(round(spec.years * 365.25)) * DAY
        self.first_month = int(_month_index(np.array([self.start]))[0])
        self.last_month = int(_month_index(np.array([self.end - 1]))[0])
        self.months = np.arange(self.first_month, self.last_month + 1)

    def rng(self, stream: int) -> np.random.Generator:
        """One independent stream per part, so changing one table leaves the others as they were."""
        return np.random.default_rng(np.random.SeedSequence([self.spec.seed, stream]))

    def tables(self) -> dict[str, pa.Table]:
        self._accounts()
        self._firmographics()
        self._conversion()
        self._billing()
        self._fx()
        out = {
            "crm_accounts": self._crm_accounts(),
            "enrichment_companies": self._enrichment(),
            "crm_contacts": self._contacts(),
            "crm_opportunities": self._opportunities(),
            "billing_customers": self._billing_customers(),
            "billing_subscriptions": self._billing_subscriptions(),
            "billing_invoices": self._billing_invoices(),
            "marketing_spend": self._marketing_spend(),
            "sales_costs": self._sales_costs(),
            "fx_rates": self._fx_rates(),
            "icp_criteria": self._icp_criteria(),
        }
        if self.spec.dirty:
            out = self._dirty(out)
        return out

    # -- accounts ---------------------------------------------------------------------------

    def _accounts(self) -> None:
        rng = self.rng(1)
        n = self.spec.accounts
        # The company grows: account creation density rises linearly from 0.6 to 1.4.
        a, b = 0.6, 0.8
        u = rng.random(n)
        t = (-a + np.sqrt(a * a + 2 * b * u * (a + b / 2))) / b
        span_days = (self.end - self.start) // DAY
        day = self.start // DAY + np.minimum((t * span_days).astype(np.int64), span_days - 1)
        created = np.sort(day * DAY + _business_seconds(rng, n))
        self.created = created
        self.n = n
        channel = _categorical(rng, CHANNEL_MIX, n)
        self.channel_valid = rng.random(n) >= NO_CHANNEL_SHARE
        self.channel = channel
        self.country = _categorical(rng, COUNTRY_MIX, n)
        self.country_valid = rng.random(n) >= 0.02
        # Conversion lag: days from account creation to the first paid invoice, if it converts.
        lag = 21 + rng.gamma(2.0, 18.0, n)
        self.conv_at = created + (lag * DAY).astype(np.int64)
        self.drifted = np.full(n, self.spec.drift) & (self.conv_at >= self.end - 90 * DAY)

    def _firmographics(self) -> None:
        rng = self.rng(2)
        n, drifted = self.n, self.drifted
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
        end_year = self.spec.end_date.year
        account_age_years = (self.end - self.created) / (365.25 * DAY)
        age = np.exp(rng.normal(np.log(9.0) + 0.15 * size, 0.6, n))
        age = np.clip(np.rint(np.maximum(age, account_age_years + 1)), 1, 80)

        self.industry = industry
        self.employees = employees
        self.model = model
        self.tool_mask = mask
        self.funding = stage
        self.revenue = revenue
        self.founded = end_year - age.astype(np.int64)

        sw = (industry == SOFTWARE) | (industry == FINTECH)
        mid = (employees >= 51) & (employees <= 1000)
        b2b = model == B2B
        mds = (mask & ((1 << SNOWFLAKE) | (1 << DBT))) != 0
        self.fit = (sw, mid, b2b, mds)

    # -- who converts, at what price, for how long -------------------------------------------

    def _conversion(self) -> None:
        rng = self.rng(3)
        n = self.n
        sw, mid, b2b, mds = self.fit
        retail = self.industry == RETAIL
        b2c = self.model == B2C
        tiny = self.employees <= 10
        large = self.employees > 1000
        channel_effect = np.where(self.channel_valid, CHANNEL_CONVERSION[self.channel], 0.0)
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
        converts = (rng.random(n) < _sigmoid(logit)) & (self.conv_at < self.end)

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
        self.converts = converts
        self.hazard = hazard
        self.plan = plan
        self.mrr_usd = mrr_usd
        self.currency = np.where(self.country_valid, COUNTRY_CURRENCY[self.country], USD)

    def _billing(self) -> None:
        """Billing customers and subscriptions, as parallel numpy arrays (rendered later)."""
        rng = self.rng(4)
        end = self.end
        cust_acct = np.flatnonzero(self.converts)
        n_conv = len(cust_acct)
        start = self.conv_at[cust_acct]
        tenure = rng.geometric(np.clip(self.hazard[cust_acct], 1e-4, 0.95))
        cancel = _add_months(start, tenure) - rng.integers(1, 21, n_conv) * DAY
        cancel = np.maximum(cancel, start + DAY)

        # Unmatched billing customers (self-serve sign-ups nobody linked to a CRM account).
        n_ghost = max(1, round(n_conv * 0.02 / 0.98))
        g_start = self.start + 30 * DAY + (rng.random(n_ghost) * (end - self.start - 31 * DAY))
        g_start = (g_start // DAY) * DAY + _business_seconds(rng, n_ghost)
        g_tenure = rng.geometric(0.04, n_ghost)
        g_cancel = _add_months(g_start, g_tenure) - rng.integers(1, 21, n_ghost) * DAY
        g_plan = _categorical(rng, np.array([0.7, 0.25, 0.05]), n_ghost)
        g_mrr = PLAN_MRR_USD[g_plan] * np.exp(rng.normal(0.0, 0.4, n_ghost))
        g_currency = COUNTRY_CURRENCY[_categorical(rng, COUNTRY_MIX, n_ghost)]

        # Prospects with a billing footprint: recent free trials, and old trials whose only
        # invoices were voided.
        prospect = ~self.converts
        recent = prospect & (self.created >= end - 60 * DAY) & (self.created < end - 2 * DAY)
        trial_acct = np.flatnonzero(recent & (rng.random(self.n) < 0.06))
        old = prospect & (self.created < end - 150 * DAY)
        void_acct = np.flatnonzero(old & (rng.random(self.n) < 0.012))
        t_start = np.minimum(
            self.created[trial_acct] + rng.integers(1, 10, len(trial_acct)) * DAY, end - DAY
        )
        v_start = self.created[void_acct] + rng.integers(10, 40, len(void_acct)) * DAY
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
            [self.plan[cust_acct], g_plan, self.plan[trial_acct], self.plan[void_acct]]
        )
        c_mrr_usd = np.concatenate(
            [self.mrr_usd[cust_acct], g_mrr, self.mrr_usd[trial_acct], self.mrr_usd[void_acct]]
        )
        linked = np.maximum(acct, 0)
        c_currency = np.where(acct >= 0, self.currency[linked], 0)
        c_currency[kind == 1] = g_currency
        c_created = c_start - rng.integers(0, 14 * DAY, len(kind))
        c_created = np.where(acct >= 0, np.maximum(c_created, self.created[linked]), c_created)

        # Customer ids follow creation order.
        order = np.argsort(c_created, kind="stable")
        self.c_kind, self.c_acct = kind[order], acct[order]
        self.c_created, self.c_currency = c_created[order], c_currency[order]
        c_start, c_cancel = c_start[order], c_cancel[order]
        c_plan, c_mrr_usd = c_plan[order], c_mrr_usd[order]
        n_cust = len(order)
        c_mrr = np.maximum(np.round(c_mrr_usd / PRICE_RATE[self.c_currency]), 19.0)

        # Add-on subscriptions: some customers expand a few months in.
        conv = self.c_kind <= 1
        months_alive = (np.minimum(c_cancel, end) - c_start) // (30 * DAY)
        eligible = conv & (months_alive >= 4)
        p_addon = np.where(self.c_acct >= 0, 0.18, 0.08)
        addon_cust = np.flatnonzero(eligible & (rng.random(n_cust) < p_addon))
        offset = 2 + (rng.random(len(addon_cust)) * np.minimum(months_alive[addon_cust] - 2, 18))
        a_start = (
            _add_months(c_start[addon_cust], offset.astype(np.int64))
            + rng.integers(0, 20, len(addon_cust)) * DAY
        )
        keep = a_start < np.minimum(c_cancel[addon_cust], end) - DAY
        addon_cust, a_start = addon_cust[keep], a_start[keep]
        hazard_addon = np.where(
            self.c_acct[addon_cust] >= 0, self.hazard[np.maximum(self.c_acct[addon_cust], 0)], 0.04
        )
        a_tenure = rng.geometric(np.clip(hazard_addon * 1.5, 1e-4, 0.95))
        a_cancel = _add_months(a_start, a_tenure) - rng.integers(1, 21, len(addon_cust)) * DAY
        a_cancel = np.minimum(np.maximum(a_cancel, a_start + DAY), c_cancel[addon_cust])
        a_mrr = np.maximum(
            np.round(c_mrr[addon_cust] * rng.uniform(0.2, 0.5, len(addon_cust))), 9.0
        )

        s_cust = np.concatenate([np.arange(n_cust), addon_cust])
        s_start = np.concatenate([c_start, a_start])
        s_cancel = np.concatenate([c_cancel, a_cancel])
        s_addon = np.concatenate([np.zeros(n_cust, bool), np.ones(len(addon_cust), bool)])
        s_mrr = np.concatenate([c_mrr, a_mrr])
        s_plan = c_plan[s_cust]
        s_kind = self.c_kind[s_cust]
        status = np.where(s_cancel < end, CANCELED, ACTIVE)
        status = np.where(s_kind == 2, TRIALING, status)
        running = (status == ACTIVE) & (s_start < end - 35 * DAY)
        status = np.where(running & (rng.random(len(s_cust)) < 0.03), PAST_DUE, status)

        order = np.argsort(s_start, kind="stable")
        self.s_cust, self.s_start, self.s_cancel = s_cust[order], s_start[order], s_cancel[order]
        self.s_addon, self.s_mrr, self.s_plan = s_addon[order], s_mrr[order], s_plan[order]
        self.s_kind, self.s_status = s_kind[order], status[order]
        self.s_currency = self.c_currency[self.s_cust]
        self.c_start, self.c_cancel, self.c_mrr = c_start, c_cancel, c_mrr
        self.n_cust = n_cust

    # -- rendering: CRM ------------------------------------------------------------------------

    def _crm_accounts(self) -> pa.Table:
        rng = self.rng(10)
        n = self.n
        n_adj, n_noun, n_desc = len(NAME_ADJECTIVES), len(NAME_NOUNS), len(NAME_DESCRIPTORS)
        combos = n_adj * n_noun * n_desc
        pick = rng.permutation(combos)[: min(n, combos)]
        index = np.arange(n)
        combo = pick[index % len(pick)]
        repeat = index // len(pick)  # only when there are more accounts than names
        adj, rest = combo // (n_noun * n_desc), combo % (n_noun * n_desc)
        noun, desc = rest // n_desc, rest % n_desc
        tld = _categorical(rng, TLD_MIX, n)

        adj_cap = _pick(NAME_ADJECTIVES, adj)
        noun_cap = _pick(NAME_NOUNS, noun)
        desc_cap = _pick(NAME_DESCRIPTORS, desc)
        suffix = pc.if_else(pa.array(repeat > 0), _integers(repeat + 1), pa.scalar("", pa.string()))
        name = pc.utf8_trim_whitespace(_join(adj_cap, " ", noun_cap, " ", desc_cap))
        name = pc.if_else(pa.array(repeat > 0), _join(name, " ", suffix), name)
        legal_family = COUNTRY_LEGAL[self.country]
        legal_pick = rng.integers(0, 3, n)
        legal = _pick(
            [form for family in LEGAL_FORMS for form in family], legal_family * 3 + legal_pick
        )
        has_legal = pa.array((rng.random(n) < 0.25) & self.country_valid)
        name = pc.if_else(has_legal, _join(name, " ", legal), name)

        base_cap = _join(adj_cap, noun_cap, desc_cap, suffix)
        tld_text = _pick(TLDS, tld)
        domain_norm = _join(pc.utf8_lower(base_cap), ".", tld_text)
        domain_url = _join("https://www.", base_cap, ".", tld_text)
        domain_www = _join("www.", domain_norm)
        style = rng.random(n)
        domain = pc.if_else(
            pa.array(style < 0.05),
            domain_url,
            pc.if_else(pa.array(style < 0.065), domain_www, domain_norm),
        )
        has_domain = rng.random(n) >= 0.03
        self.domain_norm = _with_nulls(domain_norm, has_domain)
        self.has_domain = has_domain
        reps = int(np.clip(n // 60, 8, 999))
        owner = rng.integers(1, reps + 1, n)
        self.account_ids = _ids("A", np.arange(1, n + 1), max(6, len(str(n))))
        return pa.table(
            {
                "account_id": self.account_ids,
                "account_name": name,
                "domain": _with_nulls(domain, has_domain),
                "created_at": _timestamps(self.created),
                "lead_source": _pick(CHANNELS, self.channel, self.channel_valid),
                "country_code": _pick(COUNTRIES, self.country, self.country_valid),
                "owner_id": _ids("U", owner, 3),
            }
        )

    def _enrichment(self) -> pa.Table:
        rng = self.rng(11)
        n = self.n
        rows = np.flatnonzero(self.has_domain & (rng.random(n) < 0.85))
        m = len(rows)

        def present(share_missing: float) -> np.ndarray:
            return rng.random(m) >= share_missing

        hq = self.country[rows].copy()
        moved = rng.random(m) < 0.02
        hq[moved] = _categorical(rng, COUNTRY_MIX, int(moved.sum()))
        hq_valid = present(0.08) & (self.country_valid[rows] | moved | (rng.random(m) < 0.5))
        tool_lut = pa.array(
            [
                ";".join(t for bit, t in enumerate(TOOLS) if mask >> bit & 1)
                for mask in range(1 << len(TOOLS))
            ],
            pa.string(),
        )
        created = self.created[rows]
        enriched = created + (rng.random(m) * (self.end - created)).astype(np.int64)
        return pa.table(
            {
                "domain": self.domain_norm.take(pa.array(rows)),
                "industry": _pick(INDUSTRIES, self.industry[rows], present(0.03)),
                "employee_count": _integers(self.employees[rows], present(0.04)),
                "annual_revenue_usd": _decimals(self.revenue[rows], present(0.12)),
                "hq_country": _pick(COUNTRIES, hq, hq_valid),
                "business_model": _pick(BUSINESS_MODELS, self.model[rows], present(0.05)),
                "tech_stack": _with_nulls(
                    tool_lut.take(pa.array(self.tool_mask[rows])), present(0.08)
                ),
                "funding_stage": _pick(FUNDING_STAGES, self.funding[rows], present(0.15)),
                "founded_year": _integers(self.founded[rows], present(0.06)),
                "enriched_at": _timestamps(enriched),
            }
        )

    def _contacts(self) -> pa.Table:
        rng = self.rng(12)
        per_account = 1 + rng.binomial(5, 0.3, self.n)
        acct = np.repeat(np.arange(self.n), per_account)
        m = len(acct)
        created = self.created[acct] + (rng.exponential(25.0, m) * DAY).astype(np.int64)
        late = created >= self.end  # added after the end of the data: spread over what is left
        room = self.end - self.created[acct]
        created = np.where(
            late, self.created[acct] + (rng.random(m) * room).astype(np.int64), created
        )
        order = np.argsort(created, kind="stable")
        acct, created = acct[order], created[order]
        title = _categorical(rng, JOB_TITLE_WEIGHTS, m)
        has_title = rng.random(m) >= NO_TITLE_SHARE
        first = _pick(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), m))
        last = _pick(LAST_NAMES, rng.integers(0, len(LAST_NAMES), m))
        domain = self.domain_norm.take(pa.array(acct))
        email = _join(first, ".", last, "@", domain)
        email = _with_nulls(email, rng.random(m) >= 0.03)
        return pa.table(
            {
                "contact_id": _ids("CT", np.arange(1, m + 1), max(7, len(str(m)))),
                "account_id": self.account_ids.take(pa.array(acct)),
                "job_title": _pick(JOB_TITLES, title, has_title),
                "email": email,
                "created_at": _timestamps(created),
            }
        )

    def _opportunities(self) -> pa.Table:
        rng = self.rng(13)
        end = self.end
        parts: list[dict[str, np.ndarray]] = []

        def part(acct, kind, stage, amount, currency, created, closed) -> None:
            """One kind of opportunity; any not yet created at the end of the data is left out."""
            now = created < end
            closed = np.where(
                stage == STAGE_OPEN, -1, np.minimum(np.maximum(closed, created), end - 1)
            )
            parts.append(
                {
                    "acct": acct[now],
                    "kind": np.full(int(now.sum()), kind),
                    "stage": stage[now],
                    "amount": np.round(amount, 2)[now],
                    "currency": currency[now],
                    "created": created[now],
                    "closed": closed[now],
                }
            )

        # New business won by each customer, closed a few days before its first invoice.
        mine = np.flatnonzero(self.c_kind != 1)
        conv = mine[self.c_kind[mine] == 0]
        acct = self.c_acct[conv]
        first_paid = self.c_start[conv]
        lag = first_paid - self.created[acct]
        created = self.created[acct] + (rng.uniform(0.05, 0.5, len(conv)) * lag).astype(np.int64)
        closed = first_paid - rng.integers(0, 6 * DAY, len(conv))
        part(
            acct,
            0,
            np.full(len(conv), STAGE_WON),
            self.c_mrr[conv] * 12,
            self.c_currency[conv],
            created,
            closed,
        )

        # Prospects: lost or still open new business.
        prospects = np.flatnonzero(~self.converts)
        prospects = prospects[rng.random(len(prospects)) < 0.55]
        created = self.created[prospects] + rng.integers(0, 30 * DAY, len(prospects))
        closed = created + rng.integers(20 * DAY, 120 * DAY, len(prospects))
        stage = np.where(closed < end, STAGE_LOST, STAGE_OPEN)
        guess = np.round(self.mrr_usd[prospects] * 12 / PRICE_RATE[self.currency[prospects]], -1)
        part(prospects, 0, stage, guess, self.currency[prospects], created, closed)

        # Expansion: won for every add-on subscription, a few lost or open besides.
        addon = self.s_addon & (self.c_acct[self.s_cust] >= 0)
        cust = self.s_cust[addon]
        start = self.s_start[addon]
        created = np.maximum(
            start - rng.integers(15 * DAY, 60 * DAY, len(cust)), self.c_start[cust]
        )
        part(
            self.c_acct[cust],
            1,
            np.full(len(cust), STAGE_WON),
            self.s_mrr[addon] * 12,
            self.c_currency[cust],
            created,
            start - rng.integers(0, 5 * DAY, len(cust)),
        )
        tried = conv[rng.random(len(conv)) < 0.06]
        alive_until = np.minimum(self.c_cancel[tried], end)
        created = self.c_start[tried] + (
            rng.random(len(tried)) * (alive_until - self.c_start[tried])
        ).astype(np.int64)
        closed = created + rng.integers(20 * DAY, 90 * DAY, len(tried))
        stage = np.where(closed < end, STAGE_LOST, STAGE_OPEN)
        part(
            self.c_acct[tried],
            1,
            stage,
            self.c_mrr[tried] * 12 * 0.3,
            self.c_currency[tried],
            created,
            closed,
        )

        # Renewals of growth and enterprise contracts at the first and second anniversary.
        for years in (1, 2):
            annual = conv[(self.c_kind[conv] == 0) & (rng.random(len(conv)) < 0.6)]
            anniversary = _add_months(self.c_start[annual], np.full(len(annual), 12 * years))
            opened = anniversary - 60 * DAY
            cancel = self.c_cancel[annual]
            ok = (opened < end) & (cancel > opened)
            annual, anniversary, opened, cancel = (
                annual[ok],
                anniversary[ok],
                opened[ok],
                cancel[ok],
            )
            lost = cancel <= anniversary
            stage = np.where(lost, STAGE_LOST, np.where(anniversary < end, STAGE_WON, STAGE_OPEN))
            stage = np.where(lost & (cancel >= end), STAGE_OPEN, stage)
            closed = np.where(lost, cancel, anniversary)
            part(
                self.c_acct[annual],
                2,
                stage,
                self.c_mrr[annual] * 12,
                self.c_currency[annual],
                opened,
                closed,
            )

        cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
        order = np.argsort(cols["created"], kind="stable")
        cols = {key: value[order] for key, value in cols.items()}
        m = len(order)
        self.n_opportunities = m
        return pa.table(
            {
                "opportunity_id": _ids("OPP", np.arange(1, m + 1), max(7, len(str(m)))),
                "account_id": self.account_ids.take(pa.array(cols["acct"])),
                "opportunity_type": _pick(OPPORTUNITY_TYPES, cols["kind"]),
                "stage": _pick(STAGES, cols["stage"]),
                "amount": _decimals(np.maximum(cols["amount"], 0.0)),
                "currency": _pick(CURRENCIES, cols["currency"]),
                "created_at": _timestamps(cols["created"]),
                "closed_at": _timestamps(cols["closed"], cols["closed"] >= 0),
            }
        )

    # -- rendering: billing --------------------------------------------------------------------

    def _billing_customers(self) -> pa.Table:
        self.customer_ids = _ids("C", np.arange(1, self.n_cust + 1), max(6, len(str(self.n_cust))))
        linked = self.c_acct >= 0
        return pa.table(
            {
                "customer_id": self.customer_ids,
                "account_id": _with_nulls(
                    self.account_ids.take(pa.array(np.maximum(self.c_acct, 0))), linked
                ),
                "currency": _pick(CURRENCIES, self.c_currency),
                "created_at": _timestamps(self.c_created),
            }
        )

    def _billing_subscriptions(self) -> pa.Table:
        n_subs = len(self.s_cust)
        self.subscription_ids = _ids("SUB", np.arange(1, n_subs + 1), max(7, len(str(n_subs))))
        canceled = self.s_status == CANCELED
        return pa.table(
            {
                "subscription_id": self.subscription_ids,
                "customer_id": self.customer_ids.take(pa.array(self.s_cust)),
                "plan": _pick(PLANS, self.s_plan),
                "status": _pick(SUBSCRIPTION_STATUSES, self.s_status),
                "started_at": _timestamps(self.s_start),
                "canceled_at": _timestamps(self.s_cancel, canceled),
                "mrr": _decimals(self.s_mrr),
                "currency": _pick(CURRENCIES, self.s_currency),
            }
        )

    def _billing_invoices(self) -> pa.Table:
        rng = self.rng(14)
        end = self.end
        billed = self.s_kind <= 1  # customers (matched or not) are invoiced
        voided = self.s_kind == 3
        stop = np.minimum(self.s_cancel, end)
        start = self.s_start
        k = self.spec.invoices_per_customer
        sub = np.flatnonzero(billed | voided)
        # Monthly invoices from the start up to the cancellation (or the end of the data).
        months = _month_index(stop[sub]) - _month_index(start[sub]) + 1
        last = _add_months(start[sub], months - 1)
        months = np.maximum(np.where(last >= stop[sub], months - 1, months), 1)
        void_count = np.minimum(months, 2)
        if k is not None:  # scale mode: a fixed count per subscription
            months = np.where(self.s_addon[sub], max(1, k // 4), k)
        months = np.where(voided[sub], void_count, months)
        rep = np.repeat(sub, months)
        total = len(rep)
        j = np.arange(total) - np.repeat(np.cumsum(months) - months, months)
        if k is None:
            issued = _add_months(start[rep], j)
            amount = self.s_mrr[rep].copy()
        else:
            count = np.repeat(months, months)
            span = np.maximum(stop[rep] - start[rep], DAY)
            issued = start[rep] + (span * j) // count
            span_months = np.where(voided[rep], 1.0, span / (30.4375 * DAY))
            amount = np.maximum(
                np.round(
                    self.s_mrr[rep]
                    * np.maximum(span_months, 1.0)
                    / np.where(voided[rep], 1, count),
                    2,
                ),
                1.0,
            )
        issued = np.minimum(issued, end - 1)

        status = np.full(total, PAID, np.int8)
        first = j == 0
        main_first = first & ~self.s_addon[rep]
        u = rng.random(total)
        status[(u < 0.01) & ~main_first] = VOID
        status[(u >= 0.01) & (u < 0.015) & ~main_first] = UNCOLLECTIBLE
        recent = (issued >= end - 10 * DAY) & ~main_first
        status[recent & (rng.random(total) < 0.35)] = OPEN
        # The latest invoice of a past-due subscription is still open.
        last_of_sub = np.r_[rep[1:] != rep[:-1], True]
        status[last_of_sub & (self.s_status[rep] == PAST_DUE)] = OPEN
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
        self.n_invoices = m
        self.invoice_width = max(8, len(str(m + 100)))
        cust = self.s_cust[rep]
        return pa.table(
            {
                "invoice_id": _ids("INV", np.arange(1, m + 1), self.invoice_width),
                "customer_id": self.customer_ids.take(pa.array(cust)),
                "subscription_id": self.subscription_ids.take(pa.array(rep)),
                "issued_at": _timestamps(issued),
                "status": _pick(INVOICE_STATUSES, status),
                "amount": _decimals(amount),
                "amount_refunded": _decimals(refund, refund_valid),
                "currency": _pick(CURRENCIES, self.s_currency[rep]),
            }
        )

    # -- rendering: spend, costs, FX, ICP -------------------------------------------------------

    def _new_customers_per_month(self) -> np.ndarray:
        """New matched customers per (channel, month); rows follow CHANNELS, then one 'unknown'."""
        conv = np.flatnonzero(self.converts)
        month = _month_index(self.conv_at[conv]) - self.first_month
        channel = np.where(self.channel_valid[conv], self.channel[conv], len(CHANNELS))
        counts = np.zeros((len(CHANNELS) + 1, len(self.months)))
        np.add.at(counts, (channel, month), 1)
        return counts

    @staticmethod
    def _smooth(counts: np.ndarray) -> np.ndarray:
        kernel = np.ones(5) / 5
        padded = np.pad(counts, ((0, 0), (2, 2)), mode="edge")
        return np.stack([np.convolve(row, kernel, mode="valid") for row in padded])

    def _marketing_spend(self) -> pa.Table:
        rng = self.rng(20)
        counts = self._new_customers_per_month()[: len(CHANNELS)]
        smooth = self._smooth(counts)
        level = 0.5 * counts + 0.5 * smooth
        level = np.maximum(level, 0.3 * smooth.mean(axis=1, keepdims=True) + 0.2)
        usd = CHANNEL_CAC_USD[:, None] * level * np.exp(rng.normal(0, 0.15, level.shape))
        n_months = len(self.months)
        channel = np.repeat(np.arange(len(CHANNELS)), n_months)
        month = np.tile(self.months, len(CHANNELS))
        amount = usd.ravel()
        currency = np.zeros(len(amount), np.int64)
        eur = np.isin(channel, [CHANNELS.index(c) for c in EUR_SPEND_CHANNELS])
        eur_rate = self.fx[EUR][month[eur] - self.first_month]
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

    def _sales_costs(self) -> pa.Table:
        rng = self.rng(21)
        counts = self._new_customers_per_month().sum(axis=0)
        smooth = self._smooth(counts[None, :])[0]
        created = np.bincount(
            _month_index(self.created) - self.first_month, minlength=len(self.months)
        )
        amount = (
            SALES_COST_PER_CUSTOMER_USD * (0.5 * counts + 0.5 * smooth) + 40.0 * created
        ) * np.exp(rng.normal(0, 0.05, len(self.months)))
        return pa.table(
            {
                "month": _dates(_month_start(self.months)),
                "amount": _decimals(np.maximum(amount, 1000.0)),
                "currency": _pick(CURRENCIES, np.zeros(len(self.months), np.int64)),
            }
        )

    def _fx(self) -> None:
        """Monthly EUR and GBP rates: a smooth bounded random walk."""
        rng = self.rng(22)
        n = len(self.months)
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
        self.fx = rates

    def _fx_rates(self) -> pa.Table:
        n = len(self.months)
        currency = np.repeat([EUR, GBP], n)
        month = np.tile(self.months, 2)
        rate = np.concatenate([self.fx[EUR], self.fx[GBP]])
        keep = np.ones(len(month), bool)
        keep[n // 2] = False  # one EUR month is missing: the previous month's rate applies
        return pa.table(
            {
                "currency": _pick(CURRENCIES, currency[keep]),
                "month": _dates(_month_start(month[keep])),
                "rate_to_usd": _decimals(rate[keep], digits=4),
            }
        )

    def _icp_criteria(self) -> pa.Table:
        old = _month_start(np.array([_month_index(np.array([self.end - 1]))[0] - 30]))
        new = _month_start(np.array([_month_index(np.array([self.end - 1]))[0] - 12]))
        old_date, new_date = old[0], new[0]

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
        if self.spec.misaimed_icp:
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

    # -- dirty rows --------------------------------------------------------------------------

    def _dirty(self, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
        """A handful of realistic bad rows, appended; each breaks the contract in one way."""
        end_day = np.datetime64(self.spec.end_date, "D")
        mid = self.start + (self.end - self.start) // 2
        mid_ts = _timestamps(np.array([mid]))[0].as_py()

        def add(name: str, rows: list[dict[str, str | None]]) -> None:
            table = tables[name]
            extra = pa.table(
                {
                    col: pa.array([row[col] for row in rows], pa.string())
                    for col in table.column_names
                }
            )
            tables[name] = pa.concat_tables([table, extra])

        accounts = tables["crm_accounts"]
        dup = {
            col: accounts.column(col)[min(4, self.n - 1)].as_py() for col in accounts.column_names
        }
        dup["owner_id"] = "U001"  # a CRM duplicate, re-assigned: the first row wins
        add("crm_accounts", [dup])

        # A customer linked to an account, with its main subscription.
        c = int(np.flatnonzero(self.c_kind == 0)[0])
        customer = self.customer_ids[c].as_py()
        account = self.account_ids[int(self.c_acct[c])].as_py()
        s = int(np.flatnonzero((self.s_cust == c) & ~self.s_addon)[0])
        subscription = self.subscription_ids[s].as_py()
        currency = CURRENCIES[int(self.c_currency[c])]
        next_id = self.n_invoices + 1

        def invoice(offset: int, **values: str | None) -> dict[str, str | None]:
            row = {
                "invoice_id": f"INV{next_id + offset:0{self.invoice_width}d}",
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
        n_subs = len(self.s_cust)
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
        width = max(7, len(str(self.n_opportunities)))
        add(
            "crm_opportunities",
            [
                {
                    "opportunity_id": f"OPP{self.n_opportunities + 1:0{width}d}",
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
