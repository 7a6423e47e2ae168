"""A runner who rates their runs: 60 runs of 10 km every other day from DAY0 (a Monday),
some rated weak (heavy), the rest normal, with a night's sleep, HRV and resting heart
rate every day (tests/test_heavy_days.py, tests/test_report_wellness.py)."""

from __future__ import annotations

import pandas as pd

from analyzer import columns as C
from tests.fakes import DAY0, FakeHistory, activities, activity, daily_wellness

#: Run days (days after DAY0): every other day, 60 runs.
RUN_DAYS = tuple(range(0, 120, 2))
#: The nine heavy-rated runs (feel 25/100, 'weak').
HEAVY_DAYS = (40, 44, 48, 52, 56, 60, 64, 68, 72)
#: Six of them after a short night (5 h), and two other runs after one (5.5 h), and one
#: day without a run (a short night that is no run's).
SHORT_HEAVY = HEAVY_DAYS[:6]
SHORT_OTHER = (42, 50)
SHORT_NO_RUN = (91,)
NORMAL_SLEEP_H = 7.5


def day(d: int) -> pd.Timestamp:
    return DAY0.normalize() + pd.Timedelta(days=d)


def heavy_history(
    heavy_days=HEAVY_DAYS, short_nights=SHORT_HEAVY + SHORT_OTHER + SHORT_NO_RUN, wellness: bool = True, **columns
) -> FakeHistory:
    """The rated season: runs on RUN_DAYS, feel 25 on ``heavy_days`` and 50 otherwise;
    with ``wellness``, sleep of 5 h on ``short_nights`` (5.5 h on SHORT_OTHER) and
    NORMAL_SLEEP_H otherwise, overnight HRV 55 ms in a 45-65 ms band (status balanced)
    and resting HR 48 bpm every day to the last run. ``columns``: per activity column,
    a {run day: value} to set."""
    rows = []
    for i, d in enumerate(RUN_DAYS):
        extra = {name: by_day[d] for name, by_day in columns.items() if d in by_day}
        rows.append(activity(d, 10_000.0, i=i, **{C.FEEL: 25.0 if d in heavy_days else 50.0}, **extra))
    readings = []
    if wellness:
        for d in range(0, RUN_DAYS[-1] + 1):
            hours = (5.5 if d in SHORT_OTHER else 5.0) if d in short_nights else NORMAL_SLEEP_H
            readings += [
                (day(d), C.SLEEP_S, hours * 3600),
                (day(d), C.HRV_NIGHT_MS, 55.0),
                (day(d), C.HRV_BASELINE_LOW_MS, 45.0),
                (day(d), C.HRV_BASELINE_HIGH_MS, 65.0),
                (day(d), C.HRV_STATUS, "balanced"),
                (day(d), C.RESTING_HR_BPM, 48.0),
            ]
    return FakeHistory(activities(rows), daily_wellness=daily_wellness(readings) if readings else None)
