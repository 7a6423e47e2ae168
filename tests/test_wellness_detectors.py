"""The wellness and diary detectors on hand-built histories whose numbers are worked
here: sleep debt, suppressed HRV, a raised resting heart rate, their one recovery
finding and its triangulation, dehydration from the fluid log, the diary's causes
(carbohydrate, ferritin, stretching), weight from many sources, the "not visible in
watch data" list, and a history without wellness data whose findings are exactly those
of the code before these detectors (8ddbc42)."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import pandas as pd
import pytest

from analyzer import columns as C
from analyzer.detectors import Skipped, registered
from analyzer.detectors.base import _REGISTRY
from analyzer.detectors.context import Context
from analyzer.detectors.dehydration import Dehydration
from analyzer.detectors.heat_dehydration import HeatDehydration
from analyzer.detectors.hrv_suppressed import HrvSuppressed
from analyzer.detectors.low_carbohydrate import LowCarbohydrate
from analyzer.detectors.low_ferritin import LowFerritin
from analyzer.detectors.needs import NEEDS
from analyzer.detectors.resting_hr_up import RestingHrUp
from analyzer.detectors.run import analyze
from analyzer.detectors.skipped_stretching import SkippedStretching
from analyzer.detectors.sleep_debt import SleepDebt
from analyzer.detectors.weight_gain import WeightGain
from analyzer.features.wellness import daily_wellness
from analyzer.tables import wellness_frame

from .fakes import DAY0, FakeHistory, activities, activity, on_days
from .test_detectors import _samples

ROOT = Path(__file__).resolve().parent.parent
#: The analysis date of every history here: day 83 after DAY0 (Mon 1 Jan 2024) is
#: Sunday 24 Mar 2024 (31 days of January + 29 of February + 23).
AS_OF = 83
WEEK = range(AS_OF - 6, AS_OF + 1)  # 18-24 Mar: the 7 nights to the analysis date
#: The 60 days before the week: days 17-76.
BASELINE = range(AS_OF - 6 - 60, AS_OF - 6)
NEW_DETECTORS = (
    "sleep_debt",
    "hrv_suppressed",
    "resting_hr_up",
    "dehydration",
    "low_carbohydrate",
    "low_ferritin",
    "skipped_stretching",
)


def day(n: int) -> pd.Timestamp:
    return (DAY0 + pd.Timedelta(days=n)).normalize()


def readings(metric: str, pairs, origin: str = "garmin_export", source: str = "export.zip!wellness.json") -> list:
    """Wellness rows of ``metric`` from (day, value) pairs (text for a text metric)."""
    key = C.TEXT if metric in C.TEXT_METRICS else C.VALUE
    return [{C.DATE: day(d), C.METRIC: metric, key: v, C.ORIGIN: origin, C.WELLNESS_SOURCE: source} for d, v in pairs]


def runs(days=range(0, AS_OF + 1, 2), metres: float = 8000.0, **columns) -> pd.DataFrame:
    """An ordinary runner: 8 km in one hour every other day (days 0, 2, ..., 82)."""
    return on_days([(d, metres) for d in days], **columns)


class WellHistory(FakeHistory):
    """A FakeHistory with wellness readings: History.daily_wellness made as read_history makes it."""

    def __init__(self, acts, rows=(), weights=None, samples=None) -> None:
        super().__init__(acts, samples=samples, weights=weights)
        self.daily_wellness = daily_wellness(wellness_frame(list(rows)), self.weights)


def ctx(history) -> Context:
    return Context(history, as_of=day(AS_OF))


def ev(finding, metric: str):
    return next(e for e in finding.evidence if e.metric == metric)


# --- sleep debt -------------------------------------------------------------------------------


def test_a_week_of_five_and_a_half_hour_nights_is_sleep_debt_with_its_average():
    h = WellHistory(runs(), readings(C.SLEEP_S, [(d, 5.5 * 3600) for d in WEEK]))
    (f,) = SleepDebt().run(ctx(h))
    # 7 nights of 5.5 h: an average of 5.5 h, under 7 h, and 7 nights under 6 h: both rules.
    assert (f.cause, f.category, f.severity) == ("sleep_debt", "sleep", "medium")
    assert ev(f, "average sleep a night").value == 5.5
    assert ev(f, "nights under 6 h").value == 7
    assert "Watson" in ev(f, "average sleep a night").source and "Milewski" in ev(f, "average sleep a night").source
    assert f.window == {"start": "2024-03-18", "end": "2024-03-24"}
    assert "you slept 5.5 h a night on average (7 nights recorded, 7 of them under 6 h)" in f.message


def test_seven_point_two_hours_a_night_is_no_finding():
    h = WellHistory(runs(), readings(C.SLEEP_S, [(d, 7.2 * 3600) for d in WEEK]))
    assert SleepDebt().run(ctx(h)) == []


def test_six_and_a_half_hours_a_night_is_low_sleep_debt():
    # 6.5 h a night: under the 7 h minimum, no night under 6 h: the average rule alone, LOW.
    h = WellHistory(runs(), readings(C.SLEEP_S, [(d, 6.5 * 3600) for d in WEEK]))
    (f,) = SleepDebt().run(ctx(h))
    assert f.severity == "low" and ev(f, "average sleep a night").value == 6.5
    assert ev(f, "average sleep a night").threshold == "< 7 h" and ev(f, "nights under 6 h").value == 0


def test_three_short_nights_are_sleep_debt_even_when_the_average_is_seven_hours():
    # 4 nights of 8.5 h and 3 of 5.5 h: (34 + 16.5) / 7 = 7.21 h, but 3 nights under 6 h.
    hours = [8.5, 5.5, 8.5, 5.5, 8.5, 5.5, 8.5]
    h = WellHistory(runs(), readings(C.SLEEP_S, [(d, x * 3600) for d, x in zip(WEEK, hours, strict=True)]))
    (f,) = SleepDebt().run(ctx(h))
    assert f.severity == "low" and ev(f, "average sleep a night").value == 7.21
    assert ev(f, "nights under 6 h").value == 3


def test_four_nights_are_too_little_data_to_judge():
    h = WellHistory(runs(), readings(C.SLEEP_S, [(d, 5.0 * 3600) for d in WEEK[:4]]))
    got = SleepDebt().run(ctx(h))
    assert got == Skipped(
        "sleep_debt",
        "too little data to judge: 4 nights of sleep recorded in the 7 nights to 24 Mar 2024, at least 5 needed",
    )


def test_the_week_before_a_run_rated_heavy_is_judged_too():
    # The run of day 70 (Mon 11 Mar) felt "weak" (25/100); the 7 nights to it (days 64-70)
    # were 5 h each; the nights of the analysis week were 8 h.
    acts = runs(days=[d for d in range(0, AS_OF + 1, 2) if d != 70])
    rated = activities([activity(70, 8000.0, i=99, feel_0_100=25.0)])
    nights = [(d, 5.0 * 3600) for d in range(64, 71)] + [(d, 8.0 * 3600) for d in WEEK]
    h = WellHistory(pd.concat([acts, rated], ignore_index=True), readings(C.SLEEP_S, nights))
    (f,) = SleepDebt().run(ctx(h))
    assert f.window == {"start": "2024-03-05", "end": "2024-03-11"}
    assert ev(f, "average sleep a night").value == 5.0
    assert "to your run of 11 Mar 2024, which you rated heavy (felt weak (25/100))" in f.message


def test_without_sleep_data_it_is_skipped_with_the_standard_reason():
    assert SleepDebt().run(ctx(WellHistory(runs()))) == Skipped("sleep_debt", NEEDS["sleep"].reason)


# --- HRV and resting heart rate against the runner's own band --------------------------------

#: Overnight HRV: the 60 baseline nights alternate 60 and 50 ms.
HRV_BASE = [(d, 60.0 if d % 2 else 50.0) for d in BASELINE]
#: Resting heart rate: the 60 baseline days alternate 48 and 52 bpm (mean 50, SD 2).
RHR_BASE = [(d, 48.0 if d % 2 else 52.0) for d in BASELINE]


def _hrv_band():
    """By hand: the band's edge is the mean ln rMSSD less half its SD (Plews 2012)."""
    logs = [math.log(v) for _, v in HRV_BASE]
    mean, sd = statistics.fmean(logs), statistics.stdev(logs)
    return mean, sd, mean - 0.5 * sd


