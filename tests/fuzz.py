"""The seeded fuzz run of `icp refresh` over the small company (tests/test_fuzz_absorbed.py and
tests/test_fuzz_stops.py): row-level and file-level damage and hostile values. For each: the exit
code the README promises, no stack trace, the published warehouse byte-identical after a failure,
rows read = accepted + rejected after a success, and no planted personal data in any mart.

The row-level faults a refresh absorbs (exit 0 with the rejected-share limit lifted) are planted
together, each in rows no other fault of its build touches, in as few refreshes as the company's
rows allow; each fault is still checked on its own: the rows it planted are quarantined with its
reason, or accepted. A fault that stops the refresh (exit 1 or 2) gets a refresh of its own: the
first one stops the run, so planted together they would hide each other. Two test files, so
pytest-xdist can give the two kinds of refresh to different workers.
"""

from __future__ import annotations

import csv
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tests.helpers import (
    AS_OF,
    COMPANY,
    csv_to_parquet,
    icp_in_process,
    published_values,
    query,
    sha256,
)

SEED = 14
EMAIL, PHONE, NAME = "fuzz.probe@example.org", "+44 20 7946 0958", "Fuzzy Personname"
NEEDLES = ("fuzz.probe", "7946 0958", "personname")
LIFT = ("--var", "max_rejected_share_error=1")


class NoRowLeft(Exception):
    """Every row of the table is taken by another fault of the same build."""


@dataclass
class Rows:
    """Which rows the faults planted in one copy of the company change. A fault's seed picks a row
    among those no other fault of the copy changed; the rows each fault touched are recorded
    (table, row number, 1 = first data row) to find them in marts.rejected_rows."""

    taken: dict[str, set[int]] = field(default_factory=dict)
    touched: dict[str, set[tuple[str, int]]] = field(default_factory=dict)

    def pick(self, case: str, rng: random.Random, table: str, count: int) -> int:
        """The index (0-based) of the row `case` changes among the table's `count` rows."""
        taken = self.taken.setdefault(table, set())
        free = [index for index in range(count) if index not in taken]
        if not free:
            raise NoRowLeft(table)
        # Alone, a fault picks exactly as `rng.randrange(count)` did before faults shared a copy.
        index = free[rng.randrange(len(free))]
        self.claim(case, table, index)
        return index

    def claim(self, case: str, table: str, index: int) -> None:
        self.taken.setdefault(table, set()).add(index)
        self.touched.setdefault(case, set()).add((table, index + 1))


@dataclass
class Planter:
    """One fault's view of a copy: its seed and the copy's rows."""

    case: str
    rng: random.Random
    rows: Rows

    def row(self, table: str, count: int) -> int:
        return self.rows.pick(self.case, self.rng, table, count)

    def appended(self, table: str, index: int) -> None:
        self.rows.claim(self.case, table, index)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


Mutation = Callable[[Path, Planter], None]


def set_cell(table: str, column: str, value: str) -> Mutation:
    """Put `value` in `column` of a row chosen by the seed."""

    def mutate(data: Path, planter: Planter) -> None:
        path = data / f"{table}.csv"
        rows = read_rows(path)
        rows[planter.row(table, len(rows))][column] = value
        write_rows(path, rows)

    return mutate


def append_copy(table: str) -> Mutation:
    """Repeat a row chosen by the seed (a repeated key)."""

    def mutate(data: Path, planter: Planter) -> None:
        path = data / f"{table}.csv"
        rows = read_rows(path)
        copied = dict(rows[planter.row(table, len(rows))])
        planter.appended(table, len(rows))
        write_rows(path, [*rows, copied])

    return mutate


def every_row(table: str, column: str, value: str) -> Mutation:
    def mutate(data: Path, planter: Planter) -> None:
        path = data / f"{table}.csv"
        write_rows(path, [{**row, column: value} for row in read_rows(path)])

    return mutate


def keep_rows(table: str, count: int) -> Mutation:
    def mutate(data: Path, planter: Planter) -> None:
        path = data / f"{table}.csv"
        write_rows(path, read_rows(path)[:count])

    return mutate


def edit_bytes(table: str, edit: Callable[[bytes], bytes]) -> Mutation:
    def mutate(data: Path, planter: Planter) -> None:
        path = data / f"{table}.csv"
        path.write_bytes(edit(path.read_bytes()))

    return mutate


def latin1(data: Path, planter: Planter) -> None:
    path = data / "crm_contacts.csv"
    lines = path.read_bytes().split(b"\n")
    at = planter.row("crm_contacts", len(lines) - 2) + 1
    lines[at] = lines[at].replace(b",", b" Gr\xfcn,", 1)
    path.write_bytes(b"\n".join(lines))


def directory(data: Path, planter: Planter) -> None:
    (data / "sales_costs.csv").unlink()
    (data / "sales_costs.csv").mkdir()


def corrupt_page(data: Path, planter: Planter) -> None:
    path = csv_to_parquet(data, "billing_invoices", "uncompressed")
    content = path.read_bytes()
    at = content.index(b"paid")
    path.write_bytes(content[:at] + b"\xff\xfe\xfd\xfc" + content[at + 4 :])


