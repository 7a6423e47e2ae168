"""Acute:chronic workload ratios of daily load: rolling (Gabbett 2016), EWMA
(Williams 2017) and uncoupled (Lolli 2019)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import columns as C
from ..bands import ACWR_DANGER, ACWR_SWEET_SPOT  # noqa: F401  (re-exported: the detectors use load.ACWR_*)
from .volume import daily_load

# ACWR_SWEET_SPOT (0.8-1.3) and ACWR_DANGER (1.5), Gabbett 2016: defined with the
# critique in bands.py (imported above), which the report's charts import without pandas.
#: Acute and chronic windows [days] (Gabbett 2016).
ACUTE_DAYS = 7
CHRONIC_DAYS = 28
#: EWMA decay lambda = 2 / (N + 1), N = 7 and 28: Williams S et al. Br J Sports Med
#: 2017;51:209-210.
EWMA_ACUTE_LAMBDA = 2.0 / (ACUTE_DAYS + 1)
EWMA_CHRONIC_LAMBDA = 2.0 / (CHRONIC_DAYS + 1)
#: A stretch this long [days] without a run inside the chronic window is named (its days
#: within the window only: the part of a gap before the window does not lower its load):
#: the watch may not have been worn, so low chronic load is not read as detraining
#: without saying so (heavylegs convention: two weeks, as a comeback's break).
WINDOW_GAP_DAYS = 14


def acwr(activities: pd.DataFrame, as_of=None, load: pd.Series | None = None) -> pd.DataFrame:
    """Acute:chronic workload ratios of daily load (distance by default) per day.

    Columns: load [m or the given unit], acute_7d and chronic_28d (mean daily load
    over the last 7 and 28 days), acwr (rolling, Gabbett 2016), acwr_ewma (EWMA with
    lambda 2/(N+1), Williams 2017), acwr_uncoupled (chronic window = days 8-28, so it
    excludes the acute week: Lolli 2019), acwr_reason (why a ratio is NaN), and
    window_note (the longest stretch of days without runs inside the chronic window,
    counting only its days within the window, when it is WINDOW_GAP_DAYS or more: low
    chronic load may be an unrecorded period rather than detraining).
    """
    daily = daily_load(activities, as_of)[C.DISTANCE_M] if load is None else load.astype("float64")
    out = pd.DataFrame({C.LOAD: daily.astype("float64")})
    if out.empty:
        for c in (C.ACUTE_7D, C.CHRONIC_28D, C.ACWR, C.ACWR_EWMA, C.ACWR_UNCOUPLED):
            out[c] = pd.Series(dtype="float64")
        out[C.ACWR_REASON] = pd.Series(dtype="object")
        out[C.WINDOW_NOTE] = pd.Series(dtype="object")
        return out
    out[C.ACUTE_7D] = out[C.LOAD].rolling(ACUTE_DAYS, min_periods=ACUTE_DAYS).mean()
    out[C.CHRONIC_28D] = out[C.LOAD].rolling(CHRONIC_DAYS, min_periods=CHRONIC_DAYS).mean()
    older = out[C.LOAD].shift(ACUTE_DAYS).rolling(CHRONIC_DAYS - ACUTE_DAYS, min_periods=CHRONIC_DAYS - ACUTE_DAYS)
    uncoupled_chronic = older.mean()
    ewma_a = out[C.LOAD].ewm(alpha=EWMA_ACUTE_LAMBDA, adjust=False).mean()
    ewma_c = out[C.LOAD].ewm(alpha=EWMA_CHRONIC_LAMBDA, adjust=False).mean()
    history_days = np.arange(1, len(out) + 1)
    enough = history_days >= CHRONIC_DAYS
    with np.errstate(divide="ignore", invalid="ignore"):
        out[C.ACWR] = (out[C.ACUTE_7D] / out[C.CHRONIC_28D]).where(out[C.CHRONIC_28D] > 0)
        out[C.ACWR_EWMA] = (ewma_a / ewma_c).where(enough & (ewma_c > 0))
        out[C.ACWR_UNCOUPLED] = (out[C.ACUTE_7D] / uncoupled_chronic).where(uncoupled_chronic > 0)
    reason = np.where(~enough, f"fewer than {CHRONIC_DAYS} days of history", "")
    reason = np.where(enough & (out[C.CHRONIC_28D] <= 0).to_numpy(), f"no load in the last {CHRONIC_DAYS} days", reason)
    out[C.ACWR_REASON] = reason
    # Longest stretch of zero-load days inside each chronic window: the zero streak
    # ending on each day, clipped to the days of the window it lies in (a gap that began
    # before the window counts only from the window's first day).
    longest = _longest_zero_stretch(out[C.LOAD].to_numpy(dtype="float64"), CHRONIC_DAYS)
    notes = [
        f"no recorded run in the last {CHRONIC_DAYS} days"
        if g >= CHRONIC_DAYS
        else f"the last {CHRONIC_DAYS} days include {int(g)} days in a row without a recorded run"
        for g in longest
    ]
    out[C.WINDOW_NOTE] = np.where(enough & (longest >= WINDOW_GAP_DAYS), notes, "")
    return out


def _longest_zero_stretch(load: np.ndarray, window: int) -> np.ndarray:
    """For each day, the longest run of consecutive zero-load days among that day and
    the ``window`` - 1 days before it (days before the first are not counted)."""
    zero = (load <= 0).astype(np.int64)
    # streak[i]: zero-load days in a row ending on day i.
    breaks = np.cumsum(zero == 0)
    streak = pd.Series(zero).groupby(breaks).cumsum().to_numpy()
    padded = np.concatenate([np.zeros(window - 1, dtype=np.int64), streak])
    rows = np.lib.stride_tricks.sliding_window_view(padded, window)
    # The streak ending on the k-th day of the window (k = 1..window) lies in it for k days at most.
    return np.minimum(rows, np.arange(1, window + 1)).max(axis=1)
