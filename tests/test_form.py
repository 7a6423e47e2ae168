"""Running form features (issue 5): steady-running summaries, bands, pace-adjusted
baseline, drift. Expected values are worked out by hand or straight from fitparse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer.features import per_run
from analyzer.features.baseline import pace_adjusted_form, theil_sen, theil_sen_within
from analyzer.features.dynamics import (
    NO_DYNAMICS_GPX,
    NO_GCT,
    device_of,
    form_bands,
    form_drift,
    form_summary,
)
from tests.conftest import REAL, requires_real
from tests.fakes import activity, on_days

T0 = pd.Timestamp("2024-03-01 07:00:00", tz="UTC")


def _run(activity_id: str = "r1", fmt: str = "fit", start: pd.Timestamp = T0) -> dict:
    """One run's activity row (tests/fakes.py), local time = UTC."""
    return activity(start=start, **{C.ACTIVITY_ID: activity_id, C.FORMAT: fmt})


def _samples(activity_id: str, seconds, **cols) -> pd.DataFrame:
    seconds = np.asarray(seconds, dtype="float64")
    frame = pd.DataFrame(
        {C.ACTIVITY_ID: activity_id, C.TIMESTAMP: T0 + pd.to_timedelta(seconds, unit="s")},
    )
    for col in C.NUMERIC_SAMPLE_COLUMNS:
        frame[col] = np.nan
    for col, value in cols.items():
        frame[col] = value
    return frame


def _median_iqr_run() -> pd.DataFrame:
    """A 1 Hz run built so that exactly 900 samples are steady running.

    t = 0..599 s, a 30 s pause, t = 630..1230 s, then a walking block 1231..1290 s.
    Warm-up: the first 300 s of moving time (t < 300). Excluded by hand: t < 300
    (warm-up, GCT 400), t = 630 (first sample after the pause, GCT 999), the walk
    (speed 1.0 m/s, GCT 500). Steady: t = 300..599 and 631..1230 = 300 + 600 = 900
    samples carrying GCT 230, 240, 250, 260, 270 repeated (180 each), so the median is
    250 ms and the 25th/75th percentiles are 240/260 ms: IQR 20 ms.
    """
    t = np.r_[np.arange(0, 600), np.arange(630, 1231), np.arange(1231, 1291)]
    speed = np.where(t > 1230, 1.0, 3.0)
    gct = np.full(len(t), np.nan)
    warm = t < 300
    gap = t == 630
    walk = t > 1230
    steady = ~(warm | gap | walk)
    assert steady.sum() == 900
    gct[warm], gct[gap], gct[walk] = 400.0, 999.0, 500.0
    gct[steady] = np.tile([230.0, 240.0, 250.0, 260.0, 270.0], 180)
    vo = np.full(len(t), 150.0)
    vo[steady] = np.tile([80.0, 85.0, 90.0, 95.0, 100.0], 180)
    cadence = np.where(steady, 172.0, 120.0)
    return _samples(
        "r1",
        t,
        **{C.SPEED_M_S: speed, C.STANCE_TIME_MS: gct, C.VERTICAL_OSCILLATION_MM: vo, C.CADENCE_SPM: cadence},
    )


def test_summary_median_iqr_over_steady_running_only():
    runs = pd.DataFrame([_run()])
    samples = _median_iqr_run()
    runs_before, samples_before = runs.copy(), samples.copy()
    out = form_summary(runs, samples)
    pd.testing.assert_frame_equal(runs, runs_before)  # inputs untouched
    pd.testing.assert_frame_equal(samples, samples_before)
    row = out.iloc[0]
    assert row["median_gct_ms"] == 250.0
    assert row["iqr_gct_ms"] == 20.0
    assert row["median_vo_mm"] == 90.0
    assert row["iqr_vo_mm"] == 10.0
    assert row["median_cadence_spm"] == 172.0
    assert row["median_speed_m_s"] == 3.0
    assert row["steady_s"] == 900.0
    assert row["form_reason"] == ""
    # Columns the file does not carry are NaN, never 0.
    assert np.isnan(row["median_vr_pct"]) and np.isnan(row["median_gct_balance_pct"])


