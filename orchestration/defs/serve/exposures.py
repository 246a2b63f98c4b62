"""The consumers of the published warehouse (dbt exposures), downstream of the marts in Dagster.

dagster-dbt 0.29 makes assets of models, seeds and snapshots only: exposures are in its manifest
lookups and in dbt selection (`+exposure:<name>`), but no asset is built for them, so the lineage
would stop at the marts. These external asset specs (nothing to materialize; the BI tools read the
file themselves) put each dashboard, report and alert of `dbt_project/models/exposures.yml` after
the marts it reads and after `icp_warehouse`, the published file it connects to, so a change to a
mart shows who is affected. The manifest is the one dagster-dbt loads, prepared by `dbt parse`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration import manifest
from orchestration.defs.translator import OWNER, IcpTranslator

GROUP = "serving"
# The key prefix is the group, as for every asset (defs/translator.py).
KEY_PREFIX = GROUP
PUBLISHED = dg.AssetKey("icp_warehouse")


def exposure_spec(
    exposure: Mapping[str, Any], manifest: Mapping[str, Any], translator: IcpTranslator
) -> dg.AssetSpec:
    """One consumer: deps on the published file and on the asset of every model or source it
    declares (metrics and the like have no asset)."""
    nodes = {**manifest["nodes"], **manifest.get("sources", {})}
    parents = [
        translator.get_asset_key(nodes[unique_id])
        for unique_id in exposure["depends_on"]["nodes"]
        if unique_id in nodes
    ]
    dagster_meta = (exposure.get("config", {}).get("meta") or exposure.get("meta") or {}).get(
        "dagster", {}
    )
    owner = exposure.get("owner") or {}
    metadata: dict[str, Any] = {
        "dbt_unique_id": exposure["unique_id"],
        "exposure_type": exposure["type"],
    }
    if exposure.get("maturity"):
        metadata["maturity"] = exposure["maturity"]
    if exposure.get("url"):
        metadata["url"] = dg.MetadataValue.url(exposure["url"])
    label = exposure.get("label") or exposure["name"]
    return dg.AssetSpec(
        key=dg.AssetKey([KEY_PREFIX, exposure["name"]]),
        description=f"{label}: {(exposure.get('description') or '').strip()}",
        deps=[PUBLISHED, *sorted(set(parents), key=lambda key: key.path)],
        group_name=GROUP,
        owners=[owner["email"]] if owner.get("email") else [OWNER],
        kinds=set(dagster_meta.get("kinds") or [exposure["type"]]),
        tags={tag: "" for tag in exposure.get("tags", [])},
        metadata=metadata,
    )


def exposure_specs(manifest_path: Path | None = None) -> list[dg.AssetSpec]:
    """An asset spec per dbt exposure of the manifest, in name order."""
    nodes = manifest.load(manifest_path)
    translator = IcpTranslator()
    return [
        exposure_spec(exposure, nodes, translator)
        for exposure in sorted(nodes.get("exposures", {}).values(), key=lambda e: e["name"])
    ]


icp_exposures = exposure_specs()
