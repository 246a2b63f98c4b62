"""How `make bench` judges the demo's 10 s target: on the median of its warm runs, a run that
happened (benchmarks/run.py), with the range of the runs beside it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import run as bench  # noqa: E402

pytestmark = pytest.mark.unit


def demo_runs(*walls: float) -> list[bench.RunResult]:
    return [
        bench.RunResult(f"demo-{n}", 2_000, pipeline={"wall_s": wall})
        for n, wall in enumerate(walls, start=1)
    ]


def demo_line(walls: tuple[float, ...]) -> str:
    results = {"sizes": [], "demo_runs": demo_runs(*walls)}
    [line] = [line for line in bench.targets(results, "3GB") if "demo refresh" in line]
    return line


def test_the_median_run_is_one_of_the_runs() -> None:
    runs = demo_runs(12.4, 9.1, 10.2)
    assert bench.median_run(runs) is runs[2]


def test_the_target_is_judged_on_the_median_with_the_range_beside_it() -> None:
    assert demo_line((12.4, 9.1, 10.0)) == (
        "  demo refresh (seeds/, warm) <= 10 s: 10.0 s (median of 3: 9.1-12.4 s) -> met"
    )
    assert demo_line((9.1, 10.2, 10.3)).endswith("10.2 s (median of 3: 9.1-10.3 s) -> NOT met")
