"""The signals of the runner's heavy-legs days (heavy_days.py): for each run, whether a
signal of a cause was present on its day (1.0), absent (0.0) or unknown (NaN), each
signal with its threshold and source."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import columns as C
from ..features import load, shoes
from ..units import M_PER_MILE
from .heat_dehydration import HEAT_SOURCE, HEAT_TEMPERATURE_C, run_temperature
from .long_run_spike import LongRunSpike
from .strength_load import STRENGTH_BEFORE_RUN_H, STRENGTH_SOURCE

#: A night shorter than this [s] is a short night: two weeks of 6 h a night impaired
#: performance like a night without sleep (Van Dongen HPA et al. Sleep 2003;26:117),
#: under the 7 h recommended for adults (Watson NF et al. Sleep 2015;38:843).
SHORT_NIGHT_S = 6 * 3600
SHORT_NIGHT_SOURCE = (
    "Van Dongen HPA et al. Sleep 2003;26:117 (6 h a night for two weeks impaired like a night without sleep); "
    "Watson NF et al. Sleep 2015;38:843 (adults: >= 7 h)"
)
#: The 7 days before a run's day are above the runner's usual when their distance is
#: over this multiple of the mean week of the 28 days before it: the upper edge of
#: Gabbett's acute:chronic 'sweet spot' (Gabbett TJ. Br J Sports Med 2016;50:273).
LOAD_RATIO_LIMIT = load.ACWR_SWEET_SPOT[1]
LOAD_SOURCE = (
    "Gabbett TJ. Br J Sports Med 2016;50:273 (acute:chronic ratio above the 0.8-1.3 'sweet spot'; "
    "contested: Impellizzeri 2020)"
)
#: A long-run spike counts in the days before a run over this many days (heavylegs
#: convention, issue 17: the week before, as the acute window of the load ratios).
SPIKE_LOOKBACK_DAYS = load.ACUTE_DAYS
#: HRV statuses that are a low HRV (Garmin HRV Status: the 7-day average under the
#: device's baseline band; FIT hrv_status_summary).
LOW_HRV_STATUSES = frozenset({"low", "poor"})
HRV_SOURCE = (
    "Garmin HRV Status (FIT hrv_status_summary: status low/poor, or the night's HRV under the device's "
    "baseline band); heavylegs convention: the device's own judgement, whose band construction is undocumented"
)


@dataclass(frozen=True)
class Signal:
    """One signal of the table. id; label : the table's row; had : what the finding
    says ('on 6 of your 9 heavy days <had>'); category : the findings it matches;
    threshold : when it is present; source : of the threshold."""

    id: str
    label: str
    had: str
    category: str
    threshold: str
    source: str


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "short_night",
        "slept under 6 h the night before",
        "you had slept under 6 h",
        "sleep",
        f"< {SHORT_NIGHT_S / 3600:g} h",
        SHORT_NIGHT_SOURCE,
    ),
    Signal(
        "load_7d",
        f"7-day distance over {LOAD_RATIO_LIMIT:g} x your usual week",
        f"you had run more than {LOAD_RATIO_LIMIT:g} x your usual weekly distance in the 7 days before",
        "overtraining",
        f"7 days before > {LOAD_RATIO_LIMIT:g} x the mean week of the 28 days before",
        LOAD_SOURCE,
    ),
    Signal(
        "long_run_spike",
        "a long-run spike in the 7 days before",
        "you had run a long-run spike (> 10 % over the 30-day longest) in the 7 days before",
        "overtraining",
        "a run > 10 % longer than the 30-day longest, in the 7 days before",
        load.SPIKE_SOURCE,
    ),
    Signal(
        "worn_shoes",
        f"shoes past {shoes.SHOE_GUIDANCE_LOW_M / M_PER_MILE:.0f} miles",
        f"you ran in shoes past {shoes.SHOE_GUIDANCE_LOW_M / M_PER_MILE:.0f} miles",
        "shoes",
        f">= {shoes.SHOE_GUIDANCE_LOW_M / 1000:.0f} km on the pair",
        shoes.SHOE_GUIDANCE_SOURCE,
    ),
    Signal(
        "low_hrv",
        "HRV low that night",
        "your overnight HRV was low (status low or poor, or under your band)",
        "recovery",
        "status low/poor, or the night under the baseline band",
        HRV_SOURCE,
    ),
    Signal(
        "heat",
        f"{HEAT_TEMPERATURE_C:g} degC or warmer",
        f"you ran at {HEAT_TEMPERATURE_C:g} degC or warmer",
        "heat",
        f">= {HEAT_TEMPERATURE_C:g} degC",
        HEAT_SOURCE,
    ),
    Signal(
        "strength_before",
        f"a strength session in the {STRENGTH_BEFORE_RUN_H:g} h before",
        f"you had done a strength session in the {STRENGTH_BEFORE_RUN_H:g} h before",
        "strength",
        f"ended < {STRENGTH_BEFORE_RUN_H:g} h before the run",
        STRENGTH_SOURCE,
    ),
)
BY_ID = {s.id: s for s in SIGNALS}


def run_signals(ctx) -> pd.DataFrame:
    """Per run of ctx.runs (same order): each signal 1.0 present, 0.0 absent, NaN no data."""
    runs = ctx.runs
    out = pd.DataFrame(index=runs.index)
    day = pd.to_datetime(runs[C.DATE]).to_numpy(dtype="datetime64[D]")
    start = pd.to_datetime(runs[C.START_LOCAL])
    out["short_night"] = _short_night(ctx, day)
    out["load_7d"] = _load_7d(runs, day)
    out["long_run_spike"] = _spike(ctx, day)
    out["worn_shoes"] = _worn_shoes(ctx)
    out["low_hrv"] = _low_hrv(ctx, day)
    out["heat"] = _heat(ctx)
    out["strength_before"] = _strength_before(ctx, start)
    return out


def _flag(present: np.ndarray, known: np.ndarray) -> np.ndarray:
    return np.where(known, present.astype(float), np.nan)


def _day_values(ctx, metric: str, day: np.ndarray) -> pd.Series:
    """The daily wellness ``metric`` on each run's day (the wake-up day of its night)."""
    w = ctx.wellness
    if not len(w) or metric not in w:
        return pd.Series([np.nan if metric not in C.TEXT_METRICS else ""] * len(day))
    by_day = w.set_index(pd.to_datetime(w[C.DATE]).to_numpy(dtype="datetime64[D]"))[metric]
    return pd.Series(by_day.reindex(day).to_numpy())