def test_hrv_below_the_runners_band_is_a_finding_with_garmins_second_opinion():
    week = [(d, 45.0) for d in WEEK]
    rows = (
        readings(C.HRV_NIGHT_MS, HRV_BASE + week)
        + readings(C.HRV_STATUS, [(d, "low") for d in WEEK[2:]] + [(d, "balanced") for d in WEEK[:2]])
        + readings(C.HRV_BASELINE_LOW_MS, [(d, 52.0) for d in WEEK])
        + readings(C.HRV_BASELINE_HIGH_MS, [(d, 64.0) for d in WEEK])
    )
    (f,) = HrvSuppressed().run(ctx(WellHistory(runs(), rows)))
    mean, sd, edge = _hrv_band()
    # ln 50 = 3.912, ln 60 = 4.094: mean 4.003, SD 0.0919, edge 3.957; the week's ln 45 =
    # 3.807 is 0.196 under the mean: (0.196 - 0.046) / 0.046 = 3.3 SWCs past the edge: MEDIUM.
    assert round(mean, 3) == 4.003 and round(edge, 3) == 3.957
    assert ev(f, "7-day mean ln rMSSD").value == round(math.log(45.0), 3) == 3.807
    assert ev(f, "7-day mean ln rMSSD").threshold == f"< {edge:.3f}"
    assert ev(f, "smallest worthwhile change").value == round(0.5 * sd, 3)
    assert ev(f, "valid nights in the week").value == 7 and ev(f, "nights in the baseline").value == 60
    assert (f.category, f.severity) == ("recovery", "medium")
    status = ev(f, "Garmin HRV status (second opinion)")
    assert (status.value, status.unit) == ("low", "on 5 of 7 days")
    assert ev(f, "Garmin's balanced band (second opinion)").value == "52-64"
    assert "Garmin's own HRV status said 'low' on 5 of 7 days" in f.message


