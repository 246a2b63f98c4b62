"""Dagster asset checks on the drift asset: is the customer base moving away from the current ICP?

One check per signal family (distribution PSI, fit share, best-customer alignment). `warn` fails
the check with severity WARN, `alert` with severity ERROR, and `insufficient_data` fails it with
WARN and says so: too few customers is never reported as passing. The checks read the published
warehouse, after the refresh has published it, so a drift alert never holds back the data it is
about.

Each signal's value is number metadata on its check (the check's plots draw its history), beside
the thresholds the run applied (its `--var` overrides, as dbt saw them), and the run gets a tag
`icp/drift_status` with the overall status, so an alert shows in the Runs list.
"""

from collections.abc import Iterator

import dagster as dg

from orchestration import reporting
from orchestration.config import project_vars
from orchestration.defs.drift.alerts import drift_alert_payload, notify
from orchestration.defs.resources import AlertsResource, WarehouseResource
from orchestration.defs.transform.assets import effective_vars

DRIFT_ASSET = dg.AssetKey(["marts", "icp_drift"])
PUBLISHED = dg.AssetKey("icp_warehouse")
# The run tag that carries the overall drift status (ok, warn, alert, insufficient_data).
DRIFT_STATUS_TAG = "icp/drift_status"

FAMILIES = {
    # One PSI signal per attribute of the dbt var the drift models read.
    "drift_psi_distributions": tuple(
        f"psi_{attribute}" for attribute in project_vars()["drift_attributes"]
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
    metadata: dict[str, object] = {}
    for member in members:
        if member["value"] is not None:
            metadata[member["signal"]] = dg.MetadataValue.float(round(float(member["value"]), 4))
        metadata[f"{member['signal']}_status"] = member["status"]
    metadata.update(
        {key: dg.MetadataValue.float(float(thresholds[key])) for key in THRESHOLDS[name]}
    )
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
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, alerts: AlertsResource
) -> Iterator[dg.AssetCheckResult]:
    path = warehouse.engine.path
    with warehouse.engine.read_published() as conn:
        table = reporting.latest_drift(conn)
        [(as_of,)] = conn.execute("select max(as_of_date) from marts.dim_refresh").fetchall()
        contributors = reporting.top_contributors(conn)
    signals = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    thresholds = effective_vars(context.run.run_config)
    yield from (family_result(name, signals, thresholds) for name in FAMILIES)
    overall = signals.get("overall", {}).get("status", "none")
    context.instance.add_run_tags(context.run.run_id, {DRIFT_STATUS_TAG: overall})
    if overall == "alert":
        payload = drift_alert_payload(str(as_of), list(signals.values()), contributors, str(path))
        notify(payload, context.log, alerts.webhook_url)
