"""What a refresh produced, in a few numbers a person reads.

The same queries feed the `icp refresh` printout, the Dagster materialization metadata and the
HTML report, so the terminal and the asset page never disagree. How a figure is written is decided
once, by its column's name (`format_value`, `header`): money (`*_usd`) in whole dollars with
thousands separators, shares (`*_share`, `*_rate`, `share_*`, `retention_*`) in percent, ratios
(`ltv_to_cac`, `*lift`, `*auc`) to two decimals, and the unit in the column header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import duckdb

# Words written as people write them in headers.
WORDS = {"ltv": "LTV", "cac": "CAC", "icp": "ICP", "mrr": "MRR", "auc": "AUC", "psi": "PSI"}
RATIO = re.compile(r"(^|_)(ltv_to_cac|lift|auc)$|_lift$")
SHARE = re.compile(r"(_share|_rate|^share_\w+|^retention_\w+)$")


def kind_of(column: str) -> str:
    """How a column's values are written: `usd`, `share`, `ratio` or `plain`, by its name."""
    if column.endswith("_usd"):
        return "usd"
    if SHARE.search(column):
        return "share"
    if RATIO.search(column):
        return "ratio"
    return "plain"


def format_value(value: object, kind: str = "plain") -> str:
    """One figure for people: `$65,510`, `12.5%`, `10.75`, `1,234`; `-` for nothing."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if kind == "usd":
        return f"${value:,.0f}" if value >= 0 else f"-${-value:,.0f}"
    if kind == "share":
        percent = 100 * float(value)
        # A few rows in ten thousand still show: 0.02%, not 0.0%.
        return f"{percent:.2f}%" if 0 < abs(percent) < 1 else f"{percent:.1f}%"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}"


def header(column: str) -> str:
    """A column's header with its unit: `median_ltv_usd` -> `median LTV ($)`, `ltv_to_cac` ->
    `LTV:CAC`, `share_best` -> `share best (%)`."""
    kind = kind_of(column)
    name = column.removesuffix("_usd").replace("ltv_to_cac", "ltv:cac")
    words = " ".join(WORDS.get(word, word) for word in name.split("_"))
    words = words.replace("ltv:cac", "LTV:CAC")
    return words + {"usd": " ($)", "share": " (%)"}.get(kind, "")


@dataclass(frozen=True)
class Table:
    """A small result: column names and rows, printable as text or markdown for people."""

    columns: tuple[str, ...]
    rows: list[tuple]

    def cells(self) -> list[list[str]]:
        """The header and every row as the strings a person reads."""
        kinds = [kind_of(column) for column in self.columns]
        return [[header(column) for column in self.columns]] + [
            [format_value(value, kind) for value, kind in zip(row, kinds, strict=True)]
            for row in self.rows
        ]

    def markdown(self) -> str:
        head, *body = self.cells()
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)

    def text(self, indent: str = "  ") -> str:
        cells = self.cells()
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        return "\n".join(
            indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            for row in cells
        ).rstrip()


def query(conn: duckdb.DuckDBPyConnection, sql: str) -> Table:
    cursor = conn.execute(sql)
    columns = tuple(column[0] for column in cursor.description)
    return Table(columns, cursor.fetchall())


def headline(conn: duckdb.DuckDBPyConnection) -> dict[str, float | int | None]:
    """Accounts, customers, the medians of LTV and CAC over customers, LTV:CAC (total LTV over
    total CAC of the customers that have a CAC, as the back-test's tiers), the share of customers
    in tier A and the rejected input rows."""
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
            round(
                cast(sum(ltv_usd) filter (where customer_status <> 'prospect' and cac_usd > 0)
                    as double)
                / nullif(
                    cast(sum(cac_usd) filter (where customer_status <> 'prospect') as double), 0
                ),
                2
            ) as ltv_to_cac,
            cast(count(*) filter (where customer_status <> 'prospect' and icp_tier = 'A')
                as double)
                / nullif(count(*) filter (where customer_status <> 'prospect'), 0)
                as tier_a_customer_share,
            (select cast(coalesce(sum(rows_rejected), 0) as bigint) from marts.fct_load_audit)
                as rejected_rows
        from marts.dim_accounts
        """,
    )
    return dict(zip(table.columns, table.rows[0], strict=True))