def test_hrv_with_two_nights_in_the_week_is_not_judged():
    rows = readings(C.HRV_NIGHT_MS, HRV_BASE + [(AS_OF - 1, 40.0), (AS_OF, 40.0)])
    got = HrvSuppressed().run(ctx(WellHistory(runs(), rows)))
    assert isinstance(got, Skipped) and got.reason.startswith("too little data to judge: overnight HRV: 2 of ")


def test_hrv_inside_the_band_is_no_finding():
    # A week at 55 ms: ln 55 = 4.007 is above the edge 3.957.
    rows = readings(C.HRV_NIGHT_MS, HRV_BASE + [(d, 55.0) for d in WEEK])
    assert HrvSuppressed().run(ctx(WellHistory(runs(), rows))) == []


def test_hrv_needs_three_weeks_of_baseline():
    rows = readings(C.HRV_NIGHT_MS, HRV_BASE[-20:] + [(d, 40.0) for d in WEEK])
    got = HrvSuppressed().run(ctx(WellHistory(runs(), rows)))
    assert isinstance(got, Skipped) and "20 days recorded in the 60 days before" in got.reason


def test_resting_hr_six_bpm_over_a_baseline_with_sd_two_is_a_finding():
    rows = readings(C.RESTING_HR_BPM, RHR_BASE + [(d, 56.0) for d in WEEK])
    (f,) = RestingHrUp().run(ctx(WellHistory(runs(), rows)))
    sd = statistics.stdev(v for _, v in RHR_BASE)  # 2 x sqrt(60/59) = 2.017
    assert round(sd, 3) == 2.017
    # 56 - 50 = 6 bpm, past 50 + 0.5 x 2.017 = 51.0: (6 - 1.008) / 1.008 = 5 SWCs past: MEDIUM.
    assert ev(f, "7-day mean resting HR").value == 56.0 and ev(f, "rise").value == 6.0
    assert ev(f, "smallest worthwhile change").value == round(0.5 * sd, 2) == 1.01
    assert ev(f, "7-day mean resting HR").threshold == "> 51.0 bpm"
    assert (f.category, f.severity) == ("recovery", "medium")
    assert "6.0 bpm above your 60-day mean of 50 bpm" in f.message


def test_resting_hr_half_a_bpm_up_is_no_finding():
    rows = readings(C.RESTING_HR_BPM, RHR_BASE + [(d, 50.5) for d in WEEK])
    assert RestingHrUp().run(ctx(WellHistory(runs(), rows))) == []


# --- one event, one finding: the recovery markers triangulated --------------------------------


def _all_three(acts) -> WellHistory:
    rows = (
        readings(C.SLEEP_S, [(d, 5.5 * 3600) for d in WEEK])
        + readings(C.HRV_NIGHT_MS, HRV_BASE + [(d, 45.0) for d in WEEK])
        + readings(C.RESTING_HR_BPM, RHR_BASE + [(d, 56.0) for d in WEEK])
    )
    return WellHistory(acts, rows)


