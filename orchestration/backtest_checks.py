"""Dagster's view of the ICP back-test: number metadata on `marts/icp_backtest` (the current and
proposed versions' auc and tier-A lift, so the asset page plots them run after run) and the
`icp_revisit` check, which warns when it is time to revisit the ICP.

The check follows the drift checks: it reads the published warehouse after the refresh has
published it, and warns (never blocks): the data is still the best there is.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import duckdb

from orchestration import backtest
from orchestration.resources import WarehouseResource
from orchestration.settings import project_vars

BACKTEST_ASSET = dg.AssetKey(["marts", "icp_backtest"])
PUBLISHED = dg.AssetKey("icp_warehouse")
FIGURES = ("auc", "holdout_auc", "tier_a_ltv_lift")


def icp_backtest_metadata(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """`current_auc`, `proposed_tier_a_ltv_lift`, ... as numbers; the versions and the trust
    warnings as markdown."""
    metadata: dict[str, Any] = {}
    for status in ("current", "proposed"):
        figures = backtest.version_figures(conn, status)
        if figures is None:
            continue
        metadata[f"{status}_version"] = figures.icp_version
        for name in FIGURES:
            value = getattr(figures, name)
            if value is not None:
                metadata[f"{status}_{name}"] = dg.MetadataValue.float(float(value))
    metadata["versions"] = dg.MetadataValue.md(backtest.versions(conn).markdown())
    warnings = backtest.trust_warnings(conn)
    metadata["trust_warnings"] = dg.MetadataValue.md(
        "\n".join(f"- {line}" for line in warnings) or "none"
    )
    return metadata


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
def icp_revisit(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.warehouse.read_published() as conn:
        current = backtest.version_figures(conn, "current")
        proposed = backtest.version_figures(conn, "proposed")
    settings = project_vars()
    return revisit_result(
        current,
        proposed,
        float(settings["icp_revisit_min_auc"]),
        float(settings["icp_revisit_max_auc_gain"]),
    )
