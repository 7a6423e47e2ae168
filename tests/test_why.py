"""`heavylegs why` and api.explain_run on sample_data/ (activities and shoes.csv): the hot
long run names heat and its drift with the numbers of the heat finding and of the
samples read by another FIT parser (fitparse); the first run after the strength block
names the sessions; a base-phase run says nothing stands out; an id works as its date;
bad input is one line and exit 2; the page carries the run's charts with alt text and
escapes a hostile shoe name."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
from html.parser import HTMLParser

import fitparse
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer import columns as C
from analyzer import explain_run
from analyzer.cli import main
from analyzer.report.why import NOTHING_STANDS_OUT, RunNotFound, explain
from analyzer.report.why_html import render_why
from tests import fakes
from tests.conftest import SAMPLE

INDEX = json.loads((SAMPLE / "index.json").read_text(encoding="utf-8"))
ACTIVITIES = SAMPLE / "activities"
SHOES = SAMPLE / "shoes.csv"
HOT_DAY = "2026-08-08"
HOT_FILE = ACTIVITIES / "2026-08-08_1330_long.fit"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("why-cache")


@pytest.fixture(scope="module")
def why(cache):
    """explain_run on the season (one cache for the module; no page), memoised by run argument."""
    done = {}

    def run(arg: str):
        if arg not in done:
            done[arg] = explain_run([ACTIVITIES], arg, shoes=SHOES, cache=cache, progress=False)
        return done[arg]

    return run


def cli(cache, *args):
    return CliRunner().invoke(main, ["why", *args, "--cache", str(cache)])


def fit_records(path) -> pd.DataFrame:
    """The records of a FIT file read by fitparse (not heavylegs' decoder)."""
    rows = [{d.name: d.value for d in m} for m in fitparse.FitFile(str(path)).get_messages("record")]
    return pd.DataFrame(rows)


def test_hot_long_run_names_heat_with_its_temperature_and_drift(why, cache):
    ex = why(HOT_DAY)
    assert ex.run[C.SOURCE].endswith(HOT_FILE.name)
    heat = [f for f in ex.findings if "heat_dehydration" in f.signals]
    assert len(heat) == 1
    evidence = {e.metric: e.value for e in heat[0].evidence}
    # From the samples, read by fitparse: speed:HR of the first half (by time) against the second.
    rec = fit_records(HOT_FILE)
    t = rec["timestamp"].map(lambda x: x.timestamp()).to_numpy()
    speed, hr = rec["enhanced_speed"].to_numpy(float), rec["heart_rate"].to_numpy(float)
    first = t <= t[0] + (t[-1] - t[0]) / 2
    ratio1 = speed[first].mean() / hr[first].mean()
    ratio2 = speed[~first].mean() / hr[~first].mean()
    decoupling = (ratio1 - ratio2) / ratio1 * 100
    temperature = rec["temperature"].to_numpy(float).mean()
    assert decoupling == pytest.approx(8.09, abs=0.005)  # README: 8.1 %
    assert temperature == pytest.approx(29.26, abs=0.005)  # README: 28-30 degC throughout
    # The finding's evidence, the run's facts and the samples agree within the finding's rounding.
    assert evidence["aerobic decoupling"] == 8.1 and abs(evidence["aerobic decoupling"] - decoupling) <= 0.05
    assert evidence["mean temperature"] == 29.3 and abs(evidence["mean temperature"] - temperature) <= 0.05
    assert round(ex.fact("decoupling_pct").value, 1) == evidence["aerobic decoupling"]
    assert round(ex.fact("temperature_c").value, 1) == evidence["mean temperature"]
    assert ex.fact("decoupling_pct").unusual and ex.fact("temperature_c").unusual
    assert not ex.nothing_stands_out
    # The terminal says the same numbers.
    res = cli(cache, HOT_DAY, str(ACTIVITIES), "--shoes", str(SHOES))
    assert res.exit_code == 0, res.output
    assert "heat_dehydration" in res.stdout
    assert "aerobic decoupling: 8.1 %" in res.stdout and "temperature: 29.3 degC" in res.stdout
    assert NOTHING_STANDS_OUT not in res.stdout


def first_run_after(day: str) -> tuple[dict, list[dict]]:
    """From index.json: the first run after the strength session of ``day``, and the
    strength sessions of the 7 days before that run."""
    strength = [f for f in INDEX["files"] if f["kind"] == "strength"]
    session = next(f for f in strength if f["date"] == day)
    run = min(
        (f for f in INDEX["files"] if f["sport"] == "running" and f["start_local"] > session["start_local"]),
        key=lambda f: f["start_local"],
    )
    start = dt.datetime.fromisoformat(run["start_local"])
    week = [f for f in strength if start - dt.timedelta(days=7) <= dt.datetime.fromisoformat(f["start_local"]) < start]
    return run, week


def test_first_run_after_the_strength_block_names_the_sessions(why, cache):
    run, week = first_run_after("2026-09-18")
    assert (run["date"], len(week), week[-1]["start_local"]) == ("2026-09-19", 3, "2026-09-18T18:30:00")
    ex = why(run["date"])
    assert ex.run[C.SOURCE].endswith(run["file"])
    fact = ex.fact("strength_7d")
    assert fact.value == len(week) and "3 in 7 days" in fact.unusual
    assert ex.fact("last_strength").value == week[-1]["start_local"][:16]
    assert "strength_load" in {f.cause for f in ex.findings}
    res = cli(cache, run["date"], str(ACTIVITIES), "--shoes", str(SHOES))
    assert res.exit_code == 0, res.output
    line = next(x for x in res.stdout.splitlines() if "strength sessions, last 7 days" in x)
    assert "3; the last on 2026-09-18 18:30" in line


def base_phase_run() -> dict:
    """The last long run of the base phase (README story 1, to 2026-07-05). Earlier base
    runs have causes of their own: the Brooks pair, past 300 miles, is worn until its
    retirement on 2026-06-28, and a run the morning after a strength session is flagged."""
    base = [f for f in INDEX["files"] if "base" in f["story"] and "2026-06-08" <= f["date"] <= "2026-07-05"]
    return max((f for f in base if f["kind"] == "long"), key=lambda f: f["date"])


def test_a_base_phase_run_says_nothing_stands_out(why, cache):
    run = base_phase_run()
    assert run["date"] == "2026-07-04"
    ex = why(run["date"])
    assert ex.findings == [] and ex.unusual == [] and ex.nothing_stands_out
    # Its numbers are there all the same: the distance is the file's.
    assert ex.fact("distance_m").value / 1000 == pytest.approx(run["distance_km"], abs=0.001)
    res = cli(cache, run["date"], str(ACTIVITIES), "--shoes", str(SHOES))
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().splitlines()[-1] == NOTHING_STANDS_OUT
    assert "nothing stands out" in res.stdout.lower()


def test_an_activity_id_explains_the_same_run_as_its_date(why, cache):
    by_date = why(HOT_DAY)
    by_id = why(by_date.activity_id)
    assert by_id.activity_id == by_date.activity_id and by_id.note == ""
    assert by_id.facts == by_date.facts
    assert [f.cause for f in by_id.findings] == [f.cause for f in by_date.findings]
    a = cli(cache, HOT_DAY, str(ACTIVITIES), "--shoes", str(SHOES))
    b = cli(cache, by_date.activity_id, str(ACTIVITIES), "--shoes", str(SHOES))
    assert a.exit_code == b.exit_code == 0 and a.stdout == b.stdout


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("2027-01-01", "Error: no run on 2027-01-01 in the history (runs from 2026-05-12 to 2026-10-25)"),
        ("2026-09-18", "Error: no run on 2026-09-18 in the history (runs from 2026-05-12 to 2026-10-25)"),
        ("2026-13-40", "Error: '2026-13-40' is not a date (YYYY-MM-DD)"),
        ("0123456789abcdef-9", "Error: no activity has the id '0123456789abcdef-9' (give a run's id or its date, YYYY-MM-DD)"),
    ],
)  # fmt: skip
def test_an_unknown_run_is_one_line_and_exit_2(why, cache, arg, expected):
    why(HOT_DAY)  # the cache is filled
    res = cli(cache, arg, str(ACTIVITIES), "--shoes", str(SHOES))
    assert res.exit_code == 2
    assert res.stderr == expected + "\n"
    assert res.stdout == ""


