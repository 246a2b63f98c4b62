"""The pure functions, one behaviour each: settings and argument parsing, the dbt arguments, the
sensor's cursor, the drift checks' verdicts, the text a person reads. No build, no warehouse: this
module is the fast layer `make check` runs."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from orchestration import cli
from orchestration.backtest import VersionFigures
from orchestration.config import Settings, SettingsError, parse_as_of, parse_dbt_vars
from orchestration.defs.backtest.checks import revisit_result
from orchestration.defs.drift.alerts import drift_alert_payload
from orchestration.defs.drift.checks import FAMILIES, family_result
from orchestration.defs.freshness import is_mart
from orchestration.defs.ingest.observations import DataDirState, Fingerprint
from orchestration.defs.ingest.sensors import changed_tables, decode_cursor, encode_cursor, problems
from orchestration.defs.transform.assets import (
    RefreshConfig,
    dbt_build_args,
    refresh_config_of,
    unused_connectors,
)
from orchestration.defs.transform.in_process import (
    SHIPPED_PARSE,
    project_changed_since,
    run_vars_of,
    shipped_manifest,
)
from orchestration.defs.transform.project import dbt_project
from orchestration.engines import engine_for
from orchestration.engines.duckdb import DuckDBWarehouse, unusable_name
from orchestration.engines.spark import SparkWarehouse, profile_settings
from orchestration.failures import BuildPlace, explain_dbt
from orchestration.project import DEFAULT_DATA_DIR, DEFAULT_WAREHOUSE, MANIFEST_PATH, PROJECT_ROOT
from orchestration.refresh import run_config
from orchestration.reporting import Table

pytestmark = pytest.mark.unit


# -- settings ----------------------------------------------------------------------------------


def test_settings_from_an_empty_environment_are_the_documented_defaults() -> None:
    assert Settings.from_env({}) == Settings()
    assert Settings().data_dir == DEFAULT_DATA_DIR
    assert Settings().warehouse == DEFAULT_WAREHOUSE
    assert (Settings().refresh_cron, Settings().log_level) == ("0 6 * * *", None)
    assert (Settings().verbose, Settings().console_log_level) == (False, "CRITICAL")


def test_settings_read_every_variable(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "ICP_DATA_DIR": str(tmp_path / "in"),
            "ICP_WAREHOUSE": str(tmp_path / "w.duckdb"),
            "ICP_EXPORT_PARQUET_DIR": str(tmp_path / "pq"),
            "ICP_DBT_TARGET": "spark",
            "ICP_REFRESH_CRON": "0 1 * * *",
            "ICP_REFRESH_TIMEZONE": "Europe/Berlin",
            "ICP_ALERT_WEBHOOK_URL": "http://127.0.0.1:9/hook",
            "ICP_LOG_LEVEL": "INFO",
            "DAGSTER_HOME": str(tmp_path / "home"),
            "ICP_CRM": "HubSpot",
            "ICP_BILLING": "crm",
        }
    )
    assert settings == Settings(
        data_dir=tmp_path / "in",
        warehouse=tmp_path / "w.duckdb",
        export_parquet_dir=tmp_path / "pq",
        dbt_target="spark",
        refresh_cron="0 1 * * *",
        refresh_timezone="Europe/Berlin",
        alert_webhook_url="http://127.0.0.1:9/hook",
        log_level="INFO",
        verbose=True,
        dagster_home=tmp_path / "home",
        crm="hubspot",
        billing="crm",
    )
    assert settings.console_log_level == "INFO"


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(SettingsError, match="postgres"):
        Settings.from_env({"ICP_DBT_TARGET": "postgres"})


def test_an_unknown_crm_or_billing_system_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"ICP_CRM: 'pipedrive' is not one of salesforce"):
        Settings.from_env({"ICP_CRM": "pipedrive"})
    with pytest.raises(SettingsError, match=r"ICP_BILLING: 'chargebee' is not one of stripe"):
        Settings.from_env({"ICP_BILLING": "chargebee"})


def test_dbt_vars_accept_numbers_only() -> None:
    assert parse_dbt_vars(["gross_margin=0.75", "drift_min_customers=12"]) == {
        "gross_margin": 0.75,
        "drift_min_customers": 12.0,
    }
    for bad in ("gross_margin=nan", "gross_margin=abc", "drift_attributes=1", "as_of_date=1"):
        with pytest.raises(SettingsError):
            parse_dbt_vars([bad])


def test_as_of_must_be_a_calendar_date() -> None:
    assert parse_as_of(" 2024-06-30 ") == "2024-06-30"
    assert parse_as_of("") is None
    for bad in ("2024-02-30", "30/06/2024", "2024-6-30"):
        with pytest.raises(SettingsError):
            parse_as_of(bad)


def test_cli_arguments_override_the_environment_settings(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    args = cli.build_parser().parse_args(
        ["refresh", "--data-dir", str(data), "--warehouse", str(tmp_path / "out" / "w.duckdb")]
        + ["--var", "gross_margin=0.7", "--export-parquet", str(tmp_path / "pq")]
    )
    options = cli.refresh_options(args)
    assert options.settings.data_dir == data
    assert options.settings.warehouse == tmp_path / "out" / "w.duckdb"
    assert options.settings.export_parquet_dir == tmp_path / "pq"
    assert options.dbt_vars == {"gross_margin": 0.7}


def test_backfill_dates_step_by_calendar_month() -> None:
    assert cli.as_of_dates(date(2024, 1, 31), date(2024, 4, 30), "month") == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]
    assert cli.as_of_dates(date(2024, 1, 1), date(2024, 1, 15), "week") == [
        date(2024, 1, 1),
        date(2024, 1, 8),
        date(2024, 1, 15),
    ]


# -- the dbt step and the engines ------------------------------------------------------------------


def test_dbt_build_args_carry_the_engine_and_run_vars() -> None:
    config = RefreshConfig(as_of_date="2024-06-30", dbt_vars={"gross_margin": 0.7, "x_days": 90.0})
    args = dbt_build_args(config, {"icp_duckdb_path": "/w/.icp-build/w.duckdb"})
    assert args[:3] == ["build", "--exclude-resource-type", "unit_test"]
    # Contract files: no connector model is built.
    assert args[3:5] == [
        "--exclude",
        "path:models/connectors/salesforce path:models/connectors/hubspot "
        "path:models/connectors/stripe path:models/connectors/won_deals",
    ]
    assert args[5] == "--vars"
    assert json.loads(args[6]) == {
        "as_of_date": "2024-06-30",
        "gross_margin": 0.7,
        "icp_duckdb_path": "/w/.icp-build/w.duckdb",
        "x_days": 90,
    }


def test_a_run_builds_the_connector_models_of_its_systems_only() -> None:
    assert unused_connectors({"crm": "salesforce", "billing": "stripe"}) == [
        "path:models/connectors/hubspot",
        "path:models/connectors/won_deals",
    ]
    assert unused_connectors({"crm": "hubspot", "billing": "crm"}) == [
        "path:models/connectors/salesforce",
        "path:models/connectors/stripe",
    ]


def test_each_engine_builds_where_its_profile_is_told(tmp_path: Path) -> None:
    duck = engine_for("duckdb", tmp_path / "w.duckdb")
    spark = engine_for("spark", tmp_path / "lake")
    assert isinstance(duck, DuckDBWarehouse) and isinstance(spark, SparkWarehouse)
    assert duck.dbt_vars() == {"icp_duckdb_path": str(tmp_path / ".icp-build" / "w.duckdb")}
    assert spark.dbt_vars() == {"icp_spark_warehouse": str(tmp_path / "lake")}
    assert duck.lock_path != spark.lock_path


def test_spark_profile_follows_the_warehouse_and_the_environment(tmp_path: Path) -> None:
    environ = {"ICP_SPARK_SHUFFLE_PARTITIONS": "7", "ICP_SPARK_JAVA_OPTIONS": "-XX:+UseSerialGC"}
    settings = profile_settings(tmp_path, environ)
    assert settings["spark.sql.warehouse.dir"] == f"{tmp_path}/.icp-build/spark-warehouse"
    assert settings["spark.driver.extraJavaOptions"].split() == [
        "-XX:+UseSerialGC",
        f"-Dderby.system.home={tmp_path}/.icp-build",
    ]
    assert profile_settings(tmp_path, {})["spark.driver.extraJavaOptions"].split() == [
        f"-Dderby.system.home={tmp_path}/.icp-build"
    ]
    assert (
        f"databaseName={tmp_path}/.icp-build/metastore_db;"
        in (settings["spark.hadoop.javax.jdo.option.ConnectionURL"])
    )
    assert settings["spark.sql.shuffle.partitions"] == "7"
    assert settings["spark.master"] == "local[*]"


def test_the_manifest_the_modules_read_is_the_one_dagster_dbt_loads() -> None:
    assert dbt_project.manifest_path == MANIFEST_PATH


def test_the_refresh_loads_the_parse_make_install_copies() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    [copied] = re.findall(r"^SHIPPED_MANIFEST := (\S+)$", makefile, flags=re.MULTILINE)
    assert PROJECT_ROOT / copied == SHIPPED_PARSE


def test_duckdb_warehouse_names_that_would_clash_with_the_build() -> None:
    schemas = {"raw", "marts", "staging"}
    assert unusable_name(Path("lake/icp.duckdb"), schemas) is None
    assert unusable_name(Path("warehouse.db"), schemas) is None
    assert "keeps the catalog name 'main'" in unusable_name(Path("Main.duckdb"), schemas)
    assert "keeps the catalog name 'temp'" in unusable_name(Path("temp.db"), schemas)
    assert "name of a schema" in unusable_name(Path("MARTS.duckdb"), schemas)
    assert "attaches a warehouse file" in unusable_name(Path("icp_published.duckdb"), schemas)


def dbt_event(invocation: str, name: str, level: str, msg: str) -> str:
    info = {"invocation_id": invocation, "name": name, "level": level, "msg": msg}
    return json.dumps({"data": {}, "info": info})


def test_a_dbt_error_outside_the_nodes_is_named_not_the_previous_results(tmp_path: Path) -> None:
    """dbt stopped before any node (its connection failed): run_results.json is the previous
    run's, with a failed test, and must not be reported; the stack trace is left out."""
    place = BuildPlace(DuckDBWarehouse(tmp_path / "icp.duckdb"), 0.1, 0.5, {})
    target = place.dbt_target_dir
    target.mkdir(parents=True)
    failed_test = {"unique_id": "test.icp.not_null_x.1", "status": "fail", "message": "Got 1"}
    previous = {"metadata": {"invocation_id": "run-1"}, "results": [failed_test]}
    (target / "run_results.json").write_text(json.dumps(previous))
    log = [
        dbt_event("run-1", "LogTestResult", "error", "1 of 1 FAIL 1 not_null_x"),
        dbt_event("run-2", "MainEncounteredError", "error", "Encountered an error:\nBinder Error"),
        dbt_event("run-2", "MainStackTrace", "error", "Traceback (most recent call last): ..."),
        "a line of another format",
        dbt_event("run-2", "CommandCompleted", "debug", "Command `dbt build` failed"),
    ]
    (target / "dbt.log").write_text("\n".join(log) + "\n")
    assert explain_dbt(place).splitlines() == [
        "dbt stopped: Binder Error",
        f"the full dbt log: {target / 'dbt.log'}",
    ]
    previous["metadata"]["invocation_id"] = "run-2"
    (target / "run_results.json").write_text(json.dumps(previous))
    assert explain_dbt(place).splitlines()[0] == "dbt test not_null_x failed: Got 1"


