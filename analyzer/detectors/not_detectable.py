"""Causes of heavy legs the data given cannot see, said plainly with the seed article's
advice and the file that would show each (DOMAIN.md: "the seed article's causes and
what watch data can say").

``not_detectable(ctx, findings, skipped)`` lists exactly the causes still without data
for this history: lack of sleep without sleep data, low carbohydrate without the
diary's carbs_g (or without a body mass to judge it per kg), iron without a ferritin
value (or with one older than six months), skipped stretching without the diary's
stretching_min, dehydration judged from heart-rate drift alone without a fluid log,
overtraining judged from load alone without HRV or resting heart rate, and poor
circulation always; a cause whose data is there but too thin for its detectors to judge
is listed as partial, with the reason. When sleep, HRV or resting heart rate were judged
for the analysis date's week and raised nothing, it says so ("look elsewhere"), not as
an alarm. Each entry: ``cause``, ``why``, ``advice``, ``status`` ('no data', 'partial'
or 'checked: normal') and ``provided_by`` (what would show it; '' when nothing can).
"""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from .low_ferritin import FERRITIN_MAX_AGE_DAYS, ferritin_tests
from .sleep_debt import SLEEP_MIN_NIGHTS
from .wellness_rules import TOO_LITTLE, Week, band, daily

PHYSICIAN = "If heavy legs persist for more than a couple of weeks despite rest, see a physician."
NO_DATA, PARTIAL, CHECKED = "no data", "partial", "checked: normal"
DIARY = "a diary.csv among the inputs (or --diary FILE)"
SLEEP_FILES = (
    "a Garmin Connect export's DI_CONNECT/DI-Connect-Wellness/*_sleepData.json, the watch's sleep FIT files, "
    f"or sleep_h in {DIARY}"
)
MARKER_FILES = (
    "a Garmin Connect export (DI-Connect-Wellness/*_healthStatusData.json for HRV, DI-Connect-Aggregator/"
    "UDSFile_*.json for resting heart rate), the Connect API's HRV JSON, or the watch's HRV status and "
    "monitoring FIT files"
)
FLUID_FILES = f"a Garmin export's HydrationLogFile_*.json, or fluids_l in {DIARY}"
MASS_FILES = (
    "a body-mass reading: a scale's FIT weight_scale file, a Garmin export's *userBioMetrics.json, or "
    "Strava's Athlete Weight"
)


def _item(cause: str, why: str, advice: str, status: str = NO_DATA, provided_by: str = "") -> dict:
    return {"cause": cause, "why": why, "advice": advice, "status": status, "provided_by": provided_by}


IRON = _item(
    "iron_deficiency",
    "A watch cannot measure iron; at most heart rate at a given pace creeps up (see declining_performance). "
    f"A blood test's ferritin, as ferritin_ug_l in {DIARY} on the test's date, would show it.",
    "Iron deficiency is common in runners, especially women: a blood test (ferritin) tells. " + PHYSICIAN,
    provided_by=f"ferritin_ug_l in {DIARY}",
)
CIRCULATION = _item(
    "poor_circulation",
    "Circulation (e.g. venous insufficiency) leaves no trace in pace, heart rate, dynamics or any wellness file.",
    "Heavy, aching or swollen legs at rest, or visible veins, are for a physician. " + PHYSICIAN,
)
SLEEP = _item(
    "lack_of_sleep",
    f"No sleep data was given; watch activity files do not carry sleep. {SLEEP_FILES[0].upper()}{SLEEP_FILES[1:]} "
    "would show it.",
    "Aim for 7-9 hours; sleep is when legs recover.",
    provided_by=SLEEP_FILES,
)
CARBS = _item(
    "low_carbohydrate_diet",
    f"Diet is not in watch data; carbs_g (grams a day) in {DIARY} would show it.",
    "Low-carbohydrate eating empties muscle glycogen: legs feel heavy on runs. Eat enough carbohydrate.",
    provided_by=f"carbs_g in {DIARY}",
)
STRETCHING = _item(
    "skipped_stretching",
    f"Stretching and mobility are not recorded; stretching_min in {DIARY} would record it.",
    "Ten minutes of stretching after runs helps legs feel loose (the seed article's advice; no study shows it "
    "prevents heavy legs).",
    provided_by=f"stretching_min in {DIARY}",
)
DEHYDRATION = _item(
    "dehydration",
    "Dehydration is only guessed from heart rate drifting on long runs (heat_dehydration): no fluid intake was "
    f"recorded. {FLUID_FILES[0].upper()}{FLUID_FILES[1:]} would show it.",
    "Drink through the day, more on training days and in the heat.",
    PARTIAL,
    FLUID_FILES,
)
OVERTRAINING = _item(
    "overtraining",
    "Overtraining is judged from training load alone: no overnight HRV or resting heart rate was given, which tell "
    f"overreaching from illness or life stress (Buchheit 2014). {MARKER_FILES[0].upper()}{MARKER_FILES[1:]} "
    "would show them.",
    "Rest a few days when legs stay heavy after easy days, then build back gradually.",
    PARTIAL,
    MARKER_FILES,
)

