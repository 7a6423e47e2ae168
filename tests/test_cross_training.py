"""Other sports beside running, and Strava's activities.csv used as a history.

* a Strava CSV alone gives runs, weekly load, other sports and shoe mileage (bike gear
  never a shoe); its rows are placed in the runner's calendar with the nearest known
  offset; rows whose activity was read from a file are not added twice;
* weekly.csv's other_sports_h and other_sports_trimp for hand-made weeks;
* a break from running filled with rides is cross-training, not a comeback alarm;
* the comeback detector never says "too much" of a week not above the pre-break volume
  (a property over random histories);
* the real Strava series with its CSV, and a real current-format CSV alone.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import columns as C
from analyzer import read_history
from analyzer.detectors.comeback import COMEBACK_LIMITS_PCT, CROSS_TRAINED_ADVICE, Comeback
from analyzer.detectors.context import Context
from analyzer.importers.gear import decode_gear_csv
from analyzer.ingest.local_time import fill_local_time
from analyzer.ingest.strava_rows import csv_activities

from .conftest import REAL, requires_real
from .fakes import DAY0, FakeHistory, activities, activity, on_days

OTHER = REAL / "other"

# --- a Strava export's activities.csv alone ----------------------------------------------

#: Strava's current schema: two "Elapsed Time" and two "Distance" columns (display km, metres).
HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,"
    "Activity Gear,Filename,Elapsed Time,Moving Time,Distance"
)
#: (id, UTC date as Strava writes it, type, elapsed [s], metres, gear, filename)
ROWS = [
    (1001, "Mar 4, 2024, 7:00:00 AM", "Run", 3600, 10000.0, "Pegasus 40", "activities/1001.fit.gz"),
    (1002, "Mar 6, 2024, 7:00:00 AM", "Run", 1800, 5000.0, "", ""),
    # A ride 60 s after the run above, on a bike: its gear must never become the run's shoe.
    (1003, "Mar 6, 2024, 7:01:00 AM", "Ride", 3600, 30000.0, "Canyon Endurace", ""),
    (1004, "Mar 9, 2024, 8:00:00 AM", "Swim", 2700, 2000.0, "", ""),
    (1005, "Mar 11, 2024, 7:00:00 AM", "Run", 4500, 12000.0, "Pegasus 40", "activities/1005.gpx"),
    (1006, "Mar 12, 2024, 6:00:00 PM", "Weight Training", 1800, 0.0, "", ""),
    (1007, "Mar 14, 2024, 7:00:00 AM", "Walk", 3600, 5000.0, "", ""),
    (1008, "Mar 16, 2024, 7:00:00 AM", "Run", 30, 100.0, "", ""),  # 30 s: not a run
]


def _csv_text(rows=ROWS) -> str:
    lines = [HEADER]
    for sid, date, kind, secs, metres, gear, fn in rows:
        lines.append(
            f'{sid},"{date}",{kind} {sid},{kind},,{secs},{metres / 1000:.2f},{gear},{fn},{secs},{secs},{metres}'
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def csv_only(tmp_path_factory):
    folder = tmp_path_factory.mktemp("strava")
    (folder / "activities.csv").write_text(_csv_text(), encoding="utf-8")
    return read_history([folder / "activities.csv"], cache=folder / "cache", progress=False)


def test_csv_alone_is_a_history_of_its_rows(csv_only):
    (rec,) = csv_only.files
    assert rec.status == C.IMPORTED
    assert len(rec.activity_ids) == 8  # every row, none read from a file
    assert "0 read from their files; 8 added from its rows" in rec.reason
    acts = csv_only.activities.set_index(C.SOURCE)
    assert set(acts[C.FORMAT]) == {"strava_csv"}
    label = str(rec.path)
    sports = {int(s.rsplit(" ", 1)[-1].rstrip(")")): sp for s, sp in acts[C.SPORT].items() if s.startswith(label)}
    assert sports == {
        1001: "running",
        1002: "running",
        1003: "cycling",
        1004: "swimming",
        1005: "running",
        1006: "training",
        1007: "walking",
        1008: "running",
    }
    runs = csv_only.runs
    assert sorted(runs[C.DISTANCE_M]) == [5000.0, 10000.0, 12000.0]  # the 30 s "run" is no run
    short = acts.loc[f"{label} (Strava activity 1008)"]
    assert not short[C.IS_RUN] and "not counted as a run" in short[C.NOTE]
    # No offset is known anywhere: UTC, and the note says so.
    assert (runs[C.START_LOCAL] == runs[C.START_UTC].dt.tz_localize(None)).all()
    assert runs[C.NOTE].str.contains("local time: UTC assumed").all()


def test_csv_alone_weekly_load_and_other_sports(csv_only):
    weekly = Context(csv_only).weekly
    w1, w2 = pd.Timestamp("2024-03-04"), pd.Timestamp("2024-03-11")
    assert weekly.loc[w1, C.DISTANCE_M] == 15000.0 and weekly.loc[w1, C.DURATION_S] == 5400.0
    assert weekly.loc[w1, C.RUNS] == 2
    assert weekly.loc[w2, C.DISTANCE_M] == 12000.0 and weekly.loc[w2, C.RUNS] == 1
    # Week 1: the ride (1 h) and the swim (45 min); week 2: the strength session (30 min),
    # not the walk, not the 30 s running session.
    assert weekly.loc[w1, C.OTHER_SPORTS_H] == pytest.approx(1.75)
    assert weekly.loc[w2, C.OTHER_SPORTS_H] == pytest.approx(0.5)
    assert weekly.loc[w2, C.STRENGTH_SESSIONS] == 1
    # Other sports without heart rate: their TRIMP is unknown, not zero.
    assert weekly[C.OTHER_SPORTS_TRIMP].isna().all()


def test_csv_alone_gives_shoe_mileage_and_bike_gear_is_never_a_shoe(csv_only):
    mileage = Context(csv_only).shoes
    pairs = mileage.pairs.set_index(C.SHOE)
    assert pairs.index.tolist() == ["Pegasus 40"]  # not the bike
    assert pairs.loc["Pegasus 40", "n_runs"] == 2 and pairs.loc["Pegasus 40", "total_m"] == 22000.0
    # The 5 km run 60 s before the ride has no known pair.
    assert mileage.unassigned_runs == 1 and mileage.unassigned_m == 5000.0


# --- placing and matching the rows -------------------------------------------------------


def test_rows_read_from_files_are_not_added_and_the_rest_take_the_nearest_offset():
    # A run read from a file, in Cairo (UTC+2), at 07:00 UTC on 2 Jan 2024.
    start = DAY0 + pd.Timedelta(days=1)
    read = activities(
        [activity(start=start, i=0, source="/x/export/activities/55.fit.gz", utc_offset_s=7200.0, prefix="f")]
    )
    rows = [
        # its row, by file name (the time is 3 h off: the name decides) ...
        (55, "Jan 2, 2024, 10:00:00 AM", "Run", 3600, 10000.0, "Shoe", "activities/55.fit.gz"),
        # ... a row 90 s from it (no file name): the same outing ...
        (56, "Jan 2, 2024, 7:01:30 AM", "Run", 3600, 10000.0, "Shoe", ""),
        # ... a row 3 min from it: another activity ...
        (57, "Jan 2, 2024, 7:03:00 AM", "Ride", 3600, 20000.0, "", ""),
        # ... and a ride late on 3 Jan UTC, which is 4 Jan in Cairo.
        (58, "Jan 3, 2024, 11:30:00 PM", "Ride", 5400, 40000.0, "", "activities/58.gpx"),
    ]
    gear = decode_gear_csv(_csv_text(rows).encode(), "activities.csv")
    added, account = csv_activities(gear, "ab" * 32, "/x/export/activities.csv", read)
    assert "2 read from their files; 2 added from its rows" in account
    assert added[C.SOURCE].tolist() == [
        "/x/export/activities.csv (Strava activity 57)",
        "/x/export/activities.csv (Strava activity 58)",
    ]
    assert added[C.ACTIVITY_ID].tolist() == ["abababababababab-2", "abababababababab-3"]
    placed = fill_local_time(pd.concat([read.drop(columns=C.START_LOCAL), added], ignore_index=True))
    ride = placed.set_index(C.ACTIVITY_ID).loc["abababababababab-3"]
    assert ride[C.START_LOCAL] == pd.Timestamp("2024-01-04 01:30")
    assert "local time: UTC+2 h assumed from the nearest activity with a known offset" in ride[C.NOTE]
    assert ride[C.DURATION_S] == 5400.0 and ride[C.DISTANCE_M] == 40000.0


# --- other sports in the weekly table ---------------------------------------------------


def _hr_samples(aid: str, start: pd.Timestamp, seconds: int, bpm: float) -> pd.DataFrame:
    """1 s samples at a constant heart rate."""
    return pd.DataFrame(
        {
            C.ACTIVITY_ID: aid,
            C.TIMESTAMP: pd.date_range(start.tz_localize("UTC"), periods=seconds, freq="1s"),
            C.SPEED_M_S: 3.0,
            C.HEART_RATE_BPM: bpm,
            C.TEMPERATURE_C: np.nan,
        }
    )


def test_weekly_other_sports_hours_and_trimp_by_hand():
    day = lambda d: DAY0 + pd.Timedelta(days=d)  # noqa: E731
    acts = activities(
        [
            activity(0, 10_000, i=0, hours=0.5),  # a run, heart rate 180 throughout: the runner's maximum
            activity(2, 30_000, i=1, sport="cycling", hours=1.0),  # a ride at 120 bpm
            activity(3, 1_500, i=2, sport="swimming", hours=0.5),  # a swim without heart rate
            activity(4, 0, i=3, sport="training", sub_sport="strength_training", hours=0.75),
            activity(5, 6_000, i=4, sport="walking", hours=2.0),  # a walk: not another sport
            activity(7, 10_000, i=5, hours=0.5),  # week 2: a run only
            activity(16, 8_000, i=6, hours=0.5),  # week 3: a run ...
            activity(17, 1_000, i=7, sport="swimming", hours=0.25),  # ... and a swim without heart rate
        ]
    )
    samples = pd.concat([_hr_samples("r0", day(0), 1800, 180.0), _hr_samples("r1", day(2), 3600, 120.0)])
    weekly = Context(FakeHistory(acts, samples)).weekly
    w = [DAY0.normalize() + pd.Timedelta(days=7 * i) for i in range(3)]
    assert weekly.loc[w[0], C.OTHER_SPORTS_H] == pytest.approx(1.0 + 0.5 + 0.75)
    assert weekly.loc[w[1], C.OTHER_SPORTS_H] == 0.0
    assert weekly.loc[w[2], C.OTHER_SPORTS_H] == pytest.approx(0.25)
    # The ride's TRIMP with the runs' maximum (180), resting 60: HRr = (120 - 60) / (180 - 60)
    # = 0.5, over 3599 s of moving time (the first sample stands for none), men's weights.
    minutes = 3599 / 60
    expected = minutes * 0.5 * 0.64 * math.exp(1.92 * 0.5)
    assert weekly.loc[w[0], C.OTHER_SPORTS_TRIMP] == pytest.approx(expected, rel=1e-12)
    assert weekly.loc[w[1], C.OTHER_SPORTS_TRIMP] == 0.0  # no other sport
    assert math.isnan(weekly.loc[w[2], C.OTHER_SPORTS_TRIMP])  # a swim without heart rate
    # The runs' own TRIMP is unchanged by the ride beside it.
    runs_only = Context(FakeHistory(acts[acts[C.IS_RUN]].reset_index(drop=True), samples)).weekly
    assert weekly.loc[w[0], C.TRIMP] == runs_only.loc[w[0], C.TRIMP]


# --- a break filled with rides ----------------------------------------------------------


def _break_history(ride_hours: float, return_km: float) -> FakeHistory:
    """Four weeks of 4 x 10 km (1 h each: 40 km and 4 h a week), 28 days without a run
    with a ride of ``ride_hours`` on days 29, 31 and 33 of each week of the break, then a
    return week of 4 runs of return_km / 4."""
    runs = [(7 * w + d, 10_000.0) for w in range(4) for d in (0, 2, 4, 6)]
    runs += [(56 + d, return_km * 1000 / 4) for d in (0, 2, 4, 6)]
    rides = [(28 + 7 * w + d, 25_000.0) for w in range(4) for d in (1, 3, 5)]
    acts = pd.concat([on_days(runs), on_days(rides, sport="cycling", prefix="c", hours=ride_hours)], ignore_index=True)
    return FakeHistory(acts)


def test_a_break_filled_with_rides_is_cross_training_not_a_comeback_alarm():
    ctx = Context(_break_history(ride_hours=1.0, return_km=60.0))
    (cb,) = ctx.comebacks.to_dict("records")
    assert cb[C.GAP_DAYS] == 28 and cb[C.PRE_BREAK_WEEKLY_M] == 40_000.0
    assert cb[C.PRE_BREAK_WEEKLY_H] == pytest.approx(4.0)
    assert cb[C.BREAK_OTHER_SPORTS_H] == pytest.approx(3.0)  # 12 rides of 1 h over 4 weeks
    assert cb[C.BREAK_OTHER_SPORTS] == "cycling" and cb[C.CROSS_TRAINED]  # 3 h >= half of 4 h
    (found,) = Comeback().run(ctx)
    assert found.severity == "low"
    assert "not a break from training: 3 h of cycling a week" in found.message
    assert "150 % of your pre-break weekly volume" in found.message
    assert "too much" not in found.message
    assert found.advice == CROSS_TRAINED_ADVICE


def test_a_break_with_a_few_rides_is_still_a_break():
    # 3 x 0.5 h a week: 1.5 h, under half of 4 h: a comeback at 150 % is too much too soon.
    ctx = Context(_break_history(ride_hours=0.5, return_km=60.0))
    (cb,) = ctx.comebacks.to_dict("records")
    assert cb[C.BREAK_OTHER_SPORTS_H] == pytest.approx(1.5) and not cb[C.CROSS_TRAINED]
    (found,) = Comeback().run(ctx)
    assert found.severity == "high" and found.message.endswith("too much too soon.")
    assert "not a break from training" not in found.message


def test_a_return_under_the_pre_break_volume_is_not_too_much():
    # The message: week 1 at 70 % is above its 50 % limit, yet under what was run before.
    ctx = Context(_break_history(ride_hours=0.0, return_km=28.0))
    (found,) = Comeback().run(ctx)
    assert found.severity == "low" and "too much" not in found.message
    assert "70 % of your pre-break weekly volume" in found.message and "under your pre-break volume" in found.message


def test_week_three_just_above_the_pre_break_volume_is_medium():
    # 40 km weeks, break, then weeks of 12, 20 and 44 km: week 3 at 110 % is 1.22 x its 90 % limit.
    runs = [(7 * w + d, 10.0) for w in range(4) for d in (0, 2, 4, 6)]
    runs += [(56 + 7 * w + d, km / 4) for w, km in enumerate((12.0, 20.0, 44.0)) for d in (0, 2, 4, 6)]
    found = Comeback().run(Context(FakeHistory(on_days([(d, km * 1000) for d, km in runs]))))
    assert [(f.severity, "week 3" in f.message, "too much too soon" in f.message) for f in found] == [
        ("medium", True, True)
    ]


# --- the property: "too much" only above the pre-break level -----------------------------


@st.composite
def histories_with_breaks(draw):
    """Runs before a break (1-6 weeks), a break of 14-60 days, runs after it (1-3
    weeks), a few runs anywhere, and rides anywhere: (day, km) runs and (day, hours) rides."""
    runs, day = [], 0
    for _ in range(draw(st.integers(1, 3))):  # up to three breaks
        weeks = draw(st.integers(1, 6))
        for d in draw(st.lists(st.integers(0, 7 * weeks - 1), min_size=1, max_size=5 * weeks, unique=True)):
            runs.append((day + d, draw(st.floats(0.5, 30.0))))
        day += 7 * weeks + draw(st.integers(14, 60))
    back = draw(st.lists(st.integers(0, 20), min_size=1, max_size=12, unique=True))
    runs += [(day + d, draw(st.floats(0.5, 40.0))) for d in back]
    runs += draw(st.lists(st.tuples(st.integers(0, day + 20), st.floats(0.5, 30.0)), max_size=5))
    rides = draw(st.lists(st.tuples(st.integers(0, day + 20), st.floats(0.25, 4.0)), max_size=30))
    return runs, rides


@settings(max_examples=80, deadline=None)
@given(histories_with_breaks())
def test_comeback_never_says_too_much_of_a_week_not_above_the_pre_break_volume(history):
    runs, rides = history
    acts = on_days([(d, km * 1000) for d, km in runs])
    if rides:
        parts = [on_days([(d, 20_000.0)], sport="cycling", prefix=f"c{i}-", hours=h) for i, (d, h) in enumerate(rides)]
        acts = pd.concat([acts, *parts], ignore_index=True)
    ctx = Context(FakeHistory(acts))
    found = Comeback().run(ctx)
    if not isinstance(found, list):
        return
    breaks = ctx.comebacks.set_index(C.RETURN_DATE)
    for f in found:
        r = breaks.loc[pd.Timestamp(f.window["start"])]
        week = int(re.search(r"in week (\d)", f.message).group(1))
        shown = int(re.search(r"(\d+) % of your pre-break weekly volume", f.message).group(1))
        pct = r[C.week_column(week, "pct")]
        assert pct > COMEBACK_LIMITS_PCT[week - 1]  # a finding is a week above its limit
        if "too much" in f.message:
            assert shown > 100 and pct > 100, f.message
        if f.severity in ("high", "medium"):
            assert "too much too soon" in f.message and not r[C.CROSS_TRAINED]
        assert ("not a break from training" in f.message) == bool(r[C.CROSS_TRAINED])


# --- the real Strava exports ----------------------------------------------------------------


def _run_rows(path, type_col: str, dist_col: int | str, gear_col: str):
    """Run rows of a Strava CSV read with the csv module: metres and count per gear."""
    metres: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        dist = dist_col if isinstance(dist_col, int) else header.index(dist_col)
        t, g = header.index(type_col), header.index(gear_col)
        for row in reader:
            if row[t] == "Run":
                metres[row[g].strip()] += float(row[dist])
                count[row[g].strip()] += 1
    return dict(metres), dict(count)


@requires_real
def test_real_current_format_csv_alone(tmp_path):
    path = OTHER / "CarlArthur01__strava-export-activities-with-gear.csv"
    h = read_history([path], cache=tmp_path, progress=False)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    metres, count = _run_rows(
        path, "Activity Type", [i for i, x in enumerate(header) if x == "Distance"][1], "Activity Gear"
    )
    ctx = Context(h)
    assert len(ctx.runs) == sum(count.values()) == 89  # "0 runs read" before
    assert ctx.weekly[C.DISTANCE_M].sum() == pytest.approx(sum(metres.values()))
    pairs = ctx.shoes.pairs.set_index(C.SHOE)  # "no shoe data" before
    assert pairs["n_runs"].to_dict() == {shoe: n for shoe, n in count.items() if shoe}
    for shoe, total in metres.items():
        if shoe:
            assert pairs.loc[shoe, "total_m"] == pytest.approx(total)
    assert ctx.shoes.unassigned_runs == count[""] == 12
    # Its 82 golf rounds are not other sports; its 11 weight-training sessions are.
    assert ctx.strength[C.SPORT].eq("training").all() and len(ctx.strength) == 11


@requires_real
def test_real_strava_series_with_its_csv(tmp_path):
    gpx = sorted((REAL / "gpx").glob("AhmedAldahshoury__strava-run-*"))
    path = OTHER / "AhmedAldahshoury__strava-export-old-format-activities.csv"
    h = read_history([*gpx, path], cache=tmp_path, progress=False)
    metres, count = _run_rows(path, "type", "distance", "gear")
    runs = h.runs
    # Every Run row once: its 13 GPX files (matched by start time) and 32 rows without a file.
    assert len(runs) == sum(count.values()) == 45
    assert (runs[C.FORMAT] == "gpx").sum() == 13 and (runs[C.FORMAT] == "strava_csv").sum() == 32
    assert "13 read from their files; 115 added from its rows" in h.files[-1].reason
    ctx = Context(h)
    # Its gear is on rides only (two bikes): no shoe data.
    assert ctx.shoes is None
    # 2018-04-12 to 2018-05-20: 37 days without running, 4.8 h of cycling a week against
    # 1.2 h of running before: cross-training, not a comeback alarm.
    found = {f.window["start"]: f for f in Comeback().run(ctx)}
    back = found["2018-05-20"]
    assert back.severity == "low"
    assert "After 37 days without running (not a break from training: 5 h of cycling a week)" in back.message
    # A CSV ride placed with the nearest known offset (the Cairo runs', UTC+2).
    ride = h.activities.set_index(C.SOURCE).loc[f"{path} (Strava activity 1344203330)"]
    assert ride[C.START_LOCAL] == pd.Timestamp("2018-01-06 20:24:24")
    assert "UTC+2 h assumed from the nearest activity" in ride[C.NOTE]


# --- the weekly chart -----------------------------------------------------------------------


def test_weekly_chart_shows_other_sports_only_when_there_are_any():
    from matplotlib.figure import Figure

    from analyzer.report import plots

    ctx = Context(_break_history(ride_hours=1.0, return_km=60.0))
    labels = {}
    for name, weekly in (("with", ctx.weekly), ("without", ctx.weekly.assign(**{C.OTHER_SPORTS_H: 0.0}))):
        fig = Figure()
        ax = fig.subplots()
        plots.weekly_distance(ax, weekly, [], "km")
        labels[name] = [a.get_ylabel() for a in fig.axes]
        assert fig.axes[0] is ax and ax.get_ylabel() == "distance per week [km]"
    assert "other sports [h/week]" in labels["with"]
    assert "other sports [h/week]" not in labels["without"]
