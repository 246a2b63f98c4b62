"""The one message a person reads when a refresh fails.

A failed Dagster run carries a step-failure stack trace, and a failed dbt build names a test
(`rejected_share_error ... Got 1588 results`), neither of which says what
to do. These functions turn the run's result, dbt's `run_results.json` and the working file the
build left behind into one message: what happened, where (file, table, column, row) and what to do.
Dagster's and dbt's own output is only shown with `icp refresh --verbose`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.config import Settings, project_vars
from orchestration.engines import engine_for
from orchestration.engines.base import Engine
from orchestration.raw_files import RawTable

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
# Errors a person causes with the input or the options: exit 2, the message is already theirs.
BAD_INPUT_ERRORS = ("RawInputError", "SettingsError", "WarehouseNameError")
REJECTED_LIMIT_TEST = "rejected_share_error"
ACCEPTED_DROP_TEST = "accepted_rows_drop_error"
SAMPLE_ROWS = 3
# dbt's error-level events that are a Python stack trace, not a message (shown with --verbose).
DBT_TRACE_EVENTS = ("MainStackTrace",)


@dataclass(frozen=True)
class Failure:
    message: str
    exit_code: int


@dataclass(frozen=True)
class BuildPlace:
    """Where a stopped build left its tables, and the limits it ran with."""

    engine: Engine
    max_rejected_share_error: float
    max_accepted_drop: float
    # base model -> raw table (base_spend__marketing_spend -> marketing_spend)
    raw_names: Mapping[str, str]

    @property
    def working_file(self) -> Path:
        return self.engine.built_path

    @property
    def dbt_target_dir(self) -> Path:
        return self.engine.dbt_target_dir

    @property
    def dbt_log(self) -> Path:
        return self.dbt_target_dir / "dbt.log"


def build_place(settings: Settings, dbt_vars: Mapping[str, float]) -> BuildPlace:
    """Where a refresh with these settings builds, and the limits it runs with."""
    from orchestration import manifest

    limits = {**project_vars(), **dbt_vars}
    return BuildPlace(
        engine=engine_for(settings.dbt_target, settings.warehouse),
        max_rejected_share_error=float(limits["max_rejected_share_error"]),
        max_accepted_drop=float(limits["max_accepted_drop"]),
        raw_names=raw_table_names(manifest.contract()),
    )


def step_errors(result) -> Iterator[tuple[str, object]]:
    """(step key, innermost error) of every failed step of a Dagster run result."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            yield event.step_key, error


def explain(result, place: BuildPlace) -> Failure:
    """The failure of a refresh run, as one message and its exit code."""
    for step_key, error in step_errors(result):
        text = error_text(error)
        if error.cls_name in BAD_INPUT_ERRORS:
            return Failure(text, EXIT_BAD_INPUT)
        if error.cls_name == "DagsterExecutionInterruptedError":
            return Failure("interrupted (Ctrl-C, or the run was terminated)", EXIT_FAILED)
        if error.cls_name == "DagsterDbtCliRuntimeError":
            return Failure(explain_dbt(place), EXIT_FAILED)
        return Failure(f"step {step_key} failed: {first_line(text)}", EXIT_FAILED)
    return Failure("the refresh failed; run it again with --verbose for the full log", EXIT_FAILED)


def error_text(error) -> str:
    """An error's message without the `module.Class: ` Dagster puts before it."""
    text = error.message.strip()
    _, found, rest = text.partition(f"{error.cls_name}: ")
    return rest.strip() if found and ": " not in text.split(f"{error.cls_name}: ")[0] else text


def first_line(text: str) -> str:
    """An error's text on one line: its lines joined, without the blank ones."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def failed_nodes(run_results: Mapping) -> list[dict]:
    """dbt results that stop a build: failed tests and models in error."""
    return [node for node in run_results["results"] if node["status"] in ("fail", "error")]


def json_events(lines: list[str]) -> Iterator[dict]:
    """The events of dbt's JSON log lines (a line of another format is skipped)."""
    for line in lines:
        with contextlib.suppress(ValueError):
            yield json.loads(line)


def last_invocation(log: Path) -> tuple[str | None, list[str]]:
    """The id of dbt's last invocation in its JSON log (dbt.log, which dbt appends to) and the
    error messages it logged, each on one line, stack traces left out; (None, []) without a
    JSON log."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    last = next(json_events(lines[::-1]), None)
    if last is None:
        return None, []
    invocation = last["info"]["invocation_id"]
    errors = [
        first_line(event["info"]["msg"].removeprefix("Encountered an error:"))
        for event in json_events([line for line in lines if '"level": "error"' in line])
        if event["info"]["invocation_id"] == invocation
        and event["info"]["name"] not in DBT_TRACE_EVENTS
    ]
    return invocation, errors


def explain_dbt(place: BuildPlace) -> str:
    """The dbt build failed: name the blocking check or model, with what to do; when no node
    failed (dbt stopped before or between them), dbt's own error. `run_results.json` is only read
    when the last invocation wrote it: one that stops early leaves the previous run's."""
    invocation, errors = last_invocation(place.dbt_log)
    results_path = place.dbt_target_dir / "run_results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else None
    if results is not None and invocation not in (None, results["metadata"]["invocation_id"]):
        results = None
    failed = failed_nodes(results) if results is not None else []
    if not failed:
        reason = errors[-1] if errors else "it logged no error (run again with --verbose)"
        return f"dbt stopped: {reason}\nthe full dbt log: {place.dbt_log}"
    names = [node["unique_id"].split(".")[2] for node in failed]
    parts = []
    if REJECTED_LIMIT_TEST in names:
        parts.append(rejected_limit_message(place, over_rejected_limit(place)))
    if ACCEPTED_DROP_TEST in names:
        parts.append(accepted_drop_message(place))
    for node, name in zip(failed, names, strict=True):
        if name in (REJECTED_LIMIT_TEST, ACCEPTED_DROP_TEST):
            continue
        kind = node["unique_id"].split(".")[0]
        parts.append(f"dbt {kind} {name} failed: {first_line(node.get('message') or '')}")
    parts.append(f"the full dbt log: {place.dbt_log} (or run again with --verbose)")
    return "\n".join(parts)


