"""`icp refresh` as scripts and schedulers run it: a subprocess, its exit code and its output."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration import manifest
from orchestration.engines import engine_for
from tests.helpers import (
    AS_OF,
    COMPANY,
    MARTS,
    icp,
    marts_contents,
    query,
    sha256,
)


def test_refresh_twice_gives_identical_marts(
    published_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    """The second refresh is verbose: dbt's own lines then reach stderr, and only then (without
    --verbose they would be discarded, so dbt does not write them); its log file then has dbt's
    debug events too."""
    published, first = published_run
    again, exported = tmp_path / "again.duckdb", tmp_path / "parquet"
    result = icp(
        "refresh",
        "--verbose",
        "--data-dir",
        COMPANY,
        "--warehouse",
        again,
        "--as-of",
        AS_OF,
        "--export-parquet",
        exported,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert marts_contents(again) == marts_contents(published)
    dbt_done = "Completed successfully"
    assert dbt_done in result.stderr and dbt_done not in first.stdout + first.stderr
    # dbt's log file has each node's result either way (failures.py reads it), and every SQL
    # statement only when verbose.
    logs = {
        warehouse: (engine_for("duckdb", warehouse).dbt_target_dir / "dbt.log").read_text()
        for warehouse in (published, again)
    }
    assert all('"name": "LogModelResult"' in log for log in logs.values())
    assert '"name": "SQLQuery"' in logs[again] and '"name": "SQLQuery"' not in logs[published]
    # The Parquet export holds the published tables (nothing of the inner layers), every mart with
    # the same rows.
    published = {relation.split(".")[1] for relation in manifest.published_relations()}
    assert {path.stem for path in exported.glob("*.parquet")} == published
    for mart in MARTS:
        [(rows,)] = query(again, f"select count(*) from marts.{mart}")
        with duckdb.connect() as conn:
            [(exported_rows,)] = conn.execute(
                f"select count(*) from read_parquet('{exported / mart}.parquet')"
            ).fetchall()
        assert exported_rows == rows, mart


def test_help_documents_every_option() -> None:
    result = icp("refresh", "--help")
    assert result.returncode == 0
    for option in ("--data-dir", "--warehouse", "--as-of", "--var", "--target"):
        assert option in result.stdout


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    result = icp("refresh", "--target", "postgres", "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == 2
    assert "--target" in result.stderr and "postgres" in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_a_warehouse_named_like_a_schema_is_refused(tmp_path: Path) -> None:
    """DuckDB names a file's catalog after it: `marts.duckdb` would make `marts.dim_accounts`
    ambiguous (the other names refused: tests/test_units.py)."""
    warehouse = tmp_path / "Marts.duckdb"
    result = icp("refresh", "--data-dir", COMPANY, "--warehouse", warehouse, "--as-of", AS_OF)
    assert result.returncode == 2, result.stderr
    [message, published] = [line for line in result.stderr.splitlines() if line]
    assert f"the warehouse file {warehouse} cannot be used" in message
    assert f"choose another name, e.g. {tmp_path / 'icp.duckdb'}" in message
    assert published == f"nothing was published ({warehouse} does not exist yet)"
    assert not warehouse.exists()


def test_dbt_stopping_before_any_node_says_why(published: Path, tmp_path: Path) -> None:
    """dbt fails at its connection (a memory limit DuckDB cannot read): no node ran, so the
    message is dbt's own error, without its stack trace (a previous run's run_results.json left
    in the target folder: tests/test_units.py)."""
    warehouse = tmp_path / "icp.duckdb"
    shutil.copy(published, warehouse)
    before = sha256(warehouse)
    result = icp(
        "refresh",
        *("--data-dir", COMPANY, "--warehouse", warehouse, "--as-of", AS_OF),
        env={"ICP_DUCKDB_MEMORY_LIMIT": "lots"},
    )
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if "nodes done" not in line]
    assert lines[0].startswith("icp refresh: dbt stopped: Parser Error: Memory must have a"), lines
    assert "Traceback" not in result.stderr
    assert lines[-1] == f"the published warehouse {warehouse} was left as it was"
    assert sha256(warehouse) == before


def test_ctrl_c_stops_dbt_and_leaves_the_published_warehouse(
    published: Path, tmp_path: Path
) -> None:
    """Ctrl-C while dbt builds (in the refresh's process on DuckDB): dbt stops as it does on
    Ctrl-C, cancelling its queries, and the refresh ends with one line, publishing nothing."""
    warehouse = tmp_path / "icp.duckdb"
    shutil.copy(published, warehouse)
    before = sha256(warehouse)
    dbt_log = tmp_path / ".icp-build" / "dbt-target" / "dbt.log"
    # A worker process may ignore SIGINT, and a child inherits that: restore Python's handler.
    script = (
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from orchestration.cli import run; run()"
    )
    args = ("refresh", "--data-dir", COMPANY, "--warehouse", warehouse, "--as-of", AS_OF)
    process = subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while not (dbt_log.exists() and '"LogStartLine"' in dbt_log.read_text()):
        assert process.poll() is None and time.monotonic() < deadline, "dbt never started a node"
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    lines = [line for line in stderr.splitlines() if "nodes done" not in line]
    assert process.returncode == 1, stderr
    assert lines == [
        "icp refresh: interrupted (Ctrl-C, or the run was terminated)",
        f"the published warehouse {warehouse} was left as it was",
    ]
    assert "keyboard interrupt" in dbt_log.read_text().lower()
    assert sha256(warehouse) == before


@pytest.mark.parametrize(
    "as_of",
    ["2024-01-01'; drop table x; --", "2024-02-30", "yesterday"],
)
def test_unsafe_or_invalid_as_of_is_refused(as_of: str, tmp_path: Path) -> None:
    result = icp(
        "refresh", "--data-dir", COMPANY, "--warehouse", tmp_path / "w.duckdb", "--as-of", as_of
    )
    assert result.returncode == 2
    assert "--as-of" in result.stderr
    assert not (tmp_path / "w.duckdb").exists()
