"""`--date-format TABLE=FORMAT`: how one input table writes its dates (dbt var `date_formats`).

The formats are named rather than free strptime patterns: a name reaches SQL safely, and each one
maps to the same parse on DuckDB and Spark (dbt_project/macros/parsing.sql).
"""

from __future__ import annotations

from collections.abc import Iterable

DATE_FORMATS = ("iso", "day_first", "month_first")


class DateFormatError(ValueError):
    """A --date-format that names no input table or no known format."""


def parse_date_formats(assignments: Iterable[str], tables: Iterable[str]) -> dict[str, str]:
    known = sorted(tables)
    formats: dict[str, str] = {}
    for assignment in assignments:
        table, _, name = (part.strip() for part in assignment.partition("="))
        if table not in known:
            raise DateFormatError(
                f"--date-format {assignment!r}: {table!r} is not an input table; one of: "
                f"{', '.join(known)}"
            )
        if name not in DATE_FORMATS:
            raise DateFormatError(
                f"--date-format {assignment!r}: {name!r} is not a date format; one of: "
                f"{', '.join(DATE_FORMATS)} (day_first reads 25/6/2024)"
            )
        formats[table] = name
    return formats
