"""`icp`: the command scripts and schedulers call.

    icp refresh [--data-dir DIR] [--warehouse PATH] [--as-of YYYY-MM-DD]

Exit codes: 0 success; 1 the build or a blocking check failed; 2 bad input (a missing, unreadable
or incomplete file, or an invalid option).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from orchestration.project import DEFAULT_DATA_DIR, DEFAULT_WAREHOUSE, PROJECT_ROOT
from orchestration.settings import SettingsError, parse_as_of, parse_dbt_vars

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icp",
        description="Warehouse-native Ideal Customer Profile modeling (dbt + Dagster + DuckDB).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    refresh = commands.add_parser(
        "refresh",
        help="build the ICP warehouse from the input files through Dagster and publish it",
        description=(
            "Materialize the Dagster asset graph in process: check and register the input files, "
            "run dbt build into a private working file, and publish it atomically at --warehouse."
        ),
    )
    refresh.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("ICP_DATA_DIR") or DEFAULT_DATA_DIR),
        help="directory of raw files, <table>.csv or <table>.parquet "
        "(default: $ICP_DATA_DIR or the project's seeds/)",
    )
    refresh.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("ICP_WAREHOUSE") or DEFAULT_WAREHOUSE),
        help="DuckDB file to publish; parent directories are created "
        "(default: $ICP_WAREHOUSE or warehouse/icp.duckdb)",
    )
    refresh.add_argument(
        "--as-of",
        help="as-of date YYYY-MM-DD (default: the latest event date in the input, never today)",
    )
    refresh.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=NUMBER",
        help="override a numeric dbt var of dbt_project.yml, e.g. --var gross_margin=0.75 "
        "(repeatable; see the README's settings table)",
    )
    return parser


def configure_environment(data_dir: Path, warehouse: Path) -> None:
    """The Dagster resources read their settings from the environment: set it before loading."""
    os.environ["ICP_DATA_DIR"] = str(data_dir.resolve())
    os.environ["ICP_WAREHOUSE"] = str(warehouse.resolve())
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    warehouse.resolve().parent.mkdir(parents=True, exist_ok=True)


def run_refresh(
    as_of: str | None, dbt_vars: dict[str, float]
) -> tuple[bool, str | None, bool]:
    """Materialize the refresh job in process; (success, error message, error is bad input)."""
    import dagster as dg

    from orchestration.definitions import defs

    run_config = {
        "ops": {"icp_models": {"config": {"as_of_date": as_of, "dbt_vars": dbt_vars}}},
        "loggers": {
            "console": {"config": {"log_level": os.environ.get("ICP_LOG_LEVEL", "WARNING")}}
        },
    }
    # dbt's progress lines go to stderr: stdout carries only the summary, for scripts to read.
    with dg.DagsterInstance.get() as instance, contextlib.redirect_stdout(sys.stderr):
        result = defs.resolve_job_def("refresh").execute_in_process(
            run_config=run_config, instance=instance, raise_on_error=False
        )
    if result.success:
        return True, None, False
    return False, *failure_message(result)


def failure_message(result) -> tuple[str, bool]:
    """The innermost error of the first failed step, and whether it was bad input."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            message = error.message.strip()
            return f"step {event.step_key} failed: {message}", error.cls_name == "RawInputError"
    return "the refresh failed (see the Dagster run logs)", False


def print_summary(warehouse: Path, seconds: float) -> None:
    import duckdb

    from orchestration import summaries

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        numbers = summaries.headline(conn)
        print(f"Warehouse: {warehouse}  (built in {seconds:.1f} s)")
        print(
            f"Accounts: {numbers['accounts']:,}   customers: {numbers['customers']:,} "
            f"({numbers['active_customers']:,} active)   "
            f"median LTV: {_money(numbers['median_ltv_usd'])}   "
            f"median CAC: {_money(numbers['median_cac_usd'])}"
        )
        print("\nLTV:CAC by acquisition channel (customers):")
        print(summaries.ltv_to_cac_by_channel(conn).text())
        print(f"\nICP tier mix (version {summaries.icp_version(conn) or 'none'}):")
        print(summaries.tier_mix(conn).text())
        print("\nICP discovery, top suggestions (marts.icp_suggestions):")
        print(summaries.top_suggestions(conn).text())
        rejected = summaries.rejected_by_table(conn)
        if rejected.rows:
            total = sum(row[2] for row in rejected.rows)
            print(f"\nRejected input rows: {total:,} (details: marts.rejected_rows)")
            print(rejected.text())
        else:
            print("\nRejected input rows: none")


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def refresh(args: argparse.Namespace) -> int:
    try:
        as_of = parse_as_of(args.as_of)
        dbt_vars = parse_dbt_vars(args.var)
    except SettingsError as error:
        print(f"icp refresh: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.data_dir.is_dir():
        print(f"icp refresh: data directory not found: {args.data_dir}", file=sys.stderr)
        return EXIT_BAD_INPUT
    configure_environment(args.data_dir, args.warehouse)
    started = time.monotonic()
    success, message, bad_input = run_refresh(as_of, dbt_vars)
    if not success:
        print(f"icp refresh: {message}", file=sys.stderr)
        if args.warehouse.exists():
            print(f"icp refresh: the published warehouse {args.warehouse} was left as it was",
                  file=sys.stderr)
        return EXIT_BAD_INPUT if bad_input else EXIT_FAILED
    print_summary(args.warehouse.resolve(), time.monotonic() - started)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "refresh":
        return refresh(args)
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
