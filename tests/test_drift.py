"""Drift: the warehouse notices when new customers stop looking like the ICP, and Dagster says so.

The PSI formula itself is pinned by hand in the dbt unit test
`psi_by_hand_with_floor_and_null_value`
(models/intermediate/drift/_drift__models.yml); these tests run whole refreshes.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest

from orchestration.config import project_vars
from orchestration.defs.drift.checks import DRIFT_STATUS_TAG
from orchestration.generator import CompanySpec, generate_arrow, write
from tests.helpers import AS_OF, COMPANY, materialize_refresh, query

# One PSI signal per drift attribute (the dbt var the models and the checks read).
PSI_SIGNALS = sorted(f"psi_{attribute}" for attribute in project_vars()["drift_attributes"])


def generated_company(root: Path, drift: bool) -> Path:
    data = root / "data"
    write(generate_arrow(CompanySpec(accounts=8000, seed=11, drift=drift)), data, "parquet")
    return data


def statuses(warehouse: Path) -> dict[str, str]:
    return dict(query(warehouse, "select signal, status from marts.icp_drift"))


class Webhook:
    """A local HTTP endpoint that records what is posted to it."""

    def __init__(self) -> None:
        received: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers["Content-Length"])
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.received = received
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/drift"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Webhook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def drifting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list, list]]:
    """A generated company whose last 90 days acquire smaller retail and healthcare firms,
    refreshed with a webhook listening; yields (warehouse, check evaluations, posted payloads)."""
    root = tmp_path_factory.mktemp("drifting")
    data, warehouse = generated_company(root, drift=True), root / "icp.duckdb"
    with Webhook() as webhook:
        result = materialize_refresh(data, warehouse, alert_webhook_url=webhook.url)
        assert result.success
        yield warehouse, result.get_asset_check_evaluations(), webhook.received


def test_stable_company_is_ok_on_every_psi_signal(tmp_path: Path) -> None:
    data, warehouse = generated_company(tmp_path, drift=False), tmp_path / "icp.duckdb"
    assert materialize_refresh(data, warehouse).success
    found = statuses(warehouse)
    assert {signal: found[signal] for signal in PSI_SIGNALS} == dict.fromkeys(PSI_SIGNALS, "ok")
    windows = query(
        warehouse,
        "select reference_value, current_value from marts.icp_drift where signal = 'psi_industry'",
    )
    assert windows[0][1] >= 200, "the current window should hold a few hundred customers"


def test_drifting_company_alerts_on_industry_and_size(drifting: tuple) -> None:
    warehouse, _, _ = drifting
    found = statuses(warehouse)
    assert found["psi_industry"] == "alert"
    assert found["psi_employee_band"] == "alert"
    assert found["overall"] == "alert"
    contributions = query(
        warehouse,
        "select value from marts.icp_drift_contributions where signal = 'psi_industry' "
        "order by contribution desc limit 1",
    )
    assert contributions == [("Retail",)]


def test_drift_check_fails_with_error_severity(drifting: tuple) -> None:
    _, evaluations, _ = drifting
    by_name = {evaluation.check_name: evaluation for evaluation in evaluations}
    psi = by_name["drift_psi_distributions"]
    assert psi.asset_key == dg.AssetKey(["marts", "icp_drift"])
    assert not psi.passed
    assert psi.severity == dg.AssetCheckSeverity.ERROR
    assert psi.metadata["drift_psi_alert"].value == 0.25
    assert psi.metadata["psi_industry_status"].value == "alert"
    assert psi.metadata["psi_industry"].value > 0.25


def test_alert_is_posted_to_the_webhook(drifting: tuple) -> None:
    _, _, posted = drifting
    assert len(posted) == 1
    payload = posted[0]
    assert payload["event"] == "icp_drift_alert"
    assert "psi_industry" in payload["text"]
    assert any("Retail" in line for line in payload["top_contributors"])


def test_history_keeps_dates_and_rerun_is_idempotent(
    company_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "icp.duckdb"
    shutil.copyfile(company_warehouse, warehouse)
    history = "select as_of_date, signal, status, value from marts.icp_drift order by all"
    first = query(warehouse, history)
    # A past as-of date, as icp backfill-drift runs it: later rows are not due yet (var backfill).
    earlier = materialize_refresh(COMPANY, warehouse, as_of="2024-05-31", dbt_vars={"backfill": 1})
    assert earlier.success
    assert len(query(warehouse, history)) == 16
    assert materialize_refresh(COMPANY, warehouse, as_of=AS_OF).success
    rows = query(warehouse, history)
    assert len(rows) == 16
    # A rebuild carries the history over, not the old tables: the file does not grow with rebuilds
    # (building into a copy of the whole file made it about twice the size of a fresh build).
    assert warehouse.stat().st_size < 1.25 * company_warehouse.stat().st_size
    assert [row for row in rows if str(row[0]) == AS_OF] == first
    # Three customers: every window is too small, which is reported, never passed as ok.
    assert {row[2] for row in rows if row[1] != "overall"} == {"insufficient_data"}
    checks = {e.check_name: e for e in earlier.get_asset_check_evaluations()}
    assert not checks["drift_psi_distributions"].passed
    assert checks["drift_psi_distributions"].severity == dg.AssetCheckSeverity.WARN
    assert checks["drift_psi_distributions"].metadata["status"].value == "insufficient_data"


def test_check_thresholds_and_run_tag_follow_the_run(tmp_path: Path) -> None:
    """The thresholds a drift check shows are the ones dbt applied in that run (`--var`), not
    the project's defaults, and the run carries the overall status as a tag for the Runs list."""
    result = materialize_refresh(
        COMPANY, tmp_path / "icp.duckdb", as_of=AS_OF, dbt_vars={"drift_psi_alert": 0.9}
    )
    assert result.success
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["drift_psi_distributions"].metadata["drift_psi_alert"].value == 0.9
    assert checks["drift_psi_distributions"].metadata["drift_psi_warn"].value == 0.1
    assert checks["drift_fit_share"].metadata["drift_fit_share_alert_points"].value == 20
    overall = query(
        tmp_path / "icp.duckdb", "select status from marts.icp_drift where signal = 'overall'"
    )
    assert result.dagster_run.tags[DRIFT_STATUS_TAG] == overall[0][0]
