"""Each detector just below, at and above its thresholds, on handmade histories whose
expected values are worked out in the test (never read back from the library):
acute_load at exactly 1.3 and 1.5, monotony, declining_performance, worn_shoes, the
three form detectors, and the score's ranking rules. Complements test_detectors.py."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer.detectors import Skipped
from analyzer.detectors.acute_load import AcuteLoad
from analyzer.detectors.base import RECENCY_HALF_LIFE_DAYS, SEVERITY_BASE, score
from analyzer.detectors.cadence import Cadence
from analyzer.detectors.context import Context
from analyzer.detectors.declining_performance import DecliningPerformance
from analyzer.detectors.ground_contact import GroundContact
from analyzer.detectors.monotony import Monotony
from analyzer.detectors.vertical_oscillation import VerticalOscillation
from analyzer.detectors.worn_shoes import WornShoes

from .fakes import DAY0, FakeHistory, on_days

MILE_M = 1609.344


def acts(runs, hours=1.0, has_dynamics=False):
    """Runs from (day offset from DAY0, distance [m]) pairs."""
    return on_days(runs, hours=hours, has_dynamics=has_dynamics)


def day(offset: int) -> pd.Timestamp:
    return (DAY0 + pd.Timedelta(days=offset)).normalize()


def severities(found) -> list[str]:
    assert not isinstance(found, Skipped), found
    return [f.severity for f in found]


# --- 1. acute_load exactly at 1.3 and 1.5 -------------------------------------------------------


def _acwr_by_hand(before_m: int, spike_m: int) -> Fraction:
    """Rolling 7/28 ratio on the last day of 35 days at before_m then 7 at spike_m [m a day]:
    acute = the 7-day mean = spike_m; chronic = the 28-day mean = (21 before_m + 7 spike_m) / 28."""
    return Fraction(spike_m) / Fraction(21 * before_m + 7 * spike_m, 28)


@pytest.mark.parametrize(
    ("before_m", "spike_m", "ratio", "expected"),
    [
        (5000, 9000, Fraction(3, 2), "high"),  # 9000 / ((21 x 5000 + 7 x 9000) / 28) = 9000 / 6000
        (5000, 8990, Fraction(3596, 2399), "low"),  # 1.4996: just below 1.5
        (9000, 13000, Fraction(13, 10), "low"),  # 13000 / 10000
        (9000, 12990, Fraction(1732, 1333), None),  # 1.2993: just below 1.3
    ],
)
def test_acute_load_exactly_at_the_thresholds(before_m, spike_m, ratio, expected):
    assert _acwr_by_hand(before_m, spike_m) == ratio
    h = FakeHistory(acts([(d, before_m) for d in range(35)] + [(d, spike_m) for d in range(35, 42)]))
    found = AcuteLoad().run(Context(h))
    assert severities(found) == ([] if expected is None else [expected])
    if expected:
        (f,) = found
        assert f.window["end"] == day(41).date().isoformat()  # the peak is the last day of the week
        shown = next(e for e in f.evidence if e.metric.startswith("ACWR (rolling"))
        assert shown.value == round(float(ratio), 2)


# --- 2. monotony ------------------------------------------------------------------------------

#: An ordinary week [km, Monday first]: varied, with rest days. Monotony about 1.08, strain about 39 km.
BASE_WEEK_KM = (10, 0, 8, 0, 12, 0, 6)


def _monotony_by_hand(week_km) -> float:
    """Foster's monotony: mean / population SD of the 7 daily loads (exact fractions, one correctly rounded sqrt)."""
    vals = [Fraction(v) for v in week_km]
    mean = sum(vals) / 7
    var = sum(v * v for v in vals) / 7 - mean * mean
    return math.sqrt(mean * mean / var)  # exact squares (2.25, 4) give exactly 1.5 and 2.0


def _strain_by_hand(week_km) -> float:
    return sum(week_km) * _monotony_by_hand(week_km)


def _monotony_history(test_week_km, base_weeks: int = 6):
    """base_weeks ordinary weeks, then the test week; as_of its Sunday (so it is complete)."""
    runs = []
    for w, week in enumerate([BASE_WEEK_KM] * base_weeks + [tuple(test_week_km)]):
        runs += [(7 * w + d, km * 1000) for d, km in enumerate(week) if km > 0]
    return FakeHistory(acts(runs)), day(7 * base_weeks + 6)


