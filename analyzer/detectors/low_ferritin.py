"""Low ferritin, from a blood test the runner put in the diary: iron stores depleted."""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import PEELING, SIM

#: Serum ferritin under 35 ug/L is iron depletion (stage 1, before anaemia): Peeling P et
#: al., Eur J Appl Physiol 2008;103:381; Sim M et al., Eur J Appl Physiol 2019;119:1463.
FERRITIN_LOW_UG_L = 35.0
FERRITIN_SOURCE = f"{PEELING}; {SIM}"
#: A test older than this [days] may no longer hold (heavylegs convention: iron stores
#: change over months with diet, supplements, blood loss and training; six months is a
#: common interval between checks in athletes): the finding says so and stays LOW. A
#: recent low value is MEDIUM, never HIGH alone (one marker; a physician judges it with
#: haemoglobin and transferrin saturation).
FERRITIN_MAX_AGE_DAYS = 183
AGE_SOURCE = "heavylegs convention: iron stores change over months; an older test may no longer hold"
#: Strength grows to full at this far under the threshold [ug/L] (heavylegs convention).
FERRITIN_SCORE_SPAN_UG_L = 20.0
PHYSICIAN_ADVICE = (
    "Low ferritin is iron depletion: see a physician, who will judge it with the rest of your blood count "
    "before you take iron; iron-rich food (red meat, legumes, with vitamin C) helps."
)


class LowFerritin(Detector, id="low_ferritin", category="diet", rank=2, needs=("ferritin",)):
    thresholds = (
        Threshold("serum ferritin", FERRITIN_LOW_UG_L, "ug/L", FERRITIN_SOURCE),
        Threshold("test no older than", FERRITIN_MAX_AGE_DAYS, "days", AGE_SOURCE),
    )
    advice = PHYSICIAN_ADVICE
    description = (
        "The latest blood test's serum ferritin (diary ferritin_ug_l, on the test's date) under 35 ug/L "
        "(Peeling 2008, Sim 2019); a test older than 6 months is said so and LOW."
    )

    def detect(self, ctx):
        tests = ferritin_tests(ctx)
        if tests.empty:
            return self.skipped("no ferritin value up to the analysis date")
        day, value = tests.index[-1], float(tests.iloc[-1])
        if value >= FERRITIN_LOW_UG_L:
            return []
        age = (ctx.as_of_ts - day).days
        old = age > FERRITIN_MAX_AGE_DAYS
        ev = [
            Evidence(
                "serum ferritin", rounded(value), "ug/L", f"< {FERRITIN_LOW_UG_L:g} ug/L", iso(day), FERRITIN_SOURCE
            ),
            Evidence("test age", age, "days", f"<= {FERRITIN_MAX_AGE_DAYS} days", iso(day), AGE_SOURCE),
        ]
        if len(tests) > 1:
            ev.append(Evidence("previous test", rounded(tests.iloc[-2]), "ug/L", None, iso(tests.index[-2])))
        when = f"{age // 30} months ago" if age >= 60 else f"{age} days ago"
        msg = (
            f"Your blood test of {day:%d %b %Y} ({when}) gave a serum ferritin of {value:g} ug/L, under "
            f"{FERRITIN_LOW_UG_L:g} ug/L: depleted iron stores (Peeling 2008; Sim 2019), which leave legs heavy and "
            "tired."
        )
        if old:
            msg += (
                f" The test is over {FERRITIN_MAX_AGE_DAYS // 30} months old: a new one tells whether it still holds."
            )
        strength = exceedance(FERRITIN_LOW_UG_L - value, 0.0, FERRITIN_SCORE_SPAN_UG_L)
        brief = f"ferritin {value:g} ug/L on {day:%d %b %Y}"
        return [self.finding(ctx, "low" if old else "medium", strength, day, ctx.as_of_ts, ev, msg, brief=brief)]


def ferritin_tests(ctx) -> pd.Series:
    """Every ferritin value [ug/L] up to as_of, indexed by the test's day, oldest first."""
    w = ctx.wellness
    if C.FERRITIN_UG_L not in w or not len(w):
        return pd.Series([], dtype=float)
    rows = w[w[C.FERRITIN_UG_L].notna() & (w[C.FERRITIN_UG_L] > 0)]
    return pd.Series(rows[C.FERRITIN_UG_L].to_numpy(dtype=float), index=pd.DatetimeIndex(rows[C.DATE])).sort_index()
