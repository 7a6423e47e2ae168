"""Canonical column names and units: the nomenclature, in one place.

Everything inside heavylegs is SI (m, s, m/s) with the running-dynamics
conventions below; kilometres and miles appear only at the edges (CLI, report).
The README's nomenclature table is generated from these dictionaries
(``tests/test_docs.py`` checks that the two agree).
"""

from __future__ import annotations

# --- activity table: one row per activity (a FIT session, or a GPX file) ---------
ACTIVITY_ID = "activity_id"
SOURCE = "source"
FILE_SHA256 = "file_sha256"
FORMAT = "format"
SESSION_INDEX = "session_index"
MANUFACTURER = "manufacturer"
PRODUCT = "product"
SPORT = "sport"
SUB_SPORT = "sub_sport"
SPORT_SOURCE = "sport_source"
IS_RUN = "is_run"
START_UTC = "start_utc"
END_UTC = "end_utc"
UTC_OFFSET_S = "utc_offset_s"
UTC_OFFSET_SOURCE = "utc_offset_source"
START_LOCAL = "start_local"
ELAPSED_S = "elapsed_s"
TIMER_S = "timer_s"
DURATION_S = "duration_s"
DISTANCE_M = "distance_m"
N_SAMPLES = "n_samples"
HAS_HR = "has_hr"
HAS_DYNAMICS = "has_dynamics"
AVG_HR = "avg_heart_rate_bpm"
DUPLICATE_OF = "duplicate_of"
NOTE = "note"

ACTIVITY_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "Stable id: first 16 hex digits of the file's SHA-256, '-', session index."),
    SOURCE: ("", "Where the activity came from: a path, or 'archive.zip!member/path' inside an archive."),
    FILE_SHA256: ("", "SHA-256 of the decoded (decompressed) file bytes: the cache key."),
    FORMAT: ("", "'fit' or 'gpx'."),
    SESSION_INDEX: ("", "Index of the FIT session in its file (0 for GPX); multisport files give one row per session."),
    MANUFACTURER: ("", "Device manufacturer from FIT file_id, or the GPX 'creator'."),
    PRODUCT: ("", "Device product from FIT file_id (garmin_product / product name)."),
    SPORT: ("", "FIT sport name ('running', 'cycling', 'training', ...), or the GPX <type> mapped to FIT names."),
    SUB_SPORT: ("", "FIT sub-sport ('trail', 'treadmill', 'strength_training', ...); empty when not given."),
    SPORT_SOURCE: ("", "'file' when the file names the sport; 'inferred' when heavylegs guessed it from speed."),
    IS_RUN: (
        "",
        "True for running sessions (road, trail, treadmill, track); walks, rides, swims, strength are not runs.",
    ),
    START_UTC: ("UTC", "Start time, timezone-aware UTC."),
    END_UTC: ("UTC", "End time (start + elapsed), timezone-aware UTC."),
    UTC_OFFSET_S: ("s", "The runner's local UTC offset at the start; NaN when unknown."),
    UTC_OFFSET_SOURCE: (
        "",
        "How the offset is known: 'fit activity.local_timestamp', 'position', 'gpx time zone', or 'unknown: <why>'.",
    ),
    START_LOCAL: (
        "local",
        "Wall-clock start (naive). Where the offset is unknown, the offset of the nearest activity in time is assumed (the source column says so).",
    ),
    ELAPSED_S: ("s", "Elapsed time, start to end, pauses included."),
    TIMER_S: ("s", "Timer (moving) time: FIT total_timer_time; for GPX, elapsed minus gaps longer than a pause."),
    DURATION_S: ("s", "Timer time where known, else elapsed time."),
    DISTANCE_M: (
        "m",
        "Distance: FIT session total_distance (samples where the session lacks it); for GPX, summed from positions.",
    ),
    N_SAMPLES: ("", "Number of samples (one per timestamp) in the activity."),
    HAS_HR: ("", "True when samples carry heart rate."),
    HAS_DYNAMICS: ("", "True when samples carry ground contact time or vertical oscillation."),
    AVG_HR: ("bpm", "Mean heart rate over the samples."),
    DUPLICATE_OF: ("", "activity_id of the richer copy this activity duplicates; empty when it is kept."),
    NOTE: ("", "What the importer had to say about this activity (partial read, assumed time zone, ...)."),
}

