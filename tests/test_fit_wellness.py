"""Wellness in FIT files (sleep, HRV, resting heart rate, weight) and the runner's
ratings in FIT activity files (session workout_feel / workout_rpe).

Real files: ../shared/data/wellness/fit (MANIFEST.md there; skipped cleanly when the
folder is absent). Their expected values were read in a scratch session from the raw
messages, twice: fitparse 1.2 (which names the unknown messages unknown_<n> and gives
raw integers: hrv fields to be divided by the profile's scale 128 by hand) and the
Garmin FIT SDK for Python 21.218 (which knows every message and scales them); the two
agreed. Days and durations were then worked out by hand in the comments below.

Made files: written with fit-tool (tests/fitmake.py), one per message, with values
chosen here and the expected sleep stages, averages and local days counted by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from garmin_fit_sdk import Profile

from analyzer import columns as C
from analyzer import read_history
from analyzer.errors import NotAnActivity
from analyzer.importers import decode, fit, fit_layout, fit_profile
from tests.fitmake import fit_bytes, fit_seconds, messages_fit_bytes, ms, run

WELLNESS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wellness"
WFIT = WELLNESS / "fit"
requires_wellness = pytest.mark.skipif(not WFIT.is_dir(), reason=f"{WFIT} is absent (the shared wellness set)")


def _decode(data: bytes, label: str = "made.fit"):
    return decode(data, label, hashlib.sha256(data).hexdigest())


def _real(name: str):
    return _decode((WFIT / name).read_bytes(), name)


def _rows(wellness: pd.DataFrame) -> list[tuple]:
    """(date, metric, value or text, origin) per reading, in a stable order."""
    out = []
    for r in wellness.itertuples(index=False):
        reading = getattr(r, C.TEXT) if getattr(r, C.METRIC) in C.TEXT_METRICS else getattr(r, C.VALUE)
        out.append((f"{getattr(r, C.DATE):%Y-%m-%d}", getattr(r, C.METRIC), reading, getattr(r, C.ORIGIN)))
    return sorted(out)


# --- the profile the importer reads by number, against Garmin's own ---------------------


def test_wellness_field_numbers_and_scales_match_the_fit_sdk_profile():
    messages, types = Profile["messages"], Profile["types"]
    for num, (name, fields) in fit_profile.WELLNESS_MESGS.items():
        assert messages[num]["name"] == name
        for field_num, (field_name, scale) in fields.items():
            sdk = messages[num]["fields"][field_num]
            assert sdk["name"] == field_name, (name, field_num)
            assert sdk["scale"] == [scale or 1] and sdk["offset"] == [0], (name, field_name)
    assert types["sleep_level"] == fit_profile.SLEEP_LEVELS
    assert types["hrv_status"] == fit_profile.HRV_STATUSES
    session = messages[18]["fields"]
    for num, name in (fit_profile.SESSION_FEEL, fit_profile.SESSION_RPE):
        assert session[num]["name"] == name and session[num]["type"] == "uint8"
    assert messages[fit_profile.MONITORING_INFO_MESG]["fields"][0]["name"] == "local_timestamp"
    assert set(fit_profile.WELLNESS_MESGS) | {fit_profile.MONITORING_INFO_MESG} <= fit_layout.OTHER_MESGS


# --- real files ---------------------------------------------------------------------------


@requires_wellness
def test_real_monitoring_fenix5plus_resting_hr():
    # monitoring_info: local_timestamp 1104624660 - timestamp 1104621060 = 3600 s (UTC+1).
    # monitoring_hr_data (raw): at 1104621060 (2024-12-31 23:11 UTC = 2025-01-01 00:11
    # local) resting 50, current_day 57; at 1104635460 (03:11 UTC = 04:11 local) 50 / 58.
    # Both on local 2025-01-01: the day's last current-day value, 58; the 7-day 50 unused.
    got = _real("kaiord_HealthMonitoringStressDay.fit")
    assert got.kind == "wellness"
    assert _rows(got.wellness) == [("2025-01-01", C.RESTING_HR_BPM, 58.0, C.ORIGIN_FIT)]
    assert got.note == "resting heart rate: 1 day (2025-01-01: 58 bpm)"


@requires_wellness
def test_real_monitoring_vivomove_resting_hr_at_midnight_closes_the_day():
    # monitoring_info: local 1034007960 - timestamp 1034000760 = 7200 s (UTC+2).
    # monitoring_hr_data: 2022-10-06 14:26 UTC (16:26 local) 68 / 70, and 22:00 UTC, which
    # is exactly local midnight: it closes 2022-10-06 (70 again), not 2022-10-07.
    got = _real("chi_156627598007_WELLNESS.fit")
    assert _rows(got.wellness) == [("2022-10-06", C.RESTING_HR_BPM, 70.0, C.ORIGIN_FIT)]
    assert got.kind == "wellness" and "1 day (2022-10-06: 70 bpm)" in got.note


@requires_wellness
def test_real_hrv_status_file_hand_made():
    # HAND-MADE file (kaiord's generate-synthetic-hrv-fixture.mjs; MANIFEST): layout only.
    # hrv_status_summary raw: weekly 5760, last night 6144, 5-min high 9216, low_upper
    # 4864, balanced 5376..7424, status 4; / 128 = 45, 48, 72, 38, 42..58 ms, 'balanced';
    # timestamp 1148367600 = 2026-05-22 07:00 UTC, no local time in the file: UTC date.
    # The 8 hrv_value (44 47 49 50 50 49 47 44 -> mean 47.5) are not used: the summary
    # gives the night's average.
    got = _real("kaiord_HealthHrvOvernight.fit")
    assert got.kind == "wellness"
    assert _rows(got.wellness) == sorted(
        [
            ("2026-05-22", C.HRV_NIGHT_MS, 48.0, C.ORIGIN_FIT),
            ("2026-05-22", C.HRV_WEEKLY_MS, 45.0, C.ORIGIN_FIT),
            ("2026-05-22", C.HRV_BASELINE_LOW_MS, 42.0, C.ORIGIN_FIT),
            ("2026-05-22", C.HRV_BASELINE_HIGH_MS, 58.0, C.ORIGIN_FIT),
            ("2026-05-22", C.HRV_STATUS, "balanced", C.ORIGIN_FIT),
        ]
    )
    assert got.note == "HRV: 1 night (2026-05-22: 48 ms, balanced); dated by UTC: the file states no local time"


@requires_wellness
@pytest.mark.parametrize(
    ("name", "messages"),
    [("kaiord_HealthSleepOvernight.fit", 34), ("chi_156627610843_SLEEP_DATA.fit", 96)],
)
def test_real_sleep_files_of_older_watches_have_only_awake_levels(name, messages):
    # Both decoders read every sleep_level of these files as 1 'awake' (kaiord: 34, from
    # 2024-12-31 23:25 to 2025-01-01 00:19 UTC; chi: 96, 2022-10-06 14:37..22:00 UTC); the
    # watches' raw sleep data sits in the undocumented messages 273/274/276, which must
    # not break the read. No night can be staged from them: the file says so.
    with pytest.raises(NotAnActivity) as err:
        _real(name)
    assert f"sleep_level: {messages} messages with no light, deep or REM level" in err.value.reason
    assert "FIT file type '49' holds no activity" in err.value.reason


@requires_wellness
def test_real_metrics_file_with_undocumented_message_keeps_todays_behaviour():
    with pytest.raises(NotAnActivity, match="FIT file type '44' is not an activity"):
        _real("chi_172797046616_METRICS.fit")


@requires_wellness
def test_real_weight_scale_file_keeps_its_weights():
    # weight_scale: 75.80 kg at 2009-09-09 21:38 UTC, 76.09 kg at 22:38; user_profile
    # weight 71.0 at file_id.time_created 20:38 (SDK values; FIT SDK example, synthetic).
    got = _real("fitsdk_example_WeightScaleSingleUser.fit")
    assert got.kind == "weight" and got.wellness.empty
    assert sorted(got.weights[C.WEIGHT_KG].round(2)) == [71.0, 75.8, 76.09]


@requires_wellness
def test_real_files_in_a_history(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in WFIT.glob("*.fit"):
        shutil.copy(path, folder / path.name)  # read from ../shared, copied only to tmp
    history = read_history([folder], cache=tmp_path / "cache", workers=1, progress=False)
    daily = history.daily_wellness.set_index(C.DATE)
    assert daily.at[pd.Timestamp("2025-01-01"), C.RESTING_HR_BPM] == 58.0
    assert daily.at[pd.Timestamp("2022-10-06"), C.RESTING_HR_BPM] == 70.0
    hrv_day = daily.loc[pd.Timestamp("2026-05-22")]
    assert (hrv_day[C.HRV_NIGHT_MS], hrv_day[C.HRV_STATUS]) == (48.0, "balanced")
    assert hrv_day[C.HRV_NIGHT_MS + C.SOURCE_SUFFIX].endswith("kaiord_HealthHrvOvernight.fit")
    status = {Path(f.path).name: (f.status, f.reason) for f in history.files}
    assert status["kaiord_HealthHrvOvernight.fit"][0] == C.IMPORTED
    assert status["kaiord_HealthSleepOvernight.fit"][0] == C.SKIPPED
    assert "34 messages" in status["kaiord_HealthSleepOvernight.fit"][1]
    assert len(history.weights) == 3


# --- made files: sleep ----------------------------------------------------------------------

NIGHT = dt.datetime(2024, 3, 4, 22, 30)  # UTC
#: (minutes after NIGHT, level): the night of test_made_sleep_night.
NIGHT_LEVELS = [
    (0, "AWAKE"),  # 22:30 awake until 22:45: before falling asleep, not counted
    (15, "LIGHT"),  # 22:45-23:30  45 min light
    (60, "DEEP"),  # 23:30-00:30  60 min deep
    (120, "LIGHT"),  # 00:30-01:10  40 min light
    (160, "REM"),  # 01:10-01:40  30 min REM
    (190, "AWAKE"),  # 01:40-01:50  10 min awake
    (200, "LIGHT"),  # 01:50-03:00  70 min light
    (270, "DEEP"),  # 03:00-03:40  40 min deep
    (310, "REM"),  # 03:40-04:20  40 min REM
    (350, "UNMEASURABLE"),  # 04:20-04:30  10 min neither
    (360, "LIGHT"),  # 04:30-06:00  90 min light
    (450, "AWAKE"),  # 06:00-06:20  20 min awake
    (470, "AWAKE"),  # 06:20 the last message: the wake-up, no time
]
# light 45+40+70+90 = 245 min = 14700 s; deep 60+40 = 100 min = 6000 s; REM 30+40 =
# 70 min = 4200 s; asleep 415 min = 24900 s (6 h 55 min); awake 10+20 = 30 min = 1800 s;
# the wake-up 2024-03-05 06:20 UTC, no local time in the file: 2024-03-05.


def _sleep_levels(start: dt.datetime, levels: list[tuple[int, str]]) -> list:
    from fit_tool.profile.messages.sleep_level_message import SleepLevelMessage
    from fit_tool.profile.profile_type import SleepLevel

    out = []
    for minutes, level in levels:
        m = SleepLevelMessage()
        m.timestamp = ms(start + dt.timedelta(minutes=minutes))
        m.sleep_level = SleepLevel[level]
        out.append(m)
    return out


def _sleep_score(score: int):
    from fit_tool.profile.messages.sleep_assessment_message import SleepAssessmentMessage

    m = SleepAssessmentMessage()
    m.overall_sleep_score = score
    m.sleep_quality_score = 70
    m.awakenings_count = 2
    return m


def _monitoring_info(at: dt.datetime, offset_s: int):
    from fit_tool.profile.messages.monitoring_info_message import MonitoringInfoMessage

    m = MonitoringInfoMessage()
    m.timestamp = ms(at)
    m.local_timestamp = fit_seconds(at + dt.timedelta(seconds=offset_s))
    return m


def _sleep_file() -> bytes:
    created = NIGHT + dt.timedelta(hours=8)
    return messages_fit_bytes([*_sleep_levels(NIGHT, NIGHT_LEVELS), _sleep_score(77)], created)


def test_made_sleep_night():
    got = _decode(_sleep_file())
    assert got.kind == "wellness"
    assert _rows(got.wellness) == sorted(
        [
            ("2024-03-05", C.SLEEP_S, 24900.0, C.ORIGIN_FIT),
            ("2024-03-05", C.SLEEP_LIGHT_S, 14700.0, C.ORIGIN_FIT),
            ("2024-03-05", C.SLEEP_DEEP_S, 6000.0, C.ORIGIN_FIT),
            ("2024-03-05", C.SLEEP_REM_S, 4200.0, C.ORIGIN_FIT),
            ("2024-03-05", C.SLEEP_AWAKE_S, 1800.0, C.ORIGIN_FIT),
            ("2024-03-05", C.SLEEP_SCORE, 77.0, C.ORIGIN_FIT),
        ]
    )
    assert got.note == (
        "sleep: 1 night (2024-03-05, 6 h 55 min asleep); sleep score: 77 (2024-03-05); "
        "dated by UTC: the file states no local time"
    )
    assert set(got.wellness[C.WELLNESS_SOURCE]) == {"made.fit"}


def test_made_sleep_two_nights_local_dates_and_no_rem():
    # monitoring_info says UTC+9. Night 1: light 2024-03-04 14:00-18:00 UTC, deep
    # 18:00-19:00, light 19:00-21:30, then the wake-up at 21:30 UTC = 06:30 local on
    # 2024-03-05 (its UTC date is 03-04): light 6.5 h = 23400 s, deep 3600 s, asleep
    # 27000 s (7 h 30 min), no REM level (REM not written), no awake time.
    # Night 2, 17 h later: light 2024-03-05 14:30-20:30 UTC, wake-up 20:30 UTC = 05:30
    # local on 03-06: 21600 s (6 h 00 min).
    first = dt.datetime(2024, 3, 4, 14, 0)
    second = dt.datetime(2024, 3, 5, 14, 30)
    levels = _sleep_levels(first, [(0, "LIGHT"), (240, "DEEP"), (300, "LIGHT"), (450, "AWAKE")])
    levels += _sleep_levels(second, [(0, "LIGHT"), (360, "AWAKE")])
    data = messages_fit_bytes([_monitoring_info(first, 9 * 3600), *levels], first)
    got = _decode(data)
    assert _rows(got.wellness) == sorted(
        [
            ("2024-03-05", C.SLEEP_S, 27000.0, C.ORIGIN_FIT),
            ("2024-03-05", C.SLEEP_LIGHT_S, 23400.0, C.ORIGIN_FIT),
            ("2024-03-05", C.SLEEP_DEEP_S, 3600.0, C.ORIGIN_FIT),
            ("2024-03-05", C.SLEEP_AWAKE_S, 0.0, C.ORIGIN_FIT),
            ("2024-03-06", C.SLEEP_S, 21600.0, C.ORIGIN_FIT),
            ("2024-03-06", C.SLEEP_LIGHT_S, 21600.0, C.ORIGIN_FIT),
            ("2024-03-06", C.SLEEP_DEEP_S, 0.0, C.ORIGIN_FIT),
            ("2024-03-06", C.SLEEP_AWAKE_S, 0.0, C.ORIGIN_FIT),
        ]
    )
    assert got.note == "sleep: 2 nights (2024-03-05, 7 h 30 min asleep, 2024-03-06, 6 h 00 min asleep)"


def test_made_sleep_file_of_awake_levels_only_says_why():
    data = messages_fit_bytes(_sleep_levels(NIGHT, [(0, "AWAKE"), (1, "AWAKE"), (2, "AWAKE")]), NIGHT)
    with pytest.raises(NotAnActivity, match="sleep_level: 3 messages with no light, deep or REM level"):
        _decode(data)


# --- made files: HRV -----------------------------------------------------------------------


def _hrv_summary(at: dt.datetime):
    from fit_tool.profile.messages.hrv_status_summary_message import HrvStatusSummaryMessage
    from fit_tool.profile.profile_type import HrvStatus

    m = HrvStatusSummaryMessage()
    m.timestamp = ms(at)
    # multiples of 1/128, so the file holds them exactly
    m.weekly_average, m.last_night_average, m.last_night_5_min_high = 45.5, 41.25, 70.0
    m.baseline_low_upper, m.baseline_balanced_lower, m.baseline_balanced_upper = 38.0, 43.0, 55.5
    m.status = HrvStatus.LOW
    return m


def _hrv_values(start: dt.datetime, values: list[float]) -> list:
    from fit_tool.profile.messages.hrv_value_message import HrvValueMessage

    out = []
    for i, value in enumerate(values):
        m = HrvValueMessage()
        m.timestamp = ms(start + dt.timedelta(minutes=5 * i))
        m.value = value
        out.append(m)
    return out


def _hrv_file() -> bytes:
    # Night 1 (wake-up 2024-03-05): a summary at 06:45 UTC and 5-min values (ignored: the
    # summary gives the night's average). Night 2 (2024-03-06 UTC): values only, 30,
    # 35.5, 40.25 ms -> mean 105.75 / 3 = 35.25 ms.
    messages = [*_hrv_values(dt.datetime(2024, 3, 5, 2, 0), [20.0, 60.0]), _hrv_summary(dt.datetime(2024, 3, 5, 6, 45))]
    messages += _hrv_values(dt.datetime(2024, 3, 6, 3, 0), [30.0, 35.5, 40.25])
    return messages_fit_bytes(messages, dt.datetime(2024, 3, 6, 7, 0), "MONITORING_DAILY")


def test_made_hrv_summary_and_values():
    got = _decode(_hrv_file())
    assert got.kind == "wellness"
    assert _rows(got.wellness) == sorted(
        [
            ("2024-03-05", C.HRV_NIGHT_MS, 41.25, C.ORIGIN_FIT),
            ("2024-03-05", C.HRV_WEEKLY_MS, 45.5, C.ORIGIN_FIT),
            ("2024-03-05", C.HRV_BASELINE_LOW_MS, 43.0, C.ORIGIN_FIT),
            ("2024-03-05", C.HRV_BASELINE_HIGH_MS, 55.5, C.ORIGIN_FIT),
            ("2024-03-05", C.HRV_STATUS, "low", C.ORIGIN_FIT),
            ("2024-03-06", C.HRV_NIGHT_MS, 35.25, C.ORIGIN_FIT),
        ]
    )
    assert got.note == (
        "HRV: 2 nights (2024-03-05: 41 ms, low; 2024-03-06: 35 ms, the mean of its 5-min values); "
        "dated by UTC: the file states no local time"
    )


# --- made files: resting heart rate --------------------------------------------------------


def _hr_data(at: dt.datetime, week: int | None, day: int | None):
    from fit_tool.profile.messages.monitoring_hr_data_message import MonitoringHrDataMessage

    m = MonitoringHrDataMessage()
    m.timestamp = ms(at)
    if week is not None:
        m.resting_heart_rate = week
    if day is not None:
        m.current_day_resting_heart_rate = day
    return m


def test_made_monitoring_resting_hr():
    # UTC-5 (monitoring_info). 2024-01-10 12:00 UTC (07:00 local) 55, 20:00 UTC (15:00
    # local) 54, 2024-01-11 05:00 UTC = local midnight: closes 01-10 with 53, the day's
    # last. 2024-01-11 15:00 UTC (10:00 local) has only the 7-day average 51: it stands in
    # for 01-11 at the fallback origin.
    at = dt.datetime(2024, 1, 10, 12, 0)
    messages = [
        _monitoring_info(at, -5 * 3600),
        _hr_data(at, 52, 55),
        _hr_data(dt.datetime(2024, 1, 10, 20, 0), 52, 54),
        _hr_data(dt.datetime(2024, 1, 11, 5, 0), 52, 53),
        _hr_data(dt.datetime(2024, 1, 11, 15, 0), 51, None),
    ]
    got = _decode(messages_fit_bytes(messages, at))
    assert _rows(got.wellness) == [
        ("2024-01-10", C.RESTING_HR_BPM, 53.0, C.ORIGIN_FIT),
        ("2024-01-11", C.RESTING_HR_BPM, 51.0, C.ORIGIN_FIT_FALLBACK),
    ]
    assert got.note == (
        "resting heart rate: 2 days (2024-01-10: 53 bpm, 2024-01-11: 51 bpm), 1 of them the watch's 7-day average"
    )


def _user_profile(resting_hr: int):
    from fit_tool.profile.messages.user_profile_message import UserProfileMessage

    m = UserProfileMessage()
    m.resting_heart_rate = resting_hr
    return m


def test_made_run_with_ratings_and_profile_resting_hr():
    # feel 25 ('weak'), workout_rpe 70 -> RPE 7.0; user_profile resting_heart_rate 48 on
    # the file's creation day, 2024-03-05 23:30 UTC, which is 2024-03-06 00:30 at the
    # activity's UTC+1 (activity.local_timestamp).
    start = dt.datetime(2024, 3, 5, 23, 30)
    got = _decode(fit_bytes([run(600, feel=25, rpe=70)], start, 3600, extra=[_user_profile(48)]))
    act = got.activities.iloc[0]
    assert (act[C.FEEL], act[C.RPE], act[C.RATING_SOURCE]) == (25.0, 7.0, "file")
    assert _rows(got.wellness) == [("2024-03-06", C.RESTING_HR_BPM, 48.0, C.ORIGIN_FIT_FALLBACK)]
    assert "resting" not in got.note  # the activity's note is about the activity


@pytest.mark.parametrize(("feel", "rpe", "expected"), [(None, None, (None, None)), (150, 100, (None, 10.0))])
def test_made_run_without_or_with_impossible_ratings(feel, rpe, expected):
    got = _decode(fit_bytes([run(60, feel=feel, rpe=rpe)], dt.datetime(2024, 3, 5, 7), 0, extra=[_user_profile(0)]))
    act = got.activities.iloc[0]
    as_read = tuple(None if np.isnan(act[c]) else act[c] for c in (C.FEEL, C.RPE))
    assert as_read == expected
    assert act[C.RATING_SOURCE] == ("" if expected == (None, None) else "file")
    assert got.wellness.empty  # resting_heart_rate 0: not set


def test_made_activity_with_wellness_messages_fast_path_equals_fitparse(monkeypatch):
    """An activity file that also carries wellness messages: the vectorised decoder (which
    reads them with its summary messages, fit_summary.py) and the whole-file fitparse
    path give the same tables."""
    start = dt.datetime(2024, 3, 5, 7, 0)
    extra = [_user_profile(47), _hrv_summary(start - dt.timedelta(minutes=30)), _hr_data(start, 50, 49)]
    data = fit_bytes([run(120, feel=75, rpe=30)], start, 7200, extra=extra)
    fast = fit.decode_fit(data, "made.fit", "0" * 64)
    monkeypatch.setattr(fit, "_read_fast", lambda d: None)
    slow = fit.decode_fit(data, "made.fit", "0" * 64)
    for name in ("activities", "samples", "weights", "wellness"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name), check_exact=True)
    # the day's measured resting HR (49) is read; the profile's 47 is not, the file measured that day
    assert ("2024-03-05", C.RESTING_HR_BPM, 49.0, C.ORIGIN_FIT) in _rows(fast.wellness)
    assert ("2024-03-05", C.HRV_NIGHT_MS, 41.25, C.ORIGIN_FIT) in _rows(fast.wellness)
    assert not (fast.wellness[C.ORIGIN] == C.ORIGIN_FIT_FALLBACK).any()
    assert (fast.activities.iloc[0][C.FEEL], fast.activities.iloc[0][C.RPE]) == (75.0, 3.0)


def _with_raw_message(data: bytes, mesg: int, payload: bytes) -> bytes:
    """``data`` with one more message of global number ``mesg`` at the end: a definition
    (local type 15, one byte-array field 0 as long as ``payload``) and its data message;
    data size and CRCs set anew (FIT protocol)."""
    header_size = data[0]
    body = data[header_size:-2]
    extra = bytes([0x4F, 0, 0]) + struct.pack("<HB", mesg, 1) + bytes([0, len(payload), 0x0D])
    extra += b"\x0f" + payload
    head = bytearray(data[:header_size])
    head[4:8] = struct.pack("<I", len(body) + len(extra))
    if header_size == 14:
        head[12:14] = struct.pack("<H", fit_layout.crc16(bytes(head[:12])))
    out = bytes(head) + body + extra
    return out + struct.pack("<H", fit_layout.crc16(out))


def test_undocumented_messages_do_not_break_the_read():
    # 274 (a watch's raw sleep data) and 241, as in the real files, after a made night.
    data = _with_raw_message(_with_raw_message(_sleep_file(), 274, bytes(range(20))), 241, b"\x01\x02\x03")
    got = _decode(data)
    assert ("2024-03-05", C.SLEEP_S, 24900.0, C.ORIGIN_FIT) in _rows(got.wellness)


# --- the history ---------------------------------------------------------------------------


def _monitoring_file() -> bytes:
    at = dt.datetime(2024, 3, 5, 12, 0)  # no monitoring_info: UTC dates
    return messages_fit_bytes([_hr_data(at, 52, 50)], at)


def test_history_gets_daily_wellness_and_the_runs_ratings(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sleep.fit").write_bytes(_sleep_file())
    (folder / "hrv.fit").write_bytes(_hrv_file())
    (folder / "monitoring.fit").write_bytes(_monitoring_file())
    # a run on 2024-03-05 whose profile says 48: the monitoring file's 50 of that day wins;
    # a run on 2024-03-07 whose profile says 49: the only resting HR of that day, a
    # stand-in kept in History.wellness but not in the daily table (NOT_DAILY_ORIGINS).
    run1 = fit_bytes([run(900, feel=25, rpe=70)], dt.datetime(2024, 3, 5, 17, 0), 0, extra=[_user_profile(48)])
    run2 = fit_bytes([run(900)], dt.datetime(2024, 3, 7, 17, 0), 0, extra=[_user_profile(49)])
    (folder / "run1.fit").write_bytes(run1)
    (folder / "run2.fit").write_bytes(run2)
    history = read_history([folder], cache=tmp_path / "cache", workers=1, progress=False)

    daily = history.daily_wellness.set_index(C.DATE)
    day = daily.loc[pd.Timestamp("2024-03-05")]
    expected = {
        C.SLEEP_S: 24900.0,
        C.SLEEP_DEEP_S: 6000.0,
        C.SLEEP_LIGHT_S: 14700.0,
        C.SLEEP_REM_S: 4200.0,
        C.SLEEP_AWAKE_S: 1800.0,
        C.SLEEP_SCORE: 77.0,
        C.HRV_NIGHT_MS: 41.25,
        C.HRV_WEEKLY_MS: 45.5,
        C.HRV_BASELINE_LOW_MS: 43.0,
        C.HRV_BASELINE_HIGH_MS: 55.5,
        C.RESTING_HR_BPM: 50.0,
    }
    assert {k: day[k] for k in expected} == expected
    assert day[C.HRV_STATUS] == "low"
    assert day[C.RESTING_HR_BPM + C.SOURCE_SUFFIX].endswith("monitoring.fit")
    assert day[C.SLEEP_S + C.SOURCE_SUFFIX].endswith("sleep.fit")
    assert daily.at[pd.Timestamp("2024-03-06"), C.HRV_NIGHT_MS] == 35.25
    assert pd.Timestamp("2024-03-07") not in daily.index
    w = history.wellness
    kept = w[(w[C.DATE] == pd.Timestamp("2024-03-07")) & (w[C.METRIC] == C.RESTING_HR_BPM)]
    assert kept[C.VALUE].tolist() == [49.0] and kept[C.ORIGIN].tolist() == [C.ORIGIN_FIT_FALLBACK]
    assert kept[C.WELLNESS_SOURCE].iloc[0].endswith("run2.fit")

    acts = history.all_activities.set_index(C.SOURCE)
    rated = acts.loc[[s for s in acts.index if s.endswith("run1.fit")][0]]
    assert (rated[C.FEEL], rated[C.RPE], rated[C.RATING_SOURCE]) == (25.0, 7.0, "file")
    unrated = acts.loc[[s for s in acts.index if s.endswith("run2.fit")][0]]
    assert np.isnan(unrated[C.FEEL]) and np.isnan(unrated[C.RPE]) and unrated[C.RATING_SOURCE] == ""

    status = {Path(f.path).name: (f.status, f.reason) for f in history.files}
    assert status["sleep.fit"] == (
        C.IMPORTED,
        "sleep: 1 night (2024-03-05, 6 h 55 min asleep); sleep score: 77 (2024-03-05); "
        "dated by UTC: the file states no local time",
    )
    assert status["monitoring.fit"][0] == C.IMPORTED
    assert status["run1.fit"][0] == C.IMPORTED


def test_files_with_wellness_readings_are_the_ones_holds_wellness_names():
    """decode_fit reads wellness messages only where holds_wellness says the file has
    some: every file from which wellness_readings gets a reading or a note must be one."""
    from analyzer.importers.fit_messages import Clock, read_messages
    from analyzer.importers.fit_wellness import holds_wellness, wellness_readings

    paths = sorted((WELLNESS / "fit").glob("*.fit")) if WELLNESS.is_dir() else []
    made = [_sleep_file(), _hrv_file()]
    seen = 0
    for label, data in [*((p.name, p.read_bytes()) for p in paths), *(("made.fit", d) for d in made)]:
        others = read_messages(data)[2]
        table, notes = wellness_readings(others, Clock(others), label, None)
        if len(table) or notes:
            seen += 1
            assert holds_wellness(others), label
    assert seen >= len(made)
