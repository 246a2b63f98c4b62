"""The faults checked one refresh each: those that stop a refresh (exit 1 or 2: the first would
hide the others if planted together) and the file-level one it reads past with the limit kept
(`repeated_extra_column`). tests/fuzz.py has the faults and how they are planted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz import ALONE, MUTATIONS, Rows, assert_absorbed, company_copy, plant, refresh
from tests.helpers import sha256


@pytest.mark.parametrize("name", ALONE)
def test_fuzz(name: str, published: Path, tmp_path: Path) -> None:
    _, options, expected = MUTATIONS[name]
    data, rows = company_copy(tmp_path), Rows()
    plant(data, name, rows)
    done = refresh(published, data, rows, options)
    if expected == 0:
        assert_absorbed(done)
        return
    output = done.stdout + done.stderr
    assert done.returncode == expected, output[-3000:]
    assert "Traceback" not in output and 'File "' not in output, output[-3000:]
    assert sha256(done.warehouse) == done.before
    # The message follows the build's progress lines, if the build started.
    lines = [line for line in done.stderr.splitlines() if not line.startswith("dbt build: ")]
    assert lines[0].startswith("icp refresh: ") and "left as it was" in done.stderr
