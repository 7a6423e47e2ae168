"""Findings a coach would sign, on hand-built histories whose numbers are worked here:
one event is one finding (all its measures as evidence, the severity of the best
supported), ratios over too few runs are evidence only, a run no longer than the
runner's usual runs is at most LOW, and an event followed by recovery is history."""

from __future__ import annotations

import pandas as pd

from analyzer.detectors import load_rules
from analyzer.detectors.consolidate import RECOVERY_BREAK_DAYS, RECOVERY_EASY_DAYS
from analyzer.detectors.run import analyze

from .fakes import DAY0, FakeHistory, on_days


def _km(pairs):
    """Runs from (day after DAY0 (Monday 1 Jan 2024), km) pairs."""
    return FakeHistory(on_days([(day, km * 1000.0) for day, km in pairs]))


def _day(n: int) -> str:
    return (DAY0 + pd.Timedelta(days=n)).date().isoformat()


def _ev(finding, metric: str):
    return [e.value for e in finding.evidence if e.metric == metric]


#: A low-volume runner: 6 km every Saturday (days 5, 12, ..., 54: eight runs), then a
#: 13 km run on Saturday day 61 (2 Mar 2024).
SATURDAYS = [(5 + 7 * k, 6.0) for k in range(8)]
LONG_RUN_DAY = 61


def test_a_low_volume_runners_long_run_is_one_finding_with_every_measure():
    result = analyze(_km([*SATURDAYS, (LONG_RUN_DAY, 13.0)]))
    # By hand:
    # - spike: 13 km against the longest of the previous 30 days, 6 km: +116.7 %, the
    #   > 100 % band of Frandsen 2025 (HRR 2.28): HIGH. The runner's usual long run (P90
    #   of the previous 90 days) is 6 km: 13 km is no usual run, the spike may be HIGH.
    # - weekly change: the week of Mon 26 Feb holds 13 km against 6 km the week before:
    #   +116.7 %, past Nielsen's 30 %.
    # - ACWR on 2 Mar: acute 13 km / 7 d over chronic (6 + 6 + 6 + 13) km / 28 d =
    #   13 * 4 / 31 = 1.68, past Gabbett's 1.5.
    # - the 28 days to 2 Mar hold 4 runs (days 40, 47, 54, 61), under the 8 ratios need:
    #   the weekly change and the ACWR are evidence only, "too little running to judge".
    (event,) = result.findings
    assert event.cause == "long_run_spike" and event.severity == "high"
    assert event.signals == ("long_run_spike", "mileage_jump", "acute_load")
    assert _ev(event, "longer by") == [116.7]
    assert _ev(event, "week-over-week change") == [116.7]
    assert _ev(event, "ACWR (rolling 7/28 d)") == [1.68]
    assert _ev(event, f"runs in the {load_rules.RATIO_WINDOW_DAYS} days before") == [4, 4]
    assert event.window == {"start": _day(56), "end": _day(LONG_RUN_DAY)}
    assert "too little running to judge: 4 runs in 28 days" in event.message
    # Its measures are named once each with the strength of their science.
    heads = [e for e in event.evidence if e.metric.startswith("measure: ")]
    assert [h.metric for h in heads] == ["measure: long run spike", "measure: mileage jump", "measure: acute load"]
    assert "Frandsen" in heads[0].source and "Nielsen" in heads[1].source and "Lolli" in heads[2].source
    # Nothing else in the history is an alarm: the timeline holds the one event.
    assert [f.cause for f in result.timeline] == ["long_run_spike"]


def test_without_the_spike_a_low_volume_week_is_too_little_to_judge():
    # The same runner adds a 6 km Wednesday run (day 58) to the 6 km Saturday (day 61):
    # 12 km, +100 % on the week, ACWR 12 * 4 / 30 = 1.6, but no run longer than the
    # month's longest (6 km): no spike, and 5 runs in 28 days are too few for ratios.
    result = analyze(_km([*SATURDAYS, (58, 6.0), (LONG_RUN_DAY, 6.0)]))
    assert [f for f in result.findings if f.category == "overtraining"] == []
    skipped = {s.detector: s.reason for s in result.skipped_detectors}
    assert "too little running to judge" in skipped["mileage_jump"]
    assert "too little running to judge" in skipped["acute_load"]


def test_a_spike_no_longer_than_the_usual_long_run_is_at_most_low():
    # Eight weeks of Mon 5, Wed 5, Sat 15 km (long runs on days 5 ... 54), then five
    # weeks of 5 km only, then a 13 km Saturday on day 96 (6 Apr 2024).
    first = [(7 * w + d, km) for w in range(8) for d, km in ((0, 5.0), (2, 5.0), (5, 15.0))]
    quiet = [(7 * w + d, 5.0) for w in range(8, 13) for d in (0, 2, 5)]
    result = analyze(_km([*first, *quiet, (91, 5.0), (93, 5.0), (96, 13.0)]))
    # By hand: the month before day 96 (days 66-95) has only 5 km runs: +160 %, the > 100 %
    # band. The 90 days before (days 6-95) hold 38 runs, 7 of them 15 km (days 12 ... 54):
    # more than 10 %, so their 90th percentile is 15 km and 13 km is a usual run: LOW.
    # The week (5 + 5 + 13 = 23 km against 15) is +53 % and the ACWR 23 * 4 / 68 = 1.35
    # (12 runs in 28 days: judged): evidence of the same event, which the spike leads.
    (event,) = [f for f in result.findings if f.category == "overtraining"]
    assert event.cause == "long_run_spike" and event.severity == "low"
    assert _ev(event, "longer by") == [160.0]
    assert _ev(event, f"your usual long run (P{load_rules.USUAL_RUN_PERCENTILE:.0f} of 90 days)") == [15.0]
    assert _ev(event, "week-over-week change") == [53.3]
    assert _ev(event, "ACWR (rolling 7/28 d)") == [1.35]
    assert set(event.signals) == {"long_run_spike", "mileage_jump", "acute_load"}
    assert "no longer than your usual runs" in event.message


