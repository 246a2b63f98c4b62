"""Text columns from numpy arrays: every column is written as the text that appears in the files."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.generator.vocabulary import DAY


def _from_chars(chars: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Fixed-width byte rows -> Arrow strings without a Python object per value."""
    n, width = chars.shape
    big = n * width >= 2**31 - 1
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64 if big else np.int32)
    validity = None
    null_count = 0
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
        null_count = int(n - valid.sum())
    return pa.Array.from_buffers(
        pa.large_string() if big else pa.string(),
        n,
        [validity, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars))],
        null_count=null_count,
    ).cast(pa.string())


def _put_digits(chars: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    """Zero-padded decimal digits of `values` into columns `col`..`col + width - 1`."""
    v = values.astype(np.int64)
    for k in range(width - 1, -1, -1):
        chars[:, col + k] = 48 + v % 10
        v = v // 10


def _digit_table(width: int) -> np.ndarray:
    """Item i holds the zero-padded digits of i: a gather is much faster than per-digit maths."""
    table = np.empty((10**width, width), dtype=np.uint8)
    _put_digits(table, 0, np.arange(10**width), width)
    return table.view(f"S{width}").ravel()


_DIGITS4 = _digit_table(4)


def _concat(n: int, parts: Sequence[np.ndarray | bytes]) -> np.ndarray:
    """Fixed-width byte strings (`S<k>` arrays or constants) glued into `(n, width)` bytes."""
    fields = [
        (f"f{i}", f"S{len(part) if isinstance(part, bytes) else part.dtype.itemsize}")
        for i, part in enumerate(parts)
    ]
    rows = np.empty(n, dtype=fields)
    for (name, _), part in zip(fields, parts, strict=True):
        rows[name] = part
    return rows.view(np.uint8).reshape(n, rows.dtype.itemsize)


def _civil(seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of epoch seconds."""
    days = (seconds // DAY).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _date_chars(days: np.ndarray) -> np.ndarray:
    """`YYYY-MM-DD` of each day number (days since 1970-01-01), as `S10`."""
    year, month, day = _civil(days * DAY)
    chars = np.empty((len(days), 10), dtype=np.uint8)
    chars[:] = np.frombuffer(b"0000-00-00", dtype=np.uint8)
    _put_digits(chars, 0, year, 4)
    _put_digits(chars, 5, month, 2)
    _put_digits(chars, 8, day, 2)
    return chars.view("S10").ravel()


def _time_of_day_table() -> np.ndarray:
    """`HH:MM:SS` of every second of a day, as `S8`."""
    sod = np.arange(DAY)
    chars = np.empty((DAY, 8), dtype=np.uint8)
    chars[:] = np.frombuffer(b"00:00:00", dtype=np.uint8)
    _put_digits(chars, 0, sod // 3600, 2)
    _put_digits(chars, 3, sod // 60 % 60, 2)
    _put_digits(chars, 6, sod % 60, 2)
    return chars.view("S8").ravel()


_TIME_OF_DAY = _time_of_day_table()


def _timestamps(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """`YYYY-MM-DDTHH:MM:SSZ` from epoch seconds."""
    if valid is not None:  # nulls get a harmless in-range placeholder, masked below
        seconds = np.where(valid, seconds, seconds[valid].min() if valid.any() else 0)
    days = seconds // DAY
    first = int(days.min()) if len(days) else 0
    # Only a few thousand distinct days: render each once, then gather.
    day_text = _date_chars(np.arange(first, int(days.max(initial=first)) + 1))
    chars = _concat(
        len(seconds), [day_text[days - first], b"T", _TIME_OF_DAY[seconds - days * DAY], b"Z"]
    )
    return _from_chars(chars, valid)


def _dates(seconds: np.ndarray) -> pa.Array:
    """`YYYY-MM-DD` from epoch seconds."""
    days = seconds // DAY
    return _from_chars(_date_chars(days).view(np.uint8).reshape(len(days), 10))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`<prefix><zero-padded number>`, e.g. `A000001`."""
    v = numbers.astype(np.int64)
    chunks: list[np.ndarray | bytes] = []
    while width >= 4:  # four digits at a time, from the right
        chunks.insert(0, _DIGITS4[v % 10_000])
        v = v // 10_000
        width -= 4
    if width:
        head = np.empty((len(v), width), dtype=np.uint8)
        _put_digits(head, 0, v, width)
        chunks.insert(0, head.view(f"S{width}").ravel())
    return _from_chars(_concat(len(numbers), [prefix.encode(), *chunks]))


def _decimals(values: np.ndarray, valid: np.ndarray | None = None, digits: int = 2) -> pa.Array:
    """Decimals with a dot, at most `digits` decimals (shortest round-trip text)."""
    return pc.cast(pa.array(np.round(values, digits), mask=_mask(valid)), pa.string())


def _integers(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pc.cast(pa.array(values.astype(np.int64), mask=_mask(valid)), pa.string())


def _pick(
    vocabulary: Sequence[str], index: np.ndarray, valid: np.ndarray | None = None
) -> pa.Array:
    """Vocabulary words by index, null where not valid."""
    return pa.array(list(vocabulary), pa.string()).take(
        pa.array(index.astype(np.int32), mask=_mask(valid))
    )


def _mask(valid: np.ndarray | None) -> np.ndarray | None:
    return None if valid is None else ~valid


def _join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation; a null part makes the result null."""
    return pc.binary_join_element_wise(*parts, "")


def _with_nulls(array: pa.Array, valid: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(valid), array, pa.scalar(None, pa.string()))