@pytest.mark.parametrize(
    ("week_km", "expected"),
    [
        ((3, 3, 4, 6, 6, 14, 16), None),  # monotony 1.49986: just below 1.5
        ((0, 0, 9, 12, 12, 15, 15), "low"),  # mean 9, SD 6: exactly 1.5
        ((0, 0, 10, 12, 12, 15, 15), "low"),  # 1.52
        ((0, 5, 13, 14, 14, 14, 14), "low"),  # 1.9993: just below 2.0
        ((0, 4, 10, 10, 10, 10, 12), "medium"),  # mean 8, SD 4: exactly 2.0
        ((0, 10, 10, 10, 10, 10, 10), "medium"),  # sqrt(6) = 2.45
    ],
)
def test_monotony_thresholds_at_top_strain(week_km, expected):
    mono = _monotony_by_hand(week_km)
    assert (mono >= 1.5) == (expected is not None)
    assert (mono >= 2.0) == (expected == "medium")
    # The test week has the highest strain of the history, so it is above its 90th percentile.
    assert _strain_by_hand(week_km) > _strain_by_hand(BASE_WEEK_KM)
    h, as_of = _monotony_history(week_km)
    found = Monotony().run(Context(h, as_of=as_of))
    assert severities(found) == ([] if expected is None else [expected])
    if expected:
        (f,) = found
        assert f.window == {"start": day(42).date().isoformat(), "end": as_of.date().isoformat()}
        assert next(e for e in f.evidence if e.metric == "monotony").value == round(mono, 2)


@pytest.mark.parametrize("week_km", [(0, 1, 1, 1, 1, 1, 1), (0, 0, 3, 3, 3, 3, 3)])
def test_monotony_high_but_strain_low_is_nothing(week_km):
    # Monotony 2.45 / 1.58, but only 6 / 15 km: strain 14.7 / 23.7 km, below the ordinary weeks' 39 km.
    assert _monotony_by_hand(week_km) >= 1.5
    assert _strain_by_hand(week_km) < _strain_by_hand(BASE_WEEK_KM)
    h, as_of = _monotony_history(week_km)
    assert Monotony().run(Context(h, as_of=as_of)) == []


def test_monotony_skips_with_fewer_than_four_complete_weeks():
    h, as_of = _monotony_history((0, 4, 10, 10, 10, 10, 12), base_weeks=2)
    got = Monotony().run(Context(h, as_of=as_of))
    assert isinstance(got, Skipped) and "4 complete weeks" in got.reason


@pytest.mark.parametrize(
    ("week_km", "expected"),
    [
        ((0, 0, 6, 8, 8, 10, 10), "low"),  # mean 6, SD 4: exactly 1.5 (the 9-12-15 week above scaled by 2/3)
        ((0, 3, 3, 5, 5, 6, 6), "medium"),  # mean 4, SD 2: exactly 2.0
    ],
)
def test_monotony_exactly_at_the_threshold_whatever_the_scale(week_km, expected):
    assert _monotony_by_hand(week_km) in (1.5, 2.0)
    h, as_of = _monotony_history(week_km)
    assert severities(Monotony().run(Context(h, as_of=as_of))) == [expected]


# --- 3. declining_performance -----------------------------------------------------------------


def _hr_samples(
    aid: str, start: pd.Timestamp, minutes: float, speed: float, hr: float, hr_tenths: int = 10
) -> pd.DataFrame:
    """1 s samples: n - 1 seconds of moving time; heart rate on samples i with i % 10 < hr_tenths."""
    n = int(round(minutes * 60)) + 1
    return pd.DataFrame(
        {
            C.ACTIVITY_ID: aid,
            C.TIMESTAMP: pd.date_range(start.tz_localize("UTC"), periods=n, freq="1s"),
            C.SPEED_M_S: speed,
            C.HEART_RATE_BPM: np.where(np.arange(n) % 10 < hr_tenths, hr, np.nan),
            C.TEMPERATURE_C: 15.0,
        }
    )


