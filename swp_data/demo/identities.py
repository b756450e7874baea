"""Pseudonymised people and places that recur: repeat victims, offenders, callers."""

from __future__ import annotations

import numpy as np


def assign_repeating_ids(
    month_index: np.ndarray,
    ward_index: np.ndarray,
    repeat_probability: np.ndarray,
    prefix: str,
    rng: np.random.Generator,
    window_months: int = 12,
) -> np.ndarray:
    """An id per record; with the given probability it is someone seen in the same ward in the last year.

    Drawing a repeat uniformly from earlier records (not earlier people) makes
    those already seen often the likeliest to recur, as with real repeat victims.
    """
    count = len(month_index)
    ids = np.zeros(count, dtype=np.int64)
    if count == 0:
        return np.array([], dtype=object)
    order = np.lexsort((ward_index, month_index))
    keys = month_index[order].astype(np.int64) * 1000 + ward_index[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], count]
    history: dict[tuple[int, int], np.ndarray] = {}
    next_id = 1
    for start, end in zip(starts, ends, strict=True):
        members = order[start:end]
        month, ward = int(month_index[members[0]]), int(ward_index[members[0]])
        earlier = [history[(m, ward)] for m in range(month - window_months, month) if (m, ward) in history]
        pool = np.concatenate(earlier) if earlier else np.array([], dtype=np.int64)
        repeat = rng.random(len(members)) < repeat_probability[members]
        if len(pool) == 0:
            repeat[:] = False
        fresh = int((~repeat).sum())
        ids[members[~repeat]] = np.arange(next_id, next_id + fresh)
        next_id += fresh
        if repeat.any():
            ids[members[repeat]] = rng.choice(pool, int(repeat.sum()))
        history[(month, ward)] = ids[members]
    width = max(6, len(str(next_id)))
    return np.array([f"{prefix}{i:0{width}d}" for i in ids], dtype=object)
