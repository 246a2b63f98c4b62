"""`icp`: the command scripts and schedulers call.

    icp refresh [--data-dir DIR] [--warehouse PATH] [--as-of YYYY-MM-DD] [--var NAME=NUMBER]
                [--export-parquet DIR] [--target duckdb|spark] [--date-format TABLE=FORMAT]
                [--verbose] [--fail-on-drift]
    icp check [same options]: validate the input as a refresh would, publish nothing
    icp backfill-drift --from YYYY-MM-DD --to YYYY-MM-DD [--every month|week] [same options]
    icp generate --accounts N --out DIR [--format csv|parquet] [--seed N] [--no-drift] [--dirty]
                 [--misaimed-icp]
    icp propose [--warehouse PATH] [--out FILE]
    icp report [--warehouse PATH] [--out FILE.html]

Exit codes: 0 success; 1 the build or a blocking check failed; 2 bad input (a missing, unreadable
or incomplete file, or an invalid option); 3 drift alert with --fail-on-drift.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import gc
import importlib.util
import os
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration import backtest, progress, report
from orchestration.config import (
    DBT_TARGETS,
    Settings,
    SettingsError,
    dbt_target,
    parse_as_of,
    parse_dbt_vars,
    verbose_from_env,
)
from orchestration.connectors import BILLING_SYSTEMS, CRM_SYSTEMS, choose
from orchestration.engines import engine_for
from orchestration.failures import EXIT_BAD_INPUT, EXIT_FAILED
from orchestration.raw_files import RawInputError

EXIT_DRIFT_ALERT = 3
# A shell's code for a command ended by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """A failure to report in one line, with the exit code it maps to."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclasses.dataclass(frozen=True)
class RefreshOptions:
    """What the refresh options of a command resolve to: the settings and the dbt var overrides."""

    settings: Settings
    dbt_vars: dict[str, float]