#: The list for a history with no wellness data, no diary and no body mass.
NOT_DETECTABLE = (IRON, CIRCULATION, SLEEP, CARBS, STRETCHING, DEHYDRATION, OVERTRAINING)

#: The recovery detectors (sleep, HRV, resting heart rate) and how they are named.
MARKERS = (("sleep_debt", "sleep"), ("hrv_suppressed", "HRV"), ("resting_hr_up", "resting heart rate"))

#: Each cause the data may not show: its entry without data, the metrics that show it
#: (any one), the detectors that judge it, and what its data is called in a sentence.
VISIBLE_WITH = (
    (SLEEP, ("sleep_s",), ("sleep_debt",), "Sleep is recorded"),
    (CARBS, ("carbs_g",), ("low_carbohydrate",), "Carbohydrate is recorded in the diary"),
    (STRETCHING, ("stretching_s",), ("skipped_stretching",), "Stretching is recorded in the diary"),
    (DEHYDRATION, ("fluids_l",), ("dehydration",), "Fluid intake is logged"),
    (
        OVERTRAINING,
        ("hrv_night_ms", "resting_hr_bpm"),
        ("hrv_suppressed", "resting_hr_up"),
        "Overnight HRV or resting heart rate is recorded",
    ),
)


def not_detectable(ctx, findings=(), skipped=()) -> tuple[dict, ...]:
    """The causes still without data for this history, and the recovery markers judged
    normal (module docstring). ``findings``: the current findings; ``skipped``: the
    detectors skipped (Skipped)."""
    reasons = {s.detector: s.reason for s in skipped}
    out = [_iron(ctx), CIRCULATION]
    for item, metrics, detectors, recorded in VISIBLE_WITH:
        if not any(ctx.has_wellness(m) for m in metrics):
            out.append(item)
        elif all(d in reasons for d in detectors):
            out.append(_unjudged(item, recorded, reasons[detectors[0]]))
    normal = _normal_markers(ctx, findings, skipped)
    if normal:
        out.append(_checked(ctx, normal))
    return tuple(item for item in out if item is not None)


def _unjudged(item: dict, recorded: str, reason: str) -> dict:
    """A cause whose data is there but too little to judge (its detectors skipped)."""
    if reason.startswith("cannot judge carbohydrate per kg"):
        why, provided = f"{recorded}, but no body mass was given to judge it per kg.", MASS_FILES
    else:
        reason = reason.removeprefix(TOO_LITTLE)
        why, provided = f"{recorded}, but not enough to judge: {reason}.", item["provided_by"]
    return _item(item["cause"], why, item["advice"], PARTIAL, provided)


def _iron(ctx) -> dict | None:
    """No ferritin: the standard entry; a last test older than FERRITIN_MAX_AGE_DAYS:
    partial; a recent test: visible (low_ferritin judges it)."""
    tests = ferritin_tests(ctx)
    if tests.empty:
        return IRON
    day = tests.index[-1]
    if (ctx.as_of_ts - pd.Timestamp(day)).days <= FERRITIN_MAX_AGE_DAYS:
        return None
    return _item(
        IRON["cause"],
        f"Your last ferritin test, of {day:%d %b %Y} ({tests.iloc[-1]:g} ug/L), is over "
        f"{FERRITIN_MAX_AGE_DAYS // 30} months old: iron stores change over months.",
        "A new blood test (ferritin) tells whether your iron stores still hold. " + PHYSICIAN,
        PARTIAL,
        IRON["provided_by"],
    )


def _normal_markers(ctx, findings, skipped) -> list[str]:
    """The recovery markers judged on the analysis date's week (recorded enough, not
    skipped) that raised no current finding."""
    skipped_ids = {s.detector for s in skipped}
    raised = {cause for f in findings for cause in (f.signals or (f.cause,))}
    week = Week(ctx.as_of_ts)
    judged = {
        "sleep_debt": len(daily(ctx, C.SLEEP_S, week.start, week.end)) >= SLEEP_MIN_NIGHTS,
        "hrv_suppressed": not isinstance(band(ctx, C.HRV_NIGHT_MS, week), str),
        "resting_hr_up": not isinstance(band(ctx, C.RESTING_HR_BPM, week), str),
    }
    return [name for det, name in MARKERS if judged[det] and det not in skipped_ids and det not in raised]


def _checked(ctx, names: list[str]) -> dict:
    said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "was" if len(names) == 1 else "were"
    return _item(
        "recovery_markers",
        f"{said[0].upper()}{said[1:]} {verb} recorded and normal in the 7 days to {ctx.as_of:%d %b %Y}: "
        "look elsewhere for the cause of heavy legs.",
        f"{said[0].upper()}{said[1:]} {verb} normal: look elsewhere (the causes above, or those without data here).",
        CHECKED,
        "",
    )
