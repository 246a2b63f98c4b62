"""Settings from the environment, with the defaults the README documents.

Every path or value that reaches SQL is validated here, once, so the CLI, the Dagster definitions
and the tests share one reading of the environment.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from orchestration.project import DEFAULT_DATA_DIR, DEFAULT_WAREHOUSE


class SettingsError(ValueError):
    """A setting that cannot be used, with a message that says which and why."""


def parse_as_of(value: str | None) -> str | None:
    """An as-of date written YYYY-MM-DD and a real date, or None; anything else is refused."""
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise SettingsError(f"--as-of must be a date written YYYY-MM-DD, got {value!r}")
    try:
        date.fromisoformat(text)
    except ValueError as error:
        raise SettingsError(f"--as-of is not a calendar date: {value!r} ({error})") from None
    return text


def project_vars() -> dict[str, object]:
    """The dbt vars the project declares, with their defaults (dbt_project.yml)."""
    import yaml

    from orchestration.project import DBT_PROJECT_DIR

    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


def parse_dbt_vars(assignments: list[str]) -> dict[str, float]:
    """`name=number` overrides of numeric project vars. Values reach SQL, so only numbers pass."""
    declared = project_vars()
    parsed: dict[str, float] = {}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        name = name.strip()
        if name not in declared or isinstance(declared[name], (dict, str)) or name == "as_of_date":
            numeric = sorted(k for k, v in declared.items() if isinstance(v, (int, float)))
            raise SettingsError(
                f"--var {assignment!r}: not a numeric setting; one of: {', '.join(numeric)}"
            )
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise SettingsError(f"--var {assignment!r}: {value!r} is not a finite number")
        parsed[name] = number
    return parsed


DBT_TARGETS = ("duckdb", "spark")


def dbt_target(name: str) -> str:
    """The profile target a refresh builds with: one of the engines the project ships."""
    if name not in DBT_TARGETS:
        raise SettingsError(f"ICP_DBT_TARGET: {name!r} is not one of {', '.join(DBT_TARGETS)}")
    return name


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse: Path
    export_parquet_dir: Path | None
    memory_limit: str
    threads: int
    dbt_target: str

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            data_dir=Path(os.environ.get("ICP_DATA_DIR") or DEFAULT_DATA_DIR).resolve(),
            warehouse=Path(os.environ.get("ICP_WAREHOUSE") or DEFAULT_WAREHOUSE).resolve(),
            export_parquet_dir=(
                Path(os.environ["ICP_EXPORT_PARQUET_DIR"]).resolve()
                if os.environ.get("ICP_EXPORT_PARQUET_DIR")
                else None
            ),
            memory_limit=os.environ.get("ICP_DUCKDB_MEMORY_LIMIT", "4GB"),
            threads=int(os.environ.get("ICP_DBT_THREADS", "2")),
            dbt_target=dbt_target(os.environ.get("ICP_DBT_TARGET") or "duckdb"),
        )
