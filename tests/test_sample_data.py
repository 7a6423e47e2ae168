"""The demo season in sample_data/: it imports cleanly and tells its planted stories.

Every story is checked from the imported tables (h.runs, h.samples) with arithmetic done
here, independently of the generator; the dates come from sample_data/index.json.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
NOT_ACTIVITY_FILES = {"README.md", "generate.py", "generate_wellness.py", "index.json"}


@pytest.fixture(scope="module")
def index() -> dict:
    return json.loads((SAMPLE / "index.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def season(sample_history):
    return sample_history


def _rel(path: str) -> str:
    return Path(path).resolve().relative_to(SAMPLE).as_posix()


def _entries(index, tag: str) -> list[dict]:
    return [e for e in index["files"] if tag in e["story"]]


def _runs(season) -> pd.DataFrame:
    runs = season.runs.copy()
    runs["day"] = runs[C.START_LOCAL].dt.normalize()
    runs["monday"] = runs["day"] - pd.to_timedelta(runs["day"].dt.day_of_week, unit="D")
    return runs.sort_values(C.START_UTC).reset_index(drop=True)


def test_every_file_has_the_expected_status(season, index):
    expected = {name: C.SKIPPED for name in NOT_ACTIVITY_FILES}
    expected["shoes.csv"] = C.IMPORTED  # the runner's shoe list
    for path in (SAMPLE / "garmin_export").rglob("*.json"):  # nights and mornings
        expected[_rel(str(path))] = C.IMPORTED
    for e in index["files"]:
        if "duplicate_of" in e:
            expected[e["file"]] = C.DUPLICATE
        elif e["sport"] == "training":
            expected[e["file"]] = C.NOT_RUN
        else:
            expected[e["file"]] = C.IMPORTED
    got = {_rel(f.path): f.status for f in season.files}
    assert got == expected
    assert list(expected.values()).count(C.DUPLICATE) == 1


def test_the_planted_gpx_copy_is_a_duplicate_of_its_fit_twin(season, index):
    dup = next(e for e in index["files"] if "duplicate_of" in e)
    by_path = {_rel(f.path): f for f in season.files}
    twin_ids = by_path[dup["duplicate_of"]].activity_ids
    copy_ids = by_path[dup["file"]].activity_ids
    acts = season.all_activities.set_index(C.ACTIVITY_ID)
    assert acts.loc[copy_ids, C.DUPLICATE_OF].tolist() == twin_ids
    assert acts.loc[twin_ids, C.DUPLICATE_OF].tolist() == [""]


def test_activity_dates_match_the_index(season, index):
    acts = season.all_activities
    got = sorted(
        (_rel(src), start)
        for src, start in zip(acts[C.SOURCE], acts[C.START_LOCAL].dt.strftime("%Y-%m-%dT%H:%M:%S"), strict=True)
    )
    want = sorted((e["file"], e["start_local"]) for e in index["files"])
    assert got == want
    for src, offset in zip(acts[C.SOURCE], acts[C.UTC_OFFSET_S], strict=True):
        entry = next(e for e in index["files"] if e["file"] == _rel(src))
        assert offset == entry["utc_offset_s"]
    assert acts[C.START_LOCAL].max() < pd.Timestamp("2026-11-01")


def test_season_spans_twenty_weeks_of_four_to_five_runs(season):
    runs = _runs(season)
    span_weeks = (runs[C.START_UTC].max() - runs[C.START_UTC].min()).days / 7
    assert span_weeks >= 20
    per_week = runs.groupby("monday").size()
    assert 4.0 <= per_week.mean() <= 5.0
    assert per_week.min() >= 4 and per_week.max() <= 5
    assert len(per_week) >= 20


def _utc(value) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def test_fitparse_and_garmin_sdk_decode_the_same_records(index):
    fitparse = pytest.importorskip("fitparse")
    sdk = pytest.importorskip("garmin_fit_sdk")
    hot = _entries(index, "hot-long-run")[0]
    path = SAMPLE / hot["file"]
    ours = [m.get_values() for m in fitparse.FitFile(str(path)).get_messages("record")]
    stream = sdk.Stream.from_file(str(path))
    messages, errors = sdk.Decoder(stream).read()
    assert errors == []
    theirs = messages["record_mesgs"]
    assert len(ours) == len(theirs) == hot["records"]
    for a, b in zip(ours, theirs, strict=True):
        assert _utc(a["timestamp"]) == _utc(b["timestamp"])
        assert a["heart_rate"] == b["heart_rate"]
        assert a["enhanced_speed"] == pytest.approx(b.get("enhanced_speed", b.get("speed")), abs=1e-9)
        assert a["stance_time"] == pytest.approx(b["stance_time"], abs=1e-9)
        assert a["vertical_oscillation"] == pytest.approx(b["vertical_oscillation"], abs=1e-9)
        assert a["cadence"] == b["cadence"]


def test_story_2_one_week_jumps_more_than_30_percent(season, index):
    runs = _runs(season)
    weekly = runs.groupby("monday")[C.DISTANCE_M].sum()
    ratio = weekly / weekly.shift(1)
    jumps = ratio[ratio > 1.3]
    assert len(jumps) == 1
    dates = {e["date"] for e in _entries(index, "big-week")}
    assert jumps.index[0] == pd.Timestamp(min(dates)) - pd.Timedelta(days=pd.Timestamp(min(dates)).weekday())


def test_story_3_one_long_run_spike_in_an_ordinary_week(season, index):
    runs = _runs(season)
    first = runs[C.START_LOCAL].min()
    spikes = []
    for _, run in runs.iterrows():
        if run[C.START_LOCAL] < first + pd.Timedelta(days=30):
            continue
        window = runs[
            (runs[C.START_LOCAL] >= run[C.START_LOCAL] - pd.Timedelta(days=30))
            & (runs[C.START_LOCAL] < run[C.START_LOCAL])
        ]
        if run[C.DISTANCE_M] > 1.3 * window[C.DISTANCE_M].max():
            spikes.append(run)
    assert len(spikes) == 1
    spike = spikes[0]
    assert spike[C.START_LOCAL].strftime("%Y-%m-%d") == _entries(index, "long-run-spike")[0]["date"]
    weekly = runs.groupby("monday")[C.DISTANCE_M].sum()
    week = spike["monday"]
    assert 0.8 < weekly[week] / weekly[week - pd.Timedelta(days=7)] < 1.2  # an ordinary week


def _decoupling(samples: pd.DataFrame) -> float:
    s = samples.sort_values(C.TIMESTAMP)
    half = s[C.TIMESTAMP].iloc[0] + (s[C.TIMESTAMP].iloc[-1] - s[C.TIMESTAMP].iloc[0]) / 2
    a, b = s[s[C.TIMESTAMP] < half], s[s[C.TIMESTAMP] >= half]
    ef1 = a[C.SPEED_M_S].mean() / a[C.HEART_RATE_BPM].mean()
    ef2 = b[C.SPEED_M_S].mean() / b[C.HEART_RATE_BPM].mean()
    return (ef1 - ef2) / ef1 * 100


def test_story_6_hot_long_run_decouples(season, index):
    runs = _runs(season)
    hot_date = _entries(index, "hot-long-run")[0]["date"]
    hot = runs[runs["day"] == pd.Timestamp(hot_date)]
    hot = hot[hot[C.DURATION_S] >= 3600]
    assert len(hot) == 1
    samples = season.samples
    mine = samples[samples[C.ACTIVITY_ID] == hot[C.ACTIVITY_ID].iloc[0]]
    assert mine[C.TEMPERATURE_C].min() >= 25
    assert _decoupling(mine) > 5.0
    long_runs = runs[(runs[C.DURATION_S] >= 3600) & (runs[C.ACTIVITY_ID] != hot[C.ACTIVITY_ID].iloc[0])]
    for aid in long_runs[C.ACTIVITY_ID]:
        other = samples[samples[C.ACTIVITY_ID] == aid]
        assert _decoupling(other) < 5.0
        assert other[C.TEMPERATURE_C].max() < 25


def test_story_1_and_5_same_pace_form_drifts_late(season, index):
    runs = _runs(season)
    samples = season.samples.merge(runs[[C.ACTIVITY_ID, "day"]], on=C.ACTIVITY_ID)
    band = samples[samples[C.SPEED_M_S].between(2.8, 3.0) & samples[C.STANCE_TIME_MS].notna()]
    base_days = {e["date"] for e in _entries(index, "base")}
    drift_days = {e["date"] for e in _entries(index, "form-drift")}
    base = band[band["day"].dt.strftime("%Y-%m-%d").isin(base_days)]
    late = band[band["day"].dt.strftime("%Y-%m-%d").isin(drift_days)]
    assert len(base) > 10_000 and len(late) > 10_000
    assert late[C.SPEED_M_S].mean() == pytest.approx(base[C.SPEED_M_S].mean(), abs=0.02)  # the same pace
    assert late[C.STANCE_TIME_MS].median() - base[C.STANCE_TIME_MS].median() > 6
    assert late[C.VERTICAL_OSCILLATION_MM].median() - base[C.VERTICAL_OSCILLATION_MM].median() > 3
    assert base[C.CADENCE_SPM].median() - late[C.CADENCE_SPM].median() > 2
    # the base is stable: weekly same-pace GCT medians within a few ms of each other
    weekly = base.groupby(base["day"] - pd.to_timedelta(base["day"].dt.day_of_week, unit="D"))[
        C.STANCE_TIME_MS
    ].median()
    assert weekly.max() - weekly.min() < 3
    # and GCT falls with speed (the pace-adjusted baseline means something)
    fit = samples[samples[C.SPEED_M_S].notna() & samples[C.STANCE_TIME_MS].notna()]
    slope = np.polyfit(fit[C.SPEED_M_S], fit[C.STANCE_TIME_MS], 1)[0]
    assert slope < -10


def test_story_7_strength_fortnight(season, index):
    acts = season.activities
    strength = acts[acts[C.SUB_SPORT] == "strength_training"].copy()
    assert (strength[C.SPORT] == "training").all()
    day = strength[C.START_LOCAL].dt.normalize()
    per_week = strength.groupby(day - pd.to_timedelta(day.dt.day_of_week, unit="D")).size()
    busy = per_week[per_week >= 3]
    assert len(busy) == 2 and (busy.index[1] - busy.index[0]) == pd.Timedelta(days=7)
    block = sorted(e["date"] for e in _entries(index, "strength-block"))
    assert (
        sorted(day[day >= busy.index[0]][day < busy.index[1] + pd.Timedelta(days=7)].dt.strftime("%Y-%m-%d")) == block
    )


def test_story_4_shoe_passes_805_km_before_the_new_pair(season, index):
    shoes = pd.read_csv(SAMPLE / "shoes.csv", dtype=str, keep_default_na=False)
    assert list(shoes.columns) == ["name", "first_used", "retired", "initial_km"]
    runs = _runs(season)
    crossing = {}
    for _, pair in shoes.iterrows():
        first = pd.Timestamp(pair["first_used"])
        last = pd.Timestamp(pair["retired"]) if pair["retired"] else pd.Timestamp.max
        mine = runs[(runs["day"] >= first) & (runs["day"] <= last)]
        km = float(pair["initial_km"] or 0) + mine[C.DISTANCE_M].cumsum() / 1000
        over = mine[km > 805]
        if len(over):
            crossing[pair["name"]] = over["day"].iloc[0]
    assert len(crossing) == 1
    ((name, when),) = crossing.items()
    assert when.strftime("%Y-%m-%d") == _entries(index, "shoe-805km")[0]["date"]
    newest = shoes.iloc[shoes["first_used"].map(pd.Timestamp).argmax()]
    assert newest["name"] != name and when < pd.Timestamp(newest["first_used"])
    assert pd.Timestamp(newest["first_used"]) > runs["day"].max() - pd.Timedelta(weeks=4)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_is_deterministic(tmp_path, index):
    """Regenerate the metadata and a few activity files (the whole season takes minutes
    with fit-tool) and compare bytes with the committed ones."""
    pytest.importorskip("fit_tool")
    picks = [
        _entries(index, "hot-long-run")[0]["file"],
        next(e["file"] for e in index["files"] if "duplicate_of" in e),
        next(e["file"] for e in index["files"] if e["sport"] == "training"),
        next(e["file"] for e in index["files"] if e["format"] == "gpx" and "duplicate_of" not in e),
    ]
    names = [Path(p).name for p in picks]
    cmd = [sys.executable, str(SAMPLE / "generate.py"), "--out", str(tmp_path), "--jobs", "1", "--only", *names]
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    twin = next(e["duplicate_of"] for e in index["files"] if "duplicate_of" in e)
    assert set(written) == {"README.md", "index.json", "shoes.csv", *picks, twin}
    for rel in written:
        assert _sha(tmp_path / rel) == _sha(SAMPLE / rel), rel


# --- story 8: the runner's nights (garmin_export/) and ratings --------------------------


def test_fit_runs_carry_the_ratings_the_plan_gave_them(season, index):
    acts = season.activities.assign(rel=[_rel(s) for s in season.activities[C.SOURCE]]).set_index("rel")
    rated = [e for e in index["files"] if "feel_0_100" in e]
    assert len(rated) == sum(1 for e in index["files"] if e["format"] == "fit" and e["sport"] == "running")
    for e in rated:
        assert acts.at[e["file"], C.FEEL] == e["feel_0_100"]
        assert acts.at[e["file"], C.RPE] == e["rpe_0_10"]
        assert acts.at[e["file"], C.RATING_SOURCE] == "file"
    gpx = [e["file"] for e in index["files"] if e["format"] == "gpx" and "duplicate_of" not in e]
    assert acts.loc[gpx, C.FEEL].isna().all() and acts.loc[gpx, C.RPE].isna().all()


def _export_days(pattern: str) -> list[dict]:
    out = []
    for path in sorted((SAMPLE / "garmin_export").rglob(pattern)):
        out += json.loads(path.read_text(encoding="utf-8"))
    return out


def test_the_export_nights_reach_the_daily_wellness_table(season):
    daily = season.daily_wellness.set_index(C.DATE)
    nights = _export_days("*_sleepData.json")
    hrv = {
        d["calendarDate"]: m
        for d in _export_days("*_healthStatusData.json")
        for m in d["metrics"]
        if m["type"] == "HRV"
    }
    rhr = {d["calendarDate"]: d["restingHeartRate"] for d in _export_days("UDSFile_*.json")}
    assert len(nights) == len(hrv) == len(rhr) == len(daily) == 24 * 7
    no_rem = 0
    for night in nights:
        day = daily.loc[pd.Timestamp(night["calendarDate"])]
        # No total in the export: asleep = deep + light + REM (when the night has REM).
        asleep = night["deepSleepSeconds"] + night["lightSleepSeconds"] + night.get("remSleepSeconds", 0)
        no_rem += "remSleepSeconds" not in night
        assert day[C.SLEEP_S] == asleep
        assert day[C.SLEEP_SCORE] == night["sleepScores"]["overallScore"]
        h = hrv[night["calendarDate"]]
        assert day[C.HRV_NIGHT_MS] == h["value"]
        assert (day[C.HRV_BASELINE_LOW_MS], day[C.HRV_BASELINE_HIGH_MS]) == (
            h["baselineLowerLimit"],
            h["baselineUpperLimit"],
        )
        assert day[C.RESTING_HR_BPM] == rhr[night["calendarDate"]]
    assert no_rem > 0  # the planted nights without a REM stage


def test_story_8_short_nights_low_hrv_high_resting_hr_at_the_usual_load(season):
    daily = season.daily_wellness.set_index(C.DATE)
    story = (daily.index >= "2026-08-31") & (daily.index <= "2026-09-06")
    hours = daily[C.SLEEP_S] / 3600
    assert hours[story].max() < 6.0 and hours[~story].min() > 7.0
    assert daily.loc[story, C.HRV_NIGHT_MS].max() < daily.loc[~story, C.HRV_NIGHT_MS].min()
    assert daily.loc[story, C.RESTING_HR_BPM].mean() - daily.loc[~story, C.RESTING_HR_BPM].mean() > 3.0
    runs = _runs(season)
    week = runs[(runs["day"] >= "2026-08-31") & (runs["day"] <= "2026-09-06")]
    assert (week[C.FEEL].dropna() == 25).all() and week[C.FEEL].notna().sum() == 3
    km = runs.groupby("monday")[C.DISTANCE_M].sum() / 1000
    # the usual load: that week's distance within the season's weekly range before it
    before = km[km.index < pd.Timestamp("2026-08-31")]
    assert before.min() <= km[pd.Timestamp("2026-08-31")] <= before.median() * 1.1
