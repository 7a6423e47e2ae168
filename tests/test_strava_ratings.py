"""Strava's activities.csv: the runner's "Perceived Exertion" and the profile's "Athlete
Weight".

* the real CSVs of ../shared/data/wellness/strava and ../shared/data/real: which rows are
  rated and how (values read by hand from the files with a text editor and checked with
  the csv module), no weight where the CSV has 0.0 or nothing, the repeated and HTML
  headers still read as before;
* the CSV alone: the runs made from its rows carry their RPE;
* the CSV with activity files (FIT made here, a real GPX): a file's activity takes the
  rating of its row, matched by file name (even 3 h off) or by start; the weights are
  History.weights and the daily table's weight;
* a CSV in another language says so in its reason (skipped), a CSV with English headers
  but a translated rating or weight column says what it did not read.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analyzer import columns as C
from analyzer import read_history
from analyzer.importers import decode
from analyzer.importers.strava_csv import decode_strava_csv

from . import fitmake
from .conftest import REAL, requires_real

WELLNESS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wellness"
STRAVA = WELLNESS / "strava"
THINKTANK = STRAVA / "activities_en_TheNewThinkTank.csv"
ESIMMS = STRAVA / "activities_en_2019-2023_esimms999.csv"
CARL = REAL / "other" / "CarlArthur01__strava-export-activities-with-gear.csv"
AHMED_GPX = REAL / "gpx" / "AhmedAldahshoury__strava-run-2018-01-02-1336861330.gpx"

requires_wellness = pytest.mark.skipif(not STRAVA.is_dir(), reason=f"{STRAVA} is absent (the shared wellness set)")

#: TheNewThinkTank's rated rows, read by hand: Activity Date (UTC) -> Perceived Exertion.
#: All ten are runs with a .gpx Filename; "Prefer Perceived Exertion" is 0.0 on them.
THINKTANK_RATED = {
    "2023-07-05 08:45:34": 8.0,
    "2023-07-10 12:42:37": 8.0,
    "2023-07-12 12:06:18": 8.0,
    "2023-07-17 06:47:37": 8.0,
    "2023-07-20 10:38:49": 3.0,
    "2023-07-31 13:08:14": 8.0,
    "2023-08-01 13:59:36": 8.0,
    "2023-08-04 11:41:53": 7.0,
    "2023-08-13 11:16:30": 7.0,
    "2023-08-14 11:59:20": 8.0,
}


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def _as_dict(ratings: pd.DataFrame) -> dict[pd.Timestamp, float]:
    return dict(zip(pd.to_datetime(ratings[C.START_UTC], utc=True), ratings[C.RPE], strict=True))


# --- the real CSVs -----------------------------------------------------------------------


@requires_wellness
def test_real_csv_ratings_are_its_perceived_exertion():
    d = decode(THINKTANK.read_bytes(), str(THINKTANK), "ab" * 32)
    assert d.kind == "gear"
    assert _as_dict(d.ratings) == {_utc(k): v for k, v in THINKTANK_RATED.items()}
    assert (d.ratings[C.RATING_SOURCE] == str(THINKTANK)).all() and d.ratings[C.FEEL].isna().all()
    # "Athlete Weight" is empty on all 112 rows: no weight reading.
    assert d.weights.empty
    assert d.note == (
        "Strava activities.csv: 112 activities, 10 with gear (used for shoe mileage); "
        "10 rated (Perceived Exertion 1-10); no Athlete Weight (0 or empty)"
    )


@requires_wellness
def test_real_csv_repeated_and_html_headers_are_read_as_before():
    gear = decode(THINKTANK.read_bytes(), str(THINKTANK), "ab" * 32).gear.set_index("strava_id")
    row = gear.loc["9391754987"]  # line 104 of the file, by hand
    assert row["type"] == "Run" and row["gear"] == "pegasus" and row["filename"] == "activities/9391754987.gpx"
    # The second "Distance" (metres), not the first (4.73 km); "Elapsed Time" 1334 s.
    assert row["distance_m"] == 4736.240234375 and row["elapsed_s"] == 1334.0
    assert row["rpe_0_10"] == 8.0 and not row["prefer_perceived_exertion"]
    # Types come from "Activity Type", never from the untranslated "<span ...>Type</span>"
    # column (empty on every row); counted with the csv module.
    with THINKTANK.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert gear["type"].value_counts().to_dict() == {"Run": 89, "Walk": 9, "Ride": 7, "Yoga": 5, "Workout": 2}
    assert (
        pd.Series([r["Activity Type"] for r in rows]).value_counts().to_dict() == gear["type"].value_counts().to_dict()
    )


@requires_wellness
def test_real_csv_with_weight_zero_gives_no_weight():
    d = decode(ESIMMS.read_bytes(), str(ESIMMS), "cd" * 32)
    # 371 rides; "Athlete Weight" is 0.0 on 108 rows and empty on 263 (by hand); no rating.
    assert len(d.gear) == 371 and d.weights.empty and d.ratings.empty
    assert d.gear["athlete_weight_kg"].isna().all()
    assert d.note.endswith("; none rated (Perceived Exertion empty); no Athlete Weight (0 or empty)")


@requires_real
def test_real_current_csv_with_two_ratings():
    d = decode(CARL.read_bytes(), str(CARL), "ef" * 32)
    # Lines 2 and 14, both runs: "Aug 15, 2022, 3:09:27 PM" 6.0, "Mar 3, 2025, 3:37:33 PM" 8.0.
    assert _as_dict(d.ratings) == {_utc("2022-08-15 15:09:27"): 6.0, _utc("2025-03-03 15:37:33"): 8.0}


@requires_wellness
def test_real_csv_alone_its_runs_carry_their_rpe(tmp_path):
    h = read_history([THINKTANK], cache=tmp_path / "cache", progress=False)
    (rec,) = h.files
    assert rec.status == C.IMPORTED
    assert rec.reason.endswith("; 10 rated (Perceived Exertion 1-10); no Athlete Weight (0 or empty)")
    runs = h.runs
    rated = runs[runs[C.RPE].notna()]
    # 89 "Run" rows, 7 of them under 60 s or 200 m (sprints, 0 m treadmill logs): 82 runs,
    # counted with the csv module (the second "Distance" is in metres, column 18).
    with THINKTANK.open(encoding="utf-8-sig", newline="") as fh:
        cells = list(csv.reader(fh))[1:]
    long_enough = [r for r in cells if r[3] == "Run" and float(r[5]) >= 60 and float(r[17]) >= 200]
    assert len(runs) == len(long_enough) == 82 and len(rated) == 10
    assert dict(zip(rated[C.START_UTC], rated[C.RPE], strict=True)) == {_utc(k): v for k, v in THINKTANK_RATED.items()}
    assert (rated[C.RATING_SOURCE] == str(THINKTANK)).all() and (rated[C.FORMAT] == "strava_csv").all()
    assert (runs.loc[runs[C.RPE].isna(), C.RATING_SOURCE] == "").all()
    assert len(h.ratings) == 10


# --- a CSV with its activity files ---------------------------------------------------------

#: Strava's current schema, as real exports have it: "Elapsed Time" and "Distance" twice
#: (the second Distance in metres) and an untranslated HTML header, here holding "Ride" on
#: every row (it must never be read as the type).
HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Activity Gear,Filename,"
    "Athlete Weight,Elapsed Time,Distance,Perceived Exertion,Prefer Perceived Exertion,"
    '"<span class=""translation_missing"" title=""translation missing: '
    'en-US.lib.export.portability_exporter.activities.horton_values.type"">Type</span>"'
)


def _csv(rows) -> str:
    """rows: (id, Activity Date, file name, Athlete Weight cell, Perceived Exertion cell,
    Prefer cell); every row a 30 min, 5.4 km run."""
    lines = [HEADER]
    for sid, date, fn, weight, pe, prefer in rows:
        lines.append(f'{sid},"{date}",Run {sid},Run,1800,5.40,Shoe,{fn},{weight},1800.0,5400.0,{pe},{prefer},Ride')
    return "\n".join(lines) + "\n"


def _fit(path: Path, start: dt.datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(fitmake.fit_bytes([fitmake.run(1800)], start))


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("strava")
    acts = folder / "activities"
    _fit(acts / "11.fit", dt.datetime(2024, 3, 4, 7, 0, 0))
    _fit(acts / "12.fit", dt.datetime(2024, 3, 6, 7, 0, 0))
    _fit(folder / "watch" / "other.fit", dt.datetime(2024, 3, 10, 7, 0, 0))
    rows = [
        (11, "Mar 4, 2024, 7:00:30 AM", "activities/11.fit", "70.5", "8.0", "1.0"),  # by name and start
        (12, "Mar 6, 2024, 10:00:00 AM", "activities/12.fit", "0.0", "3.0", "0.0"),  # by name, 3 h off
        (13, "Mar 8, 2024, 7:00:00 AM", "activities/13.fit", "", "9.0", ""),  # its file is not here
        (14, "Mar 9, 2024, 7:00:00 AM", "activities/14.fit", "", "", ""),  # not rated
        (15, "Mar 10, 2024, 7:01:00 AM", "", "", "6.0", ""),  # no file name: by start (60 s)
    ]
    (folder / "activities.csv").write_text(_csv(rows), encoding="utf-8")
    return folder, read_history([folder], cache=folder / "cache", progress=False)


def test_file_activities_take_their_rows_rating(export):
    folder, h = export
    csv_path = str(folder / "activities.csv")
    acts = h.activities.set_index(C.SOURCE)
    by_file = {Path(s).name: a for s, a in acts.iterrows() if a[C.FORMAT] == "fit"}
    assert {name: a[C.RPE] for name, a in by_file.items()} == {"11.fit": 8.0, "12.fit": 3.0, "other.fit": 6.0}
    assert {a[C.RATING_SOURCE] for a in by_file.values()} == {csv_path}
    assert all(math.isnan(a[C.FEEL]) for a in by_file.values())
    # The rows whose files were not among the inputs are activities carrying their own RPE.
    made = acts[acts[C.FORMAT] == "strava_csv"]
    assert sorted(made.index) == [f"{csv_path} (Strava activity 13)", f"{csv_path} (Strava activity 14)"]
    assert made.loc[f"{csv_path} (Strava activity 13)", C.RPE] == 9.0
    assert made.loc[f"{csv_path} (Strava activity 13)", C.RATING_SOURCE] == csv_path
    assert math.isnan(made.loc[f"{csv_path} (Strava activity 14)", C.RPE])
    assert made.loc[f"{csv_path} (Strava activity 14)", C.RATING_SOURCE] == ""
    # The CSV's ratings, for any later use, by start; the "Ride" HTML column is never read.
    assert _as_dict(h.ratings) == {
        _utc("2024-03-04 07:00:30"): 8.0,
        _utc("2024-03-06 10:00:00"): 3.0,
        _utc("2024-03-08 07:00:00"): 9.0,
        _utc("2024-03-10 07:01:00"): 6.0,
    }
    assert h.activities[C.SPORT].eq("running").all()


def test_athlete_weight_is_a_weight_reading(export):
    folder, h = export
    csv_path = str(folder / "activities.csv")
    # Only row 11 has a weight (70.5 kg); row 12's 0.0 is "none".
    assert h.weights[[C.TIMESTAMP, C.WEIGHT_KG, C.SOURCE]].values.tolist() == [
        [_utc("2024-03-04 07:00:30"), 70.5, csv_path]
    ]
    daily = h.daily_wellness.set_index(C.DATE)
    assert daily.loc[pd.Timestamp("2024-03-04"), C.WELLNESS_WEIGHT_KG] == 70.5
    assert daily.loc[pd.Timestamp("2024-03-04"), C.WELLNESS_WEIGHT_KG + C.SOURCE_SUFFIX] == csv_path


def test_csv_reason_counts_ratings_and_weights(export):
    folder, h = export
    rec = next(f for f in h.files if f.path.endswith("activities.csv"))
    assert rec.status == C.IMPORTED
    assert rec.reason == (
        "Strava activities.csv: 5 activities, 5 with gear; 3 read from their files; "
        "2 added from its rows (no activity file among the inputs); "
        "4 rated (Perceived Exertion 1-10, 1 with 'Prefer Perceived Exertion'); 1 with an Athlete Weight"
    )


_COUNTS = {C.SESSION_INDEX: 0, C.N_SAMPLES: 0}


def test_an_activity_files_own_rating_is_kept():
    # A file's rating beats its row's: with_row_ratings fills only unrated activities.
    from analyzer.ingest.strava_rows import with_row_ratings
    from analyzer.tables import activity_frame

    start = _utc("2024-03-04 07:00:00")
    acts = activity_frame(
        [
            {C.ACTIVITY_ID: "a-0", C.SOURCE: "/x/activities/11.fit", C.START_UTC: start, C.RPE: 4.0, **_COUNTS},
            {
                C.ACTIVITY_ID: "b-0",
                C.SOURCE: "/x/activities/12.fit",
                C.START_UTC: start + pd.Timedelta(days=2),
                **_COUNTS,
            },
        ]
    )
    text = _csv(
        [
            (11, "Mar 4, 2024, 7:00:00 AM", "activities/11.fit", "", "9.0", ""),
            (12, "Mar 6, 2024, 7:00:00 AM", "activities/12.fit", "", "7.0", ""),
        ]
    )
    gear = decode_strava_csv(text.encode(), "activities.csv").gear
    out = with_row_ratings(acts, gear, "activities.csv")
    assert out[C.RPE].tolist() == [4.0, 7.0]
    assert out[C.RATING_SOURCE].tolist() == ["", "activities.csv"]


def test_a_rating_is_its_own_rows_never_a_neighbours(tmp_path):
    # A run read from a file (its row unrated) and a ride 60 s later that the runner rated 5
    # (a row that near a file's activity counts as read from it: it adds no activity); on
    # another day a run with no file (unrated) and, 60 s later, a 1 h ride rated 4.
    _fit(tmp_path / "activities" / "21.fit", dt.datetime(2024, 3, 4, 7, 0, 0))
    header = HEADER.rsplit(",", 1)[0]
    rows = [
        (21, "Mar 4, 2024, 7:00:00 AM", "Run", 1800, 5400.0, "activities/21.fit", ""),
        (22, "Mar 4, 2024, 7:01:00 AM", "Ride", 3600, 30000.0, "", "5.0"),
        (23, "Mar 5, 2024, 7:00:00 AM", "Run", 1800, 5400.0, "", ""),
        (24, "Mar 5, 2024, 7:01:00 AM", "Ride", 3600, 30000.0, "", "4.0"),
    ]
    lines = [header] + [
        f'{sid},"{date}",{kind} {sid},{kind},{secs},{m / 1000:.2f},,{fn},,{secs},{m},{pe},'
        for sid, date, kind, secs, m, fn, pe in rows
    ]
    (tmp_path / "activities.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    h = read_history([tmp_path], cache=tmp_path / "cache", progress=False)
    rpe = {(a[C.FORMAT], a[C.SPORT], str(a[C.START_UTC])): a[C.RPE] for _, a in h.activities.iterrows()}
    assert sorted(rpe) == [
        ("fit", "running", "2024-03-04 07:00:00+00:00"),
        ("strava_csv", "cycling", "2024-03-05 07:01:00+00:00"),
        ("strava_csv", "running", "2024-03-05 07:00:00+00:00"),
    ]
    assert math.isnan(rpe[("fit", "running", "2024-03-04 07:00:00+00:00")])  # not the ride's 5
    assert math.isnan(rpe[("strava_csv", "running", "2024-03-05 07:00:00+00:00")])  # not the ride's 4
    assert rpe[("strava_csv", "cycling", "2024-03-05 07:01:00+00:00")] == 4.0
    assert len(h.ratings) == 2  # both ratings kept in the ratings table


@requires_real
def test_a_real_gpx_takes_its_rows_rating(tmp_path):
    # The real GPX starts 2018-01-02T06:05:29Z (MANIFEST); its row in a current-format CSV.
    acts = tmp_path / "activities"
    acts.mkdir()
    shutil.copy(AHMED_GPX, acts / "1336861330.gpx")
    row = (1336861330, "Jan 2, 2018, 6:05:29 AM", "activities/1336861330.gpx", "", "7.0", "")
    (tmp_path / "activities.csv").write_text(_csv([row]), encoding="utf-8")
    h = read_history([tmp_path], cache=tmp_path / "cache", progress=False)
    (run,) = h.runs.to_dict("records")
    assert run[C.FORMAT] == "gpx" and run[C.RPE] == 7.0
    assert run[C.RATING_SOURCE] == str(tmp_path / "activities.csv")


def test_values_off_the_scale_are_not_ratings_or_weights():
    rows = [
        (1, "Mar 4, 2024, 7:00:00 AM", "", "71.0", "11", ""),
        (2, "Mar 5, 2024, 7:00:00 AM", "", "500", "hard", ""),
        (3, "Mar 6, 2024, 7:00:00 AM", "", "-3", "0.0", ""),
        (4, "Mar 7, 2024, 7:00:00 AM", "", "72.0", "10.0", ""),
    ]
    d = decode_strava_csv(_csv(rows).encode(), "activities.csv")
    assert _as_dict(d.ratings) == {_utc("2024-03-07 07:00:00"): 10.0}
    assert d.weights[C.WEIGHT_KG].tolist() == [71.0, 72.0]
    assert d.note.endswith(
        "; 1 rated (Perceived Exertion 1-10); 3 Perceived Exertion values not on the 1-10 scale ignored; "
        "2 with an Athlete Weight; 2 Athlete Weight values outside 20-300 kg ignored"
    )


# --- headers in another language -----------------------------------------------------------

SPAN_ES = (
    '"<span class=""translation_missing"" title=""translation missing: '
    'es.lib.export.portability_exporter.activities.horton_values.type"">Type</span>"'
)


@pytest.mark.parametrize(
    ("header", "row"),
    [
        # Spanish headers, Strava's file names in the rows and an untranslated HTML header.
        (
            "Id. de la actividad,Fecha de la actividad,Tipo de actividad,Equipo de la actividad,"
            f"Nombre de archivo,Peso del deportista,Esfuerzo Percibido,{SPAN_ES}",
            '123,"5 mar 2024, 7:00:00",Carrera,,activities/123.gpx,70.0,7.0,',
        ),
        # ...recognised by the file names alone...
        (
            "Id. de la actividad,Fecha de la actividad,Tipo de actividad,Nombre de archivo,Esfuerzo Percibido",
            '123,"5 mar 2024, 7:00:00",Carrera,activities/123.fit.gz,7.0',
        ),
        # ...or by the HTML header alone.
        (f"Id. de la actividad,Fecha de la actividad,Esfuerzo Percibido,{SPAN_ES}", '123,"5 mar 2024, 7:00:00",7.0,'),
    ],
)
def test_a_csv_in_another_language_says_so(tmp_path, header, row):
    path = tmp_path / "activities.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    h = read_history([path], cache=tmp_path / "cache", progress=False)
    (rec,) = h.files
    assert rec.status == C.SKIPPED
    assert rec.reason == (
        "Strava activities.csv: no 'Activity ID', 'Activity Date', 'Activity Type', 'Activity Gear', "
        "'Perceived Exertion', 'Athlete Weight' column recognised (headers in another language?): "
        "rows, ratings, weights not read "
        "(only the English export's headers are known: export with Strava's language set to English)"
    )
    assert h.ratings.empty and h.weights.empty


def test_another_csv_is_still_not_a_gear_export(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("when,what\n2024-03-05,activities list\n", encoding="utf-8")
    (rec,) = read_history([path], cache=tmp_path / "cache", progress=False).files
    assert rec.status == C.SKIPPED
    assert rec.reason == "CSV that is not a known gear export (expected Strava's activities.csv)"


def test_english_rows_with_a_translated_rating_column_say_what_was_not_read(tmp_path):
    header = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Activity Gear,Filename,"
        "Peso del deportista,Elapsed Time,Distance,Esfuerzo Percibido"
    )
    path = tmp_path / "activities.csv"
    path.write_text(f'{header}\n7,"Mar 4, 2024, 7:00:00 AM",Run 7,Run,1800,5.40,,,70.0,1800,5400.0,7.0\n')
    h = read_history([path], cache=tmp_path / "cache", progress=False)
    (rec,) = h.files
    assert rec.status == C.IMPORTED
    assert rec.reason == (
        "Strava activities.csv: 1 activities, 0 with gear; 0 read from their files; "
        "1 added from its rows (no activity file among the inputs); "
        "no 'Perceived Exertion' column recognised (headers in another language?): ratings not read; "
        "no 'Athlete Weight' column recognised (headers in another language?): weights not read"
    )
    # The run is there (its distance from the second Distance), without the untranslated rating.
    (run,) = h.runs.to_dict("records")
    assert run[C.DISTANCE_M] == 5400.0 and math.isnan(run[C.RPE])
    assert h.ratings.empty and h.weights.empty