def test_short_run_drops_a_third_not_the_whole_run():
    # A 10-minute run (t = 0..600 s, 600 s of moving time): the warm-up is 600 / 3 = 200 s,
    # so t = 200..600 remain: 401 samples, each standing for the 1 s before it (401 s).
    t = np.arange(0, 601)
    gct = np.where(t < 200, 400.0, 260.0)
    samples = _samples("short", t, **{C.SPEED_M_S: 3.0, C.STANCE_TIME_MS: gct})
    out = form_summary(pd.DataFrame([_run("short")]), samples)
    assert out.loc[0, "median_gct_ms"] == 260.0
    assert out.loc[0, "steady_s"] == 401.0


def test_zero_dynamics_are_not_measurements():
    t = np.arange(0, 1200)
    gct = np.where(t % 2 == 0, 0.0, 250.0)  # a watch writing 0 while the foot sensor drops out
    samples = _samples("z", t, **{C.SPEED_M_S: 3.0, C.STANCE_TIME_MS: gct})
    out = form_summary(pd.DataFrame([_run("z")]), samples)
    assert out.loc[0, "median_gct_ms"] == 250.0


def test_runs_without_dynamics_give_nan_and_a_reason():
    runs = pd.DataFrame([_run("gpx", fmt="gpx"), _run("fit-hr-only"), _run("walk")]).assign(
        **{C.IS_RUN: [True, True, False]}
    )
    t = np.arange(0, 1200)
    samples = pd.concat(
        [
            _samples("gpx", t, **{C.SPEED_M_S: 3.0, C.HEART_RATE_BPM: 150.0}),
            _samples("fit-hr-only", t, **{C.SPEED_M_S: 3.0, C.HEART_RATE_BPM: 150.0, C.CADENCE_SPM: 170.0}),
            _samples("walk", t, **{C.SPEED_M_S: 1.9, C.STANCE_TIME_MS: 300.0}),
        ],
        ignore_index=True,
    )
    out = form_summary(runs, samples).set_index(C.ACTIVITY_ID)
    assert "walk" not in out.index  # not a run: never summarised as one
    assert out.loc["gpx", "form_reason"] == NO_DYNAMICS_GPX
    assert out.loc["fit-hr-only", "form_reason"] == NO_GCT
    for aid in ("gpx", "fit-hr-only"):
        assert np.isnan(out.loc[aid, "median_gct_ms"]) and np.isnan(out.loc[aid, "iqr_vo_mm"])
    assert out.loc["fit-hr-only", "median_cadence_spm"] == 170.0  # cadence is real data, kept


@pytest.mark.parametrize(
    ("speed", "cadence", "walking"),
    [(1.7, 110.0, True), (2.1, 110.0, False), (1.7, 150.0, False), (2.0, 110.0, False), (1.7, 140.0, False)],
)
def test_a_walked_run_is_not_summarised_as_running_form(speed, cadence, walking):
    # 20 min at 1 Hz, every sample faster than 1.6 m/s: the steady samples are t = 300..1199
    # (past the 5 min warm-up), all at this speed and cadence. Walking: median speed under
    # 2.0 m/s and median cadence under 140 steps/min, both.
    t = np.arange(0, 1200)
    cols = {C.SPEED_M_S: speed, C.CADENCE_SPM: cadence, C.STANCE_TIME_MS: 320.0, C.VERTICAL_OSCILLATION_MM: 60.0}
    out = form_summary(pd.DataFrame([_run("w")]), _samples("w", t, **cols)).iloc[0]
    assert out["median_speed_m_s"] == speed and out["steady_s"] == 900.0  # the samples are still described
    if walking:
        assert out["form_reason"] == "steady samples are walking (median 1.7 m/s, 110 steps/min): no running form"
        for col in ("median_gct_ms", "iqr_gct_ms", "median_vo_mm", "median_cadence_spm", "iqr_cadence_spm"):
            assert np.isnan(out[col]), col
    else:
        assert out["form_reason"] == ""
        assert out["median_gct_ms"] == 320.0 and out["median_vo_mm"] == 60.0
        assert out["median_cadence_spm"] == cadence


