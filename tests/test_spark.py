"""The same dbt project on Spark (dbt-spark's session method) gives the same answers as on DuckDB.

The hand-computed fixture company is built on Spark once per test session into a temporary
warehouse directory; each mart, written as Parquet at `<warehouse>/marts/<table>/`, is read back
with DuckDB and compared with the DuckDB build of the same input: money to the cent, every other
value exactly, text lists in the same order. A difference is a bug in an engine-specific macro,
never a tolerance to widen. The macros themselves are also run on both engines over awkward values,
and the raw registration over awkward files.

Needs the `spark` extra (pyspark) and Java 17; without them these tests skip.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import manifest, refresh
from orchestration.project import DBT_PROJECT_DIR
from orchestration.raw_files import register_all, sql_string
from orchestration.refresh import run_refresh
from tests.helpers import AS_OF, COMPANY, HUBSPOT_VARS, awkward_copy

pytestmark = pytest.mark.spark

pytest.importorskip("pyspark", reason="the spark extra is not installed (uv sync --all-extras)")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17 (no java on PATH)", allow_module_level=True)

from orchestration import cli  # noqa: E402 - after the skips: imports pyspark lazily anyway
from orchestration.engines import spark  # noqa: E402

# The published tables of schema marts (the interface), as the manifest declares them.
MARTS = tuple(
    relation.split(".")[1]
    for relation in manifest.published_relations()
    if relation.startswith("marts.")
)


# The JVM options of every Spark session these tests start (the landing's, dbt's, this process's),
# through the profile's ICP_SPARK_JAVA_OPTIONS unless it is set already (set it empty for the
# profile's defaults). The builds here are small and short: C2's compiler threads spend more CPU
# than its faster code saves, so C1 alone (with the code cache C2 would have: the default for C1
# alone is 48 MB, which Spark's generated code fills) and the serial collector halve a build's
# wall and CPU time on two cores (docs/performance.md, "Test suite").
SMALL_BUILD_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m -XX:+UseSerialGC"


@pytest.fixture(scope="session")
def small_build_jvm() -> Iterator[None]:
    """ICP_SPARK_JAVA_OPTIONS for the session's Spark builds and sessions."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(
            "ICP_SPARK_JAVA_OPTIONS",
            os.environ.get("ICP_SPARK_JAVA_OPTIONS", SMALL_BUILD_JAVA_OPTIONS),
        )
        yield


@dataclass(frozen=True)
class SparkBuild:
    """The fixture company's Spark warehouse and the Dagster run that built it."""

    warehouse: Path
    run: dg.ExecuteInProcessResult


@pytest.fixture(scope="session")
def spark_build(
    tmp_path_factory: pytest.TempPathFactory, small_build_jvm: None
) -> Iterator[SparkBuild]:
    """The fixture company built on Spark once, by `icp refresh --target spark` in this process,
    as a user runs it; the refresh job's result it got is kept for the tests of the Dagster side.
    One Spark session (this process's, started by the tests that query Spark) for the session."""
    warehouse = tmp_path_factory.mktemp("spark") / "warehouse"
    paths = ["--data-dir", str(COMPANY), "--warehouse", str(warehouse)]
    runs: list[dg.ExecuteInProcessResult] = []

    def recorded(*args: object, **kwargs: object) -> dg.ExecuteInProcessResult:
        runs.append(run_refresh(*args, **kwargs))
        return runs[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(refresh, "run_refresh", recorded)
        assert cli.main(["refresh", "--target", "spark", *paths, "--as-of", AS_OF]) == 0
    [run] = runs
    yield SparkBuild(warehouse, run)
    spark.stop_session()


@pytest.fixture(scope="session")
def spark_warehouse(spark_build: SparkBuild) -> Path:
    return spark_build.warehouse


def mart_columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return conn.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'duck' and table_schema = 'marts' and table_name = ? "
        "order by ordinal_position",
        [table],
    ).fetchall()