def truncated_parquet(data: Path, planter: Planter) -> None:
    path = csv_to_parquet(data, "billing_subscriptions", "uncompressed")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def header(table: str, edit: Callable[[str], str]) -> Mutation:
    def mutate(data: Path, planter: Planter) -> None:
        path = data / f"{table}.csv"
        lines = path.read_text().splitlines()
        extra = edit(lines[0]).count(",") - lines[0].count(",")
        rows = [line + ",x" * extra for line in lines[1:]]
        path.write_text("\n".join([edit(lines[0]), *rows]) + "\n")

    return mutate


# name -> (mutation, extra options, exit code the README promises)
MUTATIONS: dict[str, tuple[Mutation, tuple[str, ...], int]] = {
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
    "missing_file": (lambda data, planter: (data / "fx_rates.csv").unlink(), (), 2),
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
    """Every planted needle found in a value of a mart, as (table, column, value)."""
    return [
        (table, column, value)
        for table, column, value in published_values(warehouse)
        if table.startswith("marts.") and any(needle in value.lower() for needle in NEEDLES)
    ]


# The faults planted together: row-level, absorbed by a refresh with the limit lifted.
ABSORBED = sorted(
    name for name, (_, options, code) in MUTATIONS.items() if (options, code) == (LIFT, 0)
)
ALONE = sorted(set(MUTATIONS) - set(ABSORBED))
# Faults that reject an account: its contacts and deals are rejected too (no_match), which would
# reject other faults' rows and hide what those do. Each is planted in a copy of its own. (A
# rejected subscription rejects nothing else: negative_mrr and repeated_key share a copy.)
CASCADING = frozenset({"offset_99_hours"})
# Where each absorbed fault's rows go: quarantined with this reason code, or None (accepted, the
# hostile value masked or kept as text).
REASONS: dict[str, str | None] = {
    "blank_key": "missing_value",
    "bracketed_email": None,
    "card_number_amount": "out_of_range",
    "email_as_key": None,
    "email_in_name": None,
    "email_in_title": None,
    "huge_invoice": "out_of_range",
    "huge_spend": "out_of_range",
    "impossible_date": "not_a_timestamp",
    "jinja_payload": None,
    "long_text": None,
    "negative_mrr": "out_of_range",
    "nfd_title": None,
    "nul_lead_source": None,
    "offset_99_hours": "not_a_timestamp",
    "person_as_owner": None,
    "phone_in_name": None,
    "ref_without_match": "no_match",
    "repeated_key": "repeated_key",
    "sql_payload": None,
    "unknown_currency": "no_fx_rate",
    "year_zero": "out_of_range",
}


@dataclass(frozen=True)
class Refresh:
    """One `icp refresh` over a copy of the published warehouse, and the rows its faults touched."""

    data: Path
    warehouse: Path
    before: str
    returncode: int
    stdout: str
    stderr: str
    rows: Rows


def plant(data: Path, name: str, rows: Rows) -> None:
    MUTATIONS[name][0](data, Planter(name, random.Random(f"{SEED}-{name}"), rows))


def company_copy(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(COMPANY, data)
    return data


def refresh(published: Path, data: Path, rows: Rows, options: tuple[str, ...]) -> Refresh:
    """Refresh a copy of the published warehouse from `data` (faults planted in `rows`)."""
    warehouse = data.parent / "published" / published.name
    warehouse.parent.mkdir()
    shutil.copyfile(published, warehouse)
    before = sha256(warehouse)
    args = ("refresh", "--data-dir", data, "--warehouse", warehouse, "--as-of", AS_OF, *options)
    result = icp_in_process(*args)
    return Refresh(data, warehouse, before, result.returncode, result.stdout, result.stderr, rows)


def plant_together(
    names: list[str], root: Callable[[], Path]
) -> list[tuple[list[str], Path, Rows]]:
    """The faults in as few copies of the company as its rows allow: each goes into the first
    copy where its table still has a row no other fault changed (a fault raises NoRowLeft before
    writing), else into a new copy (in a new directory from `root`); a CASCADING one alone."""
    copies: list[tuple[list[str], Path, Rows]] = []
    for name in names:
        shared = [] if name in CASCADING else [c for c in copies if c[0][0] not in CASCADING]
        for members, data, rows in shared:
            try:
                plant(data, name, rows)
            except NoRowLeft:
                continue
            members.append(name)
            break
        else:
            data, rows = company_copy(root()), Rows()
            plant(data, name, rows)
            copies.append(([name], data, rows))
    return copies


def assert_absorbed(done: Refresh) -> None:
    """Exit 0, no trace, every row read accepted or rejected, no planted personal data."""
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "Traceback" not in output and 'File "' not in output, output[-3000:]
    with duckdb.connect(str(done.warehouse), read_only=True) as conn:
        audit = conn.execute(
            "select source_table, rows_read, rows_accepted, rows_rejected from marts.fct_load_audit"
        ).fetchall()
    assert len(audit) == 11
    for table, read, accepted, rejected in audit:
        assert read == accepted + rejected, table
        assert read == len(read_rows(done.data / f"{table}.csv")), table
    assert marts_text(done.warehouse) == []


def rejected_reasons(done: Refresh) -> dict[tuple[str, int], str]:
    """(table, row number) -> reason code of every rejected row of the refresh."""
    rows = query(
        done.warehouse, "select source_table, row_number, reason_code from marts.rejected_rows"
    )
    return {(table, row): code for table, row, code in rows}