def _ef_history(
    recent_hr: float,
    *,
    base_hr: float = 150.0,
    speed: float = 3.0,
    run_days=(0, 3, 5),
    weeks: int = 11,
    recent_km: float = 10.0,
    recent_runs: int | None = None,
    minutes: float = 20.0,
    recent_minutes: float | None = None,
    hr_tenths: int = 10,
):
    """`weeks` weeks (Mondays from DAY0) of runs on run_days; the last 3 weeks at recent_hr.

    Returns the history and the Sunday of its last week (the analysis date)."""
    rows, samples = [], []
    recent_first = 7 * (weeks - 3)
    for w in range(weeks):
        for d in run_days:
            offset = 7 * w + d
            recent = offset >= recent_first
            if recent and recent_runs is not None and sum(r[0] >= recent_first for r in rows) >= recent_runs:
                continue
            km = recent_km if recent else 10.0
            mins = recent_minutes if recent and recent_minutes is not None else minutes
            aid = f"r{len(rows)}"
            rows.append((offset, km * 1000))
            samples.append(
                _hr_samples(
                    aid, DAY0 + pd.Timedelta(days=offset), mins, speed, recent_hr if recent else base_hr, hr_tenths
                )
            )
    return FakeHistory(acts(rows), pd.concat(samples, ignore_index=True)), day(7 * weeks - 1)


def _ef(speed, hr):
    return speed / (hr / 60.0)  # metres per heartbeat


@pytest.mark.parametrize(("drop_pct", "expected"), [(4.9, None), (5.1, "medium"), (10.0, "medium")])
def test_declining_performance_drop_threshold(drop_pct, expected):
    # EF = speed / (HR / 60): 3.0 m/s at 150 bpm is 1.2 m/beat; the recent HR makes EF drop_pct lower.
    recent_hr = 150.0 / (1 - drop_pct / 100)
    by_hand = 100 * (1 - _ef(3.0, recent_hr) / _ef(3.0, 150.0))
    assert by_hand == pytest.approx(drop_pct)
    h, as_of = _ef_history(recent_hr)
    found = DecliningPerformance().run(Context(h, as_of=as_of))
    assert severities(found) == ([] if expected is None else [expected])
    if expected:
        (f,) = found
        # Window: the last 21 days, ending at the analysis date.
        assert f.window == {"start": day(7 * 11 - 21).date().isoformat(), "end": as_of.date().isoformat()}
        ev = {e.metric: e.value for e in f.evidence}
        assert ev["drop"] == round(drop_pct, 1)
        assert ev["efficiency factor, 8 weeks before (median)"] == 1.2


@pytest.mark.parametrize(("recent_km", "expected"), [(10.0, "medium"), (12.0, "medium"), (9.0, "low")])
def test_declining_performance_severity_follows_the_recent_load(recent_km, expected):
    # Same 3 runs a week throughout; only the recent runs' distance changes (equal load counts as high).
    h, as_of = _ef_history(150.0 / 0.9, recent_km=recent_km)
    assert severities(DecliningPerformance().run(Context(h, as_of=as_of))) == [expected]


def test_declining_performance_skips_with_too_few_recent_runs():
    h, as_of = _ef_history(150.0 / 0.9, recent_runs=2)
    got = DecliningPerformance().run(Context(h, as_of=as_of))
    assert isinstance(got, Skipped) and "3+ runs" in got.reason


def test_declining_performance_skips_with_too_few_runs_at_all():
    h, as_of = _ef_history(150.0 / 0.9, weeks=1)
    got = DecliningPerformance().run(Context(h, as_of=as_of))
    assert isinstance(got, Skipped) and "too few runs" in got.reason


def test_declining_performance_ignores_runs_under_20_minutes():
    # The recent runs show the 10 % drop but last 19 min: they are not compared, so too few recent runs.
    h, as_of = _ef_history(150.0 / 0.9, recent_minutes=19.0)
    got = DecliningPerformance().run(Context(h, as_of=as_of))
    assert isinstance(got, Skipped) and "3+ runs" in got.reason
    h, as_of = _ef_history(150.0 / 0.9, recent_minutes=20.0)  # exactly 20 min moving counts
    assert severities(DecliningPerformance().run(Context(h, as_of=as_of))) == ["medium"]