def _short_night(ctx, day: np.ndarray) -> np.ndarray:
    sleep = _day_values(ctx, C.SLEEP_S, day).to_numpy(dtype=float)
    known = np.isfinite(sleep)
    return _flag(known & (np.nan_to_num(sleep) < SHORT_NIGHT_S), known)


def _low_hrv(ctx, day: np.ndarray) -> np.ndarray:
    status = _day_values(ctx, C.HRV_STATUS, day).fillna("").astype(str).str.strip().str.lower().to_numpy()
    night = _day_values(ctx, C.HRV_NIGHT_MS, day).to_numpy(dtype=float)
    low = _day_values(ctx, C.HRV_BASELINE_LOW_MS, day).to_numpy(dtype=float)
    judged_status = (status != "") & (status != "none")
    judged_night = np.isfinite(night) & np.isfinite(low)
    present = np.isin(status, list(LOW_HRV_STATUSES)) | (judged_night & (np.nan_to_num(night) < np.nan_to_num(low)))
    return _flag(present, judged_status | judged_night)


def _load_7d(runs: pd.DataFrame, day: np.ndarray) -> np.ndarray:
    """7-day distance before the run's day against the 28-day mean week before it;
    known once the history (its first run) reaches 28 days before the run's day."""
    if not len(runs):
        return np.array([], dtype=float)
    first = day.min()
    calendar = np.arange(first - np.timedelta64(load.CHRONIC_DAYS, "D"), day.max() + np.timedelta64(1, "D"))
    per_day = pd.Series(runs[C.DISTANCE_M].to_numpy(dtype=float), index=day).groupby(level=0).sum()
    cum = np.concatenate([[0.0], np.cumsum(per_day.reindex(calendar, fill_value=0.0).to_numpy())])
    at = (day - calendar[0]).astype(int)  # cum[at] = distance before the run's day
    acute = cum[at] - cum[at - load.ACUTE_DAYS]
    chronic_week = (cum[at] - cum[at - load.CHRONIC_DAYS]) / (load.CHRONIC_DAYS / 7)
    known = (day - first) >= np.timedelta64(load.CHRONIC_DAYS, "D")
    return _flag((chronic_week > 0) & (acute > LOAD_RATIO_LIMIT * chronic_week), known)


