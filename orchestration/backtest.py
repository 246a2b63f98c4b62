"""The ICP back-test and the proposed version, read from a built warehouse.

dbt computes everything (marts.icp_backtest, marts.icp_versions, the proposed criteria and the
trust signals); this module only reads it, for the `icp refresh` summary, `icp propose`, the
report and the Dagster metadata, so the four never disagree. `icp propose --out` writes the
proposal as `icp_criteria` rows in the contract's columns, ready to append to the user's file.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration import manifest
from orchestration.reporting import Table, query


@dataclass(frozen=True)
class VersionFigures:
    """One row of marts.icp_versions."""

    icp_version: str
    status: str
    criteria: int
    auc: float | None
    holdout_auc: float | None
    tier_a_customers: int | None
    tier_a_ltv_lift: float | None


def versions(conn: duckdb.DuckDBPyConnection) -> Table:
    """Every version, the current and proposed first, then by effective date."""
    return query(
        conn,
        """
        select icp_version, status, effective_from, criteria, auc, holdout_auc,
               tier_a_customers, tier_a_ltv_lift
        from marts.icp_versions
        order by case status when 'current' then 0 when 'proposed' then 1 else 2 end,
                 effective_from desc nulls first, icp_version
        """,
    )


def version_figures(conn: duckdb.DuckDBPyConnection, status: str) -> VersionFigures | None:
    """The current or the proposed version's figures (None when there is none)."""
    rows = conn.execute(
        """
        select icp_version, status, criteria, auc, holdout_auc, tier_a_customers, tier_a_ltv_lift
        from marts.icp_versions where status = ? order by icp_version desc limit 1
        """,
        [status],
    ).fetchall()
    return VersionFigures(*rows[0]) if rows else None


def backtest_by_tier(conn: duckdb.DuckDBPyConnection, status: str) -> Table:
    """The current or proposed version's tiers: LTV lift, 12-month retention, customers."""
    return query(
        conn,
        f"""
        select icp_tier as tier, accounts, customers, conversion_rate, median_ltv_usd,
               ltv_lift, retention_12m, ltv_to_cac, best_customer_share
        from marts.icp_backtest
        where status = '{status}'
          and icp_version = (select max(icp_version) from marts.icp_versions
                             where status = '{status}')
        order by icp_tier
        """,
    )


def criteria(conn: duckdb.DuckDBPyConnection, status: str) -> Table:
    """The criteria of the current or the proposed version, highest weight first."""
    return query(
        conn,
        f"""
        select criterion, attribute, operator, value, weight
        from marts.icp_version_criteria
        where status = '{status}'
        order by weight desc, criterion
        """,
    )


def as_of_date(conn: duckdb.DuckDBPyConnection) -> date:
    [(as_of,)] = conn.execute("select as_of_date from marts.dim_refresh").fetchall()
    return as_of


def proposal_rows(conn: duckdb.DuckDBPyConnection) -> list[dict[str, str]]:
    """The proposed criteria as `icp_criteria` rows: the contract's columns, effective the day
    after the as-of date (a version for the user to review, not one already in force)."""
    effective_from = (as_of_date(conn) + timedelta(days=1)).isoformat()
    rows = conn.execute(
        """
        select icp_version, criterion, attribute, operator, value, weight
        from marts.icp_version_criteria
        where status = 'proposed'
        order by weight desc, criterion
        """
    ).fetchall()
    return [
        {
            "icp_version": version,
            "effective_from": effective_from,
            "criterion": criterion,
            "attribute": attribute,
            "operator": operator,
            "value": value,
            "weight": f"{weight:g}",
        }
        for version, criterion, attribute, operator, value, weight in rows
    ]


def criteria_columns() -> tuple[str, ...]:
    """The input contract's icp_criteria columns, from the dbt sources (one place)."""
    tables = {table.name: table for table in manifest.contract()}
    return tables["icp_criteria"].columns


