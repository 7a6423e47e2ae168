"""Grouped reductions on numpy columns that give, bit for bit, what the pandas groupby
calls of dynamics.form_summary, load.efficiency and load.hr_histogram give: the per-run
features computed in the import workers (run_numpy.py) without building frames.

Rows are grouped: the rows of group k are ``starts[k]:starts[k + 1]`` (``starts`` has
one more element than there are groups, and a group may be empty), in the order pandas
sees them within the group.

Exactness. A quantile or a median is a sort and one formula, mirrored here. A sum is
not: pandas sums a group by Kahan's compensated summation (group_sum, group_cumsum,
group_mean), or (pandas 3.1, when the rows come in group order and none is NaN) by
numpy's add.reduceat, and the two differ in the last bits. Both are exact, and so equal
to any other order of summation, when every value is an integer and their absolute sum
stays under 2**53 (``is_exact``): time steps of whole seconds, integer heart rates and
temperatures, the common case, summed here with numpy. Other values (speed x time, the
heart-rate histogram's minutes, steps of fractions of a second) are summed by the same
pandas call the pandas path makes (same values, same group of each row, same row order),
so that pandas takes the same route whatever its version; those calls are the only
pandas left (two or three per batch of files).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Integers of at most this magnitude are exact in float64 (IEEE 754 binary64: a 53-bit
#: significand), and so is every partial sum of integers whose absolute sum is below it.
EXACT_INTEGER_LIMIT = 2.0**53


def is_exact(values: np.ndarray) -> bool:
    """Whether every sum of ``values`` (NaN left out), in any order, with or without
    Kahan's compensation, is exact: finite integers, none a negative zero (numpy keeps
    the sign of a lone -0.0, Kahan's sum from 0.0 does not), whose absolute sum is below
    EXACT_INTEGER_LIMIT."""
    nan = np.isnan(values)
    v = values[~nan] if nan.any() else values
    if not np.array_equal(np.trunc(v), v):  # inf: its absolute sum fails below
        return False
    if np.signbit(v).any() and np.any((v == 0) & np.signbit(v)):
        return False
    return bool(np.abs(v).sum() < EXACT_INTEGER_LIMIT)


def starts_of(codes: np.ndarray, ngroups: int) -> np.ndarray:
    """``starts`` (ngroups + 1 offsets) of rows sorted by their group ``codes`` (0..ngroups-1)."""
    return np.searchsorted(codes, np.arange(ngroups + 1)).astype(np.intp)


def codes_of(starts: np.ndarray) -> np.ndarray:
    """The group of each row, from ``starts``."""
    return np.repeat(np.arange(len(starts) - 1), np.diff(starts))


def firsts(starts: np.ndarray, n: int) -> np.ndarray:
    """True on the first row of each non-empty group."""
    first = np.zeros(n, dtype=bool)
    first[starts[:-1][np.diff(starts) > 0]] = True
    return first


def cumsum(values: np.ndarray, starts: np.ndarray, exact: bool | None = None) -> np.ndarray:
    """pandas' groupby(...).cumsum() of grouped rows (Kahan's summation within each
    group, in row order); ``values`` without NaN. ``exact``: is_exact(values), when
    the caller knows it."""
    if not (is_exact(values) if exact is None else exact):
        return pd.Series(values).groupby(codes_of(starts)).cumsum().to_numpy(dtype="float64")
    total = np.cumsum(values)
    before = np.zeros(len(starts) - 1)  # the sum of the groups before each group
    full = np.flatnonzero(starts[:-1] > 0)
    before[full] = total[starts[full] - 1]
    total -= np.repeat(before, np.diff(starts))
    return total


def sums(
    values: np.ndarray,
    ids: np.ndarray,
    ngroups: int,
    *,
    mean: bool = False,
    starts: np.ndarray | None = None,
    order: np.ndarray | None = None,
    exact: bool | None = None,
) -> np.ndarray:
    """pandas' ``Series(values).groupby(ids).sum()`` (``.mean()`` when ``mean``), NaN
    left out, as an array of ``ngroups`` (ids 0..ngroups-1; 0, or NaN for a mean, where
    a group has no value).

    starts : the groups' rows, when the rows are grouped (``ids`` sorted).
    order : puts the rows in the order the pandas path has them (None: they are); which
        way pandas sums depends on it.
    exact : is_exact(values), when the caller knows it.
    """
    if not (is_exact(values) if exact is None else exact):
        if order is not None:
            values, ids = values[order], ids[order]
        got = pd.Series(values).groupby(ids).mean() if mean else pd.Series(values).groupby(ids).sum()
        out = np.full(ngroups, np.nan if mean else 0.0)
        out[got.index.to_numpy(dtype=np.intp)] = got.to_numpy(dtype="float64")
        return out
    nan = np.isnan(values)
    if nan.any():
        values = np.where(nan, 0.0, values)
    if starts is None:
        total = np.bincount(ids, weights=values, minlength=ngroups).astype("float64")  # int when empty
        count = np.bincount(ids[~nan], minlength=ngroups) if mean else None
    else:
        total, count = np.zeros(ngroups), np.zeros(ngroups, dtype=np.int64)
        full = np.flatnonzero(np.diff(starts) > 0)
        if len(full):
            total[full] = np.add.reduceat(values, starts[full])
            if mean:
                count[full] = np.add.reduceat((~nan).astype(np.int64), starts[full])
    if not mean:
        return total
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def maxima(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Largest value of each group (NaN for an empty group); ``values`` without NaN."""
    sizes = np.diff(starts)
    out = np.full(len(sizes), np.nan)
    full = sizes > 0
    if full.any():
        out[full] = np.maximum.reduceat(values, starts[:-1][full])
    return out