def over_rejected_limit(place: BuildPlace) -> list[str]:
    """The base models that lost more than the error share of their rows, read from the build
    file (the limit's test, macros/tests/rejected_share.sql, covers every table at once)."""
    over = []
    with place.engine.read_built() as conn:
        for model in sorted(place.raw_names):
            [(read, rejected)] = conn.execute(
                f"select count(*), count(_rejection_reason) from staging.{model}"
            ).fetchall()
            if read and rejected / read > place.max_rejected_share_error:
                over.append(model)
    return over


def rejected_limit_message(place: BuildPlace, base_models: list[str]) -> str:
    """Each table over the rejected-row limit: rows, top reasons, masked samples; where to look."""
    share = place.max_rejected_share_error
    lines = [
        f"{len(base_models)} input table(s) lost more than "
        f"{share:.0%} of their rows (max_rejected_share_error): a broken export, so a refresh "
        "stops before publishing:"
    ]
    with place.engine.read_built() as conn:
        for model in base_models:
            lines += table_rejections(conn, model, place.raw_names.get(model, model))
    lines += [
        f"the rejected rows of this run: {place.working_file}, tables staging.base_<table>, "
        "column _rejection_reason (that file holds your input, personal data included; "
        "_raw_row is masked), e.g.",
        f'  duckdb -readonly {place.working_file} "select _row_key, _rejection_reason, _raw_row '
        f'from staging.{base_models[0]} where _rejection_reason is not null"',
        "fix the rows in the input files, or, if the losses are expected, raise the limit: "
        f"icp refresh --var max_rejected_share_error={min(1.0, max(share * 2, 0.2)):.2f}",
    ]
    return "\n".join(lines)


def table_rejections(conn: duckdb.DuckDBPyConnection, model: str, table: str) -> list[str]:
    relation = f"staging.{model}"
    [(read, rejected)] = conn.execute(
        f"select count(*), count(_rejection_reason) from {relation}"
    ).fetchall()
    lines = [f"  {table}: {read:,} rows read, {rejected:,} rejected ({rejected / read:.1%})"]
    reasons = conn.execute(
        f"select _rejection_code, count(*) as rows from {relation} "
        "where _rejection_code is not null group by all order by rows desc, 1 limit 3"
    ).fetchall()
    lines.append("    top reasons: " + ", ".join(f"{code} {rows:,}" for code, rows in reasons))
    samples = conn.execute(
        f"select _row_number, _rejection_reason, _raw_row from {relation} "
        "where _rejection_code is not null order by _row_number limit ?",
        [SAMPLE_ROWS],
    ).fetchall()
    for row_number, reason, raw_row in samples:
        lines.append(f"    row {row_number}: {reason}")
        lines.append(f"      {raw_row}")
    return lines


def accepted_drop_message(place: BuildPlace) -> str:
    drop = place.max_accepted_drop
    lines = [
        f"stopped before publishing: accepted rows fell by more than {drop:.0%} "
        "(max_accepted_drop) against the published warehouse, which looks like a truncated or "
        "broken export:"
    ]
    with place.engine.read_built() as conn:
        fell = conn.execute(
            "select built.source_table, published.rows_accepted, built.rows_accepted, "
            "built.rows_read, built.rejected_by_reason "
            "from marts.fct_load_audit as built "
            "inner join raw.published_load_audit as published using (source_table) "
            f"where published.rows_accepted > 0 and built.rows_accepted < "
            f"published.rows_accepted * (1 - {float(drop)}) order by 1"
        ).fetchall()
    for table, before, now, read, reasons in fell:
        lines.append(
            f"  {table}: {now:,} rows accepted, {before:,} in the published warehouse "
            f"({read:,} read; rejected: {reasons or 'none'})"
        )
    lines.append(
        "check the export; if the input really shrank, lift the check: "
        "icp refresh --var max_accepted_drop=1"
    )
    return "\n".join(lines)


def raw_table_names(tables: list[RawTable]) -> dict[str, str]:
    """base model name -> raw table name (base_crm__accounts -> crm_accounts)."""
    return {f"base_{table.source_name}__{table.table_name}": table.name for table in tables}
