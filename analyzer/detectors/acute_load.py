"""Acute load: the last 7 days far above the 4-week average (ACWR)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import GABBETT, LOLLI, REST_ADVICE, WILLIAMS
from .load_rules import judged

#: An ACWR's strength grows from the upper sweet-spot edge to full this far above it
#: (heavylegs convention: 2.3, a doubling past the sweet spot, is as clear as it gets).
ACWR_SCORE_SPAN = 1.0


class AcuteLoad(Detector, id="acute_load", category="overtraining", rank=2, needs=("runs",)):
    thresholds = (
        Threshold("ACWR danger zone", load.ACWR_DANGER, "", GABBETT),
        Threshold("ACWR upper sweet spot", load.ACWR_SWEET_SPOT[1], "", GABBETT),
    )
    advice = REST_ADVICE
    description = (
        "Rolling 7:28-day acute:chronic workload ratio >= 1.5 (high) or 1.3-1.5 (low), with the EWMA and "
        "uncoupled variants as evidence. Frandsen 2025 found no dose-response for ACWR in runners: weighed as such."
    )

    def detect(self, ctx):
        d = ctx.daily
        ratio = d[C.ACWR] if len(d) else pd.Series(dtype=float)
        if ratio.notna().sum() == 0:
            reason = d[C.ACWR_REASON].iloc[-1] if len(d) else "no runs"
            return self.skipped(f"no acute:chronic ratio yet ({reason})")
        above = ratio >= load.ACWR_SWEET_SPOT[1]
        spells = [days for _, days in d[above].groupby((~above).cumsum()[above])]
        # A ratio of a few runs is evidence at most (load_rules.judged).
        return [judged(self._finding(ctx, days), ctx, days[C.ACWR].idxmax()) for days in spells]

    def _finding(self, ctx, days: pd.DataFrame):
        """One finding per spell of days above the sweet spot, at its peak."""
        hi, top = load.ACWR_SWEET_SPOT[1], load.ACWR_DANGER
        peak_day = days[C.ACWR].idxmax()
        peak = days.loc[peak_day]
        severity = "high" if peak[C.ACWR] >= top else "low"
        note = peak[C.WINDOW_NOTE]
        day = iso(peak_day)
        ev = [
            Evidence(
                "ACWR (rolling 7/28 d)", rounded(peak[C.ACWR], 2), "", f">= {top} high, >= {hi} raised", day, GABBETT
            ),
            Evidence("ACWR (EWMA)", rounded(peak[C.ACWR_EWMA], 2), "", None, day, WILLIAMS),
            Evidence("ACWR (uncoupled)", rounded(peak[C.ACWR_UNCOUPLED], 2), "", None, day, LOLLI),
            self.distance(ctx, "acute load (7-day mean)", peak[C.ACUTE_7D] * 7, day, unit=f"{ctx.units}/week"),
            self.distance(ctx, "chronic load (28-day mean)", peak[C.CHRONIC_28D] * 7, day, unit=f"{ctx.units}/week"),
        ]
        msg = (
            f"On {peak_day:%d %b %Y} the last 7 days ({ctx.fmt_dist(peak[C.ACUTE_7D] * 7)}) were "
            f"{peak[C.ACWR]:.2f} times the 4-week average; above {top} is Gabbett's danger zone "
            "(a contested measure)." + (f" Note: {note}." if note else "")
        )
        strength = exceedance(peak[C.ACWR], hi, ACWR_SCORE_SPAN)
        brief = f"ACWR {peak[C.ACWR]:.2f}"
        found = self.finding(ctx, severity, strength, days.index.min(), days.index.max(), ev, msg, brief=brief)
        # The spell runs on for up to a week after its load (the 7-day window still holds
        # it): the load it is about ends at its peak.
        return replace(found, load_end=day)
