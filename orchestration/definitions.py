"""The Dagster code location: it only assembles what the other modules define."""

import dagster as dg

from orchestration.assets.models import icp_models
from orchestration.assets.raw import raw_tables
from orchestration.assets.serving import icp_warehouse
from orchestration.jobs import refresh_job
from orchestration.resources import build_resources
from orchestration.schedules import daily_refresh

defs = dg.Definitions(
    assets=[raw_tables, icp_models, icp_warehouse],
    jobs=[refresh_job],
    schedules=[daily_refresh],
    resources=build_resources(),
)
