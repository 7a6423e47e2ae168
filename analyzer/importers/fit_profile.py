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
