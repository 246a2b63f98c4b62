"""Serving while refreshing: what BI readers see when `icp refresh` publishes under them.

The promise of build-then-publish (engines/duckdb.py) is checked from the outside, with
real processes: readers connecting read-only in a loop only ever see a complete warehouse while
two refreshes queue on the lock and publish; a refresh killed with SIGKILL mid-build leaves the
published file byte for byte as it was and frees the lock; and the published file stays readable
by DuckDB 1.1, the version BI drivers still bundle.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.serve.exposures import PUBLISHED, exposure_specs
from orchestration.engines.duckdb import DuckDBWarehouse
from orchestration.generator import CompanySpec, generate_arrow, write
from orchestration.manifest import load as load_manifest
from tests.helpers import AS_OF, COMPANY, ICP, icp, query, sha256

READERS = 4
OLD_DUCKDB = "1.1.3"
GENERATED_ACCOUNTS = 300

# A BI reader: connect read-only, read both marts in one connection (one snapshot), disconnect,
# again, until the stop file appears (bounded in time and reads). Prints what it saw as JSON.
READER = """
import json, os, sys, time
import duckdb
path, stop, seconds, max_reads = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
states, errors, reads = {}, [], 0
deadline = time.monotonic() + seconds
while reads < max_reads and time.monotonic() < deadline and not os.path.exists(stop):
    try:
        with duckdb.connect(path, read_only=True) as conn:
            (accounts,) = conn.execute("select count(*) from marts.dim_accounts").fetchone()
            rows, criteria = conn.execute(
                "select count(*), count(distinct criterion) from marts.fct_account_icp_criteria"
            ).fetchone()
        key = f"{accounts},{rows},{criteria}"
        states[key] = states.get(key, 0) + 1
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
    reads += 1
    time.sleep(0.25)  # a dashboard's pace; leaves the two CPUs of CI to the refreshes
print(json.dumps({"states": states, "errors": errors[:20], "reads": reads}))
"""

# What DuckDB 1.1 reads: every relation of the published file, in full (it holds tables only).
# Prints counts and a checksum.
OLD_READER = """
import json, sys
import duckdb
with duckdb.connect(sys.argv[1], read_only=True) as conn:
    tables = [name for (name,) in conn.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema not in ('information_schema', 'pg_catalog') order by 1").fetchall()]
    counts = {t: len(conn.execute(f"select * from {t}").fetchall()) for t in tables}
    (digest,) = conn.execute(
        "select md5(string_agg(account_id || ':' || customer_status || ':' || icp_tier, ','"
        " order by account_id)) from marts.dim_accounts").fetchone()
print(json.dumps({"version": duckdb.__version__, "counts": counts, "dim_accounts_md5": digest}))
"""

State = tuple[int, int, int]


def warehouse_state(warehouse: Path) -> State:
    """(accounts, criteria rows, current criteria) of the published warehouse."""
    [(accounts,)] = query(warehouse, "select count(*) from marts.dim_accounts")
    [(rows, criteria)] = query(
        warehouse,
        "select count(*), count(distinct criterion) from marts.fct_account_icp_criteria",
    )
    return accounts, rows, criteria


def storage_version(warehouse: Path) -> str:
    """The storage format DuckDB reports for the file (e.g. 'v1.0.0+' for a v1.1.0-compatible
    file): a rebuild must not silently move it to the newest format."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        [(tags,)] = conn.execute(
            "select tags from duckdb_databases() where database_name = ?", [warehouse.stem]
        ).fetchall()
    return tags["storage_version"]


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the refresh and everything it started (dbt), and wait until all of it is gone."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail("processes of the killed refresh are still alive after 30 s")


