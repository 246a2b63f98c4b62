"""File-level problems stop the run with exit 2 and one message naming the file (and the line where
known), before anything builds; awkward but valid files are read, and a repeated column the
contract does not use is ignored."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.helpers import (
    AS_OF,
    assert_stops_with,
    awkward_copy,
    broken_copy,
    icp_in_process,
    marts_contents,
    query,
)


def test_a_repeated_column_outside_the_contract_is_ignored(tmp_path) -> None:
    data = broken_copy(tmp_path)
    path = data / "crm_accounts.csv"
    lines = path.read_text().splitlines()
    path.write_text(
        "\n".join([lines[0] + ",notes,notes"] + [line + ",a,b" for line in lines[1:]]) + "\n"
    )
    warehouse = tmp_path / "icp.duckdb"
    result = icp_in_process(
        "refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert query(warehouse, "select count(*) from marts.dim_accounts") == [(5,)]


def test_a_corrupt_parquet_data_page_stops_the_run(published, tmp_path) -> None:  # noqa: F811
    data = broken_copy(tmp_path)
    source, parquet = data / "billing_invoices.csv", data / "billing_invoices.parquet"
    with duckdb.connect() as conn:
        conn.execute(
            f"copy (select * from read_csv('{source}', all_varchar = true)) "
            f"to '{parquet}' (format parquet, compression uncompressed)"
        )
    source.unlink()
    content = parquet.read_bytes()
    # The footer and the row count stay intact; one value in a data page is no longer UTF-8.
    at = content.index(b"paid")
    parquet.write_bytes(content[:at] + b"\xff\xfe\xfd\xfc" + content[at + 4 :])
    assert_stops_with(published, tmp_path, data, "billing_invoices.parquet", "export it again")


def test_a_latin1_byte_deep_in_the_file_names_its_line(published, tmp_path) -> None:  # noqa: F811
    data = broken_copy(tmp_path)
    path = data / "crm_contacts.csv"
    lines = path.read_bytes().split(b"\n")
    lines[14] = lines[14].replace(b",", b" M\xfcller,", 1)
    path.write_bytes(b"\n".join(lines))
    assert_stops_with(published, tmp_path, data, "crm_contacts.csv, line 15", "not UTF-8")


def test_a_directory_where_a_file_should_be(published, tmp_path) -> None:  # noqa: F811
    data = broken_copy(tmp_path)
    (data / "fx_rates.csv").unlink()
    (data / "fx_rates.csv").mkdir()
    assert_stops_with(published, tmp_path, data, "fx_rates.csv is a directory")


def test_a_broken_csv_line_is_named_without_the_option_dump(published, tmp_path) -> None:  # noqa: F811
    data = broken_copy(tmp_path)
    with (data / "billing_invoices.csv").open("a") as handle:
        handle.write('I99,C1,S1,2024-02-15,paid,"100,,USD\n')
    assert_stops_with(published, tmp_path, data, "billing_invoices.csv", "Line: 19")


def test_missing_file_stops_the_run(published: Path, tmp_path: Path) -> None:
    data = broken_copy(tmp_path)
    (data / "fx_rates.csv").unlink()
    assert_stops_with(published, tmp_path, data, "missing file", "fx_rates.csv")


def test_missing_required_column_stops_the_run(published: Path, tmp_path: Path) -> None:
    data = broken_copy(tmp_path)
    path = data / "billing_invoices.csv"
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace(",amount,", ",total,")
    path.write_text("\n".join(lines) + "\n")
    assert_stops_with(
        published, tmp_path, data, "billing_invoices.csv", "missing required column(s) amount"
    )


def test_truncated_parquet_stops_the_run(published: Path, tmp_path: Path) -> None:
    data = broken_copy(tmp_path)
    parquet = data / "billing_invoices.parquet"
    with duckdb.connect() as conn:
        conn.execute(
            f"copy (select * from read_csv('{data / 'billing_invoices.csv'}', all_varchar = true)) "
            f"to '{parquet}' (format parquet)"
        )
    (data / "billing_invoices.csv").unlink()
    parquet.write_bytes(parquet.read_bytes()[: parquet.stat().st_size // 2])
    assert_stops_with(
        published, tmp_path, data, "billing_invoices.parquet", "not a readable Parquet file"
    )


def test_file_in_another_encoding_stops_the_run(published: Path, tmp_path: Path) -> None:
    data = broken_copy(tmp_path)
    path = data / "crm_accounts.csv"
    path.write_bytes(path.read_text().replace("Acme Analytics", "Acmé Analytics").encode("latin-1"))
    assert_stops_with(published, tmp_path, data, "crm_accounts.csv", "not UTF-8")


def test_awkward_but_valid_files_are_read(published: Path, tmp_path: Path) -> None:
    """BOM and CRLF, quoted commas and newlines, column names in other case with spaces, a
    header-only file, a Parquet table, and a directory name with a quote in it."""
    data = awkward_copy(tmp_path)
    warehouse = tmp_path / "awkward.duckdb"
    result = icp_in_process(
        "refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert query(
        warehouse, "select account_name from marts.dim_accounts where account_id = 'A1'"
    ) == [('Acme, "Analytics"\nInc.',)]
    assert query(
        warehouse,
        "select rows_read from marts.fct_load_audit where source_table = 'crm_opportunities'",
    ) == [(0,)]
    # Everything but the account name is as in the clean build.
    contents, clean = marts_contents(warehouse), marts_contents(published)
    assert {k: v for k, v in contents.items() if k != "dim_accounts"} == {
        k: v for k, v in clean.items() if k != "dim_accounts"
    }
