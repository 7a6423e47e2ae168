"""Training-load features against values worked out by hand, Hypothesis invariants,
and the real NRC and Strava GPX series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import columns as C
from analyzer.features import load as L
from tests.conftest import REAL, requires_real
from tests.fakes import DAY0, on_days


def history(runs: list[tuple[int, float]], sport: str = "running", sub_sport: str = "") -> pd.DataFrame:
    """Activities from (day offset from DAY0, km), one hour each (tests/fakes.py)."""
    return on_days([(day, km * 1000.0) for day, km in runs], sport=sport, sub_sport=sub_sport, prefix=sport)


def steady_weeks(weeks: int, km_per_run: float = 10.0, days=(0, 2, 4, 6)) -> list[tuple[int, float]]:
    return [(7 * w + d, km_per_run) for w in range(weeks) for d in days]


def test_a_40_km_block_then_60_km_is_plus_50_percent():
    acts = history(steady_weeks(4) + [(28 + d, 12.0) for d in (0, 1, 2, 4, 6)])
    weekly = L.weekly_volume(acts)
    assert weekly["distance_m"].tolist() == [40000.0] * 4 + [60000.0]
    assert weekly["change_pct"].iloc[1:4].tolist() == [0.0, 0.0, 0.0]
    assert weekly["change_pct"].iloc[4] == pytest.approx(50.0)
    assert weekly["progression_flag"].tolist() == [False, False, False, False, True]
    assert weekly["longest_run_m"].iloc[4] == 12000.0
    assert weekly["long_run_share_pct"].iloc[0] == pytest.approx(25.0)


def test_weeks_without_runs_are_zero_not_missing():
    acts = history([(0, 10.0), (15, 10.0)])
    weekly = L.weekly_volume(acts)
    assert weekly.index.tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-08"), pd.Timestamp("2024-01-15")]
    assert weekly["distance_m"].tolist() == [10000.0, 0.0, 10000.0]
    assert weekly["runs"].tolist() == [1, 0, 1]
    assert math.isnan(weekly["change_pct"].iloc[2])  # against an empty week: undefined


def test_nielsen_progression_at_each_run():
    # 20 km in days 0-6, then 30 km in days 7-13: +50 % at the day-13 run.
    acts = history([(0, 10.0), (3, 10.0), (8, 15.0), (13, 15.0)])
    prog = L.run_progression(acts).set_index(C.ACTIVITY_ID)
    assert prog.loc["running3", "last7_m"] == 30000.0
    assert prog.loc["running3", "prev7_m"] == 20000.0
    assert prog.loc["running3", "progression_pct"] == pytest.approx(50.0)
    assert bool(prog.loc["running3", "above_limit"])


def test_long_run_spike_bands():
    # Longest of the previous 30 days is 14 km; a 31-day-old 30 km run does not count.
    acts = history([(0, 30.0), (31, 10.0), (35, 14.0), (40, 8.0), (45, 26.0), (50, 15.4), (52, 15.0)])
    spikes = L.long_run_spikes(acts).set_index(C.ACTIVITY_ID)
    assert spikes.loc["running4", "prev_longest_m"] == 14000.0
    assert spikes.loc["running4", "spike_pct"] == pytest.approx((26 / 14 - 1) * 100)  # 85.7 %
    assert spikes.loc["running4", "band"] == ">30-100%"
    assert spikes.loc["running4", "hazard_ratio"] == 1.52
    assert spikes.loc["running2", "prev_longest_m"] == 10000.0  # the 30 km run is 35 days old
    assert spikes.loc["running2", "band"] == ">30-100%"  # 14 vs 10: +40 %
    assert spikes.loc["running5", "spike_pct"] == pytest.approx((15.4 / 26 - 1) * 100)
    assert spikes.loc["running5", "band"] == "<=10%"
    assert math.isnan(spikes.loc["running0", "prev_longest_m"])


@pytest.mark.parametrize(
    ("km", "band"),
    [(11.0, "<=10%"), (11.01, ">10-30%"), (13.0, ">10-30%"), (13.01, ">30-100%"), (20.0, ">30-100%"), (20.01, ">100%")],
)
def test_spike_band_edges(km, band):
    # A short run 40 days earlier starts the history, so the 30-day window is complete.
    spikes = L.long_run_spikes(history([(-40, 1.0), (0, 10.0), (5, km)]))
    assert spikes["band"].iloc[2] == band


def test_no_spike_while_the_30_day_window_predates_the_history():
    spikes = L.long_run_spikes(history([(0, 5.0), (10, 20.0), (31, 30.0)]))
    assert spikes["prev_longest_m"].isna().tolist() == [True, True, False]
    assert spikes["band"].tolist()[:2] == [None, None]


def test_four_week_gap_then_a_full_week_is_a_comeback():
    acts = history(steady_weeks(4) + [(56 + d, 10.0) for d in range(5)])
    cb = L.comebacks(acts, as_of=pd.Timestamp("2024-03-03"))  # the Sunday of the return week
    assert len(cb) == 1
    row = cb.iloc[0]
    assert row["last_run_date"] == pd.Timestamp("2024-01-28")
    assert row["return_date"] == pd.Timestamp("2024-02-26")
    assert row["gap_days"] == 28
    assert row["pre_break_weekly_m"] == pytest.approx(40000.0)
    assert row["week1_m"] == 50000.0
    assert row["week1_pct"] == pytest.approx(125.0)
    assert row["weeks_observed"] == 1
    assert L.comebacks(acts)["weeks_observed"].iloc[0] == 0  # the return week is not over yet


def test_acwr_by_hand():
    # 5 km every day for 33 days, then 10 km every day for 7 days.
    acts = history([(d, 5.0) for d in range(33)] + [(d, 10.0) for d in range(33, 40)])
    r = L.acwr(acts)
    assert math.isnan(r["acwr"].iloc[26]) and r["acwr_reason"].iloc[26] == "fewer than 28 days of history"
    assert r["acwr"].iloc[27] == pytest.approx(1.0)
    assert r["acwr_uncoupled"].iloc[32] == pytest.approx(1.0)
    last = r.iloc[-1]
    assert last["acute_7d"] == pytest.approx(10000.0)
    assert last["chronic_28d"] == pytest.approx((21 * 5000 + 7 * 10000) / 28)
    assert last["acwr"] == pytest.approx(1.6)
    assert last["acwr_uncoupled"] == pytest.approx(2.0)
    # EWMA by its recurrence, written out independently.
    a = c = 5000.0
    for load in [5000.0] * 32 + [10000.0] * 7:
        a = load * 2 / 8 + a * (1 - 2 / 8)
        c = load * 2 / 29 + c * (1 - 2 / 29)
    assert last["acwr_ewma"] == pytest.approx(a / c)


def test_acwr_names_a_gap_in_the_chronic_window():
    # Runs on days 0-9 and 26-39: days 10-25 (16 days) without one. On day 39 the
    # window is days 12-39, which holds days 12-25 of the gap: 14 days in a row.
    acts = history([(d, 5.0) for d in range(10)] + [(d, 5.0) for d in range(26, 40)])
    r = L.acwr(acts)
    assert r["window_note"].iloc[-1] == "the last 28 days include 14 days in a row without a recorded run"
    # On day 37 (window 10-37) the whole gap is inside: 16 days.
    assert r["window_note"].iloc[37] == "the last 28 days include 16 days in a row without a recorded run"


def test_acwr_names_only_the_part_of_a_gap_inside_the_window():
    # Runs every day on days 0-29, none on days 30-66 (a 37-day gap), runs every day
    # from day 67. Analysis on day 84: the window is days 57-84, which holds days 57-66
    # of the gap: 10 days, under the 14 that are named.
    acts = history([(d, 5.0) for d in range(30)] + [(d, 5.0) for d in range(67, 85)])
    r = L.acwr(acts, DAY0 + pd.Timedelta(days=84))
    assert r.index[-1] == pd.Timestamp("2024-03-25")  # day 84
    assert r["window_note"].iloc[-1] == ""
    # Analysis on day 76: the window is days 49-76, which holds days 49-66: 18 days.
    r = L.acwr(acts, DAY0 + pd.Timedelta(days=76))
    assert r["window_note"].iloc[-1] == "the last 28 days include 18 days in a row without a recorded run"
    # Analysis on day 66, the gap's last day: the window (days 39-66) is all gap.
    r = L.acwr(acts, DAY0 + pd.Timedelta(days=66))
    assert r["window_note"].iloc[-1] == "no recorded run in the last 28 days"
    # Two shorter gaps in one window are not added up: runs on days 0-29, 38-44 and
    # 53-60 leave two 8-day gaps (days 30-37, 45-52) in the window of day 60 (33-60):
    # 5 and 8 days, neither named.
    acts = history([(d, 5.0) for d in [*range(30), *range(38, 45), *range(53, 61)]])
    assert L.acwr(acts)["window_note"].iloc[-1] == ""


def test_monotony_and_strain_by_hand():
    acts = history([(0, 10.0), (2, 10.0), (4, 10.0), (6, 10.0)])
    mono = L.weekly_monotony(L.daily_load(acts)["distance_m"])
    # Four 10 km days and three rest days: mean/SD = (4/7) / sqrt(4/7 * 3/7) = sqrt(4/3).
    assert mono["monotony"].iloc[0] == pytest.approx(math.sqrt(4 / 3))
    assert mono["strain"].iloc[0] == pytest.approx(40000 * math.sqrt(4 / 3))


def _samples(activity_id: str, speed: np.ndarray, hr: np.ndarray, temp: float | None = None) -> pd.DataFrame:
    n = len(speed)
    return pd.DataFrame(
        {
            C.ACTIVITY_ID: activity_id,
            C.TIMESTAMP: pd.date_range("2024-01-01 06:00", periods=n, freq="1s", tz="UTC"),
            C.SPEED_M_S: speed,
            C.HEART_RATE_BPM: hr,
            C.TEMPERATURE_C: np.nan if temp is None else temp,
        }
    )


def test_trimp_by_hand():
    # 30 minutes at HRr = 0.5 (HR 120 between 60 and 180): 30 x 0.5 x 0.64 e^0.96.
    s = _samples("a", np.full(1801, 3.0), np.full(1801, 120.0))
    got = L.trimp(s, hr_max=180, hr_rest=60)
    assert got["a"] == pytest.approx(30 * 0.5 * 0.64 * math.exp(1.92 * 0.5))
    got = L.trimp(s, hr_max=180, hr_rest=60, sex="female")
    assert got["a"] == pytest.approx(30 * 0.5 * 0.86 * math.exp(1.67 * 0.5))


def test_efficiency_and_decoupling_by_hand():
    hr = np.r_[np.full(1801, 150.0), np.full(1800, 160.0)]
    s = _samples("a", np.full(3601, 3.0), hr, temp=27.0)
    eff = L.efficiency(s).loc["a"]
    # First half 3/150, second 3/160: (1/50 - 3/160) / (1/50) = 6.25 %.
    assert eff["decoupling_pct"] == pytest.approx(6.25, abs=0.01)
    assert eff["ef_m_per_beat"] == pytest.approx(3.0 / 155.0 * 60, rel=1e-3)
    assert eff["moving_s"] == 3600.0
    assert eff["mean_temperature_c"] == 27.0


def _partial_hr_run(has_hr, n: int = 1801) -> pd.DataFrame:
    """n 1 s samples (n - 1 s moving): heart rate 150 bpm up to sample 900, then 160, on
    the samples where has_hr(i); 3 m/s with heart rate, 4 m/s without; temperature 20 degC
    with heart rate, 30 without, and 99 on the first sample (which stands for no time)."""
    i = np.arange(n)
    hr_on = np.array([bool(has_hr(k)) for k in i])
    hr = np.where(i <= 900, 150.0, 160.0)
    temp = np.where(hr_on, 20.0, 30.0)
    temp[0] = 99.0
    return _samples("a", np.where(hr_on, 3.0, 4.0), np.where(hr_on, hr, np.nan), temp=temp)


def test_partial_heart_rate_moving_time_counts_every_moving_sample():
    # Heart rate on 7 samples in 10 (i % 10 < 7). Moving samples: i = 1..1800 (1800 s).
    # With heart rate among them: 1260 (i = 1..1799 give 1259, i = 1800 one more): 70 %.
    # Halves by moving time: i <= 900 and i > 900, 630 heart-rate seconds each (70 %).
    eff = L.efficiency(_partial_hr_run(lambda i: i % 10 < 7)).loc["a"]
    assert eff["moving_s"] == 1800.0
    assert eff["hr_coverage_pct"] == pytest.approx(70.0)
    # EF over the heart-rate samples only: 3 m/s at (630 x 150 + 630 x 160) / 1260 = 155 bpm.
    # (Over every moving sample the mean speed would be (1260 x 3 + 540 x 4) / 1800 = 3.3.)
    assert eff["ef_m_per_beat"] == pytest.approx(3.0 / 155.0 * 60)
    # Decoupling from the heart-rate samples of each half: (3/150 - 3/160) / (3/150) = 6.25 %.
    assert eff["decoupling_pct"] == pytest.approx(6.25)
    # Temperature over every moving sample: (1260 x 20 + 540 x 30) / 1800.
    assert eff["mean_temperature_c"] == pytest.approx(23.0)


def test_heart_rate_figures_need_half_the_moving_time():
    # Heart rate on 4 samples in 10: 720 of 1800 moving seconds, 40 % (< 50 %): no EF, no decoupling.
    eff = L.efficiency(_partial_hr_run(lambda i: i % 10 < 4)).loc["a"]
    assert eff["moving_s"] == 1800.0 and eff["hr_coverage_pct"] == pytest.approx(40.0)
    assert math.isnan(eff["ef_m_per_beat"]) and math.isnan(eff["decoupling_pct"])
    # Heart rate on the whole first half (900 s) and on 2 samples in 10 of the second
    # (i = 901..1800: 180 s, 20 %): 1080 s of 1800, 60 % overall. EF = 3 m/s at
    # (900 x 150 + 180 x 160) / 1080 bpm; decoupling needs 50 % in each half: NaN.
    eff = L.efficiency(_partial_hr_run(lambda i: i <= 900 or i % 10 < 2)).loc["a"]
    assert eff["hr_coverage_pct"] == pytest.approx(60.0)
    assert eff["ef_m_per_beat"] == pytest.approx(3.0 / ((900 * 150 + 180 * 160) / 1080) * 60)
    assert math.isnan(eff["decoupling_pct"])
    # Exactly half of each half (i % 10 < 5: 450 of 900 s in each) is enough.
    eff = L.efficiency(_partial_hr_run(lambda i: i % 10 < 5)).loc["a"]
    assert eff["hr_coverage_pct"] == pytest.approx(50.0)
    assert eff["decoupling_pct"] == pytest.approx(6.25)


def test_strength_sessions_per_week():
    acts = pd.concat(
        [
            history([(0, 10.0), (9, 10.0)]),
            history([(1, 0.0), (3, 0.0), (5, 0.0), (8, 0.0)], sport="training", sub_sport="strength_training"),
        ],
        ignore_index=True,
    )
    st_weeks = L.strength_sessions(acts)
    assert st_weeks["sessions"].tolist() == [3, 1]
    assert st_weeks["duration_s"].tolist() == [3 * 3600.0, 3600.0]
    assert L.weekly_volume(acts)["runs"].tolist() == [1, 1]  # strength is not mileage


def test_every_load_table_column_is_in_the_nomenclature():
    """The load functions return the columns columns.py documents (the README's
    nomenclature), in its order; week<i> stands for the comeback weeks 1 to 3."""
    acts = history(steady_weeks(4) + [(56 + d, 10.0) for d in range(5)])
    s = _samples("running0", np.full(601, 3.0), np.full(601, 140.0))
    weekly = L.weekly_table(acts, s)
    assert [weekly.index.name, *weekly.columns] == list(C.WEEKLY_COLUMNS)
    daily, ratios = L.daily_load(acts), L.acwr(acts)
    assert [daily.index.name, *daily.columns, *ratios.columns] == list(C.DAILY_LOAD_COLUMNS)
    assert list(L.run_progression(acts).columns) == list(C.RUN_PROGRESSION_COLUMNS)
    assert list(L.long_run_spikes(acts).columns) == list(C.SPIKE_COLUMNS)
    weeks = [f"week{i}_m" for i in (1, 2, 3)] + [f"week{i}_pct" for i in (1, 2, 3)]
    documented = list(C.COMEBACK_COLUMNS)
    assert documented[4:6] == ["week<i>_m", "week<i>_pct"]
    assert list(L.comebacks(acts).columns) == documented[:4] + weeks + documented[6:]
    eff = L.efficiency(s)
    assert [eff.index.name, *eff.columns] == list(C.EFFICIENCY_COLUMNS)
    assert list(L.hr_histogram(s).columns) == list(C.HR_HISTOGRAM_COLUMNS)


# --- invariants -----------------------------------------------------------------------------

week_patterns = st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=7, unique=True)


@settings(max_examples=40, deadline=None)
@given(km=st.floats(min_value=1, max_value=200), patterns=st.lists(week_patterns, min_size=2, max_size=8))
def test_constant_weekly_volume_never_shows_a_jump(km, patterns):
    runs = [(7 * w + d, km / len(days)) for w, days in enumerate(patterns) for d in days]
    weekly = L.weekly_volume(history(runs))
    assert np.allclose(weekly["change_pct"].iloc[1:].dropna(), 0.0, atol=1e-9)  # NaN after a partial week
    assert not weekly["progression_flag"].any()


@settings(max_examples=30, deadline=None)
@given(
    runs=st.lists(st.tuples(st.integers(0, 90), st.floats(1, 40)), min_size=3, max_size=40),
    scale=st.floats(0.1, 10),
)
def test_scaling_every_distance_leaves_every_ratio_unchanged(runs, scale):
    a = history(runs)
    b = history([(d, km * scale) for d, km in runs])
    wa, wb = L.weekly_table(a), L.weekly_table(b)
    for col in (
        "change_pct",
        "long_run_share_pct",
        "acwr",
        "acwr_ewma",
        "acwr_uncoupled",
        "monotony",
        "max_progression_pct",
    ):
        assert np.allclose(wa[col].astype(float), wb[col].astype(float), rtol=1e-9, equal_nan=True), col
    sa, sb = L.long_run_spikes(a), L.long_run_spikes(b)
    assert np.allclose(sa["spike_pct"], sb["spike_pct"], rtol=1e-9, equal_nan=True)
    assert sa["band"].tolist() == sb["band"].tolist()


@settings(max_examples=30, deadline=None)
@given(
    runs=st.lists(st.tuples(st.integers(0, 60), st.floats(1, 40)), min_size=2, max_size=25),
    walk_day=st.integers(0, 70),
    walk_km=st.floats(0.5, 30),
)
def test_adding_a_walk_changes_no_running_figure(runs, walk_day, walk_km):
    runs_only = history(runs)
    with_walk = pd.concat([runs_only, history([(walk_day, walk_km)], sport="walking")], ignore_index=True)
    end = DAY0 + pd.Timedelta(days=75)
    pd.testing.assert_frame_equal(L.weekly_table(runs_only, as_of=end), L.weekly_table(with_walk, as_of=end))
    pd.testing.assert_frame_equal(L.long_run_spikes(runs_only), L.long_run_spikes(with_walk))
    pd.testing.assert_frame_equal(L.comebacks(runs_only), L.comebacks(with_walk))


# --- the real series --------------------------------------------------------------------------


#: The NRC run the shared MANIFEST marks SUSPECT: 22.1 km in 47 min, faster than any human.
IMPOSSIBLE_NRC_RUN = "corriporai__nrc-run-2020-09-20-556160e9"


@requires_real
@pytest.mark.parametrize("series", ["corriporai__nrc-run-", "AhmedAldahshoury__strava-run-"])
def test_real_gpx_series_weekly_totals_and_acwr(real_history, series):
    acts = real_history.activities
    acts = acts[acts[C.SOURCE].str.contains(series, regex=False)]
    assert len(acts) >= 10
    weekly = L.weekly_volume(acts)
    # The MANIFEST's impossible run (22.1 km in 47 min) is no training load.
    possible = acts[~acts[C.SOURCE].str.contains(IMPOSSIBLE_NRC_RUN, regex=False)]
    assert acts[C.SUSPECT].sum() == len(acts) - len(possible)
    acts = possible
    # Independent sum: each run's local date -> its Monday, by hand.
    expected: dict[pd.Timestamp, float] = {}
    for start, dist in zip(acts[C.START_LOCAL], acts[C.DISTANCE_M], strict=True):
        monday = (start - pd.Timedelta(days=start.weekday())).normalize()
        expected[monday] = expected.get(monday, 0.0) + dist
    got = weekly["distance_m"]
    assert got.sum() == pytest.approx(acts[C.DISTANCE_M].sum())
    for monday, total in expected.items():
        assert got[monday] == pytest.approx(total)
    assert (got[~got.index.isin(list(expected))] == 0).all()
    ratios = L.acwr(acts)["acwr"].dropna()
    assert len(ratios) > 0 and ((ratios >= 0) & (ratios < 6)).all()
    assert REAL.is_dir()


@requires_real
def test_real_nrc_run_moving_time_with_partial_heart_rate(real_history):
    """An NRC run (31.6 min on the timer) with heart rate on ~60 % of its points: every
    moving second counts, worked out here from gpxpy directly (haversine distance
    between consecutive points over their time; moving: >= 1.6 m/s, gaps of 10 s or less)."""
    import gpxpy

    name = "corriporai__nrc-run-2020-08-09-9427f130.gpx"
    path = next(REAL.rglob(name))
    moving = with_hr = 0.0
    for seg in (seg for trk in gpxpy.parse(path.read_text(encoding="utf-8")).tracks for seg in trk.segments):
        for a, b in zip(seg.points, seg.points[1:], strict=False):
            dt = (b.time - a.time).total_seconds()
            la, lb = math.radians(a.latitude), math.radians(b.latitude)
            h = (
                math.sin((lb - la) / 2) ** 2
                + math.cos(la) * math.cos(lb) * math.sin(math.radians(b.longitude - a.longitude) / 2) ** 2
            )
            metres = 2 * 6_371_008.8 * math.asin(math.sqrt(h))
            if 0 < dt <= 10 and metres / dt >= 1.6:
                moving += dt
                hr = [float(c.text) for e in b.extensions for c in e if c.tag.endswith("}hr")]
                with_hr += dt if hr and hr[0] > 0 else 0.0
    assert 26 * 60 < moving < 27 * 60 and 0.5 < with_hr / moving < 0.6  # what the file holds
    acts = real_history.activities
    aid = acts.loc[acts[C.SOURCE].str.endswith(name), C.ACTIVITY_ID].iloc[0]
    eff = L.efficiency(real_history.load_samples([aid])).loc[aid]
    assert eff["moving_s"] == pytest.approx(moving)
    assert eff["hr_coverage_pct"] == pytest.approx(100 * with_hr / moving)
