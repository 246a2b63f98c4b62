"""`icp`: the command scripts and schedulers call.

    icp refresh [--data-dir DIR] [--warehouse PATH] [--as-of YYYY-MM-DD] [--var NAME=NUMBER]
                [--target duckdb|spark] [--fail-on-drift]
    icp backfill-drift --from YYYY-MM-DD --to YYYY-MM-DD [--every month|week] [same options]
    icp generate --accounts N --out DIR [--format csv|parquet] [--seed N] [--no-drift] [--dirty]

Exit codes: 0 success; 1 the build or a blocking check failed; 2 bad input (a missing, unreadable
or incomplete file, or an invalid option); 3 drift alert with --fail-on-drift.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib.util
import io
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.project import DEFAULT_DATA_DIR, DEFAULT_WAREHOUSE
from orchestration.raw_files import RawInputError
from orchestration.settings import (
    DBT_TARGETS,
    SettingsError,
    dbt_target,
    parse_as_of,
    parse_dbt_vars,
)

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_DRIFT_ALERT = 3


class CommandError(Exception):
    """A failure to report in one line, with the exit code it maps to."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class RefreshOptions:
    data_dir: Path
    warehouse: Path
    dbt_vars: dict[str, float]
    verbose: bool = False
    date_formats: dict[str, str] = dataclasses.field(default_factory=dict)


