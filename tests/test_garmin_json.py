"""Garmin Connect JSON: the bulk export's wellness and activity-summary files, and the
Connect API responses downloaders save.

* every real Connect API response (tests/data/garmin_api, garth's recorded calls) gives
  the values written here, read by hand from its JSON;
* a bulk-export tree made here in the layout of DOMAIN.md ("Wellness data: where it
  sits"; no real one with a licence exists), with REM missing on one night, an unknown
  key, nulls, weight in grams and sleepScores absent from one file, imported as a folder
  and as a zip: every file a status and reason, the day's values in
  History.daily_wellness, the kilograms in History.weights, and the summarizedActivities
  rating on the FIT run that starts when it says;
* malformed JSON, an unrelated JSON and the export's files heavylegs does not use each
  get a one-line reason.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analyzer import columns as C
from analyzer import read_history
from analyzer.errors import NotAnActivity, UnreadableExport
from analyzer.importers import decode, sniff
from analyzer.importers.garmin_common import MAX_JSON_BYTES

from . import fitmake

API = Path(__file__).resolve().parent / "data" / "garmin_api"
SHA = "0" * 64


def _api(stem: str):
    """The decoded real API response whose file name starts with ``stem``."""
    (path,) = sorted(API.glob(f"{stem}*.json"))
    return decode(path.read_bytes(), str(path), SHA)


def _values(decoded, date: str) -> dict:
    """{metric: value (text for a text metric)} of one date's readings."""
    w = decoded.wellness
    day = w[w[C.DATE] == pd.Timestamp(date)]
    return {
        m: (t if m in C.TEXT_METRICS else v) for m, v, t in zip(day[C.METRIC], day[C.VALUE], day[C.TEXT], strict=True)
    }


# --- the Connect API: every real file -------------------------------------------------


def test_api_sleep_2025_07_07_stages_score_and_resting_hr():
    d = _api("garth_test_daily_sleep_data_get__0__")
    assert d.kind == "wellness"
    assert d.note == "Garmin sleep: 1 night (2025-07-07)"
    assert set(d.wellness[C.ORIGIN]) == {C.ORIGIN_GARMIN_API}
    assert _values(d, "2025-07-07") == {
        C.SLEEP_S: 5280 + 13440 + 5460,  # deep + light + REM = sleepTimeSeconds 24180
        C.SLEEP_DEEP_S: 5280,
        C.SLEEP_LIGHT_S: 13440,
        C.SLEEP_REM_S: 5460,
        C.SLEEP_AWAKE_S: 420,
        C.SLEEP_SCORE: 83,  # sleepScores.overall.value
        C.RESTING_HR_BPM: 44,  # the response's restingHeartRate beside the night
    }


def test_api_sleep_all_null_day_yields_nothing():
    with pytest.raises(NotAnActivity) as err:
        _api("garth_test_daily_sleep_data_get__1__")
    assert err.value.reason == "Garmin sleep: no reading heavylegs uses in its 1 entry"


def test_api_older_sleep_endpoint_2021_without_scores():
    d = _api("garth_test_sleep_data_get__1__")
    assert _values(d, "2021-07-20") == {
        C.SLEEP_S: 4440 + 18720 + 2580,  # = sleepTimeSeconds 25740
        C.SLEEP_DEEP_S: 4440,
        C.SLEEP_LIGHT_S: 18720,
        C.SLEEP_REM_S: 2580,
        C.SLEEP_AWAKE_S: 1800,
    }


def test_api_daily_sleep_scores_list():
    d = _api("garth_test_daily_sleep__0__")
    assert d.note == "Garmin sleep scores: 20 nights (2023-07-01..2023-07-20)"
    scores = d.wellness.set_index(C.DATE)[C.VALUE]
    assert list(d.wellness[C.METRIC].unique()) == [C.SLEEP_SCORE]
    assert len(scores) == 20
    assert scores[pd.Timestamp("2023-07-01")] == 60
    assert scores[pd.Timestamp("2023-07-06")] == 28
    assert scores[pd.Timestamp("2023-07-17")] == 94
    assert scores[pd.Timestamp("2023-07-20")] == 68
    assert (
        scores.sum()
        == 60 + 70 + 82 + 75 + 70 + 28 + 79 + 70 + 77 + 87 + 64 + 58 + 71 + 80 + 69 + 71 + 94 + 77 + 80 + 68
    )


