"""Whole-history checks on sample_data/: each planted story is found at its date (as
--as-of would see it), and the analyze/detectors commands work end to end."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer import analyze
from analyzer.cli import main
from analyzer.detectors import registered
from tests.conftest import SAMPLE

INDEX = json.loads((SAMPLE / "index.json").read_text(encoding="utf-8"))
SHOES = SAMPLE / "shoes.csv"


def story_dates(tag: str) -> list[str]:
    return sorted(f["date"] for f in INDEX["files"] if tag in f["story"])


def causes(result) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in result.findings:
        out.setdefault(f.cause, []).append(f)
    return out


@pytest.fixture(scope="module")
def at(sample_history):
    cache: dict[str, object] = {}

    def run(as_of: str):
        if as_of not in cache:
            cache[as_of] = analyze(sample_history, as_of=as_of, shoes=SHOES)
        return cache[as_of]

    return run


def test_the_shoe_list_among_the_inputs_is_read(sample_history):
    assert set(sample_history.shoes["name"]) >= {"Nike Pegasus 40 (blue)", "ASICS Novablast 5"}
    status = {Path(f.path).name: f.status for f in sample_history.files}
    assert status["shoes.csv"] == "imported"


def test_base_phase_has_no_high_finding_and_no_form_finding(at):
    result = at(story_dates("base")[-1])
    assert [f.cause for f in result.findings if f.severity == "high"] == []
    # The base weeks mix easy, tempo and interval paces: faster runs are not flagged for form.
    assert not {"ground_contact", "vertical_oscillation", "cadence", "running_form"} & set(causes(result))


def signalled(result, signal: str) -> list:
    """The findings that gather the detector ``signal`` (one event, one finding)."""
    return [f for f in result.findings if signal in f.signals]


def test_big_week_is_one_load_event_with_the_mileage_jump(at):
    week = story_dates("big-week")
    found = signalled(at(week[-1]), "mileage_jump")
    assert [f.window["start"] for f in found] == ["2026-07-13"]
    change = next(e for e in found[0].evidence if e.metric == "week-over-week change")
    assert change.value > 30 and "Nielsen" in change.source
    # The week's 18.2 km long run was 13 % over the month's longest: the spike, the best
    # supported measure, leads the event and gives its severity (the > 10-30 % band: low).
    assert found[0].cause == "long_run_spike" and found[0].signals == ("long_run_spike", "mileage_jump")
    assert found[0].severity == "low"


def test_long_run_spike_in_an_ordinary_week_is_one_finding_led_by_the_spike(at):
    day = story_dates("long-run-spike")[0]
    result = at(day)
    # The week of the spike (from Monday 17 Aug) is one load event: the spike leads it
    # (the > 30-100 % band: medium); the week's change, if any, is only its evidence.
    week = [f for f in result.findings if f.category == "overtraining" and f.window["end"] >= "2026-08-17"]
    assert [(f.cause, f.severity) for f in week] == [("long_run_spike", "medium")]
    assert day in {e.date for e in week[0].evidence if e.metric == "run distance"}
    assert "mileage_jump" not in causes(result)


def test_hot_long_run_is_heat_and_dehydration(at):
    day = story_dates("hot-long-run")[0]
    found = causes(at(day))["heat_dehydration"]
    assert [f.window["start"] for f in found] == [day]
    temp = next(e for e in found[0].evidence if e.metric == "mean temperature")
    assert temp.value >= 25


def test_strength_fortnight(at):
    days = story_dates("strength-block")
    found = [f for f in causes(at(days[-1]))["strength_load"] if f.severity == "medium"]
    assert sorted(f.window["start"] for f in found) == ["2026-09-07", "2026-09-14"]


def test_worn_shoes_cross_500_miles_on_the_planted_date(at):
    day = story_dates("shoe-805km")[0]
    before = causes(at("2026-10-02")).get("worn_shoes", [])
    assert [f.severity for f in before] == ["medium"]  # past 300 miles, not yet 500
    found = causes(at(day))["worn_shoes"]
    assert [(f.severity, f.window["start"]) for f in found] == [("high", day)]


def test_late_form_drift(at):
    last = story_dates("form-drift")[-1]
    (form,) = causes(at(last))["running_form"]  # the three metrics of one story: one finding
    assert set(form.signals) == {"ground_contact", "vertical_oscillation", "cadence"}
    gct = next(e for e in form.evidence if e.metric == "ground contact time vs own baseline at the same pace")
    assert gct.value > 8  # ms above the runner's own baseline at the same pace
    # Ranked most likely first.
    scores = [f.score for f in at(last).findings]
    assert scores == sorted(scores, reverse=True)


def test_cli_analyze_writes_the_three_files(sample_history, tmp_path):
    out = tmp_path / "out"
    cache = sample_history.cache.layout.root
    res = CliRunner().invoke(
        main,
        [
            "analyze",
            str(SAMPLE / "activities"),
            "--shoes",
            str(SHOES),
            "--out",
            str(out),
            "--as-of",
            "2026-08-23",
            "--cache",
            str(cache),
            "--units",
            "mi",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "long_run_spike" in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 100
    doc = json.loads((out / "findings.json").read_text())
    assert set(doc) == {
        "as_of",
        "units",
        "summary",
        "activities",
        "skipped",
        "findings",
        "heavy_days",
        "not_detectable",
        "skipped_detectors",
    }
    assert doc["as_of"] == "2026-08-23" and doc["units"] == "mi"
    # The summary in the report's units: the 27.1 km spike is 27.1 / 1.609344 = 16.8 mi.
    assert doc["summary"].startswith("Most likely cause: long run spike, on 2026-08-23: the 16.8 mi run +59 % ")
    assert doc["summary"] in " ".join(res.output.split())
    for f in doc["findings"]:
        assert set(f) == {
            "cause",
            "category",
            "severity",
            "score",
            "window",
            "evidence",
            "message",
            "advice",
            "signals",
        }
        assert f["cause"] in f["signals"]
        for e in f["evidence"]:
            assert set(e) == {"metric", "value", "unit", "threshold", "date", "source"}
    assert [f["score"] for f in doc["findings"]] == sorted((f["score"] for f in doc["findings"]), reverse=True)
    with open(out / "weekly.csv", newline="") as fh:
        header = next(csv.reader(fh))
    assert {
        "week_start",
        "distance_km",
        "runs",
        "change_pct",
        "longest_run_km",
        "acwr",
        "acwr_ewma",
        "acwr_uncoupled",
        "distance_mi",
    } <= set(header)
    with open(out / "activities.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {
        "activity_id",
        "source",
        "start_local",
        "sport",
        "is_run",
        "distance_km",
        "duration_s",
        "gct_ms",
        "vo_mm",
        "vertical_ratio_pct",
        "cadence_spm",
        "shoe",
        "shoe_km",
    } <= set(rows[0])
    assert max(r["start_local"] for r in rows) < "2026-08-24"  # nothing after --as-of


def test_cli_detectors_lists_every_detector_with_sources():
    res = CliRunner().invoke(main, ["detectors"])
    assert res.exit_code == 0
    for cls in registered():
        assert f"{cls.id} ({cls.category})" in res.output
        for t in cls.thresholds:
            assert t.source in res.output


def test_console_script_end_to_end(sample_history, tmp_path):
    exe = shutil.which("heavylegs", path=str(Path(sys.executable).parent))
    assert exe
    cache = sample_history.cache.layout.root
    out = subprocess.run(
        [exe, "analyze", str(SAMPLE), "--out", str(tmp_path), "--cache", str(cache)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert "Likely causes" in out.stdout
    assert json.loads((tmp_path / "findings.json").read_text())["as_of"] == "2026-10-25"


def test_the_library_call_and_the_command_write_the_same_files(sample_history, tmp_path):
    """`heavylegs analyze` is analyze_to plus printing: the same files, byte for byte."""
    from analyzer import analyze_to

    cache = sample_history.cache.layout.root
    args = {"as_of": "2026-09-20", "shoes": SHOES, "units": "mi"}
    report = analyze_to([SAMPLE / "activities"], tmp_path / "api", cache=cache, **args)
    res = CliRunner().invoke(
        main,
        ["analyze", str(SAMPLE / "activities"), "--out", str(tmp_path / "cli"), "--cache", str(cache)]
        + ["--as-of", "2026-09-20", "--shoes", str(SHOES), "--units", "mi"],
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "api").iterdir()) == sorted(p.name for p in (tmp_path / "cli").iterdir())
    for name in ("findings.json", "weekly.csv", "activities.csv", "report.html", "weekly.png", "timeline.png"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert report.main == tmp_path / "api" / "report.html"
    assert [f.cause for f in report.analysis.findings] == [
        f["cause"] for f in json.loads((tmp_path / "cli" / "findings.json").read_text())["findings"]
    ]