def write_criteria(rows: list[dict[str, str]], path: Path) -> None:
    """Write rows as an icp_criteria CSV with the contract's header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(criteria_columns()))
        writer.writeheader()
        writer.writerows(rows)


def trust_warnings(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """What the LTV-based figures rest on, in words (marts.icp_trust_warnings): LTV on the lifetime
    cap, no churn observed, and suggestions whose lift comes from capped lifetimes
    rather than from what their customers paid."""
    signals = conn.execute(
        "select signal, attribute, value, customers, of_customers, lift, realised_lift "
        "from marts.icp_trust_warnings "
        "order by case signal when 'churn_observed' then 0 when 'lifetime_cap' then 1 else 2 end, "
        "lift desc, attribute, value"
    ).fetchall()
    warnings = []
    for signal, attribute, value, customers, of_customers, lift, realised_lift in signals:
        if signal == "churn_observed":
            warnings.append(
                "no churn observed in the last 12 months: every active customer's lifetime is "
                "the cap (ltv_max_lifetime_months), so LTV ranks customers by MRR alone"
            )
        elif signal == "lifetime_cap":
            warnings.append(
                f"{customers:,} of {of_customers:,} customers ({customers / of_customers:.0%}) "
                "have an LTV resting on the lifetime cap (ltv_max_lifetime_months)"
            )
        else:
            realised = "-" if realised_lift is None else f"{realised_lift:.2f}"
            warnings.append(
                f"suggestion {attribute} = {value} (lift {lift:.2f}) rests on the cap: {customers} "
                f"of its {of_customers} best customers have a capped lifetime, and ranked by "
                f"revenue paid so far its lift is {realised}"
            )
    return warnings


def print_summary(conn: duckdb.DuckDBPyConnection) -> None:
    """The back-test lines of the `icp refresh` summary."""
    print("\nICP back-test (marts.icp_versions): auc = chance a best customer outscores another")
    print(versions(conn).text())
    warnings = trust_warnings(conn)
    print(f"\nTrust warnings: {len(warnings) or 'none'}")
    for line in warnings:
        print(f"  ! {line}")


def _figures_line(label: str, figures: VersionFigures | None) -> str:
    if figures is None:
        return f"{label}: none"

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    return (
        f"{label} {figures.icp_version} ({figures.criteria} criteria): auc {number(figures.auc)}, "
        f"holdout_auc {number(figures.holdout_auc)}, tier A LTV lift "
        f"{number(figures.tier_a_ltv_lift)} ({figures.tier_a_customers or 0} customers)"
    )


def print_proposal(conn: duckdb.DuckDBPyConnection) -> None:
    """`icp propose`: the proposal beside the current version, figures first."""
    current = version_figures(conn, "current")
    proposed = version_figures(conn, "proposed")
    print(f"As of {as_of_date(conn)}")
    print(_figures_line("current ", current))
    print(_figures_line("proposed", proposed))
    print(f"\nCurrent criteria ({current.icp_version if current else 'none'}):")
    print(criteria(conn, "current").text())
    if proposed is None:
        print("\nNo proposal: no attribute value is suggested (see marts.icp_suggestions).")
        return
    print(f"\nProposed criteria ({proposed.icp_version}):")
    print(criteria(conn, "proposed").text())
    warnings = trust_warnings(conn)
    if warnings:
        print("\nTrust warnings:")
        for line in warnings:
            print(f"  ! {line}")


def add_warehouse_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        type=Path,
        help="published DuckDB warehouse to read (default: $ICP_WAREHOUSE or warehouse/icp.duckdb)",
    )


def warehouse_path(args: argparse.Namespace) -> Path:
    """--warehouse, or the environment's warehouse setting (config.py reads the environment)."""
    from orchestration.cli import EXIT_BAD_INPUT, CommandError
    from orchestration.config import Settings, SettingsError

    if args.warehouse is not None:
        return args.warehouse.resolve()
    try:
        return Settings.from_env().warehouse
    except SettingsError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None


def add_propose_parser(commands: argparse._SubParsersAction) -> None:
    propose = commands.add_parser(
        "propose",
        help="print the proposed next ICP version beside the current one (and write it)",
        description=(
            "Print the proposed ICP (built in the warehouse from marts.icp_suggestions) beside the "
            "current version, with both versions' auc, holdout_auc and tier-A LTV lift and the "
            "trust warnings. With --out, write it as icp_criteria rows (effective the day after "
            "the as-of date) to append to your icp_criteria file."
        ),
    )
    add_warehouse_option(propose)
    propose.add_argument("--out", type=Path, metavar="FILE", help="write the proposal as CSV")


@contextmanager
def open_warehouse(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published warehouse, read-only, or a one-line error saying what to run first."""
    from orchestration.cli import EXIT_BAD_INPUT, CommandError

    if not path.is_file():
        raise CommandError(f"no warehouse at {path}: run `icp refresh` first", EXIT_BAD_INPUT)
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
        if "icp_versions" not in tables:
            raise CommandError(
                f"{path} has no marts.icp_versions (built by an older version): run `icp refresh`",
                EXIT_BAD_INPUT,
            )
        yield conn


def propose(args: argparse.Namespace) -> int:
    with open_warehouse(warehouse_path(args)) as conn:
        print_proposal(conn)
        rows = proposal_rows(conn)
    if args.out is not None and rows:
        write_criteria(rows, args.out)
        print(
            f"\nWrote {len(rows)} icp_criteria rows to {args.out} "
            f"(version {rows[0]['icp_version']}, effective from {rows[0]['effective_from']}): "
            "review them, then append them to your icp_criteria file."
        )
    return 0