def same_value(column: str, duck: object, spark_value: object) -> bool:
    """Money to the cent, other numbers alike (a sum may differ in its last bit), else equal."""
    if isinstance(duck, float) and isinstance(spark_value, float):
        if column.endswith("_usd"):
            return round(duck, 2) == round(spark_value, 2)
        return math.isclose(duck, spark_value, rel_tol=1e-12, abs_tol=1e-12)
    return duck == spark_value


def mart_differences(duck_file: Path, spark_warehouse: Path, table: str) -> list[tuple]:
    """Every value of one mart that differs between the DuckDB file and the Spark warehouse;
    the column names and types, and the row count, must be the same."""
    with duckdb.connect() as conn:
        conn.execute(f"attach {sql_string(str(duck_file))} as duck (read_only)")
        columns = mart_columns(conn, table)
        names = ", ".join(name for name, _ in columns)
        # As the summary reads a Spark warehouse (an empty partitioned table has no file).
        spark.parquet_views(conn, spark_warehouse, include_build=False)
        scan = f"memory.marts.{table}"
        spark_types = conn.execute(f"describe select {names} from {scan}").fetchall()
        assert [(row[0], row[1]) for row in spark_types] == columns, "column names and types"
        duck_rows = conn.execute(f"select {names} from duck.marts.{table} order by all").fetchall()
        spark_rows = conn.execute(f"select {names} from {scan} order by all").fetchall()
    assert len(spark_rows) == len(duck_rows)
    return [
        (name, duck_value, spark_value)
        for duck_row, spark_row in zip(duck_rows, spark_rows, strict=True)
        for (name, _), duck_value, spark_value in zip(columns, duck_row, spark_row, strict=True)
        if not same_value(name, duck_value, spark_value)
    ]


@pytest.mark.parametrize("table", MARTS)
def test_mart_matches_duckdb(table: str, spark_warehouse: Path, company_warehouse: Path) -> None:
    assert mart_differences(company_warehouse, spark_warehouse, table) == []


# The connector fixture companies (conftest; tests/connector_fixture.py): Salesforce + Stripe
# folders, and HubSpot alone, whose revenue is its won deals (billing = crm): their input and
# DuckDB build fixtures, and the `--var`s of the DuckDB build.
CONNECTOR_COMPANIES = {
    "salesforce_stripe": ("connector_data", "connector_warehouse", {}),
    "hubspot_crm": ("hubspot_data", "hubspot_warehouse", HUBSPOT_VARS),
}


@pytest.fixture(scope="session", params=sorted(CONNECTOR_COMPANIES))
def connector_builds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, small_build_jvm: None
) -> tuple[Path, Path]:
    """One connector company built on DuckDB (the session's published file, which
    tests/test_connectors.py checks by hand) and on Spark (the warehouse directory), the Spark
    build by the CLI as a user runs it."""
    data_fixture, duck_fixture, dbt_vars = CONNECTOR_COMPANIES[request.param]
    data, duck_file = request.getfixturevalue(data_fixture), request.getfixturevalue(duck_fixture)
    warehouse = tmp_path_factory.mktemp(request.param) / "warehouse"
    paths = ["--data-dir", str(data), "--warehouse", str(warehouse), "--as-of", AS_OF]
    given = [item for name, value in dbt_vars.items() for item in ("--var", f"{name}={value}")]
    assert cli.main(["refresh", "--target", "spark", *paths, *given]) == 0
    return duck_file, warehouse


@pytest.mark.parametrize("table", MARTS)
def test_connector_mart_matches_duckdb(table: str, connector_builds: tuple[Path, Path]) -> None:
    """Connector input on Spark: the connector tables landed in the Spark catalog, the same
    mapping models, the same marts as on DuckDB, every column, money to the cent."""
    assert mart_differences(*connector_builds, table) == []


