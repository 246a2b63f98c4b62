"""The row-level faults a refresh absorbs, planted together in as few refreshes as the company's
rows allow, each still checked on its own (tests/fuzz.py has the faults and how they are planted).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz import (
    ABSORBED,
    LIFT,
    REASONS,
    Refresh,
    assert_absorbed,
    plant_together,
    refresh,
    rejected_reasons,
)


@pytest.fixture(scope="module")
def absorbed(published: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Refresh]:
    """Each absorbed fault's refresh: one per copy of faults planted together."""
    by_name = {}
    for members, data, rows in plant_together(ABSORBED, lambda: tmp_path_factory.mktemp("fuzz")):
        by_name |= dict.fromkeys(members, refresh(published, data, rows, LIFT))
    return by_name


@pytest.mark.parametrize("name", ABSORBED)
def test_absorbed_fault(name: str, absorbed: dict[str, Refresh]) -> None:
    done = absorbed[name]
    assert_absorbed(done)
    rejected = rejected_reasons(done)
    touched = sorted(done.rows.touched[name])
    assert {rejected.get(row) for row in touched} - {None} <= {REASONS[name]}, touched
    if REASONS[name] is not None:
        assert any(rejected.get(row) == REASONS[name] for row in touched), (touched, rejected)


def test_only_planted_rows_are_rejected(absorbed: dict[str, Refresh]) -> None:
    """The clean company has no rejected row: in a copy of faults planted together every rejected
    row is a planted fault's, so they did not reject each other's rows (nor hide each other)."""
    for done in {id(done): done for done in absorbed.values()}.values():
        if len(done.rows.touched) > 1:
            planted = set().union(*done.rows.touched.values())
            assert set(rejected_reasons(done)) <= planted, sorted(done.rows.touched)
