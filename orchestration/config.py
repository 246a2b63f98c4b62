"""Settings: the one module that reads the environment, with the defaults the README documents.

A refresh's settings are a value, `Settings`: the code location reads them from the environment
(`Settings.from_env()`), the CLI overrides them with its arguments (`dataclasses.replace`), and the
Dagster resources are built from that value for each run (defs/resources.py), so several refreshes
in one process each get their own settings. Every path or value that reaches SQL is validated here.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from orchestration.connectors import BILLING_SYSTEMS, CRM_SYSTEMS
from orchestration.engines import TARGETS
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


def is_numeric(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_dbt_vars(assignments: list[str]) -> dict[str, float]:
    """`name=number` overrides of numeric project vars. Values reach SQL, so only numbers pass."""
    declared = project_vars()
    parsed: dict[str, float] = {}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        name = name.strip()
        if not is_numeric(declared.get(name)):
            numeric = sorted(k for k, v in declared.items() if is_numeric(v))
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


DBT_TARGETS = TARGETS


def dbt_target(name: str) -> str:
    """The profile target a refresh builds with: one of the engines the project ships."""
    if name not in DBT_TARGETS:
        raise SettingsError(f"ICP_DBT_TARGET: {name!r} is not one of {', '.join(DBT_TARGETS)}")
    return name


def system(environ: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    """ICP_CRM / ICP_BILLING: one of the systems connectors.py reads, or None (detected)."""
    value = (environ.get(name) or "").strip().lower()
    if value and value not in allowed:
        raise SettingsError(f"{name}: {environ[name]!r} is not one of {', '.join(allowed)}")
    return value or None


def _path(environ: Mapping[str, str], name: str) -> Path | None:
    return Path(environ[name]).resolve() if environ.get(name) else None


def verbose_from_env(environ: Mapping[str, str] = os.environ) -> bool:
    """ICP_LOG_LEVEL set: show Dagster's and dbt's own output, as `--verbose` does."""
    return bool(environ.get("ICP_LOG_LEVEL"))


@dataclass(frozen=True)
class Settings:
    """What one refresh, and the code location around it, runs with."""

    data_dir: Path = DEFAULT_DATA_DIR
    warehouse: Path = DEFAULT_WAREHOUSE
    export_parquet_dir: Path | None = None
    dbt_target: str = "duckdb"
    refresh_cron: str = "0 6 * * *"
    refresh_timezone: str = "UTC"
    alert_webhook_url: str | None = None
    # Dagster's console level when verbose (ICP_LOG_LEVEL; unset: DEBUG).
    log_level: str | None = None
    # Dagster's and dbt's own output on stderr; otherwise one message when something fails.
    verbose: bool = False
    dagster_home: Path | None = None
    # Where the CRM and billing tables come from (connectors.py); None: detected from data_dir.
    crm: str | None = None
    billing: str | None = None
    # input table -> iso, day_first or month_first (dbt var date_formats, `--date-format`).
    date_formats: Mapping[str, str] = field(default_factory=dict)
    # The dbt build's progress on stderr: none, bar or lines (orchestration/progress.py; the CLI
    # chooses by whether stderr is a terminal).
    progress: str = "none"

    @property
    def console_log_level(self) -> str:
        """Dagster's console log level for a refresh: nothing below CRITICAL unless verbose (a
        failure is then explained in one message, orchestration/failures.py)."""
        return (self.log_level or "DEBUG") if self.verbose else "CRITICAL"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """The settings of the README's environment table (unset or empty: the default)."""
        return cls(
            data_dir=_path(environ, "ICP_DATA_DIR") or DEFAULT_DATA_DIR,
            warehouse=_path(environ, "ICP_WAREHOUSE") or DEFAULT_WAREHOUSE,
            export_parquet_dir=_path(environ, "ICP_EXPORT_PARQUET_DIR"),
            dbt_target=dbt_target(environ.get("ICP_DBT_TARGET") or "duckdb"),
            refresh_cron=environ.get("ICP_REFRESH_CRON") or cls.refresh_cron,
            refresh_timezone=environ.get("ICP_REFRESH_TIMEZONE") or cls.refresh_timezone,
            alert_webhook_url=environ.get("ICP_ALERT_WEBHOOK_URL") or None,
            log_level=environ.get("ICP_LOG_LEVEL") or None,
            verbose=verbose_from_env(environ),
            dagster_home=_path(environ, "DAGSTER_HOME"),
            crm=system(environ, "ICP_CRM", CRM_SYSTEMS),
            billing=system(environ, "ICP_BILLING", BILLING_SYSTEMS),
        )


def profile_environment() -> Mapping[str, str]:
    """The environment dbt's profile reads with `env_var` (profiles.yml: threads, DuckDB memory,
    Spark settings, warehouse credentials). dbt reads it in its own process; the Spark engine
    renders the profile with it to start the session dbt would start."""
    return os.environ
