"""The report's section "Your heavy-legs days", the wellness chart (drawn only with wellness
data) and the heavy-rated runs on the cause timeline, in findings.json, the terminal,
report.html and the PDF."""

from __future__ import annotations

import dataclasses
import json
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from analyzer.cache.charts import PNG_SIGNATURE  # noqa: E402
from analyzer.detectors.context import Context  # noqa: E402
from analyzer.detectors.heavy_days import HeavyRun  # noqa: E402
from analyzer.detectors.run import run_detectors  # noqa: E402
from analyzer.report import charts, draw  # noqa: E402
from analyzer.report.html import render_html, write_report  # noqa: E402
from analyzer.report.kept_charts import KeptCharts  # noqa: E402
from analyzer.report.outputs import write_outputs  # noqa: E402
from analyzer.report.text import analysis_lines, pdf_lines  # noqa: E402
from tests.heavy_history import HEAVY_DAYS, day, heavy_history  # noqa: E402


@pytest.fixture(scope="module")
def rated():
    return run_detectors(Context(heavy_history()))


@pytest.fixture(scope="module")
def written(rated, tmp_path_factory):
    out = tmp_path_factory.mktemp("rated")
    paths = write_outputs(rated, out)
    paths.update(write_report(rated, out, ("html", "pdf")))
    return out, paths


def test_findings_json_has_the_heavy_days_and_their_table(written):
    doc = json.loads(written[1]["findings"].read_text(encoding="utf-8"))
    heavy = doc["heavy_days"]
    assert heavy["heavy_rated_runs"] == 9 and heavy["rated_runs"] == 60 and heavy["min_heavy_runs"] == 8
    assert [r["date"] for r in heavy["runs"]] == [day(d).date().isoformat() for d in HEAVY_DAYS]
    first = heavy["runs"][0]
    assert first["distance"] == 10.0 and first["feel_0_100"] == 25.0 and first["rpe_0_10"] is None
    assert first["reason"] == "felt weak (25/100)" and first["signals"] == ["short_night"]
    sleep = next(s for s in heavy["signals"] if s["signal"] == "short_night")
    assert (sleep["heavy_with"], sleep["heavy_with_data"], sleep["other_with"], sleep["other_with_data"]) == (
        6,
        9,
        2,
        51,
    )
    assert sleep["heavy_share_ci95"] == [0.3542, 0.8794] and sleep["other_share_ci95"] == [0.0108, 0.1322]
    assert sleep["category"] == "sleep" and sleep["over_represented"] is True


def test_report_html_has_the_section_after_the_findings_and_the_wellness_chart(written):
    out, paths = written
    text = paths["report"].read_text(encoding="utf-8")
    findings = text.index("<h2>Likely causes")
    section = text.index("<h2 id='heavy-days'>Your heavy-legs days</h2>")
    assert findings < section < text.index("<h2>Not visible in watch data")
    assert "<td>slept under 6 h the night before</td><td>6 of 9</td><td>35-88 %</td><td>2 of 51</td>" in text
    assert f"<td>{day(40).date().isoformat()}</td><td>10.0 km</td><td>feel 25/100</td>" in text
    match = re.search(r"<figure id='wellness'><img alt='([^']+)' src='data:image/png;base64,", text)
    assert match and match.group(1).startswith("Sleep per night against the 7 h recommended for adults")
    assert (out / "wellness.png").read_bytes().startswith(PNG_SIGNATURE)


def test_the_terminal_and_the_pdf_show_the_section(rated, written):
    lines = analysis_lines(rated)
    at = lines.index("Your heavy-legs days:")
    assert lines[at + 1] == "    9 heavy-rated runs of 60 runs (60 rated)."
    row = next(line for line in lines if line.strip().startswith("slept under 6 h the night before"))
    assert re.search(r"6 of 9\s+35-88 %\s+2 of 51\s+1-13 %\s+yes$", row)
    assert "Your heavy-legs days:" in pdf_lines(rated)
    pdf = written[1]["pdf"].read_bytes()
    drawn = charts.to_draw(charts.plot_data(rated), [s for s, _ in charts.FIGURES])
    assert "wellness" in drawn and "timeline" in drawn
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1 + len(drawn)  # the text page, then every chart


def test_without_wellness_no_wellness_chart_is_drawn(tmp_path):
    analysis = run_detectors(Context(heavy_history(wellness=False)))
    data = charts.plot_data(analysis)
    assert data.wellness is None and charts.not_drawn(data)["wellness"] == charts.NO_WELLNESS
    text = write_report(analysis, tmp_path)["report"].read_text(encoding="utf-8")
    assert "<figure id='wellness'>" not in text and not (tmp_path / "wellness.png").exists()
    assert "<p class='missing' id='wellness'><b>Sleep, HRV, resting heart rate and weight</b> not drawn" in text
    # Still nine heavy-rated runs (the feel is on the runs), without sleep or HRV to compare.
    assert "<h2 id='heavy-days'>Your heavy-legs days</h2>" in text
    assert "<td>slept under 6 h the night before</td><td>no data</td>" in text