# -- the sensor's cursor -------------------------------------------------------------------------


def test_cursor_round_trips_and_a_bad_one_reads_as_none() -> None:
    files = {"fx_rates": Fingerprint("fx_rates.csv", 10, 123)}
    assert decode_cursor(encode_cursor(files)) == files
    for bad in (None, "", "not json", '{"version": 99, "files": {}}', '{"files": 1}'):
        assert decode_cursor(bad) is None


def test_changed_tables_and_problems() -> None:
    old = {"a": Fingerprint("a.csv", 1, 1), "b": Fingerprint("b.csv", 1, 1)}
    new = {"a": Fingerprint("a.csv", 1, 1), "b": Fingerprint("b.csv", 2, 1)}
    assert changed_tables(old, new) == ["b"]
    assert changed_tables(None, new) == ["a", "b"]
    state = DataDirState(
        files=new, missing=["c.csv (or .parquet)"], ambiguous=["d.csv and d.parquet"]
    )
    assert problems(state) == (
        "missing: c.csv (or .parquet); two files for one table (keep one): d.csv and d.parquet"
    )
    assert problems(DataDirState(files=new, missing=[], ambiguous=[])) is None


# -- drift verdicts and alerts -------------------------------------------------------------------

THRESHOLDS = {
    "drift_psi_warn": 0.1,
    "drift_psi_alert": 0.25,
    "drift_fit_share_warn_points": 10,
    "drift_fit_share_alert_points": 20,
    "drift_alignment_warn_pct": 50,
    "drift_alignment_alert_pct": 30,
}


