"""The Dagster UI: the code location loads in the webserver, the lineage page renders, and the
demo's runs are there as `make demo` leaves them.

Starts `dagster-webserver` on `workspace.yaml` (a free port on 127.0.0.1, a temporary DAGSTER_HOME
with the project's dagster.yaml), checks through its GraphQL API that the raw tables, the marts,
the schedule and the sensor are there and that every mart is fed by a raw table, then renders the
global asset lineage page in headless Chromium and saves it as tests/artifacts/lineage.png.
Then it records the demo's runs in that instance as `make demo` does (`icp backfill-drift` with
DAGSTER_HOME set; one past as-of date here, three in `make demo`) and checks what a person sees:
`marts/dim_accounts` materialized with its headline figures as numbers, every drift signal
plotted with a point per run, the overall drift status as a run tag, and screenshots of the
README's expanded lineage link and of the `dim_accounts` page in tests/artifacts/ (untracked;
copy lineage-expanded.png over docs/images/lineage.png by hand to refresh the README's picture).

Chromium is /usr/bin/chromium (Debian package `chromium`); when it is missing the test tries
`apt-get install -y chromium` once (as root) and skips the screenshot if that fails. Timings (the
definitions' import, the webserver answering) are printed to the terminal.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import duckdb
import numpy as np
import pytest

from orchestration.defs.drift.checks import DRIFT_STATUS_TAG, FAMILIES
from orchestration.defs.freshness import FAIL_WINDOW
from orchestration.defs.ingest.assets import RAW_TABLES
from orchestration.defs.serve.assets import published_keys
from orchestration.defs.transform.metadata import HEADLINE_FIGURES
from orchestration.defs.translator import raw_asset_key

pytestmark = pytest.mark.browser

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = PROJECT_ROOT / "tests" / "artifacts" / "lineage.png"
FAILED_SCREENSHOT = PROJECT_ROOT / "tests" / "artifacts" / "lineage-failed.png"
LINEAGE_PATH = "/asset-groups"  # the "Global asset lineage" page of the Dagster 1.13 UI
STARTUP_TIMEOUT = 120.0
CHROMIUM_TIMEOUT = 120.0
ERROR_TEXT = re.compile(
    r"\berror\b|something went wrong|unexpected|failed to|could not|not found", re.IGNORECASE
)


def report(request: pytest.FixtureRequest, line: str) -> None:
    """A line on the terminal, past pytest's output capture."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_group(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it after the grace period."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        process.wait()
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and (process.poll() is None or group_alive(process.pid)):
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def run_group(command: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    """Run a command in its own process group, killed whole if it outlives the timeout."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        **kwargs,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_group(process, grace=2.0)
        stdout, stderr = process.communicate()
        pytest.fail(f"{command[0]} did not finish in {timeout:.0f} s: {stderr[-2000:]!r}")
    finally:
        stop_group(process, grace=2.0)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Webserver:
    url: str
    log: Path
    home: Path
    timings: dict[str, float] = field(default_factory=dict)

    def graphql(self, query: str, timeout: float = 30.0) -> dict:
        body = json.dumps({"query": query}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.load(response)
        assert not payload.get("errors"), f"GraphQL errors: {payload['errors']}"
        return payload["data"]


WORKSPACE_QUERY = """
{ workspaceOrError { __typename
    ... on Workspace { locationEntries { name loadStatus
        locationOrLoadError { __typename ... on PythonError { message stack } } } }
    ... on PythonError { message } } }
"""


def wait_until_loaded(server: Webserver, process: subprocess.Popen, started: float) -> None:
    """Poll until the webserver answers and the code location is loaded, or fail (bounded)."""
    deadline = started + STARTUP_TIMEOUT

    def check_alive() -> None:
        if process.poll() is not None:
            pytest.fail(
                f"dagster-webserver exited with {process.returncode}:\n"
                + server.log.read_text(errors="replace")[-4000:]
            )
        if time.monotonic() > deadline:
            pytest.fail(
                f"dagster-webserver did not answer within {STARTUP_TIMEOUT:.0f} s:\n"
                + server.log.read_text(errors="replace")[-4000:]
            )

    while "webserver_answers_s" not in server.timings:
        check_alive()
        try:
            with urllib.request.urlopen(f"{server.url}/server_info", timeout=2) as response:
                if response.status == 200:
                    server.timings["webserver_answers_s"] = time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)

    while "location_loaded_s" not in server.timings:
        check_alive()
        workspace = server.graphql(WORKSPACE_QUERY)["workspaceOrError"]
        assert workspace["__typename"] == "Workspace", workspace
        entries = workspace["locationEntries"]
        assert entries, "the workspace has no code location"
        for entry in entries:
            error = entry["locationOrLoadError"]
            if error and error["__typename"] == "PythonError":
                pytest.fail(f"code location {entry['name']} failed to load: {error['message']}")
        if all(entry["loadStatus"] == "LOADED" for entry in entries):
            server.timings["location_loaded_s"] = time.monotonic() - started
        else:
            time.sleep(0.25)


@pytest.fixture(scope="module")
def webserver(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Webserver]:
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    server = Webserver(url=f"http://127.0.0.1:{port}", log=home / "webserver.log", home=home)
    command = [
        str(BIN / "dagster-webserver"),
        *("-w", str(PROJECT_ROOT / "workspace.yaml")),
        *("-h", "127.0.0.1", "-p", str(port)),
    ]
    with server.log.open("wb") as log:
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**os.environ, "DAGSTER_HOME": str(home)},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_loaded(server, process, started)
        report(
            request,
            f"\n[ui] webserver answered after {server.timings['webserver_answers_s']:.1f} s, "
            f"code location loaded after {server.timings['location_loaded_s']:.1f} s",
        )
        yield server
    finally:
        stop_group(process)


def test_code_location_loads_in_a_fresh_process(request: pytest.FixtureRequest) -> None:
    """What the webserver does first: import the module and build the definitions from the
    environment. The time is reported, not asserted (speed targets belong to `make bench`)."""
    started = time.monotonic()
    load = (
        "from orchestration.definitions import defs; "
        "assert defs().resolve_job_def('refresh').name == 'refresh'"
    )
    result = run_group(
        [sys.executable, "-c", load],
        timeout=STARTUP_TIMEOUT,
        cwd=PROJECT_ROOT,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-4000:]
    report(request, f"\n[ui] loading orchestration.definitions took {elapsed:.1f} s")


ASSETS_QUERY = """
{ assetNodes { assetKey { path } groupName dependencyKeys { path }
    internalFreshnessPolicy { __typename
        ... on TimeWindowFreshnessPolicy { failWindowSeconds warnWindowSeconds } } }
  repositoriesOrError { __typename
    ... on RepositoryConnection { nodes { name location { name }
        schedules { name } sensors { name targets { pipelineName } } } }
    ... on PythonError { message } } }
"""


def upstream_of(key: str, deps: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = [key]
    while stack:
        for parent in deps.get(stack.pop(), []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def test_code_location_in_the_ui(webserver: Webserver) -> None:
    data = webserver.graphql(ASSETS_QUERY)
    nodes = {"/".join(node["assetKey"]["path"]): node for node in data["assetNodes"]}
    deps = {
        key: ["/".join(dep["path"]) for dep in node["dependencyKeys"]]
        for key, node in nodes.items()
    }

    raw = {raw_asset_key(table.name).to_user_string() for table in RAW_TABLES}
    assert len(raw) == 11
    assert {key for key in nodes if key.startswith("raw/")} == raw
    assert all(nodes[key]["groupName"] == "raw" for key in raw)

    marts = {key.to_user_string() for key in published_keys() if key.path[0] == "marts"}
    assert marts, "the dbt manifest has no model in schema marts"
    assert marts <= set(nodes), f"marts missing in the UI: {sorted(marts - set(nodes))}"
    for mart in sorted(marts):
        node = nodes[mart]
        assert node["groupName"] == "marts", (mart, node["groupName"])
        assert upstream_of(mart, deps) & raw, f"{mart} has no raw table upstream"
        policy = node["internalFreshnessPolicy"]
        assert policy and policy["__typename"] == "TimeWindowFreshnessPolicy", (mart, policy)
        assert policy["failWindowSeconds"] == FAIL_WINDOW.total_seconds(), (mart, policy)

    repositories = data["repositoriesOrError"]
    assert repositories["__typename"] == "RepositoryConnection", repositories
    schedules = {s["name"] for repo in repositories["nodes"] for s in repo["schedules"]}
    sensors = {s["name"]: s for repo in repositories["nodes"] for s in repo["sensors"]}
    assert "daily_refresh" in schedules
    assert "raw_files_changed" in sensors
    assert [t["pipelineName"] for t in sensors["raw_files_changed"]["targets"]] == ["refresh"]


# --- the lineage page in headless Chromium -------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Path:
    """/usr/bin/chromium, installed with apt-get once if missing and possible; else skip."""
    if CHROMIUM.exists():
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        pytest.skip(f"{CHROMIUM} is missing; install it with `apt-get install -y chromium`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt, "update"], [apt, "install", "-y", "chromium"]):
        result = subprocess.run(command, capture_output=True, env=env, timeout=900, check=False)
        if result.returncode != 0:
            pytest.skip(
                f"{CHROMIUM} is missing and `{' '.join(command)}` failed "
                f"({result.returncode}): {result.stderr.decode(errors='replace')[-500:]}"
            )
    if not CHROMIUM.exists():
        pytest.skip(f"`apt-get install -y chromium` did not provide {CHROMIUM}")
    return CHROMIUM


def chromium_command(binary: Path, profile: Path, *mode: str, budget_ms: int = 30000) -> list[str]:
    return [
        str(binary),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--window-size=1600,1000",
        f"--virtual-time-budget={budget_ms}",
        *mode,
    ]


def render(chromium: Path, url: str, shot: Path, profile: Path, budget_ms: int = 30000) -> str:
    """A 1600x1000 screenshot of `url` saved at `shot`, and the page's DOM once laid out: one
    Chromium run takes both, after the same virtual time."""
    result = run_group(
        chromium_command(
            chromium, profile, f"--screenshot={shot}", "--dump-dom", url, budget_ms=budget_ms
        ),
        timeout=CHROMIUM_TIMEOUT,
    )
    assert result.returncode == 0 and shot.is_file(), result.stderr.decode(errors="replace")
    dom = result.stdout.decode(errors="replace")
    assert dom, result.stderr.decode(errors="replace")[-2000:]
    return dom


def png_pixels(data: bytes) -> np.ndarray:
    """The RGB pixels of an 8-bit, non-interlaced RGB(A) PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
    assert header is not None, "PNG without IHDR"
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unexpected PNG format {header}"
    bpp = 3 if color == 2 else 4
    stride = width * bpp
    scanlines = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8)
    scanlines = scanlines.reshape(height, stride + 1)
    pixels = np.zeros((height, stride), dtype=np.uint8)
    prior = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = scanlines[y, 0], scanlines[y, 1:]
        if kind == 0:
            current = line.copy()
        elif kind == 1:  # Sub: a running sum per channel
            summed = np.cumsum(line.reshape(width, bpp), axis=0, dtype=np.uint64) % 256
            current = summed.astype(np.uint8).reshape(stride)
        elif kind == 2:  # Up
            current = line + prior
        else:  # Average or Paeth: byte by byte
            row, up = bytearray(line.tobytes()), prior.tobytes()
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                if kind == 3:
                    row[i] = (row[i] + ((left + up[i]) >> 1)) & 255
                else:
                    upper_left = up[i - bpp] if i >= bpp else 0
                    guess = left + up[i] - upper_left
                    da, db, dc = abs(guess - left), abs(guess - up[i]), abs(guess - upper_left)
                    predictor = left if da <= db and da <= dc else up[i] if db <= dc else upper_left
                    row[i] = (row[i] + predictor) & 255
            current = np.frombuffer(bytes(row), dtype=np.uint8)
        pixels[y] = current
        prior = current
    return pixels.reshape(height, width, bpp)[:, :, :3]


