"""docs/connectors.md, the table of which contract column comes from which connector column, is
checked against the mapping models, so it cannot drift from them."""

from __future__ import annotations

import re

import pytest

from orchestration import manifest
from orchestration.project import DBT_PROJECT_DIR, PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "connectors.md"
FALLBACKS = "firmographic fallbacks"


def documented() -> dict[str, list[tuple[str, list[str]]]]:
    """{connector: [(contract column, [table.column, ...])]} from the doc's tables."""
    rows: dict[str, list[tuple[str, list[str]]]] = {}
    connector = None
    for line in DOC.read_text().splitlines():
        heading = re.match(r"## \w+ \(`(\w+)__", line)
        if heading:
            connector = heading.group(1)
            rows[connector] = []
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if connector and len(cells) == 3 and "`" in cells[1]:
            contract = cells[0].strip("`")
            rows[connector].append((contract, re.findall(r"`(\w+\.\w+)`", cells[1])))
    return rows


def model_sql(connector: str, contract_table: str) -> str:
    path = (
        DBT_PROJECT_DIR / "models" / "connectors" / connector / f"{connector}__{contract_table}.sql"
    )
    return path.read_text()


@pytest.mark.parametrize("connector", ["salesforce", "hubspot", "stripe"])
def test_every_documented_column_is_declared_and_read(connector: str) -> None:
    declared = {
        (table.name, column)
        for table in manifest.connector_tables()
        if table.connector == connector
        for column in table.columns
    }
    rows = documented()[connector]
    assert rows
    for contract, sources in rows:
        table = "crm_accounts" if contract == FALLBACKS else contract.split(".")[0]
        sql = model_sql(connector, table)
        assert sources, contract
        for source in sources:
            assert tuple(source.split(".")) in declared, f"{source} is not a declared column"
            column = source.split(".")[1]
            assert re.search(rf"\b{column}\b", sql), (
                f"{contract}: {connector}__{table} never reads {column}"
            )


@pytest.mark.parametrize(
    ("connector", "prefix"), [("salesforce", "crm_"), ("hubspot", "crm_"), ("stripe", "billing_")]
)
def test_every_contract_column_has_a_row(connector: str, prefix: str) -> None:
    contract = {
        f"{table.name}.{column}"
        for table in manifest.contract()
        if table.name.startswith(prefix)
        for column in table.columns
    }
    rows = {name for name, _ in documented()[connector]}
    assert contract <= rows, sorted(contract - rows)
    assert (FALLBACKS in rows) == (prefix == "crm_")