def test_api_hrv_2023_07_20():
    d = _api("garth_test_hrv_data_get__0__")
    assert d.note == "Garmin HRV: 1 night (2023-07-20)"
    assert _values(d, "2023-07-20") == {
        C.HRV_NIGHT_MS: 42,
        C.HRV_WEEKLY_MS: 39,
        C.HRV_BASELINE_LOW_MS: 39,
        C.HRV_BASELINE_HIGH_MS: 52,
        C.HRV_STATUS: "balanced",
    }


def test_api_hrv_daily_twenty_nights():
    d = _api("garth_test_daily_hrv__0__")
    assert d.note == "Garmin HRV: 20 nights (2023-07-01..2023-07-20)"
    assert _values(d, "2023-07-18") == {
        C.HRV_NIGHT_MS: 40,
        C.HRV_WEEKLY_MS: 39,
        C.HRV_BASELINE_LOW_MS: 40,
        C.HRV_BASELINE_HIGH_MS: 52,
        C.HRV_STATUS: "unbalanced",
    }
    assert _values(d, "2023-07-02")[C.HRV_BASELINE_HIGH_MS] == 51
    nights = d.wellness[d.wellness[C.METRIC] == C.HRV_NIGHT_MS][C.VALUE].tolist()
    assert nights == [43, 44, 48, 40, 40, 46, 44, 40, 43, 41, 46, 38, 41, 37, 37, 37, 41, 40, 43, 42]


def test_api_daily_summary_and_daily_heart_rate_resting_hr():
    summary = _api("garth_test_daily_summary_get__2__")
    assert _values(summary, "2025-06-14") == {C.RESTING_HR_BPM: 51}  # not lastSevenDaysAvg (50)
    heart = _api("garth_test_daily_heart_rate_get__0__")
    assert _values(heart, "2026-01-07") == {C.RESTING_HR_BPM: 52}  # not lastSevenDaysAvg (51)
    assert heart.note == "Garmin daily summaries: 1 day (2026-01-07)"


def test_api_weight_dayview_grams_to_kg():
    d = _api("garth_test_get_daily_weight_data__0__")
    assert d.kind == "weight"
    assert d.weights[C.WEIGHT_KG].tolist() == [59.72]  # 59720.0 g
    # timestampGMT 1749996876000 ms
    assert d.weights[C.TIMESTAMP].tolist() == [pd.Timestamp("2025-06-15 14:14:36", tz="UTC")]


def test_api_weight_range_every_reading_of_the_range():
    d = _api("garth_test_weight_data_list__0__")
    assert d.note == "Garmin weight: 4 readings (2025-06-07..2025-06-15)"
    assert d.weights[C.WEIGHT_KG].tolist() == [59.189, 59.13, 59.5, 59.72]  # not previousDateWeight 58.7
    assert d.weights[C.TIMESTAMP].iloc[0] == pd.Timestamp(1749307658000, unit="ms", tz="UTC")
    assert d.weights[C.TIMESTAMP].iloc[2] == pd.Timestamp(1749948725175, unit="ms", tz="UTC")


def test_api_hydration_daily_and_log():
    daily = _api("garth_test_daily_hydration__0__")
    assert _values(daily, "2024-06-29") == {C.FLUIDS_L: 1.75}
    log = _api("garth_test_daily_hydration_log__1__")
    assert _values(log, "2026-01-09") == {C.FLUIDS_L: 1.0, C.SWEAT_LOSS_L: 0.582}


