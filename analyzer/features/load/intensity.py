"""Intensity: Foster's monotony and strain of daily load, the heart-rate histogram of
each run, and Banister's TRIMP."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import columns as C
from .common import moving_dt, week_start

#: Monotony = mean / SD of daily load over a week; strain = weekly load x monotony:
#: Foster C. Med Sci Sports Exerc 1998;30:1164-1168. The warning levels 1.5 and 2.0
#: are Runalyze's cut-offs, not Foster's.
MONOTONY_WARN = 1.5
MONOTONY_CRITICAL = 2.0

#: Banister TRIMP weighting: minutes x HRr x a e^(b HRr); men a = 0.64, b = 1.92,
#: women a = 0.86, b = 1.67 (Banister 1991; Morton 1990).
TRIMP_COEFFICIENTS = {"male": (0.64, 1.92), "female": (0.86, 1.67)}
#: Resting heart rate assumed when the runner gives none [bpm] (a convention).
DEFAULT_HR_REST = 60.0


def weekly_monotony(load: pd.Series) -> pd.DataFrame:
    """Foster's monotony and strain per local week of a daily load series (zeros
    included: rest days are part of the week).

    Returns a frame indexed by week_start: load (weekly sum), mean_daily, sd_daily
    (population SD of the 7 days), monotony (mean / SD; NaN when SD = 0 or the week
    is incomplete), strain (weekly load x monotony). Units follow ``load``.
    """
    load = load.astype("float64")
    weeks = week_start(pd.Series(load.index)).to_numpy()
    grouped = load.groupby(weeks)
    out = pd.DataFrame(
        {C.LOAD: grouped.sum(), C.MEAN_DAILY: grouped.mean(), C.SD_DAILY: grouped.std(ddof=0), "days": grouped.size()}
    )
    out.index.name = C.WEEK_START
    with np.errstate(divide="ignore", invalid="ignore"):
        # Rounded so a week of exactly 1.5 is 1.5 whatever the order of its days.
        out[C.MONOTONY] = (
            (out[C.MEAN_DAILY] / out[C.SD_DAILY]).where((out[C.SD_DAILY] > 0) & (out["days"] == 7)).round(9)
        )
    out[C.STRAIN] = out[C.LOAD] * out[C.MONOTONY]
    return out.drop(columns="days")


def hr_histogram(samples: pd.DataFrame) -> pd.DataFrame:
    """Heart rate per activity as a histogram: what TRIMP and the maximal heart rate
    need, small enough to cache per run (a run has ~100 distinct integer bpm values).

    Returns one row per (activity_id, heart_rate_bpm) with a recorded heart rate:
    ``samples`` [-] at that heart rate and ``moving_min`` [min] (the time those
    samples stand for, pauses excluded: see moving_dt). Exact, whatever the values.
    """
    hr = samples[C.HEART_RATE_BPM]
    has = hr.notna().to_numpy()
    frame = pd.DataFrame(
        {
            C.ACTIVITY_ID: samples[C.ACTIVITY_ID].to_numpy()[has],
            C.HEART_RATE_BPM: hr.to_numpy(dtype="float64")[has],
            C.SAMPLES: np.ones(int(has.sum()), dtype="int64"),
            C.MOVING_MIN: (moving_dt(samples) / 60.0).to_numpy()[has],
        }
    )
    out = frame.groupby([C.ACTIVITY_ID, C.HEART_RATE_BPM], sort=True, as_index=False)[[C.SAMPLES, C.MOVING_MIN]].sum()
    return out.astype({C.SAMPLES: "int64", C.MOVING_MIN: "float64"})


def _percentile_of_counts(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """numpy.percentile(q, linear interpolation) of the multiset where each value
    occurs count times, without expanding it."""
    order = np.argsort(values, kind="stable")
    v, c = values[order], counts[order]
    ends = np.cumsum(c)  # the sorted sample of rank r (0-based) is v[searchsorted(ends, r, 'right')]
    pos = (ends[-1] - 1) * q / 100.0
    lo, hi = int(np.floor(pos)), int(np.ceil(pos))
    below, above = v[np.searchsorted(ends, lo, side="right")], v[np.searchsorted(ends, hi, side="right")]
    return float(below + (above - below) * (pos - lo))


def hr_max_of(histogram: pd.DataFrame) -> float:
    """The maximal heart rate [bpm] TRIMP assumes by default: the 99.9th percentile of
    the histograms' samples (a runner's recorded maximum, robust to spikes); NaN
    without any."""
    if histogram is None or histogram.empty:
        return float("nan")
    return _percentile_of_counts(
        histogram[C.HEART_RATE_BPM].to_numpy(dtype="float64"), histogram[C.SAMPLES].to_numpy(), 99.9
    )


def trimp(
    samples: pd.DataFrame | None = None,
    hr_max: float | None = None,
    hr_rest: float = DEFAULT_HR_REST,
    sex: str = "male",
    histogram: pd.DataFrame | None = None,
) -> pd.Series:
    """Banister TRIMP per activity: sum over samples of minutes x HRr x a e^(b HRr),
    HRr = (HR - HRrest) / (HRmax - HRrest), clipped to [0, 1].

    Parameters
    ----------
    samples : the sample table (heart_rate_bpm [bpm], timestamp); or instead
    histogram : its hr_histogram (the cached per-run form; gives the same result).
    hr_max : maximal heart rate [bpm]; default the highest 99.9th percentile of the
        samples given (a runner's recorded maximum, robust to spikes).
    hr_rest : resting heart rate [bpm]; default DEFAULT_HR_REST.
    sex : 'male' or 'female' (Banister's coefficients).

    Returns a Series indexed by activity_id [arbitrary units]; activities without
    heart rate are absent.
    """
    a, b = TRIMP_COEFFICIENTS[sex]
    hist = histogram if histogram is not None else hr_histogram(samples)
    if hist.empty:
        return pd.Series(dtype="float64", name=C.TRIMP, index=pd.Index([], name=C.ACTIVITY_ID))
    hr = hist[C.HEART_RATE_BPM].to_numpy(dtype="float64")
    if hr_max is None:
        hr_max = hr_max_of(hist)
    hrr = np.clip((hr - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
    weight = hist[C.MOVING_MIN].to_numpy() * hrr * a * np.exp(b * hrr)
    return pd.Series(weight).groupby(hist[C.ACTIVITY_ID].to_numpy()).sum().rename_axis(C.ACTIVITY_ID).rename(C.TRIMP)
