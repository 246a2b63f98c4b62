"""What a refresh compares itself with before it may replace the published warehouse.

The accepted-drop check (`accepted_rows_drop_error`, dbt_project/macros/tests/accepted_drop.sql)
needs the accepted row counts of the warehouse published before. A refresh starts a new working
file with only the published schema and the drift history, so those counts are carried over here,
as `raw.published_load_audit`, when the build starts. It stays in the private build file: only the
published interface (manifest.published_relations) is copied into the published file.
"""

from __future__ import annotations

import duckdb

PUBLISHED_COUNTS = "raw.published_load_audit"
LOAD_AUDIT = "marts.fct_load_audit"


def carry_published_counts(
    conn: duckdb.DuckDBPyConnection, published: str, catalog: str, tables: set[str]
) -> None:
    """Copy the accepted rows per table of the attached published database `published` into the
    working database `catalog`; nothing when it has no load audit yet."""
    if LOAD_AUDIT not in tables:
        return
    conn.execute(f"create schema if not exists {catalog}.raw")
    conn.execute(
        f"create or replace table {catalog}.{PUBLISHED_COUNTS} as "
        f"select source_table, rows_accepted from {published}.{LOAD_AUDIT}"
    )