def test_declining_performance_compares_26_minute_runs_with_heart_rate_on_70_percent():
    # 26 min at 3 m/s, heart rate on 7 samples in 10: 1560 s moving (>= 20 min), 1092 s of it
    # with heart rate (i = 1..1559 give 1091, i = 1560 one more): 70 %, 18.2 min. Every
    # moving second counts, so the runs are compared: the recent EF is 10 % lower.
    h, as_of = _ef_history(150.0 / 0.9, minutes=26.0, hr_tenths=7)
    found = DecliningPerformance().run(Context(h, as_of=as_of))
    assert severities(found) == ["medium"]
    ev = {e.metric: (e.value, e.unit) for e in found[0].evidence}
    assert ev["heart rate recorded on (median of the runs compared)"] == (70.0, "% of moving time")
    assert ev["drop"][0] == 10.0
    assert ev["efficiency factor, 8 weeks before (median)"][0] == 1.2  # 3 m/s at 150 bpm


def test_declining_performance_leaves_out_runs_with_heart_rate_on_under_half():
    # Heart rate on 4 samples in 10 of every run (40 %): no run's EF is trusted; 3 runs a
    # week for 11 weeks are left out.
    h, as_of = _ef_history(150.0 / 0.9, minutes=30.0, hr_tenths=4)
    got = DecliningPerformance().run(Context(h, as_of=as_of))
    assert isinstance(got, Skipped)
    assert got.reason == (
        "too few runs with heart rate of 20+ minutes to compare efficiency "
        "(33 left out: heart rate on under 50 % of their moving time)"
    )


def test_declining_performance_same_load_analysed_mid_week_is_medium():
    # 3 runs a week (Mon, Thu, Sat) of 10 km for 11 weeks plus Monday of week 12, analysed that Wednesday:
    # the last 21 days hold exactly 3 weeks' worth of runs (9 x 10 km = 30 km a week, as before).
    h, _ = _ef_history(150.0 / 0.9, weeks=12)
    as_of = day(7 * 11 + 2)
    ctx = Context(h, as_of=as_of)
    runs = ctx.runs
    recent = runs[runs["date"] > as_of - pd.Timedelta(days=21)]
    assert recent[C.DISTANCE_M].sum() / 3 == 30_000.0
    assert severities(DecliningPerformance().run(ctx)) == ["medium"]


# --- 4. worn_shoes --------------------------------------------------------------------------------

#: Four recent runs of 10 km (days 0, 3, 6, 9); the analysis date is day 10.
SHOE_RUNS = [(d, 10_000.0) for d in (0, 3, 6, 9)]


def _shoes_csv(tmp_path, total_miles: float, retired: str = "", first_used: str = "2023-06-01"):
    run_km = sum(m for _, m in SHOE_RUNS) / 1000
    initial_km = total_miles * MILE_M / 1000 - run_km
    path = tmp_path / "shoes.csv"
    path.write_text(f"name,first_used,retired,initial_km\nPegasus,{first_used},{retired},{initial_km!r}\n")
    return path


@pytest.mark.parametrize(("miles", "expected"), [(299.0, None), (301.0, "medium"), (499.0, "medium"), (501.0, "high")])
def test_worn_shoes_thresholds(tmp_path, miles, expected):
    h = FakeHistory(acts(SHOE_RUNS))
    ctx = Context(h, as_of=day(10), shoes=_shoes_csv(tmp_path, miles))
    found = WornShoes().run(ctx)
    assert severities(found) == ([] if expected is None else [expected])
    if expected:
        (f,) = found
        ev = {e.metric: e.value for e in f.evidence}
        assert ev["pair"] == "Pegasus"
        assert ev["distance on the pair"] == round(miles * MILE_M / 1000)
        assert f.window["end"] == day(10).date().isoformat()


