"""The dbt models, seeds and tests, built into the working warehouse in one `dbt build`."""

import json
from collections.abc import Iterator, Mapping

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.config import parse_as_of, project_vars
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.transform.metadata import with_warehouse_metadata
from orchestration.defs.translator import IcpTranslator
from orchestration.project import dbt_project


class RefreshConfig(dg.Config):
    """Per-run settings of a refresh: the as-of date and numeric dbt var overrides."""

    as_of_date: str | None = None
    dbt_vars: dict[str, float] = {}
    # input table -> iso, day_first or month_first (orchestration/date_formats.py)
    date_formats: dict[str, str] = {}


# The dbt step's name: a run's RefreshConfig is the run config of this op.
DBT_STEP = "icp_models"


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
    as_of = parse_as_of(config.as_of_date)
    if as_of:
        dbt_vars["as_of_date"] = as_of
    if config.date_formats:
        dbt_vars["date_formats"] = dict(config.date_formats)
    args = ["build"]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars, sort_keys=True)]
    return args


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
    config: RefreshConfig,
) -> Iterator:
    engine = warehouse.engine
    invocation = dbt.cli(
        dbt_build_args(config, engine.dbt_vars(), warehouse.source_choice().dbt_vars()),
        context=context,
        target_path=engine.dbt_target_dir,
    )
    yield from with_warehouse_metadata(invocation.stream(), engine)
