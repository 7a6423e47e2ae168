"""FIT profile facts both FIT decoders share (fitparse's path and the vectorised one).

Sources: FIT SDK (Profile.xlsx, fit.h), as in fitparse/profile.py and
fitparse/records.py; ``tests/test_fastfit.py`` checks the record profile against
fitparse's. DOMAIN.md lists what devices make of them.

* timestamps (type date_time) count seconds from 1989-12-31 00:00:00 UTC; values
  below 0x10000000 are device-relative (seconds since power-on);
* positions are semicircles: degrees = value x 180 / 2^31;
* a field's value is ``raw / scale - offset``; the base type's invalid value (all
  ones, 0x7F.. for signed types, 0 for the ``z`` types, NaN for floats) means "no
  value".
"""

from __future__ import annotations

import datetime as dt

from .. import columns as C

#: The FIT epoch, 1989-12-31 00:00:00 UTC (FIT profile, date_time), naive as fitparse's
#: datetimes are.
FIT_EPOCH = dt.datetime(1989, 12, 31)
#: Seconds from the Unix epoch to the FIT epoch (631065600).
FIT_EPOCH_UNIX_S = int(FIT_EPOCH.replace(tzinfo=dt.UTC).timestamp())
#: Smallest absolute FIT timestamp; below it a value is device-relative (FIT profile, date_time).
FIT_ABSOLUTE_MIN = 0x10000000
#: Semicircles -> degrees (FIT profile, record.position_lat / position_long).
SEMICIRCLE_TO_DEG = 180.0 / 2**31

#: Global message number of ``record`` (FIT profile mesg_num).
RECORD_MESG = 20
#: Field number of ``timestamp`` in every message (FIT profile).
TIMESTAMP_FIELD = 253

#: FIT base types: number -> (numpy type, size [bytes], invalid value; None for NaN).
#: FIT SDK fit.h / fitparse.records.BASE_TYPES.
BASE_TYPES = {
    0x00: ("u1", 1, 0xFF),  # enum
    0x01: ("i1", 1, 0x7F),  # sint8
    0x02: ("u1", 1, 0xFF),  # uint8
    0x83: ("i2", 2, 0x7FFF),  # sint16
    0x84: ("u2", 2, 0xFFFF),  # uint16
    0x85: ("i4", 4, 0x7FFFFFFF),  # sint32
    0x86: ("u4", 4, 0xFFFFFFFF),  # uint32
    0x88: ("f4", 4, None),  # float32
    0x89: ("f8", 8, None),  # float64
    0x0A: ("u1", 1, 0),  # uint8z
    0x8B: ("u2", 2, 0),  # uint16z
    0x8C: ("u4", 4, 0),  # uint32z
    0x8E: ("i8", 8, 0x7FFFFFFFFFFFFFFF),  # sint64
    0x8F: ("u8", 8, 0xFFFFFFFFFFFFFFFF),  # uint64
    0x90: ("u8", 8, 0),  # uint64z
}
#: string (0x07) and byte (0x0D), and any unknown base type, are one byte wide.
BASE_SIZE = {**{k: v[1] for k, v in BASE_TYPES.items()}, 0x07: 1, 0x0D: 1}
UINT16 = 0x84
UINT32 = 0x86

#: record field number -> (fitparse field name, scale, offset), FIT profile.
RECORD_FIELDS: dict[int, tuple[str, float | None, float | None]] = {
    0: ("position_lat", None, None),  # sint32 semicircles
    1: ("position_long", None, None),  # sint32 semicircles
    2: ("altitude", 5, 500),  # uint16 m
    3: ("heart_rate", None, None),  # uint8 bpm
    4: ("cadence", None, None),  # uint8 rpm (strides/min when running)
    5: ("distance", 100, None),  # uint32 m
    6: ("speed", 1000, None),  # uint16 m/s
    7: ("power", None, None),  # uint16 W
    13: ("temperature", None, None),  # sint8 C
    39: ("vertical_oscillation", 10, None),  # uint16 mm
    41: ("stance_time", 10, None),  # uint16 ms
    53: ("fractional_cadence", 128, None),  # uint8 rpm
    73: ("enhanced_speed", 1000, None),  # uint32 m/s
    78: ("enhanced_altitude", 5, 500),  # uint32 m
    83: ("vertical_ratio", 100, None),  # uint16 %
    84: ("stance_time_balance", 100, None),  # uint16 % (left)
    85: ("step_length", 10, None),  # uint16 mm
}
#: Fields whose value is also expanded into another field (FIT profile components:
#: 16 bits at bit 0, the component's own scale/offset): fitparse writes the
#: component just before the field itself, so a later field in the definition wins.
RECORD_COMPONENTS: dict[int, tuple[str, float | None, float | None]] = {
    2: ("enhanced_altitude", 5, 500),
    6: ("enhanced_speed", 1000, None),
}
#: Record fields the vectorised decoder does not handle: the whole file falls back.
RECORD_UNSUPPORTED = {8: "compressed_speed_distance (speed and distance accumulated from packed bits)"}

