"""Return after a break: breaks without running and the first weeks after each,
against the weekly volume before it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import columns as C
from .acute_chronic import CHRONIC_DAYS
from .common import runs_only, up_to
from .other import other_sports, sports_named
from .volume import daily_load

#: A break: at least this many days without a run (heavylegs convention: two weeks lie
#: inside the short-term detraining span, under 4 weeks, over which Mujika & Padilla,
#: Sports Med 2000;30:79, report the first losses of training adaptations).
BREAK_DAYS = 14
BREAK_SOURCE = (
    "heavylegs convention: two weeks without running, within the short-term detraining span in which "
    "training adaptations start to fade (Mujika & Padilla, Sports Med 2000;30:79)"
)
#: Weeks after a break compared with the chronic weekly volume before it.
COMEBACK_WEEKS = 3
#: A break from running filled with other training: other-sport time per week inside
#: the break at least this share of the runner's pre-break weekly running time.
#: heavylegs convention: aerobic fitness is kept when training is cut by up to two
#: thirds at the same intensity (VO2max held for 15 weeks: Hickson RC, Rosenkoetter MA.
#: Med Sci Sports Exerc 1981;13:13-16), so half the running time in another sport is a
#: break from running, not from training; the legs' running-specific tolerance (tendons,
#: bones) is not kept by other sports, so the comeback is still watched.
CROSS_TRAINING_SHARE = 0.5
CROSS_TRAINING_SOURCE = (
    "heavylegs convention: other-sport time in the break >= half the pre-break weekly running time "
    "(reduced training kept VO2max: Hickson & Rosenkoetter, Med Sci Sports Exerc 1981;13:13-16)"
)


def comebacks(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Breaks of BREAK_DAYS or more without running, and the first COMEBACK_WEEKS weeks
    after each against the chronic weekly volume before it.

    Returns one row per break: last_run_date, return_date, gap_days [days without a
    run], pre_break_weekly_m [m] (distance of the 28 days before the break / 4),
    week1_m..week3_m [m] (7-day blocks from the return day), week1_pct..week3_pct [%
    of the pre-break weekly volume], weeks_observed (blocks that lie before as_of);
    and what other training filled the break: pre_break_weekly_h [h] (running time of
    the 28 days before / 4), break_other_sports_h [h per week] (other-sport time on the
    days without a run / (gap_days / 7)), break_other_sports (their names, by time),
    cross_trained (break_other_sports_h > 0 and >= CROSS_TRAINING_SHARE x
    pre_break_weekly_h).
    """
    runs = runs_only(up_to(activities, as_of))
    cols = [C.LAST_RUN_DATE, C.RETURN_DATE, C.GAP_DAYS, C.PRE_BREAK_WEEKLY_M]
    cols += [C.week_column(i, "m") for i in range(1, COMEBACK_WEEKS + 1)]
    cols += [C.week_column(i, "pct") for i in range(1, COMEBACK_WEEKS + 1)] + [C.WEEKS_OBSERVED]
    cols += [C.PRE_BREAK_WEEKLY_H, C.BREAK_OTHER_SPORTS_H, C.BREAK_OTHER_SPORTS, C.CROSS_TRAINED]
    if len(runs) < 2:
        return pd.DataFrame(columns=cols)
    dates = runs[C.DATE].drop_duplicates().reset_index(drop=True)
    empty_days = (dates.diff().dt.days - 1).fillna(0)
    starts = np.flatnonzero(empty_days.to_numpy() >= BREAK_DAYS)
    load = daily_load(activities, as_of)
    daily = load[C.DISTANCE_M]
    end = daily.index.max()
    others = other_sports(activities, as_of)
    rows = []
    for i in starts:
        last, back = dates.iloc[i - 1], dates.iloc[i]
        pre = (daily.index > last - pd.Timedelta(days=CHRONIC_DAYS)) & (daily.index <= last)
        pre_weekly = daily[pre].sum() / (CHRONIC_DAYS / 7)
        row = {
            C.LAST_RUN_DATE: last,
            C.RETURN_DATE: back,
            C.GAP_DAYS: int(empty_days.iloc[i]),
            C.PRE_BREAK_WEEKLY_M: pre_weekly,
            C.WEEKS_OBSERVED: 0,
            **_cross_training(others, last, back, load[C.DURATION_S][pre].sum() / (CHRONIC_DAYS / 7)),
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


def _cross_training(others: pd.DataFrame, last: pd.Timestamp, back: pd.Timestamp, pre_weekly_s: float) -> dict:
    """The break's other training: its other sports (``others``: other_sports) on the
    days strictly between the last run and the return, per week, against the
    pre-break weekly running time [s]."""
    inside = others[(others[C.DATE] > last) & (others[C.DATE] < back)]
    weeks = max((back - last).days - 1, 1) / 7
    per_week_h = float(inside[C.DURATION_S].fillna(0.0).sum()) / 3600.0 / weeks
    pre_h = float(pre_weekly_s) / 3600.0
    return {
        C.PRE_BREAK_WEEKLY_H: pre_h,
        C.BREAK_OTHER_SPORTS_H: per_week_h,
        C.BREAK_OTHER_SPORTS: sports_named(inside),
        C.CROSS_TRAINED: bool(per_week_h > 0 and per_week_h >= CROSS_TRAINING_SHARE * pre_h),
    }