def test_a_strength_session_is_not_a_run(why, cache):
    history_ids = why(HOT_DAY).analysis.history.all_activities
    session = history_ids[history_ids[C.SOURCE].str.endswith("2026-09-18_1830_strength.fit")].iloc[0]
    res = cli(cache, session[C.ACTIVITY_ID], str(ACTIVITIES))
    assert res.exit_code == 2
    assert res.stderr == f"Error: the activity '{session[C.ACTIVITY_ID]}' is not a run (training/strength_training)\n"


class Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        self.scripts += tag == "script"


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)> Pegasus'


def test_the_page_has_the_runs_charts_with_alt_text_and_escapes_a_hostile_shoe_name(cache, tmp_path):
    shoes = tmp_path / "shoes.csv"
    with shoes.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerows([["name", "first_used", "retired", "initial_km"], [HOSTILE, "2026-06-29", "", "179"]])
    out = tmp_path / "out"
    ex = explain_run([ACTIVITIES], HOT_DAY, out, shoes=shoes, cache=cache, progress=False)
    page = out / "why-2026-08-08.html"
    assert ex.written == {"page": page} and page.is_file()
    text = page.read_text(encoding="utf-8")
    parsed = Images()
    parsed.feed(text)
    assert parsed.scripts == 0 and "<script>" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt; Pegasus" in text
    assert ex.fact("shoe").value == HOSTILE
    # Four charts (pace, heart rate, ground contact, cadence), each a PNG with alt text naming it.
    assert len(parsed.images) == 4
    for img, name in zip(parsed.images, ("Pace", "Heart rate", "Ground contact time", "Cadence"), strict=True):
        assert img["alt"].startswith(name) and "steady running" in img["alt"]
        data = base64.b64decode(img["src"].removeprefix("data:image/png;base64,"))
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # The heart-rate chart's takeaway: the steady running's first and last third (by time, past the
    # first 5 min and faster than 1.6 m/s: dynamics.steady_samples), from fitparse's records.
    rec = fit_records(HOT_FILE)
    t = rec["timestamp"].map(lambda x: x.timestamp()).to_numpy()
    steady = (t - t[0] >= 300) & (rec["enhanced_speed"].to_numpy(float) > 1.6)
    clock = np.cumsum(np.diff(t, prepend=t[0])[steady])
    hr = rec["heart_rate"].to_numpy(float)[steady]
    first, last = hr[clock / clock[-1] <= 1 / 3].mean(), hr[clock / clock[-1] > 2 / 3].mean()
    expected = (
        f"Heart rate (mean of the steady running): {first:.0f} bpm in the first third, {last:.0f} bpm in the last."
    )
    assert expected in text


