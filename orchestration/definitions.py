"""The Dagster code location: it only assembles what the other modules define.

`build_definitions(settings)` is the one assembly: the code location loads it with the settings of
its environment, and `icp refresh` (orchestration/refresh.py) with the settings of its arguments.
"""

import dagster as dg

from orchestration.config import Settings
from orchestration.defs.backtest.checks import icp_revisit
from orchestration.defs.drift.checks import icp_drift_checks
from orchestration.defs.freshness import with_freshness
from orchestration.defs.ingest.assets import raw_tables
from orchestration.defs.ingest.sensors import raw_files_changed
from orchestration.defs.jobs import refresh_job
from orchestration.defs.resources import build_resources
from orchestration.defs.schedules import daily_refresh
from orchestration.defs.serve.assets import icp_warehouse
from orchestration.defs.serve.exposures import icp_exposures
from orchestration.defs.transform.assets import icp_models


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[*with_freshness([raw_tables, icp_models, icp_warehouse]), *icp_exposures],
        asset_checks=[icp_drift_checks, icp_revisit],
        jobs=[refresh_job],
        schedules=[daily_refresh(settings)],
        sensors=[raw_files_changed],
        resources=build_resources(settings),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(Settings.from_env())