def test_short_sleep_low_hrv_and_high_resting_hr_at_normal_load_are_one_finding_of_illness_or_stress():
    result = analyze(_all_three(runs()), as_of=day(AS_OF))
    # 8 km every other day: no load finding, ACWR 1.0.
    assert [f.category for f in result.findings if f.category == "overtraining"] == []
    (f,) = [f for f in result.findings if f.category in ("sleep", "recovery")]
    assert f.cause == "poor_recovery" and f.category == "recovery"
    assert f.signals == ("sleep_debt", "hrv_suppressed", "resting_hr_up")
    heads = [e.metric for e in f.evidence if e.metric.startswith("measure: ")]
    assert heads == ["measure: sleep debt", "measure: hrv suppressed", "measure: resting hr up"]
    assert f.severity == "high"  # three agreeing markers, each MEDIUM
    assert "illness or life stress" in f.message and "overreaching" not in f.message
    assert "sleep 5.5 h a night, 7 nights under 6 h; HRV 45 ms" in f.message
    assert f.window == {"start": "2024-03-18", "end": "2024-03-24"}
    # Nothing of the three is left to say "normal".
    assert "recovery_markers" not in [i["cause"] for i in result.not_detectable]


def test_the_same_markers_with_a_long_run_spike_are_overreaching():
    # Day 82: 20 km against 8 km, the longest of the 30 days before: +150 %, a HIGH spike.
    acts = runs(days=[d for d in range(0, AS_OF + 1, 2) if d != 82])
    spike = activities([activity(82, 20_000.0, i=99, hours=2.0)])
    result = analyze(_all_three(pd.concat([acts, spike], ignore_index=True)), as_of=day(AS_OF))
    (f,) = [f for f in result.findings if f.category == "recovery"]
    assert f.cause == "poor_recovery" and "functional overreaching" in f.message
    assert "long run spike" in f.message and "illness" not in f.message
    assert [g.cause for g in result.findings if g.category == "overtraining"] == ["long_run_spike"]


def test_one_marker_alone_is_at_most_medium_and_says_so():
    rows = readings(C.HRV_NIGHT_MS, HRV_BASE + [(d, 45.0) for d in WEEK]) + readings(
        C.RESTING_HR_BPM, RHR_BASE + [(d, 50.0) for d in WEEK]
    )
    result = analyze(WellHistory(runs(), rows), as_of=day(AS_OF))
    (f,) = [f for f in result.findings if f.category == "recovery"]
    assert (f.cause, f.severity, f.signals) == ("hrv_suppressed", "medium", ("hrv_suppressed",))
    assert "HRV is down at normal training load, resting heart rate in your usual range" in f.message
    # The resting heart rate was judged and normal: said, not as an alarm.
    (checked,) = [i for i in result.not_detectable if i["cause"] == "recovery_markers"]
    assert checked["status"] == "checked: normal"
    assert checked["why"].startswith("Resting heart rate was recorded and normal in the 7 days to 24 Mar 2024")


def test_two_low_markers_agreeing_are_medium():
    # HRV at 50 ms (ln 3.912: (4.003 - 3.912 - 0.046) / 0.046 = 0.98 SWCs past: LOW) and
    # resting HR 51.5 (1.5 bpm up: (1.5 - 1.008) / 1.008 = 0.49 SWCs past: LOW).
    rows = readings(C.HRV_NIGHT_MS, HRV_BASE + [(d, 50.0) for d in WEEK]) + readings(
        C.RESTING_HR_BPM, RHR_BASE + [(d, 51.5) for d in WEEK]
    )
    result = analyze(WellHistory(runs(), rows), as_of=day(AS_OF))
    (f,) = [f for f in result.findings if f.category == "recovery"]
    assert f.cause == "poor_recovery" and f.severity == "medium"


def test_normal_markers_say_look_elsewhere():
    rows = (
        readings(C.SLEEP_S, [(d, 7.5 * 3600) for d in WEEK])
        + readings(C.HRV_NIGHT_MS, HRV_BASE + [(d, 55.0) for d in WEEK])
        + readings(C.RESTING_HR_BPM, RHR_BASE + [(d, 50.0) for d in WEEK])
    )
    result = analyze(WellHistory(runs(), rows), as_of=day(AS_OF))
    assert [f for f in result.findings if f.category in ("sleep", "recovery")] == []
    (checked,) = [i for i in result.not_detectable if i["cause"] == "recovery_markers"]
    assert checked["why"] == (
        "Sleep, HRV and resting heart rate were recorded and normal in the 7 days to 24 Mar 2024: look elsewhere "
        "for the cause of heavy legs."
    )


# --- dehydration from the fluid log ------------------------------------------------------------


def test_fluids_under_the_reference_on_five_days_is_dehydration():
    # EFSA's 2.0 L x 0.8 from drinks = 1.6 L: 1.2 L on 5 days, 2.0 L on 2.
    litres = [1.2, 1.2, 2.0, 1.2, 1.2, 2.0, 1.2]
    h = WellHistory(runs(), readings(C.FLUIDS_L, list(zip(WEEK, litres, strict=True))))
    (f,) = Dehydration().run(ctx(h))
    assert (f.category, f.severity) == ("hydration", "medium")
    assert ev(f, "days under 1.6 L + sweat loss").value == 5
    assert ev(f, "mean shortfall on those days").value == 0.4  # 1.6 - 1.2
    assert ev(f, "mean fluids logged a day").value == round((5 * 1.2 + 2 * 2.0) / 7, 2) == 1.43
    assert "EFSA" in ev(f, "mean fluids logged a day").source


