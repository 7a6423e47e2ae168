"""Heat and dehydration: heart rate drifting against pace on long runs in the heat."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import FRIEL, HR_COVERAGE

#: Heat: runs of at least 60 min (cardiovascular drift grows over prolonged exercise,
#: and with dehydration: Coyle EF, Gonzalez-Alonso J, Exerc Sport Sci Rev 2001;29:88)
#: with decoupling > 5 % at >= 25 degC air (heavylegs convention on the ACSM position
#: stand, Armstrong LE et al., Med Sci Sports Exerc 2007;39:556: the risk of exertional
#: heat illness rises from a wet-bulb globe temperature of 23-28 degC; without humidity,
#: 25 degC of air is the middle of that range).
HEAT_MIN_S = 60 * 60
#: Advice when no temperature tells heat from dehydration or fatigue.
NO_TEMPERATURE_ADVICE = (
    "If it was warm, drink before and during long runs and run in the cool of the day; if not, the drift "
    "is fatigue or too little fluid: take an easy day and drink well."
)
HEAT_TEMPERATURE_C = 25.0
HEAT_SOURCE = (
    "heavylegs convention on Armstrong LE et al., ACSM position stand, Med Sci Sports Exerc 2007;39:556 "
    "(heat-illness risk from WBGT 23-28 degC)"
)
HEAT_DURATION_SOURCE = "Coyle EF, Gonzalez-Alonso J, Exerc Sport Sci Rev 2001;29:88 (cardiovascular drift)"
#: What a watch's temperature is (Garmin's own manual: the sensor is affected by body
#: temperature when worn; heavylegs says so rather than correct it).
WATCH_SENSOR_NOTE = "the watch's sensor: worn on the wrist, it reads warmer than the air"


class Temperature(NamedTuple):
    """Which temperature a run's is: the evidence row's metric, what the message says of
    it in brackets, and what the evidence's source says it is."""

    metric: str
    note: str
    source: str


#: A run's temperature is the air's from a weather service when Strava's activities.csv
#: gives it (the activity column weather_temperature_c), else the mean of the watch's
#: samples (its sensor reads warm: WATCH_SENSOR_NOTE), else none.
WEATHER_TEMPERATURE = Temperature(
    "air temperature (Strava's weather)",
    "Strava's weather: air temperature",
    "Strava's Weather Temperature (air, from a weather service)",
)
WATCH_TEMPERATURE = Temperature(
    "mean temperature", WATCH_SENSOR_NOTE, "the watch's sensor (mean over the run's moving samples)"
)
NO_TEMPERATURE = Temperature("mean temperature", "", "")
#: Twice the decoupling limit in the heat is high severity (heavylegs convention:
#: > 10 % is Friel's "weak base" band).
HEAT_HIGH_DECOUPLING_PCT = 2 * load.DECOUPLING_LIMIT_PCT
#: Strength grows from the limit to full 10 points past it (heavylegs convention).
HEAT_SCORE_SPAN_PCT = 10.0
#: The message names the heart-rate coverage when it is under this [% of moving time]
#: (heavylegs convention: a sensor's few dropped seconds need no mention; a tenth of
#: the run without heart rate does, since the drift is measured on the rest).
HEAT_NAME_COVERAGE_BELOW_PCT = 90.0