def test_worn_shoes_retired_before_the_analysis_date_is_nothing(tmp_path):
    # 520 miles, worn until day 9 (inside the last 28 days), retired on day 9; analysis on day 10.
    path = _shoes_csv(tmp_path, 520.0, retired=day(9).date().isoformat())
    assert WornShoes().run(Context(FakeHistory(acts(SHOE_RUNS)), as_of=day(10), shoes=path)) == []
    # The same pair analysed on day 8 (513.8 miles then), before it was retired, is still a finding.
    found = WornShoes().run(Context(FakeHistory(acts(SHOE_RUNS)), as_of=day(8), shoes=path))
    assert severities(found) == ["high"]


def test_worn_shoes_without_shoe_data_is_skipped():
    got = WornShoes().run(Context(FakeHistory(acts(SHOE_RUNS)), as_of=day(10)))
    assert isinstance(got, Skipped) and "shoe" in got.reason


# --- 5. form: ground contact, vertical oscillation, cadence ---------------------------------------

FORM_DAYS = range(0, 84, 2)  # 42 runs over 12 weeks; the analysis date is day 82
RECENT_FROM = 82 - 28 + 1  # form judges the runs of the last 28 days: days 56..82 (14 runs)
FORM_DETECTORS = (GroundContact, VerticalOscillation, Cadence)


def _form_history(
    *,
    recent_speed=(2.5, 3.6),
    gct=(0.0, 0.0),
    vo=(0.0, 0.0),
    cadence=(0.0, 0.0),
    dynamics: bool = True,
    seed: int = 7,
):
    """Runs of 20 min at 1 s whose ground contact follows GCT = 300 - 25 (v - 2.5) at speeds v in
    2.5-3.6 m/s, oscillation ~84 mm and cadence ~165 steps/min, with noise per run and per sample.

    The runs of the last 28 days run at recent_speed and carry offsets ramping linearly from the
    first to the second value of gct [ms], vo [mm] and cadence [steps/min]."""
    rng = np.random.default_rng(seed)
    rows, frames = [], []
    recent_days = [d for d in FORM_DAYS if d >= RECENT_FROM]
    n = 20 * 60
    for d in FORM_DAYS:
        recent = d >= RECENT_FROM
        k = recent_days.index(d) / (len(recent_days) - 1) if recent else 0.0

        def ramp(pair, k=k, recent=recent):
            return pair[0] + (pair[1] - pair[0]) * k if recent else 0.0

        v = rng.uniform(*recent_speed) if recent else rng.uniform(2.5, 3.6)
        aid = f"r{len(rows)}"
        rows.append((d, v * n))
        speed = v + rng.normal(0, 0.03, n)
        g = 300 - 25 * (v - 2.5) + rng.normal(0, 1.0) + ramp(gct) + rng.normal(0, 4.0, n)
        o = 84 + rng.normal(0, 0.5) + ramp(vo) + rng.normal(0, 3.0, n)
        c = 165 + rng.normal(0, 0.5) + ramp(cadence) + rng.normal(0, 2.0, n)
        if not dynamics:
            g = o = c = np.full(n, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    C.ACTIVITY_ID: aid,
                    C.TIMESTAMP: pd.date_range((DAY0 + pd.Timedelta(days=d)).tz_localize("UTC"), periods=n, freq="1s"),
                    C.SPEED_M_S: speed,
                    C.HEART_RATE_BPM: np.nan,
                    C.TEMPERATURE_C: np.nan,
                    C.STANCE_TIME_MS: g,
                    C.VERTICAL_OSCILLATION_MM: o,
                    C.CADENCE_SPM: c,
                }
            )
        )
    return FakeHistory(acts(rows, hours=n / 3600, has_dynamics=dynamics), pd.concat(frames, ignore_index=True))


def _form_results(history):
    ctx = Context(history, as_of=day(82))
    return ctx, {cls.id: cls().run(ctx) for cls in FORM_DETECTORS}


def _recent_medians(ctx, metric):
    """Median pace-adjusted deviation and robust z of the last 28 days' runs."""
    form = ctx.form
    recent = form[pd.to_datetime(form[C.START_LOCAL]) >= day(RECENT_FROM)]
    assert len(recent) == 14
    return recent[f"deviation_{metric}"].median(), recent[f"z_{metric}"].median()