# --- sample table: one row per timestamp of an activity ---------------------------
TIMESTAMP = "timestamp"
SAMPLE_DISTANCE_M = "distance_m"
SPEED_M_S = "speed_m_s"
HEART_RATE_BPM = "heart_rate_bpm"
CADENCE_SPM = "cadence_spm"
CADENCE_RPM = "cadence_rpm"
STANCE_TIME_MS = "stance_time_ms"
VERTICAL_OSCILLATION_MM = "vertical_oscillation_mm"
VERTICAL_RATIO_PCT = "vertical_ratio_pct"
STEP_LENGTH_MM = "step_length_mm"
STANCE_TIME_BALANCE_PCT = "stance_time_balance_pct"
ALTITUDE_M = "altitude_m"
LATITUDE_DEG = "latitude_deg"
LONGITUDE_DEG = "longitude_deg"
TEMPERATURE_C = "temperature_c"
POWER_W = "power_w"
DEV_PREFIX = "dev:"

SAMPLE_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The activity the sample belongs to."),
    TIMESTAMP: ("UTC", "Sample time, timezone-aware UTC."),
    SAMPLE_DISTANCE_M: ("m", "Cumulative distance (FIT record.distance; GPX: summed haversine between positions)."),
    SPEED_M_S: ("m/s", "Speed: FIT enhanced_speed, else speed; GPX: distance over time between points."),
    HEART_RATE_BPM: ("bpm", "Heart rate."),
    CADENCE_SPM: (
        "steps/min",
        "Foot-sport cadence in steps per minute: FIT counts strides (one foot), so 2 x (cadence + fractional_cadence).",
    ),
    CADENCE_RPM: ("1/min", "Cadence of other sports (cycling rpm, swim strokes/min), as recorded."),
    STANCE_TIME_MS: ("ms", "Ground contact (stance) time."),
    VERTICAL_OSCILLATION_MM: ("mm", "Vertical oscillation."),
    VERTICAL_RATIO_PCT: ("%", "Vertical ratio: vertical oscillation / step length."),
    STEP_LENGTH_MM: ("mm", "Step length."),
    STANCE_TIME_BALANCE_PCT: ("% left", "Ground contact time balance, share of the left foot."),
    ALTITUDE_M: ("m", "Altitude: FIT enhanced_altitude, else altitude; GPX <ele>."),
    LATITUDE_DEG: ("deg", "Latitude (FIT semicircles x 180 / 2^31)."),
    LONGITUDE_DEG: ("deg", "Longitude."),
    TEMPERATURE_C: ("degC", "Temperature from the device or GPX atemp."),
    POWER_W: ("W", "Running or cycling power (native FIT field)."),
    DEV_PREFIX + "<name>": (
        "as recorded",
        "A FIT developer field (Stryd, RunScribe, ...) under its own name; never overwrites a native column.",
    ),
}

#: Native sample columns that are running dynamics: a sample table carrying any of
#: them makes ``has_dynamics`` true (GPX never does: those columns stay NaN, never 0).
DYNAMICS_COLUMNS = (
    STANCE_TIME_MS,
    VERTICAL_OSCILLATION_MM,
    VERTICAL_RATIO_PCT,
    STEP_LENGTH_MM,
    STANCE_TIME_BALANCE_PCT,
)

#: The numeric native sample columns, in table order.
NUMERIC_SAMPLE_COLUMNS = (
    SAMPLE_DISTANCE_M,
    SPEED_M_S,
    HEART_RATE_BPM,
    CADENCE_SPM,
    CADENCE_RPM,
    *DYNAMICS_COLUMNS,
    ALTITUDE_M,
    LATITUDE_DEG,
    LONGITUDE_DEG,
    TEMPERATURE_C,
    POWER_W,
)