def test_a_walked_run_among_others_in_the_cached_features():
    # The per-run features (computed at import, a batch of runs at a time) say the same.
    t = np.arange(0, 1200)
    runs = on_days([(0, 2040.0), (1, 3600.0)], prefix="w", has_dynamics=True)
    samples = pd.concat(
        [
            _samples("w0", t, **{C.SPEED_M_S: 1.7, C.CADENCE_SPM: 110.0, C.STANCE_TIME_MS: 320.0}),
            _samples("w1", t, **{C.SPEED_M_S: 3.0, C.CADENCE_SPM: 170.0, C.STANCE_TIME_MS: 240.0}),
        ],
        ignore_index=True,
    )
    feats = per_run.features_from_samples(runs, samples)[0].set_index(C.ACTIVITY_ID)
    assert feats.loc["w0", "form_reason"].startswith("steady samples are walking (median 1.7 m/s, 110 steps/min)")
    assert np.isnan(feats.loc["w0", "median_cadence_spm"]) and np.isnan(feats.loc["w0", "median_gct_ms"])
    assert feats.loc["w1", "form_reason"] == "" and feats.loc["w1", "median_gct_ms"] == 240.0


def test_bands_edges_and_directions():
    summary = pd.DataFrame(
        {
            C.ACTIVITY_ID: list("abcdef"),
            "median_gct_ms": [207.0, 208.0, 250.0, 300.0, 320.0, np.nan],
            "median_vo_mm": [60.0, 70.0, 90.0, 110.0, 130.0, np.nan],
            "median_vr_pct": [6.0, 7.0, 8.0, 9.0, 11.0, np.nan],
            "median_cadence_spm": [190.0, 180.0, 165.0, 155.0, 140.0, np.nan],
            "median_gct_balance_pct": [50.0, 48.0, 53.0, 49.2, 52.2, np.nan],
        }
    )
    bands = form_bands(summary)
    assert bands.iloc[5, 1:].isna().all()  # no median, no band
    bands = bands.iloc[:5]
    order = ["purple", "blue", "green", "orange", "red"]
    assert bands["band_gct"].tolist() == order  # 208 ms sits on the purple/blue edge: blue
    assert bands["band_vo"].tolist() == order
    assert bands["band_vr"].tolist() == order
    assert bands["band_cadence"].tolist() == order
    assert bands["band_gct_balance"].tolist() == ["green", "orange", "red", "green", "orange"]


def test_theil_sen_ignores_an_outlier():
    x = np.arange(10.0)
    y = 3.0 + 2.0 * x
    y[4] = 100.0
    intercept, slope = theil_sen(x, y)
    assert slope == pytest.approx(2.0)
    assert intercept == pytest.approx(3.0)


def test_theil_sen_within_strata():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    y = np.array([0.0, 1.0, 2.0, 23.0, 24.0, 25.0])  # slope 1 on each side of a +20 step
    # Pooled: the 9 pairs across the step (slopes 7 to 23) outnumber the 6 within (1).
    assert theil_sen(x, y)[1] > 1.0
    assert theil_sen_within(x, y, np.array(list("aaabbb"))) == 1.0
    assert theil_sen_within(x, y, np.zeros(6)) == theil_sen(x, y)[1]
    assert theil_sen_within(np.ones(4), y[:4], np.array(list("aabb"))) == 0.0  # equal x: 0
    assert np.isnan(theil_sen_within(x[:2], y[:2], np.array(["a", "b"])))  # no pair in a stratum


