"""Weight gain: body mass up against the months before or a year earlier.

Readings come from every source (History.weights: a scale's FIT weight_scale, the
watch's user_profile, a Garmin export's userBioMetrics or the Connect API's weight JSON,
Strava's Athlete Weight), so one source's stale or noisy reading must not decide: the
body mass now is the median of the readings of the last week up to the latest one, and
readings outside wellness_rules.PLAUSIBLE_KG (a profile left at 0) are left out."""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .wellness_rules import plausible_weights

#: Body-mass gain flagged from +2.3 kg (5 lb) against the 90-day baseline or the same
#: weeks a year earlier (heavylegs convention: about 3 % of a 75 kg runner, well past the
#: 1-2 % a day's food and water move the scale; the seed article names weight gain as a
#: cause of heavy legs).
WEIGHT_GAIN_KG = 2.3
WEIGHT_BASELINE_DAYS = 90
WEIGHT_SOURCE = (
    "heavylegs convention: 5 lb (2.3 kg), about 3 % of a 75 kg runner, past day-to-day scale swings; "
    "the seed article names weight gain as a cause"
)
#: Readings of the last week up to the latest are the body mass now (their median) and
#: are left out of its baseline, and a year-earlier baseline takes readings within this
#: many days of the date a year before (heavylegs convention).
WEIGHT_RECENT_DAYS = 7
WEIGHT_YEAR_TOLERANCE_DAYS = 14
#: Twice the gain is medium severity (heavylegs convention); strength is full 5 kg past
#: the threshold.
WEIGHT_MEDIUM_KG = 2 * WEIGHT_GAIN_KG
WEIGHT_SCORE_SPAN_KG = 5.0


class WeightGain(Detector, id="weight_gain", category="weight", rank=1, needs=("body_mass",)):
    thresholds = (Threshold("gain", WEIGHT_GAIN_KG, "kg", WEIGHT_SOURCE),)
    advice = "A few kilos more make every stride heavier; review diet and recovery, and see a physician if unexplained."
    description = (
        "Body mass now (the median of the last week's readings, from any source) +2.3 kg or more against the 90 "
        "days before, or the same weeks a year earlier."
    )

    def detect(self, ctx):
        w = plausible_weights(ctx.weights)
        if w is None or len(w) < 2:
            return self.skipped("fewer than two plausible body-mass readings (25-300 kg)")
        t = w[C.TIMESTAMP].iloc[-1]
        recent = w[w[C.TIMESTAMP] > t - pd.Timedelta(days=WEIGHT_RECENT_DAYS)]
        before = w[
            (w[C.TIMESTAMP] < t - pd.Timedelta(days=WEIGHT_RECENT_DAYS))
            & (w[C.TIMESTAMP] >= t - pd.Timedelta(days=WEIGHT_BASELINE_DAYS))
        ]
        year = w[(w[C.TIMESTAMP] - (t - pd.Timedelta(days=365))).abs() <= pd.Timedelta(days=WEIGHT_YEAR_TOLERANCE_DAYS)]
        if before.empty and year.empty:
            return self.skipped("no body-mass reading in the 90 days before the last one, nor a year earlier")
        now = float(recent[C.WEIGHT_KG].median())
        for label, ref in (("the 90 days before", before), ("the same weeks a year earlier", year)):
            if ref.empty:
                continue
            base = float(ref[C.WEIGHT_KG].median())
            gain = now - base
            if gain >= WEIGHT_GAIN_KG:
                return [self._finding(ctx, recent, now, label, ref, base, gain)]
        return []

    def _finding(self, ctx, recent: pd.DataFrame, now: float, label: str, ref: pd.DataFrame, base: float, gain: float):
        t = recent[C.TIMESTAMP].iloc[-1]
        ev = [
            Evidence("body mass", rounded(now), "kg", None, iso(t)),
            Evidence(f"body mass, {label} (median)", rounded(base), "kg"),
            Evidence("gain", rounded(gain), "kg", f">= {WEIGHT_GAIN_KG} kg", None, WEIGHT_SOURCE),
        ]
        many = len(recent) > 1
        if many:
            ev.insert(
                1, Evidence("readings in the last week (median)", len(recent), "readings", None, None, _sources(recent))
            )
        ev.append(Evidence(f"readings in {label}", len(ref), "readings", None, None, _sources(ref)))
        of = f" (the median of your {len(recent)} readings of the last week)" if many else ""
        msg = f"You weigh {now:.1f} kg{of}, {gain:.1f} kg more than {label} ({base:.1f} kg)."
        severity = "medium" if gain >= WEIGHT_MEDIUM_KG else "low"
        strength = exceedance(gain, WEIGHT_GAIN_KG, WEIGHT_SCORE_SPAN_KG)
        return self.finding(ctx, severity, strength, ref[C.TIMESTAMP].min(), t, ev, msg)


def _sources(readings: pd.DataFrame) -> str:
    """The files the readings came from, as a source line: 'from scale.fit' or 'from 3 files'."""
    files = list(dict.fromkeys(readings[C.SOURCE].astype(str))) if C.SOURCE in readings else []
    if not files:
        return ""
    return f"from {files[0]}" if len(files) == 1 else f"from {len(files)} files"