def visible_text(dom: str) -> str:
    dom = re.sub(r"(?is)<(script|style|noscript)\b[^>]*>.*?</\1>", " ", dom)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", dom))).strip()


def graph_svg(dom: str) -> str | None:
    """The asset graph's <svg> element in the DOM, nested <svg>s included."""
    start = dom.find('<svg class="AssetGraphExplorer_svgContainer')
    if start < 0:
        return None
    depth, pos = 0, start
    for match in re.finditer(r"<svg\b|</svg>", dom[start:]):
        depth += 1 if match.group() != "</svg>" else -1
        pos = start + match.end()
        if depth == 0:
            break
    return dom[start:pos]


GROUPS_QUERY = "{ assetNodes { groupName } }"


def check_lineage(dom: str, shot: Path, groups: set[str]) -> None:
    text = visible_text(dom)
    errors = ERROR_TEXT.findall(text)
    assert not errors, f"the lineage page shows {errors}: {text[:2000]}"
    assert "Global asset lineage" in text, text[:2000]
    svg = graph_svg(dom)
    assert svg, f"no asset graph on the lineage page: {text[:2000]}"
    drawn = set(visible_text(svg).split())
    assert groups <= drawn, f"groups missing from the graph: {sorted(groups - drawn)}"

    pixels = png_pixels(shot.read_bytes())
    assert pixels.shape[:2] == (1000, 1600), f"screenshot of {pixels.shape[1]}x{pixels.shape[0]}"
    packed = pixels.reshape(-1, 3).astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], np.uint32)
    colours, counts = np.unique(packed, return_counts=True)
    background = counts.max() / counts.sum()
    assert background < 0.98 and len(colours) >= 16, (
        f"the screenshot looks blank: {len(colours)} colours, {background:.1%} of one colour"
    )


