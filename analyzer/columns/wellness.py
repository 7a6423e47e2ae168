"""Wellness readings (sleep, HRV, resting heart rate, fluids, the runner's diary) and
the runner's own ratings of runs (how it felt, perceived effort).

Importers write one long table of readings (``WELLNESS_COLUMNS``): one row per local
day, metric and source, so that a new metric is one more name in ``METRICS`` and no
importer has to know every other's. ``features.wellness.daily_wellness`` turns it into
one row per day (``DAILY_WELLNESS_COLUMNS``). Ratings of runs sit on the activity
table (``FEEL``, ``RPE``, ``RATING_SOURCE``), filled from the activity file (FIT
session fields 192/193) or matched from another file that rates it (Garmin's
summarizedActivities.json, Strava's activities.csv) by start time.
"""

from __future__ import annotations

from .imported import FEEL, RATING_SOURCE, RPE

# --- the long table of readings ------------------------------------------------------
DATE = "date"
METRIC = "metric"
VALUE = "value"
TEXT = "text"
ORIGIN = "origin"
#: the file the reading came from (same name as the activity table's SOURCE)
WELLNESS_SOURCE = "source"

WELLNESS_COLUMNS: dict[str, tuple[str, str]] = {
    DATE: (
        "local date",
        "The runner's local calendar day the reading belongs to: for a night's sleep and HRV, the day the runner woke up.",
    ),
    METRIC: ("", "What was measured: one of the metrics below."),
    VALUE: ("metric's unit", "The reading, in the metric's unit; NaN for a text-only metric."),
    TEXT: ("", "A text reading (Garmin's HRV status, a diary note); empty otherwise."),
    ORIGIN: (
        "",
        "What kind of source gave it: 'garmin_export', 'garmin_api', 'fit', 'diary', 'fit_fallback' (see ORIGINS).",
    ),
    WELLNESS_SOURCE: ("", "The file the reading came from (a path, or 'archive.zip!member')."),
}

# --- the metrics ---------------------------------------------------------------------
SLEEP_S = "sleep_s"
SLEEP_DEEP_S = "sleep_deep_s"
SLEEP_LIGHT_S = "sleep_light_s"
SLEEP_REM_S = "sleep_rem_s"
SLEEP_AWAKE_S = "sleep_awake_s"
SLEEP_SCORE = "sleep_score"
HRV_NIGHT_MS = "hrv_night_ms"
HRV_WEEKLY_MS = "hrv_weekly_ms"
HRV_BASELINE_LOW_MS = "hrv_baseline_low_ms"
HRV_BASELINE_HIGH_MS = "hrv_baseline_high_ms"
HRV_STATUS = "hrv_status"
RESTING_HR_BPM = "resting_hr_bpm"
FLUIDS_L = "fluids_l"
SWEAT_LOSS_L = "sweat_loss_l"
LEGS_HEAVY = "legs_heavy_0_10"
SORENESS = "soreness_0_10"
CARBS_G = "carbs_g"
STRETCHING_S = "stretching_s"
FERRITIN_UG_L = "ferritin_ug_l"
DIARY_NOTE = "note"

METRICS: dict[str, tuple[str, str]] = {
    SLEEP_S: (
        "s",
        "Sleep in the night before the day: deep + light + REM (Garmin gives no total; awake time is not sleep); diary: sleep_h x 3600.",
    ),
    SLEEP_DEEP_S: ("s", "Deep sleep."),
    SLEEP_LIGHT_S: ("s", "Light sleep."),
    SLEEP_REM_S: ("s", "REM sleep (absent on older devices and some nights)."),
    SLEEP_AWAKE_S: ("s", "Time awake between falling asleep and getting up."),
    SLEEP_SCORE: ("0-100", "The device's overall sleep score."),
    HRV_NIGHT_MS: ("ms", "Overnight heart-rate variability (rMSSD), the night's average."),
    HRV_WEEKLY_MS: ("ms", "The device's 7-day average of the overnight HRV."),
    HRV_BASELINE_LOW_MS: ("ms", "Lower edge of the device's personal 'balanced' HRV band."),
    HRV_BASELINE_HIGH_MS: ("ms", "Upper edge of the device's personal 'balanced' HRV band."),
    HRV_STATUS: ("text", "The device's HRV status: 'balanced', 'unbalanced', 'low', 'poor', 'none'."),
    RESTING_HR_BPM: ("bpm", "Resting heart rate of the day."),
    FLUIDS_L: ("L", "Fluids drunk in the day (Garmin hydration log, diary)."),
    SWEAT_LOSS_L: ("L", "Sweat loss estimated by the device for the day's activities."),
    LEGS_HEAVY: ("0-10", "Diary: how heavy the legs felt (0 light, 10 very heavy)."),
    SORENESS: ("0-10", "Diary: muscle soreness (0 none, 10 severe)."),
    CARBS_G: ("g", "Diary: carbohydrate eaten in the day."),
    STRETCHING_S: ("s", "Diary: time spent stretching (stretching_min x 60)."),
    FERRITIN_UG_L: ("ug/L", "Diary: serum ferritin from a blood test taken that day."),
    DIARY_NOTE: ("text", "Diary: the runner's note."),
}

