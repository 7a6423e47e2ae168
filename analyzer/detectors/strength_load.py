"""Strength load: many strength sessions in a week, or one just before a run."""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded

#: The seed article's in-season advice: 1-2 strength sessions a week; 3 or more in a
#: week is flagged, and so is one in the 24 h before a run.
STRENGTH_WEEKLY_LIMIT = 3
STRENGTH_BEFORE_RUN_H = 24.0
STRENGTH_SOURCE = "seed article (Runner's World, heavy legs): 1-2 strength sessions a week in season"
#: Strength of a weekly finding: from the last allowed count to full three sessions
#: past it (heavylegs convention: 5 sessions a week is as clear as it gets).
STRENGTH_SCORE_SPAN = 3


class StrengthLoad(Detector, id="strength_load", category="strength", rank=1, needs=("strength",)):
    thresholds = (
        Threshold("strength sessions a week", STRENGTH_WEEKLY_LIMIT, "sessions", STRENGTH_SOURCE),
        Threshold("strength session before a run", STRENGTH_BEFORE_RUN_H, "h", STRENGTH_SOURCE),
    )
    advice = "Keep to 1-2 strength sessions a week in season, and not in the 24 hours before a key run."
    description = "3+ strength sessions in a week, or a strength session within 24 h before a run."

    def detect(self, ctx):
        weeks = load.strength_sessions(ctx.activities, ctx.as_of_ts)
        out = [self._week(ctx, week, r) for week, r in weeks[weeks[C.SESSIONS] >= STRENGTH_WEEKLY_LIMIT].iterrows()]
        before = self._before_last_run(ctx)
        return out + ([before] if before is not None else [])

    def _week(self, ctx, week: pd.Timestamp, r: pd.Series):
        n = int(r[C.SESSIONS])
        ev = [
            Evidence(
                "strength sessions that week", n, "sessions", f">= {STRENGTH_WEEKLY_LIMIT}", iso(week), STRENGTH_SOURCE
            ),
            Evidence("strength time that week", round(r[C.DURATION_S] / 60), "min"),
        ]
        msg = f"The week of {week:%d %b %Y} had {n} strength sessions; in season 1-2 a week is the advice."
        end = min(week + pd.Timedelta(days=6), ctx.as_of_ts)
        strength = exceedance(n, STRENGTH_WEEKLY_LIMIT - 1, STRENGTH_SCORE_SPAN)
        return self.finding(ctx, "medium", strength, week, end, ev, msg, brief=f"{n} strength sessions in a week")

    def _before_last_run(self, ctx):
        """The run the legs felt heavy on is the last one up to as_of: a strength session
        that ended in the 24 h before it is a likely cause too."""
        if not len(ctx.runs):
            return None
        st = ctx.strength
        run = ctx.runs.iloc[-1]
        run_start = pd.Timestamp(run[C.START_LOCAL])
        st_end = pd.to_datetime(st[C.START_LOCAL]) + pd.to_timedelta(st[C.DURATION_S].fillna(0), unit="s")
        before = st[(st_end <= run_start) & (st_end > run_start - pd.Timedelta(hours=STRENGTH_BEFORE_RUN_H))]
        if not len(before):
            return None
        s0 = before.iloc[-1]
        gap_h = (run_start - st_end[before.index[-1]]).total_seconds() / 3600
        ev = [
            Evidence("strength session", pd.Timestamp(s0[C.START_LOCAL]).isoformat(timespec="minutes"), ""),
            Evidence(
                "hours between it and the run",
                rounded(gap_h),
                "h",
                f"< {STRENGTH_BEFORE_RUN_H:g} h",
                iso(run_start),
                STRENGTH_SOURCE,
            ),
        ]
        msg = (
            f"Your run of {run_start:%d %b %Y %H:%M} came {gap_h:.0f} h after a strength session: "
            "legs are often heavy the day after lifting."
        )
        brief = f"a run {gap_h:.0f} h after a strength session"
        return self.finding(
            ctx, "low", 1.0 - gap_h / STRENGTH_BEFORE_RUN_H, s0[C.START_LOCAL], run_start, ev, msg, brief=brief
        )