def test_the_wellness_chart_draws_the_panels_with_data_over_the_load_weeks(rated):
    data = charts.plot_data(rated)
    # The weekly chart's weeks: the Monday of the first run (DAY0, 1 Jan 2024) to the end of
    # the analysis date's week (the last run, day 118 = Sun 28 Apr 2024: 29 Apr).
    assert data.weeks == ("2024-01-01", "2024-04-29")
    assert list(data.weekly.index[[0, -1]].astype("datetime64[D]").astype(str)) == ["2024-01-01", "2024-04-22"]
    fig = draw.draw(data, "wellness")
    axes = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in axes] == ["Sleep per night", "Overnight HRV", "Resting heart rate"]
    for ax in axes:
        lo, hi = ax.get_xlim()
        assert matplotlib.dates.num2date(lo).date().isoformat() == "2023-12-29"  # 3 days before the first week
        assert matplotlib.dates.num2date(hi).date().isoformat() == "2024-05-02"  # 3 days after the last
        (marks,) = [c for c in ax.collections if isinstance(c, LineCollection)]
        days = [matplotlib.dates.num2date(seg[0][0]).date() for seg in marks.get_segments()]
        assert days == [day(d).date() for d in HEAVY_DAYS]  # at mid-day of each heavy-rated run's day
    sleep = axes[0]
    heights = sorted({round(p.get_height(), 2) for p in sleep.patches})
    assert heights == [5.0, 5.5, 7.5]  # hours of the nights
    assert [line.get_ydata()[0] for line in sleep.lines] == [7.0]  # the 7 h line


def test_the_cause_timeline_marks_the_heavy_rated_runs(rated):
    data = charts.plot_data(rated)
    assert list(data.heavy_runs["date"].astype("datetime64[D]").astype(str)) == [
        day(d).date().isoformat() for d in HEAVY_DAYS
    ]
    fig = draw.draw(data, "timeline")
    (ax,) = fig.axes
    assert ax.get_yticklabels()[-1].get_text() == "heavy-rated runs"
    (marks,) = [c for c in ax.collections if len(c.get_offsets()) == len(HEAVY_DAYS)]
    days = np.floor(marks.get_offsets()[:, 0]).astype(int)
    assert [matplotlib.dates.num2date(d).date() for d in days] == [day(d).date() for d in HEAVY_DAYS]
    # The kept timeline and wellness charts follow the heavy-rated runs.
    cache = KeptCharts.__new__(KeptCharts)
    cache._code = "code"
    fewer = dataclasses.replace(data, heavy_runs=charts.Table({k: v[:-1] for k, v in data.heavy_runs.columns.items()}))
    for stem in ("timeline", "wellness"):
        assert cache.key(fewer, stem) != cache.key(data, stem)


def test_strings_in_the_section_are_escaped(rated):
    odd = HeavyRun("<b>id</b>", "2024-02-10", 10_000.0, 25.0, float("nan"), float("nan"), "<script>x</script>", ())
    heavy = dataclasses.replace(rated.heavy_days, runs=(odd,))
    text = render_html(dataclasses.replace(rated, heavy_days=heavy), [])
    assert "<script>x</script>" not in text and "&lt;script&gt;x&lt;/script&gt;" in text


HELPER_WITHOUT_PANDAS = """
import pickle, sys
from analyzer.report import draw
data = pickle.load(sys.stdin.buffer)
images = draw.render(data, stems=["wellness", "timeline"]).pngs()
sys.stdout.write(f"{sorted(images)} {'pandas' in sys.modules}")
"""


def test_the_figure_helper_draws_the_new_charts_without_pandas(rated):
    import pickle
    import subprocess
    import sys

    data = charts.plot_data(rated)
    done = subprocess.run(
        [sys.executable, "-c", HELPER_WITHOUT_PANDAS], input=pickle.dumps(data), capture_output=True, check=True
    )
    assert done.stdout.decode() == "['timeline', 'wellness'] False"


def test_the_terminal_lists_the_last_twelve_heavy_runs():
    many = tuple(range(20, 76, 4))  # 14 heavy-rated runs
    analysis = run_detectors(Context(heavy_history(heavy_days=many)))
    lines = analysis_lines(analysis, width=100)
    assert "    Heavy-rated runs (the last 12; 2 earlier in findings.json and report.html):" in lines
    listed = [line.split()[0] for line in lines if re.match(r"\s+\d{4}-\d\d-\d\d  ", line)]
    assert listed == [day(d).date().isoformat() for d in many[2:]]
    assert render_html(analysis, []).count("<td>felt weak (25/100)</td>") == 14