def test_sweat_loss_raises_the_reference():
    # 2.0 L drunk with 0.8 L sweated: under 1.6 + 0.8 = 2.4 L on 3 days; 2.5 L on the other 4.
    litres = [2.0, 2.5, 2.0, 2.5, 2.0, 2.5, 2.5]
    sweat = [(d, 0.8) for d, x in zip(WEEK, litres, strict=True) if x == 2.0]
    rows = readings(C.FLUIDS_L, list(zip(WEEK, litres, strict=True))) + readings(C.SWEAT_LOSS_L, sweat)
    (f,) = Dehydration().run(ctx(WellHistory(runs(), rows)))
    assert f.severity == "low" and ev(f, "days under 1.6 L + sweat loss").value == 3
    assert ev(f, "sweat loss in the week").value == 2.4
    # Without the sweat, 2.0 L is over the reference: nothing.
    rows = readings(C.FLUIDS_L, list(zip(WEEK, litres, strict=True)))
    assert Dehydration().run(ctx(WellHistory(runs(), rows))) == []


def test_a_zero_litre_day_is_a_day_not_logged():
    rows = readings(C.FLUIDS_L, [(d, 0.0) for d in WEEK[:5]] + [(d, 1.0) for d in WEEK[5:]])
    got = Dehydration().run(ctx(WellHistory(runs(), rows)))
    assert isinstance(got, Skipped) and "2 days of fluids logged" in got.reason


def _drifting_run_history(rows=()) -> WellHistory:
    """A 70 min run on the analysis date whose heart rate went 150 then 160 bpm at 3 m/s
    with no temperature recorded (a LOW heat finding: heat, dehydration or fatigue)."""
    acts = runs(days=range(0, AS_OF - 1, 2))
    drift = activities([activity(AS_OF, 12_600.0, i=99, hours=70 / 60)])
    samples = _samples("r99", DAY0 + pd.Timedelta(days=AS_OF), 70, 150.0, 160.0, float("nan"))
    return WellHistory(pd.concat([acts, drift], ignore_index=True), rows, samples=samples)


def test_a_heat_finding_in_a_dry_week_is_one_finding_with_the_log():
    alone = analyze(_drifting_run_history(), as_of=day(AS_OF))
    (heat,) = [f for f in alone.findings if f.category == "heat"]
    assert heat.severity == "low" and "with no temperature recorded" in heat.message
    assert heat == HeatDehydration().run(ctx(_drifting_run_history()))[0]  # exactly as the detector said
    litres = [(d, 1.0) for d in WEEK]
    result = analyze(_drifting_run_history(readings(C.FLUIDS_L, litres)), as_of=day(AS_OF))
    (f,) = [f for f in result.findings if f.category in ("heat", "hydration")]
    assert f.cause == "heat_dehydration" and f.signals == ("heat_dehydration", "dehydration")
    assert f.severity == "medium"  # the log's 7 dry days are MEDIUM; the drift alone LOW
    assert f.message.startswith(heat.message) and "the log points to too little fluid" in f.message


# --- the diary ----------------------------------------------------------------------------------


def _weights(*pairs) -> pd.DataFrame:
    """Body-mass readings from (day, kg, source) triples."""
    return pd.DataFrame(
        {
            C.TIMESTAMP: [day(d).tz_localize("UTC") + pd.Timedelta(hours=7) for d, _, _ in pairs],
            C.WEIGHT_KG: [kg for _, kg, _ in pairs],
            C.SOURCE: [s for _, _, s in pairs],
        }
    )


def _daily_hour_runs() -> pd.DataFrame:
    """One hour of running every day: 7 h in the week, 1.0 h a day."""
    return runs(days=range(0, AS_OF + 1))


