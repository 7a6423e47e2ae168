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
    assert len(images) == len(pngs) == 5
    for png in out.glob("*.png"):
        pixels = mpimg.imread(png)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 500


def test_report_shows_every_planted_story(report):
    text = report[1]["report"].read_text(encoding="utf-8")
    for cause in STORY_CAUSES:
        assert f"<b>{cause}</b>" in text or f"<td>{cause}</td>" in text, cause
    for day in ("2026-07-13", "2026-08-08", "2026-08-23", "2026-09-07", "2026-09-14", "2026-10-03"):
        assert day in text, day
    assert "Not visible in watch data" in text and "physician" in text


def test_pdf_has_the_text_page_and_every_plot(report):
    data = report[1]["pdf"].read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == 6


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
    assert 'data-images="5"' in dom, run.stderr[-2000:]
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
    assert "ground_contact" in outputs and "worn_shoes" in outputs
    assert Path(ROOT / "notebooks").is_dir()