class HeatDehydration(Detector, id="heat_dehydration", category="heat", rank=1, needs=("heart_rate",)):
    thresholds = (
        Threshold("aerobic decoupling", load.DECOUPLING_LIMIT_PCT, "%", FRIEL),
        Threshold("heart rate recorded on", load.HR_MIN_COVERAGE_PCT, "% of each half's moving time", HR_COVERAGE),
        Threshold("temperature", HEAT_TEMPERATURE_C, "degC", HEAT_SOURCE),
        Threshold("run length", HEAT_MIN_S // 60, "min", HEAT_DURATION_SOURCE),
    )
    advice = "Drink before and during long runs in the heat, run in the cool of the day, and slow down when it is hot."
    description = (
        "Runs of 60+ min whose heart rate drifted (decoupling > 5 %) at >= 25 degC "
        "(Strava's weather temperature when given, else the watch's sensor)."
    )

    def detect(self, ctx):
        eff = ctx.efficiency
        long_runs = eff[eff[C.MOVING_S] >= HEAT_MIN_S]
        if long_runs.empty:
            return self.skipped("no runs of 60+ minutes with heart rate")
        long_runs = long_runs[long_runs[C.DECOUPLING_PCT].notna()]
        if long_runs.empty:
            return self.skipped(
                f"no runs of 60+ minutes with heart rate on {load.HR_MIN_COVERAGE_PCT:g} %+ of each half "
                "of their moving time"
            )
        out = []
        for _, r in long_runs[long_runs[C.DECOUPLING_PCT] > load.DECOUPLING_LIMIT_PCT].iterrows():
            temp, which = run_temperature(r)
            if math.isfinite(temp) and temp < HEAT_TEMPERATURE_C:
                continue  # drifted, but not in the heat
            out.append(self._finding(ctx, r, temp, which))
        return out

    def _finding(self, ctx, r: pd.Series, temp: float, which: Temperature):
        hot = math.isfinite(temp)
        source = f"{which.source}; threshold: {HEAT_SOURCE}" if hot else HEAT_SOURCE
        severity = ("high" if r[C.DECOUPLING_PCT] > HEAT_HIGH_DECOUPLING_PCT else "medium") if hot else "low"
        day = pd.Timestamp(r[C.DATE])
        limit = load.DECOUPLING_LIMIT_PCT
        ev = [
            Evidence("aerobic decoupling", rounded(r[C.DECOUPLING_PCT]), "%", f"> {limit:g} %", iso(day), FRIEL),
            Evidence(which.metric, rounded(temp), "degC", f">= {HEAT_TEMPERATURE_C:g} degC", None, source),
            Evidence(
                "moving time",
                round(r[C.MOVING_S] / 60),
                "min",
                f">= {HEAT_MIN_S // 60} min",
                None,
                HEAT_DURATION_SOURCE,
            ),
            Evidence(
                "heart rate recorded on",
                rounded(r[C.HR_COVERAGE_PCT], 0),
                "% of moving time",
                f">= {load.HR_MIN_COVERAGE_PCT:g} % of each half",
                None,
                HR_COVERAGE,
            ),
            self.distance(ctx, "distance", r[C.DISTANCE_M]),
        ]
        where = f"at {temp:.0f} degC ({which.note})" if hot else "with no temperature recorded"
        coverage = r[C.HR_COVERAGE_PCT]
        measured = (
            f" (measured on the {coverage:.0f} % of the moving time with heart rate)"
            if coverage < HEAT_NAME_COVERAGE_BELOW_PCT
            else ""
        )
        why = (
            "a sign of heat strain or dehydration"
            if hot
            else "heat, dehydration or fatigue: without a temperature the data cannot tell"
        )
        msg = (
            f"On the {ctx.fmt_dist(r[C.DISTANCE_M])} run of {day:%d %b %Y} {where} your heart rate drifted "
            f"{r[C.DECOUPLING_PCT]:.1f} % against pace{measured}: {why}."
        )
        strength = exceedance(r[C.DECOUPLING_PCT], limit, HEAT_SCORE_SPAN_PCT)
        brief = f"heart rate drift {r[C.DECOUPLING_PCT]:.1f} % " + (
            f"at {temp:.0f} degC" if hot else "with no temperature recorded"
        )
        found = self.finding(ctx, severity, strength, day, day, ev, msg, brief=brief)
        return found if hot else replace(found, advice=NO_TEMPERATURE_ADVICE)


def run_temperature(r: pd.Series) -> tuple[float, Temperature]:
    """A run's temperature [degC] and which it is: WEATHER_TEMPERATURE when known, else
    WATCH_TEMPERATURE, else (NaN, NO_TEMPERATURE)."""
    for column, which in ((C.WEATHER_TEMPERATURE_C, WEATHER_TEMPERATURE), (C.MEAN_TEMPERATURE_C, WATCH_TEMPERATURE)):
        value = float(r.get(column, math.nan))
        if math.isfinite(value):
            return value, which
    return math.nan, NO_TEMPERATURE
