"""`icp report`: one self-contained HTML file for the person who never opens Dagster.

Everything is read from the published warehouse through the same queries as the `icp refresh`
summary (reporting.py, backtest.py). Charts are drawn by matplotlib as SVG and inlined: no
JavaScript, no font or script to fetch, so the file opens offline in any browser, prints, and
attaches to an email (docs/decisions.md has the comparison with Vega-Lite and Plotly).
"""

from __future__ import annotations

import argparse
import io
import time
from datetime import timedelta
from decimal import Decimal
from html import escape
from pathlib import Path
from string import Template

import duckdb

from orchestration import backtest, reporting
from orchestration.config import project_vars
from orchestration.reporting import Table, format_value, header, kind_of

TEMPLATE = Path(__file__).with_name("report_template.html")
TIER_COLOURS = {"current": "#3b6ea8", "proposed": "#e08a2c"}
# One PSI signal per attribute of the dbt var the drift models read.
PSI_SIGNALS = tuple(f"psi_{attribute}" for attribute in project_vars()["drift_attributes"])


def _pyplot():
    """matplotlib's pyplot on the file-only backend, set up for small, text-as-text SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: smaller, selectable, the browser's font
            "svg.hashsalt": "icp-report",  # the same input gives the same file
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def svg(figure) -> str:
    """The figure as an inline <svg> element (no XML prolog, no metadata date)."""
    plt = _pyplot()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def html_table(table: Table, numeric_digits: int | None = 2) -> str:
    """A Table as HTML: money and shares as the summary writes them (reporting.format_value),
    other floats with `numeric_digits` decimals, or as written when None."""

    def cell(value: object, kind: str) -> str:
        if value is None:
            return "<td class='none'>–</td>"
        if kind in ("usd", "share") and isinstance(value, int | float | Decimal):
            return f"<td class='num'>{format_value(value, kind)}</td>"
        if isinstance(value, float):
            text = f"{value:,g}" if numeric_digits is None else f"{value:,.{numeric_digits}f}"
            return f"<td class='num'>{text}</td>"
        if isinstance(value, int) and not isinstance(value, bool):
            return f"<td class='num'>{value:,}</td>"
        return f"<td>{escape(str(value))}</td>"

    kinds = [kind_of(column) for column in table.columns]
    head = "".join(f"<th>{escape(header(column))}</th>" for column in table.columns)
    body = "".join(
        "<tr>" + "".join(cell(v, k) for v, k in zip(row, kinds, strict=True)) + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def tier_mix_chart(table: Table) -> str:
    plt = _pyplot()
    tiers = [row[0] for row in table.rows]
    customers = [row[1] for row in table.rows]
    prospects = [row[2] for row in table.rows]
    figure, axes = plt.subplots(figsize=(5.2, 2.6))
    axes.bar(tiers, customers, label="customers", color="#3b6ea8")
    axes.bar(tiers, prospects, bottom=customers, label="prospects", color="#b8c9de")
    axes.set_ylabel("accounts")
    axes.legend(frameon=False)
    return svg(figure)


def backtest_chart(current: Table, proposed: Table) -> str:
    """LTV lift and 12-month retention by tier, current and proposed side by side."""
    plt = _pyplot()
    figure, (lift_axes, retention_axes) = plt.subplots(1, 2, figsize=(9, 3))
    tiers = ["A", "B", "C", "D"]
    width = 0.38
    for offset, (label, table) in enumerate((("current", current), ("proposed", proposed))):
        rows = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
        if not rows:
            continue
        positions = [index + (offset - 0.5) * width for index in range(len(tiers))]
        lifts = [rows.get(tier, {}).get("ltv_lift") or 0 for tier in tiers]
        retention = [100 * (rows.get(tier, {}).get("retention_12m") or 0) for tier in tiers]
        colour = TIER_COLOURS[label]
        lift_axes.bar(positions, lifts, width, label=label, color=colour)
        retention_axes.bar(positions, retention, width, label=label, color=colour)
    for axes, title in ((lift_axes, "LTV lift (1 = average customer)"), (retention_axes, "")):
        axes.set_xticks(range(len(tiers)), [f"tier {tier}" for tier in tiers])
        if title:
            axes.set_title(title, fontsize=10)
    lift_axes.axhline(1, color="#888", linewidth=0.8, linestyle="--")
    retention_axes.set_title("12-month retention, %", fontsize=10)
    retention_axes.set_ylim(0, 100)
    lift_axes.legend(frameon=False)
    return svg(figure)


def channel_chart(table: Table) -> str:
    plt = _pyplot()
    rows = [row for row in table.rows if row[-1] is not None]
    figure, axes = plt.subplots(figsize=(5.2, 0.35 * len(rows) + 0.8))
    axes.barh([row[0] for row in rows][::-1], [row[-1] for row in rows][::-1], color="#3b6ea8")
    axes.axvline(3, color="#c0392b", linewidth=0.8, linestyle="--")
    axes.text(3, len(rows) - 0.4, " 3:1", color="#c0392b", fontsize=8)
    axes.set_xlabel("LTV:CAC")
    return svg(figure)


def drift_chart(conn: duckdb.DuckDBPyConnection, warn: float, alert: float) -> str:
    """Each distribution's PSI over the recorded as-of dates, with the warn and alert lines."""
    plt = _pyplot()
    rows = conn.execute(
        f"""
        select signal, as_of_date, value from marts.icp_drift
        where signal in ({", ".join(f"'{signal}'" for signal in PSI_SIGNALS)})
          and value is not null
        order by signal, as_of_date
        """
    ).fetchall()
    figure, axes = plt.subplots(figsize=(9, 3))
    for signal in PSI_SIGNALS:
        points = [(as_of, value) for name, as_of, value in rows if name == signal]
        if points:
            dates, values = zip(*points, strict=True)
            axes.plot(dates, values, marker="o", markersize=4, label=signal.removeprefix("psi_"))
    axes.axhline(warn, color="#e0a800", linewidth=1, linestyle="--", label=f"warn {warn}")
    axes.axhline(alert, color="#c0392b", linewidth=1, linestyle="--", label=f"alert {alert}")
    dates = sorted({as_of for _, as_of, _ in rows})
    if len(dates) == 1:
        # One point per line: give it room, and say how to get a history.
        axes.set_xlim(dates[0] - timedelta(days=60), dates[0] + timedelta(days=60))
        axes.set_title("one as-of date so far: icp backfill-drift fills the history", fontsize=9)
    axes.set_ylabel("PSI")
    axes.set_ylim(bottom=0)
    axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    figure.autofmt_xdate()
    return svg(figure)


