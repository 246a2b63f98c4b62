"""The published file holds the documented interface and nothing personal.

BI tools open the published file (docs/bi.md); the build file in `.icp-build/` keeps every layer,
including the staging quarantine with the contacts' emails. Here the published file of the demo
and of a company with personal data planted in its input (emails, extra name and phone columns,
an email typed into a job title, a rejected contact row) is scanned, every column of every table,
for email addresses, phone numbers and the planted names, and its tables are compared with the
interface the README documents and the dbt manifest declares.
"""

from __future__ import annotations

import csv
import re
import shutil
import stat
from pathlib import Path

import pytest

from orchestration import manifest
from orchestration.engines.duckdb import DuckDBWarehouse
from orchestration.project import DEFAULT_DATA_DIR, PROJECT_ROOT
from tests.helpers import AS_OF, COMPANY, materialize_refresh, published_values, query

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
# An international phone number as CRMs store them: +country, then digit groups.
PHONE = re.compile(r"\+\d{1,3}[ .-]?\(?\d{1,4}\)?([ .-]?\d{2,4}){2,4}")
WORDS = re.compile(r"[^\W\d_]+")

# People planted in the input: (first name, last name, phone). The names are rare enough that
# they can only come from the input.
PEOPLE = [
    ("Zebediah", "Quarrington", "+1 (415) 555-0199"),
    ("Philippa", "Oyelaran", "+44 20 7946 0321"),
    ("Ingeborg", "Vanterpool", "+49 30 901820"),
]


def personal_hits(
    warehouse: Path, full_names: set[tuple[str, str]], words: set[str], phones: set[str]
) -> list[tuple[str, str, str, str]]:
    """(table, column, value, what) of every published value holding an email address, a phone
    number (or a planted phone's digits), a full name of `full_names` or a word of `words`."""
    pairs = {(first.lower(), last.lower()) for first, last in full_names}
    words = {word.lower() for word in words}
    digits = {re.sub(r"\D", "", phone) for phone in phones}
    hits = []
    for table, column, value in published_values(warehouse):
        tokens = [token.lower() for token in WORDS.findall(value)]
        value_digits = re.sub(r"\D", "", value)
        found = {
            "email": EMAIL.search(value) is not None,
            "phone": PHONE.search(value) is not None
            or any(number in value_digits for number in digits),
            "full name": bool(pairs & set(zip(tokens, tokens[1:], strict=False))),
            "name": bool(words & set(tokens)),
        }
        hits += [(table, column, value, what) for what, hit in found.items() if hit]
    return hits


def planted_copy(target: Path) -> Path:
    """The fixture company with personal data planted in its input: contacts carry extra
    first_name/last_name/phone columns and the planted people's emails, one job title holds an
    email, one contact row is rejected (bad date) with an email in it, and accounts carry an
    extra phone column."""
    shutil.copytree(COMPANY, target)
    contacts = target / "crm_contacts.csv"
    with contacts.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row, (first, last, phone) in zip(rows, PEOPLE, strict=False):
        row.update(first_name=first, last_name=last, phone=phone)
        row["email"] = f"{first.lower()}.{last.lower()}@{row['email'].split('@')[-1]}"
    rows[6]["job_title"] = "CTO, reach me at zebediah.quarrington@acme.com"
    first, last, phone = PEOPLE[1]
    rows.append(
        {
            "contact_id": "P99",
            "account_id": "A1",
            "job_title": f"Head of RevOps ({first.lower()}.{last.lower()}@acme.com)",
            "email": f"{first.lower()}.{last.lower()}@acme.com",
            "created_at": "last tuesday",
            "first_name": first,
            "last_name": last,
            "phone": phone,
        }
    )
    with contacts.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0]])
        writer.writeheader()
        writer.writerows({key: row.get(key, "") for key in rows[0]} for row in rows)
    accounts = target / "crm_accounts.csv"
    lines = accounts.read_text().splitlines()
    accounts.write_text(
        "\n".join([lines[0] + ",phone", *(f"{line},{PEOPLE[2][2]}" for line in lines[1:])]) + "\n"
    )
    return target


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("planted")
    data = planted_copy(root / "data")
    warehouse = root / "warehouse" / "icp.duckdb"
    assert materialize_refresh(data, warehouse, as_of=AS_OF).success
    return warehouse


