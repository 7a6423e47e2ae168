"""What the tests build by hand: activity tables (one builder) and a stand-in for
analyzer.History (what Context reads from one)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analyzer import columns as C
from analyzer.features import per_run
from analyzer.tables import activity_frame

#: Day 0 of the hand-built histories: a Monday, 07:00 local.
DAY0 = pd.Timestamp("2024-01-01 07:00")


def activity(
    day: float = 0.0,
    metres: float = 10_000.0,
    *,
    i: int = 0,
    prefix: str = "r",
    sport: str = "running",
    sub_sport: str = "",
    hours: float = 1.0,
    has_dynamics: bool = False,
    day0: pd.Timestamp = DAY0,
    start: pd.Timestamp | None = None,
    **columns,
) -> dict:
    """One activity row: ``metres`` [m] on ``day`` days after ``day0`` (or at ``start``;
    local time = UTC), lasting ``hours``; any other column of the activity table by name."""
    start = (day0 + pd.Timedelta(days=day)) if start is None else pd.Timestamp(start).tz_localize(None)
    aid = f"{prefix}{i}"
    row = {
        C.ACTIVITY_ID: aid,
        C.SOURCE: f"{aid}.fit",
        C.FILE_SHA256: hashlib.sha256(aid.encode()).hexdigest(),
        C.FORMAT: "fit",
        C.SESSION_INDEX: 0,
        C.SPORT: sport,
        C.SUB_SPORT: sub_sport,
        C.SPORT_SOURCE: "file",
        C.IS_RUN: sport == "running",
        C.START_UTC: start.tz_localize("UTC"),
        C.END_UTC: start.tz_localize("UTC") + pd.Timedelta(hours=hours),
        C.UTC_OFFSET_S: 0.0,
        C.UTC_OFFSET_SOURCE: "test",
        C.ELAPSED_S: hours * 3600,
        C.TIMER_S: hours * 3600,
        C.DURATION_S: hours * 3600,
        C.DISTANCE_M: float(metres),
        C.N_SAMPLES: 0,
        C.HAS_HR: False,
        C.HAS_DYNAMICS: has_dynamics,
        C.AVG_HR: np.nan,
        C.DUPLICATE_OF: "",
        C.NOTE: "",
    }
    row.update(columns)
    return row


def activities(rows: Iterable[dict]) -> pd.DataFrame:
    """The activity table (every column, typed as the importer types them) of ``rows``
    made by `activity`; ``start_local`` is the UTC start without its zone unless a row
    gives it."""
    rows = list(rows)
    frame = activity_frame(rows)
    local = [r.get(C.START_LOCAL, r[C.START_UTC].tz_localize(None)) for r in rows]
    frame[C.START_LOCAL] = pd.to_datetime(pd.Series(local, dtype="datetime64[ns]"))
    return frame[list(C.ACTIVITY_COLUMNS)]


def on_days(pairs: Iterable[tuple[float, float]], **kwargs) -> pd.DataFrame:
    """Activities from (day, distance [m]) pairs, numbered in order; ``kwargs`` as in
    `activity` for every one of them."""
    return activities(activity(day, metres, i=i, **kwargs) for i, (day, metres) in enumerate(pairs))


class FakeHistory:
    """Activities, samples, weights and daily wellness (features.wellness.daily_wellness
    of a tables.wellness_frame; see `daily_wellness`) given by the test; no gear, no shoe
    list."""

    def __init__(
        self,
        activities: pd.DataFrame,
        samples: pd.DataFrame | None = None,
        weights: pd.DataFrame | None = None,
        daily_wellness: pd.DataFrame | None = None,
    ) -> None:
        self.activities = activities
        self._samples = (
            samples
            if samples is not None
            else pd.DataFrame(columns=[C.ACTIVITY_ID, C.TIMESTAMP, C.SPEED_M_S, C.HEART_RATE_BPM, C.TEMPERATURE_C])
        )
        self.weights = weights if weights is not None else pd.DataFrame(columns=[C.TIMESTAMP, C.WEIGHT_KG, C.SOURCE])
        self.files = []
        if daily_wellness is not None:
            self.daily_wellness = daily_wellness

    def load_samples(self, ids):
        return self._samples[self._samples[C.ACTIVITY_ID].isin(set(ids))]

    def run_features(self, ids):
        """What read_history caches per run, computed here from the samples."""
        runs = self.activities[self.activities[C.ACTIVITY_ID].isin(set(ids))]
        return per_run.features_from_samples(runs, self.load_samples(ids))


def daily_wellness(rows: Iterable[tuple[pd.Timestamp, str, float | str]], source: str = "test.json") -> pd.DataFrame:
    """One row per day (features.wellness.daily_wellness) from (date, metric, value)
    readings, a text metric's value given as text; origin garmin_export."""
    from analyzer.features.wellness import daily_wellness as per_day
    from analyzer.tables import wellness_frame

    readings = []
    for date, metric, value in rows:
        reading = {C.DATE: date, C.METRIC: metric, C.ORIGIN: C.ORIGIN_GARMIN_EXPORT, C.WELLNESS_SOURCE: source}
        reading.update({C.TEXT: value} if isinstance(value, str) else {C.VALUE: float(value)})
        readings.append(reading)
    return per_day(wellness_frame(readings))