def _baseline(n: int = 12) -> pd.DataFrame:
    """n runs over the 60 days before the test runs, on GCT = 400 - 40 x speed, with
    +-2 ms alternating noise (so the baseline residuals have a MAD of 2 ms)."""
    speed = np.linspace(2.5, 3.6, n)
    noise = np.where(np.arange(n) % 2 == 0, 2.0, -2.0)
    start = T0 - pd.to_timedelta(np.linspace(60, 2, n), unit="D")
    return pd.DataFrame(
        {
            C.ACTIVITY_ID: [f"b{i}" for i in range(n)],
            C.START_UTC: start,
            "median_speed_m_s": speed,
            "median_gct_ms": 400.0 - 40.0 * speed + noise,
            "median_vo_mm": np.nan,
            "median_vr_pct": np.nan,
            "median_cadence_spm": np.nan,
        }
    )


def test_pace_adjusted_faster_run_on_same_relation_is_no_deviation():
    base = _baseline()
    tests = pd.DataFrame(
        {
            C.ACTIVITY_ID: ["faster", "same-pace-longer-contact"],
            C.START_UTC: [T0, T0 + pd.Timedelta(hours=1)],
            "median_speed_m_s": [4.0, 3.0],
            # 4.0 m/s on the line: 400 - 160 = 240 ms; 3.0 m/s: 280 ms + 15 ms.
            "median_gct_ms": [240.0, 295.0],
            "median_vo_mm": np.nan,
            "median_vr_pct": np.nan,
            "median_cadence_spm": np.nan,
        }
    )
    summary = pd.concat([tests, base], ignore_index=True)  # not in time order on purpose
    out = pace_adjusted_form(summary).set_index(C.ACTIVITY_ID)
    assert out.index.tolist()[:2] == ["faster", "same-pace-longer-contact"]  # caller's order kept
    assert abs(out.loc["faster", "deviation_gct_ms"]) < 1.0
    assert abs(out.loc["faster", "z_gct_ms"]) < 0.5
    assert out.loc["same-pace-longer-contact", "deviation_gct_ms"] == pytest.approx(15.0, abs=1.0)
    # z = 15 / (1.4826 x MAD); MAD of +-2 ms residuals ~ 2 ms -> ~5.
    assert out.loc["same-pace-longer-contact", "z_gct_ms"] == pytest.approx(15.0 / (1.4826 * 2.0), rel=0.15)
    # The second test run's window holds the first test run too (13 runs).
    assert out.loc["faster", "baseline_n_gct_ms"] == 12
    assert out.loc["same-pace-longer-contact", "baseline_n_gct_ms"] == 13


def test_pace_adjusted_needs_enough_baseline_runs():
    base = _baseline(6)
    target = pd.DataFrame(
        {
            C.ACTIVITY_ID: ["t"],
            C.START_UTC: [T0],
            "median_speed_m_s": [3.0],
            "median_gct_ms": [280.0],
            "median_vo_mm": np.nan,
            "median_vr_pct": np.nan,
            "median_cadence_spm": np.nan,
        }
    )
    out = pace_adjusted_form(pd.concat([base, target], ignore_index=True)).set_index(C.ACTIVITY_ID)
    assert np.isnan(out.loc["t", "deviation_gct_ms"]) and np.isnan(out.loc["t", "z_gct_ms"])
    assert "6 runs" in out.loc["t", "baseline_reason_gct_ms"]
    # Runs older than the window do not count.
    old = _baseline(12).assign(**{C.START_UTC: lambda d: d[C.START_UTC] - pd.Timedelta(days=100)})
    out = pace_adjusted_form(pd.concat([old, target], ignore_index=True)).set_index(C.ACTIVITY_ID)
    assert out.loc["t", "baseline_n_gct_ms"] == 0