# The one definition of LTV:CAC by channel, said where it is shown.
LTV_TO_CAC_BY_CHANNEL = (
    "LTV:CAC = total LTV / total CAC of the channel's customers that have a CAC "
    "(as the back-test's tiers); customers without a CAC (no spend in their channel-month) "
    "are counted but left out of the ratio"
)


def ltv_to_cac_by_channel(conn: duckdb.DuckDBPyConnection) -> Table:
    """Per acquisition channel, largest first: customers, those with a CAC, their total LTV and
    CAC, and LTV:CAC = the one over the other (`LTV_TO_CAC_BY_CHANNEL`)."""
    return query(
        conn,
        """
        select
            acquisition_channel as channel,
            count(*) as customers,
            count(*) filter (where cac_usd > 0) as customers_with_cac,
            cast(sum(ltv_usd) filter (where cac_usd > 0) as double) as total_ltv_usd,
            cast(sum(cac_usd) filter (where cac_usd > 0) as double) as total_cac_usd,
            round(
                cast(sum(ltv_usd) filter (where cac_usd > 0) as double)
                / nullif(cast(sum(cac_usd) filter (where cac_usd > 0) as double), 0),
                2
            ) as ltv_to_cac
        from marts.dim_accounts
        where customer_status <> 'prospect'
        group by acquisition_channel
        order by customers desc, channel
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
               rejected_share, rejected_by_reason as reasons
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


def latest_drift(conn: duckdb.DuckDBPyConnection) -> Table:
    """Drift signals of the run's as-of date, as stored (the checks and the alert read these)."""
    return query(
        conn,
        """
        select signal, status, value, reference_value, current_value
        from marts.icp_drift
        where as_of_date = (select max(as_of_date) from marts.dim_refresh)
        order by case when signal = 'overall' then 1 else 0 end, signal
        """,
    )


def drift_cells(
    signal: str, value: float | None, reference: float | None, current: float | None
) -> tuple[str, str, str]:
    """A drift row's value and windows with their units: a PSI row's windows are customer
    counts, `fit_share`'s are the A/B share in percent and its value the change in points,
    `best_customer_alignment` is a percent (metrics.md)."""
    if signal == "overall":
        return "-", "-", "-"
    if signal.startswith("psi_"):

        def customers(count: float | None) -> str:
            return "-" if count is None else f"{count:,.0f} customers"

        psi = "-" if value is None else f"PSI {value:.3f}"
        return psi, customers(reference), customers(current)

    def percent(share: float | None) -> str:
        return "-" if share is None else f"{share:.1f}%"

    if signal == "fit_share":
        points = "-" if value is None else f"{value:+.1f} points"
        return points, f"{percent(reference)} in A/B", f"{percent(current)} in A/B"
    return percent(value), "-", f"{percent(current)} of best customers in A/B"


def drift_signals(conn: duckdb.DuckDBPyConnection) -> Table:
    """The run's drift signals for people: each value and window written with its unit."""
    rows = [
        (signal, status, *drift_cells(signal, value, reference, current))
        for signal, status, value, reference, current in latest_drift(conn).rows
    ]
    return Table(("signal", "status", "value", "reference year", "current 90 days"), rows)


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


def drift_history(conn: duckdb.DuckDBPyConnection, dates: int = 12) -> Table:
    """Each signal's value at the latest recorded as-of dates, newest first: PSI per attribute,
    the fit-share change in points, the alignment in percent. The asset's plots draw the same
    values run after run (number metadata)."""
    rows = conn.execute(
        f"""
        select as_of_date, signal, value
        from marts.icp_drift
        where signal <> 'overall'
            and as_of_date in (
                select distinct as_of_date from marts.icp_drift
                order by as_of_date desc limit {int(dates)}
            )
        order by as_of_date desc, signal
        """
    ).fetchall()
    signals = sorted({signal for _, signal, _ in rows}, key=lambda name: (name[:4] != "psi_", name))
    values = {(as_of, signal): value for as_of, signal, value in rows}
    as_ofs = sorted({as_of for as_of, _, _ in rows}, reverse=True)
    columns = ("as_of", *(HISTORY_COLUMNS.get(signal, signal) for signal in signals))
    return Table(
        columns,
        [(str(as_of), *(values.get((as_of, signal)) for signal in signals)) for as_of in as_ofs],
    )


HISTORY_COLUMNS = {
    "fit_share": "fit_share_change_points",
    "best_customer_alignment": "best_customer_alignment_pct",
}
