"""Mileage jump: a week far above the week before and above the whole previous month."""

from __future__ import annotations

import math

import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import NIELSEN, REST_ADVICE
from .load_rules import judged

#: A jump counts only when the week also tops the previous 4 weeks (heavylegs
#: calibration: a normal week after a recovery week is +30 % on paper, not a jump).
RECENT_WEEKS = 4
#: Twice the limit is high severity (heavylegs convention).
JUMP_HIGH_PCT = 2 * load.PROGRESSION_LIMIT_PCT
#: A jump's strength grows from the limit to full at the limit + this many points
#: (heavylegs convention: +100 % in a week is as clear as it gets).
JUMP_SCORE_SPAN_PCT = 70.0


class MileageJump(Detector, id="mileage_jump", category="overtraining", rank=1, needs=("runs",)):
    thresholds = (
        Threshold("week-over-week change", load.PROGRESSION_LIMIT_PCT, "%", NIELSEN),
        Threshold("two-week progression at a run", load.PROGRESSION_LIMIT_PCT, "%", NIELSEN),
    )
    advice = REST_ADVICE
    description = (
        "Weekly distance more than 30 % above the week before (or the 7 days before a run above the 7 before "
        "those) and above every week of the previous month. Supporting evidence, never HIGH on its own: a "
        "week whose rise is a long run is one event with the spike, which leads it."
    )

    def detect(self, ctx):
        # A week raised by one long run fires too: consolidate gathers it into the spike's
        # event as evidence, so the runner hears of the run once, with the week's change.
        w = ctx.weekly
        if len(w) == 0 or int((w[C.RUNS] > 0).sum()) < 2:
            return self.skipped("fewer than two weeks with runs")
        limit = load.PROGRESSION_LIMIT_PCT
        prev = w[C.DISTANCE_M].shift(1)
        recent_max = w[C.DISTANCE_M].shift(1).rolling(RECENT_WEEKS, min_periods=1).max()
        out = []
        # Only the weeks past the limit and above the previous month (a decade is 500+ weeks).
        jumped = ((w[C.CHANGE_PCT] > limit) | (w[C.MAX_PROGRESSION_PCT] > limit)) & (w[C.DISTANCE_M] > recent_max)
        for week, row in w[jumped].iterrows():
            # A ratio of a few runs is evidence at most (load_rules.judged).
            out.append(
                judged(self._finding(ctx, week, row, prev[week]), ctx, min(week + pd.Timedelta(days=6), ctx.as_of_ts))
            )
        return out

    def _finding(self, ctx, week: pd.Timestamp, row: pd.Series, prev_m: float):
        limit = load.PROGRESSION_LIMIT_PCT
        change, prog = row[C.CHANGE_PCT], row[C.MAX_PROGRESSION_PCT]
        shown = change if math.isfinite(change) else prog
        severity = "high" if shown > JUMP_HIGH_PCT else "medium"
        end = min(week + pd.Timedelta(days=6), ctx.as_of_ts)
        day = iso(week)
        ev = [
            self.distance(ctx, "weekly distance", row[C.DISTANCE_M], day),
            Evidence(
                "previous week",
                round(ctx.dist(prev_m), 1) if math.isfinite(prev_m) else None,
                ctx.units,
                None,
                iso(week - pd.Timedelta(days=7)),
            ),
            Evidence("week-over-week change", rounded(change), "%", f"> {limit:g} %", day, NIELSEN),
            Evidence("two-week progression (max at a run)", rounded(prog), "%", f"> {limit:g} %", day, NIELSEN),
        ]
        msg = (
            f"The week of {week:%d %b %Y} had {ctx.fmt_dist(row[C.DISTANCE_M])}, "
            f"{shown:+.0f} % on the week before ({ctx.fmt_dist(prev_m) if math.isfinite(prev_m) else 'n/a'}); "
            f"more than {limit:g} % in a week is linked to distance-related injuries (Nielsen 2014)."
        )
        strength = exceedance(shown, limit, JUMP_SCORE_SPAN_PCT)
        return self.finding(ctx, severity, strength, week, end, ev, msg, brief=f"weekly distance {shown:+.0f} %")
