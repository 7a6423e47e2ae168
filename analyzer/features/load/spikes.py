"""Long-run spikes: each run against the longest run of the previous 30 days, in the
bands of Frandsen et al. 2025."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import columns as C
from .common import runs_only, up_to, week_start

#: Single-session spikes against the longest run of the previous 30 days: Frandsen
#: JSB et al. Br J Sports Med 2025;59:1203 (5,205 runners, 588,071 sessions). Bands
#: of "% longer" and their hazard-rate ratios (95 % CI) against <= 10 %.
SPIKE_WINDOW_DAYS = 30
SPIKE_BANDS = (
    # (label, lower bound exclusive [%], upper bound inclusive [%], HRR, CI low, CI high)
    ("<=10%", -np.inf, 10.0, 1.0, np.nan, np.nan),
    (">10-30%", 10.0, 30.0, 1.64, 1.31, 2.05),
    (">30-100%", 30.0, 100.0, 1.52, 1.16, 2.00),
    (">100%", 100.0, np.inf, 2.28, 1.50, 3.48),
)
SPIKE_SOURCE = "Frandsen JSB et al. Br J Sports Med 2025;59:1203"


def long_run_spikes(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Each run's distance against the longest run of the preceding 30 days, in the
    bands of Frandsen et al. 2025.

    Returns one row per run: activity_id, start_local, distance_m [m],
    prev_longest_m [m] (NaN when no run in the window, or when the history began less
    than 30 days before the run), spike_pct [%], band,
    hazard_ratio [-] with hr_ci_low / hr_ci_high (the band's published HRR against
    <= 10 %), week_share_pct [%] (the run's share of its week's distance).
    """
    runs = runs_only(up_to(activities, as_of))
    out = runs[[C.ACTIVITY_ID, C.START_LOCAL, C.DISTANCE_M]].copy()
    if runs.empty:
        for c in (C.PREV_LONGEST_M, C.SPIKE_PCT, C.HAZARD_RATIO, C.HR_CI_LOW, C.HR_CI_HIGH, C.WEEK_SHARE_PCT):
            out[c] = pd.Series(dtype="float64")
        out[C.BAND] = pd.Series(dtype="object")
        return out
    # Longest run in [start - 30 d, start): a time-based rolling max over earlier runs.
    series = pd.Series(runs[C.DISTANCE_M].to_numpy(), index=pd.DatetimeIndex(runs[C.START_LOCAL]))
    prev = series.rolling(f"{SPIKE_WINDOW_DAYS}D", closed="left").max()
    # Runs in the history's first 30 days have an incomplete window: unknown, not spikes.
    young = series.index < series.index.min() + pd.Timedelta(days=SPIKE_WINDOW_DAYS)
    out[C.PREV_LONGEST_M] = np.where(young, np.nan, prev.to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        out[C.SPIKE_PCT] = np.where(
            out[C.PREV_LONGEST_M] > 0, 100.0 * (out[C.DISTANCE_M] / out[C.PREV_LONGEST_M] - 1.0), np.nan
        )
    out[C.BAND] = None
    out[C.HAZARD_RATIO] = np.nan
    out[C.HR_CI_LOW] = np.nan
    out[C.HR_CI_HIGH] = np.nan
    pct = out[C.SPIKE_PCT].round(9)  # 11 km against 10 km is 10 %, not 10.000000000000009 %
    for label, low, high, hrr, lo_ci, hi_ci in SPIKE_BANDS:
        mask = (pct > low) & (pct <= high)
        out.loc[mask, [C.BAND, C.HAZARD_RATIO, C.HR_CI_LOW, C.HR_CI_HIGH]] = [label, hrr, lo_ci, hi_ci]
    week = week_start(runs[C.DATE]).to_numpy()
    week_total = runs.groupby(week)[C.DISTANCE_M].transform("sum")
    out[C.WEEK_SHARE_PCT] = 100.0 * runs[C.DISTANCE_M] / week_total.where(week_total > 0)
    return out.reset_index(drop=True)
