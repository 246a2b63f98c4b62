"""Where things are: the project, its dbt project, and the dbt project handle Dagster uses."""

from __future__ import annotations

import json
from pathlib import Path

from dagster_dbt import DbtProject

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_DATA_DIR = PROJECT_ROOT / "seeds"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "icp.duckdb"

# The Dagster code location builds the DuckDB warehouse whatever ICP_DBT_TARGET says (Spark builds
# run through `icp refresh --target spark`).
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target="duckdb")


def incremental_relations() -> list[str]:
    """`schema.table` of the incremental models (the drift history): the rows one refresh hands to
    the next, read from the prepared manifest."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return sorted(
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental"
    )