def _new_watch(n: int = 9, device: str = "garmin fr955 #2") -> pd.DataFrame:
    """n runs, one a day from T0, at 3.0 m/s on a watch that reads ground contact 20 ms
    longer than _baseline's: 420 - 40 x 3.0 = 300 ms, with +-2 ms alternating noise
    (302, 298, 302, ...)."""
    noise = np.where(np.arange(n) % 2 == 0, 2.0, -2.0)
    return pd.DataFrame(
        {
            C.ACTIVITY_ID: [f"n{i}" for i in range(n)],
            C.START_UTC: T0 + pd.to_timedelta(np.arange(n), unit="D"),
            C.DEVICE: device,
            "median_speed_m_s": 3.0,
            "median_gct_ms": 300.0 + noise,
            "median_vo_mm": np.nan,
            "median_vr_pct": np.nan,
            "median_cadence_spm": np.nan,
        }
    )


def test_pace_adjusted_baseline_restarts_with_a_new_device():
    """A new watch reads +20 ms at the same pace: its runs are compared only with its own
    runs, so the step is no deviation; the baseline needs 8 runs on the new watch."""
    old = _baseline(12).assign(**{C.DEVICE: "garmin fr920xt #1"})
    out = pace_adjusted_form(pd.concat([old, _new_watch()], ignore_index=True)).set_index(C.ACTIVITY_ID)
    # The first 8 runs on the new watch: 0..7 runs of it before them, no fit.
    first = out.loc[[f"n{i}" for i in range(8)]]
    assert first["deviation_gct_ms"].isna().all() and first["z_gct_ms"].isna().all()
    assert first["baseline_n_gct_ms"].tolist() == list(range(8))
    assert out.loc["n0", "baseline_reason_gct_ms"] == (
        "0 runs with this metric on this device in the previous 90 days (need 8); "
        "12 runs recorded by other devices are not compared (a new device restarts it)"
    )
    # The 9th: the line through the 8 before it, all at 3.0 m/s, is flat at their median,
    # (302 + 298) / 2 = 300 ms; it reads 302 ms: +2 ms. Residuals +-2 around 0: MAD 2 ms,
    # z = 2 / (1.4826 x 2).
    assert out.loc["n8", "expected_gct_ms"] == pytest.approx(300.0)
    assert out.loc["n8", "deviation_gct_ms"] == pytest.approx(2.0)
    assert out.loc["n8", "z_gct_ms"] == pytest.approx(2.0 / (1.4826 * 2.0))
    # The old watch's runs are as without a device column.
    alone = pace_adjusted_form(_baseline(12)).set_index(C.ACTIVITY_ID)
    pd.testing.assert_frame_equal(out.loc[alone.index], alone)


def test_runs_of_no_known_device_are_compared_with_every_run():
    """GPX files name the app that wrote them, not the device: their runs (device "")
    are in every device's windows and see every run. The 12 runs of _baseline on no
    known device, then the new watch: its first run has all 12 in its window, as if
    nothing had changed (+22 ms: 302 against 400 - 40 x 3.0 = 280)."""
    old = _baseline(12).assign(**{C.DEVICE: ""})
    out = pace_adjusted_form(pd.concat([old, _new_watch()], ignore_index=True)).set_index(C.ACTIVITY_ID)
    assert out.loc["n0", "baseline_n_gct_ms"] == 12
    assert out.loc["n0", "deviation_gct_ms"] == pytest.approx(22.0, abs=1.0)


def test_device_of_names_fit_devices_not_gpx_creators():
    rows = [
        _run("a") | {C.MANUFACTURER: "garmin", C.PRODUCT: "fr955", C.DEVICE_SERIAL: "3426837107"},
        _run("b") | {C.MANUFACTURER: "suunto", C.PRODUCT: "23", C.DEVICE_SERIAL: ""},
        _run("c", fmt="gpx") | {C.MANUFACTURER: "Garmin Connect"},
        _run("d"),
    ]
    assert device_of(pd.DataFrame(rows)).tolist() == ["garmin fr955 #3426837107", "suunto 23", "", ""]