def signal(name: str, status: str) -> dict:
    return {"signal": name, "status": status, "value": 0.3}


def test_the_worst_signal_decides_a_family() -> None:
    psi = FAMILIES["drift_psi_distributions"]
    signals = {name: signal(name, "ok") for name in psi}
    assert family_result("drift_psi_distributions", signals, THRESHOLDS).passed
    signals[psi[0]] = signal(psi[0], "warn")
    signals[psi[1]] = signal(psi[1], "alert")
    result = family_result("drift_psi_distributions", signals, THRESHOLDS)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert result.metadata["status"].value == "alert"


def test_too_little_data_never_passes() -> None:
    signals = {"fit_share": signal("fit_share", "insufficient_data")}
    result = family_result("drift_fit_share", signals, THRESHOLDS)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert "insufficient data" in result.description


def test_alert_payload_names_the_alerting_signals() -> None:
    payload = drift_alert_payload(
        "2024-06-30",
        [signal("psi_industry", "alert"), signal("fit_share", "ok")],
        ["industry Retail: 10% -> 30%"],
        "/w.duckdb",
    )
    assert payload["event"] == "icp_drift_alert"
    assert "psi_industry" in payload["text"] and "fit_share" not in payload["text"]


# -- what a person reads -------------------------------------------------------------------------


