"""What the detectors read: the history cut at the analysis date, and its features,
each computed once on first use."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

import pandas as pd

from .. import columns as C
from ..features import dynamics, load, per_run, shoes, wellness
from ..importers.shoes import read_shoe_overrides, read_shoes_csv
from ..ingest.kept_baseline import pace_adjusted_form
from ..units import UNIT_M


class Context:
    """The history up to ``as_of`` (inclusive, local calendar) and its features.

    Parameters
    ----------
    history : analyzer.History
    as_of : the analysis date; default the local date of the last activity. Data after
        it is not used.
    shoes : a shoes.csv (path, or the frame importers.shoes.read_shoes_csv gives), optional.
    overrides : a shoe override file ``activity_id,shoe`` (path or frame), optional.
    units : 'km' or 'mi': how distances are shown in messages and evidence.
    """

    def __init__(self, history, as_of=None, shoes=None, units: str = "km", overrides=None) -> None:
        self.history = history
        self.units = units
        self.shoes_given = shoes
        self.overrides_given = overrides
        acts = history.activities
        last = pd.to_datetime(acts[C.START_LOCAL]).max() if len(acts) else pd.Timestamp.today()
        self.as_of_ts = (pd.Timestamp(as_of) if as_of is not None else last).normalize()
        self.as_of: dt.date = self.as_of_ts.date()
        limit = self.as_of_ts + pd.Timedelta(days=1)
        self.activities = acts[pd.to_datetime(acts[C.START_LOCAL]) < limit].reset_index(drop=True)

    # --- display helpers (the edge: km or miles) -------------------------------------
    def dist(self, metres: float) -> float:
        return metres / UNIT_M[self.units]

    def fmt_dist(self, metres: float, digits: int = 1) -> str:
        return f"{self.dist(metres):.{digits}f} {self.units}"

    # --- tables ----------------------------------------------------------------------
    @cached_property
    def runs(self) -> pd.DataFrame:
        return load.runs_only(self.activities)

    @cached_property
    def run_features(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(per-run features, heart-rate histograms) of the runs up to as_of: what the
        detectors need from the samples, computed at import and cached."""
        return self.history.run_features(self.runs[C.ACTIVITY_ID])

    @cached_property
    def hr_hist(self) -> pd.DataFrame:
        """Heart-rate histograms of every activity up to as_of, runs and other sports
        (the other sports' TRIMP in the weekly table), cached at import."""
        return self.history.run_features(self.activities[C.ACTIVITY_ID])[1]

    @cached_property
    def weekly(self) -> pd.DataFrame:
        return load.weekly_table(self.activities, as_of=self.as_of_ts, hr_hist=self.hr_hist)

    @cached_property
    def daily(self) -> pd.DataFrame:
        return load.acwr(self.activities, self.as_of_ts)

    @cached_property
    def spikes(self) -> pd.DataFrame:
        return load.long_run_spikes(self.activities, self.as_of_ts)

    @cached_property
    def comebacks(self) -> pd.DataFrame:
        return load.comebacks(self.activities, self.as_of_ts)

    @cached_property
    def efficiency(self) -> pd.DataFrame:
        """load.efficiency per run, joined with the run's date, distance, duration and
        weather temperature (air, from Strava's activities.csv)."""
        eff = per_run.efficiency_of(self.run_features[0])
        cols = [C.ACTIVITY_ID, C.START_LOCAL, C.DATE, C.DISTANCE_M, C.DURATION_S, C.WEATHER_TEMPERATURE_C]
        return self.runs[cols].merge(eff, left_on=C.ACTIVITY_ID, right_index=True, how="inner")

    @cached_property
    def strength(self) -> pd.DataFrame:
        acts = self.activities
        return acts[load.is_strength(acts)].sort_values(C.START_LOCAL).reset_index(drop=True)

    @cached_property
    def weights(self) -> pd.DataFrame:
        w = self.history.weights
        if w.empty:
            return w
        limit = (self.as_of_ts + pd.Timedelta(days=1)).tz_localize("UTC")
        return w[w[C.TIMESTAMP] < limit].sort_values(C.TIMESTAMP).reset_index(drop=True)

    # --- wellness and the runner's ratings ------------------------------------------------
    @cached_property
    def wellness(self) -> pd.DataFrame:
        """One row per local day up to as_of with wellness readings or a weight
        (features.wellness.daily_wellness); empty when the history has none."""
        daily = getattr(self.history, "daily_wellness", None)
        if daily is None:
            daily = wellness.daily_wellness(None)
        return daily[daily[C.DATE] <= self.as_of_ts].reset_index(drop=True)

    def has_wellness(self, metric: str) -> bool:
        """Whether any day up to as_of has a reading of ``metric``."""
        col = self.wellness[metric] if metric in self.wellness else None
        if col is None or not len(col):
            return False
        return bool((col != "").any()) if metric in C.TEXT_METRICS else bool(col.notna().any())

    @cached_property
    def ratings(self) -> pd.DataFrame:
        """Per run up to as_of: its ratings and whether the runner called it heavy
        (features.wellness.run_ratings)."""
        return wellness.run_ratings(self.runs, self.wellness)

    # --- form and shoes ----------------------------------------------------------------
    @cached_property
    def form(self) -> pd.DataFrame:
        """Per-run form summary joined with its pace-adjusted deviations (one row per run)."""
        summary = per_run.form_summary_of(self.run_features[0], self.runs)
        if summary.empty:
            return summary
        # Results kept in the history's cache between analyses (when it has one).
        adjusted = pace_adjusted_form(summary, getattr(self.history, "cache", None)).drop(columns=[C.START_UTC])
        out = summary.merge(adjusted, on=C.ACTIVITY_ID, how="left")
        return out.merge(dynamics.form_bands(summary), on=C.ACTIVITY_ID, how="left")

    @cached_property
    def shoe_list(self) -> pd.DataFrame | None:
        """The runner's shoes.csv: --shoes, else one found among the inputs."""
        if isinstance(self.shoes_given, pd.DataFrame):
            return self.shoes_given
        if self.shoes_given is not None:
            return read_shoes_csv(self.shoes_given)
        found = getattr(self.history, "shoes", None)
        return found if found is not None and len(found) else None

    @cached_property
    def shoe_runs(self) -> pd.DataFrame:
        """The runs with the pair each was run in ('' when unknown)."""
        gear = self.history.gear if len(getattr(self.history, "gear", [])) else None
        return shoes.assign_shoes(self.runs, shoes=self.shoe_list, gear=gear, overrides=self.overrides)

    @cached_property
    def overrides(self) -> pd.DataFrame | None:
        """The runner's per-run shoe corrections (activity_id, shoe), when given."""
        given = self.overrides_given
        if given is None or isinstance(given, pd.DataFrame):
            return given
        return read_shoe_overrides(given)

    @cached_property
    def shoes(self):
        """ShoeMileage at the end of the analysis day, or None when no run has a known pair."""
        if (self.shoe_runs[C.SHOE] == "").all() and self.shoe_list is None:
            return None
        end = self.as_of_ts + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
        return shoes.shoe_mileage(self.shoe_runs, as_of=end, shoes=self.shoe_list)
