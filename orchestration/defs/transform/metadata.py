"""Materialization metadata a person reads: row counts for every model, headlines for the marts.

dbt holds the working DuckDB file while it builds (in this process, through a connection of
its own configuration), so nothing else can query it mid-run (dagster-dbt's `fetch_row_counts`
would fail on it). The events of the build are therefore collected, and once dbt has closed the
file each one is enriched from a read-only connection and passed on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import dagster as dg
import duckdb

from orchestration import backtest, manifest, reporting
from orchestration.engines.base import Engine

Enricher = Callable[[duckdb.DuckDBPyConnection], dict[str, Any]]


# Headline figures plotted run after run on `marts/dim_accounts` (number metadata).
HEADLINE_FIGURES = (
    "accounts",
    "customers",
    "active_customers",
    "median_ltv_usd",
    "median_cac_usd",
    "ltv_to_cac",
    "tier_a_customer_share",
    "rejected_rows",
)


def number(value: float | int) -> dg.MetadataValue:
    """A figure as number metadata (Dagster plots these over materializations); money and ratios
    rounded to the cent and two decimals, shares to four."""
    if isinstance(value, int):
        return dg.MetadataValue.int(value)
    return dg.MetadataValue.float(round(float(value), 4))


def dim_accounts_metadata(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    numbers = reporting.headline(conn)
    return {
        **{
            name: number(numbers[name])
            for name in HEADLINE_FIGURES
            if numbers.get(name) is not None
        },
        "icp_version": reporting.icp_version(conn) or "none",
        "tier_mix": dg.MetadataValue.md(reporting.tier_mix(conn).markdown()),
        "ltv_to_cac_by_channel": dg.MetadataValue.md(
            reporting.ltv_to_cac_by_channel(conn).markdown()
            + f"\n\n{reporting.LTV_TO_CAC_BY_CHANNEL}."
        ),
    }


def icp_suggestions_metadata(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return {"top_suggestions": dg.MetadataValue.md(reporting.top_suggestions(conn).markdown())}


def signal_numbers(rows: Iterable[tuple]) -> dict[str, dg.MetadataValue]:
    """Each drift signal's value as number metadata under the signal's name (`psi_industry`,
    `fit_share`, ...), so Dagster plots every signal's history; rows as `latest_drift` gives
    them. A signal without a value (too little data) has no point."""
    return {
        signal: dg.MetadataValue.float(round(float(value), 4))
        for signal, _, value, *_ in rows
        if signal != "overall" and value is not None
    }


def icp_drift_metadata(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    latest = reporting.latest_drift(conn)
    overall = next((row[1] for row in latest.rows if row[0] == "overall"), "none")
    contributors = reporting.top_contributors(conn)
    return {
        "overall_status": overall,
        **signal_numbers(latest.rows),
        "signals": dg.MetadataValue.md(reporting.drift_signals(conn).markdown()),
        "top_contributors": dg.MetadataValue.md(
            "\n".join(f"- {line}" for line in contributors) or "none"
        ),
        "drift_history": dg.MetadataValue.md(reporting.drift_history(conn).markdown()),
    }


def icp_backtest_metadata(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """`current_auc`, `proposed_tier_a_ltv_lift`, ... as numbers (the asset page plots them run
    after run); the versions and the trust warnings as markdown."""
    metadata: dict[str, Any] = {}
    for status in ("current", "proposed"):
        figures = backtest.version_figures(conn, status)
        if figures is None:
            continue
        metadata[f"{status}_version"] = figures.icp_version
        for name in ("auc", "holdout_auc", "tier_a_ltv_lift"):
            value = getattr(figures, name)
            if value is not None:
                metadata[f"{status}_{name}"] = dg.MetadataValue.float(float(value))
    metadata["versions"] = dg.MetadataValue.md(backtest.versions(conn).markdown())
    warnings = backtest.trust_warnings(conn)
    metadata["trust_warnings"] = dg.MetadataValue.md(
        "\n".join(f"- {line}" for line in warnings) or "none"
    )
    return metadata


ENRICHERS: dict[str, Enricher] = {
    "dim_accounts": dim_accounts_metadata,
    "icp_suggestions": icp_suggestions_metadata,
    "icp_drift": icp_drift_metadata,
    "icp_backtest": icp_backtest_metadata,
}


def quarantine_metadata(conn: duckdb.DuckDBPyConnection, relation: str) -> dict[str, Any]:
    """Rows a base (quarantine) model rejected, and the share of its input."""
    [(rows, rejected)] = conn.execute(
        f"select count(*), count(_rejection_reason) from {relation}"
    ).fetchall()
    return {"rows_rejected": rejected, "rejected_share": round(rejected / rows, 4) if rows else 0.0}


def readable_relations(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """`schema.name` of the tables and views the connection can read (on Spark, dbt's views are in
    Spark's catalog only: they have no files to read)."""
    return {
        f"{schema}.{name}"
        for schema, name in conn.execute(
            "select schema_name, table_name from duckdb_tables() "
            "union all select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
    }


def model_metadata(
    conn: duckdb.DuckDBPyConnection, unique_id: str, readable: set[str]
) -> dict[str, Any]:
    relation = manifest.relations_by_unique_id().get(unique_id)
    if relation not in readable:
        return {}
    rows = conn.execute(f"select count(*) from {relation}").fetchall()[0][0]
    metadata: dict[str, Any] = {"dagster/row_count": rows}
    name = relation.split(".")[-1]
    if name.startswith("base_"):
        metadata.update(quarantine_metadata(conn, relation))
    enrich = ENRICHERS.get(name)
    if enrich is not None:
        metadata.update(enrich(conn))
    return metadata


# What dagster-dbt puts on every event that is about dbt's run, not the data: left out so the
# asset and check pages show business figures only (the unique id is read, then dropped).
DBT_INTERNALS = ("unique_id", "invocation_id", "Execution Duration")


def without_dbt_internals(metadata: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in metadata.items() if name not in DBT_INTERNALS}


def with_warehouse_metadata(events: Iterable, warehouse: Engine) -> Iterator:
    """Pass dbt's events on, each model's output enriched once the build has released the file,
    and dbt's run internals left out of every output and check result."""
    collected = []
    try:
        for event in events:
            collected.append(event)
    except Exception:
        yield from collected
        raise
    with warehouse.read_built() as conn:
        readable = readable_relations(conn)
        for event in collected:
            if isinstance(event, dg.Output) and "unique_id" in event.metadata:
                unique_id = event.metadata["unique_id"].value
                metadata = model_metadata(conn, unique_id, readable)
                yield event.with_metadata({**without_dbt_internals(event.metadata), **metadata})
            elif isinstance(event, dg.AssetCheckResult):
                yield dg.AssetCheckResult(
                    passed=event.passed,
                    asset_key=event.asset_key,
                    check_name=event.check_name,
                    metadata=without_dbt_internals(event.metadata),
                    severity=event.severity,
                    description=event.description,
                )
            else:
                yield event
