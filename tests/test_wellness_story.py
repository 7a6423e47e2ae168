"""Story 8 of sample_data (README there): a week of short nights with suppressed HRV and
a raised resting heart rate, runs rated weak, at the usual load. With the runner's Garmin
export the analysis at the end of that week names recovery first; the load stories at
their dates rank as they do without it; a week later, markers back to normal, the
recovery event is history. The numbers asserted are the export's, read here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer import read_history
from analyzer.detectors.base import Finding
from analyzer.detectors.consolidate_wellness import _chance_level
from analyzer.detectors.run import analyze

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
SHOES = SAMPLE / "shoes.csv"
STORY = ("2026-08-31", "2026-09-06")


@pytest.fixture(scope="module")
def histories(tmp_path_factory):
    cache = tmp_path_factory.mktemp("story8-cache")
    acts = read_history([SAMPLE / "activities"], cache=cache, progress=False)
    both = read_history([SAMPLE / "activities", SAMPLE / "garmin_export"], cache=cache, progress=False)
    return acts, both


def _brief(a) -> list[tuple[str, str, float]]:
    return [(f.cause, f.severity, round(f.score, 4)) for f in a.findings]


def _export(pattern: str) -> list[dict]:
    rows = []
    for path in sorted((SAMPLE / "garmin_export").rglob(pattern)):
        rows += json.loads(path.read_text(encoding="utf-8"))
    return [r for r in rows if STORY[0] <= r["calendarDate"] <= STORY[1]]


def test_the_short_nights_week_names_recovery_first(histories):
    _, both = histories
    a = analyze(both, as_of=STORY[1], shoes=SHOES)
    top = a.findings[0]
    assert top.category in ("sleep", "recovery") and top.severity == "high"
    # one finding for the three markers, at normal load: illness or life stress, not training
    assert set(top.signals) == {"sleep_debt", "hrv_suppressed", "resting_hr_up"}
    assert "illness or life stress" in top.message
    assert sum(f.category in ("sleep", "recovery") for f in a.findings) == 1
    # its sleep evidence is the week's mean night, deep + light + REM from the export
    nights = _export("*_sleepData.json")
    hours = np.mean(
        [(n["deepSleepSeconds"] + n["lightSleepSeconds"] + n.get("remSleepSeconds", 0)) / 3600 for n in nights]
    )
    values = [e.value for e in top.evidence if isinstance(e.value, float)]
    assert any(abs(v - round(hours, 1)) < 0.051 for v in values), (hours, top.evidence)


@pytest.mark.parametrize("as_of", ["2026-07-19", "2026-08-23", "2026-09-20", "2026-10-25"])
def test_the_load_stories_rank_as_they_do_without_the_export(histories, as_of):
    acts, both = histories
    assert _brief(analyze(both, as_of=as_of, shoes=SHOES)) == _brief(analyze(acts, as_of=as_of, shoes=SHOES))


def test_a_week_later_the_recovery_event_is_history(histories):
    _, both = histories
    a = analyze(both, as_of="2026-09-13", shoes=SHOES)
    assert not any(f.category in ("sleep", "recovery") for f in a.findings)
    assert any(f.cause == "poor_recovery" for f in a.timeline)


def test_heavy_days_learn_the_short_nights_at_the_end_of_the_season(histories):
    _, both = histories
    heavy = analyze(both, as_of="2026-10-25", shoes=SHOES).heavy_days
    index = json.loads((SAMPLE / "index.json").read_text(encoding="utf-8"))
    weak = [e for e in index["files"] if e.get("feel_0_100") == 25]
    assert len(heavy.runs) == len(weak) == 9
    short = next(r for r in heavy.rows if r.signal.category == "sleep")
    # the week's runs followed nights under 6 h: its three rated weak, and its GPX run
    # (no rating: an "other" run); no other night of the season was that short
    week = [e for e in index["files"] if STORY[0] <= e["date"] <= STORY[1] and e["sport"] == "running"]
    unrated = [e for e in week if "feel_0_100" not in e]
    assert len(week) == 4 and len(unrated) == 1
    assert (short.heavy_with, short.heavy_data, short.other_with) == (3, 9, len(unrated))
    assert short.over_represented


def test_a_lone_statistical_marker_one_swc_off_is_chance_level():
    def f(severity, signals):
        return Finding(
            "poor_recovery",
            "recovery",
            severity,
            0.1,
            {"start": "2026-01-01", "end": "2026-01-07"},
            [],
            "",
            "",
            signals=signals,
        )

    assert _chance_level(f("low", ("hrv_suppressed",)))
    assert _chance_level(f("low", ("resting_hr_up",)))
    assert not _chance_level(f("medium", ("hrv_suppressed",)))
    assert not _chance_level(f("low", ("sleep_debt",)))
    assert not _chance_level(f("low", ("hrv_suppressed", "resting_hr_up")))


def test_the_season_timeline_keeps_the_event_and_no_other_sunday_raises_one(histories):
    _, both = histories
    end = analyze(both, as_of="2026-10-25", shoes=SHOES)
    events = [f for f in end.timeline if f.category in ("sleep", "recovery")]
    assert [(f.cause, f.window["start"] <= STORY[1], f.window["end"] >= STORY[0]) for f in events] == [
        ("poor_recovery", True, True)
    ]
    # precision: on every Sunday of the season only the short-nights week's shows one
    sundays = [d.date().isoformat() for d in pd.date_range("2026-05-17", "2026-10-25", freq="7D")]
    raised = [d for d in sundays if any(f.category in ("sleep", "recovery") for f in analyze(both, as_of=d).findings)]
    assert raised == [STORY[1]]


def test_the_csv_outputs_carry_the_ratings_and_the_nights(histories, tmp_path):
    from analyzer.report.outputs import write_outputs

    _, both = histories
    paths = write_outputs(analyze(both, as_of=STORY[1], shoes=SHOES), tmp_path)
    acts = pd.read_csv(paths["activities"]).set_index("source")
    index = json.loads((SAMPLE / "index.json").read_text(encoding="utf-8"))
    for e in index["files"]:
        if "feel_0_100" in e and e["date"] <= STORY[1]:
            row = acts.loc[str(SAMPLE / e["file"])]
            assert (row["feel_0_100"], row["rpe_0_10"], bool(row["heavy"])) == (
                e["feel_0_100"],
                e["rpe_0_10"],
                e["feel_0_100"] <= 25,
            )
    nights = pd.read_csv(paths["wellness"]).set_index("date")
    assert nights.index.max() == STORY[1]
    for n in _export("*_sleepData.json"):
        asleep = n["deepSleepSeconds"] + n["lightSleepSeconds"] + n.get("remSleepSeconds", 0)
        assert nights.at[n["calendarDate"], "sleep_s"] == asleep