@pytest.mark.parametrize(("grams", "expected"), [(280.0, "low"), (200.0, "medium"), (350.0, None)])
def test_carbohydrate_per_kg_against_the_band_of_the_days_training(grams, expected):
    # 70 kg, 1.0 h of training a day: Thomas 2016's ~1 h band, 5-7 g/kg; its floor is 350 g.
    # 280 g = 4.0 g/kg: LOW; 200 g = 2.86 g/kg, under even the light band's 3: MEDIUM.
    h = WellHistory(
        _daily_hour_runs(),
        readings(C.CARBS_G, [(d, grams) for d in WEEK], "diary", "diary.csv"),
        _weights((70, 70.0, "scale.fit")),
    )
    got = LowCarbohydrate().run(ctx(h))
    if expected is None:
        assert got == []
        return
    (f,) = got
    assert (f.category, f.severity) == ("diet", expected)
    assert ev(f, "carbohydrate a day").value == round(grams / 70.0, 2)
    assert ev(f, "carbohydrate a day").threshold == ">= 5 g/kg"
    assert ev(f, "training a day (all sports)").value == 1.0
    assert ev(f, "body mass").date == "2024-03-11"


def test_carbohydrate_floor_follows_the_training_hours():
    # 8 km in an hour every other day: 3 runs in the week (days 78, 80, 82), 3/7 = 0.43 h a
    # day: light training, 3 g/kg; 280 g / 70 kg = 4.0 g/kg is enough.
    h = WellHistory(runs(), readings(C.CARBS_G, [(d, 280.0) for d in WEEK], "diary"), _weights((70, 70.0, "s.fit")))
    assert LowCarbohydrate().run(ctx(h)) == []


def test_carbohydrate_without_a_body_mass_cannot_be_judged():
    h = WellHistory(_daily_hour_runs(), readings(C.CARBS_G, [(d, 100.0) for d in WEEK], "diary"))
    got = LowCarbohydrate().run(ctx(h))
    assert isinstance(got, Skipped) and got.reason.startswith("cannot judge carbohydrate per kg without a body mass")
    (item,) = [i for i in analyze(h, as_of=day(AS_OF)).not_detectable if i["cause"] == "low_carbohydrate_diet"]
    assert item["status"] == "partial" and "no body mass" in item["why"]


@pytest.mark.parametrize(
    ("test_day", "value", "expected"),
    [(60, 28.0, "medium"), (AS_OF - 200, 28.0, "low"), (60, 40.0, None)],
)
def test_ferritin_under_35_with_the_tests_date(test_day, value, expected):
    h = WellHistory(runs(), readings(C.FERRITIN_UG_L, [(test_day, value)], "diary", "diary.csv"))
    got = LowFerritin().run(ctx(h))
    if expected is None:
        assert got == []
        return
    (f,) = got
    assert (f.category, f.severity) == ("diet", expected)
    assert ev(f, "serum ferritin").value == value and ev(f, "serum ferritin").date == day(test_day).date().isoformat()
    assert "Peeling" in ev(f, "serum ferritin").source
    assert ev(f, "test age").value == AS_OF - test_day
    assert f.window["end"] == "2024-03-24"  # current until a new test
    assert ("over 6 months old" in f.message) == (expected == "low")


def test_stretching_skipped_on_run_days_is_low_and_says_no_study_shows_it():
    # Run days in the week: 78, 80, 82; the diary says 0, 0 and 12 minutes.
    rows = readings(C.STRETCHING_S, [(78, 0.0), (80, 0.0), (82, 720.0), (79, 0.0)], "diary")
    (f,) = SkippedStretching().run(ctx(WellHistory(runs(), rows)))
    assert (f.category, f.severity) == ("recovery", "low")
    assert ev(f, "run days under 10 min of stretching").value == 2
    assert ev(f, "run days under 10 min of stretching").unit == "of 3 recorded"
    assert "no study shows that stretching prevents heavy legs" in f.message
    # 10 minutes on two of the three: nothing.
    rows = readings(C.STRETCHING_S, [(78, 600.0), (80, 0.0), (82, 720.0)], "diary")
    assert SkippedStretching().run(ctx(WellHistory(runs(), rows))) == []


# --- weight from every source -------------------------------------------------------------------


def test_weight_gain_from_many_readings_of_several_sources():
    # A scale every 3 days at 70 kg, Strava's Athlete Weight 70 kg on runs, a Strava row
    # left at 0 kg; the last week: the scale 72.4, 72.8, the Garmin export 72.5 and 72.7.
    base = [(d, 70.0, "scale/W.fit") for d in range(0, 76, 3)] + [(d, 70.0, "activities.csv") for d in range(1, 76, 5)]
    last = [(78, 72.4, "scale/W.fit"), (80, 72.5, "DI_CONNECT/userBioMetrics.json"), (81, 0.0, "activities.csv")]
    last += [(82, 72.8, "scale/W.fit"), (83, 72.7, "DI_CONNECT/userBioMetrics.json")]
    h = WellHistory(runs(), weights=_weights(*base, *last))
    (f,) = WeightGain().run(ctx(h))
    # Now: the median of 72.4, 72.5, 72.8, 72.7 = 72.6 (the 0 kg is no reading); the 90 days
    # before: 70.0. +2.6 kg: past 2.3, under 4.6: LOW.
    assert ev(f, "body mass").value == 72.6 and ev(f, "gain").value == 2.6 and f.severity == "low"
    assert ev(f, "readings in the last week (median)").value == 4
    assert "the median of your 4 readings of the last week" in f.message


