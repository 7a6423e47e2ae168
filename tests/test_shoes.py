"""Shoes (issue 5): shoes.csv, assigning runs to pairs, mileage, form against mileage.
Expected values are worked out by hand, or summed from the real CSVs with the csv module."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer.errors import InputFileError
from analyzer.features.shoes import (
    M_PER_MILE,
    SHOE_GUIDANCE_HIGH_M,
    SHOE_GUIDANCE_LOW_M,
    assign_shoes,
    form_vs_shoe_mileage,
    gear_mileage,
    shoe_mileage,
)
from analyzer.importers.gear import decode_gear_csv
from analyzer.importers.shoes import read_shoe_overrides, read_shoes_csv
from tests.conftest import REAL, requires_real
from tests.fakes import activities, activity

OTHER = REAL / "other"


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _runs(rows: list[tuple[str, str, str, float, str]]) -> pd.DataFrame:
    """Runs from (activity_id, start_utc, start_local, distance_m, source) rows (tests/fakes.py)."""
    return activities(
        activity(
            metres=metres,
            start=pd.Timestamp(utc),
            **{C.ACTIVITY_ID: aid, C.START_LOCAL: pd.Timestamp(local), C.SOURCE: source},
        )
        for aid, utc, local, metres, source in rows
    )


SHOES_KM = "name,first_used,retired,initial_km\nPegasus,2024-01-01,2024-06-30,100\nNovablast,2024-06-01,,\n"


def test_read_shoes_csv_initial_km(tmp_path):
    shoes = read_shoes_csv(_write(tmp_path, "shoes.csv", SHOES_KM))
    assert shoes["name"].tolist() == ["Pegasus", "Novablast"]
    assert shoes["first_used"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-01")]
    assert shoes["retired"].iloc[0] == pd.Timestamp("2024-06-30") and pd.isna(shoes["retired"].iloc[1])
    assert shoes["initial_m"].tolist() == [100_000.0, 0.0]


def test_read_shoes_csv_initial_miles_and_no_retired_column(tmp_path):
    shoes = read_shoes_csv(_write(tmp_path, "shoes.csv", "name,first_used,initial_miles\nCliftons,2023-05-02,10\n"))
    assert shoes["initial_m"].iloc[0] == pytest.approx(16_093.44)  # 10 x 1609.344 m
    assert pd.isna(shoes["retired"].iloc[0])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name,first_used\nPegasus,2024-13-01\n", "first_used '2024-13-01' is not an ISO date"),
        ("name,first_used\nPegasus,01/02/2024\n", "is not an ISO date"),
        ("name,first_used,retired\nPegasus,2024-01-01,someday\n", "retired 'someday'"),
        ("name,first_used,retired\nPegasus,2024-05-01,2024-01-01\n", "before first_used"),
        ("name,first_used\nPegasus,\n", "first_used '' is not an ISO date"),
        ("name,retired\nPegasus,2024-01-01\n", "missing column first_used"),
        ("name,first_used,initial_km\nPegasus,2024-01-01,lots\n", "initial_km 'lots' is not a distance"),
        ("name,first_used,initial_km,initial_miles\nPegasus,2024-01-01,1,1\n", "not both"),
    ],
)
def test_read_shoes_csv_errors_name_the_file(tmp_path, text, reason):
    path = _write(tmp_path, "my-shoes.csv", text)
    with pytest.raises(InputFileError) as err:
        read_shoes_csv(path)
    message = str(err.value)
    assert str(path) in message and reason in message
    assert "\n" not in message


def test_override_file_errors_name_the_file(tmp_path):
    path = _write(tmp_path, "overrides.csv", "id,pair\nabc,Pegasus\n")
    with pytest.raises(InputFileError, match="overrides.csv: expected the header activity_id,shoe"):
        read_shoe_overrides(path)


def test_missing_shoes_file(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        read_shoes_csv(tmp_path / "nope.csv")


def test_assign_by_dates_newer_pair_wins_and_local_calendar(tmp_path):
    shoes = read_shoes_csv(_write(tmp_path, "shoes.csv", SHOES_KM))
    runs = _runs(
        [
            # 03:00 UTC on Jan 1 is still Dec 31 for a runner at UTC-5: before any pair.
            ("before", "2024-01-01 03:00", "2023-12-31 22:00", 5000.0, "a.fit"),
            ("peg", "2024-03-01 07:00", "2024-03-01 08:00", 8000.0, "b.fit"),
            ("overlap", "2024-06-15 07:00", "2024-06-15 08:00", 10000.0, "c.fit"),
            ("retired-day", "2024-06-30 20:00", "2024-06-30 21:00", 6000.0, "d.fit"),
            ("nova", "2024-07-05 07:00", "2024-07-05 08:00", 7000.0, "e.fit"),
        ]
    )
    before = runs.copy()
    out = assign_shoes(runs, shoes=shoes)
    pd.testing.assert_frame_equal(runs, before)
    assert out["shoe"].tolist() == ["", "Pegasus", "Novablast", "Novablast", "Novablast"]
    assert out["shoe_source"].tolist() == ["", "shoes.csv", "shoes.csv", "shoes.csv", "shoes.csv"]


def test_assign_by_strava_filename_then_time_and_overrides_win(tmp_path):
    shoes = read_shoes_csv(_write(tmp_path, "shoes.csv", SHOES_KM))
    runs = _runs(
        [
            ("by-file", "2024-03-01 07:00", "2024-03-01 08:00", 8000.0, "/x/export.zip!activities/123.fit.gz"),
            ("by-time", "2024-03-02 07:00:00", "2024-03-02 08:00", 8000.0, "/x/watch/2024-03-02.fit"),
            ("too-far", "2024-03-03 07:00:00", "2024-03-03 08:00", 8000.0, "/x/watch/2024-03-03.fit"),
            ("override", "2024-03-04 07:00:00", "2024-03-04 08:00", 8000.0, "/x/watch/2024-03-04.fit"),
            ("not-123", "2024-03-05 07:00:00", "2024-03-05 08:00", 8000.0, "/x/activities/9123.fit.gz"),
        ]
    )
    gear = pd.DataFrame(
        {
            "strava_id": ["1", "2", "3", "4", "5"],
            # The file match ignores time: row 1 starts an hour off its run.
            "start_utc": pd.to_datetime(
                ["2024-03-01 08:00", "2024-03-02 07:01:30", "2024-03-03 07:03:00", "2024-03-04 07:00", "2024-01-01"],
                utc=True,
                format="ISO8601",
            ),
            "name": "Run",
            "type": "Run",
            "gear": ["Trail Shoe", "Race Flat", "Race Flat", "Race Flat", "Spikes"],
            "filename": ["activities/123.fit.gz", "", "", "", "activities/123.fit.gz"],
        }
    )
    overrides = read_shoe_overrides(_write(tmp_path, "overrides.csv", "activity_id,shoe\noverride,Old Pair\n"))
    out = assign_shoes(runs, shoes=shoes, gear=gear, overrides=overrides).set_index(C.ACTIVITY_ID)
    assert out.loc["by-file", "shoe"] == "Trail Shoe" and out.loc["by-file", "shoe_source"] == "strava"
    assert out.loc["by-time", "shoe"] == "Race Flat"  # 90 s apart: within 2 min
    # 3 min apart: no Strava match, so the shoes.csv date range decides.
    assert out.loc["too-far", "shoe"] == "Pegasus" and out.loc["too-far", "shoe_source"] == "shoes.csv"
    assert out.loc["override", "shoe"] == "Old Pair" and out.loc["override", "shoe_source"] == "override"
    assert out.loc["not-123", "shoe"] == "Pegasus"  # '9123.fit.gz' is not 'activities/123.fit.gz'


def test_shoe_mileage_by_hand(tmp_path):
    shoes = read_shoes_csv(_write(tmp_path, "shoes.csv", SHOES_KM))
    runs = _runs(
        [
            ("a", "2024-02-01 07:00", "2024-02-01 08:00", 10_000.0, "a.fit"),
            ("b", "2024-02-03 07:00", "2024-02-03 08:00", 5_000.0, "b.fit"),
            ("c", "2023-12-01 07:00", "2023-12-01 08:00", 4_000.0, "c.fit"),  # before any pair
            ("d", "2024-07-01 07:00", "2024-07-01 08:00", 12_000.0, "d.fit"),
            ("e", "2024-08-01 07:00", "2024-08-01 08:00", 20_000.0, "e.fit"),  # after as_of
        ]
    )
    result = shoe_mileage(assign_shoes(runs, shoes=shoes), as_of="2024-07-15", shoes=shoes)
    per_run = result.runs.set_index(C.ACTIVITY_ID)
    # Pegasus: 100 km initial + 10 km + 5 km.
    assert per_run.loc["a", "cumulative_m"] == 110_000.0
    assert per_run.loc["b", "cumulative_m"] == 115_000.0
    assert per_run.loc["b", "cumulative_km"] == 115.0
    assert per_run.loc["b", "cumulative_mi"] == pytest.approx(115_000 / 1609.344)
    assert per_run.loc["d", "cumulative_m"] == 12_000.0
    assert "e" not in per_run.index
    pairs = result.pairs.set_index("shoe")
    assert pairs.loc["Pegasus", "total_m"] == 115_000.0 and pairs.loc["Pegasus", "n_runs"] == 2
    assert pairs.loc["Novablast", "total_km"] == 12.0
    assert result.unassigned_runs == 1 and result.unassigned_m == 4_000.0
    assert not pairs["past_300_mi"].any()


def test_guidance_constants():
    assert SHOE_GUIDANCE_LOW_M == pytest.approx(482_803.2)  # 300 mi = 483 km
    assert SHOE_GUIDANCE_HIGH_M == pytest.approx(804_672.0)  # 500 mi = 805 km
    assert M_PER_MILE == 1609.344


def test_form_against_shoe_mileage():
    km = np.arange(0.0, 400.0, 40.0)  # 10 runs, 0..360 km on the pair
    mileage_runs = pd.DataFrame(
        {C.ACTIVITY_ID: [f"r{i}" for i in range(10)], "shoe": "Pegasus", "cumulative_m": km * 1000.0}
    )
    pace_adjusted = pd.DataFrame(
        {
            C.ACTIVITY_ID: [f"r{i}" for i in range(10)],
            "deviation_gct_ms": 2.0 + 0.05 * km,  # +5 ms per 100 km
            "deviation_vo_mm": np.r_[np.full(4, np.nan), np.zeros(6)],
        }
    )
    out = form_vs_shoe_mileage(pace_adjusted, mileage_runs).set_index("shoe")
    assert out.loc["Pegasus", "n_gct"] == 10
    assert out.loc["Pegasus", "gct_slope_ms_per_100km"] == pytest.approx(5.0)
    assert out.loc["Pegasus", "n_vo"] == 6 and out.loc["Pegasus", "vo_slope_mm_per_100km"] == pytest.approx(0.0)


def _pair_across_two_watches(after_step: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """10 runs in one pair, 40 km apart (0..360 km), one every 3 days from 2024-01-01:
    r0-r4 on watch A with deviations 0.05 x km, r5-r9 on watch B with ``after_step``."""
    km = np.arange(0.0, 400.0, 40.0)
    ids = [f"r{i}" for i in range(10)]
    mileage_runs = pd.DataFrame(
        {
            C.ACTIVITY_ID: ids,
            "shoe": "Pegasus",
            C.START_LOCAL: pd.Timestamp("2024-01-01 07:00") + pd.to_timedelta(3 * np.arange(10), unit="D"),
            "cumulative_m": km * 1000.0,
        }
    )
    pace_adjusted = pd.DataFrame(
        {
            C.ACTIVITY_ID: ids,
            C.DEVICE: ["watch A"] * 5 + ["watch B"] * 5,
            "deviation_gct_ms": np.r_[0.05 * km[:5], after_step],
            "deviation_vo_mm": np.nan,
        }
    )
    return pace_adjusted, mileage_runs


def test_form_against_shoe_mileage_is_fitted_within_each_device():
    # Watch B reads 20 ms higher. Within the watches: A's 10 pairs give 5 ms per 100 km
    # each (2 ms per 40 km), B's 10 pairs give 0; the median of those 20 slopes is
    # (0 + 5) / 2 = 2.5 ms per 100 km. The 25 pairs across the step are left out.
    pace_adjusted, mileage_runs = _pair_across_two_watches(np.full(5, 20.0))
    out = form_vs_shoe_mileage(pace_adjusted, mileage_runs).set_index("shoe")
    assert out.loc["Pegasus", "n_gct"] == 10
    assert out.loc["Pegasus", "gct_slope_ms_per_100km"] == pytest.approx(2.5)
    assert out.loc["Pegasus", "n_devices"] == 2
    assert out.loc["Pegasus", "new_device"] == "watch B"
    assert out.loc["Pegasus", "new_device_from"] == pd.Timestamp("2024-01-16 07:00")  # r5, day 15
    # The same on one watch: 25 of the 45 pairs cross the step, slopes 20 / (40..360 km)
    # x 100 plus 5; the median is one of them, far above 2.5.
    one = pace_adjusted.assign(**{C.DEVICE: "watch A"})
    pooled = form_vs_shoe_mileage(one, mileage_runs).set_index("shoe")
    assert pooled.loc["Pegasus", "gct_slope_ms_per_100km"] > 5.0
    assert pooled.loc["Pegasus", "n_devices"] == 1 and pooled.loc["Pegasus", "new_device"] == ""


def test_form_against_shoe_mileage_on_flat_watches_is_no_change():
    # A flat on 0 ms, B flat on +20 ms: every within-device slope is 0.
    pace_adjusted, mileage_runs = _pair_across_two_watches(np.full(5, 20.0))
    pace_adjusted["deviation_gct_ms"] = np.r_[np.zeros(5), np.full(5, 20.0)]
    out = form_vs_shoe_mileage(pace_adjusted, mileage_runs).set_index("shoe")
    assert out.loc["Pegasus", "gct_slope_ms_per_100km"] == 0.0
    # Only 3 runs on B: its pairs are left out (fewer than 5 runs on one device), A's give 0.
    short = pace_adjusted.iloc[:8]
    out = form_vs_shoe_mileage(short, mileage_runs).set_index("shoe")
    assert out.loc["Pegasus", "n_gct"] == 8 and out.loc["Pegasus", "gct_slope_ms_per_100km"] == 0.0
    # 4 runs on each: no device has 5, no slope.
    four = pace_adjusted.iloc[1:9]
    assert np.isnan(form_vs_shoe_mileage(four, mileage_runs).loc[0, "gct_slope_ms_per_100km"])


# --- the real Strava CSVs ---------------------------------------------------------------


def _run_metres_by_gear(path) -> tuple[dict[str, float], dict[str, int]]:
    """Sum the metre column of the Run rows per gear, with the csv module only: the
    current export's second 'Distance' column is in metres."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        dist = [i for i, h in enumerate(header) if h == "Distance"][1]
        type_col, gear_col = header.index("Activity Type"), header.index("Activity Gear")
        metres: dict[str, float] = defaultdict(float)
        count: dict[str, int] = defaultdict(int)
        for row in reader:
            if row[type_col] == "Run":
                metres[row[gear_col].strip()] += float(row[dist])
                count[row[gear_col].strip()] += 1
    return dict(metres), dict(count)


