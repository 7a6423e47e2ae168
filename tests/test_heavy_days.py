"""The runner's own heavy-legs days: the table of signals on heavy-rated runs against the
other runs with Wilson intervals, each signal's rule, and the ranking of the findings
that match the runner's pattern."""

from __future__ import annotations

import dataclasses
import json
import math

import pandas as pd
import pytest

from analyzer import columns as C
from analyzer.detectors import base
from analyzer.detectors.base import Detector, Finding
from analyzer.detectors.context import Context
from analyzer.detectors.heavy_days import MIN_HEAVY_RUNS, HeavyDays, heavy_days, run_signals
from analyzer.detectors.pattern import PATTERN_BONUS, rank_by_pattern
from analyzer.detectors.run import run_detectors
from analyzer.features.proportion import wilson_interval
from analyzer.report.outputs import findings_json
from tests.fakes import FakeHistory, activities, activity, daily_wellness
from tests.heavy_history import HEAVY_DAYS, RUN_DAYS, SHORT_OTHER, day, heavy_history

#: The 97.5 % quantile of the standard normal distribution (tables: 1.95996).
Z = 1.959963984540054


def _row(analysis_or_days, signal: str):
    heavy = analysis_or_days if isinstance(analysis_or_days, HeavyDays) else analysis_or_days.heavy_days
    return next(r for r in heavy.rows if r.signal.id == signal)


def test_wilson_interval_by_hand():
    # 6 of 9: z^2 = 3.84146; centre = (6 + 1.92073) / (9 + 3.84146) = 7.92073 / 12.84146 = 0.61681;
    # half = 1.95996 / 12.84146 * sqrt(6 * 3 / 9 + 0.96036) = 0.152628 * 1.720570 = 0.262607.
    lo, hi = wilson_interval(6, 9)
    assert lo == pytest.approx(0.61681 - 0.262607, abs=1e-4) and hi == pytest.approx(0.61681 + 0.262607, abs=1e-4)
    assert (lo, hi) == pytest.approx(
        (
            (6 + Z * Z / 2 - Z * math.sqrt(6 * 3 / 9 + Z * Z / 4)) / (9 + Z * Z),
            (6 + Z * Z / 2 + Z * math.sqrt(2 + Z * Z / 4)) / (9 + Z * Z),
        )
    )
    # 7 of 7: centre - half = (7 + 1.92073 - 1.95996 * 0.98002) / 10.84146 = 0.64567; the upper end is 1.
    assert wilson_interval(7, 7) == pytest.approx((0.64567, 1.0), abs=1e-4)
    assert wilson_interval(0, 0) is None


def test_the_table_counts_heavy_days_and_other_runs_with_wilson_bounds():
    heavy = heavy_days(Context(heavy_history()))
    assert heavy.rated_runs == len(RUN_DAYS) == 60
    assert [r.date for r in heavy.runs] == [day(d).date().isoformat() for d in HEAVY_DAYS]
    assert [r.reason for r in heavy.runs] == ["felt weak (25/100)"] * 9
    assert [r.signals for r in heavy.runs] == [("short_night",)] * 6 + [()] * 3
    sleep = _row(heavy, "short_night")
    # Heavy: 6 of the 9 after a 5 h night; other runs: 2 of 51 (days 42 and 50, 5.5 h); the
    # short night of day 91 is no run's.
    assert (sleep.heavy_with, sleep.heavy_data, sleep.other_with, sleep.other_data) == (6, 9, 2, 51)
    assert sleep.heavy_ci == pytest.approx((0.35420, 0.87942), abs=1e-4)
    # 2 of 51: centre = (2 + 1.92073) / (51 + 3.84146) = 0.071492; half = 1.95996 / 54.84146 *
    # sqrt(2 * 49 / 51 + 0.96036) = 0.035739 * 1.697625 = 0.060670.
    assert sleep.other_ci == pytest.approx((0.071492 - 0.060670, 0.071492 + 0.060670), abs=1e-4)
    assert sleep.over_represented  # 0.354 > 0.132
    # HRV balanced at 55 ms in a 45-65 ms band every night: data, never low.
    hrv = _row(heavy, "low_hrv")
    assert (hrv.heavy_with, hrv.heavy_data, hrv.other_with, hrv.other_data) == (0, 9, 0, 51)
    assert not hrv.over_represented
    doc = {r["signal"]: r for r in findings_json_heavy(heavy)["signals"]}
    for signal in ("worn_shoes", "heat", "strength_before"):  # no shoes, temperatures or strength sessions
        assert doc[signal]["note"] == "no data" and "heavy_with" not in doc[signal]
    assert doc["short_night"]["heavy_share_ci95"] == [0.3542, 0.8794]
    assert doc["short_night"]["other_with"] == 2 and doc["short_night"]["over_represented"] is True


