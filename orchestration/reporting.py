"""What a refresh produced, in a few numbers a person reads.

The same queries feed the `icp refresh` printout and the Dagster materialization metadata, so the
terminal and the asset page never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import duckdb


@dataclass(frozen=True)
class Table:
    """A small result: column names and rows, printable as text or markdown."""

    columns: tuple[str, ...]
    rows: list[tuple]

    def markdown(self) -> str:
        lines = [
            "| " + " | ".join(self.columns) + " |",
            "|" + "---|" * len(self.columns),
        ]
        lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in self.rows]
        return "\n".join(lines)

    def text(self, indent: str = "  ") -> str:
        cells = [list(self.columns)] + [[_cell(value) for value in row] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        return "\n".join(
            indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            for row in cells
        ).rstrip()


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float | Decimal):
        return f"{value:,.2f}"
    return str(value)


def query(conn: duckdb.DuckDBPyConnection, sql: str) -> Table:
    cursor = conn.execute(sql)
    columns = tuple(column[0] for column in cursor.description)
    return Table(columns, cursor.fetchall())


def headline(conn: duckdb.DuckDBPyConnection) -> dict[str, float | int | None]:
    """Accounts, customers and the medians of LTV and CAC over customers."""
    table = query(
        conn,
        """
        select
            count(*) as accounts,
            count(*) filter (where customer_status <> 'prospect') as customers,
            count(*) filter (where customer_status = 'active') as active_customers,
            cast(median(ltv_usd) filter (where customer_status <> 'prospect') as double)
                as median_ltv_usd,
            cast(median(cac_usd) filter (where customer_status <> 'prospect') as double)
                as median_cac_usd,
            cast(sum(ltv_usd) as double) / nullif(sum(cac_usd), 0) as ltv_to_cac
        from marts.dim_accounts
        """,
    )
    return dict(zip(table.columns, table.rows[0], strict=True))


def ltv_to_cac_by_channel(conn: duckdb.DuckDBPyConnection) -> Table:
    """Per acquisition channel: customers, medians, and total LTV over total CAC."""
    return query(
        conn,
        """
        select
            acquisition_channel as channel,
            count(*) as customers,
            round(median(ltv_usd), 2) as median_ltv_usd,
            round(median(cac_usd), 2) as median_cac_usd,
            round(sum(ltv_usd) / nullif(sum(cac_usd), 0), 2) as ltv_to_cac
        from marts.dim_accounts
        where customer_status <> 'prospect'
        group by acquisition_channel
        order by ltv_to_cac desc nulls last, channel
        """,
    )


def tier_mix(conn: duckdb.DuckDBPyConnection) -> Table:
    """Accounts per ICP tier, customers and prospects apart."""
    return query(
        conn,
        """
        select
            coalesce(icp_tier, 'unscored') as tier,
            count(*) filter (where customer_status <> 'prospect') as customers,
            count(*) filter (where customer_status = 'prospect') as prospects,
            count(*) as accounts
        from marts.dim_accounts
        group by all
        order by tier
        """,
    )


def icp_version(conn: duckdb.DuckDBPyConnection) -> str | None:
    rows = conn.execute("select max(icp_version) from marts.dim_accounts").fetchall()
    return rows[0][0]


def rejected_by_table(conn: duckdb.DuckDBPyConnection) -> Table:
    """Raw tables that lost rows to the quarantine, with the reasons."""
    return query(
        conn,
        """
        select source_table as "table", rows_read as read, rows_rejected as rejected,
               round(100 * rejected_share, 2) as rejected_pct, rejected_by_reason as reasons
        from marts.fct_load_audit
        where rows_rejected > 0
        order by rows_rejected desc, source_table
        """,
    )


def dropped_by_table(conn: duckdb.DuckDBPyConnection) -> Table:
    """Connector rows that are not data (deleted in the source, superseded), per table read."""
    return query(
        conn,
        """
        select read_from as "table", rows_read as read, rows_dropped as dropped,
               dropped_by_reason as reasons
        from marts.fct_load_audit
        where rows_dropped > 0
        order by rows_dropped desc, read_from
        """,
    )


def top_suggestions(conn: duckdb.DuckDBPyConnection, limit: int = 10) -> Table:
    """Suggested and confirmed criteria by lift, then the stale ones."""
    return query(
        conn,
        f"""
        select attribute, value, status, support, share_best, share_all, lift
        from marts.icp_suggestions
        where status is not null
        order by
            case status when 'suggested' then 1 when 'confirmed' then 2 else 3 end,
            lift desc nulls last, support desc, attribute, value
        limit {int(limit)}
        """,
    )


SPARK_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    """A tiny chart of a series in text, for terminals and the asset page alike."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    steps = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[int((value - low) / span * steps)] for value in values)


def latest_drift(conn: duckdb.DuckDBPyConnection) -> Table:
    """Drift signals of the run's as-of date (the newest date when the run's is not recorded)."""
    return query(
        conn,
        """
        select signal, status, value, reference_value, current_value
        from marts.icp_drift
        where as_of_date = (select max(as_of_date) from marts.dim_refresh)
        order by case when signal = 'overall' then 1 else 0 end, signal
        """,
    )


def top_contributors(conn: duckdb.DuckDBPyConnection, limit: int = 3) -> list[str]:
    """The values that moved most, in words: how common they were among new customers before
    and in the current window. Signals without enough data to judge (`insufficient_data`) have
    no values that "moved"."""
    rows = query(
        conn,
        f"""
        select replace(moved.signal, 'psi_', '') as attribute,
               coalesce(moved.value, '(unknown)') as value,
               moved.reference_share, moved.current_share, moved.contribution
        from marts.icp_drift_contributions as moved
        inner join marts.icp_drift as drift
            on moved.as_of_date = drift.as_of_date and moved.signal = drift.signal
        where moved.as_of_date = (select max(as_of_date) from marts.dim_refresh)
            and drift.status <> 'insufficient_data'
        order by moved.contribution desc, moved.signal, moved.value
        limit {int(limit)}
        """,
    ).rows
    return [
        f"{attribute} {value}: {reference:.0%} of new customers in the reference year, "
        f"{current:.0%} in the current window (PSI contribution {contribution:.3f})"
        for attribute, value, reference, current, contribution in rows
    ]


def drift_history(conn: duckdb.DuckDBPyConnection) -> Table:
    """Each signal's value over the recorded as-of dates, drawn as a sparkline."""
    rows = conn.execute(
        """
        select signal, list(value order by as_of_date), list(status order by as_of_date),
               count(*), min(as_of_date), max(as_of_date)
        from marts.icp_drift
        where signal <> 'overall'
        group by signal
        order by signal
        """
    ).fetchall()
    return Table(
        ("signal", "history", "latest", "status", "as-of dates"),
        [
            (
                signal,
                sparkline([value for value in values if value is not None]),
                values[-1],
                statuses[-1],
                f"{count} ({first} .. {last})",
            )
            for signal, values, statuses, count, first, last in rows
        ],
    )
