"""When the refresh runs on its own: daily, 06:00 UTC unless the environment says otherwise."""

import os

import dagster as dg

from orchestration.defs.jobs import refresh_job

daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh",
    target=refresh_job,
    cron_schedule=os.environ.get("ICP_REFRESH_CRON", "0 6 * * *"),
    execution_timezone=os.environ.get("ICP_REFRESH_TIMEZONE", "UTC"),
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh the ICP warehouse every day (ICP_REFRESH_CRON, ICP_REFRESH_TIMEZONE).",
)