def test_tables_print_as_markdown_and_text() -> None:
    table = Table(("tier", "ltv_usd"), [("A", 1234.5), (None, 2.0)])
    assert table.markdown() == "| tier | LTV ($) |\n|---|---|\n| A | $1,234 |\n| - | $2 |"
    lines = [line.rstrip() for line in table.text(indent="").splitlines()]
    assert lines == ["tier  LTV ($)", "A     $1,234", "-     $2"]


def test_only_marts_get_freshness() -> None:
    assert is_mart(dg.AssetKey(["marts", "dim_accounts"]))
    assert not is_mart(dg.AssetKey(["raw", "crm_accounts"]))
    assert not is_mart(dg.AssetKey("marts"))


def version_figures(auc: float | None, status: str = "current") -> VersionFigures:
    return VersionFigures("v", status, 3, auc, None, 1, 1.0)


@pytest.mark.parametrize(
    ("current", "proposed", "passed"),
    [
        (0.70, 0.80, True),  # good enough, and the proposal gains 0.10 only
        (0.59, 0.60, False),  # below icp_revisit_min_auc
        (0.70, 0.86, False),  # the proposal beats it by 0.16
        (None, 0.80, False),  # nothing to rank: never a pass
    ],
)
def test_revisit_rule(current: float | None, proposed: float, passed: bool) -> None:
    result = revisit_result(
        version_figures(current), version_figures(proposed, "proposed"), 0.6, 0.15
    )
    assert result.passed is passed


def test_a_runs_refresh_config_is_read_back_from_its_run_config() -> None:
    config = refresh_config_of(run_config(Settings(), "2024-06-30", {"icp_revisit_min_auc": 0.7}))
    assert config.as_of_date == "2024-06-30"
    assert config.dbt_vars == {"icp_revisit_min_auc": 0.7}
    assert refresh_config_of({}).dbt_vars == {}


def test_a_project_file_newer_than_the_parse_means_the_project_changed(tmp_path: Path) -> None:
    project = tmp_path / "dbt_project"
    (project / "models" / "staging").mkdir(parents=True)
    (project / "target").mkdir()
    model = project / "models" / "staging" / "stg_a.sql"
    model.write_text("select 1")
    parsed = project / "target" / "partial_parse.msgpack"
    parsed.write_bytes(b"")
    for path in (model, model.parent, model.parent.parent):
        os.utime(path, (1_000, 1_000))
    os.utime(parsed, (2_000, 2_000))
    assert not project_changed_since(parsed, project)
    (project / "target" / "run_results.json").write_text("{}")  # dbt's output: not the project
    assert not project_changed_since(parsed, project)
    os.utime(model, (3_000, 3_000))
    assert project_changed_since(parsed, project)
    model.unlink()  # a deleted model: its folder is newer
    os.utime(model.parent.parent, (1_000, 1_000))
    assert project_changed_since(parsed, project)


def test_the_shipped_manifest_serves_only_a_build_it_was_parsed_for() -> None:
    catalog = DuckDBWarehouse(DEFAULT_WAREHOUSE).dbt_catalog
    manifest = shipped_manifest(catalog, {"as_of_date": "2024-06-30"}, {})
    assert manifest is not None and manifest.flat_graph
    # DuckDB names the catalog after the build file: another name qualifies every node otherwise.
    assert shipped_manifest("acme", {}, {}) is None
    assert shipped_manifest(catalog, {"crm": "salesforce"}, {}) is None
    assert run_vars_of(["build", "--vars", '{"crm": "hubspot"}']) == {"crm": "hubspot"}
    assert run_vars_of(["build"]) == {}


def test_ctrl_c_outside_a_run_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "report", interrupted)
    assert cli.main(["report"]) == cli.EXIT_INTERRUPTED
    assert capsys.readouterr().err == "icp report: interrupted\n"
