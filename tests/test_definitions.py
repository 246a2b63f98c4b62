"""The Dagster code location loads from the prepared manifest, and the lineage is whole."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration import manifest
from orchestration.config import Settings
from orchestration.definitions import build_definitions

pytestmark = pytest.mark.unit

defs = build_definitions(Settings())


def test_definitions_load_with_jobs_schedule_sensor_and_checks() -> None:
    assert defs.resolve_job_def("refresh") is not None
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("raw_files_changed") is not None
    check_keys = defs.resolve_asset_graph().asset_check_keys
    assert dg.AssetCheckKey(dg.AssetKey(["marts", "icp_drift"]), "drift_psi_distributions") in (
        check_keys
    )


def test_definitions_follow_the_settings_they_are_built_from(tmp_path) -> None:
    """Each build of the definitions carries its own settings: nothing is read back from the
    environment, so two refreshes in one process never share a warehouse or a schedule."""
    environ = {"ICP_WAREHOUSE": str(tmp_path / "a.duckdb"), "ICP_REFRESH_CRON": "0 7 * * 1"}
    first = build_definitions(Settings.from_env(environ))
    second = build_definitions(
        Settings(warehouse=tmp_path / "b.duckdb", dbt_target="spark", crm="hubspot", billing="crm")
    )
    assert first.resolve_schedule_def("daily_refresh").cron_schedule == "0 7 * * 1"
    assert second.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    warehouses = [d.resources["warehouse"] for d in (first, second)]
    assert [(w.path, w.target, w.crm, w.billing) for w in warehouses] == [
        (str(tmp_path / "a.duckdb"), "duckdb", None, None),
        (str(tmp_path / "b.duckdb"), "spark", "hubspot", "crm"),
    ]
    assert first.resources["dbt"].target == "duckdb"
    assert second.resources["dbt"].target == "spark"


def upstream_of(graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    seen: set[dg.AssetKey] = set()
    upstream = set(graph.get(key).parent_keys)
    while upstream:
        parent = upstream.pop()
        if parent not in seen:
            seen.add(parent)
            upstream |= set(graph.get(parent).parent_keys)
    return seen


def test_every_mart_has_a_path_from_a_raw_table() -> None:
    graph = defs.resolve_asset_graph()
    raw = {key for key in graph.get_all_asset_keys() if key.path[0] == "raw"}
    assert len(raw) == 11
    marts = {dg.AssetKey(["marts", node["name"]]) for node in manifest.mart_models()}
    assert len(marts) >= 10
    for mart in marts:
        assert upstream_of(graph, mart) & raw, f"{mart.to_user_string()} has no raw table upstream"


def test_connector_tables_are_raw_assets_upstream_of_the_marts() -> None:
    """The lineage starts at what the sync writes (`salesforce/account`, `stripe/invoice`)."""
    graph = defs.resolve_asset_graph()
    for mart in ("dim_accounts", "fct_cac", "icp_drift"):
        seen = upstream_of(graph, dg.AssetKey(["marts", mart]))
        for table in (["salesforce", "account"], ["stripe", "invoice"], ["stripe", "price"]):
            assert dg.AssetKey(table) in seen, (mart, table)
    assert graph.get(dg.AssetKey(["stripe", "invoice"])).group_name == "stripe"


def test_assets_have_groups_owners_and_descriptions() -> None:
    """The group is the key's first part (the published file `icp_warehouse`: `serving`), and a
    description is what a person wrote, never dagster-dbt's SQL dump."""
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name == (key.path[0] if len(key.path) > 1 else "serving"), key
        assert node.owners, key
        assert node.description, key
        assert "Raw SQL" not in node.description and "####" not in node.description, key


def test_every_mart_enforces_its_contract() -> None:
    """`contract: enforced` is set once, for the marts folder, in dbt_project.yml."""
    marts = manifest.mart_models()
    assert marts
    assert [node["name"] for node in marts if not node["config"]["contract"]["enforced"]] == []