def findings_json_heavy(heavy: HeavyDays) -> dict:
    return json.loads(json.dumps(heavy.as_dict(lambda m: m / 1000)))


def test_seven_heavy_runs_are_not_enough():
    ctx = Context(heavy_history(heavy_days=HEAVY_DAYS[:7]))
    heavy = heavy_days(ctx)
    assert MIN_HEAVY_RUNS == 8
    assert heavy.note == "7 heavy-rated runs: at least 8 are needed to learn your pattern."
    assert heavy.rows == () and len(heavy.runs) == 7
    assert heavy.as_dict(ctx.dist)["signals"] == []


def test_a_history_without_ratings_says_so():
    heavy = heavy_days(Context(FakeHistory(activities(activity(d, 10_000, i=d) for d in range(0, 60, 2)))))
    assert heavy == HeavyDays() and heavy.rated_runs == 0
    assert heavy.note.startswith("No rated runs: Garmin's 'How did you feel?'")


# --- each signal's rule -----------------------------------------------------------------


def _one_signal(rows, readings=()) -> pd.DataFrame:
    history = FakeHistory(activities(rows), daily_wellness=daily_wellness(readings) if readings else None)
    return run_signals(Context(history))


def test_strength_in_the_24_hours_before():
    rows = [
        activity(0, 10_000, i=0),  # day 0 07:00
        # strength on day 1 from 19:00 to 20:00
        activity(1.5, 0, i=1, prefix="s", sport="training", sub_sport="strength_training", hours=1.0),
        activity(2, 10_000, i=2),  # day 2 07:00, 11 h after it ended: present
        activity(3, 10_000, i=3),  # day 3 07:00, 35 h after: absent
    ]
    assert _one_signal(rows)["strength_before"].tolist() == [0.0, 1.0, 0.0]
    # Without any strength session in the history: no data on any run.
    assert _one_signal([rows[0], rows[2]])["strength_before"].isna().all()


def test_hrv_low_by_status_or_under_the_band_and_unknown_without_data():
    rows = [activity(d, 10_000, i=d) for d in range(4)]
    readings = [
        (day(0), C.HRV_STATUS, "LOW"),
        (day(1), C.HRV_NIGHT_MS, 40.0),
        (day(1), C.HRV_BASELINE_LOW_MS, 45.0),
        (day(2), C.HRV_NIGHT_MS, 50.0),
        (day(2), C.HRV_BASELINE_LOW_MS, 45.0),
        (day(2), C.HRV_STATUS, "balanced"),
    ]
    got = _one_signal(rows, readings)["low_hrv"].tolist()
    assert got[:3] == [1.0, 1.0, 0.0] and math.isnan(got[3])


def test_heat_from_the_weather_temperature():
    rows = [
        activity(0, 10_000, i=0, **{C.WEATHER_TEMPERATURE_C: 26.0}),
        activity(1, 10_000, i=1, **{C.WEATHER_TEMPERATURE_C: 24.9}),
        activity(2, 10_000, i=2),
    ]
    got = _one_signal(rows)["heat"].tolist()
    assert got[:2] == [1.0, 0.0] and math.isnan(got[2])


