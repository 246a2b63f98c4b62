"""The dbt models, seeds and tests, built into the working warehouse in one `dbt build`."""

import json
import os
from collections.abc import Iterator, Mapping
from typing import Literal

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.config import parse_as_of, project_vars
from orchestration.connectors import BILLING_SYSTEMS, CRM_SYSTEMS
from orchestration.defs.resources import ProgressResource, WarehouseResource
from orchestration.defs.transform.in_process import InProcessInvocation, dbt_in_process
from orchestration.defs.transform.metadata import with_warehouse_metadata
from orchestration.defs.transform.project import dbt_project
from orchestration.defs.translator import IcpTranslator
from orchestration.progress import Tracker

DbtLogLevel = Literal["debug", "info", "warn", "error", "none"]


class RefreshConfig(dg.Config):
    """Per-run settings of a refresh: the as-of date and numeric dbt var overrides."""

    as_of_date: str | None = None
    dbt_vars: dict[str, float] = {}
    # input table -> iso, day_first or month_first (orchestration/date_formats.py)
    date_formats: dict[str, str] = {}
    # dbt's log levels: its lines on the run's stdout (a run's stdout in the UI) and in its JSON
    # log file (dbt.log, which orchestration/failures.py reads: errors and node results are
    # info-level; debug adds every SQL statement). dbt's defaults, except for `icp refresh`
    # without --verbose, which discards the lines and logs info: about 0.7 s of the demo's 11 s
    # (docs/performance.md).
    dbt_log_level: DbtLogLevel = "info"
    dbt_log_level_file: DbtLogLevel = "debug"


# The dbt step's name: a run's RefreshConfig is the run config of this op.
DBT_STEP = "icp_models"
# dbt's unit tests check the SQL of tricky models on fixed rows: they test the code, not the
# data, so they run in `make test` (tests/test_dbt_unit_tests.py), not in every refresh. The data
# tests (the quarantine limits, conservation, contracts) stay in the refresh.
REFRESH_EXCLUDES = ["--exclude-resource-type", "unit_test"]
# The folder of models/connectors/ each system's models are in: the system's name, except the
# billing read from the CRM (--billing crm: the won deals); contract files have no models there.
CONNECTOR_FOLDERS = {
    system: "won_deals" if system == "crm" else system
    for system in (*CRM_SYSTEMS, *BILLING_SYSTEMS)
    if system != "files"
}


def unused_connectors(systems: Mapping[str, str]) -> list[str]:
    """dbt selectors of the connector models of systems the run does not read. They would select
    no rows and nothing reads them (macros/connectors.sql reads the files then), so a run leaves
    them out of its build; their assets simply stay unmaterialized by that run."""
    used = {systems.get("crm", "files"), systems.get("billing", "files")}
    return [
        f"path:models/connectors/{folder}"
        for system, folder in CONNECTOR_FOLDERS.items()
        if system not in used
    ]


def refresh_config_of(run_config: Mapping) -> RefreshConfig:
    """The RefreshConfig a run was launched with, for steps that apply a dbt var themselves (the
    icp_revisit check): they then see the run's `--var` overrides, as dbt does."""
    return RefreshConfig(**run_config.get("ops", {}).get(DBT_STEP, {}).get("config", {}))


def effective_vars(run_config: Mapping) -> dict[str, object]:
    """The dbt vars a run used: the project's defaults with the run's `--var` overrides over
    them, so a check names the thresholds dbt applied, not the defaults."""
    return {**project_vars(), **refresh_config_of(run_config).dbt_vars}


def dbt_build_args(
    config: RefreshConfig, engine_vars: dict[str, str], systems: dict[str, str] | None = None
) -> list[str]:
    """`dbt build` with the engine's vars (where its profile builds), the input's systems when
    not files, and the run's. The engine's and the systems are the same for every run of one
    warehouse and input, so unchanged run vars keep partial parsing."""
    # Config carries floats; whole numbers go to dbt as integers (day counts, customer counts).
    dbt_vars: dict[str, object] = {
        **engine_vars,
        **{
            name: int(value) if float(value).is_integer() else value
            for name, value in config.dbt_vars.items()
        },
    }
    dbt_vars.update(systems or {})
    unused = unused_connectors(systems or {})
    as_of = parse_as_of(config.as_of_date)
    if as_of:
        dbt_vars["as_of_date"] = as_of
    if config.date_formats:
        dbt_vars["date_formats"] = dict(config.date_formats)
    args = ["build", *REFRESH_EXCLUDES]
    if unused:
        args += ["--exclude", " ".join(unused)]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars, sort_keys=True)]
    return args


# dbt's info-level events that say a node is done (passed, failed, skipped or a no-op); its
# NodeFinished is debug-level, which dbt does not write to the stream dagster-dbt reads.
NODE_DONE_EVENTS = frozenset(
    {
        "LogModelResult",
        "LogSeedResult",
        "LogSnapshotResult",
        "LogTestResult",
        "LogFunctionResult",
        "LogNodeNoOpResult",
        "SkippingDetails",
    }
)


def with_progress(invocation: InProcessInvocation, tracker: Tracker) -> Iterator:
    """The Dagster events of a dbt invocation (what `invocation.stream()` yields), counting its
    finished nodes from dbt's structured events for the progress the CLI shows."""
    done: set[str] = set()
    try:
        for event in invocation.stream_raw_events():
            data = event.raw_event["data"]
            if "total" in data:
                tracker.total(int(data["total"]))
            unique_id = data.get("node_info", {}).get("unique_id")
            if event.raw_event["info"]["name"] in NODE_DONE_EVENTS and unique_id not in done:
                done.add(unique_id)
                tracker.advance()
            yield from event.to_default_asset_events(
                manifest=invocation.manifest,
                dagster_dbt_translator=invocation.dagster_dbt_translator,
                context=invocation.context,
                target_path=invocation.target_path,
                project=invocation.project,
            )
    finally:
        tracker.finish()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=IcpTranslator(),
    name=DBT_STEP,
)
def icp_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    progress: ProgressResource,
    config: RefreshConfig,
) -> Iterator:
    engine = warehouse.engine
    args = dbt_build_args(config, engine.dbt_vars(), warehouse.source_choice().dbt_vars())
    invocation = dbt_in_process(
        args,
        context=context,
        target=dbt.target,
        target_path=engine.dbt_target_dir,
        catalog=engine.dbt_catalog,
        environ=os.environ,
        log_levels=(config.dbt_log_level, config.dbt_log_level_file),
    )
    yield from with_warehouse_metadata(with_progress(invocation, progress.tracker()), engine)