def test_connector_input_on_spark_has_customers(connector_builds: tuple[Path, Path]) -> None:
    """Agreeing on nothing would pass the comparison: each connector company has customers with
    revenue on Spark (Stripe's invoices, or the won deals with billing = crm; the HubSpot one's
    has churned by the as-of date), and the load audit counts the connector rows dropped
    (deleted in the source or superseded)."""
    _, warehouse = connector_builds
    with duckdb.connect() as conn:
        accounts = spark.parquet_scan(warehouse / "marts" / "dim_accounts")
        audit = spark.parquet_scan(warehouse / "marts" / "fct_load_audit")
        [(customers, revenue)] = conn.execute(
            "select count(*) filter (where customer_status <> 'prospect'), "
            f"sum(lifetime_revenue_usd) from {accounts}"
        ).fetchall()
        dropped = conn.execute(f"select sum(rows_dropped) from {audit}").fetchall()
    assert customers > 0 and revenue > 0
    assert dropped[0][0] > 0


def test_marts_are_parquet_under_the_warehouse(spark_warehouse: Path) -> None:
    """The published tables are Parquet folders `<warehouse>/<schema>/<table>/`, the marts and the
    reference lookups only; every other layer, the metastore and dbt's files are in the
    owner-only `<warehouse>/.icp-build/`; nothing in the cwd."""
    for table in MARTS:
        assert list((spark_warehouse / "marts" / table).glob("**/*.parquet")), table
    drift = spark_warehouse / "marts" / "icp_drift" / f"as_of_date={AS_OF}"
    assert list(drift.glob("*.parquet")), "icp_drift is partitioned by as_of_date"
    published = {
        f"{schema.name}.{table.name}"
        for schema in spark_warehouse.iterdir()
        if schema.name != ".icp-build"
        for table in schema.iterdir()
    }
    assert published == set(manifest.published_relations())
    private = spark.build_dir(spark_warehouse)
    assert sorted(path.name for path in spark_warehouse.iterdir()) == [
        ".icp-build",
        "marts",
        "reference",
    ]
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    assert list((private / "staging" / "base_crm__contacts").glob("*.parquet"))
    assert list((private / "raw" / "crm_contacts").glob("*.parquet"))
    assert (private / "metastore_db").is_dir()
    assert not (Path.cwd() / "metastore_db").exists()
    assert not (Path.cwd() / "spark-warehouse").exists()


# Values the engine-specific macros must read alike: (label, text). ISO shapes with and without a
# zone; what one engine alone would read (`2024`, `24:00`, zone names, `1_000`, `12.5` as a whole
# number); regex escapes (`\.`, `\|`, `\p{L}`, a group in the replacement). No backslash in the
# values themselves: Spark reads one in a string literal as an escape (files are not affected).
TEXTS = [
    "2024-01-15",
    "2024-1-5",
    "2024-01-15T10:20:30Z",
    "2024-01-15T10:20:30+02:00",
    "2024-01-15T10:20:30-0530",
    "2024-01-15 10:20:30",
    "2024-01-15T10:20:30.123456Z",
    "2024-01-15T10:20",
    "2024-12-31T23:30:00-02:00",
    "2024-02-30",
    "2024",
    "2024-01",
    "2024-01-15T24:00:00",
    "2024-01-15 10:20:30 UTC",
    "2024-01-15T10:20:30 +02:00",
    "2024-01-15T10",
    "05/03/2024",
    "12.5",
    "-3",
    "+4.5",
    ".5",
    "1e3",
    "1.0101437e+10",
    "-2.5E-3",
    "12.0",
    "1,200.00",
    "12,5O",
    "1_000",
    "0x10",
    "inf",
    "nan",
    "9223372036854775808",
    "HTTPS://www.Acme.com/path?q=1",
    "wwwx.io",
    "www.beta.io#top",
    "Sr. VP, Sales & Ops – EMEA",
    "Mail bob.smith+x@acme.co.uk or $1",
    "a|b| C ||d",
    "a;B; c;",
    "CEO <ann@x.org>, +49 151 2345 6789, (415) 555-0137, 2024-01-15",
    "25/6/2024",
    "5/12/2024 9:05:30",
    "2024-01-01T10:00:00-99:00",
    "2024-01-01T10:00:00+14:00",
    "999999999999999.99",
]


