"""Settings from the environment, with the defaults the README documents.

Every path or value that reaches SQL is validated here, once, so the CLI, the Dagster definitions
and the tests share one reading of the environment.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse: Path
    memory_limit: str
    threads: int

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            data_dir=Path(os.environ.get("ICP_DATA_DIR") or DEFAULT_DATA_DIR).resolve(),
            warehouse=Path(os.environ.get("ICP_WAREHOUSE") or DEFAULT_WAREHOUSE).resolve(),
            memory_limit=os.environ.get("ICP_DUCKDB_MEMORY_LIMIT", "4GB"),
            threads=int(os.environ.get("ICP_DBT_THREADS", "2")),
        )
