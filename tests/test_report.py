"""`icp report`: one self-contained HTML file, every chart drawn, nothing fetched when it opens.

Built from the hand-computed back-test company, the build tests/test_backtest.py reads too
(conftest `backtest_build`). The browser test renders the file in headless Chromium (Debian's
`chromium`; skipped with the reason when it is absent) behind a proxy that does not exist, so any
request the page made would fail and be logged as a console error.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import pytest

from orchestration import cli

CHARTS = ("chart-backtest", "chart-tier-mix", "chart-channels", "chart-drift")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--proxy-server=127.0.0.1:9",  # nothing listens there: any request fails, and is logged
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.fixture(scope="module")
def report_file(
    backtest_build: tuple[Path, dg.ExecuteInProcessResult],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """The report of the shared back-test build (conftest), written to this module's folder."""
    warehouse, _ = backtest_build
    out = tmp_path_factory.mktemp("report") / "out" / "report.html"
    assert cli.main(["report", "--warehouse", str(warehouse), "--out", str(out)]) == 0
    return out


def chart_bodies(page: str) -> dict[str, str]:
    """The markup of each chart figure, by id."""
    return dict(re.findall(r'<figure class="chart" id="([\w-]+)">(.*?)</figure>', page, re.S))


def test_report_has_every_section_and_chart(report_file: Path) -> None:
    page = report_file.read_text()
    charts = chart_bodies(page)
    assert sorted(charts) == sorted(CHARTS)
    for name, body in charts.items():
        assert body.startswith("<svg"), name
        assert body.count("<path") >= 5, f"{name} draws nothing"
    for heading in (
        "Trust warnings",
        "Every version compared",
        "The proposal beside the current ICP",
        "Top prospects by fit",
        "LTV:CAC by acquisition channel",
        "Rejected input rows",
    ):
        assert heading in page
    # Figures from the back-test: the proposed version's auc, a capped-suggestion warning.
    assert "proposed-2024-06-30" in page and "0.969" in page
    assert "suggestion tech_stack = dbt (lift 5.00) rests on the cap" in page
    assert "7 of 10 customers (70%) have an LTV resting on the lifetime cap" in page


def test_report_needs_nothing_from_the_network(report_file: Path) -> None:
    page = report_file.read_text()
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    # Clip paths refer to the page itself (url(#id)); nothing else is referenced.
    assert "@import" not in page and not re.search(r"url\((?!#)", page)


def test_missing_warehouse_is_one_message(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["report", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"icp report: no warehouse at {tmp_path / 'none.duckdb'}: run `icp refresh` first"
    )


@pytest.mark.browser
@pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)"
)
def test_report_renders_in_chromium_offline(report_file: Path, tmp_path: Path) -> None:
    url = report_file.as_uri()
    screenshot = tmp_path / "report.png"
    # One run lays the page out once, then dumps its DOM and takes the screenshot.
    rendered = subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={screenshot}",
            "--window-size=1100,1600",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    charts = chart_bodies(rendered.stdout)
    assert sorted(charts) == sorted(CHARTS), "every chart is in the rendered page"
    console = [line for line in rendered.stderr.splitlines() if "CONSOLE" in line or "ERR_" in line]
    assert console == [], "no console message and no failed request"
    assert screenshot.stat().st_size > 20_000, "a page with content, not a blank one"
