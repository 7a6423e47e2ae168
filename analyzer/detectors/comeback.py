"""Comeback: too much too soon in the first weeks after a break.

A week after a break is judged against two levels: its return limit (50/70/90 % of the
pre-break weekly volume in weeks 1-3) and the pre-break weekly volume itself.

* above its limit *and* above the pre-break volume: too much too soon (high at 1.5
  times its limit or more, else medium);
* above its limit but not above the pre-break volume: low, and never called "too
  much": the runner came back under what they ran before, only faster than the
  return guidance;
* a break from running filled with other training (load.comebacks' cross_trained:
  other-sport time at least half the pre-break weekly running time) is not a break
  from training: low at most, said so ("not a break from training: 5 h of cycling a
  week"), with advice for that case.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded

#: Comebacks: the first three weeks after a break should stay under these shares of
#: the pre-break weekly volume. Common return-to-running guidance (resume near half,
#: build over weeks), a convention rather than a study.
COMEBACK_LIMITS_PCT = (50.0, 70.0, 90.0)
COMEBACK_SOURCE = "return-to-running convention (resume near half the previous volume); no trial sets the figures"
#: A week is "too much too soon" only above the pre-break weekly volume [% of it]
#: (heavylegs convention: a week under what the runner ran before the break is not too
#: much, only quicker than the return guidance; saying "too much" of it contradicts
#: the figures shown beside it).
TOO_MUCH_PCT = 100.0
TOO_MUCH_SOURCE = "heavylegs convention: a week under the pre-break weekly volume is not too much"
#: A week at this multiple of its limit or more is high severity (heavylegs convention).
COMEBACK_HIGH_RATIO = 1.5
#: Strength grows from the limit (ratio 1) to full at twice the limit (heavylegs convention).
COMEBACK_SCORE_SPAN = 1.0
#: Advice when the break was filled with other training.
CROSS_TRAINED_ADVICE = (
    "Your other training kept your fitness, not your legs' tolerance of running (tendons, bones and running "
    "muscles adapt to running itself): bring running back over two or three weeks even when it feels easy, "
    "and count the other sessions in your week's load."
)


class Comeback(Detector, id="comeback", category="overtraining", rank=4, needs=("runs",)):
    thresholds = tuple(
        Threshold(f"week {i + 1} after a break", limit, "% of the pre-break weekly volume", COMEBACK_SOURCE)
        for i, limit in enumerate(COMEBACK_LIMITS_PCT)
    ) + (
        Threshold("too much too soon", TOO_MUCH_PCT, "% of the pre-break weekly volume", TOO_MUCH_SOURCE),
        Threshold("break", load.BREAK_DAYS, "days without a run", load.BREAK_SOURCE),
        Threshold(
            "break filled with other training",
            load.CROSS_TRAINING_SHARE * 100,
            "% of the pre-break weekly running time, per week of the break",
            load.CROSS_TRAINING_SOURCE,
        ),
    )
    advice = "After a break, start near half your old weekly distance and build back over several weeks."
    description = (
        "A break of 14+ days, then any of the first 3 weeks above 50/70/90 % of the pre-break weekly volume; "
        "too much too soon only above the pre-break volume; a break filled with other training is low at most."
    )

    def detect(self, ctx):
        cb = ctx.comebacks
        if cb.empty:
            return self.skipped("no break of 14 or more days without running in the history")
        out = []
        for _, r in cb.iterrows():
            picked = pick_week(r)
            if r[C.PRE_BREAK_WEEKLY_M] > 0 and picked is not None:
                out.append(self._finding(ctx, r, *picked))
        return out

    def _finding(self, ctx, r: pd.Series, worst: float, worst_week: int):
        pct = r[C.week_column(worst_week, "pct")]
        limit = COMEBACK_LIMITS_PCT[worst_week - 1]
        too_much = _shown(pct) > TOO_MUCH_PCT
        crossed = r.get(C.CROSS_TRAINED, False) in (True,)  # NaN or a missing column: not cross-trained
        if crossed or not too_much:
            severity = "low"
        else:
            severity = "high" if worst >= COMEBACK_HIGH_RATIO else "medium"
        start = r[C.RETURN_DATE]
        end = start + pd.Timedelta(days=7 * worst_week - 1)
        ev = _evidence(self, ctx, r, worst_week, pct, limit)
        msg = _message(ctx, r, worst_week, pct, limit, too_much, crossed)
        strength = exceedance(worst, 1.0, COMEBACK_SCORE_SPAN)
        found = self.finding(ctx, severity, strength, start, min(end, ctx.as_of_ts), ev, msg)
        return replace(found, advice=CROSS_TRAINED_ADVICE) if crossed else found


def _evidence(det: Detector, ctx, r: pd.Series, week: int, pct: float, limit: float) -> list[Evidence]:
    start = r[C.RETURN_DATE]
    ev = [
        Evidence(
            "break", int(r[C.GAP_DAYS]), "days without a run", f">= {load.BREAK_DAYS} days", iso(r[C.LAST_RUN_DATE])
        ),
        det.distance(ctx, "pre-break weekly volume", r[C.PRE_BREAK_WEEKLY_M], unit=f"{ctx.units}/week"),
        det.distance(
            ctx,
            f"week {week} after the break",
            r[C.week_column(week, "m")],
            iso(start + pd.Timedelta(days=7 * (week - 1))),
        ),
        Evidence(
            f"week {week} share of the pre-break volume",
            rounded(pct),
            "%",
            f"<= {limit:g} %; too much above {TOO_MUCH_PCT:g} %",
            None,
            COMEBACK_SOURCE,
        ),
    ]
    other_h = r.get(C.BREAK_OTHER_SPORTS_H, math.nan)
    if isinstance(other_h, float) and math.isfinite(other_h) and other_h > 0:
        pre_h = r.get(C.PRE_BREAK_WEEKLY_H, math.nan)
        ev += [
            Evidence("pre-break weekly running time", rounded(pre_h), "h/week"),
            Evidence(
                f"other training in the break ({r.get(C.BREAK_OTHER_SPORTS, '') or 'other sports'})",
                rounded(other_h),
                "h/week",
                f">= {load.CROSS_TRAINING_SHARE * pre_h:.1f} h/week: not a break from training",
                iso(r[C.LAST_RUN_DATE]),
                load.CROSS_TRAINING_SOURCE,
            ),
        ]
    return ev


def _hours(h: float) -> str:
    return f"{h:.0f} h" if h >= 2 else f"{h:.1f} h"


def _message(ctx, r: pd.Series, week: int, pct: float, limit: float, too_much: bool, crossed: bool) -> str:
    """The finding's sentence: "too much too soon" only when the week is above the
    pre-break volume and the break was not filled with other training."""
    gap = int(r[C.GAP_DAYS])
    came = (
        f"you came back on {r[C.RETURN_DATE]:%d %b %Y} with {ctx.fmt_dist(r[C.week_column(week, 'm')])} in week "
        f"{week}, {_shown(pct):.0f} % of your pre-break weekly volume ({ctx.fmt_dist(r[C.PRE_BREAK_WEEKLY_M])})"
    )
    if crossed:
        other = f"{_hours(r[C.BREAK_OTHER_SPORTS_H])} of {r[C.BREAK_OTHER_SPORTS] or 'other sports'} a week"
        tail = (
            "more running than before it; fitness carries over from other sports, the legs' tolerance of running "
            "does not"
            if too_much
            else f"above the {limit:g} % advised for week {week} of a return to running"
        )
        return f"After {gap} days without running (not a break from training: {other}) {came}, {tail}."
    if too_much:
        return f"After {gap} days without running {came}: too much too soon."
    return (
        f"After {gap} days without running {came}: under your pre-break volume, but above the {limit:g} % "
        f"advised for week {week} of a return."
    )


def _shown(pct: float) -> float:
    """A share as the message shows it (whole per cent): a week is judged on what the
    runner reads ("100 %" is never "too much")."""
    return float(f"{pct:.0f}")


def pick_week(r: pd.Series) -> tuple[float, int] | None:
    """(the week's share of its limit, the week: 1-3) to report for a break: of the weeks
    above their limit, the highest share among those also above the pre-break volume,
    else the highest share; None when no week is above its limit."""
    above, too_much = [], []
    for i, limit in enumerate(COMEBACK_LIMITS_PCT):
        pct = r[C.week_column(i + 1, "pct")]
        if math.isfinite(pct) and pct > limit:
            above.append((pct / limit, i + 1))
            if _shown(pct) > TOO_MUCH_PCT:
                too_much.append((pct / limit, i + 1))
    pool = too_much or above
    return max(pool, key=lambda x: x[0]) if pool else None