def top_prospects(conn: duckdb.DuckDBPyConnection, limit: int = 10) -> Table:
    return reporting.query(
        conn,
        f"""
        select account_name as account, industry, employee_band as employees, region,
               icp_fit_score as fit, icp_tier as tier, icp_fit_reasons as reasons
        from marts.dim_accounts
        where customer_status = 'prospect' and icp_fit_score is not null
        order by icp_fit_score desc, icp_fit_confidence desc, account_id
        limit {int(limit)}
        """,
    )


def headline_html(conn: duckdb.DuckDBPyConnection) -> str:
    numbers = reporting.headline(conn)

    def money(value: float | None) -> str:
        return "–" if value is None else f"${value:,.0f}"

    ratio = numbers["ltv_to_cac"]
    cards = [
        ("customers", f"{numbers['customers']:,}", f"{numbers['active_customers']:,} active"),
        ("median LTV", money(numbers["median_ltv_usd"]), "per customer"),
        ("median CAC", money(numbers["median_cac_usd"]), "per customer"),
        ("LTV:CAC", "–" if ratio is None else f"{ratio:.2f}", "total LTV / total CAC, with a CAC"),
    ]
    return "".join(
        f"<div class='card'><div class='label'>{escape(label)}</div>"
        f"<div class='value'>{escape(value)}</div><div class='note'>{escape(note)}</div></div>"
        for label, value, note in cards
    )


