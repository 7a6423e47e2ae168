"""What the wellness chart shows (plot_wellness.py draws it): the daily wellness over the
weekly chart's weeks, and which of its panels have data."""

from __future__ import annotations

import numpy as np

from .. import columns as C
from .table import Table

NO_WELLNESS = (
    "no sleep, HRV, resting heart rate or weight in the analysed weeks: a Garmin Connect export "
    "(DI_CONNECT/DI-Connect-Wellness, DI-Connect-Aggregator), the Connect API's JSON, the watch's sleep, HRV, "
    "monitoring or weight FIT files, or a diary.csv's sleep_h give them."
)
#: The sleep line of the chart [h]: at least 7 h a night is recommended for adults
#: (Watson NF et al. Sleep 2015;38:843, AASM/SRS consensus).
SLEEP_RECOMMENDED_H = 7.0
#: The daily wellness columns the wellness chart reads.
WELLNESS_CHART_COLUMNS = (
    C.DATE,
    C.SLEEP_S,
    C.HRV_NIGHT_MS,
    C.HRV_WEEKLY_MS,
    C.HRV_BASELINE_LOW_MS,
    C.HRV_BASELINE_HIGH_MS,
    C.RESTING_HR_BPM,
    C.WELLNESS_WEIGHT_KG,
)
#: The wellness chart's panels, in order: (title, unit, the columns that give it data).
WELLNESS_PANELS = {
    "sleep": ("Sleep per night", "h", (C.SLEEP_S,)),
    "hrv": ("Overnight HRV", "ms", (C.HRV_NIGHT_MS, C.HRV_WEEKLY_MS)),
    "resting_hr": ("Resting heart rate", "bpm", (C.RESTING_HR_BPM,)),
    "weight": ("Weight", "kg", (C.WELLNESS_WEIGHT_KG,)),
}


def wellness_shown(wellness: Table | None) -> list[str]:
    """The WELLNESS_PANELS with a reading on at least one day (the panels drawn)."""
    if wellness is None or len(wellness) == 0:
        return []
    return [
        panel
        for panel, (_, _, cols) in WELLNESS_PANELS.items()
        if any(c in wellness and np.isfinite(np.asarray(wellness[c], dtype=float)).any() for c in cols)
    ]


def weeks_of(ctx) -> tuple[str, str] | None:
    """The weekly chart's weeks (features.load.weekly_volume: from the Monday of the first
    run's week to the end of the analysis date's week), as ISO (first day, day after the
    last); None without runs."""
    if not len(ctx.runs):
        return None
    first = ctx.runs[C.DATE].min()
    monday = np.datetime64(first.date(), "D") - np.timedelta64(int(first.weekday()), "D")
    end = np.datetime64(ctx.as_of, "D") + np.timedelta64(7 - ctx.as_of.weekday(), "D")
    return str(monday), str(end)


def wellness_table(daily, weeks: tuple[str, str] | None) -> Table | None:
    """The wellness chart's columns of ``daily`` (features.wellness.daily_wellness up to
    the analysis date) in the weekly chart's ``weeks``; None without any reading there."""
    if daily is None or not len(daily):
        return None
    if weeks is not None:
        dates = daily[C.DATE].to_numpy(dtype="datetime64[D]")
        daily = daily[(dates >= np.datetime64(weeks[0])) & (dates < np.datetime64(weeks[1]))]
    table = Table.of(daily, WELLNESS_CHART_COLUMNS)
    return table if wellness_shown(table) else None