def test_units_in_miles(why, cache):
    res = cli(cache, HOT_DAY, str(ACTIVITIES), "--units", "mi")
    assert res.exit_code == 0, res.output
    metres = why(HOT_DAY).fact("distance_m").value
    assert f"distance: {metres / 1609.344:.2f} mi" in res.stdout and "/mi" in res.stdout


def test_a_day_with_two_runs_explains_the_longest_and_says_so():
    acts = fakes.activities(
        [
            fakes.activity(0, 5_000, i=0),
            fakes.activity(0.5, 12_000, i=1),
            fakes.activity(1, 8_000, i=2),
            fakes.activity(1.5, 0, i=3, sport="training", sub_sport="strength_training"),
        ]
    )
    history = fakes.FakeHistory(acts)
    ex = explain(history, "2024-01-01")
    assert ex.activity_id == "r1"
    assert ex.note == "2 runs on 2024-01-01: the longest is explained (the others: 07:00 (5.0 km))."
    assert explain(history, "r2").activity_id == "r2"
    assert explain(history, "2024-01-01", units="mi").note.endswith("(the others: 07:00 (3.1 mi)).")
    # A run without samples (no file behind it, as a Strava activities.csv row): its page
    # says which charts are missing instead of drawing empty ones.
    page = render_why(ex)
    assert "<img" not in page and "Heart rate: not recorded in this file." in page
    with pytest.raises(RunNotFound, match="'r3' is not a run"):
        explain(history, "r3")


def test_the_night_before_is_read_against_the_runners_range(cache):
    """Story 8: the short-nights week. The night before the run of 2026-09-03, from
    the Garmin export's JSON by hand: 3720 s deep + 11580 s light + 4320 s REM asleep;
    HRV 42.9 ms (healthStatusData)."""
    ex = explain_run([ACTIVITIES, SAMPLE / "garmin_export"], "2026-09-03", shoes=SHOES, cache=cache, progress=False)
    sleep, hrv = ex.fact(C.SLEEP_S), ex.fact(C.HRV_NIGHT_MS)
    assert sleep.value == 3720 + 11580 + 4320 and "under 6 h" in sleep.unusual
    assert hrv.value == 42.9 and "below your range" in hrv.unusual
    assert "poor_recovery" in {f.cause for f in ex.findings}
    assert np.isfinite(ex.fact(C.RESTING_HR_BPM).value)


def test_a_duplicates_id_explains_the_copy_kept(why):
    """README: the run of 2026-06-16 07:00 is there twice, FIT and GPX; the FIT is kept."""
    every = why(HOT_DAY).analysis.history.all_activities
    gpx = every[every[C.SOURCE].str.endswith("2026-06-16_0700_tempo.gpx")].iloc[0]
    ex = why(gpx[C.ACTIVITY_ID])
    assert ex.run[C.SOURCE].endswith("2026-06-16_0700_tempo.fit")
    assert ex.note == f"{gpx[C.ACTIVITY_ID]} is a duplicate; the copy kept, {ex.activity_id}, is explained."
