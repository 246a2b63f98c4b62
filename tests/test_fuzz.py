"""A seeded fuzz run of `icp refresh` over the small company: row-level and file-level damage and
hostile values, each in its own refresh over a copy of a published warehouse. For each: the exit
code the README promises, no stack trace, the published warehouse byte-identical after a failure,
rows read = accepted + rejected after a success, and no planted personal data in any mart."""

from __future__ import annotations

import csv
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from tests.helpers import AS_OF, COMPANY, icp, sha256

SEED = 14
EMAIL, PHONE, NAME = "fuzz.probe@example.org", "+44 20 7946 0958", "Fuzzy Personname"
NEEDLES = ("fuzz.probe", "7946 0958", "personname")
LIFT = ("--var", "max_rejected_share_error=1")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def set_cell(table: str, column: str, value: str) -> Callable[[Path, random.Random], None]:
    """Put `value` in `column` of a row chosen by the seed."""

    def mutate(data: Path, rng: random.Random) -> None:
        path = data / f"{table}.csv"
        rows = read_rows(path)
        rows[rng.randrange(len(rows))][column] = value
        write_rows(path, rows)

    return mutate


def append_copy(table: str) -> Callable[[Path, random.Random], None]:
    """Repeat a row chosen by the seed (a repeated key)."""

    def mutate(data: Path, rng: random.Random) -> None:
        path = data / f"{table}.csv"
        rows = read_rows(path)
        write_rows(path, [*rows, dict(rows[rng.randrange(len(rows))])])

    return mutate


def every_row(table: str, column: str, value: str) -> Callable[[Path, random.Random], None]:
    def mutate(data: Path, rng: random.Random) -> None:
        path = data / f"{table}.csv"
        write_rows(path, [{**row, column: value} for row in read_rows(path)])

    return mutate


def keep_rows(table: str, count: int) -> Callable[[Path, random.Random], None]:
    def mutate(data: Path, rng: random.Random) -> None:
        path = data / f"{table}.csv"
        write_rows(path, read_rows(path)[:count])

    return mutate


def edit_bytes(table: str, edit: Callable[[bytes], bytes]) -> Callable[[Path, random.Random], None]:
    def mutate(data: Path, rng: random.Random) -> None:
        path = data / f"{table}.csv"
        path.write_bytes(edit(path.read_bytes()))

    return mutate


def latin1(data: Path, rng: random.Random) -> None:
    path = data / "crm_contacts.csv"
    lines = path.read_bytes().split(b"\n")
    at = rng.randrange(1, len(lines) - 1)
    lines[at] = lines[at].replace(b",", b" Gr\xfcn,", 1)
    path.write_bytes(b"\n".join(lines))


def directory(data: Path, rng: random.Random) -> None:
    (data / "sales_costs.csv").unlink()
    (data / "sales_costs.csv").mkdir()


def as_parquet(data: Path, table: str) -> Path:
    source, target = data / f"{table}.csv", data / f"{table}.parquet"
    with duckdb.connect() as conn:
        conn.execute(
            f"copy (select * from read_csv('{source}', all_varchar = true)) "
            f"to '{target}' (format parquet, compression uncompressed)"
        )
    source.unlink()
    return target


def corrupt_page(data: Path, rng: random.Random) -> None:
    path = as_parquet(data, "billing_invoices")
    content = path.read_bytes()
    at = content.index(b"paid")
    path.write_bytes(content[:at] + b"\xff\xfe\xfd\xfc" + content[at + 4 :])


def truncated_parquet(data: Path, rng: random.Random) -> None:
    path = as_parquet(data, "billing_subscriptions")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def header(table: str, edit: Callable[[str], str]) -> Callable[[Path, random.Random], None]:
    def mutate(data: Path, rng: random.Random) -> None:
        path = data / f"{table}.csv"
        lines = path.read_text().splitlines()
        extra = edit(lines[0]).count(",") - lines[0].count(",")
        rows = [line + ",x" * extra for line in lines[1:]]
        path.write_text("\n".join([edit(lines[0]), *rows]) + "\n")

    return mutate


