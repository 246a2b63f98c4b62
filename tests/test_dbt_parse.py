"""A refresh loads the manifest `make install` parsed instead of parsing (defs/transform/
in_process.py) unless it sets a var of PARSED_VARS. That is right only while no other var a
refresh sets is read at parse time: this parses the project with every one of them changed and
compares the result with the shipped manifest, node by node."""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.config import is_numeric, project_vars
from orchestration.defs.transform.assets import RefreshConfig, dbt_build_args
from orchestration.defs.transform.in_process import PARSED_VARS, run_vars_of
from orchestration.project import MANIFEST_PATH
from tests.helpers import dbt

# Fields a parse fills from its own moment, not from the project.
PARSE_MOMENT = ("created_at",)


def parsed_nodes(manifest: dict) -> dict[str, dict]:
    """Each node as a run uses it. The macros a node called while parsing are left out: a run
    resolves every macro when the node compiles, and dbt keeps the list for `state:modified`."""
    resources = {**manifest["nodes"], **manifest["sources"], **manifest["exposures"]}
    nodes = {}
    for unique_id, node in resources.items():
        kept = {name: value for name, value in node.items() if name not in PARSE_MOMENT}
        if "depends_on" in kept:
            kept["depends_on"] = {**kept["depends_on"], "macros": None}
        nodes[unique_id] = kept
    return nodes


def every_run_var_changed() -> dict[str, object]:
    """The `--vars` of a refresh that sets every var a refresh can set, except PARSED_VARS: each
    numeric project var (`--var`), the as-of date, the date formats and another build file."""
    numeric = {
        name: value * 2 if value else 1
        for name, value in project_vars().items()
        if is_numeric(value) and name not in PARSED_VARS
    }
    config = RefreshConfig(
        as_of_date="2024-06-30", dbt_vars=numeric, date_formats={"crm_accounts": "day_first"}
    )
    args = dbt_build_args(config, {"icp_duckdb_path": "/elsewhere/icp.duckdb"})
    return run_vars_of(args)


def test_no_var_but_the_parsed_ones_changes_what_dbt_parses(tmp_path: Path) -> None:
    run_vars = every_run_var_changed()
    assert {"as_of_date", "date_formats", "icp_duckdb_path", "gross_margin"} <= run_vars.keys()
    result = dbt(
        "parse", "--vars", json.dumps(run_vars), "--target-path", tmp_path,
        "--log-path", tmp_path, "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    shipped = parsed_nodes(json.loads(MANIFEST_PATH.read_text()))
    parsed = parsed_nodes(json.loads((tmp_path / "manifest.json").read_text()))
    assert parsed.keys() == shipped.keys()
    changed = {
        unique_id: sorted(
            name
            for name in node.keys() | shipped[unique_id].keys()
            if node.get(name) != shipped[unique_id].get(name)
        )
        for unique_id, node in parsed.items()
        if node != shipped[unique_id]
    }
    assert not changed, (
        f"these nodes parse differently with the run's vars set: {changed}; a var read at "
        "parse time belongs in PARSED_VARS (orchestration/defs/transform/in_process.py)"
    )
