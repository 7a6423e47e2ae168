"""Sleep debt: short nights in the week before the analysis date, or before a run the
runner rated heavy."""

from __future__ import annotations

from .. import columns as C
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import MILEWSKI, WATSON
from .wellness_rules import WEEK_DAYS, ByWeek, Week, daily

#: Adults need at least 7 h a night (Watson NF et al., Sleep 2015;38:843: the AASM/SRS
#: consensus). Not Milewski 2014's 8 h: its injury risk (RR 1.7) was measured in 112
#: adolescent athletes, who need more sleep than adults, with a CI reaching 1.0.
SLEEP_MIN_H = 7.0
SLEEP_SOURCE = f"{WATSON}; not 8 h: {MILEWSKI}"
#: A night under this is short (heavylegs convention, issue 17: an hour below the
#: consensus minimum), and this many short nights in a week are a pattern, not one bad
#: night, even when longer nights lift the average (heavylegs convention, issue 17).
SLEEP_SHORT_NIGHT_H = 6.0
SLEEP_SHORT_NIGHTS = 3
SHORT_SOURCE = f"heavylegs convention: an hour below the {SLEEP_MIN_H:g} h minimum ({WATSON}), on 3 nights a pattern"
#: A week is judged only with at least this many nights recorded (heavylegs convention:
#: most of the week; with 3 nights missing the average could move by more than an hour
#: either way, and a watch left on the charger at night is common).
SLEEP_MIN_NIGHTS = 5
NIGHTS_SOURCE = "heavylegs convention: most of the week, so unrecorded nights cannot make or hide a short week"
#: Strength grows to full over this many hours below SLEEP_MIN_H (heavylegs convention).
SLEEP_SCORE_SPAN_H = 2.0
HOUR_S = 3600.0


class SleepDebt(ByWeek, Detector, id="sleep_debt", category="sleep", rank=1, needs=("sleep",)):
    thresholds = (
        Threshold("average sleep", SLEEP_MIN_H, "h a night", SLEEP_SOURCE),
        Threshold("short night", SLEEP_SHORT_NIGHT_H, "h", SHORT_SOURCE),
        Threshold("short nights in a week", SLEEP_SHORT_NIGHTS, "nights", SHORT_SOURCE),
        Threshold("nights recorded", SLEEP_MIN_NIGHTS, f"of {WEEK_DAYS}", NIGHTS_SOURCE),
    )
    advice = (
        "Sleep at least 7 h a night: legs recover while you sleep. Keep a regular bedtime, and take the "
        "hard sessions off the days after short nights."
    )
    description = (
        "Over the 7 nights before the analysis date (and before each run you rated heavy): an average under "
        "7 h (AASM/SRS, Watson 2015) or 3 nights under 6 h; at least 5 nights recorded."
    )

    def _week(self, ctx, week: Week):
        nights = daily(ctx, C.SLEEP_S, week.start, week.end) / HOUR_S
        if len(nights) < SLEEP_MIN_NIGHTS:
            return f"{len(nights)} nights of sleep recorded in {week.words()}, at least {SLEEP_MIN_NIGHTS} needed"
        mean = float(nights.mean())
        short = nights[nights < SLEEP_SHORT_NIGHT_H]
        if mean >= SLEEP_MIN_H and len(short) < SLEEP_SHORT_NIGHTS:
            return None
        both = mean < SLEEP_MIN_H and len(short) >= SLEEP_SHORT_NIGHTS
        severity = "medium" if mean < SLEEP_SHORT_NIGHT_H or both else "low"
        shortest = nights.idxmin()
        ev = [
            Evidence(
                "average sleep a night", rounded(mean, 2), "h", f"< {SLEEP_MIN_H:g} h", iso(week.end), SLEEP_SOURCE
            ),
            Evidence(
                f"nights under {SLEEP_SHORT_NIGHT_H:g} h",
                len(short),
                "nights",
                f">= {SLEEP_SHORT_NIGHTS}",
                None,
                SHORT_SOURCE,
            ),
            Evidence("shortest night", rounded(nights.min(), 2), "h", None, iso(shortest)),
            Evidence("nights recorded", len(nights), f"of {WEEK_DAYS}", f">= {SLEEP_MIN_NIGHTS}", None, NIGHTS_SOURCE),
        ]
        under = f", {len(short)} of them under {SLEEP_SHORT_NIGHT_H:g} h" if len(short) else ""
        msg = (
            f"In {week.words()} you slept {mean:.1f} h a night on average ({len(nights)} nights recorded{under}): "
            f"adults need at least {SLEEP_MIN_H:g} h (AASM/SRS consensus, Watson 2015), and legs recover in sleep."
        )
        brief = f"sleep {mean:.1f} h a night" + (
            f", {len(short)} nights under {SLEEP_SHORT_NIGHT_H:g} h" if under else ""
        )
        strength = exceedance(SLEEP_MIN_H - mean, 0.0, SLEEP_SCORE_SPAN_H)
        return self.finding(ctx, severity, strength, week.start, week.end, ev, msg, brief=brief)