def test_lineage_page_renders(
    request: pytest.FixtureRequest, webserver: Webserver, chromium: Path, tmp_path: Path
) -> None:
    groups = {node["groupName"] for node in webserver.graphql(GROUPS_QUERY)["assetNodes"]}
    url = webserver.url + LINEAGE_PATH
    shot = tmp_path / "lineage.png"

    started = time.monotonic()
    dom = render(chromium, url, shot, tmp_path / "profile")
    render_seconds = time.monotonic() - started

    try:
        check_lineage(dom, shot, groups)
    except BaseException:
        FAILED_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, FAILED_SCREENSHOT)
        (FAILED_SCREENSHOT.with_suffix(".html")).write_text(dom)
        raise
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SCREENSHOT)
    report(
        request,
        f"\n[ui] lineage page: screenshot and DOM {render_seconds:.1f} s, checks "
        f"{time.monotonic() - started - render_seconds:.1f} s; saved {SCREENSHOT}",
    )


# --- the demo's runs, as `make demo` records them ------------------------------------------------

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
DEMO_TIMEOUT = 1200.0


@pytest.fixture(scope="module")
def demo_runs(
    request: pytest.FixtureRequest, webserver: Webserver, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The demo company refreshed at one past as-of date and at the present, recorded in the
    webserver's instance (DAGSTER_HOME), as `make demo` does; returns the warehouse."""
    warehouse = tmp_path_factory.mktemp("demo") / "icp.duckdb"
    started = time.monotonic()
    result = run_group(
        [
            str(BIN / "icp"),
            "backfill-drift",
            *("--from", "2026-08-31", "--to", "2026-08-31"),
            *("--data-dir", str(PROJECT_ROOT / "seeds"), "--warehouse", str(warehouse)),
        ],
        timeout=DEMO_TIMEOUT,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(webserver.home)},
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-4000:]
    report(request, f"\n[ui] the demo's two recorded runs took {time.monotonic() - started:.1f} s")
    return warehouse


