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


def efficiency(samples: pd.DataFrame, activities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Efficiency factor and aerobic decoupling per run with heart rate.

    Over moving samples (speed >= MOVING_SPEED_M_S, pauses excluded):
    ef_m_per_beat = mean speed / mean heart rate, in metres per heartbeat
    (speed [m/s] / (HR [bpm] / 60)); decoupling_pct = (first-half speed:HR - second-half
    speed:HR) / first-half speed:HR x 100, halves split by moving time (Friel's Pa:HR;
    > DECOUPLING_LIMIT_PCT is the convention for a drifting run); moving_s [s];
    mean_temperature_c [degC] where recorded.

    Returns one row per activity with heart rate (indexed by activity_id). When
    ``activities`` is given, only its runs are used.
    """
    s = samples
    if activities is not None:
        s = s[s[C.ACTIVITY_ID].isin(runs_only(activities)[C.ACTIVITY_ID])]
    cols = [C.EF_M_PER_BEAT, C.DECOUPLING_PCT, C.MOVING_S, C.MEAN_TEMPERATURE_C]
    if s.empty or s[C.HEART_RATE_BPM].notna().sum() == 0:
        return pd.DataFrame(columns=cols, index=pd.Index([], name=C.ACTIVITY_ID))
    dt = moving_dt(s)
    moving = (s[C.SPEED_M_S] >= MOVING_SPEED_M_S) & s[C.HEART_RATE_BPM].gt(0) & (dt > 0)
    m = pd.DataFrame(
        {
            C.ACTIVITY_ID: s[C.ACTIVITY_ID],
            "speed": s[C.SPEED_M_S],
            "hr": s[C.HEART_RATE_BPM],
            "dt": dt,
            "temp": s[C.TEMPERATURE_C],
        }
    )[moving]
    if m.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name=C.ACTIVITY_ID))
    m["t"] = m.groupby(C.ACTIVITY_ID)["dt"].cumsum()
    total = m.groupby(C.ACTIVITY_ID)["dt"].transform("sum")
    m["half"] = np.where(m["t"] <= total / 2, 1, 2)
    m["sv"] = m["speed"] * m["dt"]
    m["sh"] = m["hr"] * m["dt"]
    g = m.groupby(C.ACTIVITY_ID)
    whole = g[["sv", "sh", "dt"]].sum()
    halves = m.groupby([C.ACTIVITY_ID, "half"])[["sv", "sh"]].sum().unstack("half")
    ratio1 = halves[("sv", 1)] / halves[("sh", 1)]
    ratio2 = halves[("sv", 2)] / halves[("sh", 2)]
    out = pd.DataFrame(index=whole.index)
    out[C.EF_M_PER_BEAT] = (whole["sv"] / whole["sh"]) * 60.0
    out[C.DECOUPLING_PCT] = 100.0 * (ratio1 - ratio2) / ratio1
    out[C.MOVING_S] = whole["dt"]
    out[C.MEAN_TEMPERATURE_C] = g["temp"].mean()
    return out[cols]
