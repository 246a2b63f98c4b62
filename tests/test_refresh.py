"""The one refresh path: each in-process refresh runs with its own settings, and the warehouse
lock belongs to the run (released when it ends, even when it failed)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

from orchestration.config import Settings
from orchestration.engines import engine_for
from orchestration.refresh import run_config
from tests.helpers import AS_OF, COMPANY, materialize_refresh, query


def lock_is_free(lock_path: Path) -> bool:
    handle = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(handle)


def test_refreshes_in_one_process_each_use_their_own_settings(
    copy_fixture: Callable[..., Path], tmp_path: Path
) -> None:
    broken = copy_fixture()
    (broken / "fx_rates.csv").unlink()
    first, second = tmp_path / "first" / "icp.duckdb", tmp_path / "second" / "icp.duckdb"

    failed = materialize_refresh(broken, first, as_of=AS_OF)
    assert not failed.success
    assert not first.exists()
    assert lock_is_free(engine_for("duckdb", first).lock_path), "a failed run keeps no lock"

    assert materialize_refresh(COMPANY, second, as_of=AS_OF).success
    assert not first.exists(), "the second run must not build into the first one's warehouse"
    assert query(second, "select count(*) from marts.dim_accounts") == [(5,)]
    assert lock_is_free(engine_for("duckdb", second).lock_path)


def test_run_config_carries_the_per_run_values() -> None:
    settings = Settings(log_level="INFO", verbose=True, date_formats={"crm_accounts": "day_first"})
    assert run_config(settings, "2024-06-30", {"gross_margin": 0.7}) == {
        "ops": {
            "icp_models": {
                "config": {
                    "as_of_date": "2024-06-30",
                    "dbt_vars": {"gross_margin": 0.7},
                    "date_formats": {"crm_accounts": "day_first"},
                    "dbt_log_level": "info",
                    "dbt_log_level_file": "debug",
                }
            }
        },
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
    quiet = run_config(Settings(), None, {})
    assert quiet["loggers"]["console"]["config"]["log_level"] == "CRITICAL", (
        "without --verbose only the one failure message is shown"
    )
    dbt_step = quiet["ops"]["icp_models"]["config"]
    assert (dbt_step["dbt_log_level"], dbt_step["dbt_log_level_file"]) == ("none", "info"), (
        "dbt's own lines would be discarded: dbt should not write them"
    )