def test_pace_adjusted_same_step_on_the_same_device_is_a_deviation():
    """The same +20 ms with no device change: against the old line, 400 - 40 x 3.0 =
    280 ms, the first run (302 ms) is ~22 ms above, far outside the +-2 ms spread."""
    old = _baseline(12).assign(**{C.DEVICE: "garmin fr920xt #1"})
    out = pace_adjusted_form(pd.concat([old, _new_watch(device="garmin fr920xt #1")], ignore_index=True))
    out = out.set_index(C.ACTIVITY_ID)
    assert out.loc["n0", "baseline_n_gct_ms"] == 12
    assert out.loc["n0", "deviation_gct_ms"] == pytest.approx(22.0, abs=1.0)
    assert out.loc["n0", "z_gct_ms"] > 5.0


def test_drift_last_third_against_first_third():
    # 30 min at 3 m/s, 1 Hz. Warm-up t < 300 s; steady t = 300..1799: 1500 s of steady
    # time. First third = first 500 s (t 300..799), last third = t 1300..1799.
    t = np.arange(0, 1800)
    first, last = (t >= 300) & (t < 800), t >= 1300
    gct = np.select([t < 300, first, last], [999.0, 250.0, 262.0], 256.0)
    vo = np.select([first, last], [90.0, 95.0], 92.0)
    cadence = np.select([first, last], [170.0, 168.0], 169.0)
    hr = np.select([first, last], [140.0, 147.0], 143.0)
    samples = _samples(
        "d",
        t,
        **{
            C.SPEED_M_S: 3.0,
            C.STANCE_TIME_MS: gct,
            C.VERTICAL_OSCILLATION_MM: vo,
            C.CADENCE_SPM: cadence,
            C.HEART_RATE_BPM: hr,
        },
    )
    out = form_drift(pd.DataFrame([_run("d")]), samples).iloc[0]
    assert out["drift_gct_ms"] == pytest.approx(12.0)
    assert out["drift_vo_mm"] == pytest.approx(5.0)
    assert out["drift_cadence_spm"] == pytest.approx(-2.0)
    assert out["drift_hr_per_speed_pct"] == pytest.approx((147 / 3) / (140 / 3) * 100 - 100)  # +5 %
    assert out["drift_reason"] == ""


def test_drift_needs_enough_steady_running():
    t = np.arange(0, 500)
    samples = _samples("s", t, **{C.SPEED_M_S: 3.0, C.STANCE_TIME_MS: 250.0, C.HEART_RATE_BPM: 140.0})
    out = form_drift(pd.DataFrame([_run("s")]), samples).iloc[0]
    assert np.isnan(out["drift_gct_ms"]) and "steady running" in out["drift_reason"]


def _documented(table: dict, metrics: tuple[str, ...]) -> list[str]:
    """A nomenclature table's column names, each run of ``<metric>`` names repeated
    for every metric in turn (median_gct_ms, iqr_gct_ms, median_vo_mm, ...)."""
    names, group = [], []
    for name in [*table, None]:
        if name is not None and "<metric>" in name:
            group.append(name)
            continue
        names += [g.replace("<metric>", m) for m in metrics for g in group]
        group = []
        if name is not None:
            names.append(name)
    return names


def test_every_form_table_column_is_in_the_nomenclature():
    """The form functions return the columns columns.py documents (the README's
    nomenclature), in its order."""
    every = ("gct_ms", "vo_mm", "vr_pct", "cadence_spm", "step_length_mm", "gct_balance_pct")
    summary = form_summary(pd.DataFrame([_run("r1")]), _median_iqr_run())
    assert list(summary.columns) == _documented(C.FORM_SUMMARY_COLUMNS, every)
    assert list(form_bands(summary).columns) == list(C.FORM_BAND_COLUMNS)
    baseline = pace_adjusted_form(_baseline())
    assert list(baseline.columns) == _documented(C.FORM_BASELINE_COLUMNS, ("gct_ms", "vo_mm", "vr_pct", "cadence_spm"))
    samples = _samples("s", np.arange(0, 500), **{C.SPEED_M_S: 3.0, C.STANCE_TIME_MS: 250.0})
    drift = form_drift(pd.DataFrame([_run("s")]), samples)
    assert list(drift.columns) == _documented(C.DRIFT_COLUMNS, ("gct_ms", "vo_mm", "cadence_spm"))