def materializations(webserver: Webserver, key: str) -> list[dict]:
    path = json.dumps(key.split("/"))
    data = webserver.graphql(
        f"""{{ assetOrError(assetKey: {{path: {path}}}) {{ __typename
            ... on Asset {{ assetMaterializations(limit: 20) {{ runId
                metadataEntries {{ label __typename
                    ... on FloatMetadataEntry {{ floatValue }}
                    ... on IntMetadataEntry {{ intValue }} }} }} }} }} }}"""
    )["assetOrError"]
    assert data["__typename"] == "Asset", (key, data)
    return data["assetMaterializations"]


def numbers(materialization: dict) -> dict[str, float]:
    return {
        entry["label"]: entry.get("floatValue", entry.get("intValue"))
        for entry in materialization["metadataEntries"]
        if entry["__typename"] in ("FloatMetadataEntry", "IntMetadataEntry")
    }


RUNS_QUERY = "{ runsOrError { ... on Runs { results { runId status tags { key value } } } } }"


def test_the_demo_run_is_in_the_ui(webserver: Webserver, demo_runs: Path) -> None:
    runs = webserver.graphql(RUNS_QUERY)["runsOrError"]["results"]
    assert len(runs) == 2 and {run["status"] for run in runs} == {"SUCCESS"}
    [(overall,)] = duckdb_query(
        demo_runs,
        "select status from marts.icp_drift where signal = 'overall' "
        "and as_of_date = (select as_of_date from marts.dim_refresh)",
    )
    latest = {tag["key"]: tag["value"] for tag in runs[0]["tags"]}
    assert latest[DRIFT_STATUS_TAG] == overall
    [latest_accounts, *_] = materializations(webserver, "marts/dim_accounts")
    assert latest_accounts["runId"] == runs[0]["runId"]
    figures = numbers(latest_accounts)
    assert set(HEADLINE_FIGURES) <= set(figures), sorted(figures)
    [(customers,)] = duckdb_query(
        demo_runs, "select count(*) from marts.dim_accounts where customer_status <> 'prospect'"
    )
    assert figures["customers"] == customers