def macro_sql() -> str:
    """One query calling every engine-specific macro on every text, as strings."""
    text = "{{ dbt.type_string() }}"
    values = ", ".join(
        f"({index}, '{value.replace(chr(39), chr(39) * 2)}')" for index, value in enumerate(TEXTS)
    )
    return f"""
with cases as (select * from (values {values}) as t(case_id, raw)),
dated as (
    select case_id, raw, {{{{ icp.parse_date('raw') }}}} as day from cases
),
items as (
    {{{{ icp.split_to_rows('cases', ['case_id'], 'raw', '|') }}}}
),
stack_items as (
    {{{{ icp.split_to_rows('cases', ['case_id'], 'raw', ';') }}}}
),
lists as (
    select case_id,
        {{{{ icp.ordered_list_agg('item', ['-length(item)', 'item']) }}}} as pipe_items
    from items group by case_id
),
stacks as (
    select case_id, {{{{ icp.ordered_list_agg('item', ['item']) }}}} as stack_items
    from stack_items group by case_id
)
select
    cases.case_id,
    cast({{{{ icp.parse_timestamp('cases.raw') }}}} as {text}) as parsed_timestamp,
    cast(dated.day as {text}) as parsed_date,
    {{{{ icp.parse_decimal('cases.raw') }}}} as parsed_decimal,
    cast({{{{ icp.parse_integer('cases.raw') }}}} as {text}) as parsed_integer,
    {{{{ icp.normalize_domain('cases.raw') }}}} as domain,
    {{{{ icp.mask_personal('cases.raw') }}}} as masked,
    cast({{{{ icp.parse_timestamp('cases.raw', 'day_first') }}}} as {text}) as day_first,
    cast({{{{ icp.divide_money(icp.parse_decimal('cases.raw'), 3) }}}} as {text}) as third,
    {{{{ icp.regex_replace('lower(cases.raw)', '[^\\\\p{{L}}\\\\p{{N}}]+', ' ') }}}} as words,
    case when {{{{ icp.regex_matches('cases.raw', "'^ *-?[0-9]+(\\\\.[0-9]+)? *$'") }}}}
        then 'number' else 'other' end as number_shape,
    cast({{{{ icp.month_of('dated.day') }}}} as {text}) as month,
    cast(cast({{{{ dbt.dateadd('month', 1, 'dated.day') }}}} as date) as {text}) as next_month,
    cast({{{{ icp.whole_months_between('dated.day', "cast('2024-03-31' as date)") }}}}
        as {text}) as months_to_march_end,
    lists.pipe_items,
    stacks.stack_items
from cases
inner join dated on cases.case_id = dated.case_id
left join lists on cases.case_id = lists.case_id
left join stacks on cases.case_id = stacks.case_id
"""


def dbt_args(target: str, sql: str, target_path: Path) -> list[str]:
    return [
        "--log-path", str(target_path / "logs"),
        "show", "--inline", sql, "--limit", "1000", "--output", "json",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target", target, "--target-path", str(target_path),
    ]  # fmt: skip


def show_on_spark(sql: str, warehouse: Path) -> list[dict[str, object]]:
    """`dbt show --inline` on Spark, in this process (a Spark session on the warehouse); rows as
    dbt's JSON."""
    from dbt.cli.main import dbtRunner

    spark.start_session(warehouse)
    target_path = spark.SparkWarehouse(warehouse).dbt_target_dir
    result = dbtRunner().invoke(dbt_args(spark.TARGET, sql, target_path))
    assert result.success, result.exception
    text = io.StringIO()
    result.result.results[0].agate_table.to_json(text)
    return sorted(json.loads(text.getvalue()), key=lambda row: row["case_id"])


