"""The vocabularies and mixes the company is drawn from: the planted structure lives here."""

from __future__ import annotations

import numpy as np

DAY = 86_400

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
