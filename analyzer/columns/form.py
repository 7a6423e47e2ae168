"""The running-form feature tables (analyzer.features.dynamics and .baseline)."""

from __future__ import annotations

from .imported import (
    ACTIVITY_ID,
    CADENCE_SPM,
    DEVICE_SERIAL,
    MANUFACTURER,
    PRODUCT,
    STANCE_TIME_BALANCE_PCT,
    STANCE_TIME_MS,
    START_LOCAL,
    START_UTC,
    STEP_LENGTH_MM,
    VERTICAL_OSCILLATION_MM,
    VERTICAL_RATIO_PCT,
)

# Running form (features.dynamics, .baseline): form metric (short name) -> sample column.
FORM_GCT_MS = "gct_ms"
FORM_VO_MM = "vo_mm"
FORM_VR_PCT = "vr_pct"
FORM_CADENCE_SPM = "cadence_spm"
FORM_STEP_LENGTH_MM = "step_length_mm"
FORM_GCT_BALANCE_PCT = "gct_balance_pct"
FORM_METRICS = {
    FORM_GCT_MS: STANCE_TIME_MS,
    FORM_VO_MM: VERTICAL_OSCILLATION_MM,
    FORM_VR_PCT: VERTICAL_RATIO_PCT,
    FORM_CADENCE_SPM: CADENCE_SPM,
    FORM_STEP_LENGTH_MM: STEP_LENGTH_MM,
    FORM_GCT_BALANCE_PCT: STANCE_TIME_BALANCE_PCT,
}
MEDIAN = "median"
IQR = "iqr"
EXPECTED = "expected"
DEVIATION = "deviation"
Z = "z"
BASELINE_N = "baseline_n"
BASELINE_REASON = "baseline_reason"
DRIFT = "drift"
MEDIAN_SPEED_M_S = "median_speed_m_s"
DEVICE = "device"
STEADY_S = "steady_s"
DT_S = "dt_s"
FORM_REASON = "form_reason"
BAND_GCT = "band_gct"
BAND_VO = "band_vo"
BAND_VR = "band_vr"
BAND_CADENCE = "band_cadence"
BAND_GCT_BALANCE = "band_gct_balance"
DRIFT_HR_PER_SPEED_PCT = "drift_hr_per_speed_pct"
DRIFT_REASON = "drift_reason"


def form_column(prefix: str, metric: str) -> str:
    """A per-metric form column: form_column(MEDIAN, FORM_GCT_MS) is 'median_gct_ms'."""
    return f"{prefix}_{metric}"


_STEADY = "over steady running (faster than 1.6 m/s, past the warm-up, not after a pause)"
FORM_SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The run."),
    START_UTC: ("UTC", "The run's start."),
    START_LOCAL: ("local", "The run's local start."),
    DEVICE: (
        "",
        f"The device that recorded the run, its {MANUFACTURER}, {PRODUCT} and '#'{DEVICE_SERIAL} ('garmin fr920xt "
        "#3892803602'; '' when none is known, as for GPX). Devices read running dynamics differently: a run's "
        "baseline holds only runs of its device (and runs of no known device).",
    ),
    form_column(MEDIAN, "<metric>"): ("as metric", f"Median of the metric {_STEADY}; NaN, never 0, if unrecorded."),
    form_column(IQR, "<metric>"): ("as metric", "Its interquartile range (75th minus 25th percentile)."),
    MEDIAN_SPEED_M_S: ("m/s", "Median speed of the same samples."),
    STEADY_S: ("s", "Time of steady running."),
    FORM_REASON: ("", "Why the dynamics are NaN, e.g. GPX, no sensor, walking ('' when they are not)."),
}
FORM_BASELINE_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The run."),
    START_UTC: ("UTC", "The run's start."),
    form_column(EXPECTED, "<metric>"): ("as metric", "Theil-Sen line of the prior 90 days' runs at this pace."),
    form_column(DEVIATION, "<metric>"): ("as metric", "The run's median minus the expected value."),
    form_column(Z, "<metric>"): ("", "Robust z-score: deviation / (1.4826 x MAD of the baseline residuals)."),
    form_column(BASELINE_N, "<metric>"): ("", "Runs in the baseline window (a fit needs 8)."),
    form_column(BASELINE_REASON, "<metric>"): ("", "Why expected, deviation and z are NaN ('' otherwise)."),
}
_BAND = "Garmin population colour band of the run's median"
FORM_BAND_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The run."),
    BAND_GCT: ("", f"{_BAND} ground contact time: purple, blue, green, orange or red."),
    BAND_VO: ("", f"{_BAND} vertical oscillation."),
    BAND_VR: ("", f"{_BAND} vertical ratio."),
    BAND_CADENCE: ("", f"{_BAND} cadence."),
    BAND_GCT_BALANCE: ("", f"{_BAND} ground contact balance: green, orange or red."),
}
DRIFT_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The run."),
    form_column(DRIFT, "<metric>"): ("as metric", "Median of the last third of steady running minus the first's."),
    DRIFT_HR_PER_SPEED_PCT: ("%", "Change of mean HR / mean speed, first third to last (positive: HR rose)."),
    STEADY_S: ("s", "Time of steady running (under 10 min: no drift)."),
    DRIFT_REASON: ("", "Why the drifts are NaN ('' when they are not)."),
}