def show_on_duckdb(sql: str, tmp_path: Path) -> list[dict[str, object]]:
    """The same on DuckDB, in a child process: DuckDB objects still alive in a process that
    also ran Spark make the interpreter's exit print leak warnings."""
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "--quiet", *dbt_args("duckdb", sql, tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "ICP_DUCKDB_PATH": str(tmp_path / "macros.duckdb")},
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return sorted(json.loads(completed.stdout)["show"], key=lambda row: row["case_id"])


def test_engine_specific_macros_agree(spark_warehouse: Path, tmp_path: Path) -> None:
    sql = macro_sql()
    duck = show_on_duckdb(sql, tmp_path)
    on_spark = show_on_spark(sql, spark_warehouse)
    assert len(duck) == len(TEXTS)
    differences = [
        (TEXTS[int(duck_row["case_id"])], column, duck_row[column], spark_row[column])
        for duck_row, spark_row in zip(duck, on_spark, strict=True)
        for column in duck_row
        if duck_row[column] != spark_row[column]
    ]
    assert differences == [], "\n".join(map(repr, differences))
    # Spot checks against the contract, so agreeing on a wrong answer fails too.
    by_text = {TEXTS[int(row["case_id"])]: row for row in duck}
    assert by_text["2024-01-15T10:20:30+02:00"]["parsed_timestamp"] == "2024-01-15 08:20:30"
    assert by_text["2024"]["parsed_timestamp"] is None
    assert by_text["1_000"]["parsed_decimal"] is None
    assert by_text["1.0101437e+10"]["parsed_decimal"] == 10101437000.0
    assert by_text["12.5"]["parsed_integer"] is None
    assert by_text["12.0"]["parsed_integer"] == "12"
    assert by_text["HTTPS://www.Acme.com/path?q=1"]["domain"] == "acme.com"
    assert by_text["wwwx.io"]["domain"] == "wwwx.io"
    assert by_text["Mail bob.smith+x@acme.co.uk or $1"]["masked"] == "Mail ***@acme.co.uk or $1"
    assert by_text["a|b| C ||d"]["pipe_items"] == "a, b, c, d"


def test_raw_tables_match_duckdb(spark_warehouse: Path, tmp_path: Path) -> None:
    """Spark's raw tables hold what DuckDB's raw views show: names, text values, file order."""
    data = awkward_copy(tmp_path)
    tables = manifest.contract(spark.build_dir(spark_warehouse) / "dbt-target" / "manifest.json")
    session = spark.start_session(spark_warehouse)
    raw_dir = tmp_path / "spark-raw"
    found = spark.register_all(session, tables, data, raw_dir)
    with duckdb.connect(str(tmp_path / "registered.duckdb")) as conn:
        expected = {raw.table: raw.rows for raw in register_all(conn, tables, data)}
        assert {raw.table: raw.rows for raw in found} == expected
        for table in tables:
            names = ", ".join(("_row_number", *table.columns))
            duck_rows = conn.execute(f"select {names} from raw.{table.name} order by 1").fetchall()
            landed = spark.parquet_scan(spark.build_dir(raw_dir) / "raw" / table.name)
            spark_rows = conn.execute(f"select {names} from {landed} order by 1").fetchall()
            assert spark_rows == duck_rows, table.name


def test_dagster_refresh_on_the_spark_target(spark_build: SparkBuild) -> None:
    """The spark target: the Dagster job `icp refresh` ran landed the raw files, built on Spark,
    read its metadata and ran the drift checks from the Parquet tables (its marts are those
    test_mart_matches_duckdb compares)."""
    result = spark_build.run
    assert result.success
    by_key = {
        event.asset_key.to_user_string(): event.event_specific_data.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    assert by_key["marts/dim_accounts"]["dagster/row_count"].value == 5
    assert by_key["marts/dim_accounts"]["customers"].value == 3
    assert by_key["raw/billing_invoices"]["dagster/row_count"].value > 0
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert evaluations["drift_psi_distributions"].metadata["status"].value == "insufficient_data"
