"""Telling people about a drift alert: a clear log line, and a webhook when one is configured.

The webhook (ICP_ALERT_WEBHOOK_URL, given to the `alerts` resource; e.g. a Slack or Teams incoming
webhook or any HTTP endpoint) receives a small JSON document. A webhook that fails is logged, never
fatal: the alert is also on the asset in the Dagster UI.
"""

from __future__ import annotations

import json
import logging
import urllib.request

WEBHOOK_SETTING = "ICP_ALERT_WEBHOOK_URL"


def drift_alert_payload(
    as_of_date: str, signals: list[dict], contributors: list[str], warehouse: str
) -> dict:
    alerting = [signal["signal"] for signal in signals if signal["status"] == "alert"]
    return {
        "event": "icp_drift_alert",
        "text": (
            f"ICP drift alert as of {as_of_date}: {', '.join(alerting)}. "
            "New customers no longer look like the current ICP; time to revisit it."
        ),
        "as_of_date": as_of_date,
        "warehouse": warehouse,
        "signals": signals,
        "top_contributors": contributors,
    }


def notify(
    payload: dict, log: logging.Logger, url: str | None, timeout_seconds: float = 10.0
) -> bool:
    """Log the alert and post it to the webhook if one is set; True when the post succeeded."""
    log.error(payload["text"])
    if not url:
        return False
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
            return 200 <= response.status < 300
    except OSError as error:
        log.warning(f"could not post the drift alert to {WEBHOOK_SETTING}: {error}")
        return False