def test_planted_personal_data_stays_in_the_build_file(planted: Path) -> None:
    names = {(first, last) for first, last, _ in PEOPLE}
    words = {part for name in names for part in name}
    phones = {phone for _, _, phone in PEOPLE}
    assert personal_hits(planted, names, words, phones) == []
    # The planting reached the build: the private build file has the emails, and the rejected
    # row is published (masked), so the scan above read real rows.
    build = DuckDBWarehouse(planted).working_path
    emails = query(build, "select email from staging.base_crm__contacts where email like 'z%'")
    assert emails == [("zebediah.quarrington@acme.com",)]
    [(rejected,)] = query(
        planted,
        "select raw_row from marts.rejected_rows where source_table = 'crm_contacts'",
    )
    assert "***@acme.com" in rejected and "<redacted>" in rejected
    [(title,)] = query(planted, "select job_title from marts.dim_contacts where contact_id = 'P7'")
    assert title == "CTO, reach me at ***@acme.com"


@pytest.mark.slow
def test_demo_publishes_no_personal_data(tmp_path: Path) -> None:
    warehouse = tmp_path / "icp.duckdb"
    assert materialize_refresh(DEFAULT_DATA_DIR, warehouse).success
    with (DEFAULT_DATA_DIR / "crm_contacts.csv").open(newline="") as handle:
        emails = [row["email"] for row in csv.DictReader(handle) if row["email"]]
    # The demo's emails are first.last@company: the people's names. Full names only: a first or
    # last name alone can be a word of a company name.
    names = {tuple(email.split("@")[0].split(".", 1)) for email in emails}
    assert len(names) > 1000
    assert personal_hits(warehouse, names, set(), set()) == []
    assert {relation for (relation,) in published_tables(warehouse)} == set(
        manifest.published_relations()
    )


def published_tables(warehouse: Path) -> list[tuple[str]]:
    return query(
        warehouse,
        "select schema_name || '.' || table_name from duckdb_tables() order by 1",
    )


def documented_interface() -> set[str]:
    """`schema.table` of the README's "What you get" table: what BI users are told they get."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## What you get", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+\.\w+)` \|", section, flags=re.MULTILINE))


def test_published_file_holds_the_documented_interface_as_tables(
    company_warehouse: Path,
) -> None:
    tables = {relation for (relation,) in published_tables(company_warehouse)}
    assert tables == documented_interface() == set(manifest.published_relations())
    assert {relation.split(".")[0] for relation in tables} == {"marts", "reference"}
    views = query(company_warehouse, "select view_name from duckdb_views() where not internal")
    assert views == []  # no view over an input file or a build path


def test_published_marts_carry_their_documentation(company_warehouse: Path) -> None:
    """BI tools show a mart's description and its columns' from the published file's comments
    (docs/bi.md): dbt persists them on the marts and publishing copies them."""
    expected = {
        (node["name"], column): text
        for node in manifest.mart_models()
        for column, text in [("", node["description"])]
        + [(name, spec["description"]) for name, spec in node["columns"].items()]
        if text
    }
    tables = query(
        company_warehouse,
        "select table_name, '', comment from duckdb_tables() "
        "where schema_name = 'marts' and comment <> ''",
    )
    columns = query(
        company_warehouse,
        "select table_name, column_name, comment from duckdb_columns() "
        "where schema_name = 'marts' and comment <> ''",
    )
    found = {(table, column): text for table, column, text in tables + columns}
    assert len(expected) > 100
    assert found == expected


def test_build_directory_is_private(company_warehouse: Path) -> None:
    """The build file keeps every layer (personal data included): owner-only."""
    building = DuckDBWarehouse(company_warehouse)
    assert stat.S_IMODE(building.working_dir.stat().st_mode) == 0o700
    files = [path for path in building.working_dir.iterdir() if path.is_file()]
    assert building.working_path in files and building.lock_path in files
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in files} == {
        path.name: 0o600 for path in files
    }
    assert not building.publishing_path.exists()
    # The build file holds every layer, for debugging.
    [(schemas,)] = query(
        building.working_path,
        "select list(distinct schema_name order by schema_name) from duckdb_tables()",
    )
    assert {"intermediate", "marts", "reference", "staging"} <= set(schemas)