# --- the real files -----------------------------------------------------------------------

#: Single-session FIT runs with native dynamics in the shared set.
REAL_DYNAMICS_FILES = (
    "GoldenCheetah__garmin-fenix5plus-run-dynamics.fit",
    "GoldenCheetah__garmin-fr955-stryd-run-dynamics.fit",
    "Runalyze__garmin-fr630-run-dynamics.fit",
    "dtcooper__garmin-fenix2-run-dynamics.fit",
    "Runalyze__garmin-fenix3-run-long-pause.fit",
    "alex-hhh__garmin-fr920xt-run-dynamics.fit",
)


def _fitparse_steady_medians(path) -> tuple[float, float]:
    """Median GCT [ms] and VO [mm] straight from fitparse's records, with the steady
    filter written out here: speed > 1.6 m/s, not the record after a > 10 s gap, past
    min(300 s, moving time / 3) of moving time (gaps > 10 s not counted), values > 0."""
    import fitparse

    rows = {}
    for rec in fitparse.FitFile(str(path)).get_messages("record"):
        v = rec.get_values()
        ts = v.get("timestamp")
        if ts is None:
            continue
        speed = v.get("enhanced_speed", v.get("speed"))
        rows[ts] = (speed, v.get("stance_time"), v.get("vertical_oscillation"))  # last record of a timestamp
    times = sorted(rows)
    moving, prev, clock = 0.0, None, []
    for ts in times:
        dt = 0.0 if prev is None else (ts - prev).total_seconds()
        gap = dt > 10.0
        moving += 0.0 if gap else dt
        clock.append((ts, moving, gap))
        prev = ts
    warmup = min(300.0, moving / 3.0)
    gct, vo = [], []
    for ts, m, gap in clock:
        speed, st, osc = rows[ts]
        if gap or m < warmup or speed is None or speed <= 1.6:
            continue
        if st is not None and st > 0:
            gct.append(st)
        if osc is not None and osc > 0:
            vo.append(osc)
    return float(np.median(gct)), float(np.median(vo))


@requires_real
@pytest.mark.parametrize("name", REAL_DYNAMICS_FILES)
def test_real_medians_match_fitparse(real_history, name):
    runs = real_history.runs
    mine = runs[runs[C.SOURCE].str.endswith("/" + name)]
    assert len(mine) == 1
    out = form_summary(mine, real_history.load_samples(mine[C.ACTIVITY_ID])).iloc[0]
    gct, vo = _fitparse_steady_medians(REAL / "fit" / name)
    assert 150 <= out["median_gct_ms"] <= 400
    assert 40 <= out["median_vo_mm"] <= 150
    assert out["median_gct_ms"] == pytest.approx(gct, abs=0.5)
    assert out["median_vo_mm"] == pytest.approx(vo, abs=0.5)
    assert out["form_reason"] == ""


@requires_real
def test_real_walk_and_gpx(real_history):
    acts = real_history.activities
    walk = acts[acts[C.SOURCE].str.endswith("dtcooper__garmin-fenix5-walk-with-dynamics.fit")]
    assert len(walk) == 1 and bool(walk[C.HAS_DYNAMICS].iloc[0]) and not bool(walk[C.IS_RUN].iloc[0])
    gpx = acts[acts[C.FORMAT].eq("gpx") & acts[C.IS_RUN]].head(5)
    both = pd.concat([walk, gpx], ignore_index=True)
    out = form_summary(both, real_history.load_samples(both[C.ACTIVITY_ID])).set_index(C.ACTIVITY_ID)
    assert walk[C.ACTIVITY_ID].iloc[0] not in out.index
    assert len(out) == len(gpx) > 0
    assert out["median_gct_ms"].isna().all() and out["median_vo_mm"].isna().all()
    assert (out["form_reason"] == NO_DYNAMICS_GPX).all()
