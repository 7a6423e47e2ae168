"""Strava's Weather Temperature: the air temperature of an activity.

* the gear table reads it from the current export (NaN in the old one, blank, not a
  number, or outside the air temperatures recorded on Earth);
* the real current-format CSV agrees with the csv module, row by row;
* an activity made from a CSV row takes its row's value, an activity read from a file
  the value of the row matched to it (by file name, else the nearest start within
  GEAR_MATCH_S); files alone give NaN;
* the heat detector takes the weather's air temperature before the watch's sensor: a
  drifting long run whose CSV row says 28 degC is a MEDIUM heat finding naming Strava's
  weather; the same run without the row stays LOW, "no temperature recorded".
"""

from __future__ import annotations

import csv
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer import read_history
from analyzer.detectors.context import Context
from analyzer.detectors.heat_dehydration import HEAT_SOURCE, NO_TEMPERATURE_ADVICE, HeatDehydration
from analyzer.importers.gear import AIR_TEMPERATURE_RANGE_C, decode_gear_csv
from analyzer.ingest.strava_rows import matched_weather, rows_read_from_files

from . import fitmake
from .conftest import REAL, requires_real
from .fakes import DAY0, FakeHistory, activities, activity, on_days
from .test_detectors import _samples

OTHER = REAL / "other"

#: Strava's current schema (two "Elapsed Time" and two "Distance" columns, display km and
#: metres) with its three temperatures: the weather service's air and apparent
#: temperature, and the device's average.
HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,"
    "Activity Gear,Filename,Elapsed Time,Moving Time,Distance,Average Temperature,Weather Temperature,"
    "Apparent Temperature"
)


def _csv_text(rows) -> str:
    """A current-format activities.csv of (id, UTC date as Strava writes it, type,
    elapsed [s], metres, filename, Weather Temperature cell); the device's average is
    33 degC and the apparent temperature 31.5 degC on every row (never to be read)."""
    lines = [HEADER]
    for sid, date, kind, secs, metres, fn, weather in rows:
        lines.append(
            f'{sid},"{date}",{kind} {sid},{kind},,{secs},{metres / 1000:.2f},Shoe,{fn},{secs},{secs},{metres},'
            f"33.0,{weather},31.5"
        )
    return "\n".join(lines) + "\n"


# --- the gear table ------------------------------------------------------------------


def test_gear_table_reads_weather_temperature_and_leaves_what_is_not_air_temperature_nan():
    rows = [
        (1, "Jul 6, 2024, 6:00:00 AM", "Run", 4500, 15000.0, "", "28.0"),
        (2, "Jul 7, 2024, 6:00:00 AM", "Run", 3600, 10000.0, "", ""),  # blank
        (3, "Jul 8, 2024, 6:00:00 AM", "Run", 3600, 10000.0, "", "75"),  # above 60 degC: no air on Earth
        (4, "Jul 9, 2024, 6:00:00 AM", "Run", 3600, 10000.0, "", "-95"),  # below -90 degC
        (5, "Jul 10, 2024, 6:00:00 AM", "Run", 3600, 10000.0, "", "warm"),  # not a number
        (6, "Jul 11, 2024, 6:00:00 AM", "Run", 3600, 10000.0, "", '"3,5"'),  # a decimal comma is not guessed
        (7, "Jan 12, 2024, 6:00:00 AM", "Run", 3600, 10000.0, "", " -3.5 "),
        (8, "Jul 13, 2024, 6:00:00 AM", "Run", 3600, 10000.0, "", "60"),  # the range's bound is in it
    ]
    gear = decode_gear_csv(_csv_text(rows).encode(), "activities.csv")
    got = gear["weather_temperature_c"].tolist()
    assert got[0] == 28.0 and got[6] == -3.5 and got[7] == 60.0
    assert all(math.isnan(v) for v in got[1:6])
    assert gear["weather_temperature_c"].dtype == "float64"
    assert AIR_TEMPERATURE_RANGE_C == (-90.0, 60.0)


def test_old_export_and_a_current_one_without_the_column_give_nan():
    old = (
        "id,date,name,type,description,elapsed_time,distance,commute,gear,filename\n"
        "1,2016-05-01 07:00:00,Morning Run,Run,,3600,10000,false,Shoe,activities/1.gpx\n"
    )
    gear = decode_gear_csv(old.encode(), "activities.csv")
    assert math.isnan(gear.loc[0, "weather_temperature_c"]) and gear.loc[0, "distance_m"] == 10000.0
    # A current export without the three temperature columns (a hand-trimmed file).
    full = _csv_text([(1, "Jul 6, 2024, 6:00:00 AM", "Run", 3600, 10000.0, "", "28.0")])
    trimmed = "\n".join(line.rsplit(",", 3)[0] for line in full.splitlines()) + "\n"
    gear = decode_gear_csv(trimmed.encode(), "activities.csv")
    assert "Weather Temperature" not in trimmed and math.isnan(gear.loc[0, "weather_temperature_c"])