def test_every_drift_signal_is_plotted(webserver: Webserver, demo_runs: Path) -> None:
    """Dagster plots number metadata over materializations: each signal has a point per run."""
    drift = materializations(webserver, "marts/icp_drift")
    assert len(drift) == 2
    signals = [signal for members in FAMILIES.values() for signal in members]
    for materialization in drift:
        assert set(signals) <= set(numbers(materialization)), sorted(numbers(materialization))


def duckdb_query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()


README = PROJECT_ROOT / "README.md"


def readme_lineage_link() -> str:
    """The expanded lineage view the README links to (the path of its localhost URL)."""
    found = re.search(r"\(http://127\.0\.0\.1:3000(/asset-groups[^)\s]+)\)", README.read_text())
    assert found, "README.md links to no expanded lineage view"
    return found.group(1)


def test_screenshots_of_the_expanded_lineage_and_dim_accounts(
    request: pytest.FixtureRequest,
    webserver: Webserver,
    demo_runs: Path,
    chromium: Path,
    tmp_path: Path,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lineage = ARTIFACTS / "lineage-expanded.png"
    # A page of a hundred assets takes a while to lay out: 90 s of virtual time.
    url = webserver.url + readme_lineage_link()
    text = visible_text(render(chromium, url, lineage, tmp_path / "l", budget_ms=90000))
    assert "Global asset lineage" in text and "dim_accounts" in text, text[:2000]
    assert not ERROR_TEXT.findall(text), text[:2000]
    page = ARTIFACTS / "dim_accounts.png"
    url = webserver.url + "/assets/marts/dim_accounts"
    text = visible_text(render(chromium, url, page, tmp_path / "a", budget_ms=90000))
    assert "dim_accounts" in text and "Latest materialization" in text, text[:2000]
    for shot in (lineage, page):
        pixels = png_pixels(shot.read_bytes())
        assert pixels.shape[:2] == (1000, 1600), shot
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) >= 16, f"{shot} looks blank"
    report(request, f"\n[ui] saved {lineage} and {page}")
