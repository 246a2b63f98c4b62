"""`make lint-sql` lints what changed since the last clean lint, and everything when a file that
every model renders with changed or no clean lint is on record: the Makefile's rule, run dry
(`make -n`) on a small project laid out like ours, with file times set by hand."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from orchestration.project import PROJECT_ROOT

pytestmark = pytest.mark.unit

MODELS = [f"models/m{i:02}.sql" for i in range(16)]
SQL = [*MODELS, "tests/assert_t.sql"]
CONTEXT = ["macros/m.sql", "models/_models.yml", "dbt_project.yml", ".sqlfluff"]
MAKEFILE = PROJECT_ROOT / "Makefile"
STAMP = re.search(r"^LINT_SQL_STAMP := (\S+)$", MAKEFILE.read_text(), re.MULTILINE)[1]


def set_time(path: Path, seconds: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path, (seconds, seconds))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Sources at time 1,000 and a clean lint at 3,000. The install stays out of date: a dry run
    only prints its commands."""
    shutil.copy(MAKEFILE, tmp_path / "Makefile")
    for name in ["pyproject.toml", "uv.lock", *(f"dbt_project/{n}" for n in SQL + CONTEXT)]:
        set_time(tmp_path / name, 1_000)
    set_time(tmp_path / STAMP, 3_000)
    return tmp_path


def linted(project: Path) -> tuple[int, list[str]] | None:
    """The sqlfluff command `make lint-sql` would run, its --processes and its files; None when it
    would run none."""
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "lint-sql"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    found = re.search(r"sqlfluff lint --processes (\d+) +(.*)", dry)
    return (int(found[1]), sorted(found[2].split())) if found else None


def test_nothing_changed_lints_nothing(project: Path) -> None:
    assert linted(project) is None


def test_one_changed_model_is_linted_alone_on_one_process(project: Path) -> None:
    set_time(project / "dbt_project" / MODELS[3], 4_000)
    set_time(project / "dbt_project/tests/assert_t.sql", 4_000)
    assert linted(project) == (1, sorted([MODELS[3], "tests/assert_t.sql"]))


@pytest.mark.parametrize("context", [*CONTEXT, "../uv.lock"])
def test_a_changed_shared_file_lints_every_file_on_every_core(project: Path, context: str) -> None:
    set_time(project / "dbt_project" / context, 4_000)
    assert linted(project) == (0, sorted(SQL))


def test_without_a_clean_lint_every_file_is_linted(project: Path) -> None:
    (project / STAMP).unlink()
    assert linted(project) == (0, sorted(SQL))