# --- weight readings (FIT weight_scale, user_profile) ------------------------------
WEIGHT_KG = "weight_kg"
WEIGHT_COLUMNS: dict[str, tuple[str, str]] = {
    TIMESTAMP: ("UTC", "When the weight was measured (user_profile: the file's time)."),
    WEIGHT_KG: ("kg", "Body mass."),
    SOURCE: ("", "File the reading came from."),
}

# --- feature tables (analyzer.features); first training load (features.load) ----------
DATE = "date"
WEEK_START = "week_start"
RUNS = "runs"
LOAD = "load"
ACUTE_7D = "acute_7d"
CHRONIC_28D = "chronic_28d"
ACWR = "acwr"
ACWR_EWMA = "acwr_ewma"
ACWR_UNCOUPLED = "acwr_uncoupled"
ACWR_REASON = "acwr_reason"
WINDOW_NOTE = "window_note"
LONGEST_RUN_M = "longest_run_m"
LONG_RUN_SHARE_PCT = "long_run_share_pct"
CHANGE_PCT = "change_pct"
PROGRESSION_FLAG = "progression_flag"
LAST7_M = "last7_m"
PREV7_M = "prev7_m"
PROGRESSION_PCT = "progression_pct"
ABOVE_LIMIT = "above_limit"
MAX_PROGRESSION_PCT = "max_progression_pct"
MEAN_DAILY = "mean_daily"
SD_DAILY = "sd_daily"
MONOTONY = "monotony"
STRAIN = "strain"
TRIMP = "trimp"
TRIMP_MONOTONY = "trimp_monotony"
TRIMP_STRAIN = "trimp_strain"
SESSIONS = "sessions"
STRENGTH_SESSIONS = "strength_sessions"
STRENGTH_S = "strength_s"
PREV_LONGEST_M = "prev_longest_m"
SPIKE_PCT = "spike_pct"
BAND = "band"
HAZARD_RATIO = "hazard_ratio"
HR_CI_LOW = "hr_ci_low"
HR_CI_HIGH = "hr_ci_high"
WEEK_SHARE_PCT = "week_share_pct"
LAST_RUN_DATE = "last_run_date"
RETURN_DATE = "return_date"
GAP_DAYS = "gap_days"
PRE_BREAK_WEEKLY_M = "pre_break_weekly_m"
WEEKS_OBSERVED = "weeks_observed"
SAMPLES = "samples"
MOVING_MIN = "moving_min"
EF_M_PER_BEAT = "ef_m_per_beat"
DECOUPLING_PCT = "decoupling_pct"
MOVING_S = "moving_s"
MEAN_TEMPERATURE_C = "mean_temperature_c"


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


def week_column(week: int | str, unit: str) -> str:
    """A comeback's column for its ``week``-th week after the return: week1_m, week2_pct, ..."""
    return f"week{week}_{unit}"


