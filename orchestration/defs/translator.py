"""How dbt nodes appear in Dagster: keys matching the raw-file assets, a group per layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

OWNER = "team:revops-analytics"

# marts/<folder> -> group: the ICP and drift marts get groups of their own in the lineage.
MART_GROUPS = {"core": "marts", "icp": "icp", "drift": "drift"}


def raw_asset_key(table: str) -> dg.AssetKey:
    """The key of a raw table's asset, shared by the raw-file assets and the dbt sources."""
    return dg.AssetKey(["raw", table])


def connector_asset_key(connector: str, table: str) -> dg.AssetKey:
    """A connector table's key (`stripe/invoice`), shared by the raw assets and the dbt sources."""
    return dg.AssetKey([connector, table])


class IcpTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            meta = dbt_resource_props.get("config", {}).get("meta") or {}
            if meta.get("connector"):
                return connector_asset_key(
                    dbt_resource_props["source_name"], dbt_resource_props["name"]
                )
            return raw_asset_key(dbt_resource_props["identifier"])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props["fqn"]
        layer = fqn[1] if len(fqn) > 2 else "default"
        if layer == "marts":
            return MART_GROUPS.get(fqn[2], "marts")
        return layer

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [OWNER]