@requires_real
def test_real_csv_weather_temperature_agrees_with_the_csv_module():
    path = OTHER / "CarlArthur01__strava-export-activities-with-gear.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))  # "Weather Temperature" is one column of the header
    (row,) = [r for r in rows if r["Activity Date"] == "Oct 24, 2024, 5:48:00 PM"]
    assert row["Activity Type"] == "Run" and row["Weather Temperature"] == "11.8"
    gear = decode_gear_csv(path.read_bytes(), str(path))
    (ours,) = gear.loc[gear["start_utc"] == pd.Timestamp("2024-10-24 17:48:00", tz="UTC"), "weather_temperature_c"]
    assert ours == 11.8
    # Every row: the CSV's number where it gives one (all within the air range), else NaN.
    expected = [float(r["Weather Temperature"]) if r["Weather Temperature"] else math.nan for r in rows]
    assert gear["weather_temperature_c"].tolist() == pytest.approx(expected, nan_ok=True)
    assert sum(not math.isnan(v) for v in expected) == 91


# --- activities: their row's, or the matched row's, air temperature ---------------------


def test_file_activities_take_the_matched_rows_temperature():
    day = lambda d: DAY0 + pd.Timedelta(days=d)  # noqa: E731
    read = activities(
        [
            activity(start=day(1), i=0, source="/x/export/activities/55.fit.gz"),  # 2 Jan, 07:00 UTC
            activity(start=day(4), i=1, source="/x/watch/run.gpx"),  # 5 Jan, 07:00
            activity(start=day(7), i=2, source="/x/watch/b.fit"),  # 8 Jan, 07:00
            activity(start=day(9), i=3, source="/x/watch/c.fit"),  # 10 Jan, 07:00
        ]
    )
    rows = [
        # 2 Jan: its row by file name (3 h off: the name decides), and a row 30 s from it:
        # the file name wins over the nearer start.
        (55, "Jan 2, 2024, 10:00:00 AM", "Run", 3600, 10000.0, "activities/55.fit.gz", "12.0"),
        (56, "Jan 2, 2024, 7:00:30 AM", "Run", 3600, 10000.0, "", "14.0"),
        # 5 Jan: two rows within 2 min, 90 s and 10 s off: the nearer one.
        (60, "Jan 5, 2024, 7:01:30 AM", "Run", 3600, 10000.0, "", "20.0"),
        (61, "Jan 5, 2024, 6:59:50 AM", "Run", 3600, 10000.0, "", "21.0"),
        # 8 Jan: the nearer row (10 s) has no temperature; the one 60 s off has.
        (70, "Jan 8, 2024, 7:00:10 AM", "Run", 3600, 10000.0, "", ""),
        (71, "Jan 8, 2024, 7:01:00 AM", "Run", 3600, 10000.0, "", "5.0"),
        # 10 Jan: a row 3 min off is another activity.
        (80, "Jan 10, 2024, 7:03:00 AM", "Ride", 3600, 20000.0, "", "30.0"),
    ]
    gear = decode_gear_csv(_csv_text(rows).encode(), "activities.csv")
    got = matched_weather(gear, read)
    assert got[:3].tolist() == [12.0, 21.0, 5.0] and math.isnan(got[3])
    # The same matching says which rows were read from files.
    assert rows_read_from_files(gear, read).tolist() == [True] * 6 + [False]
    assert matched_weather(gear.iloc[:0], read).tolist() == pytest.approx([np.nan] * 4, nan_ok=True)


