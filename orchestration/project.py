"""Where things are: the project, its dbt project, and the dbt project handle Dagster uses."""

from __future__ import annotations

import json
from pathlib import Path

from dagster_dbt import DbtProject

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_DATA_DIR = PROJECT_ROOT / "seeds"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "icp.duckdb"

# The manifest is prepared with the duckdb target; its nodes are the same on every target, and
# the dbt resource runs with the one ICP_DBT_TARGET names.
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


def published_nodes() -> list[dict]:
    """The dbt nodes of the published interface, from the prepared manifest: every model and seed
    whose config says `meta: {published: true}` (the marts folder in dbt_project.yml, and the
    reference lookups dashboards join). Everything else stays in the private build file."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return sorted(
        (
            node
            for node in manifest["nodes"].values()
            if node["resource_type"] in ("model", "seed")
            and (node["config"].get("meta") or {}).get("published") is True
        ),
        key=lambda node: (node["schema"], node["alias"]),
    )


def published_relations() -> list[str]:
    """`schema.table` of the published interface, the tables the published file holds."""
    return [f"{node['schema']}.{node['alias']}" for node in published_nodes()]
