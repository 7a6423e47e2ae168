"""Skipped stretching, from the diary: run days without the 10 minutes the seed article
advises. Recorded, not proven: no study shows stretching prevents heavy legs."""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from .base import Detector, Evidence, Threshold, iso, rounded
from .citations import SEED_STRETCHING
from .wellness_rules import ByWeek, Week

#: The seed article advises 10 minutes of stretching after runs.
STRETCH_ADVISED_MIN = 10.0
#: A week is judged with at least this many run days whose stretching the diary records
#: (a day the diary leaves empty says nothing), and found when more than half of them
#: fell short (heavylegs convention: a habit, not one forgotten day).
STRETCH_MIN_RUN_DAYS = 3
STRETCH_SHORT_SHARE = 0.5
HABIT_SOURCE = "heavylegs convention: three run days recorded, more than half of them short, is a habit"


class SkippedStretching(ByWeek, Detector, id="skipped_stretching", category="recovery", rank=10, needs=("stretching",)):
    thresholds = (
        Threshold("stretching after a run", STRETCH_ADVISED_MIN, "min", SEED_STRETCHING),
        Threshold("run days recorded in the week", STRETCH_MIN_RUN_DAYS, "days", HABIT_SOURCE),
        Threshold("run days short of it", f"more than {STRETCH_SHORT_SHARE:.0%}", "of them", HABIT_SOURCE),
    )
    advice = (
        "The seed article advises 10 minutes of stretching after runs; no study shows it prevents heavy legs, so "
        "treat it as a habit to try, not a cure."
    )
    description = (
        "Run days in the week before the analysis date whose diary stretching_min is under the seed article's 10 "
        "minutes, on more than half of at least 3 recorded run days. Always LOW: recorded, not proven."
    )

    def _week(self, ctx, week: Week):
        minutes = run_day_stretching(ctx, week)
        if len(minutes) < STRETCH_MIN_RUN_DAYS:
            return (
                f"{len(minutes)} run days with stretching recorded in {week.words('days')}, at least "
                f"{STRETCH_MIN_RUN_DAYS} needed"
            )
        short = minutes[minutes < STRETCH_ADVISED_MIN]
        if len(short) <= STRETCH_SHORT_SHARE * len(minutes):
            return None
        ev = [
            Evidence(
                f"run days under {STRETCH_ADVISED_MIN:g} min of stretching",
                len(short),
                f"of {len(minutes)} recorded",
                f"> {STRETCH_SHORT_SHARE:.0%}",
                iso(week.end),
                HABIT_SOURCE,
            ),
            Evidence(
                "stretching on run days (mean)",
                rounded(minutes.mean()),
                "min",
                f">= {STRETCH_ADVISED_MIN:g} min",
                None,
                SEED_STRETCHING,
            ),
        ]
        msg = (
            f"Your diary records under {STRETCH_ADVISED_MIN:g} minutes of stretching on {len(short)} of the "
            f"{len(minutes)} run days recorded in {week.words('days')}. The seed article advises 10 minutes after "
            "runs; no study shows that stretching prevents heavy legs, so this is a record, not a proven cause."
        )
        return self.finding(
            ctx, "low", 0.0, week.start, week.end, ev, msg, brief=f"stretching skipped on {len(short)} run days"
        )


def run_day_stretching(ctx, week: Week) -> pd.Series:
    """Minutes of stretching the diary records on the week's run days (0 counts: the
    runner wrote that they did not stretch), indexed by day."""
    w = ctx.wellness
    if C.STRETCHING_S not in w or not len(w) or ctx.runs.empty:
        return pd.Series([], dtype=float)
    run_days = set(pd.to_datetime(ctx.runs[C.DATE]).dt.normalize())
    inside = (w[C.DATE] >= week.start) & (w[C.DATE] <= week.end) & w[C.DATE].isin(run_days)
    rows = w[inside & w[C.STRETCHING_S].notna()]
    return pd.Series(rows[C.STRETCHING_S].to_numpy(dtype=float) / 60.0, index=rows[C.DATE])
