"""Long-run spike: one run much longer than the longest of the previous 30 days."""

from __future__ import annotations

import pandas as pd

from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded

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
        if s["prev_longest_m"].notna().sum() == 0:
            return self.skipped("no run has another run in the 30 days before it")
        return [self._finding(ctx, r) for _, r in s[s["band"].isin(list(self.SEVERITY))].iterrows()]

    def _finding(self, ctx, r: pd.Series):
        day = pd.Timestamp(r["start_local"]).normalize()
        ci = f" (95 % CI {r['hr_ci_low']}-{r['hr_ci_high']})"
        ev = [
            self.distance(ctx, "run distance", r["distance_m"], iso(day)),
            self.distance(ctx, "longest run of the previous 30 days", r["prev_longest_m"]),
            Evidence("longer by", rounded(r["spike_pct"]), "%", r["band"], iso(day), load.SPIKE_SOURCE),
            Evidence(
                "injury hazard-rate ratio vs <= 10 %", r["hazard_ratio"], "", r["band"] + ci, None, load.SPIKE_SOURCE
            ),
            Evidence("share of its week", rounded(r["week_share_pct"]), "%"),
        ]
        msg = (
            f"The {ctx.fmt_dist(r['distance_m'])} run on {day:%d %b %Y} was {r['spike_pct']:.0f} % longer than "
            f"the longest of the previous 30 days ({ctx.fmt_dist(r['prev_longest_m'])}); runners with such "
            f"spikes had {r['hazard_ratio']}x the injury rate (Frandsen 2025)."
        )
        strength = exceedance(r["spike_pct"], SPIKE_SCORE_FLOOR_PCT, SPIKE_SCORE_SPAN_PCT)
        return self.finding(ctx, self.SEVERITY[r["band"]], strength, day, day, ev, msg)
