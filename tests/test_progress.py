"""The CLI's progress of the dbt build: plain lines when stderr is not a terminal (cron, CI)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from orchestration.engines.duckdb import DuckDBWarehouse
from orchestration.progress import progress_line, style_for

LINE = re.compile(r"dbt build: (\d+)/(\d+) nodes done, \d+\.\d s")


@pytest.mark.unit
def test_progress_line_says_nodes_done_of_total_and_seconds() -> None:
    assert progress_line(120, 219, 12.34) == "dbt build: 120/219 nodes done, 12.3 s"
    assert progress_line(0, None, 0.0) == "dbt build: 0 nodes done, 0.0 s"


@pytest.mark.unit
def test_progress_style_follows_the_terminal_and_verbose() -> None:
    assert style_for(verbose=False, terminal=True) == "bar"
    assert style_for(verbose=False, terminal=False) == "lines"
    assert style_for(verbose=True, terminal=True) == "none"


def test_refresh_off_a_terminal_prints_plain_progress_lines(
    published_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """The session's `icp refresh` of the company (conftest) ran with stderr captured, not a
    terminal."""
    warehouse, result = published_run
    lines = result.stderr.splitlines()
    assert lines and all(LINE.fullmatch(line) for line in lines), result.stderr
    counts = [tuple(map(int, LINE.fullmatch(line).groups())) for line in lines]
    assert [done for done, _ in counts] == sorted(done for done, _ in counts)
    results = DuckDBWarehouse(warehouse).dbt_target_dir / "run_results.json"
    nodes = len(json.loads(results.read_text())["results"])
    assert counts[-1] == (nodes, nodes)
    # stdout stays the summary scripts read: no progress, no dbt lines.
    assert "dbt build:" not in result.stdout and "START sql" not in result.stdout
