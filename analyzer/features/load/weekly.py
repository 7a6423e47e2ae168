"""The weekly table: everything per local week in one frame (the report's weekly.csv)."""

from __future__ import annotations

import pandas as pd

from ... import columns as C
from .acute_chronic import acwr
from .common import runs_only, up_to, week_start
from .intensity import hr_histogram, hr_max_of, trimp, weekly_monotony
from .other import other_sports_weekly
from .strength import strength_sessions
from .volume import run_progression, weekly_volume


def weekly_table(
    activities: pd.DataFrame,
    samples: pd.DataFrame | None = None,
    as_of=None,
    hr_hist: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Everything per local week in one frame (the report's weekly.csv).

    Columns: distance_m, duration_s, runs, longest_run_m, long_run_share_pct,
    change_pct (weekly_volume); max_progression_pct (run_progression, Nielsen);
    acwr, acwr_ewma, acwr_uncoupled, acwr_reason, window_note (acwr on the week's last
    day, or as_of); monotony, strain (Foster, on distance); trimp, trimp_monotony,
    trimp_strain (when samples with heart rate, or their hr_histogram ``hr_hist``,
    are given); strength_sessions, strength_s; other_sports_h, other_sports_trimp
    (load.other_sports_weekly: rides, swims, strength and other sessions; their TRIMP
    from ``hr_hist`` where it holds their histograms, with the runs' maximal heart rate).
    """
    weekly = weekly_volume(activities, as_of)
    if weekly.empty:
        return weekly
    ratios = acwr(activities, as_of)
    last_day = pd.Series(weekly.index + pd.Timedelta(days=6), index=weekly.index)
    if as_of is not None:
        last_day = last_day.clip(upper=pd.Timestamp(as_of).normalize())
    picked = ratios.reindex(last_day.to_numpy())
    for col in (C.ACWR, C.ACWR_EWMA, C.ACWR_UNCOUPLED, C.ACWR_REASON, C.WINDOW_NOTE):
        weekly[col] = picked[col].to_numpy()
    prog = run_progression(activities, as_of)
    prog_week = prog.groupby(week_start(prog[C.DATE]).to_numpy())[C.PROGRESSION_PCT].max()
    weekly[C.MAX_PROGRESSION_PCT] = prog_week.reindex(weekly.index)
    mono = weekly_monotony(ratios[C.LOAD])
    weekly[C.MONOTONY] = mono[C.MONOTONY].reindex(weekly.index)
    weekly[C.STRAIN] = mono[C.STRAIN].reindex(weekly.index)
    if hr_hist is None and samples is not None and len(samples):
        hr_hist = hr_histogram(samples)
    hr_max = None
    if hr_hist is not None and len(hr_hist):
        runs = runs_only(up_to(activities, as_of))
        run_hist = hr_hist[hr_hist[C.ACTIVITY_ID].isin(runs[C.ACTIVITY_ID])]
        hr_max = hr_max_of(run_hist) if len(run_hist) else None
        per_run = trimp(histogram=run_hist)
        if len(per_run):
            by_day = runs.set_index(C.ACTIVITY_ID)[C.DATE].reindex(per_run.index)
            daily = per_run.groupby(by_day.to_numpy()).sum().reindex(ratios.index, fill_value=0.0)
            tm = weekly_monotony(daily)
            weekly[C.TRIMP] = tm[C.LOAD].reindex(weekly.index)
            weekly[C.TRIMP_MONOTONY] = tm[C.MONOTONY].reindex(weekly.index)
            weekly[C.TRIMP_STRAIN] = tm[C.STRAIN].reindex(weekly.index)
    strength = strength_sessions(activities, as_of)
    weekly[C.STRENGTH_SESSIONS] = strength[C.SESSIONS].reindex(weekly.index, fill_value=0).astype("int64")
    weekly[C.STRENGTH_S] = strength[C.DURATION_S].reindex(weekly.index, fill_value=0)
    other = other_sports_weekly(activities, weekly.index, as_of, hr_hist, hr_max)
    weekly[C.OTHER_SPORTS_H] = other[C.OTHER_SPORTS_H]
    weekly[C.OTHER_SPORTS_TRIMP] = other[C.OTHER_SPORTS_TRIMP]
    return weekly
