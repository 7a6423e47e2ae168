"""Long-run spike: one run much longer than the longest of the previous 30 days."""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .load_rules import (
    SPIKE_BASE_SOURCE,
    SPIKE_MIN_BASE_RUNS,
    USUAL_RUN_PERCENTILE,
    USUAL_WINDOW_DAYS,
    runs_in_spike_window,
    usual_longest,
)

#: A spike's strength grows from the first band's lower edge (+10 %, Frandsen 2025) to
#: full at +200 % (heavylegs convention: three times the month's longest run).
SPIKE_SCORE_FLOOR_PCT = load.SPIKE_BANDS[1][1]
SPIKE_SCORE_SPAN_PCT = 190.0


class LongRunSpike(Detector, id="long_run_spike", category="overtraining", rank=3, needs=("runs",)):
    thresholds = tuple(
        Threshold(f"longer than the 30-day longest: {label}", f"HRR {hrr}", "", load.SPIKE_SOURCE)
        for label, *_x, hrr, _lo, _hi in load.SPIKE_BANDS[1:]
    )
    advice = "Lengthen the long run gradually: no single run much longer than your longest of the last month."
    description = "A run more than 10 % longer than the longest run of the previous 30 days, by Frandsen 2025's bands."

    #: Severity of each Frandsen band (heavylegs convention: the >100 % band has the
    #: highest hazard-rate ratio, 2.28).
    SEVERITY = {">10-30%": "low", ">30-100%": "medium", ">100%": "high"}

    def detect(self, ctx):
        s = ctx.spikes
        if s[C.PREV_LONGEST_M].notna().sum() == 0:
            return self.skipped("no run has another run in the 30 days before it")
        return [self._finding(ctx, r) for _, r in s[s[C.BAND].isin(list(self.SEVERITY))].iterrows()]

    def _finding(self, ctx, r: pd.Series):
        day = pd.Timestamp(r[C.START_LOCAL]).normalize()
        ci = f" (95 % CI {r[C.HR_CI_LOW]}-{r[C.HR_CI_HIGH]})"
        usual = usual_longest(ctx, r[C.START_LOCAL])
        ordinary = bool(r[C.DISTANCE_M] <= usual)  # NaN (no runs before): not ordinary
        ev = [
            self.distance(ctx, "run distance", r[C.DISTANCE_M], iso(day)),
            self.distance(ctx, "longest run of the previous 30 days", r[C.PREV_LONGEST_M]),
            Evidence("longer by", rounded(r[C.SPIKE_PCT]), "%", r[C.BAND], iso(day), load.SPIKE_SOURCE),
            Evidence(
                "injury hazard-rate ratio vs <= 10 %", r[C.HAZARD_RATIO], "", r[C.BAND] + ci, None, load.SPIKE_SOURCE
            ),
            Evidence("share of its week", rounded(r[C.WEEK_SHARE_PCT]), "%"),
            Evidence(
                f"your usual long run (P{USUAL_RUN_PERCENTILE:.0f} of {USUAL_WINDOW_DAYS} days)",
                round(ctx.dist(usual), 1) if usual == usual else None,
                ctx.units,
                "at most LOW when the run is no longer",
                None,
                "heavylegs convention: a run no longer than the runner's usual runs is no new demand",
            ),
        ]
        msg = (
            f"The {ctx.fmt_dist(r[C.DISTANCE_M])} run on {day:%d %b %Y} was {r[C.SPIKE_PCT]:.0f} % longer than "
            f"the longest of the previous 30 days ({ctx.fmt_dist(r[C.PREV_LONGEST_M])}); runners with such "
            f"spikes had {r[C.HAZARD_RATIO]}x the injury rate (Frandsen 2025)."
        )
        base = runs_in_spike_window(ctx, r[C.START_LOCAL])
        thin = base < SPIKE_MIN_BASE_RUNS
        ev.append(
            Evidence(
                "runs in the 30 days before",
                base,
                "runs",
                f"at most MEDIUM under {SPIKE_MIN_BASE_RUNS}",
                None,
                SPIKE_BASE_SOURCE,
            )
        )
        severity = self.SEVERITY[r[C.BAND]]
        if ordinary:
            msg += f" It was no longer than your usual runs of the last three months ({ctx.fmt_dist(usual)})."
            severity = "low"
        elif thin and severity == "high":
            msg += f" With {base} run{'s' if base != 1 else ''} in those 30 days the base is thin: at most medium."
            severity = "medium"
        strength = exceedance(r[C.SPIKE_PCT], SPIKE_SCORE_FLOOR_PCT, SPIKE_SCORE_SPAN_PCT)
        brief = f"the {ctx.fmt_dist(r[C.DISTANCE_M])} run {r[C.SPIKE_PCT]:+.0f} % on the 30-day longest"
        return self.finding(ctx, severity, strength, day, day, ev, msg, brief=brief)
