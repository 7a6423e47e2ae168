"""Comeback: too much too soon in the first weeks after a break."""

from __future__ import annotations

import math

import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded

#: Comebacks: the first three weeks after a break should stay under these shares of
#: the pre-break weekly volume. Common return-to-running guidance (resume near half,
#: build over weeks), a convention rather than a study.
COMEBACK_LIMITS_PCT = (50.0, 70.0, 90.0)
COMEBACK_SOURCE = "return-to-running convention (resume near half the previous volume); no trial sets the figures"
#: A week at this multiple of its limit or more is high severity (heavylegs convention).
COMEBACK_HIGH_RATIO = 1.5
#: Strength grows from the limit (ratio 1) to full at twice the limit (heavylegs convention).
COMEBACK_SCORE_SPAN = 1.0


class Comeback(Detector, id="comeback", category="overtraining", rank=4, needs=("runs",)):
    thresholds = tuple(
        Threshold(f"week {i + 1} after a break", limit, "% of the pre-break weekly volume", COMEBACK_SOURCE)
        for i, limit in enumerate(COMEBACK_LIMITS_PCT)
    ) + (Threshold("break", load.BREAK_DAYS, "days without a run", "issue 4 convention"),)
    advice = "After a break, start near half your old weekly distance and build back over several weeks."
    description = "A break of 14+ days, then any of the first 3 weeks above 50/70/90 % of the pre-break weekly volume."

    def detect(self, ctx):
        cb = ctx.comebacks
        if cb.empty:
            return self.skipped("no break of 14 or more days without running in the history")
        out = []
        for _, r in cb.iterrows():
            worst, worst_week = _worst_week(r)
            if r[C.PRE_BREAK_WEEKLY_M] > 0 and worst > 1.0:
                out.append(self._finding(ctx, r, worst, worst_week))
        return out

    def _finding(self, ctx, r: pd.Series, worst: float, worst_week: int):
        pct = r[C.week_column(worst_week, "pct")]
        limit = COMEBACK_LIMITS_PCT[worst_week - 1]
        severity = "high" if worst >= COMEBACK_HIGH_RATIO else "medium"
        start = r[C.RETURN_DATE]
        end = start + pd.Timedelta(days=7 * worst_week - 1)
        ev = [
            Evidence(
                "break", int(r[C.GAP_DAYS]), "days without a run", f">= {load.BREAK_DAYS} days", iso(r[C.LAST_RUN_DATE])
            ),
            self.distance(ctx, "pre-break weekly volume", r[C.PRE_BREAK_WEEKLY_M], unit=f"{ctx.units}/week"),
            self.distance(
                ctx,
                f"week {worst_week} after the break",
                r[C.week_column(worst_week, "m")],
                iso(start + pd.Timedelta(days=7 * (worst_week - 1))),
            ),
            Evidence(
                f"week {worst_week} share of the pre-break volume",
                rounded(pct),
                "%",
                f"<= {limit:g} %",
                None,
                COMEBACK_SOURCE,
            ),
        ]
        msg = (
            f"After {int(r[C.GAP_DAYS])} days without running you came back on {start:%d %b %Y} with "
            f"{ctx.fmt_dist(r[C.week_column(worst_week, 'm')])} in week {worst_week}, {pct:.0f} % of your pre-break "
            f"weekly volume ({ctx.fmt_dist(r[C.PRE_BREAK_WEEKLY_M])}): too much too soon."
        )
        strength = exceedance(worst, 1.0, COMEBACK_SCORE_SPAN)
        return self.finding(ctx, severity, strength, start, min(end, ctx.as_of_ts), ev, msg)


def _worst_week(r: pd.Series) -> tuple[float, int]:
    """(the highest share of its limit among the weeks after the break, that week: 1-3);
    (0, 0) when no week is known."""
    worst, worst_week = 0.0, 0
    for i, limit in enumerate(COMEBACK_LIMITS_PCT):
        pct = r[C.week_column(i + 1, "pct")]
        if math.isfinite(pct) and pct / limit > worst:
            worst, worst_week = pct / limit, i + 1
    return worst, worst_week
