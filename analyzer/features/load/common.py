"""What every training-load module shares: the runs of an activity table, the
activities up to a date, the runner's local weeks, and the time a sample stands for.
"""

from __future__ import annotations

import pandas as pd

from ... import columns as C

#: Gaps between samples longer than this [s] are pauses: the sample after one stands
#: for no time (see moving_dt).
PAUSE_S = 10.0


def runs_only(activities: pd.DataFrame) -> pd.DataFrame:
    """The runs of an activity table (duplicates and suspect runs dropped: a run faster
    than any human is a device error, never load), with a local ``date`` column."""
    acts = activities
    keep = acts[C.IS_RUN].astype(bool)
    if C.DUPLICATE_OF in acts:
        keep &= acts[C.DUPLICATE_OF].fillna("") == ""
    if C.SUSPECT in acts:
        keep &= ~acts[C.SUSPECT].fillna(False).astype(bool)
    runs = acts[keep].copy()
    runs[C.DATE] = pd.to_datetime(runs[C.START_LOCAL]).dt.normalize()
    return runs.sort_values(C.START_LOCAL, kind="stable").reset_index(drop=True)


def up_to(activities: pd.DataFrame, as_of) -> pd.DataFrame:
    """The activities that start before the end of ``as_of``'s local day (all when None)."""
    if as_of is None:
        return activities
    limit = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    return activities[pd.to_datetime(activities[C.START_LOCAL]) < limit]


def week_start(dates: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """Monday of each date's week."""
    d = pd.to_datetime(pd.Series(dates)).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def moving_dt(samples: pd.DataFrame) -> pd.Series:
    """Seconds each sample stands for: the time since the previous sample of the same
    activity, zero after a pause (gap > PAUSE_S) and for the first sample."""
    ts = samples[C.TIMESTAMP]
    dt = ts.groupby(samples[C.ACTIVITY_ID]).diff().dt.total_seconds()
    return dt.where(dt <= PAUSE_S, 0.0).fillna(0.0)
