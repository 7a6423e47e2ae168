"""Strava's Weather Temperature: the air temperature of an activity.

* the gear table reads it from the current export (NaN in the old one, blank, not a
  number, or outside the air temperatures recorded on Earth);
* the real current-format CSV agrees with the csv module, row by row.
"""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from analyzer.importers.gear import AIR_TEMPERATURE_RANGE_C, decode_gear_csv

from .conftest import REAL, requires_real

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
