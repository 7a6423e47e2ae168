"""The tables an import gives: activities, samples, weight readings, file statuses."""

from __future__ import annotations

# --- activity table: one row per activity (a FIT session, or a GPX file) ---------
ACTIVITY_ID = "activity_id"
SOURCE = "source"
FILE_SHA256 = "file_sha256"
FORMAT = "format"
SESSION_INDEX = "session_index"
MANUFACTURER = "manufacturer"
PRODUCT = "product"
DEVICE_SERIAL = "device_serial"
SPORT = "sport"
SUB_SPORT = "sub_sport"
SPORT_SOURCE = "sport_source"
IS_RUN = "is_run"
SUSPECT = "suspect"
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
WEATHER_TEMPERATURE_C = "weather_temperature_c"
FEEL = "feel_0_100"
RPE = "rpe_0_10"
RATING_SOURCE = "rating_source"
DUPLICATE_OF = "duplicate_of"
NOTE = "note"

ACTIVITY_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "Stable id: first 16 hex digits of the file's SHA-256, '-', session index."),
    SOURCE: ("", "Where the activity came from: a path, or 'archive.zip!member/path' inside an archive."),
    FILE_SHA256: ("", "SHA-256 of the decoded (decompressed) file bytes: the cache key."),
    FORMAT: (
        "",
        "'fit', 'gpx', 'tcx', or 'strava_csv' (a row of Strava's activities.csv whose file is not among the inputs).",
    ),
    SESSION_INDEX: (
        "",
        "Index of the FIT session in its file (0 for GPX; the <Activity>'s index for TCX); multisport files give one row per session.",
    ),
    MANUFACTURER: ("", "Device manufacturer from FIT file_id, the GPX 'creator', or the TCX <Creator>."),
    PRODUCT: ("", "Device product from FIT file_id (garmin_product / product name)."),
    DEVICE_SERIAL: (
        "",
        "Serial number of the recording device from FIT file_id.serial_number; empty when not given (GPX, some vendors).",
    ),
    SPORT: ("", "FIT sport name ('running', 'cycling', 'training', ...), or the GPX <type> mapped to FIT names."),
    SUB_SPORT: ("", "FIT sub-sport ('trail', 'treadmill', 'strength_training', ...); empty when not given."),
    SPORT_SOURCE: ("", "'file' when the file names the sport; 'inferred' when heavylegs guessed it from speed."),
    IS_RUN: (
        "",
        "True for running sessions (road, trail, treadmill, track) of at least 60 s and 200 m (time alone indoors); walks, rides, swims, strength are not runs.",
    ),
    SUSPECT: (
        "",
        "True for a run faster than the world record for its distance (a GPS or device error): kept, left out of load.",
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
    TIMER_S: (
        "s",
        "Timer (moving) time: FIT total_timer_time; TCX: the laps' TotalTimeSeconds; for GPX, elapsed minus gaps longer than a pause.",
    ),
    DURATION_S: ("s", "Timer time where known, else elapsed time."),
    DISTANCE_M: (
        "m",
        "Distance: FIT session total_distance (samples where the session lacks it); TCX: the laps' DistanceMeters; for GPX, summed from positions.",
    ),
    N_SAMPLES: ("", "Number of samples (one per timestamp) in the activity."),
    HAS_HR: ("", "True when samples carry heart rate."),
    HAS_DYNAMICS: ("", "True when samples carry ground contact time or vertical oscillation."),
    AVG_HR: ("bpm", "Mean heart rate over the samples."),
    WEATHER_TEMPERATURE_C: (
        "degC",
        "Air temperature from a weather service: the 'Weather Temperature' of the Strava activities.csv row the activity was made from or matched to (by file name, else start within 2 min); NaN otherwise (files carry none).",
    ),
    FEEL: (
        "0-100",
        "The runner's 'How did you feel?': 0 very weak, 25 weak, 50 normal, 75 strong, 100 very strong (FIT session field 192 workout_feel; Garmin workoutFeel); NaN when not rated.",
    ),
    RPE: (
        "0-10",
        "The runner's perceived effort, Borg CR10 (FIT session field 193 workout_rpe / 10; Garmin workoutRpe / 10; Strava 'Perceived Exertion'); NaN when not rated.",
    ),
    RATING_SOURCE: (
        "",
        "Where the rating came from: 'file' (the activity file itself) or the file it was matched from.",
    ),
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

# --- file statuses ---------------------------------------------------------------
IMPORTED = "imported"
DUPLICATE = "duplicate"
NOT_RUN = "not_run"
SKIPPED = "skipped"
FILE_STATUSES = (IMPORTED, DUPLICATE, NOT_RUN, SKIPPED)
