"""When the refresh runs on its own: daily, 06:00 UTC unless the settings say otherwise."""

import dagster as dg

from orchestration.config import Settings
from orchestration.defs.jobs import refresh_job


def daily_refresh(settings: Settings) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="daily_refresh",
        target=refresh_job,
        cron_schedule=settings.refresh_cron,
        execution_timezone=settings.refresh_timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Refresh the ICP warehouse every day (ICP_REFRESH_CRON, ICP_REFRESH_TIMEZONE).",
    )