DAILY_LOAD_COLUMNS: dict[str, tuple[str, str]] = {
    DATE: ("local", "The local day (the index); every day from the first run, zeros on days without one."),
    DISTANCE_M: ("m", "Distance run that day."),
    DURATION_S: ("s", "Time run that day."),
    RUNS: ("", "Number of runs that day."),
    LOAD: ("m", "Daily load of the ratios below: the distance (or the load given)."),
    ACUTE_7D: ("m", "Mean daily load over the last 7 days."),
    CHRONIC_28D: ("m", "Mean daily load over the last 28 days."),
    ACWR: ("", "Acute:chronic workload ratio acute_7d / chronic_28d (Gabbett 2016)."),
    ACWR_EWMA: ("", "The same ratio of EWMAs with lambda = 2 / (N + 1) (Williams 2017)."),
    ACWR_UNCOUPLED: ("", "acute_7d over the mean of days 8-28, which excludes the acute week (Lolli 2019)."),
    ACWR_REASON: ("", "Why acwr and acwr_ewma are NaN (under 28 days of history, no load); '' otherwise."),
    WINDOW_NOTE: ("", "Names a gap of 14 days or more without a run in the chronic window ('' otherwise)."),
}
WEEKLY_COLUMNS: dict[str, tuple[str, str]] = {
    WEEK_START: ("local", "Monday of the local week; weeks without runs are zero, not missing."),
    DISTANCE_M: ("m", "Distance run (weekly.csv: distance_km, and distance_mi with --units mi)."),
    DURATION_S: ("s", "Time run."),
    RUNS: ("", "Number of runs."),
    LONGEST_RUN_M: ("m", "The week's longest run (weekly.csv: longest_run_km / longest_run_mi)."),
    LONG_RUN_SHARE_PCT: ("%", "Longest run / the week's distance."),
    CHANGE_PCT: ("%", "Change against the previous week; NaN when that week was empty or partial."),
    PROGRESSION_FLAG: ("", "change_pct above 30 % (Nielsen 2014)."),
    **{c: DAILY_LOAD_COLUMNS[c] for c in (ACWR, ACWR_EWMA, ACWR_UNCOUPLED, ACWR_REASON, WINDOW_NOTE)},
    MAX_PROGRESSION_PCT: ("%", "Highest progression_pct of the week's runs."),
    MONOTONY: ("", "Foster's monotony: mean / SD of the 7 days' distance; NaN if SD = 0 or days missing."),
    STRAIN: ("m", "Weekly distance x monotony (Foster 1998)."),
    TRIMP: ("a.u.", "Banister TRIMP of the week's runs (when heart rate is recorded)."),
    TRIMP_MONOTONY: ("", "Monotony of daily TRIMP."),
    TRIMP_STRAIN: ("a.u.", "Weekly TRIMP x trimp_monotony."),
    STRENGTH_SESSIONS: ("", "Strength sessions (FIT training / strength_training and other vendors' codes)."),
    STRENGTH_S: ("s", "Time in strength sessions."),
}
RUN_PROGRESSION_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The run."),
    DATE: ("local", "The run's local day."),
    LAST7_M: ("m", "Distance of the 7 days ending on the run's day."),
    PREV7_M: ("m", "Distance of the 7 days before those; NaN in the history's first 13 days."),
    PROGRESSION_PCT: ("%", "last7_m against prev7_m (Nielsen 2014); NaN when prev7_m is 0."),
    ABOVE_LIMIT: ("", "progression_pct above 30 %."),
}
SPIKE_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The run."),
    START_LOCAL: ("local", "The run's local start."),
    DISTANCE_M: ("m", "The run's distance."),
    PREV_LONGEST_M: ("m", "Longest run of the previous 30 days; NaN if none, or in the history's first 30 days."),
    SPIKE_PCT: ("%", "How much longer the run is than prev_longest_m."),
    BAND: ("", "Frandsen et al. 2025 band: '<=10%', '>10-30%', '>30-100%', '>100%'."),
    HAZARD_RATIO: ("", "The band's published hazard-rate ratio against <= 10 %."),
    HR_CI_LOW: ("", "Its 95 % confidence interval, low end."),
    HR_CI_HIGH: ("", "Its 95 % confidence interval, high end."),
    WEEK_SHARE_PCT: ("%", "The run's share of its week's distance."),
}
COMEBACK_COLUMNS: dict[str, tuple[str, str]] = {
    LAST_RUN_DATE: ("local", "Day of the last run before the break."),
    RETURN_DATE: ("local", "Day of the first run after it."),
    GAP_DAYS: ("days", "Days without a run (14 or more)."),
    PRE_BREAK_WEEKLY_M: ("m", "Distance of the 28 days before the break / 4."),
    week_column("<i>", "m"): ("m", "Distance of the i-th 7-day block from the return day (i = 1..3)."),
    week_column("<i>", "pct"): ("%", "The same block / pre_break_weekly_m."),
    WEEKS_OBSERVED: ("", "Blocks that end by the analysis date (or the last run)."),
}
EFFICIENCY_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "A run with heart rate (the index)."),
    EF_M_PER_BEAT: ("m/beat", "Efficiency factor: mean speed / mean heart rate over moving samples."),
    DECOUPLING_PCT: ("%", "Aerobic decoupling: first-half against second-half speed:HR (Friel's Pa:HR)."),
    MOVING_S: ("s", "Moving time (samples at 1.6 m/s or faster, pauses excluded)."),
    MEAN_TEMPERATURE_C: ("degC", "Mean temperature, where recorded."),
}
HR_HISTOGRAM_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The activity."),
    HEART_RATE_BPM: ("bpm", "A recorded heart rate."),
    SAMPLES: ("", "Samples at that heart rate."),
    MOVING_MIN: ("min", "The time those samples stand for, pauses excluded."),
}
_STEADY = "over steady running (faster than 1.6 m/s, past the warm-up, not after a pause)"
FORM_SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The run."),
    START_UTC: ("UTC", "The run's start."),
    START_LOCAL: ("local", "The run's local start."),
    form_column(MEDIAN, "<metric>"): ("as metric", f"Median of the metric {_STEADY}; NaN, never 0, if unrecorded."),
    form_column(IQR, "<metric>"): ("as metric", "Its interquartile range (75th minus 25th percentile)."),
    MEDIAN_SPEED_M_S: ("m/s", "Median speed of the same samples."),
    STEADY_S: ("s", "Time of steady running."),
    FORM_REASON: ("", "Why the dynamics are NaN ('' when they are not)."),
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