def test_a_week_without_running_after_the_event_makes_it_history():
    history = _km([*SATURDAYS, (LONG_RUN_DAY, 13.0)])
    # The event's last run is on day 61 (its ACWR stays past 1.5 to day 67, the last day
    # whose 7-day window holds the run). With no run after it, the days from day 62 are
    # run-free: 6 of them on day 67, 7 on day 68.
    assert RECOVERY_BREAK_DAYS == 7
    current = analyze(history, as_of=_day(67))
    assert [f.cause for f in current.findings] == ["long_run_spike"]
    later = analyze(history, as_of=_day(68))
    assert later.findings == []
    assert [f.cause for f in later.timeline] == ["long_run_spike"]  # still shown as history


def test_two_easy_weeks_after_the_event_make_it_history():
    # After the event's last run (day 61) the runner runs 5 km on days 67 and 73: never 7
    # days in a row without a run. Before the event (the 28 days before its window's
    # start, day 56: days 28-55) the runner ran 4 x 6 = 24 km, 6 km a week; after it,
    # 10 km in 14 days is 5 km a week: no more than before. The event is history once 14
    # days have passed since its last run: on day 75, not on day 74.
    assert RECOVERY_EASY_DAYS == 14
    history = _km([*SATURDAYS, (LONG_RUN_DAY, 13.0), (67, 5.0), (73, 5.0)])
    assert [f.cause for f in analyze(history, as_of=_day(74)).findings] == ["long_run_spike"]
    assert analyze(history, as_of=_day(75)).findings == []


def test_a_week_of_harder_running_after_the_event_keeps_it_current():
    # As above, but 10 km on days 67 and 73: 20 km in 14 days, 10 km a week against 6
    # before: the runner did not ease off, so the event stays a current cause.
    history = _km([*SATURDAYS, (LONG_RUN_DAY, 13.0), (67, 10.0), (73, 10.0)])
    assert "long_run_spike" in [f.cause for f in analyze(history, as_of=_day(75)).findings]


def test_a_spike_over_a_thin_base_is_at_most_medium():
    # 6 km on days 0, 20 and 30, then 13 km on day 40: the 30 days before it (days 10-39)
    # hold two runs, so "the longest run of the month" (6 km) is no base: the +116.7 %
    # spike (the > 100 % band, HIGH on a base of 3 runs or more) is MEDIUM.
    assert load_rules.SPIKE_MIN_BASE_RUNS == 3
    (event,) = analyze(_km([(0, 6.0), (20, 6.0), (30, 6.0), (40, 13.0)])).findings
    assert (event.cause, event.severity) == ("long_run_spike", "medium")
    assert _ev(event, "longer by") == [116.7] and _ev(event, "runs in the 30 days before") == [2]
    assert "the base is thin: at most medium" in event.message
    # One run more in the month (day 35) and the same spike is HIGH.
    (event,) = analyze(_km([(0, 6.0), (20, 6.0), (30, 6.0), (35, 6.0), (40, 13.0)])).findings
    assert (event.cause, event.severity) == ("long_run_spike", "high")


def test_form_metrics_of_one_window_are_one_running_form_finding():
    from types import SimpleNamespace

    from analyzer.detectors.base import Evidence, Finding
    from analyzer.detectors.consolidate import consolidate
    from analyzer.detectors.form_signal import NEW_DEVICE_METRIC

    def form(cause, severity, score, start, brief, device=True):
        rows = [Evidence(f"{cause} vs own baseline at the same pace", 1.0, "")]
        if device:
            rows.append(Evidence(NEW_DEVICE_METRIC, "garmin fr965 #12", "", None, "2024-03-11"))
        return Finding(
            cause,
            "form",
            severity,
            score,
            {"start": start, "end": "2024-03-31"},
            rows,
            f"{cause} moved.",
            "drills",
            signals=(cause,),
            brief=brief,
        )

    ctx = SimpleNamespace(as_of=pd.Timestamp("2024-03-31").date())
    found = [
        form("ground_contact", "medium", 0.40, "2024-03-04", "ground contact time +14 ms"),
        form("cadence", "high", 0.80, "2024-03-10", "cadence -5 steps/min"),
        # A window that does not overlap the two above: its own finding.
        form("vertical_oscillation", "low", 0.10, "2024-01-01", "vertical oscillation +6 mm", device=False),
    ]
    found[2] = Finding(**{**found[2].__dict__, "window": {"start": "2024-01-01", "end": "2024-01-28"}})
    gathered, _ = consolidate(found, ctx)
    (merged,) = [f for f in gathered if f.cause == "running_form"]
    # The worst measure (cadence, high) leads; both are evidence; the device is said once.
    assert merged.severity == "high" and merged.signals == ("cadence", "ground_contact")
    assert merged.window == {"start": "2024-03-04", "end": "2024-03-31"}
    assert merged.message.startswith(
        "Your running form changed in 2 measures at once, against your own baseline at the same pace: "
        "cadence -5 steps/min; ground contact time +14 ms."
    )
    assert merged.message.count("A new device (garmin fr965 #12) from 2024-03-11") == 1
    assert [f.cause for f in gathered if f.cause != "running_form"] == ["vertical_oscillation"]