def test_api_activity_feel_and_rpe_with_its_start():
    d = _api("garth_test_activity_get__1__")
    assert d.kind == "wellness" and d.activities.empty
    (row,) = d.ratings.to_dict("records")
    assert row[C.START_UTC] == pd.Timestamp("2026-01-08 14:10:21", tz="UTC")  # summaryDTO.startTimeGMT
    assert row[C.FEEL] == 25  # directWorkoutFeel
    assert row[C.RPE] == 3.0  # directWorkoutRpe 30 / 10
    assert d.note.startswith("Garmin activity ratings: 1 of 1 activity rated (2026-01-08)")


def test_api_activity_list_without_ratings_says_so():
    with pytest.raises(NotAnActivity) as err:
        _api("garth_test_activity_get__0__")
    assert "none of its 1 activity rated" in err.value.reason


def test_api_folder_through_read_history(tmp_path):
    history = read_history([API], cache=tmp_path / "cache", progress=False)
    assert len(history.files) == 14
    statuses = {Path(f.path).name.split("__")[0] + "__" + Path(f.path).name.split("__")[1]: f for f in history.files}
    for f in history.files:
        assert f.status and f.reason and "\n" not in f.reason
    assert statuses["garth_test_daily_sleep_data_get__1"].status == C.SKIPPED
    assert statuses["garth_test_activity_get__0"].status == C.SKIPPED
    assert statuses["garth_test_weight_data_list__0"].status == C.NOT_RUN  # a weight file, as FIT weight files
    daily = history.daily_wellness.set_index(C.DATE)
    assert daily.loc["2025-07-07", C.SLEEP_S] == 24180
    assert daily.loc["2023-07-20", C.HRV_NIGHT_MS] == 42
    assert daily.loc["2023-07-20", C.SLEEP_SCORE] == 68
    assert daily.loc["2025-06-14", C.RESTING_HR_BPM] == 51
    assert daily.loc["2026-01-09", C.SWEAT_LOSS_L] == 0.582
    assert sorted(history.weights[C.WEIGHT_KG].round(3).tolist()) == [59.13, 59.189, 59.5, 59.72, 59.72]
    assert history.ratings[C.FEEL].tolist() == [25.0]


# --- a bulk export made in the layout of DOMAIN.md -------------------------------------

RUN_START = dt.datetime(2026, 6, 3, 5, 30, 0)
RUN_START_MS = int(RUN_START.replace(tzinfo=dt.UTC).timestamp() * 1000)
WEIGH_MS = int(dt.datetime(2026, 6, 2, 6, 45, tzinfo=dt.UTC).timestamp() * 1000)