StartRefresh = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def start_refresh() -> Iterator[StartRefresh]:
    """Start `icp refresh` in its own process group (so dbt can be killed with it), output to
    files (dbt is chatty enough to fill a pipe nobody reads). Whatever is still running when the
    test ends, passed or failed, is killed with its group."""
    started: list[subprocess.Popen[bytes]] = []

    def start(data_dir: Path, warehouse: Path, logs: Path, *extra: str) -> subprocess.Popen[bytes]:
        logs.mkdir(parents=True, exist_ok=True)
        command = [str(ICP), "refresh", "--data-dir", str(data_dir), "--warehouse", str(warehouse)]
        with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
            process = subprocess.Popen(
                [*command, *extra], stdout=out, stderr=err, start_new_session=True
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            kill_group(process)


def finish(process: subprocess.Popen[bytes], logs: Path, timeout: float = 300) -> str:
    """Wait for a refresh; its stdout, with its stderr tail in the message when it failed."""
    code = process.wait(timeout=timeout)
    assert code == 0, (logs / "stderr").read_text()[-3000:]
    return (logs / "stdout").read_text()


def wait_for(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    """Poll until `condition` holds; fail on timeout or when the process exits first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the refresh exited ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def copy_warehouse(source: Path, target_dir: Path) -> Path:
    """A private copy of a published warehouse (no `.icp-build/` yet), same file name."""
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / source.name
    shutil.copyfile(source, target)
    return target


@pytest.fixture
def published(company_warehouse: Path) -> Path:
    """The fixture company, published once per session (conftest): every test here starts from
    it, copying it before any refresh, so the shared file is only ever read."""
    return company_warehouse


@pytest.fixture(scope="module")
def bigger_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated company of a different size, so that publishing it changes every count."""
    data = tmp_path_factory.mktemp("generated") / "data"
    write(generate_arrow(CompanySpec(accounts=GENERATED_ACCOUNTS, seed=5)), data, "parquet")
    return data


@pytest.fixture
def readers(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """Reader processes are stopped (stop file, then kill) even when the test fails."""
    started: list[subprocess.Popen[str]] = []
    yield started
    (tmp_path / "stop").touch()
    for reader in started:
        try:
            reader.wait(timeout=30)
        except subprocess.TimeoutExpired:
            reader.kill()
            reader.wait()


@pytest.mark.slow
def test_readers_only_see_complete_warehouses_while_two_refreshes_publish(
    published: Path,
    bigger_company: Path,
    tmp_path: Path,
    readers: list[subprocess.Popen[str]],
    start_refresh: StartRefresh,
) -> None:
    warehouse = copy_warehouse(published, tmp_path / "warehouse")
    small = warehouse_state(warehouse)
    stop = tmp_path / "stop"
    for _ in range(READERS):
        readers.append(
            subprocess.Popen(
                [sys.executable, "-c", READER, str(warehouse), str(stop), "240", "1000"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )

    # First refresh: the bigger company. Its working file exists once it holds the lock.
    working = DuckDBWarehouse(warehouse).working_path
    first = start_refresh(bigger_company, warehouse, tmp_path / "first")
    wait_for(working.exists, 120, "the first refresh to take the lock", first)
    # Second refresh: back to the fixture company; it must queue behind the first. Its tables are
    # far smaller than the first's on purpose, so the accepted-drop check is lifted.
    second = start_refresh(
        COMPANY, warehouse, tmp_path / "second", "--as-of", AS_OF, "--var", "max_accepted_drop=1"
    )
    assert first.poll() is None, "the first refresh ended before the second one started"

    first_out = finish(first, tmp_path / "first")
    big = warehouse_state(warehouse)  # the second refresh needs ~30 s more before it publishes
    assert second.poll() is None, "the second refresh did not wait for the first one's lock"
    assert f"Accounts: {GENERATED_ACCOUNTS:,}" in first_out
    finish(second, tmp_path / "second")
    assert warehouse_state(warehouse) == small  # the second refresh published last

    stop.touch()
    reports = []
    for reader in readers:
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0, err[-2000:]
        reports.append(json.loads(out))

    assert big[0] == GENERATED_ACCOUNTS and big != small
    for accounts, rows, criteria in (small, big):
        assert rows == accounts * criteria > 0
    seen: set[State] = set()
    for report in reports:
        assert report["errors"] == [], report["errors"]
        seen |= {tuple(map(int, key.split(","))) for key in report["states"]}
    # Only complete warehouses, and the readers were there for both publishes.
    assert seen == {small, big}, f"readers saw {seen}; complete states: {small}, {big}"
    assert all(report["reads"] >= 20 for report in reports), reports


def dbt_is_building(warehouse: DuckDBWarehouse) -> bool:
    """dbt has started running models (it writes compiled SQL to target/run as it executes them)
    and has not finished (run_results.json is written at the end)."""
    target = warehouse.dbt_target_dir
    return (
        warehouse.working_path.exists()
        and (target / "run").is_dir()
        and not (target / "run_results.json").exists()
    )


@pytest.mark.slow
def test_a_killed_refresh_leaves_the_published_file_untouched(
    published: Path, bigger_company: Path, tmp_path: Path, start_refresh: StartRefresh
) -> None:
    warehouse = copy_warehouse(published, tmp_path / "warehouse")
    building = DuckDBWarehouse(warehouse)
    before, version = sha256(warehouse), storage_version(warehouse)

    refresh = start_refresh(bigger_company, warehouse, tmp_path / "killed")
    wait_for(lambda: dbt_is_building(building), 120, "dbt to run models", refresh)
    time.sleep(2)  # a few models into the build
    assert refresh.poll() is None
    kill_group(refresh)

    assert building.working_path.exists()  # killed mid-build: the working file is left behind
    assert sha256(warehouse) == before
    assert warehouse_state(warehouse) == warehouse_state(published)
    # The kernel released the lock with the process: take it without waiting.
    with building.lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(handle, fcntl.LOCK_UN)

    result = icp("refresh", "--data-dir", bigger_company, "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr[-3000:]
    assert warehouse_state(warehouse)[0] == GENERATED_ACCOUNTS
    # A rebuild over a copy of the published file keeps its (old-reader compatible) format.
    assert storage_version(warehouse) == version


@pytest.fixture(scope="module")
def old_duckdb_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway venv with DuckDB 1.1, the oldest version the published file promises."""
    venv = tmp_path_factory.mktemp("duckdb-old") / "venv"
    created = subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=120
    )
    if created.returncode != 0:
        pytest.skip(f"cannot create a venv for DuckDB {OLD_DUCKDB}: {created.stderr[-500:]}")
    python = venv / "bin" / "python"
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    try:
        installed = subprocess.run(
            [*command, f"duckdb=={OLD_DUCKDB}"], capture_output=True, text=True, timeout=300
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"installing duckdb=={OLD_DUCKDB} from PyPI took more than 5 minutes")
    if installed.returncode != 0:
        pytest.skip(f"cannot install duckdb=={OLD_DUCKDB} from PyPI: {installed.stderr[-500:]}")
    return python


@pytest.mark.slow
def test_duckdb_1_1_reads_the_published_marts(published: Path, old_duckdb_python: Path) -> None:
    """Every relation of the published file reads there: it holds tables only (the raw views over
    the input files, whose read_csv options DuckDB 1.1 lacks, stay in the build file)."""
    result = subprocess.run(
        [str(old_duckdb_python), "-c", OLD_READER, str(published)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout)
    assert seen["version"] == OLD_DUCKDB
    tables = query(
        published,
        "select schema_name || '.' || table_name from duckdb_tables() order by 1",
    )
    expected = {name: query(published, f"select count(*) from {name}")[0][0] for (name,) in tables}
    assert seen["counts"] == expected
    [(digest,)] = query(
        published,
        "select md5(string_agg(account_id || ':' || customer_status || ':' || icp_tier, ','"
        " order by account_id)) from marts.dim_accounts",
    )
    assert seen["dim_accounts_md5"] == digest


def test_declared_consumers_read_only_marts_and_sit_downstream_of_them() -> None:
    """BI tools may depend on the published interface only (schema `marts`), and each exposure
    becomes an asset after the marts it reads and the published file."""
    manifest = load_manifest()
    exposures = manifest["exposures"]
    assert exposures, "dbt_project/models/exposures.yml declares no consumer"
    for exposure in exposures.values():
        for unique_id in exposure["depends_on"]["nodes"]:
            node = manifest["nodes"][unique_id]
            assert node["schema"] == "marts", f"{exposure['name']} reads {node['name']}"
        assert exposure["owner"]["email"].endswith("@example.com")
    specs = {spec.key.path[-1]: spec for spec in exposure_specs()}
    assert set(specs) == {exposure["name"] for exposure in exposures.values()}
    for name, spec in specs.items():
        deps = {dep.asset_key for dep in spec.deps}
        assert PUBLISHED in deps
        assert all(key == PUBLISHED or key.path[0] == "marts" for key in deps), name
        assert spec.group_name == "serving" and spec.kinds and spec.owners and spec.description
