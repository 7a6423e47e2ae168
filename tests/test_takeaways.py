"""The line under each chart (report/takeaways.py): on the sample season, every number in it
is computed here again from the analysis's own tables (weekly.csv, activities.csv,
wellness.csv, findings.json), in the runner's local calendar and the report's units, and
the planted stories show through (sample_data/README.md)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from analyzer import analyze
from analyzer.report.html import write_report
from analyzer.report.outputs import write_outputs
from analyzer.units import M_PER_MILE
from tests.conftest import SAMPLE

#: The guidance lines of the shoe chart [km]: 300 and 500 miles.
MILES_300_KM = 300 * M_PER_MILE / 1000
MILES_500_KM = 500 * M_PER_MILE / 1000


def _day(value) -> str:
    """A local date as the report writes it: '03 Oct 2026'."""
    return pd.Timestamp(value).strftime("%d %b %Y")


def takeaways_of(page: str) -> dict[str, str]:
    """stem -> the takeaway under that chart in report.html (unescaped)."""
    found = re.findall(
        r"<figure id='(\w+)'><img alt='[^']*' src='data:image/png;base64,[^']*'><p class='takeaway'>([^<]*)</p>", page
    )
    return {stem: html.unescape(text) for stem, text in found}


@pytest.fixture(scope="module")
def season(sample_history, tmp_path_factory):
    """The sample season analysed as `heavylegs analyze` does, its tables and its page."""
    out = tmp_path_factory.mktemp("takeaways")
    analysis = analyze(sample_history, shoes=SAMPLE / "shoes.csv")
    write_outputs(analysis, out)
    written = write_report(analysis, out, ("html", "pdf"))
    page = written["report"].read_text(encoding="utf-8")
    return {
        "out": out,
        "lines": takeaways_of(page),
        "page": page,
        "weekly": pd.read_csv(out / "weekly.csv", parse_dates=["week_start"]),
        "activities": pd.read_csv(out / "activities.csv", parse_dates=["start_local"]),
        "wellness": pd.read_csv(out / "wellness.csv", parse_dates=["date"]),
        "findings": json.loads((out / "findings.json").read_text(encoding="utf-8")),
    }


def test_every_chart_has_its_takeaway_and_every_image_its_alt_text(season):
    assert sorted(season["lines"]) == sorted(["weekly", "wellness", "long_runs", "dynamics", "shoes", "timeline"])
    images = re.findall(r"<img ([^>]*)>", season["page"])
    assert len(images) == 6
    for attrs in images:
        alt = re.search(r"alt='([^']+)'", attrs)
        assert alt and len(alt.group(1)) > 40, attrs[:80]
    for stem, line in season["lines"].items():
        assert html.escape(line) in season["page"].split(f"<figure id='{stem}'><img alt='")[1].split("'")[0]


def test_weekly_takeaway(season):
    weekly = season["weekly"]
    km = weekly["distance_km"].to_numpy()
    change = np.full(len(km), np.nan)
    change[1:] = np.where(km[:-1] > 0, 100 * (km[1:] / km[:-1] - 1), np.nan)
    i = int(np.nanargmax(change))
    last = weekly.iloc[-1]
    expected = (
        f"Largest rise: the week of {_day(weekly['week_start'][i])}, {km[i]:.1f} km, {change[i]:+.0f} % on the week "
        f"before (coloured: a low load finding); the latest week, {_day(last['week_start'])}: "
        f"{last['distance_km']:.1f} km, ACWR {last['acwr']:.2f}."
    )
    assert season["lines"]["weekly"] == expected
    # The planted weekly jump (story 2): 58.6 km after 40.9 km in the week of 13 July.
    assert "the week of 13 Jul 2026, 58.6 km, +43 %" in expected


def test_long_runs_takeaway(season):
    acts = season["activities"]
    runs = acts[acts["is_run"]].sort_values("start_local").reset_index(drop=True)
    t, km = runs["start_local"], runs["distance_km"].to_numpy()
    first = t.min()
    rows = []
    for j in range(len(runs)):
        before = (t >= t[j] - pd.Timedelta(days=30)) & (t < t[j])
        if t[j] < first + pd.Timedelta(days=30) or not before.any():
            continue  # the history's first 30 days: no full window
        prev = km[before.to_numpy()].max()
        pct = 100 * (km[j] / prev - 1)
        if round(pct, 9) > 10:
            rows.append((pct, j, prev))
    pct, j, prev = max(rows)
    assert season["lines"]["long_runs"] == (
        f"Largest spike: {km[j]:.1f} km on {_day(t[j])}, {pct:.0f} % longer than the longest run of the 30 days "
        f"before ({prev:.1f} km); {len(rows)} runs more than 10 % longer in all."
    )
    # Story 3: 27.1 km on 23 August against 17.0 km (+59 %).
    assert _day(t[j]) == "23 Aug 2026" and f"{km[j]:.1f}" == "27.1" and f"{pct:.0f}" == "59"


def _trend(days: pd.Series, values: pd.Series) -> tuple[float, pd.Timestamp, pd.Timestamp]:
    ok = values.notna()
    days, values = days[ok], values[ok]
    last = days.max()
    window = days > last - pd.Timedelta(days=35)
    x = (days[window] - days[window].min()).dt.days.to_numpy(dtype=float)
    slope = np.polyfit(x, values[window].to_numpy(), 1)[0]
    return slope * x.max(), days[window].min(), last


def test_dynamics_takeaway(season):
    acts = season["activities"]
    runs = acts[acts["is_run"]]
    days = runs["start_local"].dt.normalize()
    gct, first, last = _trend(days, runs["gct_vs_baseline_ms"])
    vo, _, _ = _trend(days, runs["vo_vs_baseline_mm"])
    line = season["lines"]["dynamics"]
    assert line.startswith(
        f"Trend from {_day(first)} to {_day(last)}, against your own baseline at the same pace: "
        f"ground contact time {gct:+.0f} ms; vertical oscillation {vo:+.0f} mm; "
    ), line
    # Story 5: from 0 on 21 September to +24 ms and +10 mm on 25 October, cadence down to -8.
    assert 18 <= gct <= 26 and 6 <= vo <= 11
    assert re.search(r"cadence -[5-9] steps/min\.$", line), line
    # The running-form finding measures the same drift.
    form = next(f for f in season["findings"]["findings"] if f["cause"] == "running_form")
    assert form["window"]["end"] == last.date().isoformat()


def test_shoes_takeaway(season):
    acts = season["activities"]
    worn = acts[acts["shoe"].notna()].sort_values("start_local")
    crossings = []
    for pair, rows in worn.groupby("shoe"):
        for limit in (MILES_500_KM, MILES_300_KM):
            past = rows[rows["shoe_km"] >= limit]
            if len(past):
                crossings.append((past["start_local"].iloc[0].date(), limit, pair, rows["shoe_km"].max()))
                break
    when, limit, pair, total = max(crossings)
    assert season["lines"]["shoes"] == (
        f"{pair} passed {limit:.0f} km ({limit / (M_PER_MILE / 1000):.0f} miles) on {_day(when)}, "
        f"and reached {total:.0f} km by its last run."
    )
    # Story 4: "Nike Pegasus 40 (blue)" passes 805 km on the long run of 3 October, as the finding says.
    assert (pair, when) == ("Nike Pegasus 40 (blue)", dt.date(2026, 10, 3))
    shoes = next(f for f in season["findings"]["findings"] if f["cause"] == "worn_shoes")
    distance = next(e for e in shoes["evidence"] if e["metric"] == "distance on the pair")
    assert distance["date"] == "2026-10-03" and distance["value"] == round(total)


def test_wellness_takeaway(season):
    well = season["wellness"]
    first_week = season["weekly"]["week_start"].min()
    well = well[well["date"] >= first_week].set_index("date")
    hours = well["sleep_s"] / 3600
    mean7 = hours.dropna().rolling("7D", min_periods=5).mean()
    end = mean7.idxmin()
    heavy = [pd.Timestamp(r["date"]) for r in season["findings"]["heavy_days"]["runs"]]
    in_week = sum(end - pd.Timedelta(days=7) < d <= end for d in heavy)
    assert season["lines"]["wellness"] == (
        f"The shortest week of sleep: {mean7[end]:.1f} h a night in the 7 days to {_day(end)}, against "
        f"{hours.mean():.1f} h a night over the chart's weeks; {in_week} of your {len(heavy)} heavy-rated runs "
        "fell in those days."
    )
    # Story 8: the short nights' week, wake-up dates 31 August to 6 September, 5.1-5.6 h.
    assert end == pd.Timestamp("2026-09-06") and 5.1 <= mean7[end] <= 5.6


def test_timeline_takeaway(season):
    doc = season["findings"]
    active = [f for f in doc["findings"] if f["window"]["end"] == doc["as_of"]]
    assert {f["cause"] for f in active} == {"running_form", "worn_shoes"}
    line = season["lines"]["timeline"]
    for f in active:
        assert f"{f['cause'].replace('_', ' ')} ({f['severity']}, since {_day(f['window']['start'])})" in line


def test_the_pdf_chart_pages_carry_the_takeaways(season):
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run([exe, "-layout", str(season["out"] / "report.pdf"), "-"], capture_output=True, text=True)
    flat = " ".join(text.stdout.split())
    for stem, line in season["lines"].items():
        assert " ".join(line.split()[:8]) in flat, stem


def test_miles_follow_the_option(season, sample_history):
    from analyzer.report import charts, takeaways

    data = charts.plot_data(analyze(sample_history, shoes=SAMPLE / "shoes.csv", units="mi"))
    weekly, spike, shoes = takeaways.weekly(data), takeaways.long_runs(data), takeaways.shoes(data)
    km = season["weekly"].set_index("week_start")["distance_km"]
    mile_km = M_PER_MILE / 1000
    assert f"the week of 13 Jul 2026, {km['2026-07-13'] / mile_km:.1f} mi, +43 %" in weekly, weekly
    assert f"the latest week, 19 Oct 2026: {km['2026-10-19'] / mile_km:.1f} mi" in weekly, weekly
    assert f"Largest spike: {27.081 / mile_km:.1f} mi on 23 Aug 2026" in spike, spike
    assert " km" not in weekly + spike
    total = season["activities"].query("shoe == 'Nike Pegasus 40 (blue)'")["shoe_km"].max()
    assert (
        shoes
        == f"Nike Pegasus 40 (blue) passed 500 mi on 03 Oct 2026, and reached {total / mile_km:.0f} mi by its last run."
    )


def test_dates_are_the_runners_local_calendar():
    """A long run that starts at 00:30 local on 10 February (23:30 UTC on the 9th) is dated
    10 February; its week is the local week."""
    from analyzer.report import charts, takeaways
    from tests.fakes import FakeHistory, activities, activity

    rows = [activity(2 * d, 10_000.0, i=d) for d in range(20)]
    start_utc = pd.Timestamp("2024-02-09 23:30")
    spike = activity(0, 20_000.0, i=99, start=start_utc, **{"utc_offset_s": 3600.0})
    spike["start_local"] = start_utc + pd.Timedelta(hours=1)
    rows.append(spike)
    data = charts.plot_data(analyze(FakeHistory(activities(rows)), as_of="2024-02-11"))
    line = takeaways.long_runs(data)
    assert line.startswith("Largest spike: 20.0 km on 10 Feb 2024, 100 % longer"), line


def test_every_axis_names_its_unit_in_the_chosen_units(sample_history):
    """Drawn in miles, every value axis of every chart says its unit in brackets, the
    distances in [mi] and none in km (the cause timeline's lanes are causes, not values)."""
    from analyzer.report import charts, draw

    data = charts.plot_data(analyze(sample_history, shoes=SAMPLE / "shoes.csv", units="mi"))
    labels = {}
    for stem in charts.to_draw(data, [s for s, _ in charts.FIGURES]):
        fig = draw.draw(data, stem)
        labels[stem] = [ax.get_ylabel() for ax in fig.axes if ax.axison]
        if stem != "timeline":
            assert all(re.search(r"\[[^\]]+\]$", label) for label in labels[stem]), (stem, labels[stem])
    distance = [label for stem in labels for label in labels[stem] if "distance" in label]
    assert len(distance) == 3 and all(label.endswith("[mi]") for label in distance), distance
    assert not any("km" in label for stem in labels for label in labels[stem])
