"""Acute:chronic workload ratios of daily load: rolling (Gabbett 2016), EWMA
(Williams 2017) and uncoupled (Lolli 2019)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..bands import ACWR_DANGER, ACWR_SWEET_SPOT  # noqa: F401  (re-exported: the detectors use load.ACWR_*)
from .volume import daily_load

# ACWR_SWEET_SPOT (0.8-1.3) and ACWR_DANGER (1.5), Gabbett 2016: defined with the
# critique in bands.py (imported above), which the report's charts import without pandas.
#: Acute and chronic windows [days] (Gabbett 2016).
ACUTE_DAYS = 7
CHRONIC_DAYS = 28
#: EWMA decay lambda = 2 / (N + 1), N = 7 and 28: Williams S et al. Br J Sports Med
#: 2017;51:209-210.
EWMA_ACUTE_LAMBDA = 2.0 / (ACUTE_DAYS + 1)
EWMA_CHRONIC_LAMBDA = 2.0 / (CHRONIC_DAYS + 1)
#: A gap this long [days] inside the chronic window is named: the watch may not have
#: been worn, so low chronic load is not read as detraining without saying so.
WINDOW_GAP_DAYS = 14


def acwr(activities: pd.DataFrame, as_of=None, load: pd.Series | None = None) -> pd.DataFrame:
    """Acute:chronic workload ratios of daily load (distance by default) per day.

    Columns: load [m or the given unit], acute_7d and chronic_28d (mean daily load
    over the last 7 and 28 days), acwr (rolling, Gabbett 2016), acwr_ewma (EWMA with
    lambda 2/(N+1), Williams 2017), acwr_uncoupled (chronic window = days 8-28, so it
    excludes the acute week: Lolli 2019), acwr_reason (why a ratio is NaN), and
    window_note (a gap of WINDOW_GAP_DAYS or more without runs in the chronic window:
    low chronic load may be an unrecorded period rather than detraining).
    """
    daily = daily_load(activities, as_of)["distance_m"] if load is None else load.astype("float64")
    out = pd.DataFrame({"load": daily.astype("float64")})
    if out.empty:
        for c in ("acute_7d", "chronic_28d", "acwr", "acwr_ewma", "acwr_uncoupled"):
            out[c] = pd.Series(dtype="float64")
        out["acwr_reason"] = pd.Series(dtype="object")
        out["window_note"] = pd.Series(dtype="object")
        return out
    out["acute_7d"] = out["load"].rolling(ACUTE_DAYS, min_periods=ACUTE_DAYS).mean()
    out["chronic_28d"] = out["load"].rolling(CHRONIC_DAYS, min_periods=CHRONIC_DAYS).mean()
    older = out["load"].shift(ACUTE_DAYS).rolling(CHRONIC_DAYS - ACUTE_DAYS, min_periods=CHRONIC_DAYS - ACUTE_DAYS)
    uncoupled_chronic = older.mean()
    ewma_a = out["load"].ewm(alpha=EWMA_ACUTE_LAMBDA, adjust=False).mean()
    ewma_c = out["load"].ewm(alpha=EWMA_CHRONIC_LAMBDA, adjust=False).mean()
    history_days = np.arange(1, len(out) + 1)
    enough = history_days >= CHRONIC_DAYS
    with np.errstate(divide="ignore", invalid="ignore"):
        out["acwr"] = (out["acute_7d"] / out["chronic_28d"]).where(out["chronic_28d"] > 0)
        out["acwr_ewma"] = (ewma_a / ewma_c).where(enough & (ewma_c > 0))
        out["acwr_uncoupled"] = (out["acute_7d"] / uncoupled_chronic).where(uncoupled_chronic > 0)
    reason = np.where(~enough, f"fewer than {CHRONIC_DAYS} days of history", "")
    reason = np.where(enough & (out["chronic_28d"] <= 0).to_numpy(), f"no load in the last {CHRONIC_DAYS} days", reason)
    out["acwr_reason"] = reason
    # Longest run of zero-load days ending within the chronic window.
    zero = (out["load"] <= 0).astype(int)
    streak = zero.groupby((zero == 0).cumsum()).cumsum()
    longest = streak.rolling(CHRONIC_DAYS, min_periods=1).max()
    out["window_note"] = np.where(
        enough & (longest >= WINDOW_GAP_DAYS).to_numpy(),
        [f"the last {CHRONIC_DAYS} days include {int(g)} days without a recorded run" for g in longest],
        "",
    )
    return out