SLEEP_NEW = [
    {
        "calendarDate": "2026-06-02",
        "sleepStartTimestampGMT": "2026-06-01T21:40:00.0",
        "sleepEndTimestampGMT": "2026-06-02T05:00:00.0",
        "deepSleepSeconds": 3600,
        "lightSleepSeconds": 14400,
        "remSleepSeconds": 5400,
        "awakeSleepSeconds": 600,
        "unmeasurableSeconds": 0,
        "awakeCount": 1,
        "avgSleepStress": None,
        "sleepScores": {"overallScore": 80, "durationScore": 85, "qualityScore": 78},
        "someFutureField": {"nested": [1, 2, 3]},
    },
    {  # REM absent
        "calendarDate": "2026-06-03",
        "sleepStartTimestampGMT": "2026-06-02T23:00:00.0",
        "sleepEndTimestampGMT": "2026-06-03T04:15:00.0",
        "deepSleepSeconds": 3000,
        "lightSleepSeconds": 12000,
        "awakeSleepSeconds": 900,
        "sleepScores": {"overallScore": 55},
    },
    {  # deep sleep null
        "calendarDate": "2026-06-04",
        "sleepStartTimestampGMT": "2026-06-03T22:00:00.0",
        "sleepEndTimestampGMT": "2026-06-04T05:40:00.0",
        "deepSleepSeconds": None,
        "lightSleepSeconds": 10800,
        "remSleepSeconds": 1800,
        "awakeSleepSeconds": 0,
        "sleepScores": {"overallScore": 61},
    },
    {  # not worn: no stages
        "calendarDate": "2026-06-06",
        "sleepStartTimestampGMT": "2026-06-05T22:00:00.0",
        "sleepEndTimestampGMT": "2026-06-06T06:00:00.0",
        "unmeasurableSeconds": 28800,
    },
]
#: an older export's file: no sleepScores at all
SLEEP_OLD = [
    {
        "calendarDate": "2026-06-05",
        "sleepStartTimestampGMT": "2026-06-04T22:00:00.0",
        "sleepEndTimestampGMT": "2026-06-05T05:20:00.0",
        "deepSleepSeconds": 4000,
        "lightSleepSeconds": 15000,
        "remSleepSeconds": 6000,
        "awakeSleepSeconds": 300,
    }
]
HEALTH = [
    {
        "calendarDate": "2026-06-02",
        "createTimestampUTC": "2026-06-02T05:10:00.0",
        "metrics": [
            {
                "type": "HRV",
                "value": 48.0,
                "baselineLowerLimit": 42.0,
                "baselineUpperLimit": 58.0,
                "status": "IN_RANGE",
            },
            {"type": "HR", "value": 50.0, "baselineLowerLimit": 46.0, "baselineUpperLimit": 55.0},
            {"type": "SPO2", "value": 95.0},
        ],
    },
    {"calendarDate": "2026-06-03", "metrics": [{"type": "HRV", "value": 39.0, "baselineLowerLimit": 42.0}]},
    {"calendarDate": "2026-06-04", "metrics": None},
]
UDS = [
    {
        "calendarDate": "2026-06-02",
        "restingHeartRate": 48,
        "currentDayRestingHeartRate": 47,
        "minHeartRate": 44,
        "totalSteps": 10412,
        "allDayStress": {"aggregatorList": [{"type": "TOTAL", "averageStressLevel": 31}]},
        "bodyBattery": {"chargedValue": 60},
        "hydration": {"valueInML": 2250.0, "sweatLossInML": 640.0, "goalInML": 2500.0},
    },
    {"calendarDate": "2026-06-03", "currentDayRestingHeartRate": 51, "hydration": {"valueInML": 0.0}},
    {"calendarDate": "2026-06-04", "restingHeartRate": None, "currentDayRestingHeartRate": None, "totalSteps": 800},
]
HYDRATION_LOG = [
    {"calendarDate": "2026-06-05", "valueInML": 500.0, "hydrationSource": "MANUAL"},
    {"calendarDate": "2026-06-05", "valueInML": 750.0, "estimatedSweatLossInML": 300.0, "hydrationSource": "ACTIVITY"},
    {"calendarDate": "2026-06-06", "valueInML": 1000.0, "estimatedSweatLossInML": None},
]
BIOMETRICS = [
    {"metaData": {"calendarDate": "2026-06-02T00:00:00.0"}, "weight": {"weight": 87100.0, "timestampGMT": WEIGH_MS}},
    {"metaData": {"calendarDate": "2026-06-04T00:00:00.0"}, "weight": {"weight": 86800.0, "sourceType": "MANUAL"}},
    {"metaData": {"calendarDate": "2026-06-04T00:00:00.0"}, "height": 180.0},
]
ACTIVITIES = [
    {
        "summarizedActivitiesExport": [
            {
                "activityId": 111,
                "name": "Easy run",
                "activityType": "running",
                "startTimeGmt": float(RUN_START_MS),
                "startTimeLocal": float(RUN_START_MS + 2 * 3600 * 1000),
                "duration": 1800000.0,
                "distance": 540000.0,
                "workoutFeel": 25,
                "workoutRpe": 80,
            },
            {"activityId": 112, "name": "Ride", "startTimeGmt": float(RUN_START_MS + 86400000), "workoutFeel": None},
        ]
    }
]

