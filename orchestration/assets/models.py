"""The dbt models, seeds and tests, built into the working warehouse in one `dbt build`."""

import json
import os
from collections.abc import Iterator

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.metadata import with_warehouse_metadata
from orchestration.project import dbt_project
from orchestration.resources import WarehouseResource
from orchestration.settings import parse_as_of
from orchestration.translator import IcpTranslator


class RefreshConfig(dg.Config):
    """Per-run settings of a refresh: the as-of date and numeric dbt var overrides."""

    as_of_date: str | None = None
    dbt_vars: dict[str, float] = {}
    # input table -> iso, day_first or month_first (orchestration/date_formats.py)
    date_formats: dict[str, str] = {}


def dbt_build_args(config: RefreshConfig) -> list[str]:
    """`dbt build`, with vars only when the run sets them: unchanged vars keep partial parsing."""
    # Config carries floats; whole numbers go to dbt as integers (day counts, customer counts).
    dbt_vars: dict[str, object] = {
        name: int(value) if float(value).is_integer() else value
        for name, value in config.dbt_vars.items()
    }
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
    name="icp_models",
)
def icp_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: RefreshConfig,
) -> Iterator:
    building = warehouse.warehouse
    os.environ.update(building.dbt_environment())
    invocation = dbt.cli(
        dbt_build_args(config), context=context, target_path=building.dbt_target_dir
    )
    yield from with_warehouse_metadata(invocation.stream(), building)