def test_load_over_the_usual_week_and_a_spike_in_the_week_before():
    # 5 km a day for 35 days, then 10 km a day for 7 days, then a run on day 42; a 20 km
    # run on day 50 (the longest of the previous 30 days is 10 km: +100 %, a spike), and a
    # run on day 53 and day 58 (8 days after the spike).
    days = [(d, 5_000.0) for d in range(35)] + [(d, 10_000.0) for d in range(35, 42)]
    days += [(42, 5_000.0), (50, 20_000.0), (53, 5_000.0), (58, 5_000.0)]
    rows = [activity(d, m, i=i) for i, (d, m) in enumerate(days)]
    got = _one_signal(rows)
    at = {d: i for i, (d, _) in enumerate(days)}
    # Day 42: the 7 days before hold 70 km; the 28 days before 21 x 5 + 70 = 175 km, a mean
    # week of 43.75 km; 70 > 1.3 x 43.75 = 56.9: present.
    assert got["load_7d"][at[42]] == 1.0
    # Day 30: 35 km against a mean week of 140 / 4 = 35 km: absent; day 27: under 28 days of history.
    assert got["load_7d"][at[30]] == 0.0 and math.isnan(got["load_7d"][at[27]])
    # The spike of day 50 is in the 7 days before day 53, not before day 58 (or day 50 itself).
    assert got["long_run_spike"][at[53]] == 1.0
    assert got["long_run_spike"][at[58]] == 0.0 and got["long_run_spike"][at[50]] == 0.0
    assert math.isnan(got["long_run_spike"][at[30]])  # the 7 days before it lack 30 days of history


# --- ranking by the runner's pattern ------------------------------------------------------


@pytest.fixture
def two_findings(monkeypatch):
    """Two made-up detectors: one of category 'sleep' (MEDIUM, strength 0: score 0.40) and
    one of category 'weight' (MEDIUM, strength 1: 0.65), both ending on the analysis date.
    'sleep' is added to the categories for the test (the sleep detectors bring it)."""
    if "sleep" not in base.CATEGORIES:
        monkeypatch.setattr(base, "CATEGORIES", (*base.CATEGORIES, "sleep"))

    class MadeUpSleep(Detector, id="made_up_sleep", category="sleep", needs=("runs",)):
        thresholds = ()
        advice = "Sleep more (made up)."

        def detect(self, ctx):
            return [self.finding(ctx, "medium", 0.0, ctx.as_of_ts, ctx.as_of_ts, [], "Short nights (made up).")]

    class MadeUpOther(Detector, id="made_up_other", category="weight", needs=("runs",)):
        thresholds = ()
        advice = "Nothing (made up)."

        def detect(self, ctx):
            return [self.finding(ctx, "medium", 1.0, ctx.as_of_ts, ctx.as_of_ts, [], "Something else (made up).")]

    yield
    base.unregister("made_up_sleep")
    base.unregister("made_up_other")


def _made_up(analysis) -> list:
    return [f for f in analysis.findings if f.cause.startswith("made_up")]


def test_a_sleep_finding_ranks_above_a_higher_scored_one_when_the_pattern_holds(two_findings):
    ctx = Context(heavy_history())
    analysis = run_detectors(ctx)
    sleep, other = _made_up(analysis)
    assert (sleep.cause, other.cause) == ("made_up_sleep", "made_up_other")
    assert PATTERN_BONUS == 0.3
    assert sleep.score == pytest.approx(0.40 + 0.30) and other.score == pytest.approx(0.65)
    assert (
        "On 6 of your 9 heavy days you had slept under 6 h, against 4 % of your other runs." in sleep.message
    )  # 2 of 51 = 3.9 %
    (row,) = sleep.evidence
    assert row.metric == "your heavy days: slept under 6 h the night before" and row.value == "6 of 9"
    assert row.threshold == "95 % CI 35-88 % vs other runs 2 of 51 (1-13 %)"
    assert other.message == "Something else (made up)." and other.evidence == []
    # The same analysis without the ranking: the other finding first, the sleep one as it was.
    plain = _made_up(run_detectors(Context(heavy_history()), pattern=False))
    assert [f.cause for f in plain] == ["made_up_other", "made_up_sleep"]
    assert plain[1].score == pytest.approx(0.40) and plain[1].message == "Short nights (made up)."


def test_without_the_pattern_the_ranking_is_unchanged(two_findings):
    # Short nights before six of the other runs instead: 0 of 9 heavy days, 8 of 51 others.
    others = tuple(d for d in RUN_DAYS if d not in HEAVY_DAYS)[:6]
    ctx = Context(heavy_history(short_nights=others + SHORT_OTHER))
    analysis = run_detectors(ctx)
    assert not _row(analysis, "short_night").over_represented
    assert [f.cause for f in _made_up(analysis)] == ["made_up_other", "made_up_sleep"]
    assert _made_up(analysis)[1].score == pytest.approx(0.40)
    # Seven heavy days (the first seven, six after short nights): too few to rank by.
    seven = run_detectors(Context(heavy_history(heavy_days=HEAVY_DAYS[:7])))
    assert [f.cause for f in _made_up(seven)] == ["made_up_other", "made_up_sleep"]


