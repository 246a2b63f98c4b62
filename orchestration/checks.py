"""Dagster asset checks on the drift asset: is the customer base moving away from the current ICP?

One check per signal family (distribution PSI, fit share, best-customer alignment). `warn` fails
the check with severity WARN, `alert` with severity ERROR, and `insufficient_data` fails it with
WARN and says so: too few customers is never reported as passing. The checks read the published
warehouse, after the refresh has published it, so a drift alert never holds back the data it is
about.
"""

from collections.abc import Iterator

import dagster as dg

from orchestration import alerts, summaries
from orchestration.resources import WarehouseResource
from orchestration.settings import project_vars

DRIFT_ASSET = dg.AssetKey(["marts", "icp_drift"])
PUBLISHED = dg.AssetKey("icp_warehouse")

FAMILIES = {
    "drift_psi_distributions": (
        "psi_industry",
        "psi_employee_band",
        "psi_region",
        "psi_business_model",
        "psi_funding_stage",
    ),
    "drift_fit_share": ("fit_share",),
    "drift_best_customer_alignment": ("best_customer_alignment",),
}
THRESHOLDS = {
    "drift_psi_distributions": ("drift_psi_warn", "drift_psi_alert"),
    "drift_fit_share": ("drift_fit_share_warn_points", "drift_fit_share_alert_points"),
    "drift_best_customer_alignment": ("drift_alignment_warn_pct", "drift_alignment_alert_pct"),
}
SEVERITY_ORDER = {"ok": 0, "insufficient_data": 1, "warn": 2, "alert": 3}


def family_result(
    name: str, signals: dict[str, dict], thresholds: dict[str, object]
) -> dg.AssetCheckResult:
    members = [signals[signal] for signal in FAMILIES[name] if signal in signals]
    worst = max((member["status"] for member in members), key=SEVERITY_ORDER.get, default="ok")
    metadata: dict[str, object] = {
        f"{member['signal']}": dg.MetadataValue.json(member) for member in members
    }
    metadata.update({key: thresholds[key] for key in THRESHOLDS[name]})
    metadata["status"] = worst
    return dg.AssetCheckResult(
        check_name=name,
        asset_key=DRIFT_ASSET,
        passed=worst == "ok",
        severity=dg.AssetCheckSeverity.ERROR if worst == "alert" else dg.AssetCheckSeverity.WARN,
        description=(
            "insufficient data: a drift window has fewer than drift_min_customers customers"
            if worst == "insufficient_data"
            else f"status {worst}"
        ),
        metadata=metadata,
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=name,
            asset=DRIFT_ASSET,
            additional_deps=[PUBLISHED],
            description=f"Drift signals {', '.join(FAMILIES[name])}: WARN on warn, ERROR on alert.",
        )
        for name in FAMILIES
    ],
    name="icp_drift_checks",
)
def icp_drift_checks(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    path = warehouse.warehouse.path
    with warehouse.warehouse.read_published() as conn:
        table = summaries.latest_drift(conn)
        [(as_of,)] = conn.execute("select max(as_of_date) from marts.dim_refresh").fetchall()
        contributors = summaries.top_contributors(conn)
    signals = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    thresholds = project_vars()
    yield from (family_result(name, signals, thresholds) for name in FAMILIES)
    if signals.get("overall", {}).get("status") == "alert":
        payload = alerts.drift_alert_payload(
            str(as_of), list(signals.values()), contributors, str(path)
        )
        alerts.notify(payload, context.log)
