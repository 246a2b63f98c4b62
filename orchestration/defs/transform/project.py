"""The dbt project handle dagster-dbt builds the assets and the dbt resource from."""

from __future__ import annotations

from dagster_dbt import DbtProject

from orchestration.project import DBT_PROJECT_DIR, DBT_TARGET_PATH

# The manifest is prepared with the duckdb target; its nodes are the same on every target, and
# the dbt resource runs with the one ICP_DBT_TARGET names.
dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    target_path=DBT_TARGET_PATH,
    profiles_dir=DBT_PROJECT_DIR,
    target="duckdb",
)