def add_refresh_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="directory of raw files, <table>.csv or <table>.parquet "
        "(default: $ICP_DATA_DIR or the project's seeds/)",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
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
        help="also write every published table (the marts and the reference lookups, nothing of "
        "the inner layers) as DIR/<table>.parquet after publishing "
        "(for BI tools that read files; default: $ICP_EXPORT_PARQUET_DIR)",
    )
    parser.add_argument(
        "--crm",
        choices=CRM_SYSTEMS,
        help="where the CRM tables come from: a DIR/salesforce/ or DIR/hubspot/ folder of "
        "Fivetran tables, or the crm_* contract files (default: detected from DIR; dbt var crm)",
    )
    parser.add_argument(
        "--billing",
        choices=BILLING_SYSTEMS,
        help="where billing comes from: a DIR/stripe/ folder, the billing_* files, or crm: "
        "revenue from the CRM's won deals (default: detected from DIR; dbt var billing)",
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
        help="show Dagster's and dbt's own logs and traces on stderr (default: only one message "
        "when something fails; also on when $ICP_LOG_LEVEL is set)",
    )
    parser.add_argument(
        "--fail-on-drift",
        action="store_true",
        help="exit with code 3 when the overall drift status is alert (for cron and CI)",
    )
    parser.add_argument(
        "--target",
        type=dbt_target,
        choices=DBT_TARGETS,
        help="engine (default: $ICP_DBT_TARGET or duckdb). spark needs the spark extra and builds "
        "with dbt on local Spark; --warehouse is then a directory and every mart is written "
        "as Parquet at DIR/marts/<table>/, the inner layers in the private DIR/.icp-build/ "
        "(docs/scaling.md)",
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
    generate.add_argument(
        "--crm",
        choices=("files", "salesforce", "hubspot"),
        default="files",
        help="write the CRM tables as Fivetran's Salesforce or HubSpot tables in OUT/<crm>/",
    )
    generate.add_argument(
        "--billing",
        choices=("files", "stripe"),
        default="files",
        help="write the billing tables as Fivetran's Stripe tables in OUT/stripe/",
    )
    generate.add_argument("--no-drift", action="store_true", help="a stationary customer mix")
    generate.add_argument("--dirty", action="store_true", help="add a handful of bad rows")
    generate.add_argument(
        "--misaimed-icp",
        action="store_true",
        help="a current ICP version aimed at the customers who pay least (for the back-test)",
    )
    backtest.add_propose_parser(commands)
    report.add_report_parser(commands)
    return parser


def refresh_options(args: argparse.Namespace) -> RefreshOptions:
    """The environment's settings with the command's arguments over them, checked."""
    from orchestration.date_formats import DateFormatError, parse_date_formats

    try:
        dbt_vars = parse_dbt_vars(args.var)
        base = Settings.from_env()
        date_formats = parse_date_formats(args.date_format)
    except (SettingsError, DateFormatError) as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    overrides = {
        "data_dir": args.data_dir,
        "warehouse": args.warehouse,
        "export_parquet_dir": args.export_parquet,
    }
    settings = dataclasses.replace(
        base,
        **{name: value.resolve() for name, value in overrides.items() if value is not None},
        dbt_target=args.target or base.dbt_target,
        crm=args.crm or base.crm,
        billing=args.billing or base.billing,
        verbose=args.verbose or base.verbose,
        date_formats=date_formats,
        progress=progress.style_for(args.verbose or base.verbose, sys.stderr.isatty()),
    )
    if not settings.data_dir.is_dir():
        raise CommandError(f"data directory not found: {settings.data_dir}", EXIT_BAD_INPUT)
    if settings.dbt_target == "spark" and importlib.util.find_spec("pyspark") is None:
        raise CommandError(
            "--target spark needs the spark extra (pyspark is not installed): "
            "uv sync --extra spark, or pip install 'icp[spark]'",
            EXIT_BAD_INPUT,
        )
    try:
        choice = choose(settings.data_dir, settings.crm, settings.billing)
    except RawInputError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    print(f"Input: {choice.describe()}", flush=True)
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    return RefreshOptions(settings, dbt_vars)


def run_refresh(options: RefreshOptions, as_of: str | None) -> None:
    """The refresh job in process (orchestration/refresh.py), or CommandError naming what failed."""
    from orchestration import failures
    from orchestration.refresh import run_refresh as run

    result = run(options.settings, as_of, options.dbt_vars)
    if not result.success:
        failure = failures.explain(result, failures.build_place(options.settings, options.dbt_vars))
        raise CommandError(failure.message + left_as_it_was(options.settings), failure.exit_code)


def left_as_it_was(settings: Settings) -> str:
    """What a failed refresh did to the published warehouse: nothing, said in its words."""
    if settings.warehouse.exists():
        return f"\nthe published warehouse {settings.warehouse} was left as it was"
    return f"\nnothing was published ({settings.warehouse} does not exist yet)"


def check(args: argparse.Namespace) -> int:
    """`icp check`: validate the input as a refresh would and report it; publish nothing."""
    from orchestration import checking

    try:
        as_of = parse_as_of(args.as_of)
    except SettingsError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    options = refresh_options(args)
    checks, failure = checking.run_check(options.settings, as_of, options.dbt_vars)
    if checks:
        print(f"Input check of {options.settings.data_dir} (nothing was published):")
        print(checking.report(checks))
    if failure is not None:
        raise CommandError(failure.message, failure.exit_code)
    return 0


def print_summary(settings: Settings, seconds: float) -> str:
    """Print what the refresh produced, read from the published tables on any engine; return the
    overall drift status."""
    with engine_for(settings.dbt_target, settings.warehouse).read_published() as conn:
        return print_summary_of(conn, settings.warehouse, seconds)


def print_summary_of(conn: duckdb.DuckDBPyConnection, warehouse: Path, seconds: float) -> str:
    """The summary from any connection with the marts as `marts.<table>`."""
    from orchestration import reporting

    numbers = reporting.headline(conn)
    print(f"Warehouse: {warehouse}  (built in {seconds:.1f} s)")
    print(
        f"Accounts: {numbers['accounts']:,}   customers: {numbers['customers']:,} "
        f"({numbers['active_customers']:,} active)   "
        f"median LTV: {reporting.format_value(numbers['median_ltv_usd'], 'usd')}   "
        f"median CAC: {reporting.format_value(numbers['median_cac_usd'], 'usd')}"
    )
    print("\nLTV:CAC by acquisition channel:")
    print(reporting.ltv_to_cac_by_channel(conn).text())
    print(f"  ({reporting.LTV_TO_CAC_BY_CHANNEL})")
    print(f"\nICP tier mix (version {reporting.icp_version(conn) or 'none'}):")
    print(reporting.tier_mix(conn).text())
    print("\nICP discovery, top suggestions (marts.icp_suggestions):")
    print(reporting.top_suggestions(conn).text())
    backtest.print_summary(conn)
    drift = reporting.latest_drift(conn)
    overall = next((row[1] for row in drift.rows if row[0] == "overall"), "none")
    print(f"\nICP drift (marts.icp_drift): overall {overall}")
    print(reporting.drift_signals(conn).text())
    for line in reporting.top_contributors(conn):
        print(f"  moved: {line}")
    rejected = reporting.rejected_by_table(conn)
    if rejected.rows:
        total = sum(row[2] for row in rejected.rows)
        print(f"\nRejected input rows: {total:,} (details: marts.rejected_rows)")
        print(rejected.text())
    else:
        print("\nRejected input rows: none")
    dropped = reporting.dropped_by_table(conn)
    if dropped.rows:
        total = sum(row[2] for row in dropped.rows)
        print(f"\nConnector rows deleted in the source or superseded (dropped): {total:,}")
        print(dropped.text())
    unreadable = conn.execute(
        "select source_table, unreadable_countries from marts.fct_load_audit "
        "where unreadable_countries > 0 order by source_table"
    ).fetchall()
    if unreadable:
        counts = ", ".join(f"{table} {count:,}" for table, count in unreadable)
        print(
            f"\nCountry values not read, so no region: {counts} "
            "(marts.fct_load_audit.unreadable_countries); write them as ISO codes or English "
            "names (dbt_project/reference/country_aliases.csv lists what is read)"
        )
    return overall


def refresh(args: argparse.Namespace) -> int:
    try:
        as_of = parse_as_of(args.as_of)
    except SettingsError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    options = refresh_options(args)
    started = time.monotonic()
    run_refresh(options, as_of)
    overall = print_summary(options.settings, time.monotonic() - started)
    return drift_exit_code(args, overall)


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
    overall = print_summary(options.settings, time.monotonic() - started)
    return drift_exit_code(args, overall)


def generate(args: argparse.Namespace) -> int:
    from orchestration.generator import CompanySpec, generate_arrow, write

    spec = CompanySpec(
        accounts=args.accounts,
        seed=args.seed,
        drift=not args.no_drift,
        dirty=args.dirty,
        invoices_per_customer=args.invoices_per_customer or None,
        misaimed_icp=args.misaimed_icp,
    )
    started = time.monotonic()
    tables = generate_arrow(spec)
    shaped = tuple(name for name in (args.crm, args.billing) if name != "files")
    if shaped:
        from orchestration.connector_shape import to_connectors, write_connectors

        paths = write_connectors(to_connectors(tables, shaped), args.out, args.format)
    else:
        paths = write(tables, args.out, args.format)
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
    "propose": backtest.propose,
    "report": report.report,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CommandError as error:
        print(f"icp {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"icp {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        # Not a failure we foresaw: still one message, the trace only when asked for.
        if getattr(args, "verbose", False) or verbose_from_env():
            raise
        print(
            f"icp {args.command}: unexpected error: {type(error).__name__}: {error}\n"
            "run again with --verbose for the trace, and please report it",
            file=sys.stderr,
        )
        return EXIT_FAILED


# Python's cyclic garbage collector runs after every 700 net allocations by default, and at most
# every hundredth run goes through every object: in a refresh, dbt's parsed project and Dagster's
# definitions, some 450,000. A refresh allocates millions of short-lived objects (dbt's node
# contexts and macros, Dagster's events): a warm demo refresh spent 1.7 s of its 12 s of CPU in
# 1,800 collections, 1.3 s of it in 8 full ones; collecting after every 50,000 it spends 0.7 s in
# 26, none of them full (docs/performance.md). Garbage in reference cycles waits longer: the
# demo's peak memory is about 10 MB higher.
GC_YOUNG_THRESHOLD = 50_000


def collect_less() -> None:
    """Raise the garbage collector's youngest threshold for a process that refreshes."""
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def run() -> None:
    """The `icp` script: `main`, then the exit handlers (logging's flush, temporary files), then
    the end of the process without tearing the interpreter down. A refresh leaves some 350,000
    objects (Dagster's definitions, dbt's adapter classes, DuckDB's bindings) that Python would
    free one by one: about 1 s of a demo refresh, after every connection and file is closed."""
    collect_less()
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()  # private, but the only way to run them before os._exit
    os._exit(code)


if __name__ == "__main__":
    run()
