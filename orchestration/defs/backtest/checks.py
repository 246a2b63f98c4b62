"""Dagster asset check on the back-test asset: is it time to revisit the ICP?

`icp_revisit` follows the drift checks: it reads the published warehouse after the refresh has
published it, and warns (never blocks): the data is still the best there is. The back-test's
number metadata (auc, holdout_auc and tier-A lift of the current and proposed versions, plotted
run after run) is added with the other marts' in defs/transform/metadata.py.
"""

from typing import Any

import dagster as dg

from orchestration import backtest
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.transform.assets import effective_vars

BACKTEST_ASSET = dg.AssetKey(["marts", "icp_backtest"])
PUBLISHED = dg.AssetKey("icp_warehouse")


def revisit_result(
    current: backtest.VersionFigures | None,
    proposed: backtest.VersionFigures | None,
    min_auc: float,
    max_gain: float,
) -> dg.AssetCheckResult:
    """WARN when the current version ranks the best customers poorly (auc below `min_auc`) or the
    proposal beats it by more than `max_gain`; too little data to tell is never a pass."""
    metadata: dict[str, Any] = {
        "icp_revisit_min_auc": min_auc,
        "icp_revisit_max_auc_gain": max_gain,
    }
    if current is None or current.auc is None:
        reasons = ["insufficient data: no current version, or no best or other customers to rank"]
    else:
        metadata["current_auc"] = current.auc
        reasons = []
        if current.auc < min_auc:
            reasons.append(f"current {current.icp_version} auc {current.auc:.3f} < {min_auc}")
        if proposed is not None and proposed.auc is not None:
            metadata["proposed_auc"] = proposed.auc
            if proposed.auc - current.auc > max_gain:
                reasons.append(
                    f"proposed {proposed.icp_version} auc {proposed.auc:.3f} beats it by "
                    f"{proposed.auc - current.auc:.3f} > {max_gain}"
                )
    return dg.AssetCheckResult(
        check_name="icp_revisit",
        asset_key=BACKTEST_ASSET,
        passed=not reasons,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(reasons) + ": time to revisit the ICP (icp propose)"
        if reasons
        else "the current ICP ranks the best customers well and no proposal beats it by much",
        metadata=metadata,
    )


@dg.asset_check(
    asset=BACKTEST_ASSET,
    additional_deps=[PUBLISHED],
    name="icp_revisit",
    description="WARN when the current ICP's auc is below icp_revisit_min_auc or the proposed "
    "version beats it by more than icp_revisit_max_auc_gain.",
)
def icp_revisit(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    with warehouse.engine.read_published() as conn:
        current = backtest.version_figures(conn, "current")
        proposed = backtest.version_figures(conn, "proposed")
    # The thresholds are dbt vars no model reads: the run's overrides over the project's defaults.
    thresholds = effective_vars(context.run.run_config)
    return revisit_result(
        current,
        proposed,
        float(thresholds["icp_revisit_min_auc"]),
        float(thresholds["icp_revisit_max_auc_gain"]),
    )
