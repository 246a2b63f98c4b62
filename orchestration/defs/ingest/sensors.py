"""Refresh when an input file changes: the `raw_files_changed` sensor.

Every tick (at most every 30 s) the sensor fingerprints the raw files a refresh would read (the
contract files, and the files of connector folders such as `stripe/`) in the data directory
(the `warehouse` resource's `data_dir`, i.e. ICP_DATA_DIR or seeds/) by file name, size and mtime
in nanoseconds, and compares them with the fingerprints kept in its cursor (JSON, visible in the
UI). Reading a file never changes its fingerprint, so a refresh cannot trigger another one.

- First tick (no cursor, or a cursor reset in the UI): record the fingerprints, request nothing.
  The daily schedule, or a first `icp refresh`, builds the warehouse; the sensor only reacts to
  changes after it started watching.
- Nothing changed: skip.
- A changed file modified less than SETTLE_SECONDS ago: skip and keep the old cursor, so a file
  still being copied in is looked at again on the next tick instead of being refreshed half-written.
- A file missing (or present as both .csv and .parquet): skip with a reason naming the files. The
  cursor keeps only the usable files, so when the file comes back it counts as changed and the
  next tick requests the refresh.
- Otherwise: one run of `refresh` (every asset), with a run key derived from the fingerprints
  before and after the change: a retried tick cannot start a second run, while restoring an older
  set of files (same fingerprints as a past state) still refreshes.

Each changed file is also reported as an `AssetObservation` on its raw asset (path, format, size,
row count, modified time; see observations.py), on every tick that records it.
"""

from __future__ import annotations

import hashlib
import json
import time

import dagster as dg

from orchestration.connectors import contract_tables_for_files
from orchestration.defs.ingest.assets import CONNECTOR_TABLES, RAW_TABLES
from orchestration.defs.ingest.observations import (
    DataDirState,
    Fingerprint,
    connector_fingerprints,
    observe,
    scan,
)
from orchestration.defs.jobs import refresh_job
from orchestration.defs.resources import WarehouseResource
from orchestration.raw_files import RawInputError

MINIMUM_INTERVAL_SECONDS = 30
SETTLE_SECONDS = 10
CURSOR_VERSION = 1


def encode_cursor(files: dict[str, Fingerprint]) -> str:
    return json.dumps(
        {"version": CURSOR_VERSION, "files": {name: fp.to_json() for name, fp in files.items()}},
        sort_keys=True,
        separators=(",", ":"),
    )


def decode_cursor(cursor: str | None) -> dict[str, Fingerprint] | None:
    """The fingerprints of the last tick; None when there is none or it cannot be read."""
    if not cursor:
        return None
    try:
        value = json.loads(cursor)
        if value.get("version") != CURSOR_VERSION:
            return None
        return {name: Fingerprint.from_json(fp) for name, fp in value["files"].items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def digest(files: dict[str, Fingerprint] | None) -> str:
    return hashlib.sha256(encode_cursor(files or {}).encode()).hexdigest()[:16]


def changed_tables(
    previous: dict[str, Fingerprint] | None, current: dict[str, Fingerprint]
) -> list[str]:
    return sorted(
        name for name, fp in current.items() if previous is None or previous.get(name) != fp
    )


def problems(state: DataDirState) -> str | None:
    parts = []
    if state.missing:
        parts.append(f"missing: {', '.join(state.missing)}")
    if state.ambiguous:
        parts.append(f"two files for one table (keep one): {'; '.join(state.ambiguous)}")
    return "; ".join(parts) or None


def evaluate(cursor: str | None, warehouse: WarehouseResource, now: float) -> dg.SensorResult:
    """One tick: a plain function of the cursor, the data directory and the time (for tests)."""
    data_dir = warehouse.data_path.resolve()
    if not data_dir.is_dir():
        return dg.SensorResult(skip_reason=f"data directory not found: {data_dir}")

    try:
        choice = warehouse.source_choice()
    except RawInputError as error:
        return dg.SensorResult(skip_reason=f"raw files not refreshed, in {data_dir}: {error}")
    state = scan(data_dir, contract_tables_for_files(RAW_TABLES, choice, data_dir))
    state.files.update(connector_fingerprints(data_dir, CONNECTOR_TABLES, choice))
    previous = decode_cursor(cursor)
    changed = changed_tables(previous, state.files)

    settling = [
        state.files[name].file
        for name in changed
        if now - state.files[name].mtime_ns / 1e9 < SETTLE_SECONDS
    ]
    if settling:
        return dg.SensorResult(
            skip_reason=(
                f"waiting for {', '.join(settling)} in {data_dir} to settle "
                f"(modified less than {SETTLE_SECONDS} s ago)"
            )
        )

    by_name = {table.name: table for table in RAW_TABLES}
    observations = [observe(data_dir, by_name[name]) for name in changed if name in by_name]
    new_cursor = encode_cursor(state.files)
    problem = problems(state)

    if previous is None:
        reason = f"first tick: recorded the fingerprints of {len(state.files)} files in {data_dir}"
        if problem:
            reason += f"; {problem}"
        return dg.SensorResult(skip_reason=reason, cursor=new_cursor, asset_events=observations)
    if problem:
        return dg.SensorResult(
            skip_reason=f"raw files not refreshed, in {data_dir}: {problem}",
            cursor=new_cursor,
            asset_events=observations,
        )
    if not changed:
        return dg.SensorResult(skip_reason=f"no raw file changed in {data_dir}")

    run_key = f"raw-files-{digest(previous)}-{digest(state.files)}"
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=run_key,
                tags={
                    "icp/trigger": "raw_files_changed",
                    "icp/changed_files": ",".join(state.files[name].file for name in changed),
                },
            )
        ],
        cursor=new_cursor,
        asset_events=observations,
    )


@dg.sensor(
    name="raw_files_changed",
    target=refresh_job,
    minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Refresh the ICP warehouse when a raw file in the data directory changes (size or "
        "modified time); records each changed file as an observation of its raw asset."
    ),
)
def raw_files_changed(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource
) -> dg.SensorResult:
    return evaluate(context.cursor, warehouse, time.time())