@requires_real
def test_real_strava_gear_mileage():
    path = OTHER / "CarlArthur01__strava-export-activities-with-gear.csv"
    gear = decode_gear_csv(path.read_bytes(), str(path))
    result = gear_mileage(gear)
    metres, count = _run_metres_by_gear(path)
    pairs = result.pairs.set_index("shoe")
    assert pairs["n_runs"].to_dict() == {
        "ASICS Gel-Kayano 31": 69,
        "HOKA Bondi 8": 7,
        "ASICS Gel DS Trainer Gammalt skrot": 1,
    }
    for shoe, total in metres.items():
        if shoe:
            assert pairs.loc[shoe, "total_m"] == pytest.approx(total, abs=1e-6)
            assert pairs.loc[shoe, "n_runs"] == count[shoe]
    assert result.unassigned_runs == count[""] == 12
    assert result.unassigned_m == pytest.approx(metres[""], abs=1e-6)
    # The display column (km, 2 decimals) agrees within rounding.
    kayano = gear[(gear["type"] == "Run") & (gear["gear"] == "ASICS Gel-Kayano 31")]
    assert kayano["distance_m"].sum() / 1000 == pytest.approx(pairs.loc["ASICS Gel-Kayano 31", "total_km"])


@requires_real
def test_real_strava_without_gear_counts_every_run_as_unknown():
    path = OTHER / "Lorraine-Sanares__strava-export-activities-dayfirst.csv"
    result = gear_mileage(decode_gear_csv(path.read_bytes(), str(path)))
    metres, count = _run_metres_by_gear(path)
    assert result.pairs.empty
    assert result.unassigned_runs == count[""] == 29
    assert result.unassigned_m == pytest.approx(metres[""], abs=1e-6)


@requires_real
def test_real_old_strava_export_distances_are_metres(real_history):
    # Old schema: distance [m], elapsed_time [s]; its runs match the GPX files in gpx/.
    path = OTHER / "AhmedAldahshoury__strava-export-old-format-activities.csv"
    gear = decode_gear_csv(path.read_bytes(), str(path))
    with open(path, encoding="utf-8", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert gear.set_index("strava_id")["distance_m"].to_dict() == pytest.approx(
        {k: float(r["distance"]) for k, r in rows.items()}
    )
    runs = real_history.runs
    gpx = runs[runs[C.SOURCE].str.contains("AhmedAldahshoury__strava-run-2018-01-02-1336861330")].iloc[0]
    row = rows["1336861330"]
    assert float(row["distance"]) == pytest.approx(gpx[C.DISTANCE_M], rel=0.01)
    assert float(row["elapsed_time"]) == pytest.approx(gpx[C.ELAPSED_S], abs=1.0)
