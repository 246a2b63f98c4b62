"""A generated company whose written ICP aims at the wrong customers (`misaimed_icp=True`: small
Retail and Healthcare on consumer models, the customers who pay least and churn fastest).

The back-test must say so (an auc below one half, tier A earning less than the average customer),
the proposal must beat it on all customers and on the holdout, and `icp propose --out`'s rows,
appended to the criteria file, must become the current version (as of their effective date) and
draw a tier A that out-earns the rest.
"""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg
import pytest

from orchestration import cli
from orchestration.defs.backtest.checks import BACKTEST_ASSET
from orchestration.generator import CompanySpec, generate_arrow, write
from tests.helpers import materialize_refresh, query, rows_by_key

SPEC = CompanySpec(accounts=1000, seed=7, drift=False, misaimed_icp=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dg.ExecuteInProcessResult]:
    root = tmp_path_factory.mktemp("misaimed")
    write(generate_arrow(SPEC), root / "data")
    warehouse = root / "icp.duckdb"
    result = materialize_refresh(root / "data", warehouse)
    assert result.success
    return root, warehouse, result


@pytest.fixture(scope="module")
def misaimed(built: tuple[Path, Path, dg.ExecuteInProcessResult]) -> tuple[Path, Path]:
    return built[0], built[1]


def versions(warehouse: Path) -> dict:
    return rows_by_key(
        warehouse,
        "select status, icp_version, auc, holdout_auc, tier_a_ltv_lift from marts.icp_versions "
        "where status in ('current', 'proposed')",
    )


def test_backtest_says_the_written_icp_is_wrong(misaimed: tuple[Path, Path]) -> None:
    _, warehouse = misaimed
    current = versions(warehouse)["current"]
    _, auc, holdout_auc, tier_a_lift = current
    assert auc < 0.5
    assert holdout_auc < 0.5
    assert tier_a_lift < 1


def test_proposal_beats_it(misaimed: tuple[Path, Path]) -> None:
    _, warehouse = misaimed
    found = versions(warehouse)
    _, current_auc, current_holdout, current_lift = found["current"]
    _, proposed_auc, proposed_holdout, proposed_lift = found["proposed"]
    assert proposed_auc > current_auc + 0.15
    assert proposed_holdout > current_holdout + 0.15
    assert proposed_lift > 1 > current_lift


def test_proposal_appended_becomes_the_current_version(
    misaimed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, warehouse = misaimed
    proposal = root / "proposal.csv"
    assert cli.main(["propose", "--warehouse", str(warehouse), "--out", str(proposal)]) == 0
    printed = capsys.readouterr().out
    assert "Proposed criteria (proposed-" in printed
    with proposal.open() as handle:
        rows = list(csv.DictReader(handle))
    [(as_of,)] = query(warehouse, "select as_of_date::varchar from marts.dim_refresh")
    version = f"proposed-{as_of}"
    assert {row["icp_version"] for row in rows} == {version}
    effective_from = {row["effective_from"] for row in rows}
    assert len(effective_from) == 1
    [effective] = effective_from
    [(day_after,)] = query(warehouse, f"select (date '{as_of}' + 1)::varchar")
    assert effective == day_after

    # Append the rows (without their header) to the criteria file, refresh as of their date.
    criteria = root / "data" / "icp_criteria.csv"
    lines = proposal.read_text().splitlines()
    assert lines[0] == criteria.read_text().splitlines()[0], "the contract's columns"
    criteria.write_text(criteria.read_text() + "\n".join(lines[1:]) + "\n")
    appended = root / "appended.duckdb"
    assert materialize_refresh(root / "data", appended, as_of=effective).success
    [(current,)] = query(appended, "select distinct icp_version from marts.dim_accounts")
    assert current == version
    tiers = rows_by_key(
        appended,
        "select icp_tier = 'A', avg(ltv_usd) from marts.dim_accounts "
        "where customer_status <> 'prospect' group by all",
    )
    assert tiers[True] > 1.5 * tiers[False]


def test_dagster_plots_the_backtest_and_warns_to_revisit(
    built: tuple[Path, Path, dg.ExecuteInProcessResult],
) -> None:
    _, warehouse, result = built
    found = versions(warehouse)
    [materialization] = [
        event.materialization
        for event in result.get_asset_materialization_events()
        if event.materialization.asset_key == BACKTEST_ASSET
    ]
    metadata = materialization.metadata
    for status in ("current", "proposed"):
        _, auc, holdout_auc, tier_a_lift = found[status]
        assert metadata[f"{status}_auc"] == dg.MetadataValue.float(auc)
        assert metadata[f"{status}_holdout_auc"] == dg.MetadataValue.float(holdout_auc)
        assert metadata[f"{status}_tier_a_ltv_lift"] == dg.MetadataValue.float(tier_a_lift)
    [evaluation] = [
        event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
        and event.event_specific_data.check_name == "icp_revisit"
    ]
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert "auc" in evaluation.description and "time to revisit" in evaluation.description
