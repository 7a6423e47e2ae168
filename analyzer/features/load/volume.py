"""Daily and weekly running volume, the week-over-week change and the two-week
progression at every run (Nielsen 2014)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import columns as C
from .common import runs_only, up_to, week_start

#: Week-over-week progression above which distance-related injuries rose (HR 1.59,
#: 95 % CI 0.96-2.66, p = .07; no difference for injuries overall): Nielsen RO et al.
#: J Orthop Sports Phys Ther 2014;44:739-747 (874 novice runners). Weak evidence.
PROGRESSION_LIMIT_PCT = 30.0


def _calendar(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(first.normalize(), last.normalize(), freq="D", name=C.DATE)


def _end_date(runs: pd.DataFrame, as_of) -> pd.Timestamp:
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    return runs[C.DATE].max()


def daily_load(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Running load per local day, every day from the first run to ``as_of`` (zeros on
    days without a run, never missing).

    Returns a frame indexed by ``date`` with distance_m [m], duration_s [s], runs [-].
    """
    runs = runs_only(up_to(activities, as_of))
    if runs.empty:
        return pd.DataFrame(columns=[C.DISTANCE_M, C.DURATION_S, C.RUNS], index=pd.DatetimeIndex([], name=C.DATE))
    per_day = runs.groupby(C.DATE).agg(
        **{C.DISTANCE_M: (C.DISTANCE_M, "sum"), C.DURATION_S: (C.DURATION_S, "sum"), C.RUNS: (C.ACTIVITY_ID, "size")}
    )
    days = _calendar(runs[C.DATE].min(), _end_date(runs, as_of))
    return per_day.reindex(days, fill_value=0).astype({C.RUNS: "int64"})


def weekly_volume(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Distance, time and number of runs per local week (Monday start), with the
    week-over-week change and the long run's share.

    Returns a frame indexed by ``week_start`` with distance_m [m], duration_s [s],
    runs [-], longest_run_m [m], long_run_share_pct [%] (longest run / week distance),
    change_pct [%] (against the previous week; NaN when that week was empty) and
    progression_flag (change above PROGRESSION_LIMIT_PCT, Nielsen 2014).
    Weeks without runs are zero, not missing.
    """
    runs = runs_only(up_to(activities, as_of))
    cols = [C.DISTANCE_M, C.DURATION_S, C.RUNS, C.LONGEST_RUN_M, C.LONG_RUN_SHARE_PCT, C.CHANGE_PCT, C.PROGRESSION_FLAG]
    if runs.empty:
        return pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name=C.WEEK_START))
    runs[C.WEEK_START] = week_start(runs[C.DATE]).to_numpy()
    weekly = runs.groupby(C.WEEK_START).agg(
        **{
            C.DISTANCE_M: (C.DISTANCE_M, "sum"),
            C.DURATION_S: (C.DURATION_S, "sum"),
            C.RUNS: (C.ACTIVITY_ID, "size"),
            C.LONGEST_RUN_M: (C.DISTANCE_M, "max"),
        }
    )
    last = week_start(pd.Series([_end_date(runs, as_of)])).iloc[0]
    weeks = pd.date_range(weekly.index.min(), last, freq="7D", name=C.WEEK_START)
    weekly = weekly.reindex(weeks, fill_value=0)
    weekly[C.RUNS] = weekly[C.RUNS].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        weekly[C.LONG_RUN_SHARE_PCT] = np.where(
            weekly[C.DISTANCE_M] > 0, 100.0 * weekly[C.LONGEST_RUN_M] / weekly[C.DISTANCE_M], np.nan
        )
        prev = weekly[C.DISTANCE_M].shift(1)
        if len(weekly) > 1 and runs[C.DATE].min().weekday() > 0:
            prev.iloc[1] = np.nan  # the history starts mid-week: its first week is partial
        weekly[C.CHANGE_PCT] = np.where(prev > 0, 100.0 * (weekly[C.DISTANCE_M] / prev - 1.0), np.nan).round(9)
    weekly[C.PROGRESSION_FLAG] = weekly[C.CHANGE_PCT] > PROGRESSION_LIMIT_PCT
    return weekly[cols]


def run_progression(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Nielsen et al. 2014's exposure at every run: the distance of the 7 days ending on
    the run's day against the 7 days before those (progression over two weeks).

    Returns one row per run: activity_id, date, last7_m [m], prev7_m [m],
    progression_pct [%] (NaN when the earlier week is empty), above_limit (bool).
    """
    daily = daily_load(activities, as_of)[C.DISTANCE_M]
    runs = runs_only(up_to(activities, as_of))
    last7 = daily.rolling(7, min_periods=1).sum()
    # The earlier week must lie inside the history: before its first run nothing is
    # known (not "zero"), so the first 13 days have no progression.
    prev7 = last7.shift(7).where(np.arange(len(last7)) >= 13)
    out = runs[[C.ACTIVITY_ID, C.DATE]].copy()
    out[C.LAST7_M] = last7.reindex(out[C.DATE]).to_numpy()
    out[C.PREV7_M] = prev7.reindex(out[C.DATE]).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out[C.PROGRESSION_PCT] = np.where(
            out[C.PREV7_M] > 0, 100.0 * (out[C.LAST7_M] / out[C.PREV7_M] - 1), np.nan
        ).round(9)
    out[C.ABOVE_LIMIT] = out[C.PROGRESSION_PCT] > PROGRESSION_LIMIT_PCT
    return out.reset_index(drop=True)
