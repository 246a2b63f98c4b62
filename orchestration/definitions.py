"""The Dagster code location: it only assembles what the other modules define."""

import dagster as dg

from orchestration.assets.exposures import icp_exposures
from orchestration.assets.models import icp_models
from orchestration.assets.raw import raw_tables
from orchestration.assets.serving import icp_warehouse
from orchestration.backtest_checks import icp_revisit
from orchestration.checks import icp_drift_checks
from orchestration.freshness import with_freshness
from orchestration.jobs import refresh_job
from orchestration.resources import build_resources
from orchestration.schedules import daily_refresh
from orchestration.sensors import raw_files_changed

defs = dg.Definitions(
    assets=[*with_freshness([raw_tables, icp_models, icp_warehouse]), *icp_exposures],
    asset_checks=[icp_drift_checks, icp_revisit],
    jobs=[refresh_job],
    schedules=[daily_refresh],
    sensors=[raw_files_changed],
    resources=build_resources(),
)