def test_one_stale_reading_from_another_source_is_not_a_gain():
    # The scale says 70 kg all along; a profile weight of 75 kg arrives last with a run file.
    base = [(d, 70.0, "scale/W.fit") for d in range(0, 84, 3)]
    h = WellHistory(runs(), weights=_weights(*base, (83, 75.0, "r41.fit")))
    # The last week: 70 (day 78), 70 (day 81), 75 (day 83): median 70, no gain.
    assert WeightGain().run(ctx(h)) == []


# --- the "not visible in watch data" list ---------------------------------------------------------

WITHOUT_DATA = [
    "iron_deficiency",
    "poor_circulation",
    "lack_of_sleep",
    "low_carbohydrate_diet",
    "skipped_stretching",
    "dehydration",
    "overtraining",
]


def _listed(rows=(), weights=None) -> list[str]:
    return [i["cause"] for i in analyze(WellHistory(runs(), rows, weights), as_of=day(AS_OF)).not_detectable]


def test_without_wellness_every_cause_without_data_is_listed_with_the_file_that_would_show_it():
    items = analyze(WellHistory(runs()), as_of=day(AS_OF)).not_detectable
    assert [i["cause"] for i in items] == WITHOUT_DATA
    by = {i["cause"]: i for i in items}
    assert "sleepData.json" in by["lack_of_sleep"]["provided_by"] and "sleep_h" in by["lack_of_sleep"]["provided_by"]
    assert "carbs_g (grams a day) in a diary.csv" in by["low_carbohydrate_diet"]["why"]
    assert "ferritin_ug_l" in by["iron_deficiency"]["why"] and "stretching_min" in by["skipped_stretching"]["why"]
    assert by["dehydration"]["status"] == "partial" and "HydrationLogFile" in by["dehydration"]["provided_by"]
    assert by["overtraining"]["status"] == "partial" and "training load alone" in by["overtraining"]["why"]
    assert by["poor_circulation"]["provided_by"] == ""
    assert all(set(i) == {"cause", "why", "advice", "status", "provided_by"} for i in items)


@pytest.mark.parametrize(
    ("rows", "gone"),
    [
        (readings(C.SLEEP_S, [(d, 7.5 * 3600) for d in WEEK]), "lack_of_sleep"),
        (readings(C.FLUIDS_L, [(d, 2.0) for d in WEEK]), "dehydration"),
        (readings(C.RESTING_HR_BPM, RHR_BASE + [(d, 50.0) for d in WEEK]), "overtraining"),
        (readings(C.HRV_NIGHT_MS, HRV_BASE + [(d, 55.0) for d in WEEK]), "overtraining"),
        (readings(C.STRETCHING_S, [(78, 600.0), (80, 600.0), (82, 0.0)], "diary"), "skipped_stretching"),
        (readings(C.FERRITIN_UG_L, [(60, 50.0)], "diary"), "iron_deficiency"),
    ],
)
def test_each_kind_of_data_takes_its_cause_off_the_list(rows, gone):
    listed = [c for c in _listed(rows) if c != "recovery_markers"]
    assert listed == [c for c in WITHOUT_DATA if c != gone]


def test_data_too_thin_to_judge_leaves_its_cause_listed_as_partial():
    # 3 nights of sleep (5 needed) and one day of fluids (3 needed): recorded, not judged.
    rows = readings(C.SLEEP_S, [(d, 5.0 * 3600) for d in WEEK[:3]]) + readings(C.FLUIDS_L, [(AS_OF, 2.0)])
    items = {i["cause"]: i for i in analyze(WellHistory(runs(), rows), as_of=day(AS_OF)).not_detectable}
    assert list(items) == WITHOUT_DATA
    assert items["lack_of_sleep"]["status"] == "partial"
    assert items["lack_of_sleep"]["why"] == (
        "Sleep is recorded, but not enough to judge: 3 nights of sleep recorded in the "
        "7 nights to 24 Mar 2024, at least 5 needed."
    )
    assert items["dehydration"]["why"].startswith("Fluid intake is logged, but not enough to judge: ")


