"""The data a detector may need, each checked by the framework before the detector
runs, with the standard reason given when it is missing.

A detector lists the names in its ``needs``; a new kind of data (wellness, a diary)
is one more entry here. ``present`` reads the analysis context (context.Context).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    """What a detector needs: what it is, how to tell it is there, and what is said when
    it is not."""

    what: str
    present: Callable[[object], bool]
    reason: str


def _form_metric(label: str, column: str) -> Need:
    return Need(
        f"runs with {label} (running dynamics)",
        lambda ctx: len(ctx.form) > 0 and bool(ctx.form[column].notna().any()),
        f"no runs with {label} (GPX files and watches without the sensor carry none)",
    )


NEEDS: dict[str, Need] = {
    "runs": Need("runs up to the analysis date", lambda ctx: len(ctx.runs) > 0, "no runs"),
    "heart_rate": Need(
        "runs with heart rate while moving", lambda ctx: len(ctx.efficiency) > 0, "no runs with heart rate"
    ),
    "ground_contact": _form_metric("ground contact time", "median_gct_ms"),
    "vertical_oscillation": _form_metric("vertical oscillation", "median_vo_mm"),
    "cadence": _form_metric("cadence", "median_cadence_spm"),
    "shoes": Need(
        "shoes.csv (--shoes or among the inputs) or a Strava export's gear",
        lambda ctx: ctx.shoes is not None,
        "no shoe data: give --shoes shoes.csv, or a Strava export with gear",
    ),
    "strength": Need(
        "strength sessions (FIT training / strength_training or other vendors' codes)",
        lambda ctx: len(ctx.strength) > 0,
        "no strength sessions recorded (FIT sport training / strength_training)",
    ),
    "sleep": Need(
        "nights of sleep (a Garmin export's sleepData, FIT sleep files, or a diary's sleep_h)",
        lambda ctx: ctx.has_wellness("sleep_s"),
        "no sleep data: a Garmin Connect export (DI_CONNECT/DI-Connect-Wellness/*_sleepData.json), the watch's sleep FIT files, or sleep_h in a diary.csv",
    ),
    "hrv": Need(
        "overnight HRV (Garmin healthStatusData / hrv JSON, FIT hrv_status_summary)",
        lambda ctx: ctx.has_wellness("hrv_night_ms"),
        "no overnight HRV: a Garmin export's healthStatusData, the Connect API's HRV JSON, or the watch's HRV status FIT files",
    ),
    "resting_hr": Need(
        "daily resting heart rate (Garmin UDS files, FIT monitoring_hr_data)",
        lambda ctx: ctx.has_wellness("resting_hr_bpm"),
        "no resting heart rate: a Garmin export's DI-Connect-Aggregator/UDSFile_*.json or the watch's monitoring FIT files",
    ),
    "fluids": Need(
        "fluid intake (Garmin hydration log, a diary's fluids_l)",
        lambda ctx: ctx.has_wellness("fluids_l"),
        "no fluid intake recorded: a Garmin hydration log (HydrationLogFile_*.json) or fluids_l in a diary.csv",
    ),
    "ratings": Need(
        "runs rated by the runner (feel, perceived effort, or a diary's legs_heavy_0_10)",
        lambda ctx: bool(ctx.ratings[["feel_0_100", "rpe_0_10", "legs_heavy_0_10"]].notna().any().any()),
        "no rated runs: Garmin's 'How did you feel?' after a run, Strava's Perceived Exertion, or legs_heavy_0_10 in a diary.csv",
    ),
    "body_mass": Need(
        "two or more body-mass readings (any source: a scale's FIT weight_scale, FIT user_profile, a Garmin "
        "export's userBioMetrics.json or the Connect API's weight JSON, Strava's Athlete Weight)",
        lambda ctx: len(ctx.weights) >= 2,
        "fewer than two body-mass readings: a scale's FIT weight_scale file, the watch's user_profile, a Garmin "
        "export's DI-Connect-Wellness/*userBioMetrics.json, the Connect API's weight JSON, or Strava's "
        "activities.csv with Athlete Weight",
    ),
    "carbs": Need(
        "carbohydrate eaten per day (carbs_g in a diary.csv)",
        lambda ctx: ctx.has_wellness("carbs_g"),
        "no carbohydrate intake recorded: carbs_g in a diary.csv",
    ),
    "stretching": Need(
        "time spent stretching per day (stretching_min in a diary.csv)",
        lambda ctx: ctx.has_wellness("stretching_s"),
        "no stretching recorded: stretching_min in a diary.csv",
    ),
    "ferritin": Need(
        "a blood test's serum ferritin (ferritin_ug_l in a diary.csv, on the test's date)",
        lambda ctx: ctx.has_wellness("ferritin_ug_l"),
        "no ferritin value: a blood test's ferritin_ug_l in a diary.csv, on the row of the test's date",
    ),
}
