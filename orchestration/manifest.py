"""The prepared dbt manifest (`make install` runs `dbt parse`), read once per process.

dagster-dbt builds the assets from it; everything else the project learns from the dbt project
(the raw contract, the connector tables, the marts, the incremental models, each node's relation,
the exposures) is read through `load()` here, so the file is parsed once and every reader sees
the same nodes.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from orchestration.connectors import ConnectorTable, connector_tables_from_manifest
from orchestration.project import MANIFEST_PATH
from orchestration.raw_files import RawTable, contract_from_manifest


@cache
def load(path: Path | None = None) -> dict[str, Any]:
    """The manifest at `path` (default: the prepared one); callers must not modify it."""
    return json.loads((path or MANIFEST_PATH).read_text())


def models(path: Path | None = None) -> list[dict[str, Any]]:
    return [node for node in load(path)["nodes"].values() if node["resource_type"] == "model"]


def relation(node: dict[str, Any]) -> str:
    return f"{node['schema']}.{node['alias']}"


def contract(path: Path | None = None) -> list[RawTable]:
    """The raw tables of the input contract, from the dbt sources."""
    return contract_from_manifest(load(path))


def connector_tables(path: Path | None = None) -> list[ConnectorTable]:
    """The Fivetran connector tables and columns a run may read, from the connector sources."""
    return connector_tables_from_manifest(load(path))


def mart_models() -> list[dict[str, Any]]:
    """The dbt models in schema `marts`: the interface the published warehouse serves."""
    return [node for node in models() if node["schema"] == "marts"]


def published_nodes() -> list[dict[str, Any]]:
    """The dbt nodes of the published interface: every model and seed whose config says
    `meta: {published: true}` (the marts folder in dbt_project.yml, and the reference lookups
    dashboards join). Everything else stays in the private build directory."""
    return sorted(
        (
            node
            for node in load()["nodes"].values()
            if node["resource_type"] in ("model", "seed")
            and (node["config"].get("meta") or {}).get("published") is True
        ),
        key=relation,
    )


def published_relations() -> list[str]:
    """`schema.table` of the published interface, the tables the published file holds."""
    return [relation(node) for node in published_nodes()]


def incremental_relations() -> list[str]:
    """`schema.table` of the incremental models (the drift history): the rows one refresh hands to
    the next."""
    return sorted(
        relation(node) for node in models() if node["config"].get("materialized") == "incremental"
    )


def schemas() -> set[str]:
    """Every schema a build writes or reads: the models', seeds', tests' and the sources'."""
    manifest = load()
    nodes = (*manifest["nodes"].values(), *manifest["sources"].values())
    return {node["schema"] for node in nodes}


@cache
def relations_by_unique_id() -> dict[str, str]:
    """`schema.table` of every dbt model and seed."""
    return {
        unique_id: relation(node)
        for unique_id, node in load()["nodes"].items()
        if node["resource_type"] in ("model", "seed")
    }