def versions_html(conn: duckdb.DuckDBPyConnection) -> str:
    current = backtest.version_figures(conn, "current")
    proposed = backtest.version_figures(conn, "proposed")
    if current is None or proposed is None or current.auc is None or proposed.auc is None:
        verdict = "There is no proposal to compare with the current ICP."
    elif proposed.auc > current.auc:
        verdict = (
            f"The proposed version ranks the best customers first more often than the current "
            f"one (auc {proposed.auc:.2f} against {current.auc:.2f}): review it with "
            "<code>icp propose --out</code>."
        )
    else:
        verdict = (
            f"The current ICP ranks the best customers at least as well as the proposal "
            f"(auc {current.auc:.2f} against {proposed.auc:.2f})."
        )
    return f"<p class='verdict'>{verdict}</p>" + html_table(backtest.versions(conn), 3)


def render(conn: duckdb.DuckDBPyConnection) -> str:
    settings = project_vars()
    warnings = backtest.trust_warnings(conn)
    rejected = reporting.rejected_by_table(conn)
    current_tiers = backtest.backtest_by_tier(conn, "current")
    proposed_tiers = backtest.backtest_by_tier(conn, "proposed")
    channels = reporting.ltv_to_cac_by_channel(conn)
    tier_mix = reporting.tier_mix(conn)
    values = {
        "as_of": escape(str(backtest.as_of_date(conn))),
        "version": escape(reporting.icp_version(conn) or "none"),
        "headline": headline_html(conn),
        "tier_mix_chart": tier_mix_chart(tier_mix),
        "tier_mix_table": html_table(tier_mix),
        "backtest_chart": backtest_chart(current_tiers, proposed_tiers),
        "backtest_current": html_table(current_tiers, 2),
        "backtest_proposed": html_table(proposed_tiers, 2),
        "versions": versions_html(conn),
        "current_criteria": html_table(backtest.criteria(conn, "current"), None),
        "proposed_criteria": html_table(backtest.criteria(conn, "proposed"), None),
        "prospects": html_table(top_prospects(conn), 1),
        "channel_chart": channel_chart(channels),
        "channel_table": html_table(channels),
        "drift_chart": drift_chart(
            conn, float(settings["drift_psi_warn"]), float(settings["drift_psi_alert"])
        ),
        "drift_table": html_table(reporting.drift_signals(conn)),
        "warnings": "".join(f"<li>{escape(line)}</li>" for line in warnings)
        or "<li class='ok'>none</li>",
        "rejected": html_table(rejected) if rejected.rows else "<p>No input row was rejected.</p>",
    }
    return Template(TEMPLATE.read_text()).substitute(values)


def write_report(warehouse: Path, out: Path) -> float:
    """Write the report of `warehouse` to `out`; return the seconds it took."""
    started = time.monotonic()
    with backtest.open_warehouse(warehouse) as conn:
        page = render(conn)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)
    return time.monotonic() - started


def add_report_parser(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report",
        help="write the ICP report: one self-contained HTML file, readable offline",
        description=(
            "Write one HTML file (charts inlined as SVG, no JavaScript, nothing fetched when it "
            "opens): the headline, the tier mix, the back-test, the proposal beside the current "
            "ICP, the top prospects, LTV:CAC by channel, the drift history, the trust warnings "
            "and the rejected input rows."
        ),
    )
    backtest.add_warehouse_option(report)
    report.add_argument(
        "--out",
        type=Path,
        metavar="FILE.html",
        help="where to write it (default: icp-report.html beside the warehouse)",
    )


def report(args: argparse.Namespace) -> int:
    warehouse = backtest.warehouse_path(args)
    out = (args.out or warehouse.with_name("icp-report.html")).resolve()
    seconds = write_report(warehouse, out)
    print(f"Report: {out}  ({out.stat().st_size / 1024:,.0f} KB, written in {seconds:.1f} s)")
    return 0