def add_refresh_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("ICP_DATA_DIR") or DEFAULT_DATA_DIR),
        help="directory of raw files, <table>.csv or <table>.parquet "
        "(default: $ICP_DATA_DIR or the project's seeds/)",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("ICP_WAREHOUSE") or DEFAULT_WAREHOUSE),
        help="DuckDB file to publish; parent directories are created "
        "(default: $ICP_WAREHOUSE or warehouse/icp.duckdb)",
    )
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=NUMBER",
        help="override a numeric dbt var of dbt_project.yml, e.g. --var gross_margin=0.75 "
        "(repeatable; see the README's settings table)",
    )
    parser.add_argument(
        "--export-parquet",
        type=Path,
        metavar="DIR",
        default=os.environ.get("ICP_EXPORT_PARQUET_DIR") or None,
        help="also write every mart as DIR/<table>.parquet after publishing "
        "(for BI tools that read files; default: $ICP_EXPORT_PARQUET_DIR)",
    )
    parser.add_argument(
        "--date-format",
        action="append",
        default=[],
        metavar="TABLE=FORMAT",
        help="how an input table writes its dates: iso (default), day_first (25/6/2024) or "
        "month_first (6/25/2024), e.g. --date-format crm_accounts=day_first (repeatable)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=bool(os.environ.get("ICP_LOG_LEVEL")),
        help="show Dagster's and dbt's own logs and traces on stderr (default: only one message "
        "when something fails; also on when $ICP_LOG_LEVEL is set)",
    )
    parser.add_argument(
        "--fail-on-drift",
        action="store_true",
        help="exit with code 3 when the overall drift status is alert (for cron and CI)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icp",
        description="Warehouse-native Ideal Customer Profile modeling (dbt + Dagster + DuckDB). "
        "Exit codes: 0 ok, 1 build or check failed, 2 bad input, 3 drift alert (--fail-on-drift).",
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
    add_refresh_options(refresh)
    refresh.add_argument(
        "--as-of",
        help="as-of date YYYY-MM-DD (default: the latest event date in the input, never today)",
    )
    refresh.add_argument(
        "--target",
        type=dbt_target,
        choices=DBT_TARGETS,
        default=os.environ.get("ICP_DBT_TARGET") or "duckdb",
        help="engine (default: $ICP_DBT_TARGET or duckdb). spark needs the spark extra and runs "
        "dbt on Spark in this process; --warehouse is then a directory and every mart is written "
        "as Parquet at DIR/marts/<table>/ (docs/scaling.md)",
    )
    check_command = commands.add_parser(
        "check",
        help="validate the input files as a refresh would, and report them; publish nothing",
        description=(
            "Check and register the input files and build the quarantine in a private working "
            "file (<warehouse dir>/.icp-build/check/): per table, rows read, accepted and "
            "rejected with reasons and samples. Exit codes as icp refresh."
        ),
    )
    add_refresh_options(check_command)
    check_command.add_argument("--as-of", help="as-of date YYYY-MM-DD (as for icp refresh)")
    backfill = commands.add_parser(
        "backfill-drift",
        help="refresh at past as-of dates so the drift history has a series from day one",
        description=(
            "Run the refresh once per as-of date from --from to --to, stepping by --every; each "
            "run replaces its date's rows in marts.icp_drift. Finishes with a refresh at the "
            "default as-of date so the other marts show the present."
        ),
    )
    add_refresh_options(backfill)
    backfill.add_argument("--from", dest="start", required=True, help="first as-of date")
    backfill.add_argument("--to", dest="end", required=True, help="last as-of date")
    backfill.add_argument(
        "--every", choices=["month", "week"], default="month", help="step between dates"
    )
    generate = commands.add_parser(
        "generate",
        help="write a synthetic company that follows the input contract (for demos and scale)",
    )
    generate.add_argument("--accounts", type=int, required=True, help="number of CRM accounts")
    generate.add_argument("--out", type=Path, required=True, help="output directory")
    generate.add_argument("--format", choices=["csv", "parquet"], default="csv")
    generate.add_argument("--seed", type=int, default=42, help="random seed (deterministic)")
    generate.add_argument(
        "--invoices-per-customer",
        type=int,
        default=20,
        help="invoices per customer (default 20; 0 = monthly over the tenure)",
    )
    generate.add_argument("--no-drift", action="store_true", help="a stationary customer mix")
    generate.add_argument("--dirty", action="store_true", help="add a handful of bad rows")
    return parser


def refresh_options(args: argparse.Namespace) -> RefreshOptions:
    from orchestration.date_formats import DateFormatError, parse_date_formats
    from orchestration.project import dbt_project
    from orchestration.raw_files import load_contract

    try:
        dbt_vars = parse_dbt_vars(args.var)
        tables = [table.name for table in load_contract(dbt_project.manifest_path)]
        date_formats = parse_date_formats(args.date_format, tables)
    except (SettingsError, DateFormatError) as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    if not args.data_dir.is_dir():
        raise CommandError(f"data directory not found: {args.data_dir}", EXIT_BAD_INPUT)
    options = RefreshOptions(
        args.data_dir.resolve(), args.warehouse.resolve(), dbt_vars, args.verbose, date_formats
    )
    # The Dagster resources read their settings from the environment: set it before loading.
    os.environ["ICP_DATA_DIR"] = str(options.data_dir)
    os.environ["ICP_WAREHOUSE"] = str(options.warehouse)
    if args.export_parquet:
        os.environ["ICP_EXPORT_PARQUET_DIR"] = str(Path(args.export_parquet).resolve())
    options.warehouse.parent.mkdir(parents=True, exist_ok=True)
    return options


def run_refresh(options: RefreshOptions, as_of: str | None) -> None:
    """Materialize the refresh job in process, or raise CommandError naming what failed."""

    from orchestration import failures
    from orchestration.definitions import defs

    run_config = refresh_run_config(options, as_of)
    with dagster_instance() as instance, contextlib.redirect_stdout(output_sink(options)):
        result = defs.resolve_job_def("refresh").execute_in_process(
            run_config=run_config, instance=instance, raise_on_error=False
        )
    if not result.success:
        failure = failures.explain(result, build_place(options))
        message = failure.message
        if options.warehouse.exists():
            message += f"\nthe published warehouse {options.warehouse} was left as it was"
        else:
            message += f"\nnothing was published ({options.warehouse} does not exist yet)"
        raise CommandError(message, failure.exit_code)


def output_sink(options: RefreshOptions):
    """Where dbt's progress lines go: stderr with --verbose, else nowhere (stdout carries only
    the summary, for scripts to read, and a failure is explained in one message)."""
    return sys.stderr if options.verbose else io.StringIO()


def refresh_run_config(options: RefreshOptions, as_of: str | None) -> dict:
    """The per-run values of the models, and Dagster's console log level: nothing below
    CRITICAL without --verbose."""
    log_level = (os.environ.get("ICP_LOG_LEVEL") or "DEBUG") if options.verbose else "CRITICAL"
    config = {
        "as_of_date": as_of,
        "dbt_vars": options.dbt_vars,
        "date_formats": options.date_formats,
    }
    return {
        "ops": {"icp_models": {"config": config}},
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }


def check(args: argparse.Namespace) -> int:
    """`icp check`: validate the input as a refresh would and report it; publish nothing."""
    from orchestration import checking

    try:
        as_of = parse_as_of(args.as_of)
    except SettingsError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    options = refresh_options(args)
    with contextlib.redirect_stdout(output_sink(options)):
        checks, failure = checking.run_check(
            options.data_dir,
            options.warehouse,
            refresh_run_config(options, as_of),
            lambda target: build_place(dataclasses.replace(options, warehouse=target)),
        )
    if checks:
        print(f"Input check of {options.data_dir} (nothing was published):")
        print(checking.report(checks))
    if failure is not None:
        raise CommandError(failure.message, failure.exit_code)
    return 0


def build_place(options: RefreshOptions):
    """Where a DuckDB refresh builds, and the limits it ran with, for explaining a stop."""
    from orchestration.failures import BuildPlace, raw_table_names
    from orchestration.project import dbt_project
    from orchestration.raw_files import load_contract
    from orchestration.settings import project_vars
    from orchestration.warehouse import Warehouse

    limits = {**project_vars(), **options.dbt_vars}
    building = Warehouse(options.warehouse)
    return BuildPlace(
        working_file=building.working_path,
        dbt_target_dir=building.dbt_target_dir,
        max_rejected_share_error=float(limits["max_rejected_share_error"]),
        max_accepted_drop=float(limits["max_accepted_drop"]),
        raw_names=raw_table_names(load_contract(dbt_project.manifest_path)),
    )


def dagster_instance():
    """The instance that records the run: DAGSTER_HOME's when set (the run then shows in the UI),
    else an in-memory one. Recording costs about 10 s a refresh: SQLite storage opens a connection
    per event and a refresh has a few hundred."""
    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def print_summary(warehouse: Path, seconds: float) -> str:
    """Print what the refresh produced; return the overall drift status."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return print_summary_of(conn, warehouse, seconds)


def print_summary_of(conn: duckdb.DuckDBPyConnection, warehouse: Path, seconds: float) -> str:
    """The summary from any connection with the marts as `marts.<table>`."""
    from orchestration import summaries

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
    drift = summaries.latest_drift(conn)
    overall = next((row[1] for row in drift.rows if row[0] == "overall"), "none")
    print(f"\nICP drift (marts.icp_drift): overall {overall}")
    print(drift.text())
    for line in summaries.top_contributors(conn):
        print(f"  moved: {line}")
    rejected = summaries.rejected_by_table(conn)
    if rejected.rows:
        total = sum(row[2] for row in rejected.rows)
        print(f"\nRejected input rows: {total:,} (details: marts.rejected_rows)")
        print(rejected.text())
    else:
        print("\nRejected input rows: none")
    return overall


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def refresh(args: argparse.Namespace) -> int:
    try:
        as_of = parse_as_of(args.as_of)
    except SettingsError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    options = refresh_options(args)
    started = time.monotonic()
    # The Dagster resources read the engine from the environment, like the other settings.
    os.environ["ICP_DBT_TARGET"] = args.target
    if args.target == "spark":
        overall = spark_refresh(options, as_of, started)
    else:
        run_refresh(options, as_of)
        overall = print_summary(options.warehouse, time.monotonic() - started)
    return drift_exit_code(args, overall)


def spark_refresh(options: RefreshOptions, as_of: str | None, started: float) -> str:
    """dbt build on Spark in this process (orchestration/spark.py), then the same summary, read by
    DuckDB from the Parquet the marts were written to: the check that any engine can read them."""
    if importlib.util.find_spec("pyspark") is None:
        raise CommandError(
            "--target spark needs the spark extra (pyspark is not installed): "
            "uv sync --extra spark, or pip install 'icp[spark]'",
            EXIT_BAD_INPUT,
        )
    from orchestration import spark

    try:
        # dbt's progress lines go to stderr: stdout carries only the summary, for scripts to read.
        with contextlib.redirect_stdout(sys.stderr):
            built = spark.build(options.data_dir, options.warehouse, as_of, dict(options.dbt_vars))
    except RawInputError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    except spark.SparkBuildError as error:
        raise CommandError(f"{error} ({options.warehouse / 'dbt-logs'})", EXIT_FAILED) from None
    print(
        f"Spark: raw files landed in {built.register_seconds:.1f} s, "
        f"dbt build {built.build_seconds:.1f} s",
        file=sys.stderr,
    )
    with duckdb.connect() as conn:
        spark.parquet_views(conn, options.warehouse)
        return print_summary_of(conn, options.warehouse / "marts", time.monotonic() - started)


def drift_exit_code(args: argparse.Namespace, overall: str) -> int:
    if args.fail_on_drift and overall == "alert":
        print("icp: drift alert (--fail-on-drift): exit 3", file=sys.stderr)
        return EXIT_DRIFT_ALERT
    return 0


def as_of_dates(start: date, end: date, every: str) -> list[date]:
    """start, start + step, ... up to end inclusive; months step by calendar month (day capped)."""
    if end < start:
        raise CommandError("--to is before --from", EXIT_BAD_INPUT)
    dates, current, months = [], start, 0
    while current <= end:
        dates.append(current)
        if every == "week":
            current = current + timedelta(days=7)
        else:
            months += 1
            year, month = divmod(start.month - 1 + months, 12)
            current = _month_day(start.year + year, month + 1, start.day)
    return dates


def _month_day(year: int, month: int, day: int) -> date:
    for candidate in (day, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return date(year, month, min(day, candidate))
    raise AssertionError("unreachable")


def backfill_drift(args: argparse.Namespace) -> int:
    try:
        start, end = parse_as_of(args.start), parse_as_of(args.end)
    except SettingsError as error:
        raise CommandError(str(error).replace("--as-of", "--from/--to"), EXIT_BAD_INPUT) from None
    if start is None or end is None:
        raise CommandError("--from and --to are required", EXIT_BAD_INPUT)
    dates = as_of_dates(date.fromisoformat(start), date.fromisoformat(end), args.every)
    options = refresh_options(args)
    started = time.monotonic()
    # At past dates, later rows are not due yet and the tables smaller than the published ones:
    # var backfill lifts those two limits; the final refresh at the present date applies them.
    past = dataclasses.replace(options, dbt_vars={**options.dbt_vars, "backfill": 1.0})
    for number, as_of in enumerate(dates, 1):
        print(f"[{number}/{len(dates)}] as of {as_of}", file=sys.stderr, flush=True)
        run_refresh(past, as_of.isoformat())
    print("[final] as of the latest event date", file=sys.stderr, flush=True)
    run_refresh(options, None)
    overall = print_summary(options.warehouse, time.monotonic() - started)
    return drift_exit_code(args, overall)


def generate(args: argparse.Namespace) -> int:
    from orchestration.generator import CompanySpec, generate_arrow, write

    spec = CompanySpec(
        accounts=args.accounts,
        seed=args.seed,
        drift=not args.no_drift,
        dirty=args.dirty,
        invoices_per_customer=args.invoices_per_customer or None,
    )
    started = time.monotonic()
    paths = write(generate_arrow(spec), args.out, args.format)
    size = sum(path.stat().st_size for path in paths.values())
    print(
        f"Wrote {len(paths)} tables for {args.accounts:,} accounts to {args.out} "
        f"({size / 1e6:,.1f} MB, {time.monotonic() - started:.1f} s)"
    )
    return 0


COMMANDS = {
    "refresh": refresh,
    "check": check,
    "backfill-drift": backfill_drift,
    "generate": generate,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CommandError as error:
        print(f"icp {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as error:
        # Not a failure we foresaw: still one message, the trace only when asked for.
        if getattr(args, "verbose", False):
            raise
        print(
            f"icp {args.command}: unexpected error: {type(error).__name__}: {error}\n"
            "run again with --verbose for the trace, and please report it",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
