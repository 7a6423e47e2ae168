"""Weight gain: body mass up against the months before or a year earlier."""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded

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
#: Readings of the last week before the latest are left out of its baseline, and a
#: year-earlier baseline takes readings within this many days of the date a year before
#: (heavylegs convention).
WEIGHT_RECENT_DAYS = 7
WEIGHT_YEAR_TOLERANCE_DAYS = 14
#: Twice the gain is medium severity (heavylegs convention); strength is full 5 kg past
#: the threshold.
WEIGHT_MEDIUM_KG = 2 * WEIGHT_GAIN_KG
WEIGHT_SCORE_SPAN_KG = 5.0


class WeightGain(Detector, id="weight_gain", category="weight", rank=1, needs=("body_mass",)):
    thresholds = (Threshold("gain", WEIGHT_GAIN_KG, "kg", WEIGHT_SOURCE),)
    advice = "A few kilos more make every stride heavier; review diet and recovery, and see a physician if unexplained."
    description = "Latest body mass +2.3 kg or more against the 90 days before, or the same weeks a year earlier."

    def detect(self, ctx):
        w = ctx.weights
        last = w.iloc[-1]
        t = last[C.TIMESTAMP]
        before = w[
            (w[C.TIMESTAMP] < t - pd.Timedelta(days=WEIGHT_RECENT_DAYS))
            & (w[C.TIMESTAMP] >= t - pd.Timedelta(days=WEIGHT_BASELINE_DAYS))
        ]
        year = w[(w[C.TIMESTAMP] - (t - pd.Timedelta(days=365))).abs() <= pd.Timedelta(days=WEIGHT_YEAR_TOLERANCE_DAYS)]
        if before.empty and year.empty:
            return self.skipped("no body-mass reading in the 90 days before the last one, nor a year earlier")
        for label, ref in (("the 90 days before", before), ("the same weeks a year earlier", year)):
            if ref.empty:
                continue
            base = float(ref[C.WEIGHT_KG].median())
            gain = float(last[C.WEIGHT_KG]) - base
            if gain >= WEIGHT_GAIN_KG:
                return [self._finding(ctx, last, label, ref, base, gain)]
        return []

    def _finding(self, ctx, last: pd.Series, label: str, ref: pd.DataFrame, base: float, gain: float):
        t = last[C.TIMESTAMP]
        ev = [
            Evidence("body mass", rounded(last[C.WEIGHT_KG]), "kg", None, iso(t)),
            Evidence(f"body mass, {label} (median)", rounded(base), "kg"),
            Evidence("gain", rounded(gain), "kg", f">= {WEIGHT_GAIN_KG} kg", None, WEIGHT_SOURCE),
        ]
        msg = f"You weigh {last[C.WEIGHT_KG]:.1f} kg, {gain:.1f} kg more than {label} ({base:.1f} kg)."
        severity = "medium" if gain >= WEIGHT_MEDIUM_KG else "low"
        strength = exceedance(gain, WEIGHT_GAIN_KG, WEIGHT_SCORE_SPAN_KG)
        return self.finding(ctx, severity, strength, ref[C.TIMESTAMP].min(), t, ev, msg)