#: The run of the file below: 70 min at 3 m/s (12.6 km) from 06:00 UTC on 6 Jul 2024,
#: heart rate 150 bpm to 2100 s of moving time and 160 after (no temperature recorded):
#: decoupling = (3/150 - 3/160) / (3/150) = 1 - 150/160 = 6.25 %.
RUN_START = dt.datetime(2024, 7, 6, 6, 0, 0)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """A Strava export: activities/123.fit (the run above) and an activities.csv whose
    row for it says 28 degC (Weather Temperature), beside a row without a file."""
    folder = tmp_path_factory.mktemp("export")
    leg = fitmake.run(4200, speed=3.0, hr=150.0)
    leg.heart_rate[2101:] = 160.0
    (folder / "activities").mkdir()
    (folder / "activities" / "123.fit").write_bytes(fitmake.fit_bytes([leg], RUN_START))
    rows = [
        (123, "Jul 6, 2024, 6:00:00 AM", "Run", 4200, 12600.0, "activities/123.fit", "28.0"),
        (124, "Jul 8, 2024, 6:00:00 AM", "Run", 1800, 5000.0, "", "19.5"),
        (125, "Jul 9, 2024, 6:00:00 AM", "Run", 1800, 5000.0, "", ""),
    ]
    (folder / "activities.csv").write_text(_csv_text(rows), encoding="utf-8")
    return folder


def test_activities_take_their_rows_weather_temperature(export, tmp_path):
    h = read_history([export], cache=tmp_path / "cache", progress=False)
    acts = h.activities.set_index(C.SOURCE)
    fit = acts.loc[str(export / "activities" / "123.fit")]
    assert fit[C.FORMAT] == "fit" and fit[C.WEATHER_TEMPERATURE_C] == 28.0
    csv_label = str(export / "activities.csv")
    assert acts.loc[f"{csv_label} (Strava activity 124)", C.WEATHER_TEMPERATURE_C] == 19.5
    assert math.isnan(acts.loc[f"{csv_label} (Strava activity 125)", C.WEATHER_TEMPERATURE_C])
    assert len(acts) == 3  # the FIT's row is not added a second time
    # The file alone: no air temperature.
    (alone,) = read_history([export / "activities"], cache=tmp_path / "cache", progress=False).activities[
        C.WEATHER_TEMPERATURE_C
    ]
    assert math.isnan(alone)


# --- the heat detector -------------------------------------------------------------------


def _heat(history):
    return HeatDehydration().run(Context(history))


def test_a_drifting_run_at_28_degc_of_air_is_a_medium_heat_finding_naming_strava(export, tmp_path):
    (f,) = _heat(read_history([export], cache=tmp_path / "cache", progress=False))
    assert f.severity == "medium"  # 6.25 % drift: over 5 %, not over 10 %
    ev = {e.metric: e for e in f.evidence}
    assert ev["aerobic decoupling"].value == pytest.approx(6.25, abs=0.05)
    air = ev["air temperature (Strava's weather)"]
    assert (air.value, air.unit) == (28.0, "degC")
    assert air.source == f"Strava's Weather Temperature (air, from a weather service); threshold: {HEAT_SOURCE}"
    assert "mean temperature" not in ev
    # 6.25 % is said to one decimal: 6.2 or 6.3 as the sum of the samples rounds.
    assert f.message.startswith(
        "On the 12.6 km run of 06 Jul 2024 at 28 degC (Strava's weather: air temperature) your heart rate drifted 6."
    )
    assert f.message.endswith(" % against pace: a sign of heat strain or dehydration.")
    assert f.advice != NO_TEMPERATURE_ADVICE


def test_the_same_run_without_its_row_stays_low_with_no_temperature(export, tmp_path):
    (f,) = _heat(read_history([export / "activities"], cache=tmp_path / "cache", progress=False))
    assert f.severity == "low"
    assert "with no temperature recorded" in f.message and "fatigue" in f.message
    assert {e.metric: e.value for e in f.evidence}["mean temperature"] is None
    assert f.advice == NO_TEMPERATURE_ADVICE


@pytest.mark.parametrize(
    ("weather", "watch", "expected"),
    [
        (20.0, 30.0, None),  # the air was 20 degC: the warm sensor does not make it heat
        (26.0, np.nan, "Strava's weather: air temperature"),
        (np.nan, 27.0, "the watch's sensor: worn on the wrist, it reads warmer than the air"),
    ],
)
def test_the_weathers_air_temperature_comes_before_the_watchs(weather, watch, expected):
    # 70 min at 3 m/s, heart rate 150 then 160 bpm (test_detectors' builder): a drift over 5 %.
    runs = on_days([(0, 12_600.0)], hours=70 / 60, weather_temperature_c=weather)
    found = _heat(FakeHistory(runs, _samples("r0", DAY0, 70, 150.0, 160.0, watch)))
    if expected is None:
        assert found == []
        return
    (f,) = found
    assert f.severity == "medium" and f"({expected})" in f.message
    temp = next(e for e in f.evidence if "temperature" in e.metric)
    assert temp.value == (weather if np.isfinite(weather) else watch)
