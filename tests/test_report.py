"""The plotted report: self-contained HTML with every planted story, PNGs beside it, a
PDF, plots that say why when empty, a real-browser check, and the worked notebook."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from analyzer import analyze  # noqa: E402
from analyzer.cli import main  # noqa: E402
from analyzer.report import plots  # noqa: E402
from analyzer.report.html import write_report  # noqa: E402
from tests.conftest import ROOT, SAMPLE  # noqa: E402

ARTIFACTS = ROOT / "test-artifacts"
STORY_CAUSES = (
    "mileage jump",
    "long run spike",
    "heat dehydration",
    "strength load",
    "worn shoes",
    "ground contact",
    "vertical oscillation",
    "cadence",
)


@pytest.fixture(scope="module")
def report(sample_history, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    result = analyze(sample_history, shoes=SAMPLE / "shoes.csv")
    written = write_report(result, out, ("html", "pdf"))
    return out, written


def test_report_is_self_contained(report):
    out, written = report
    text = written["report"].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text), "the report must not fetch anything"
    assert "<script" not in text and "<link" not in text
    images = re.findall(r"src='data:image/png;base64,", text)
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(images) == len(pngs) == 6  # weekly, long runs, timeline, dynamics, shoes, wellness (garmin_export)
    for png in out.glob("*.png"):
        pixels = mpimg.imread(png)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 500


def test_report_shows_every_planted_story(report):
    text = report[1]["report"].read_text(encoding="utf-8")
    # Each story's measure, as a cause or among the measures of the finding that gathers it.
    shown = re.findall(r"<b>([^<]+)</b>|<td>([^<]+)</td>|Measures: ([^<]+)</p>", text)
    named = {name.strip() for group in shown for part in group for name in part.split(",") if name.strip()}
    for cause in STORY_CAUSES:
        assert cause in named, cause
    for day in ("2026-07-13", "2026-08-08", "2026-08-23", "2026-09-07", "2026-09-14", "2026-10-03"):
        assert day in text, day
    assert "Not visible in watch data" in text and "physician" in text


def test_pdf_has_the_text_page_and_every_plot(report):
    data = report[1]["pdf"].read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == 7  # the text page and the six charts


@pytest.mark.parametrize(
    ("draw", "needle"),
    [
        (lambda ax: plots.weekly_distance(ax, pd.DataFrame(), [], "km"), "No runs"),
        (lambda ax: plots.long_runs(ax, pd.DataFrame(), "km"), "No runs"),
        (lambda ax: plots.dynamics_over_time(ax, pd.DataFrame(), "gct_ms"), "GPX files"),
        (lambda ax: plots.shoe_mileage(ax, None, "km"), "No shoe data"),
        (lambda ax: plots.cause_timeline(ax, [], "2026-01-01"), "No cause"),
    ],
)
def test_plots_without_data_say_why(draw, needle):
    fig, ax = plt.subplots()
    draw(ax)
    assert not ax.axison
    assert any(needle in t.get_text() for t in ax.texts)
    plt.close(fig)


def test_units_follow_the_option(sample_history):
    result = analyze(sample_history, units="mi")
    fig, ax = plt.subplots()
    plots.weekly_distance(ax, result.context.weekly, result.timeline, "mi")
    assert "[mi]" in ax.get_ylabel()
    plt.close(fig)


def test_terminal_colour_only_on_a_terminal(sample_history, tmp_path):
    cache = sample_history.cache.layout.root
    args = ["analyze", str(SAMPLE / "activities"), "--out", str(tmp_path), "--cache", str(cache)]
    plain = CliRunner().invoke(main, args, color=False)
    assert plain.exit_code == 0 and "\x1b[" not in plain.output
    coloured = CliRunner().invoke(main, args, color=True)
    assert "\x1b[" in coloured.output
    assert plain.output.rstrip().splitlines()[-1].startswith("Report: ")


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROBE = """<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length;
  const net = performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:'));
  document.body.setAttribute('data-images', imgs.length);
  document.body.setAttribute('data-bad', bad);
  document.body.setAttribute('data-net', net.join(' '));
});
</script>"""


def test_report_in_a_real_browser(report, tmp_path):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("headless Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    page = tmp_path / "report.html"
    page.write_text(report[1]["report"].read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"))
    run = subprocess.run(
        [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=10000",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = run.stdout
    assert 'data-images="6"' in dom, run.stderr[-2000:]
    assert 'data-bad="0"' in dom, "an image did not decode"
    assert 'data-net=""' in dom, "the page made network requests"
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-screenshot.png"
    subprocess.run(
        [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile2'}",
            "--window-size=1200,9000",
            "--hide-scrollbars",
            f"--screenshot={shot}",
            report[1]["report"].as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert mpimg.imread(shot).shape[0] == 9000


def test_the_notebook_runs(sample_history):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(ROOT / "notebooks" / "heavy_legs.ipynb", as_version=4)
    os.environ["HEAVYLEGS_CACHE"] = str(sample_history.cache.layout.root)  # warm: nothing to decode
    try:
        client = nbclient.NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
        )
        client.execute()
    finally:
        os.environ.pop("HEAVYLEGS_CACHE", None)
    outputs = "".join(str(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "running_form" in outputs and "ground_contact" in outputs and "worn_shoes" in outputs
    assert Path(ROOT / "notebooks").is_dir()


def _gpx_only_analysis():
    """A history of GPX runs without dynamics, shoes or findings: 5 km every other day."""
    from tests.fakes import FakeHistory, on_days

    return analyze(FakeHistory(on_days([(2 * d, 5000.0) for d in range(30)], format="gpx")))


def test_charts_with_nothing_to_show_are_left_out_with_one_line_each(tmp_path):
    from analyzer.report import charts

    analysis = _gpx_only_analysis()
    data = charts.plot_data(analysis)
    assert charts.not_drawn(data) == {
        "dynamics": charts.NO_DYNAMICS,
        "shoes": charts.NO_SHOES,
        "timeline": charts.NO_CAUSE,
        "wellness": charts.NO_WELLNESS,
    }
    (tmp_path / "dynamics.png").write_bytes(b"stale")  # a chart of an earlier report into the same folder
    written = write_report(analysis, tmp_path)
    text = written["report"].read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["long_runs.png", "weekly.png"]
    assert text.count("<figure") == 2
    assert "<b>Running dynamics</b> not drawn: no run recorded running dynamics" in text
    assert "<b>Shoe mileage</b> not drawn: no shoe data" in text


def test_the_dynamics_chart_draws_only_the_metrics_recorded():
    from analyzer import columns as C
    from analyzer.report import charts, draw

    n = 10
    form = charts.Table(
        {
            C.START_LOCAL: pd.date_range("2026-01-01", periods=n, freq="2D").to_numpy(),
            C.form_column(C.MEDIAN, C.FORM_CADENCE_SPM): [170.0 + i for i in range(n)],
            C.form_column(C.MEDIAN, C.FORM_GCT_MS): [float("nan")] * n,
        }
    )
    data = charts.PlotData(spikes=charts.Table({}), form=form, shoes=None, as_of="2026-01-20")
    fig = draw.draw(data, "dynamics")
    assert [ax.get_title() for ax in fig.axes if ax.axison] == ["Cadence per run (bands: population percentiles)"]
    assert charts.partly_missing(data) == {
        "dynamics": "Not recorded on any run, so not drawn: ground contact time, vertical oscillation, vertical ratio."
    }


def test_legends_sit_above_the_plot_and_cover_no_data(sample_history):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from analyzer.report import charts, draw

    data = charts.plot_data(analyze(sample_history, shoes=SAMPLE / "shoes.csv"))
    for stem in charts.to_draw(data, [s for s, _ in charts.FIGURES]):
        fig = draw.draw(data, stem)
        renderer = FigureCanvasAgg(fig).get_renderer()
        for ax in fig.axes:
            legend = ax.get_legend()
            if legend is None:
                continue
            box = legend.get_window_extent(renderer)
            plot = ax.get_window_extent(renderer)
            assert box.y0 >= plot.y1 - 1, (stem, "legend over the plot area")
            assert box.y1 <= ax.title.get_window_extent(renderer).y0 + 1, (stem, "legend over the title")


def test_the_report_says_what_the_analysis_used():
    from analyzer.report.model import inputs_used
    from tests.fakes import FakeHistory, activities, activity

    rows = [activity(2 * d, 5000.0, i=d, format="gpx") for d in range(10)]
    rows += [
        activity(1, 30000.0, i=99, prefix="b", sport="cycling", hours=1.5),
        activity(3, 20000.0, i=97, prefix="b", sport="cycling", hours=1.0),
        activity(5, 3000.0, i=96, prefix="w", sport="walking"),
        activity(40, 5000.0, i=98),
    ]
    analysis = analyze(FakeHistory(activities(rows)), as_of="2024-01-19")
    lines = inputs_used(analysis)
    assert lines[0] == "10 runs from 01 Jan 2024 to 19 Jan 2024 (10 GPX)."
    # 1.5 h + 1.0 h of cycling: 2.5 h; the walk is no training session.
    assert lines[1].startswith(
        "2 other-sport sessions (2 cycling; 2.5 h): counted beside the running as hours and TRIMP"
    )
    assert lines[2] == "Not counted as training: 1 walking."
    assert lines[3] == "1 activity after 19 Jan 2024 (the analysis date) is not used."
