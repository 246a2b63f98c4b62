"""The README's settings tables say what the code reads: every dbt var of dbt_project.yml and every
environment variable the settings or dbt's DuckDB profile read, nothing more, nothing less."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pytest

from orchestration.config import Settings, project_vars
from orchestration.project import DBT_PROJECT_DIR, PROJECT_ROOT

pytestmark = pytest.mark.unit

README = PROJECT_ROOT / "README.md"


def table_names(heading: str, column: str) -> set[str]:
    """The backticked names in the first column of the README table whose header starts with
    `| column |`, after the line starting with `heading`."""
    text = README.read_text()
    section = text[text.index(heading) :]
    table = section[section.index(f"| {column} |") :].split("\n\n", 1)[0]
    names: set[str] = set()
    for row in table.splitlines()[2:]:
        names |= set(re.findall(r"`([A-Za-z_]+)`", row.split("|")[1]))
    return names


class Recording(Mapping[str, str]):
    """An empty environment that remembers which variables were asked for."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        raise KeyError(key)

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(key)
        return default

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def profile_variables(target: str) -> set[str]:
    """`env_var(...)` names in the profile's header and one output."""
    text = (DBT_PROJECT_DIR / "profiles.yml").read_text()
    header, outputs = text.split("outputs:", 1)
    block = re.split(r"\n    (?=\w+:\n)", outputs)
    chosen = next(part for part in block if part.lstrip().startswith(f"{target}:"))
    return set(re.findall(r"env_var\('(\w+)'", header + chosen))


def test_environment_table_matches_what_is_read() -> None:
    environ = Recording()
    Settings.from_env(environ)
    # ICP_DUCKDB_PATH is where a plain `dbt` run builds; a refresh passes its path as a var.
    read = environ.asked | (profile_variables("duckdb") - {"ICP_DUCKDB_PATH"})
    assert table_names("Environment variables", "variable") == read


def test_dbt_var_table_matches_dbt_project_yml() -> None:
    assert table_names("dbt vars", "var") == set(project_vars())


def test_spark_settings_are_documented_in_the_scaling_guide() -> None:
    scaling = (PROJECT_ROOT / "docs" / "scaling.md").read_text()
    missing = {name for name in profile_variables("spark") if f"`{name}`" not in scaling}
    assert missing == set()


def test_readme_names_only_modules_that_exist() -> None:
    text = README.read_text()
    layout = text[text.index("```\norchestration/") :].split("```", 2)[1]
    for name in re.findall(r"^  (\w+\.py|\w+/)", layout, flags=re.M):
        assert (PROJECT_ROOT / "orchestration" / name.rstrip("/")).exists(), name