#: fitparse record field name -> our sample column, for the fields that need no
#: conversion beyond the profile's scale/offset: one map for both decoders.
PLAIN_COLUMNS = {
    "distance": C.SAMPLE_DISTANCE_M,
    "heart_rate": C.HEART_RATE_BPM,
    "stance_time": C.STANCE_TIME_MS,
    "vertical_oscillation": C.VERTICAL_OSCILLATION_MM,
    "vertical_ratio": C.VERTICAL_RATIO_PCT,
    "step_length": C.STEP_LENGTH_MM,
    "stance_time_balance": C.STANCE_TIME_BALANCE_PCT,
    "temperature": C.TEMPERATURE_C,
    "power": C.POWER_W,
}

# --- the runner's ratings in the session message ----------------------------------------
#: session (18) field 192 workout_feel, uint8 0-100 "how a user felt, low values bad,
#: high values good" (watches write 0/25/50/75/100), and 193 workout_rpe, uint8, Borg
#: CR10 RPE x 10 (FIT SDK profile 21.x; fitparse 1.2 names them unknown_192/193).
SESSION_FEEL = (192, "workout_feel")
SESSION_RPE = (193, "workout_rpe")
#: workout_rpe / RPE_SCALE = RPE on the 0-10 scale (the profile: "multiplied 10x").
RPE_SCALE = 10.0
#: Both ratings are 0-100 in the file (feel directly, RPE x 10): anything else is damage.
RATING_RAW_MAX = 100

# --- wellness messages, read by field number --------------------------------------------
#: Global message numbers of the wellness messages (FIT SDK profile 21.x; fitparse 1.2's
#: profile knows none of them, so they are read by number, with the profile's scale).
MONITORING_HR_DATA_MESG = 211
SLEEP_LEVEL_MESG = 275
SLEEP_ASSESSMENT_MESG = 346
HRV_STATUS_SUMMARY_MESG = 370
HRV_VALUE_MESG = 371
#: message number -> (profile name, {field number: (field name, scale)}); every field is
#: uint8/uint16/enum (date_time for 253), value = raw / scale (no offsets).
WELLNESS_MESGS: dict[int, tuple[str, dict[int, tuple[str, float | None]]]] = {
    MONITORING_HR_DATA_MESG: (
        "monitoring_hr_data",
        {
            TIMESTAMP_FIELD: ("timestamp", None),
            0: ("resting_heart_rate", None),  # bpm, a 7-day average
            1: ("current_day_resting_heart_rate", None),  # bpm, the day's
        },
    ),
    SLEEP_LEVEL_MESG: ("sleep_level", {TIMESTAMP_FIELD: ("timestamp", None), 0: ("sleep_level", None)}),
    SLEEP_ASSESSMENT_MESG: (
        "sleep_assessment",
        {
            4: ("sleep_duration_score", None),
            6: ("overall_sleep_score", None),
            7: ("sleep_quality_score", None),
            11: ("awakenings_count", None),
        },
    ),
    HRV_STATUS_SUMMARY_MESG: (
        "hrv_status_summary",
        {
            TIMESTAMP_FIELD: ("timestamp", None),
            0: ("weekly_average", 128),  # ms
            1: ("last_night_average", 128),
            2: ("last_night_5_min_high", 128),
            3: ("baseline_low_upper", 128),
            4: ("baseline_balanced_lower", 128),
            5: ("baseline_balanced_upper", 128),
            6: ("status", None),  # enum hrv_status
        },
    ),
    HRV_VALUE_MESG: ("hrv_value", {TIMESTAMP_FIELD: ("timestamp", None), 0: ("value", 128)}),  # 5-min rMSSD, ms
}
#: enum sleep_level (FIT profile types).
SLEEP_LEVELS = {0: "unmeasurable", 1: "awake", 2: "light", 3: "deep", 4: "rem"}
#: enum hrv_status (FIT profile types).
HRV_STATUSES = {0: "none", 1: "poor", 2: "low", 3: "unbalanced", 4: "balanced"}
#: monitoring_info (103) field 0 local_timestamp: the device's local clock at the
#: message's timestamp, so local_timestamp - timestamp is the UTC offset.
MONITORING_INFO_MESG = 103
