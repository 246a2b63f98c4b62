"""`--date-format TABLE=FORMAT`: how one input table writes its dates (dbt var `date_formats`).

The formats are named rather than free strptime patterns: a name reaches SQL safely, and each one
maps to the same parse on DuckDB and Spark (dbt_project/macros/parsing.sql). The names are listed
once, by the dbt macro `date_format_names`; this module reads that list from the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from orchestration import manifest

NAMES_MACRO = "macro.icp.date_format_names"


class DateFormatError(ValueError):
    """A --date-format that names no input table or no known format."""


@cache
def date_format_names() -> tuple[str, ...]:
    """The names the macro `date_format_names` returns (`{{ return(['iso', ...]) }}`)."""
    source = manifest.load()["macros"][NAMES_MACRO]["macro_sql"]
    listed = re.search(r"return\(\[(.*?)\]\)", source, re.S)
    if listed is None:
        raise AssertionError(f"{NAMES_MACRO} no longer returns a literal list")
    return tuple(re.findall(r"'(\w+)'", listed.group(1)))


def parse_date_formats(
    assignments: Iterable[str], tables: Iterable[str] | None = None
) -> dict[str, str]:
    """`table=format` assignments, checked against the contract's tables and the known names."""
    known = sorted(tables if tables is not None else (table.name for table in manifest.contract()))
    names = date_format_names()
    formats: dict[str, str] = {}
    for assignment in assignments:
        table, _, name = (part.strip() for part in assignment.partition("="))
        if table not in known:
            raise DateFormatError(
                f"--date-format {assignment!r}: {table!r} is not an input table; one of: "
                f"{', '.join(known)}"
            )
        if name not in names:
            raise DateFormatError(
                f"--date-format {assignment!r}: {name!r} is not a date format; one of: "
                f"{', '.join(names)} (day_first reads 25/6/2024)"
            )
        formats[table] = name
    return formats