WELL = "DI_CONNECT/DI-Connect-Wellness/"
EXPORT_FILES = {
    WELL + "2026-05-01_2026-08-09_4711_sleepData.json": SLEEP_NEW,
    WELL + "2020-01-01_2020-04-10_4711_sleepData.json": SLEEP_OLD,
    WELL + "2026-05-01_2026-08-09_4711_healthStatusData.json": HEALTH,
    WELL + "4711_userBioMetrics.json": BIOMETRICS,
    WELL + "2026-05-01_2026-08-09_4711_fitnessAgeData.json": [{"calendarDate": "2026-06-02", "fitnessAge": 31}],
    "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2026-05-01_2026-08-09.json": UDS,
    "DI_CONNECT/DI-Connect-Aggregator/HydrationLogFile_2026-05-01_2026-08-09.json": HYDRATION_LOG,
    "DI_CONNECT/DI-Connect-Fitness/runner@example.com_0_summarizedActivities.json": ACTIVITIES,
    "DI_CONNECT/DI-Connect-Fitness/runner@example.com_personalRecord.json": [{"personalRecordType": 3, "value": 1500}],
    "DI_CONNECT/DI-Connect-User/user_profile.json": {"userName": "runner", "weight": 87100.0},
}


def _export_bytes() -> dict[str, bytes]:
    out = {name: json.dumps(doc, indent=2).encode() for name, doc in EXPORT_FILES.items()}
    run = fitmake.fit_bytes([fitmake.run(900, speed=3.0)], RUN_START)
    out["DI_CONNECT/DI-Connect-Uploaded-Files/run_2026-06-03.fit"] = run
    return out


def _as_folder(root: Path) -> Path:
    for name, data in _export_bytes().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _as_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in _export_bytes().items():
            z.writestr(name, data)
    return path


#: (status, reason) of every file of the made export, by its name's end.
EXPECTED_FILES = {
    "2026-05-01_2026-08-09_4711_sleepData.json": (
        C.IMPORTED,
        "Garmin sleep: 3 nights (2026-06-02..2026-06-04); 1 of 4 entries without a reading heavylegs uses",
    ),
    "2020-01-01_2020-04-10_4711_sleepData.json": (C.IMPORTED, "Garmin sleep: 1 night (2026-06-05)"),
    "_healthStatusData.json": (
        C.IMPORTED,
        "Garmin health status (HRV): 2 days (2026-06-02..2026-06-03); 1 of 3 entries without a reading heavylegs uses",
    ),
    "_userBioMetrics.json": (C.NOT_RUN, "Garmin weight: 2 readings (2026-06-02..2026-06-04)"),
    "_fitnessAgeData.json": (C.SKIPPED, "Garmin export file heavylegs does not use (fitness age)"),
    "UDSFile_2026-05-01_2026-08-09.json": (
        C.IMPORTED,
        "Garmin daily summaries: 2 days (2026-06-02..2026-06-03); 1 of 3 entries without a reading heavylegs uses",
    ),
    "HydrationLogFile_2026-05-01_2026-08-09.json": (C.IMPORTED, "Garmin hydration: 2 days (2026-06-05..2026-06-06)"),
    "_summarizedActivities.json": (
        C.IMPORTED,
        "Garmin activity ratings: 1 of 2 activities rated (2026-06-03), matched to the activity files by start time",
    ),
    "_personalRecord.json": (C.SKIPPED, "Garmin export file heavylegs does not use (personal records)"),
    "user_profile.json": (C.SKIPPED, "Garmin export file heavylegs does not use (user profile)"),
    "run_2026-06-03.fit": (C.IMPORTED, ""),
}


