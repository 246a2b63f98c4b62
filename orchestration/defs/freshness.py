"""How fresh the marts must be: a missed daily refresh shows the marts as stale in the UI.

Each mart (the dbt models keyed `marts/<name>`) gets a time-window `FreshnessPolicy`: the daily
refresh materializes it about every 24 hours, so it warns when the last materialization is more
than 25 hours old (the refresh is an hour late) and fails after 26 hours (the refresh was missed
or failed). Dagster's freshness daemon, part of `dagster dev` and of any deployment running
`dagster-daemon`, evaluates the policies; the asset pages and the lineage graph show the state.

The windows assume the default daily schedule (ICP_REFRESH_CRON); a slower schedule needs wider
windows (`with_freshness(assets, fail_window=..., warn_window=...)`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import dagster as dg

FAIL_WINDOW = timedelta(hours=26)
WARN_WINDOW = timedelta(hours=25)
MART_PREFIX = "marts"


def is_mart(key: dg.AssetKey) -> bool:
    return len(key.path) > 1 and key.path[0] == MART_PREFIX


def with_freshness(
    assets: Sequence[dg.AssetsDefinition],
    fail_window: timedelta = FAIL_WINDOW,
    warn_window: timedelta | None = WARN_WINDOW,
) -> list[dg.AssetsDefinition]:
    """The same assets, with the marts' specs carrying the freshness policy."""
    policy = dg.FreshnessPolicy.time_window(fail_window=fail_window, warn_window=warn_window)

    def apply(spec: dg.AssetSpec) -> dg.AssetSpec:
        return spec.replace_attributes(freshness_policy=policy) if is_mart(spec.key) else spec

    return [
        dg.map_asset_specs(apply, [asset])[0] if any(is_mart(k) for k in asset.keys) else asset
        for asset in assets
    ]