@pytest.mark.parametrize("recent_speed", [(3.7, 4.2), (2.0, 2.4)], ids=["faster", "slower"])
def test_form_same_relation_at_another_pace_is_no_finding(recent_speed):
    # Faster: raw contact time falls; slower: it rises by ~15 ms (to 302-313 ms), but along the runner's
    # own speed relation, so neither is a form problem.
    ctx, got = _form_results(_form_history(recent_speed=recent_speed))
    assert got == {cls.id: [] for cls in FORM_DETECTORS}
    dev, _ = _recent_medians(ctx, "gct_ms")
    assert abs(dev) < 2.0


def test_form_ground_contact_20_ms_above_and_rising():
    ctx, got = _form_results(_form_history(gct=(10.0, 30.0)))
    dev, z = _recent_medians(ctx, "gct_ms")
    assert dev == pytest.approx(20.0, abs=3.0) and z >= 2.0
    # 272-330 ms is in Garmin's orange/red bands, and rising: high.
    assert severities(got["ground_contact"]) == ["high"]
    (f,) = got["ground_contact"]
    assert f.window == {"start": day(56).date().isoformat(), "end": day(82).date().isoformat()}
    ev = {e.metric: e.value for e in f.evidence}
    assert ev["trend of the deviation"] > 0
    assert got["vertical_oscillation"] == [] and got["cadence"] == []


def test_form_ground_contact_4_ms_is_below_the_minimum_effect():
    # Rising and clearly outside the (tight) baseline spread, z >= 2, but only +4 ms: under the 8 ms floor.
    ctx, got = _form_results(_form_history(gct=(2.0, 6.0)))
    dev, z = _recent_medians(ctx, "gct_ms")
    assert 2.0 < dev < 8.0 and z >= 2.0
    assert got["ground_contact"] == []


def test_form_cadence_10_below_and_falling():
    ctx, got = _form_results(_form_history(cadence=(-6.0, -14.0)))
    dev, z = _recent_medians(ctx, "cadence_spm")
    assert dev == pytest.approx(-10.0, abs=2.0) and z <= -2.0
    # 151-159 steps/min is Garmin's orange band, and falling: high.
    assert severities(got["cadence"]) == ["high"]
    assert got["ground_contact"] == [] and got["vertical_oscillation"] == []


def test_form_vertical_oscillation_rising_in_a_good_band_is_medium():
    # +8 mm (88-96 mm is Garmin's green band): well above the baseline and rising, not in the worst bands.
    ctx, got = _form_results(_form_history(vo=(5.0, 11.0)))
    dev, z = _recent_medians(ctx, "vo_mm")
    assert dev >= 4.0 and z >= 2.0
    assert severities(got["vertical_oscillation"]) == ["medium"]


def test_form_vertical_oscillation_above_but_falling_in_a_good_band_is_nothing():
    # Well above the baseline but improving, and not in the worst bands: "above and rising" is not met.
    ctx, got = _form_results(_form_history(vo=(12.0, 6.0)))
    dev, z = _recent_medians(ctx, "vo_mm")
    assert dev >= 4.0 and z >= 2.0
    assert got["vertical_oscillation"] == []


def test_form_without_dynamics_is_skipped():
    _, got = _form_results(_form_history(dynamics=False))
    for cls in FORM_DETECTORS:
        assert isinstance(got[cls.id], Skipped) and got[cls.id].reason.startswith("no runs with"), cls.id


# --- 6. scores --------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 5, 30])
def test_score_high_outranks_medium_of_the_same_age(days):
    # The weakest high against the strongest medium: 0.70 vs 0.40 + 0.25.
    assert score("high", 0.0, days) > score("medium", 1.0, days)
    assert score("medium", 0.0, days) > score("low", 1.0, days)
    assert score("high", 0.0, 0) == SEVERITY_BASE["high"]


@pytest.mark.parametrize(("severity", "strength", "days"), [("high", 1.0, 0), ("medium", 0.4, 3), ("low", 0.0, 10)])
def test_score_halves_14_days_later(severity, strength, days):
    assert RECENCY_HALF_LIFE_DAYS == 14.0
    now = score(severity, strength, days)
    assert now == pytest.approx((SEVERITY_BASE[severity] + 0.25 * strength) * 0.5 ** (days / 14), abs=1e-4)
    assert score(severity, strength, days + 14) == pytest.approx(now / 2, abs=1e-4)