# name -> (mutation, extra options, exit code the README promises)
MUTATIONS: dict[str, tuple[Callable[[Path, random.Random], None], tuple[str, ...], int]] = {
    "huge_invoice": (set_cell("billing_invoices", "amount", "1e27"), LIFT, 0),
    "card_number_amount": (set_cell("billing_invoices", "amount", "4111111111111111"), LIFT, 0),
    "huge_spend": (set_cell("marketing_spend", "amount", "1e20"), LIFT, 0),
    "offset_99_hours": (set_cell("crm_accounts", "created_at", "2024-01-01T10:00-99:00"), LIFT, 0),
    "year_zero": (set_cell("crm_contacts", "created_at", "0000-01-01"), LIFT, 0),
    "nul_lead_source": (set_cell("crm_accounts", "lead_source", "\x00"), LIFT, 0),
    "nfd_title": (set_cell("crm_contacts", "job_title", "Pre\u0301sident"), LIFT, 0),
    "email_in_title": (set_cell("crm_contacts", "job_title", f"CEO {EMAIL}"), LIFT, 0),
    "bracketed_email": (set_cell("crm_contacts", "job_title", f"Head <{EMAIL}>"), LIFT, 0),
    "phone_in_name": (set_cell("crm_accounts", "account_name", f"Acme {PHONE}"), LIFT, 0),
    "email_in_name": (set_cell("crm_accounts", "account_name", f"Acme {EMAIL}"), LIFT, 0),
    "person_as_owner": (set_cell("crm_accounts", "owner_id", NAME), LIFT, 0),
    "email_as_key": (set_cell("crm_contacts", "contact_id", EMAIL), LIFT, 0),
    "sql_payload": (
        set_cell("crm_accounts", "account_name", "x'); drop table marts.dim_accounts; --"),
        LIFT,
        0,
    ),
    "jinja_payload": (
        set_cell("crm_contacts", "job_title", "{{ run_query('select 1') }}"),
        LIFT,
        0,
    ),
    "repeated_key": (append_copy("billing_subscriptions"), LIFT, 0),
    "unknown_currency": (set_cell("billing_invoices", "currency", "XYZ"), LIFT, 0),
    "negative_mrr": (set_cell("billing_subscriptions", "mrr", "-5"), LIFT, 0),
    "impossible_date": (set_cell("billing_invoices", "issued_at", "2024-02-31"), LIFT, 0),
    "blank_key": (set_cell("crm_opportunities", "opportunity_id", "   "), LIFT, 0),
    "long_text": (set_cell("crm_accounts", "account_name", "A" * 20_000), LIFT, 0),
    "ref_without_match": (set_cell("billing_invoices", "customer_id", "C404"), LIFT, 0),
    "bad_row_over_limit": (set_cell("crm_accounts", "created_at", "yesterday"), (), 1),
    "all_invoices_2099": (every_row("billing_invoices", "issued_at", "2099-01-01"), (), 1),
    "truncated_export": (keep_rows("billing_invoices", 5), (), 1),
    "missing_file": (lambda data, rng: (data / "fx_rates.csv").unlink(), (), 2),
    "latin1_byte": (latin1, (), 2),
    "directory": (directory, (), 2),
    "corrupt_parquet_page": (corrupt_page, (), 2),
    "truncated_parquet": (truncated_parquet, (), 2),
    "missing_column": (
        header("billing_invoices", lambda h: h.replace(",amount,", ",total,")),
        (),
        2,
    ),
    "repeated_contract_column": (header("crm_accounts", lambda h: h + ",account_id"), (), 2),
    "repeated_extra_column": (header("crm_accounts", lambda h: h + ",notes,notes"), (), 0),
    "unterminated_quote": (edit_bytes("sales_costs", lambda b: b + b'2024-03-01,"5,USD\n'), (), 2),
    "empty_file": (edit_bytes("marketing_spend", lambda b: b""), (), 2),
}


def marts_text(warehouse: Path) -> list[tuple[str, str, str]]:
    """Every planted needle found in a text column of a mart, as (table, column, value)."""
    found = []
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        columns = conn.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type = 'VARCHAR'"
        ).fetchall()
        for table, column in columns:
            for needle in NEEDLES:
                found += [
                    (table, column, value)
                    for (value,) in conn.execute(
                        f'select "{column}" from marts.{table} where lower("{column}") like ?',
                        [f"%{needle}%"],
                    ).fetchall()
                ]
    return found


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_fuzz(name: str, published: Path, tmp_path: Path) -> None:
    mutate, options, expected = MUTATIONS[name]
    data = tmp_path / "data"
    shutil.copytree(COMPANY, data)
    mutate(data, random.Random(f"{SEED}-{name}"))
    warehouse = tmp_path / "published" / published.name
    warehouse.parent.mkdir()
    shutil.copyfile(published, warehouse)
    before = sha256(warehouse)
    args = ("refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF, *options)
    result = icp(*args)
    output = result.stdout + result.stderr
    assert result.returncode == expected, output[-3000:]
    assert "Traceback" not in output and 'File "' not in output, output[-3000:]
    if expected != 0:
        assert sha256(warehouse) == before
        # The message follows the build's progress lines, if the build started.
        lines = [line for line in result.stderr.splitlines() if not line.startswith("dbt build: ")]
        assert lines[0].startswith("icp refresh: ") and "left as it was" in result.stderr
        return
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        audit = conn.execute(
            "select source_table, rows_read, rows_accepted, rows_rejected from marts.fct_load_audit"
        ).fetchall()
    assert len(audit) == 11
    for table, read, accepted, rejected in audit:
        assert read == accepted + rejected, table
        assert read == len(read_rows(data / f"{table}.csv")), table
    assert marts_text(warehouse) == []
