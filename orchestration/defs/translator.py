"""How dbt nodes appear in Dagster: keys matching the raw-file assets, groups matching the keys.

Every asset's group is the first part of its key (`marts/icp_drift` is in group `marts`,
`stripe/invoice` in `stripe`), so the lineage's groups and the catalog's folders say the same
thing. Descriptions are the dbt descriptions a person wrote (no SQL dump), and every dbt test
becomes an asset check whose description says in words what it checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings
from dagster_dbt.dbt_project import DbtProject

OWNER = "team:revops-analytics"


def raw_asset_key(table: str) -> dg.AssetKey:
    """The key of a raw table's asset, shared by the raw-file assets and the dbt sources."""
    return dg.AssetKey(["raw", table])


def connector_asset_key(connector: str, table: str) -> dg.AssetKey:
    """A connector table's key (`stripe/invoice`), shared by the raw assets and the dbt sources."""
    return dg.AssetKey([connector, table])


def group_of(key: dg.AssetKey) -> str:
    """The lineage group of an asset: the first part of its key."""
    return key.path[0]


def _name(reference: object) -> str:
    """`ref('country_regions')` -> `country_regions`; a var's Jinja -> the var's name."""
    text = str(reference)
    found = re.search(r"(?:ref|var|source)\(\s*'([^']+)'", text)
    return found.group(1) if found else text


def _leading_comment(sql: str) -> str:
    """The `--` comment lines at the top of a singular test (after its config), as one text."""
    lines = []
    for line in sql.splitlines():
        stripped = line.strip()
        if stripped.startswith("--"):
            lines.append(stripped.lstrip("-").strip())
        elif lines or (stripped and not stripped.startswith("{{")):
            break
    return " ".join(lines)


def dbt_test_description(test: Mapping[str, Any]) -> str:
    """What a dbt test checks, in words: its own description when it has one, else one written
    from the generic test's name and arguments, or the comment at the top of a singular test."""
    own = test.get("description") or (test.get("meta") or {}).get("description")
    severity = str((test.get("config") or {}).get("severity") or "error").lower()
    ending = (
        " A failure warns and never stops the refresh."
        if severity == "warn"
        else " A failure stops the refresh before publishing."
    )
    if own:
        return own.strip() + ending
    generic = test.get("test_metadata") or {}
    kwargs = generic.get("kwargs") or {}
    column = f"`{kwargs.get('column_name') or test.get('column_name')}`"
    texts = {
        "not_null": lambda: f"{column} is never null.",
        "unique": lambda: f"{column} is unique: no two rows share a value.",
        "accepted_values": lambda: f"{column} is one of: {', '.join(map(str, kwargs['values']))}.",
        "relationships": lambda: (
            f"every {column} is found in `{_name(kwargs['to'])}.{kwargs['field']}`."
        ),
        "unique_combination": lambda: (
            f"no two rows share the same ({', '.join(kwargs['columns'])})."
        ),
        "between": lambda: f"{column} lies between {kwargs['low']} and {kwargs['high']}.",
        "expression_is_true": lambda: f"every row satisfies `{kwargs['expression']}`.",
        "accepted_drop": lambda: (
            "no table's accepted rows fall by more than "
            f"`{_name(kwargs['max_drop'])}` against the published warehouse."
        ),
        "rejected_share": lambda: (
            f"the quarantine rejects at most `{_name(kwargs['max_share'])}` of the table's rows "
            "(every reason counts)."
        ),
    }
    name = generic.get("name")
    if name in texts:
        text = texts[name]()
        return text[0].upper() + text[1:] + ending
    return (_leading_comment(test.get("raw_code") or "") or f"dbt test {test['name']}.") + ending


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
        return group_of(self.get_asset_key(dbt_resource_props))

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """The description written in the dbt YAML, without dagster-dbt's raw SQL section."""
        return (dbt_resource_props.get("description") or "").strip() or (
            f"dbt {dbt_resource_props['resource_type']} {dbt_resource_props['name']}"
        )

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=dbt_test_description(manifest["nodes"][unique_id]),
            additional_deps=[dep.asset_key for dep in spec.additional_deps],
            metadata=spec.metadata,
            blocking=spec.blocking,
        )

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [OWNER]