def _spike(ctx, day: np.ndarray) -> np.ndarray:
    """A long-run spike (LongRunSpike's Frandsen bands) on a day in the
    SPIKE_LOOKBACK_DAYS before the run's day; known once every run of those days has
    its 30 days of history."""
    if not len(day):
        return np.array([], dtype=float)
    s = ctx.spikes
    flagged = s[s[C.BAND].isin(list(LongRunSpike.SEVERITY))]
    spike_days = np.unique(pd.to_datetime(flagged[C.START_LOCAL]).to_numpy(dtype="datetime64[D]"))
    lookback = np.timedelta64(SPIKE_LOOKBACK_DAYS, "D")
    lo = np.searchsorted(spike_days, day - lookback, side="left")
    hi = np.searchsorted(spike_days, day, side="left")
    known = (day - day.min()) >= np.timedelta64(load.SPIKE_WINDOW_DAYS, "D") + lookback
    return _flag(hi > lo, known)


def _worn_shoes(ctx) -> np.ndarray:
    """The pair's distance at the run (worn_shoes' 300-mile mark); known for runs in a known pair."""
    mileage = ctx.shoes
    if mileage is None or not len(mileage.runs):
        return np.full(len(ctx.runs), np.nan)
    at = mileage.runs.set_index(C.ACTIVITY_ID)[C.CUMULATIVE_M]
    cumulative = ctx.runs[C.ACTIVITY_ID].map(at).to_numpy(dtype=float)
    known = np.isfinite(cumulative)
    return _flag(known & (np.nan_to_num(cumulative) >= shoes.SHOE_GUIDANCE_LOW_M), known)


def _heat(ctx) -> np.ndarray:
    """The run's temperature as heat_dehydration reads it (the air's from Strava's
    weather, else the watch's mean)."""
    runs = ctx.runs
    features = ctx.run_features[0]
    watch = pd.Series(np.nan, index=runs.index)
    if len(features) and C.MEAN_TEMPERATURE_C in features:
        watch = runs[C.ACTIVITY_ID].map(features.set_index(C.ACTIVITY_ID)[C.MEAN_TEMPERATURE_C]).astype(float)
    weather = runs[C.WEATHER_TEMPERATURE_C].astype(float) if C.WEATHER_TEMPERATURE_C in runs else watch * np.nan
    temps = np.array(
        [
            run_temperature(pd.Series({C.WEATHER_TEMPERATURE_C: w, C.MEAN_TEMPERATURE_C: m}))[0]
            for w, m in zip(weather, watch, strict=True)
        ],
        dtype=float,
    )
    known = np.isfinite(temps)
    return _flag(known & (np.nan_to_num(temps) >= HEAT_TEMPERATURE_C), known)


def _strength_before(ctx, start: pd.Series) -> np.ndarray:
    """A strength session that ended in the STRENGTH_BEFORE_RUN_H before the run's
    start; known on every run once the history holds any strength session."""
    st = ctx.strength
    if not len(st):
        return np.full(len(start), np.nan)
    ends = np.sort(
        (pd.to_datetime(st[C.START_LOCAL]) + pd.to_timedelta(st[C.DURATION_S].fillna(0), unit="s")).to_numpy(
            dtype="datetime64[ns]"
        )
    )
    t = start.to_numpy(dtype="datetime64[ns]")
    window = np.timedelta64(int(STRENGTH_BEFORE_RUN_H * 3600), "s")
    lo = np.searchsorted(ends, t - window, side="right")
    hi = np.searchsorted(ends, t, side="right")
    return _flag(hi > lo, np.ones(len(t), dtype=bool))