#: Metrics whose reading is text (TEXT), not a number (VALUE).
TEXT_METRICS = frozenset({HRV_STATUS, DIARY_NOTE})

ORIGIN_GARMIN_EXPORT = "garmin_export"
ORIGIN_GARMIN_API = "garmin_api"
ORIGIN_FIT = "fit"
ORIGIN_DIARY = "diary"
ORIGIN_STRAVA = "strava_csv"
#: A FIT value that only stands in for the day's own reading: the user profile's resting
#: heart rate (a setting, entered or updated by the watch, not that day's measurement)
#: and monitoring_hr_data's resting_heart_rate where the day has no
#: current_day_resting_heart_rate (the profile defines it as a 7-day average).
ORIGIN_FIT_FALLBACK = "fit_fallback"
#: Which kind of source wins when two give the same metric for the same day: a device's
#: measurement over a downloaded copy of it over the runner's own diary (heavylegs
#: convention: the diary is for what no device records; where both exist the device
#: measured, the runner remembered); a FIT stand-in last, below any reading of the day.
ORIGINS = (ORIGIN_FIT, ORIGIN_GARMIN_EXPORT, ORIGIN_GARMIN_API, ORIGIN_STRAVA, ORIGIN_DIARY, ORIGIN_FIT_FALLBACK)
#: Origins kept in History.wellness but left out of the daily table the detectors read:
#: a stand-in is not the day's measurement (heavylegs convention: a profile setting that
#: every activity file repeats would make a flat "baseline" and meet the resting-HR need
#: for a runner who never measured it; a 7-day average mixed with daily values hides
#: the change the detectors look for).
NOT_DAILY_ORIGINS = frozenset({ORIGIN_FIT_FALLBACK})

# --- the daily table -------------------------------------------------------------------
#: The metric columns of features.wellness.daily_wellness (one per metric), plus these:
WELLNESS_WEIGHT_KG = "weight_kg"
SOURCE_SUFFIX = "_source"

DAILY_WELLNESS_COLUMNS: dict[str, tuple[str, str]] = {
    DATE: ("local date", "The day (midnight, naive local time)."),
    **{name: (unit, text) for name, (unit, text) in METRICS.items()},
    WELLNESS_WEIGHT_KG: ("kg", "Body mass: the day's last reading from any weight source (History.weights)."),
    "<metric>" + SOURCE_SUFFIX: ("", "The file each of the day's values came from."),
}

#: The ratings table a file that rates activities gives (Garmin summarizedActivities,
#: Strava activities.csv), matched to activities by start time.
RATING_COLUMNS: dict[str, tuple[str, str]] = {
    "start_utc": ("UTC", "Start of the rated activity."),
    FEEL: (
        "0-100",
        "'How did you feel?': 0 very weak, 25 weak, 50 normal, 75 strong, 100 very strong (FIT session field 192).",
    ),
    RPE: ("0-10", "Perceived effort, Borg CR10 (FIT session field 193 / 10; Strava 'Perceived Exertion')."),
    RATING_SOURCE: ("", "The file the rating came from."),
}

# --- per-run ratings and the runner's heavy-legs days (features.wellness.run_ratings) --
LEGS_HEAVY_DAY = LEGS_HEAVY
HEAVY = "heavy"
HEAVY_REASON = "heavy_reason"
RUN_RATING_COLUMNS: dict[str, tuple[str, str]] = {
    "activity_id": ("", "The run."),
    "date": ("local date", "The run's local day."),
    FEEL: ("0-100", "The run's 'how did you feel' rating; NaN when not rated."),
    RPE: ("0-10", "The run's perceived effort; NaN when not rated."),
    LEGS_HEAVY_DAY: ("0-10", "The diary's legs_heavy_0_10 for the run's day; NaN when none."),
    "easy_pace": (
        "",
        "For a run rated RPE >= 8: True when it was slower than the runner's median pace of the 60 days before it (at least 5 runs); False otherwise.",
    ),
    HEAVY: ("", "True when the runner rated the run heavy: feel <= 25, RPE >= 8 at an easy pace, or legs_heavy >= 6."),
    HEAVY_REASON: ("", "Which rating made it heavy ('' when not heavy)."),
}