def test_carbs_with_a_body_mass_take_diet_off_the_list():
    rows = readings(C.CARBS_G, [(d, 400.0) for d in WEEK], "diary")
    assert _listed(rows, _weights((80, 70.0, "s.fit"))) == [c for c in WITHOUT_DATA if c != "low_carbohydrate_diet"]


def test_an_old_ferritin_test_is_partial():
    items = analyze(
        WellHistory(runs(), readings(C.FERRITIN_UG_L, [(AS_OF - 200, 50.0)], "diary")), as_of=day(AS_OF)
    ).not_detectable
    (iron,) = [i for i in items if i["cause"] == "iron_deficiency"]
    assert iron["status"] == "partial" and "of 06 Sep 2023 (50 ug/L), is over 6 months old" in iron["why"]


# --- a history without wellness: exactly the findings of before ---------------------------------


def _findings(result) -> list[tuple]:
    return [
        (f.cause, f.category, f.severity, f.score, f.window, f.signals, f.message, f.evidence) for f in result.timeline
    ]


@pytest.fixture
def without_new_detectors():
    """The registry without the detectors of the wellness and diary data, restored afterwards."""
    saved = {k: _REGISTRY.pop(k) for k in NEW_DETECTORS}
    yield
    _REGISTRY.update(saved)


def _ordinary_histories() -> list[FakeHistory]:
    spike = activities([activity(82, 20_000.0, i=99, hours=2.0)])
    drift = _drifting_run_history()
    return [FakeHistory(runs()), FakeHistory(pd.concat([runs(days=range(0, 82, 2)), spike], ignore_index=True)), drift]


def test_without_wellness_the_findings_are_those_without_the_new_detectors(request):
    now = [_findings(analyze(h, as_of=day(AS_OF))) for h in _ordinary_histories()]
    assert any(now)  # the spike and the drift are findings
    request.getfixturevalue("without_new_detectors")
    assert set(NEW_DETECTORS).isdisjoint(cls.id for cls in registered())
    assert [_findings(analyze(h, as_of=day(AS_OF))) for h in _ordinary_histories()] == now


SAMPLE = ROOT / "sample_data"
BASE_FINDINGS = Path(__file__).resolve().parent / "data" / "sample_findings_8ddbc42.json"


def test_sample_data_without_wellness_gives_the_findings_of_8ddbc42(tmp_path):
    """sample_data/activities (no wellness) on every Sunday of the season: the findings
    are exactly those the code at 8ddbc42 gave on the season's files then, before its FIT
    runs carried ratings (tools/sample_findings.py made the JSON; the fingerprint names
    those files), but for issue 19's worn-shoes slope rule (worn_shoes_slope_rule): neither the new detectors nor the runner's ratings, which fewer than
    eight heavy-rated runs leave without a pattern, change what an export without
    wellness is told."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sample_findings", ROOT / "tools" / "sample_findings.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    base = json.loads(BASE_FINDINGS.read_text(encoding="utf-8"))
    out = tmp_path / "now.json"
    tool.main(ROOT, out)
    now = json.loads(out.read_text(encoding="utf-8"))
    assert len(now["analyses"]) == 25  # 24 Sundays and the default date
    assert now["analyses"] == worn_shoes_slope_rule(base["analyses"])


#: What the worn-shoes finding said at 8ddbc42 when the pair's pace-adjusted form slope
#: was above 0 (issue 19: only from the form detectors' smallest effect over 500 miles on).
WORSE_CLAUSE = "; your pace-adjusted form worsened as they wore"


def worn_shoes_slope_rule(analyses: dict) -> dict:
    """The 8ddbc42 reference with issue 19's rule on the pair's form slope: the sample
    pairs' slopes (0.1-0.25 ms per 100 km) are under it, so each worn-shoes finding that
    said its form worsened loses that clause and the FORM_WORSE_BONUS of its strength:
    0.25 x 0.3 = 0.075 of its score (its window ends on the analysis date, recency 1),
    and the findings are ranked again (run.py: by score, then cause, then window end)."""
    from analyzer.detectors.base import STRENGTH_WEIGHT
    from analyzer.detectors.worn_shoes import FORM_WORSE_BONUS

    out = {}
    for day, rows in analyses.items():
        now = []
        for f in rows:
            if f["cause"] == "worn_shoes" and WORSE_CLAUSE in f["message"]:
                score = round(f["score"] - STRENGTH_WEIGHT * FORM_WORSE_BONUS, 4)
                f = {**f, "score": score, "message": f["message"].replace(WORSE_CLAUSE, "")}
            now.append(f)
        out[day] = sorted(now, key=lambda f: (-f["score"], f["cause"], f["window"]["end"]))
    return out
