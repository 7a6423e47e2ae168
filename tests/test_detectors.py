"""Each detector just below, at and above its thresholds, on handmade histories;
missing data gives Skipped with a reason; a steady history yields nothing high."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer import analyze
from analyzer import columns as C
from analyzer.detectors import Skipped
from analyzer.detectors.acute_load import AcuteLoad
from analyzer.detectors.comeback import Comeback
from analyzer.detectors.context import Context
from analyzer.detectors.declining_performance import DecliningPerformance
from analyzer.detectors.heat_dehydration import HeatDehydration
from analyzer.detectors.long_run_spike import LongRunSpike
from analyzer.detectors.mileage_jump import MileageJump
from analyzer.detectors.strength_load import StrengthLoad
from analyzer.detectors.weight_gain import WeightGain

from .fakes import DAY0, FakeHistory, on_days


def acts(runs, sport="running", sub_sport="", prefix="r", hours=1.0):
    """Activities from (day offset from DAY0, km) pairs."""
    return on_days(
        [(day, km * 1000.0) for day, km in runs], sport=sport, sub_sport=sub_sport, prefix=prefix, hours=hours
    )


def steady(weeks, km=10.0, days=(0, 2, 4, 6)):
    return [(7 * w + d, km) for w in range(weeks) for d in days]


def run(det, history, as_of=None):
    return det.run(Context(history, as_of=as_of))


@pytest.mark.parametrize(("last_week_km", "expected"), [(52.0, None), (52.4, "medium"), (70.0, "high")])
def test_mileage_jump_thresholds(last_week_km, expected):
    # Five 40 km weeks, then one week at +30 % (not above), +31 %, +75 %, spread evenly.
    h = FakeHistory(acts(steady(5) + [(35 + d, last_week_km / 4) for d in (0, 2, 4, 6)]))
    found = run(MileageJump(), h)
    severities = [f.severity for f in found]
    assert severities == ([] if expected is None else [expected])
    if expected:
        assert found[0].window["start"] == "2024-02-05"
        assert any(e.metric == "week-over-week change" and e.source.startswith("Nielsen") for e in found[0].evidence)


def test_one_long_run_is_one_event_led_by_the_spike():
    # An ordinary week (3 x 10 km) plus a 25 km long run: 55 km, +37.5 % on the 40 km
    # weeks before, all of it the long run.
    h = FakeHistory(acts(steady(5) + [(35, 10.0), (37, 10.0), (39, 10.0), (41, 25.0)]))
    (jump,) = run(MileageJump(), h)
    assert jump.severity == "medium" and next(e.value for e in jump.evidence if e.metric.startswith("week-")) == 37.5
    spikes = run(LongRunSpike(), h)
    assert [(f.window["start"], f.severity) for f in spikes] == [("2024-02-11", "high")]  # +150 %: > 100 % band
    # One event: the spike leads (its severity), the week's change is its evidence. The
    # ACWR that day is 55 / (175 / 4) = 1.26, under the 1.3 edge: not a measure of it.
    (event,) = analyze(FakeHistory(h.activities)).findings
    assert (event.cause, event.severity, event.signals) == (
        "long_run_spike",
        "high",
        ("long_run_spike", "mileage_jump"),
    )


@pytest.mark.parametrize(("km", "expected"), [(11.0, None), (12.0, "low"), (14.0, "medium"), (21.0, "high")])
def test_long_run_spike_bands(km, expected):
    h = FakeHistory(acts(steady(6) + [(43, km)]))
    found = [f for f in run(LongRunSpike(), h) if f.window["start"] == "2024-02-13"]
    assert [f.severity for f in found] == ([] if expected is None else [expected])


@pytest.mark.parametrize(("km_a_day", "expected"), [(6.0, None), (8.5, "low"), (10.0, "high")])
def test_acute_load_thresholds(km_a_day, expected):
    # 5 km a day for 35 days, then a week at km_a_day: ACWR 1.15, 1.45, 1.6 on the last day.
    h = FakeHistory(acts([(d, 5.0) for d in range(35)] + [(d, km_a_day) for d in range(35, 42)]))
    found = run(AcuteLoad(), h)
    assert [f.severity for f in found] == ([] if expected is None else [expected])


def test_acute_load_skips_without_28_days():
    got = run(AcuteLoad(), FakeHistory(acts([(d, 5.0) for d in range(10)])))
    assert isinstance(got, Skipped) and "28 days" in got.reason


@pytest.mark.parametrize(
    ("week1_km", "expected"), [(20.0, None), (24.0, "low"), (40.0, "low"), (40.4, "high"), (60.0, "high")]
)
def test_comeback_thresholds(week1_km, expected):
    # 40 km weeks, a 4-week break, then week 1 at 50 % (limit), 60 %, 100 % (above the limit but
    # not above the pre-break volume: not "too much"), 101 % and 150 % of 40 km: too much too
    # soon, high (at 2.02 and 3 times the 50 % limit, past 1.5 times).
    h = FakeHistory(acts(steady(4) + [(56 + d, week1_km / 4) for d in (0, 2, 4, 6)]))
    found = run(Comeback(), h)
    assert [f.severity for f in found] == ([] if expected is None else [expected])


def test_steady_sensible_history_has_no_high_finding():
    rng = np.random.default_rng(3)
    runs = [(7 * w + d, km + rng.normal(0, 0.3)) for w in range(16) for d, km in ((0, 8), (2, 10), (4, 8), (6, 14))]
    result = analyze(FakeHistory(acts(runs)))
    assert [f for f in result.timeline if f.severity == "high"] == []


def _samples(aid, start, minutes, hr_first, hr_second, temp, has_hr=None):
    """1 s samples at 3 m/s; heart rate hr_first then hr_second, on samples i where has_hr(i)."""
    n = int(minutes * 60) + 1
    half = n // 2
    hr = np.r_[np.full(half, hr_first), np.full(n - half, hr_second)]
    if has_hr is not None:
        hr = np.where([has_hr(i) for i in range(n)], hr, np.nan)
    return pd.DataFrame(
        {
            C.ACTIVITY_ID: aid,
            C.TIMESTAMP: pd.date_range(start.tz_localize("UTC"), periods=n, freq="1s"),
            C.SPEED_M_S: 3.0,
            C.HEART_RATE_BPM: hr,
            C.TEMPERATURE_C: temp,
        }
    )


@pytest.mark.parametrize(
    ("minutes", "hr_second", "temp", "expected"),
    [
        (70, 160.0, 27.0, "medium"),
        (70, 160.0, 20.0, None),
        (70, 156.0, 27.0, None),
        (50, 160.0, 27.0, "skip"),
        (70, 175.0, 27.0, "high"),
        (70, 160.0, np.nan, "low"),
    ],
)
def test_heat_dehydration(minutes, hr_second, temp, expected):
    a = acts([(0, 12.6)], hours=minutes / 60)
    s = _samples("r0", DAY0, minutes, 150.0, hr_second, temp)
    got = run(HeatDehydration(), FakeHistory(a, s))
    if expected == "skip":
        assert isinstance(got, Skipped) and "60+" in got.reason
    else:
        assert [f.severity for f in got] == ([] if expected is None else [expected])
    if expected == "low":  # no temperature: the data cannot tell heat from dehydration or fatigue
        assert "with no temperature recorded" in got[0].message and "fatigue" in got[0].message
        assert "If it was warm" in got[0].advice


def test_heat_dehydration_states_the_heart_rate_coverage():
    # 70 min at 3 m/s, heart rate on 7 samples in 10: 4200 s moving, 2940 s with heart
    # rate (i = 1..4199 give 2939, i = 4200 one more): 70 %, 49 min. The run counts as 70
    # minutes of moving time, and the coverage is said.
    a = acts([(0, 12.6)], hours=70 / 60)
    s = _samples("r0", DAY0, 70, 150.0, 160.0, 27.0, has_hr=lambda i: i % 10 < 7)
    (f,) = run(HeatDehydration(), FakeHistory(a, s))
    assert f.severity == "medium"
    ev = {e.metric: (e.value, e.unit) for e in f.evidence}
    assert ev["moving time"] == (70, "min")
    assert ev["heart rate recorded on"] == (70.0, "% of moving time")
    assert "(measured on the 70 % of the moving time with heart rate)" in f.message
    # With heart rate on every sample the message does not mention it.
    (f,) = run(HeatDehydration(), FakeHistory(a, _samples("r0", DAY0, 70, 150.0, 160.0, 27.0)))
    assert {e.metric: e.value for e in f.evidence}["heart rate recorded on"] == 100.0
    assert "measured on" not in f.message


def test_heat_dehydration_skips_runs_whose_second_half_lacks_heart_rate():
    # Heart rate on every sample of the first half (i <= 2100 of 4200 moving seconds) and on
    # 3 in 10 of the second (30 % < 50 %): no decoupling to judge.
    a = acts([(0, 12.6)], hours=70 / 60)
    s = _samples("r0", DAY0, 70, 150.0, 160.0, 27.0, has_hr=lambda i: i <= 2100 or i % 10 < 3)
    got = run(HeatDehydration(), FakeHistory(a, s))
    assert isinstance(got, Skipped)
    assert got.reason == "no runs of 60+ minutes with heart rate on 50 %+ of each half of their moving time"


def test_strength_load():
    runs = acts([(d, 8.0) for d in (0, 2, 4, 9, 14)])
    three = acts([(1.1, 0), (3.1, 0), (5.1, 0)], sport="training", sub_sport="strength_training", prefix="s")
    # Week 2: two sessions (under the weekly limit); the second ends 11 h before the last run.
    two = acts([(8.0, 0), (13.5, 0)], sport="training", sub_sport="strength_training", prefix="t")
    h = FakeHistory(pd.concat([runs, three, two], ignore_index=True))
    found = {f.window["start"]: f for f in run(StrengthLoad(), h)}
    assert found["2024-01-01"].severity == "medium"  # three sessions that week
    assert found["2024-01-14"].severity == "low" and found["2024-01-14"].window["end"] == "2024-01-15"
    assert "11 h after a strength session" in found["2024-01-14"].message
    assert set(found) == {"2024-01-01", "2024-01-14"}
    assert run(StrengthLoad(), FakeHistory(runs)).reason.startswith("no strength sessions")


@pytest.mark.parametrize(("last_kg", "expected"), [(72.2, None), (72.4, "low"), (75.0, "medium")])
def test_weight_gain(last_kg, expected):
    days = pd.date_range("2024-01-01", periods=10, freq="7D", tz="UTC")
    w = pd.DataFrame({C.TIMESTAMP: days, C.WEIGHT_KG: [70.0] * 9 + [last_kg], C.SOURCE: "scale.fit"})
    h = FakeHistory(acts([(d, 8.0) for d in range(0, 70, 3)]), weights=w)
    got = run(WeightGain(), h)
    assert [f.severity for f in got] == ([] if expected is None else [expected])


def test_missing_data_is_skipped_with_a_reason():
    h = FakeHistory(acts(steady(8)))
    for det in (DecliningPerformance(), HeatDehydration(), WeightGain(), StrengthLoad()):
        got = run(det, h)
        assert isinstance(got, Skipped) and got.reason, det.id


def test_every_threshold_names_its_source():
    from analyzer.detectors import registered

    for cls in registered():
        assert cls.thresholds, cls.id
        assert all(t.source for t in cls.thresholds)
        assert cls.advice and cls.needs and cls.category