@pytest.fixture(scope="module", params=["folder", "zip"])
def export_history(request, tmp_path_factory):
    """The made export read once as an unpacked folder and once as the zip."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    if request.param == "folder":
        inputs = _as_folder(tmp_path / "export")
    else:
        inputs = _as_zip(tmp_path / "export.zip")
    return read_history([inputs], cache=tmp_path / "cache", workers=1, progress=False)


def test_export_every_file_has_its_status_and_reason(export_history):
    assert len(export_history.files) == len(EXPECTED_FILES)
    for f in export_history.files:
        (key,) = [k for k in EXPECTED_FILES if f.path.endswith(k)]
        assert (f.status, f.reason) == EXPECTED_FILES[key], f.path


def test_export_daily_wellness_values(export_history):
    daily = export_history.daily_wellness.set_index(C.DATE)
    d2, d3, d4, d5, d6 = (daily.loc[pd.Timestamp(f"2026-06-0{i}")] for i in range(2, 7))
    assert (d2[C.SLEEP_S], d2[C.SLEEP_DEEP_S], d2[C.SLEEP_LIGHT_S], d2[C.SLEEP_REM_S]) == (23400, 3600, 14400, 5400)
    assert (d2[C.SLEEP_AWAKE_S], d2[C.SLEEP_SCORE]) == (600, 80)
    assert (d2[C.HRV_NIGHT_MS], d2[C.HRV_BASELINE_LOW_MS], d2[C.HRV_BASELINE_HIGH_MS]) == (48, 42, 58)
    assert d2[C.HRV_STATUS] == ""  # 'IN_RANGE' is no HRV status word
    assert d2[C.RESTING_HR_BPM] == 48  # UDS restingHeartRate; not the health status 'HR' 50
    assert (d2[C.FLUIDS_L], d2[C.SWEAT_LOSS_L]) == (2.25, 0.64)
    assert d2[C.WELLNESS_WEIGHT_KG] == 87.1
    assert d2[C.SLEEP_S + C.SOURCE_SUFFIX].endswith("2026-05-01_2026-08-09_4711_sleepData.json")
    # REM absent: sleep is deep + light
    assert (d3[C.SLEEP_S], d3[C.SLEEP_SCORE]) == (15000, 55) and math.isnan(d3[C.SLEEP_REM_S])
    assert d3[C.RESTING_HR_BPM] == 51  # currentDayRestingHeartRate
    assert (d3[C.HRV_NIGHT_MS], d3[C.HRV_BASELINE_LOW_MS]) == (39, 42) and math.isnan(d3[C.HRV_BASELINE_HIGH_MS])
    assert math.isnan(d3[C.FLUIDS_L])  # 0 mL: nothing logged
    # deep sleep null: sleep is light + REM
    assert d4[C.SLEEP_S] == 12600 and math.isnan(d4[C.SLEEP_DEEP_S]) and math.isnan(d4[C.RESTING_HR_BPM])
    assert d4[C.WELLNESS_WEIGHT_KG] == 86.8
    # the older file without sleepScores
    assert d5[C.SLEEP_S] == 25000 and math.isnan(d5[C.SLEEP_SCORE])
    assert (d5[C.FLUIDS_L], d5[C.SWEAT_LOSS_L]) == (1.25, 0.3)  # 500 + 750 mL, 300 mL
    assert d6[C.FLUIDS_L] == 1.0 and math.isnan(d6[C.SLEEP_S])
    assert set(export_history.wellness[C.ORIGIN]) == {C.ORIGIN_GARMIN_EXPORT}


def test_export_weights_in_kg(export_history):
    w = export_history.weights.sort_values(C.TIMESTAMP)
    assert w[C.WEIGHT_KG].tolist() == [87.1, 86.8]
    assert w[C.TIMESTAMP].tolist() == [
        pd.Timestamp("2026-06-02 06:45", tz="UTC"),  # the record's timestampGMT
        pd.Timestamp("2026-06-04 12:00", tz="UTC"),  # no time: noon UTC of its calendarDate
    ]
    assert all(s.endswith("4711_userBioMetrics.json") for s in w[C.SOURCE])


def test_export_rating_lands_on_the_fit_run(export_history):
    (run,) = export_history.runs.to_dict("records")
    assert run[C.FEEL] == 25  # workoutFeel
    assert run[C.RPE] == 8.0  # workoutRpe 80 / 10
    assert run[C.RATING_SOURCE].endswith("runner@example.com_0_summarizedActivities.json")
    assert run[C.START_UTC] == pd.Timestamp(RUN_START, tz="UTC")


# --- what is not read --------------------------------------------------------------


def test_malformed_json_names_line_and_column():
    data = b'[\n  {"calendarDate": "2026-06-02",\n   "deepSleepSeconds": 3600,,}\n]'
    with pytest.raises(UnreadableExport) as err:
        decode(data, "x/2026_4711_sleepData.json", SHA)
    assert err.value.reason == "malformed JSON at line 3 column 29: Expecting property name enclosed in double quotes"
    with pytest.raises(UnreadableExport) as err:
        decode(b"<html><body>Too many requests</body></html>", "sleep_2026-06-02.json", SHA)
    assert err.value.reason == (
        "malformed JSON at line 1 column 1: Expecting value (an HTML or XML page saved as .json?)"
    )


def test_unrelated_json_and_odd_documents_give_one_line_reasons():
    cases = {
        b'{"name": "heavylegs", "version": "1.0", "dependencies": {}}': (
            "JSON file heavylegs does not read: not a Garmin Connect sleep, HRV, heart-rate, "
            "weight, hydration or activity-rating file"
        ),
        b"42": "JSON file with no objects in it: heavylegs reads Garmin Connect JSON only",
        b"[]": "JSON file with no objects in it: heavylegs reads Garmin Connect JSON only",
        b'\xef\xbb\xbf [{"calendarDate": "2026-06-02", "value": 71}]': (
            "JSON file heavylegs does not read: not a Garmin Connect sleep, HRV, heart-rate, "
            "weight, hydration or activity-rating file"
        ),  # a {calendarDate, value} list is read as sleep scores only when named 'sleep'
    }
    for data, reason in cases.items():
        with pytest.raises(NotAnActivity) as err:
            decode(data, "downloads/package.json", SHA)
        assert err.value.reason == reason


def test_named_export_file_of_another_shape_is_unreadable_and_empty_one_says_so():
    with pytest.raises(UnreadableExport) as err:
        decode(b'{"foo": 1}', "DI_CONNECT/DI-Connect-Wellness/1_sleepData.json", SHA)
    assert err.value.reason == "named like a Garmin sleep export file but not laid out like one"
    assert not isinstance(err.value, NotAnActivity)
    with pytest.raises(NotAnActivity) as err:
        decode(b"[]", "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2026.json", SHA)
    assert err.value.reason == "Garmin daily summaries: no entries"


def test_sniff_json_by_extension_and_size_limit():
    assert sniff(b'{"a": 1}', "a.json") == "json"
    assert sniff(b"\xef\xbb\xbf\r\n  [1]", "A.JSON") == "json"
    assert sniff(b"not json", "a.json") == "json"  # the JSON importer says where it breaks
    with pytest.raises(NotAnActivity):
        sniff(b'{"a": 1}', "a.txt")
    big = b"[" + b" " * MAX_JSON_BYTES + b"]"
    with pytest.raises(UnreadableExport) as err:
        decode(big, "big.json", SHA)
    assert err.value.reason == "JSON file larger than 64 MiB (size limit)"


def test_deeply_nested_json_is_refused_with_a_reason():
    with pytest.raises(UnreadableExport) as err:
        decode(b"[" * 200_000 + b"]" * 200_000, "deep.json", SHA)
    assert err.value.reason == "JSON nested deeper than the parser allows (not a Garmin file)"


def test_malformed_and_unrelated_json_in_a_batch(tmp_path):
    (tmp_path / "broken_sleepData.json").write_bytes(b'[{"calendarDate": "2026-06-02"')
    (tmp_path / "package.json").write_bytes(b'{"name": "x"}')
    history = read_history([tmp_path], cache=tmp_path / "cache", progress=False)
    reasons = {Path(f.path).name: (f.status, f.reason) for f in history.files}
    assert reasons["broken_sleepData.json"] == (
        C.SKIPPED,
        "malformed JSON at line 1 column 31: Expecting ',' delimiter",
    )
    assert reasons["package.json"][0] == C.SKIPPED
    assert reasons["package.json"][1].startswith("JSON file heavylegs does not read")