def _findings_bytes(analysis) -> bytes:
    return json.dumps(findings_json(analysis)["findings"], indent=1).encode()


def test_a_history_without_wellness_or_ratings_has_the_same_findings():
    """Long runs, a jump in weekly distance: findings of their own; no wellness, no rating."""
    days = [(d, 8_000.0) for d in range(0, 60, 2)] + [(60 + d, 12_000.0) for d in range(0, 14)] + [(75, 30_000.0)]
    acts = activities(activity(d, m, i=i) for i, (d, m) in enumerate(days))
    with_hook = run_detectors(Context(FakeHistory(acts)))
    without = run_detectors(Context(FakeHistory(acts)), pattern=False)
    assert with_hook.findings, "the history should have findings to compare"
    assert _findings_bytes(with_hook) == _findings_bytes(without)
    assert with_hook.heavy_days == HeavyDays()
    # Ratings but no wellness: no signal has enough data to be a pattern; same findings.
    rated = acts.assign(**{C.FEEL: [25.0 if i % 4 == 0 else 50.0 for i in range(len(acts))]})
    rated_hook = run_detectors(Context(FakeHistory(rated)))
    assert len(rated_hook.heavy_days.runs) >= MIN_HEAVY_RUNS and not rated_hook.heavy_days.over_represented
    assert _findings_bytes(rated_hook) == _findings_bytes(without)


def test_a_finding_that_gathers_a_sleep_measure_matches_the_sleep_pattern(two_findings):
    """A recovery finding that gathers the sleep detector's measure (one event, one finding)
    is a sleep finding too; a recovery finding of other measures is not."""
    ctx = Context(heavy_history())
    heavy = heavy_days(ctx)
    gathered = Finding(
        "made_up_recovery",
        "recovery",
        "low",
        0.10,
        {"start": ctx.as_of.isoformat(), "end": ctx.as_of.isoformat()},
        [],
        "Recovery (made up).",
        "",
        signals=("made_up_recovery", "made_up_sleep"),
    )
    alone = dataclasses.replace(gathered, signals=("made_up_recovery",))
    up, same = rank_by_pattern([gathered, alone], heavy, ctx)
    assert up.score == pytest.approx(0.10 + 0.30) and "On 6 of your 9 heavy days" in up.message
    assert same == alone


def test_an_rpe_of_8_is_heavy_only_at_an_easy_pace():
    from analyzer.features.wellness import run_ratings

    # six 10 km runs in 60 min (360 s/km) on days 0-5, then: day 10, 10 km in 63 min, RPE 8
    # (slower than the median 360 s/km: easy, heavy); day 11, 10 km in 55 min, RPE 9
    # (faster: hard because it was fast, not heavy); day 12, 10 km in 63 min, RPE 7 (not
    # rated hard enough to ask); a lone run a year later at RPE 8 (no runs in the 60 days
    # before it to judge its pace: not heavy).
    rows = [activity(d, 10_000.0, i=i, hours=1.0) for i, d in enumerate(range(6))]
    rows += [
        activity(10, 10_000.0, i=6, hours=63 / 60, **{C.RPE: 8.0}),
        activity(11, 10_000.0, i=7, hours=55 / 60, **{C.RPE: 9.0}),
        activity(12, 10_000.0, i=8, hours=63 / 60, **{C.RPE: 7.0}),
        activity(400, 10_000.0, i=9, hours=63 / 60, **{C.RPE: 8.0}),
    ]
    got = run_ratings(activities(rows)).set_index("activity_id")
    assert got["easy_pace"].to_dict() == {f"r{i}": i == 6 for i in range(10)}
    assert got[C.HEAVY].to_dict() == {f"r{i}": i == 6 for i in range(10)}
    assert got.at["r6", C.HEAVY_REASON] == "perceived effort 8/10 at an easy pace"