def any_of(flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Whether any row of each group is flagged (False for an empty group)."""
    out = np.zeros(len(starts) - 1, dtype=bool)
    full = np.flatnonzero(np.diff(starts) > 0)
    if len(full):
        out[full] = np.logical_or.reduceat(flags, starts[full])
    return out


def quantiles_and_median(
    block: np.ndarray, starts: np.ndarray, qs: tuple[float, ...], in_place: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Per group and per row of ``block`` (columns x grouped rows): pandas' groupby
    quantile at ``qs`` (linear interpolation: sorted values a, n of them without NaN,
    i = q (n - 1), a[floor i] + (a[floor i + 1] - a[floor i]) frac(i)) as (ngroups,
    columns, len(qs)), and pandas' groupby median (the middle value, or the mean of the
    middle two: (a[n/2] + a[n/2 - 1]) / 2) as (ngroups, columns). NaN where a group has
    no value. ``in_place``: each group's rows of ``block`` are sorted where they are
    (no copy; the caller no longer needs their order)."""
    ngroups, ncols = len(starts) - 1, block.shape[0]
    quant = np.full((ngroups, ncols, len(qs)), np.nan)
    median = np.full((ngroups, ncols), np.nan)
    full = np.flatnonzero(np.diff(starts) > 0)
    if not len(full):
        return quant, median
    srt = block if in_place else np.empty_like(block)
    n = np.empty((len(full), ncols), dtype=np.intp)  # values without NaN, per group and column
    for i, g in enumerate(full):
        a = srt[:, starts[g] : starts[g + 1]]
        if in_place:
            a.sort(axis=1)  # NaN last
        else:
            a[...] = np.sort(block[:, starts[g] : starts[g + 1]], axis=1)
        n[i] = a.shape[1]
        some = np.isnan(a[:, -1])  # columns with a NaN in this group
        if some.any():
            n[i, some] = (~np.isnan(a[some])).sum(axis=1)
    has = n > 0
    m = np.maximum(n, 1)
    base = starts[full][:, None]
    cols = np.arange(ncols)[None, :]
    for j, q in enumerate(qs):
        pos = q * (m - 1).astype("float64")
        lo = pos.astype(np.intp)  # truncation, as pandas' cast to int64
        frac = pos % 1
        val = srt[cols, base + lo]
        nxt = srt[cols, base + np.minimum(lo + 1, m - 1)]
        quant[full, :, j] = np.where(has, np.where(frac == 0.0, val, val + (nxt - val) * frac), np.nan)
    upper, lower = srt[cols, base + m // 2], srt[cols, base + np.maximum(m // 2 - 1, 0)]
    median[full] = np.where(has, np.where(m % 2 == 1, upper, (upper + lower) / 2), np.nan)
    return quant, median
