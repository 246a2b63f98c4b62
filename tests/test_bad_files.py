"""File-level problems stop the run with exit 2 and one message naming the file (and the line where
known), before anything builds; a repeated column the contract does not use is ignored."""

from __future__ import annotations

import duckdb

from tests.helpers import AS_OF, assert_stops_with, broken_copy, icp, query


def test_a_repeated_column_outside_the_contract_is_ignored(tmp_path) -> None:
    data = broken_copy(tmp_path)
    path = data / "crm_accounts.csv"
    lines = path.read_text().splitlines()
    path.write_text(
        "\n".join([lines[0] + ",notes,notes"] + [line + ",a,b" for line in lines[1:]]) + "\n"
    )
    warehouse = tmp_path / "icp.duckdb"
    result = icp("refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF)
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
