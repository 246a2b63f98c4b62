"""Where things are: the project, its dbt project, and the dbt project handle Dagster uses."""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_DATA_DIR = PROJECT_ROOT / "seeds"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "icp.duckdb"

# The manifest is prepared with the duckdb target; its nodes are the same on every target, and
# the dbt resource runs with the one ICP_DBT_TARGET names.
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target="duckdb")
