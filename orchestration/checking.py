"""`icp check`: the input validated as a refresh would, with nothing published.

The raw files are checked and registered and the quarantine (the `raw` and `staging` groups: every
base_/stg_ model and its tests, the rejected-row limits included) is built in a working file of its
own, `<warehouse dir>/.icp-build/check/`, which no reader ever opens. Then, per table: rows read,
accepted and rejected, the top reasons and a few masked sample rows. Exit codes are those of
`icp refresh`: 2 for a file that cannot be used, 1 when a table is over the rejected-row limit.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.config import Settings
from orchestration.failures import (
    EXIT_FAILED,
    BuildPlace,
    Failure,
    build_place,
    explain,
    rejected_limit_message,
)

CHECK_DIR = Path(".icp-build") / "check"
SAMPLES_PER_TABLE = 3


@dataclass(frozen=True)
class TableCheck:
    table: str
    read: int
    accepted: int
    rejected: int
    reasons: list[tuple[str, int]]
    samples: list[tuple[int, str]]


def check_warehouse(published: Path) -> Path:
    """Where a check builds: beside the published warehouse, never the published file itself."""
    return published.parent / CHECK_DIR / published.name


def run_check(
    settings: Settings, as_of: str | None, dbt_vars: dict[str, float]
) -> tuple[list[TableCheck], Failure | None]:
    """Build the quarantine of `settings.data_dir`; the per-table figures (when it got that far)
    and the failure, if any."""
    from orchestration.defs.ingest.assets import raw_tables
    from orchestration.defs.resources import build_resources
    from orchestration.defs.transform.assets import icp_models
    from orchestration.refresh import output_sink, run_config

    target = check_warehouse(settings.warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    checking = dataclasses.replace(settings, warehouse=target, export_parquet_dir=None)
    # The limit warns inside dbt so that every table is built and reported; it is applied below.
    check_vars = {**dbt_vars, "input_check": 1.0}
    with contextlib.redirect_stdout(output_sink(settings)):
        result = dg.materialize(
            [raw_tables, icp_models],
            # Every input table (the raw step is one asset over all of them) and what the
            # quarantine reads: the connector mappings and the reference lookups.
            selection=dg.AssetSelection.assets(raw_tables)
            | dg.AssetSelection.groups("staging").upstream(),
            resources=build_resources(checking),
            run_config=run_config(checking, as_of, check_vars),
            raise_on_error=False,
            instance=dg.DagsterInstance.ephemeral(),
        )
    place = build_place(checking, dbt_vars)
    if not result.success:
        failure = explain(result, place)
        if failure.exit_code == 2:
            return [], failure
        return table_checks(place), failure
    checks = table_checks(place)
    models = {table: model for model, table in place.raw_names.items()}
    over = [
        models[check.table]
        for check in checks
        if check.read and check.rejected / check.read > place.max_rejected_share_error
    ]
    if over:
        return checks, Failure(rejected_limit_message(place, over), EXIT_FAILED)
    return checks, None


def table_checks(place: BuildPlace) -> list[TableCheck]:
    """The figures of every input table whose quarantine model was built."""
    checks = []
    with place.engine.read_built() as conn:
        built = {
            name
            for (name,) in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'staging'"
            ).fetchall()
        }
        for model, table in sorted(place.raw_names.items(), key=lambda item: item[1]):
            if model in built:
                checks.append(table_check(conn, model, table))
    return checks


def table_check(conn: duckdb.DuckDBPyConnection, model: str, table: str) -> TableCheck:
    relation = f"staging.{model}"
    [(read, rejected)] = conn.execute(
        f"select count(*), count(_rejection_code) from {relation}"
    ).fetchall()
    reasons = conn.execute(
        f"select _rejection_code, count(*) as rows from {relation} "
        "where _rejection_code is not null group by all order by rows desc, 1"
    ).fetchall()
    samples = conn.execute(
        f"select _row_number, _rejection_reason from {relation} "
        "where _rejection_code is not null order by _row_number limit ?",
        [SAMPLES_PER_TABLE],
    ).fetchall()
    return TableCheck(table, read, read - rejected, rejected, reasons, samples)


def report(checks: list[TableCheck]) -> str:
    """The per-table figures as a person reads them."""
    width = max((len(check.table) for check in checks), default=5)
    lines = [f"{'table'.ljust(width)}  {'read':>9}  {'accepted':>9}  {'rejected':>9}  share"]
    for check in checks:
        share = check.rejected / check.read if check.read else 0.0
        lines.append(
            f"{check.table.ljust(width)}  {check.read:>9,}  {check.accepted:>9,}  "
            f"{check.rejected:>9,}  {share:>5.1%}"
        )
        if check.reasons:
            lines.append(
                "    reasons: " + ", ".join(f"{code} {rows:,}" for code, rows in check.reasons)
            )
        for row_number, reason in check.samples:
            lines.append(f"    row {row_number}: {reason}")
    return "\n".join(lines)
