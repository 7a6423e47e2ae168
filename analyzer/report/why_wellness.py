"""The night before a run, for `heavylegs why`: sleep, overnight HRV and resting heart
rate of the run's day (a night is dated by the day the runner woke up), each against the
runner's own range, when the history has them. The range is made of the BASELINE_DAYS
before the week of WEEK_DAYS nights that ends on the run's day, as the wellness
detectors make their band (wellness_rules.py): a bad week does not widen its own range."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import columns as C
from ..detectors.sleep_debt import SLEEP_SHORT_NIGHT_H
from ..detectors.wellness_rules import BASELINE_DAYS, MIN_BASELINE_DAYS, WEEK_DAYS, daily
from .why_facts import BEFORE, Fact

#: One night's reading stands out when it lies more than this many SDs of the runner's
#: own BASELINE_DAYS from their mean, on the worse side (heavylegs convention: a single
#: night is noisier than the 7-day mean the wellness detectors judge; two SDs are passed
#: by chance about one night in 44 on one side or the other).
NIGHT_SD = 2.0
NIGHT_SOURCE = f"heavylegs convention: {NIGHT_SD:g} SD of your {BASELINE_DAYS} days before that week"

#: (metric, label, unit shown, scale from the stored unit, worse side, log scale):
#: HRV is compared in ln ms, as the wellness detectors do (Plews 2012).
NIGHT_METRICS = (
    (C.SLEEP_S, "sleep", "h", 1 / 3600, -1.0, False),
    (C.HRV_NIGHT_MS, "overnight HRV", "ms", 1.0, -1.0, True),
    (C.RESTING_HR_BPM, "resting heart rate", "bpm", 1.0, 1.0, False),
)


def wellness_facts(ctx, day: pd.Timestamp) -> list[Fact]:
    """Sleep, HRV and resting heart rate of ``day`` against the runner's range; nothing
    when the history has no wellness readings at all."""
    if not len(ctx.wellness):
        return []
    out = []
    for metric, label, unit, scale, worse, log in NIGHT_METRICS:
        tonight = daily(ctx, metric, day, day)
        if not ctx.has_wellness(metric):
            continue
        if tonight.empty:
            out.append(Fact(BEFORE, metric, label, None, "not recorded that night"))
            continue
        value = float(tonight.iloc[0])
        base_end = day - pd.Timedelta(days=WEEK_DAYS)
        base = daily(ctx, metric, base_end - pd.Timedelta(days=BASELINE_DAYS - 1), base_end)
        out.append(_against(metric, label, unit, scale, worse, log, value, base))
    return out


def _against(metric, label, unit, scale, worse, log, value, base: pd.Series) -> Fact:
    shown = f"{value * scale:.1f} {unit}"
    why = ""
    if metric == C.SLEEP_S and value * scale < SLEEP_SHORT_NIGHT_H:
        why = f"under {SLEEP_SHORT_NIGHT_H:g} h: a short night (the sleep detector's limit)"
    if len(base) < MIN_BASELINE_DAYS:
        return Fact(BEFORE, metric, label, value, f"{shown} (too few nights before it for your own range)", why)
    f = np.log if log else (lambda x: x)
    ref = f(base.to_numpy(dtype=float))
    mean, sd = float(ref.mean()), float(ref.std(ddof=1))
    lo, hi = mean - NIGHT_SD * sd, mean + NIGHT_SD * sd
    edges = (math.exp(lo), math.exp(hi)) if log else (lo, hi)
    text = f"{shown} (your range: {edges[0] * scale:.1f}-{edges[1] * scale:.1f} {unit})"
    # Judged as shown (one decimal), so that a value never stands out against a range it prints inside.
    edge = round((edges[0] if worse < 0 else edges[1]) * scale, 1)
    past = worse * (round(value * scale, 1) - edge) > 0
    if past and not why:
        side = "below" if worse < 0 else "above"
        why = f"{side} your range ({NIGHT_SOURCE})"
    return Fact(BEFORE, metric, label, value, text, why)
