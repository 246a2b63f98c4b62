"""Calendar arithmetic on epoch seconds, and the random draws every step shares."""

from __future__ import annotations

import numpy as np

from orchestration.generator.vocabulary import DAY


def _month_index(seconds: np.ndarray) -> np.ndarray:
    """Months since 1970-01."""
    return (seconds // DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_start(month_index: np.ndarray) -> np.ndarray:
    return month_index.astype("datetime64[M]").astype("datetime64[s]").astype(np.int64)


def _add_months(seconds: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Same day of month and time `months` later; a day past the month's end becomes its last."""
    days = seconds // DAY
    month = _month_index(seconds)
    day_of_month = days - _month_start(month) // DAY
    target = month + months
    length = (_month_start(target + 1) - _month_start(target)) // DAY
    return _month_start(target) + np.minimum(day_of_month, length - 1) * DAY + seconds % DAY


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _categorical(rng: np.random.Generator, probs: np.ndarray, n: int | None = None) -> np.ndarray:
    """Draws from one distribution (1-d `probs`) or one per row (2-d `probs`)."""
    if probs.ndim == 1:
        cum = np.cumsum(probs / probs.sum())
        return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(probs) - 1)
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))
    return np.minimum((u[:, None] >= cum).sum(axis=1), probs.shape[1] - 1)


def _business_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """A time of day between 07:00 and 20:00 UTC, when people work in CRMs."""
    return rng.integers(7 * 3600, 20 * 3600, n)
