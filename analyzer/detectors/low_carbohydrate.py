"""Low carbohydrate intake, from the diary: grams a day per kg of body mass against what
the runner's daily training asks for."""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import THOMAS
from .wellness_rules import WEEK_DAYS, Week, daily, judge_weeks, plausible_weights

#: Carbohydrate a day [g/kg] by daily training (Thomas DT, Erdman KA, Burke LM, Med Sci
#: Sports Exerc 2016;48:543): light training 3-5, a moderate programme of about an hour
#: a day 5-7, an endurance programme of 1-3 h a day 6-10. heavylegs takes the lower end
#: of the band (under it is low by any reading) and reads "about an hour" as 0.5 to 1.5 h
#: a day of training (heavylegs convention: below half an hour a day is light; from
#: 1.5 h the 1-3 h band holds).
CARBS_LIGHT_G_KG = 3.0
CARBS_MODERATE_G_KG = 5.0
CARBS_HIGH_G_KG = 6.0
MODERATE_FROM_H = 0.5
HIGH_FROM_H = 1.5
BAND_SOURCE = f"{THOMAS}; heavylegs reads '~1 h/day' as 0.5-1.5 h of training a day and takes each band's floor"
#: A week is judged with at least this many days recorded (heavylegs convention: one or
#: two days of a food diary are no habit).
CARBS_MIN_DAYS = 3
DAYS_SOURCE = "heavylegs convention: one or two days of a food diary are no habit"
#: Under the light band's floor while training more is MEDIUM; otherwise LOW, never HIGH
#: (heavylegs convention: food diaries are estimates and often miss food).
MEDIUM_SOURCE = f"heavylegs convention: under even the light band's {CARBS_LIGHT_G_KG:g} g/kg ({THOMAS}) is MEDIUM"
#: Strength grows to full at this shortfall [g/kg/day] (heavylegs convention).
CARBS_SCORE_SPAN_G_KG = 3.0


def floor_for(hours_a_day: float) -> tuple[float, str]:
    """The lower end [g/kg/day] of Thomas 2016's band for ``hours_a_day`` of training, and its name."""
    if hours_a_day >= HIGH_FROM_H:
        return CARBS_HIGH_G_KG, "6-10 g/kg for 1-3 h of training a day"
    if hours_a_day >= MODERATE_FROM_H:
        return CARBS_MODERATE_G_KG, "5-7 g/kg for about an hour of training a day"
    return CARBS_LIGHT_G_KG, "3-5 g/kg for light training"


class LowCarbohydrate(Detector, id="low_carbohydrate", category="diet", rank=1, needs=("carbs",)):
    thresholds = (
        Threshold("carbohydrate, light training (< 0.5 h/day)", CARBS_LIGHT_G_KG, "g/kg/day", BAND_SOURCE),
        Threshold("carbohydrate, about 1 h/day (0.5-1.5 h)", CARBS_MODERATE_G_KG, "g/kg/day", BAND_SOURCE),
        Threshold("carbohydrate, 1-3 h/day (from 1.5 h)", CARBS_HIGH_G_KG, "g/kg/day", BAND_SOURCE),
        Threshold("days recorded in the week", CARBS_MIN_DAYS, f"of {WEEK_DAYS}", DAYS_SOURCE),
    )
    advice = (
        "Legs run on muscle glycogen: eat enough carbohydrate for your training (bread, rice, pasta, potatoes, "
        "fruit), more on long-run and hard days."
    )
    description = (
        "The diary's carbohydrate a day per kg of body mass under the floor of Thomas 2016's band for your daily "
        "training hours (3, 5 or 6 g/kg/day); needs a body-mass reading."
    )

    def detect(self, ctx):
        if body_mass(ctx, ctx.as_of_ts) is None:
            return self.skipped(
                "cannot judge carbohydrate per kg without a body mass: no body-mass reading up to the analysis date"
            )
        got = judge_weeks(ctx, lambda week: self._week(ctx, week))
        return self.skipped(got) if isinstance(got, str) else got

    def _week(self, ctx, week: Week):
        grams = daily(ctx, C.CARBS_G, week.start, week.end)
        if len(grams) < CARBS_MIN_DAYS:
            return (
                f"{len(grams)} days of carbohydrate recorded in {week.words('days')}, at least {CARBS_MIN_DAYS} needed"
            )
        mass = body_mass(ctx, week.end)
        if mass is None:
            return f"no body-mass reading up to {week.end:%d %b %Y}"
        kg, weighed = mass
        hours = training_hours(ctx, week) / WEEK_DAYS
        floor, band_name = floor_for(hours)
        per_kg = float(grams.mean()) / kg
        if per_kg >= floor:
            return None
        severity = "medium" if per_kg < CARBS_LIGHT_G_KG < floor else "low"
        ev = [
            Evidence(
                "carbohydrate a day", rounded(per_kg, 2), "g/kg", f">= {floor:g} g/kg", iso(week.end), BAND_SOURCE
            ),
            Evidence("carbohydrate a day (mean of the days recorded)", rounded(grams.mean(), 0), "g"),
            Evidence("body mass", rounded(kg), "kg", None, iso(weighed)),
            Evidence("training a day (all sports)", rounded(hours, 2), "h", None, None, BAND_SOURCE),
            Evidence("days recorded", len(grams), f"of {WEEK_DAYS}", f">= {CARBS_MIN_DAYS}", None, DAYS_SOURCE),
        ]
        if severity == "medium":
            ev.append(
                Evidence(
                    "under the light band too",
                    rounded(per_kg, 2),
                    "g/kg",
                    f"< {CARBS_LIGHT_G_KG:g}",
                    None,
                    MEDIUM_SOURCE,
                )
            )
        msg = (
            f"Your diary gives {grams.mean():.0f} g of carbohydrate a day over {week.words('days')} "
            f"({len(grams)} days recorded): {per_kg:.1f} g per kg of your {kg:.1f} kg, under the {floor:g} g/kg that "
            f"{hours:.1f} h of training a day asks for ({band_name}: Thomas, Erdman & Burke 2016). Low glycogen "
            "leaves legs heavy."
        )
        brief = f"carbohydrate {per_kg:.1f} g/kg a day"
        strength = exceedance(floor - per_kg, 0.0, CARBS_SCORE_SPAN_G_KG)
        return self.finding(ctx, severity, strength, week.start, week.end, ev, msg, brief=brief)


def body_mass(ctx, day: pd.Timestamp) -> tuple[float, pd.Timestamp] | None:
    """The last plausible body-mass reading [kg] up to the end of ``day``, with its time;
    None without one."""
    w = plausible_weights(ctx.weights)
    if w is None or not len(w):
        return None
    limit = (pd.Timestamp(day) + pd.Timedelta(days=1)).tz_localize("UTC")
    ok = w[w[C.TIMESTAMP] < limit]
    if ok.empty:
        return None
    last = ok.iloc[-1]
    return float(last[C.WEIGHT_KG]), last[C.TIMESTAMP]


def training_hours(ctx, week: Week) -> float:
    """Hours of training in the week: runs and other sports (not walks or golf)."""
    acts = ctx.activities
    counted = pd.concat([ctx.runs, acts[load.is_other_sport(acts)]]) if len(acts) else acts
    if counted.empty:
        return 0.0
    day = pd.to_datetime(counted[C.START_LOCAL]).dt.normalize()
    inside = (day >= week.start) & (day <= week.end)
    return float(counted.loc[inside, C.DURATION_S].fillna(0.0).sum()) / 3600.0
