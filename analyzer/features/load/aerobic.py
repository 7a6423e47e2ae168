"""Efficiency factor and aerobic decoupling per run with heart rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import columns as C
from .common import moving_dt, runs_only

#: Aerobic decoupling (Pa:HR, first vs second half of speed/HR) above 5 % marks a run
#: whose heart rate drifted: TrainingPeaks/Friel convention; < 5 % good, 5-10 %
#: moderate, > 10 % weak base (also GoldenCheetah's AerobicDecoupling).
DECOUPLING_LIMIT_PCT = 5.0

#: Samples slower than this [m/s] are not running (comfortable walking tops out near
#: 1.5 m/s: Bohannon 1997, Age Ageing 26:15).
MOVING_SPEED_M_S = 1.6

#: A heart-rate figure of a run is trusted when heart rate was recorded on at least this
#: share [%] of its moving time: the efficiency factor over the whole run, decoupling in
#: each half (heavylegs convention: with heart rate on under half of the moving time the
#: samples that carry it are a minority that may be one stretch of the run, e.g. a strap
#: that lost contact after the warm-up, and Pa:HR compares halves, so both need it).
HR_MIN_COVERAGE_PCT = 50.0


def efficiency(samples: pd.DataFrame, activities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Efficiency factor and aerobic decoupling per run with heart rate.

    Moving samples: speed >= MOVING_SPEED_M_S, pauses excluded (moving_dt). Over all of
    them: moving_s [s] and mean_temperature_c [degC] where recorded. Over those with
    heart rate: hr_coverage_pct = their time / moving_s x 100; ef_m_per_beat = mean
    speed / mean heart rate, in metres per heartbeat (speed [m/s] / (HR [bpm] / 60));
    decoupling_pct = (first-half speed:HR - second-half speed:HR) / first-half speed:HR
    x 100, the halves split by moving time and each half's speed:HR over its samples
    with heart rate (Friel's Pa:HR; > DECOUPLING_LIMIT_PCT is the convention for a
    drifting run). ef_m_per_beat is NaN when hr_coverage_pct < HR_MIN_COVERAGE_PCT,
    decoupling_pct when either half has heart rate on under HR_MIN_COVERAGE_PCT of its
    moving time.

    Returns one row per activity with heart rate on a moving sample (indexed by
    activity_id). When ``activities`` is given, only its runs are used.
    """
    s = samples
    if activities is not None:
        s = s[s[C.ACTIVITY_ID].isin(runs_only(activities)[C.ACTIVITY_ID])]
    cols = [C.EF_M_PER_BEAT, C.DECOUPLING_PCT, C.MOVING_S, C.HR_COVERAGE_PCT, C.MEAN_TEMPERATURE_C]
    if s.empty or s[C.HEART_RATE_BPM].notna().sum() == 0:
        return pd.DataFrame(columns=cols, index=pd.Index([], name=C.ACTIVITY_ID))
    dt = moving_dt(s)
    moving = (s[C.SPEED_M_S] >= MOVING_SPEED_M_S) & (dt > 0)
    has_hr = s[C.HEART_RATE_BPM].gt(0)
    hr_dt = dt.where(has_hr, 0.0)
    m = pd.DataFrame(
        {
            C.ACTIVITY_ID: s[C.ACTIVITY_ID],
            "dt": dt,
            "hr_dt": hr_dt,
            # speed and heart rate weighted by the time of the samples with heart rate
            "sv": s[C.SPEED_M_S] * hr_dt,
            "sh": s[C.HEART_RATE_BPM].where(has_hr, 0.0) * hr_dt,
            "temp": s[C.TEMPERATURE_C],
        }
    )[moving]
    if m.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name=C.ACTIVITY_ID))
    t = m.groupby(C.ACTIVITY_ID)["dt"].cumsum()
    total = m.groupby(C.ACTIVITY_ID)["dt"].transform("sum")
    m["half"] = np.where(t <= total / 2, 1, 2)
    sums = ["sv", "sh", "dt", "hr_dt"]
    g = m.groupby(C.ACTIVITY_ID)
    whole = g[sums].sum()
    halves = m.groupby([C.ACTIVITY_ID, "half"])[sums].sum().unstack("half").reindex(whole.index)
    share = HR_MIN_COVERAGE_PCT / 100.0

    def half(col: str, i: int) -> pd.Series:
        key = (col, i)
        return halves[key] if key in halves.columns else pd.Series(np.nan, index=whole.index)

    ratio1 = half("sv", 1) / half("sh", 1)
    ratio2 = half("sv", 2) / half("sh", 2)
    halves_covered = (half("hr_dt", 1) >= share * half("dt", 1)) & (half("hr_dt", 2) >= share * half("dt", 2))
    coverage = 100.0 * whole["hr_dt"] / whole["dt"]
    out = pd.DataFrame(index=whole.index)
    out[C.EF_M_PER_BEAT] = ((whole["sv"] / whole["sh"]) * 60.0).where(coverage >= HR_MIN_COVERAGE_PCT)
    out[C.DECOUPLING_PCT] = (100.0 * (ratio1 - ratio2) / ratio1).where(halves_covered)
    out[C.MOVING_S] = whole["dt"]
    out[C.HR_COVERAGE_PCT] = coverage
    out[C.MEAN_TEMPERATURE_C] = g["temp"].mean()
    return out.loc[whole["hr_dt"] > 0, cols]
