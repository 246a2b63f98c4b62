"""What the asset and check pages show, as pure functions: figures written for people, number
metadata Dagster can plot, the thresholds a run applied, descriptions of every dbt test, and
groups that match the keys. No build: the fast layer (`make check`)."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.config import Settings
from orchestration.defs.drift.checks import family_result
from orchestration.defs.transform.assets import effective_vars
from orchestration.defs.transform.metadata import number, signal_numbers, without_dbt_internals
from orchestration.defs.translator import dbt_test_description, group_of
from orchestration.refresh import run_config
from orchestration.reporting import Table, drift_cells, format_value, header, kind_of

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("column", "value", "text"),
    [
        ("median_ltv_usd", 65510.21, "$65,510"),
        ("total_cac_usd", -1200.4, "-$1,200"),
        ("ltv_to_cac", 10.746952608821728, "10.75"),
        ("lift", 1.9666, "1.97"),
        ("rejected_share", 0.01234, "1.2%"),
        ("share_best", 0.35, "35.0%"),
        ("retention_12m", 0.8, "80.0%"),
        ("customers", 12345, "12,345"),
        ("channel", "unknown", "unknown"),
        ("ltv_to_cac", None, "-"),
    ],
)
def test_figures_are_written_for_people(column: str, value: object, text: str) -> None:
    assert format_value(value, kind_of(column)) == text


def test_headers_carry_their_unit() -> None:
    assert header("median_ltv_usd") == "median LTV ($)"
    assert header("ltv_to_cac") == "LTV:CAC"
    assert header("share_best") == "share best (%)"
    assert header("customers_with_cac") == "customers with CAC"
    assert header("fit_share_change_points") == "fit share change points"


def test_a_channel_table_reads_as_its_header_says() -> None:
    table = Table(
        ("channel", "customers", "total_ltv_usd", "total_cac_usd", "ltv_to_cac"),
        [("referral", 121, 2_500_000.4, 125_000.0, 20.0)],
    )
    assert table.markdown().splitlines() == [
        "| channel | customers | total LTV ($) | total CAC ($) | LTV:CAC |",
        "|---|---|---|---|---|",
        "| referral | 121 | $2,500,000 | $125,000 | 20.00 |",
    ]


def test_drift_rows_say_what_their_numbers_count() -> None:
    """metrics.md: PSI rows hold customer counts in the windows, fit_share percents and a change
    in points, alignment a percent."""
    assert drift_cells("psi_industry", 0.3861, 412.0, 98.0) == (
        "PSI 0.386",
        "412 customers",
        "98 customers",
    )
    assert drift_cells("fit_share", -12.34, 45.0, 32.66) == (
        "-12.3 points",
        "45.0% in A/B",
        "32.7% in A/B",
    )
    assert drift_cells("best_customer_alignment", 41.0, None, 41.0) == (
        "41.0%",
        "-",
        "41.0% of best customers in A/B",
    )
    assert drift_cells("psi_region", None, None, None)[0] == "-"


def test_headline_figures_are_numbers() -> None:
    assert number(682) == dg.MetadataValue.int(682)
    assert number(10.746952608821728) == dg.MetadataValue.float(10.747)


def test_each_drift_signal_is_a_plottable_number() -> None:
    rows = [
        ("psi_industry", "alert", 0.38612, 412.0, 98.0),
        ("psi_region", "insufficient_data", None, 0.0, 0.0),
        ("overall", "alert", None, None, None),
    ]
    assert signal_numbers(rows) == {"psi_industry": dg.MetadataValue.float(0.3861)}


def test_dbt_internals_are_left_out() -> None:
    metadata = {"unique_id": "model.icp.x", "invocation_id": "abc", "Execution Duration": 1.2}
    assert without_dbt_internals({**metadata, "dagster/row_count": 5}) == {"dagster/row_count": 5}


def test_check_thresholds_follow_the_runs_vars() -> None:
    """A run with `--var drift_psi_alert=0.9` shows 0.9 beside its PSI, not the default 0.25."""
    thresholds = effective_vars(run_config(Settings(), None, {"drift_psi_alert": 0.9}))
    assert thresholds["drift_psi_alert"] == 0.9
    assert thresholds["drift_psi_warn"] == 0.1  # the project's default where not overridden
    signals = {"psi_industry": {"signal": "psi_industry", "status": "warn", "value": 0.386}}
    result = family_result("drift_psi_distributions", signals, thresholds)
    assert result.metadata["drift_psi_alert"] == dg.MetadataValue.float(0.9)
    assert result.metadata["psi_industry"] == dg.MetadataValue.float(0.386)
    assert result.metadata["psi_industry_status"] == dg.MetadataValue.text("warn")


def test_every_kind_of_dbt_test_is_described() -> None:
    def node(name: str | None, severity: str = "error", **kwargs: object) -> dict:
        return {
            "name": "t",
            "config": {"severity": severity},
            "test_metadata": {"name": name, "kwargs": kwargs} if name else None,
            "raw_code": "{{ config(meta={}) }}\n\n-- Nothing is lost:\n-- spend adds up.\nselect 1",
        }

    assert dbt_test_description(node("not_null", column_name="account_id")) == (
        "`account_id` is never null. A failure stops the refresh before publishing."
    )
    assert dbt_test_description(
        node("rejected_share", "warn", max_share="{{ var('max_rejected_share') }}")
    ).startswith("The quarantine rejects at most `max_rejected_share` of the table's rows")
    assert "warns and never stops" in dbt_test_description(node("unique", "warn", column_name="x"))
    assert dbt_test_description(
        node("relationships", column_name="code", to="ref('country_regions')", field="code")
    ).startswith("Every `code` is found in `country_regions.code`.")
    assert dbt_test_description(node(None)).startswith("Nothing is lost: spend adds up.")


def test_groups_are_the_first_part_of_the_key() -> None:
    assert group_of(dg.AssetKey(["marts", "icp_drift"])) == "marts"
    assert group_of(dg.AssetKey(["stripe", "invoice"])) == "stripe"
