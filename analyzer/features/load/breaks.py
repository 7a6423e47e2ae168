"""Return after a break: breaks without running and the first weeks after each,
against the weekly volume before it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import columns as C
from .acute_chronic import CHRONIC_DAYS
from .common import runs_only, up_to
from .volume import daily_load

#: A break: at least this many days without a run (issue 4; the window over which
#: Frandsen and Nielsen count recent exposure).
BREAK_DAYS = 14
#: Weeks after a break compared with the chronic weekly volume before it.
COMEBACK_WEEKS = 3


def comebacks(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Breaks of BREAK_DAYS or more without running, and the first COMEBACK_WEEKS weeks
    after each against the chronic weekly volume before it.

    Returns one row per break: last_run_date, return_date, gap_days [days without a
    run], pre_break_weekly_m [m] (distance of the 28 days before the break / 4),
    week1_m..week3_m [m] (7-day blocks from the return day), week1_pct..week3_pct [%
    of the pre-break weekly volume], weeks_observed (blocks that lie before as_of).
    """
    runs = runs_only(up_to(activities, as_of))
    cols = [C.LAST_RUN_DATE, C.RETURN_DATE, C.GAP_DAYS, C.PRE_BREAK_WEEKLY_M]
    cols += [C.week_column(i, "m") for i in range(1, COMEBACK_WEEKS + 1)]
    cols += [C.week_column(i, "pct") for i in range(1, COMEBACK_WEEKS + 1)] + [C.WEEKS_OBSERVED]
    if len(runs) < 2:
        return pd.DataFrame(columns=cols)
    dates = runs[C.DATE].drop_duplicates().reset_index(drop=True)
    empty_days = (dates.diff().dt.days - 1).fillna(0)
    starts = np.flatnonzero(empty_days.to_numpy() >= BREAK_DAYS)
    daily = daily_load(activities, as_of)[C.DISTANCE_M]
    end = daily.index.max()
    rows = []
    for i in starts:
        last, back = dates.iloc[i - 1], dates.iloc[i]
        before = daily[(daily.index > last - pd.Timedelta(days=CHRONIC_DAYS)) & (daily.index <= last)]
        pre_weekly = before.sum() / (CHRONIC_DAYS / 7)
        row = {
            C.LAST_RUN_DATE: last,
            C.RETURN_DATE: back,
            C.GAP_DAYS: int(empty_days.iloc[i]),
            C.PRE_BREAK_WEEKLY_M: pre_weekly,
            C.WEEKS_OBSERVED: 0,
        }
        for w in range(COMEBACK_WEEKS):
            lo = back + pd.Timedelta(days=7 * w)
            hi = lo + pd.Timedelta(days=7)
            block = daily[(daily.index >= lo) & (daily.index < hi)].sum()
            row[C.week_column(w + 1, "m")] = block
            row[C.week_column(w + 1, "pct")] = 100.0 * block / pre_weekly if pre_weekly > 0 else np.nan
            row[C.WEEKS_OBSERVED] += int(hi - pd.Timedelta(days=1) <= end)
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)
