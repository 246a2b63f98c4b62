"""Where things are: the project, its dbt project and the manifest `make install` prepares.

Paths only (no dagster-dbt), so the commands that only read a warehouse or write files do not
import Dagster; the dbt project handle Dagster uses is in defs/transform/project.py.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_DATA_DIR = PROJECT_ROOT / "seeds"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "icp.duckdb"
# dbt's target-path (relative to the dbt project), where `make install` runs `dbt parse`.
DBT_TARGET_PATH = Path("target")
MANIFEST_PATH = DBT_PROJECT_DIR / DBT_TARGET_PATH / "manifest.json"
