"""The raw_files_changed sensor: a changed file requests one refresh, an unchanged one never."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.ingest.sensors import evaluate, raw_files_changed
from orchestration.defs.resources import WarehouseResource
from tests.connector_fixture import write_salesforce_stripe

pytestmark = pytest.mark.unit


def tick(data: Path, cursor: str | None, now: float | None = None) -> dg.SensorResult:
    resource = WarehouseResource(data_dir=str(data), path=str(data.parent / "w.duckdb"))
    return evaluate(cursor, resource, time.time() + 60 if now is None else now)


def test_first_tick_records_and_unchanged_files_never_run(
    copy_fixture: Callable[..., Path],
) -> None:
    data = copy_fixture()
    first = tick(data, None)
    assert not first.run_requests and first.cursor
    assert "first tick" in first.skip_reason.skip_message
    again = tick(data, first.cursor)
    assert not again.run_requests
    assert "no raw file changed" in again.skip_reason.skip_message


def test_a_changed_file_requests_one_refresh_and_is_observed(
    copy_fixture: Callable[..., Path],
) -> None:
    data = copy_fixture()
    cursor = tick(data, None).cursor
    path = data / "marketing_spend.csv"
    path.write_text(path.read_text() + "2024-03-01,content,10,USD\n")
    stamp = time.time() - 120
    os.utime(path, (stamp, stamp))
    changed = tick(data, cursor)
    [request] = changed.run_requests
    assert request.tags["icp/changed_files"] == "marketing_spend.csv"
    [observation] = changed.asset_events
    assert observation.asset_key == dg.AssetKey(["raw", "marketing_spend"])
    assert observation.metadata["dagster/row_count"].value == 5
    # The same files on the next tick: nothing more to do.
    assert not tick(data, changed.cursor).run_requests


def test_a_file_still_being_written_waits(copy_fixture: Callable[..., Path]) -> None:
    data = copy_fixture()
    cursor = tick(data, None).cursor
    (data / "fx_rates.csv").write_text((data / "fx_rates.csv").read_text() + "EUR,2024-07-01,1.1\n")
    settling = tick(data, cursor, now=time.time())
    assert not settling.run_requests and "settle" in settling.skip_reason.skip_message


def test_a_missing_file_is_named(copy_fixture: Callable[..., Path]) -> None:
    data = copy_fixture()
    cursor = tick(data, None).cursor
    (data / "sales_costs.csv").unlink()
    result = tick(data, cursor)
    assert not result.run_requests
    assert "sales_costs" in result.skip_reason.skip_message


def test_a_changed_connector_file_requests_a_refresh(tmp_path: Path) -> None:
    """Connector folders are watched too: a new Stripe invoice file refreshes."""
    data = write_salesforce_stripe(tmp_path / "data")
    first = tick(data, None)
    assert "recorded the fingerprints of 16 files" in first.skip_reason.skip_message
    path = data / "stripe" / "invoice.csv"
    path.write_text(path.read_text() + "in_9,,0,usd,cus_1\r\n")
    stamp = time.time() - 120
    os.utime(path, (stamp, stamp))
    [request] = tick(data, first.cursor).run_requests
    assert request.tags["icp/changed_files"] == "stripe/invoice.csv"


def test_sensor_targets_the_refresh_job() -> None:
    assert raw_files_changed.job_name == "refresh"