# --- file statuses ---------------------------------------------------------------
IMPORTED = "imported"
DUPLICATE = "duplicate"
NOT_RUN = "not_run"
SKIPPED = "skipped"
FILE_STATUSES = (IMPORTED, DUPLICATE, NOT_RUN, SKIPPED)


def nomenclature_markdown() -> str:
    """The README's nomenclature section, generated from the dictionaries above."""
    out = []
    metrics = {m: (SAMPLE_COLUMNS[col][0], f"`{col}`: {SAMPLE_COLUMNS[col][1]}") for m, col in FORM_METRICS.items()}
    for title, table in (
        ("Activity table (`History.activities`)", ACTIVITY_COLUMNS),
        ("Sample table (`History.samples`)", SAMPLE_COLUMNS),
        ("Weight readings (`History.weights`)", WEIGHT_COLUMNS),
        ("Weekly table (`load.weekly_table`, the report's weekly.csv; ratios on the week's last day)", WEEKLY_COLUMNS),
        ("Daily load (`load.daily_load`: up to `runs`) and ratios (`load.acwr`: from `load`)", DAILY_LOAD_COLUMNS),
        ("Two-week progression per run (`load.run_progression`)", RUN_PROGRESSION_COLUMNS),
        ("Long-run spikes per run (`load.long_run_spikes`)", SPIKE_COLUMNS),
        ("Comebacks, one row per break (`load.comebacks`)", COMEBACK_COLUMNS),
        ("Efficiency per run (`load.efficiency`)", EFFICIENCY_COLUMNS),
        ("Heart-rate histogram per run (`load.hr_histogram`)", HR_HISTOGRAM_COLUMNS),
        ("Form metrics (`<metric>` in the form columns below) and the sample column each summarises", metrics),
        ("Form summary per run (`dynamics.form_summary`; cached at import by `per_run`)", FORM_SUMMARY_COLUMNS),
        ("Pace-adjusted baseline (`baseline.pace_adjusted_form`; gct, vo, vr, cadence)", FORM_BASELINE_COLUMNS),
        ("Population bands per run (`dynamics.form_bands`)", FORM_BAND_COLUMNS),
        ("Drift within a run (`dynamics.form_drift`; gct_ms, vo_mm, cadence_spm)", DRIFT_COLUMNS),
    ):
        out += [f"#### {title}", "", "| column | unit | meaning |", "|---|---|---|"]
        out += [f"| `{name}` | {unit} | {text} |" for name, (unit, text) in table.items()]
        out.append("")
    return "\n".join(out)
