"""Dehydration from the fluid log: days the runner drank less than the adequate intake
(plus the sweat lost that day, when the device estimated it)."""

from __future__ import annotations

from .. import columns as C
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import EFSA_WATER
from .wellness_rules import WEEK_DAYS, ByWeek, Week, daily

#: Adequate intake of total water (EFSA 2010): 2.0 L/day for women, 2.5 L for men, about
#: 80 % of it from drinks (the rest from food). A fluid log counts drinks, so the
#: reference is 80 % of the total. Sex is not in the data: heavylegs uses the women's,
#: lower, value, so a day under it is under the adequate intake of any adult (precision
#: before recall: a man's day between 1.6 and 2.0 L is missed, never a woman's
#: adequate day flagged).
WATER_AI_TOTAL_L = 2.0
DRINKS_SHARE = 0.8
FLUIDS_REFERENCE_L = WATER_AI_TOTAL_L * DRINKS_SHARE
REFERENCE_SOURCE = (
    f"{EFSA_WATER}; heavylegs uses the women's 2.0 L (sex is not in the data: under it is under any adult's), "
    f"x 0.8 from drinks = {FLUIDS_REFERENCE_L:.1f} L"
)
SWEAT_SOURCE = "the device's estimate of the day's sweat loss, added to the reference (EFSA 2010: more with sweat loss)"
#: A week is judged with at least this many days logged, and this many days under the
#: reference are a finding (heavylegs convention: one or two dry days are ordinary; a
#: log missing days says nothing of them, and a day logged as 0 L is a day not logged).
FLUID_MIN_DAYS = 3
DEHYDRATION_MIN_LOW_DAYS = 3
#: Most of the week under the reference is MEDIUM; never HIGH (heavylegs convention: a
#: fluid log often misses drinks, and the reference is for the population, not athletes).
DEHYDRATION_MEDIUM_DAYS = 5
DAYS_SOURCE = "heavylegs convention: one or two dry days are ordinary; 3 in a week a pattern, 5 most of the week"
#: Strength grows to full at this mean shortfall [L] on the low days (heavylegs convention).
DEHYDRATION_SCORE_SPAN_L = 1.0


class Dehydration(ByWeek, Detector, id="dehydration", category="hydration", rank=1, needs=("fluids",)):
    thresholds = (
        Threshold("fluids a day", FLUIDS_REFERENCE_L, "L + the day's sweat loss", REFERENCE_SOURCE),
        Threshold("days under it in a week", DEHYDRATION_MIN_LOW_DAYS, "days", DAYS_SOURCE),
        Threshold("days logged in the week", FLUID_MIN_DAYS, f"of {WEEK_DAYS}", DAYS_SOURCE),
    )
    advice = (
        "Drink through the day, more on training days and in the heat: about 2-2.5 L a day from drinks and "
        "food, plus what you sweat."
    )
    description = (
        "Days of the week before the analysis date (and before a run you rated heavy) whose logged fluids were "
        "under 1.6 L (EFSA 2010's 2.0 L adequate intake, 80 % from drinks) plus the day's sweat loss: 3 or more."
    )

    def _week(self, ctx, week: Week):
        drunk = daily(ctx, C.FLUIDS_L, week.start, week.end)
        if len(drunk) < FLUID_MIN_DAYS:
            return f"{len(drunk)} days of fluids logged in {week.words('days')}, at least {FLUID_MIN_DAYS} needed"
        sweat = daily(ctx, C.SWEAT_LOSS_L, week.start, week.end).reindex(drunk.index).fillna(0.0)
        need = FLUIDS_REFERENCE_L + sweat
        low = drunk[drunk < need]
        if len(low) < DEHYDRATION_MIN_LOW_DAYS:
            return None
        short = float((need[low.index] - low).mean())
        worst = (need - drunk).idxmax()
        ev = [
            Evidence(
                f"days under {FLUIDS_REFERENCE_L:.1f} L + sweat loss",
                len(low),
                f"of {len(drunk)} logged",
                f">= {DEHYDRATION_MIN_LOW_DAYS}",
                iso(week.end),
                DAYS_SOURCE,
            ),
            Evidence("mean fluids logged a day", rounded(drunk.mean(), 2), "L", None, None, REFERENCE_SOURCE),
            Evidence("mean shortfall on those days", rounded(short, 2), "L"),
            Evidence("driest day: fluids", rounded(drunk[worst], 2), "L", f">= {need[worst]:.1f} L", iso(worst)),
        ]
        if (sweat > 0).any():
            ev.append(Evidence("sweat loss in the week", rounded(sweat.sum(), 2), "L", None, None, SWEAT_SOURCE))
        with_sweat = " plus the day's sweat loss" if (sweat > 0).any() else ""
        msg = (
            f"On {len(low)} of the {len(drunk)} days logged in {week.words('days')} you drank less than "
            f"{FLUIDS_REFERENCE_L:.1f} L{with_sweat} (EFSA 2010's adequate intake, from drinks), {short:.1f} L short "
            "on average: too little fluid leaves legs heavy on runs."
        )
        severity = "medium" if len(low) >= DEHYDRATION_MEDIUM_DAYS else "low"
        brief = f"fluids under {FLUIDS_REFERENCE_L:.1f} L{with_sweat} on {len(low)} of {len(drunk)} days"
        strength = exceedance(short, 0.0, DEHYDRATION_SCORE_SPAN_L)
        return self.finding(ctx, severity, strength, week.start, week.end, ev, msg, brief=brief)
