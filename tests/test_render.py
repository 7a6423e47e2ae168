"""The report's figures drawn three ways give the same bytes: in this process, by the
helper process (with its forked copies), and taken from the chart cache. A helper that
fails, a copy that fails, or a changed input never changes what the report shows."""

from __future__ import annotations

import os
import sys
from dataclasses import replace

import pandas as pd
import pytest

from analyzer.cache.charts import PNG_SIGNATURE, ChartStore
from analyzer.detectors import Context
from analyzer.detectors.run import analyze, run_detectors
from analyzer.report import charts, draw, fork
from analyzer.report.helper import Renderer
from analyzer.report.kept_charts import KeptCharts
from tests.conftest import SAMPLE

ALL_STEMS = [stem for stem, _ in charts.FIGURES]


def _early(data: charts.PlotData) -> charts.PlotData:
    """What `Renderer.begin` gets: the inputs of the charts that show no finding."""
    return replace(data, weekly=None, spans=[], text_lines=[])


@pytest.fixture(scope="module")
def analysis(sample_history):
    return analyze(sample_history, shoes=SAMPLE / "shoes.csv")


@pytest.fixture(scope="module")
def data(analysis):
    return charts.plot_data(analysis)


@pytest.fixture(scope="module")
def stems(data):
    """The charts the sample season draws, in report order (the wellness chart only when
    it has wellness data)."""
    return charts.to_draw(data, ALL_STEMS)


@pytest.fixture(scope="module")
def reference(data):
    """Every chart drawn in this process, one after another."""
    return draw.render(data).pngs()


def test_in_process_render_draws_every_chart_as_png(reference, stems):
    assert list(reference) == stems
    assert all(image.startswith(PNG_SIGNATURE) for image in reference.values())


def test_helper_draws_the_same_bytes(sample_history, data, reference):
    ctx = Context(sample_history, shoes=SAMPLE / "shoes.csv")
    with Renderer() as renderer:
        renderer.begin(charts.context_plot_data(ctx))  # the charts without findings start early
        analysis = run_detectors(ctx)
        got = renderer.render(charts.plot_data(analysis))
    assert renderer.fallback is None
    assert got.pngs() == reference


def test_helper_without_begin_draws_the_same_bytes(data, reference):
    with Renderer() as renderer:
        got = renderer.render(data)
    assert renderer.fallback is None
    assert got.pngs() == reference


@pytest.mark.skipif(not fork.can_fork(), reason="needs fork() and two cores")
def test_forked_copies_draw_the_same_bytes(data, reference, stems):
    assert fork.render_forked(data, set(stems)).pngs() == reference


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_failed_copy_is_drawn_here(data, reference):
    pid = os.fork()
    if pid == 0:
        os._exit(3)  # a copy that dies before drawing anything
    read_end, write_end = os.pipe()
    os.close(write_end)
    got = fork.collect_charts((pid, read_end), data, ("dynamics",))
    assert got == {"dynamics": reference["dynamics"]}


def test_a_failed_helper_falls_back_to_drawing_here(data, reference):
    with Renderer(command=[sys.executable, "-c", "import sys; sys.exit(3)"]) as renderer:
        got = renderer.render(data)
    assert renderer.fallback == "helper exited with status 3"
    assert got.pngs() == reference


def test_a_helper_that_cannot_start_falls_back(data, reference, tmp_path):
    with Renderer(command=[str(tmp_path / "no-such-program")]) as renderer:
        got = renderer.render(data)
    assert renderer.fallback.startswith("helper not started")
    assert got.pngs() == reference


def test_an_unrelated_analyzer_folder_where_the_command_runs_is_not_imported(data, reference, tmp_path, monkeypatch):
    (tmp_path / "analyzer").mkdir()
    (tmp_path / "analyzer" / "__init__.py").write_text("raise ImportError('the wrong analyzer')\n")
    monkeypatch.chdir(tmp_path)
    with Renderer() as renderer:
        got = renderer.render(data)
    assert renderer.fallback is None
    assert got.pngs() == reference


def test_the_pdf_through_the_helper(data, stems):
    with Renderer() as renderer:
        got = renderer.render(data, pdf=True)
    assert renderer.fallback is None
    assert got.pdf.startswith(b"%PDF") and len(got.images) == len(stems)


def test_kept_charts_are_reused_and_identical(data, reference, tmp_path, stems):
    cache = KeptCharts(ChartStore(tmp_path))
    with Renderer() as first:
        first.begin(_early(data), cache=cache)
        drawn = first.render(data)
    assert first.reused == [] and drawn.pngs() == reference
    assert sorted(p.name.split("-")[0] for p in cache.dir.glob("*.png")) == sorted(stems)

    with Renderer() as second:
        second.begin(_early(data), cache=cache)
        kept = second.render(data)
    assert sorted(second.reused) == sorted(stems)  # nothing drawn: the helper was stopped
    assert second.fallback is None
    assert kept.pngs() == reference


def test_a_changed_input_draws_its_charts_again(data, tmp_path, stems):
    cache = KeptCharts(ChartStore(tmp_path))
    with Renderer() as first:
        first.begin(_early(data), cache=cache)
        first.render(data)
    in_miles = replace(data, units="mi")
    with Renderer() as second:
        second.begin(_early(in_miles), cache=cache)
        got = second.render(in_miles)
    # The distance charts change with the units; dynamics, the timeline and wellness do not.
    assert sorted(second.reused) == sorted({"dynamics", "timeline"} | ({"wellness"} & set(stems)))
    assert got.pngs() == draw.render(in_miles).pngs()
    # One PNG per chart is kept: the kilometre versions were replaced.
    assert len(list(cache.dir.glob("*.png"))) == len(stems)


def _head(table: charts.Table, stop: int) -> charts.Table:
    return charts.Table({name: col[:stop] for name, col in table.columns.items()})


def test_chart_keys_follow_every_input(data, stems):
    cache = KeptCharts.__new__(KeptCharts)
    cache._code = "code"
    keys = {stem: cache.key(data, stem) for stem in stems}
    one_less = replace(data, form=_head(data.form, -1), spikes=_head(data.spikes, -1))
    assert cache.key(one_less, "dynamics") != keys["dynamics"]
    nudged = charts.Table(dict(data.form.columns))
    nudged.columns["median_gct_ms"] = data.form["median_gct_ms"].copy()
    nudged.columns["median_gct_ms"][-1] += 1.0  # one run's ground contact time, 1 ms more
    assert cache.key(replace(data, form=nudged), "dynamics") != keys["dynamics"]
    assert cache.key(one_less, "long_runs") != keys["long_runs"]
    assert cache.key(one_less, "weekly") == keys["weekly"]
    later = replace(data, as_of=data.as_of + pd.Timedelta(days=1))
    assert cache.key(later, "timeline") != keys["timeline"]
    fewer = replace(data, spans=data.spans[1:])
    assert cache.key(fewer, "weekly") != keys["weekly"] and cache.key(fewer, "timeline") != keys["timeline"]
    cache._code = "other code"
    assert all(cache.key(data, stem) != keys[stem] for stem in stems)


def test_a_damaged_kept_chart_is_drawn_again(data, reference, tmp_path):
    cache = KeptCharts(ChartStore(tmp_path))
    with Renderer() as first:
        first.begin(_early(data), cache=cache)
        first.render(data)
    (kept,) = cache.dir.glob("dynamics-*.png")
    kept.write_bytes(b"not a png")
    with Renderer() as second:
        second.begin(_early(data), cache=cache)
        got = second.render(data)
    assert "dynamics" not in second.reused
    assert got.pngs() == reference


def test_kept_charts_are_used_without_a_helper(data, reference, tmp_path, stems):
    cache = KeptCharts(ChartStore(tmp_path))
    with Renderer() as first:
        first.begin(_early(data), cache=cache)
        first.render(data)
    with Renderer(command=[str(tmp_path / "no-such-program")]) as second:
        second.begin(_early(data), cache=cache)
        got = second.render(data)
    assert sorted(second.reused) == sorted(stems)
    assert got.pngs() == reference


HELPER_WITHOUT_PANDAS = """
import pickle, sys
from analyzer.report import draw, helper
data = pickle.load(sys.stdin.buffer)
helper._warm_up()
images = draw.render(data).pngs()
sys.stdout.write(f"{sorted(images)} {'pandas' in sys.modules}")
"""


def test_the_helper_draws_without_pandas(data, stems):
    """The helper's CPU goes to drawing: the chart data and plots.py need no pandas."""
    import pickle
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", HELPER_WITHOUT_PANDAS], input=pickle.dumps(data), capture_output=True, check=True
    )
    assert done.stdout.decode() == f"{sorted(stems)} False"


def test_tables_hold_plain_numpy_values():
    frame = pd.DataFrame(
        {
            "start_local": pd.to_datetime(["2026-01-05 07:00", "2026-01-06 18:30"]),
            "runs": pd.array([3, None], dtype="Int64"),
            "band": pd.array(["> 30 %", None], dtype="string"),
        },
        index=pd.to_datetime(["2026-01-05", "2026-01-12"]),
    )
    table = charts.Table.of(frame, ["start_local", "runs", "band", "missing"], index=True)
    assert list(table.columns) == ["start_local", "runs", "band"] and len(table) == 2
    assert table["start_local"].dtype == "datetime64[ns]"
    assert table["start_local"][1] == pd.Timestamp("2026-01-06 18:30").to_datetime64()
    assert table["runs"][0] == 3.0 and pd.isna(table["runs"][1]) and table["runs"].dtype == float
    assert table["band"].tolist() == ["> 30 %", None]
    assert (table.index == frame.index.to_numpy()).all()


def test_a_renderer_asked_to_draw_here_starts_no_helper_and_draws_the_same_bytes(data, reference):
    with Renderer(start=False) as renderer:
        assert renderer._proc is None  # no helper process was started
        renderer.begin(_early(data))
        got = renderer.render(data)
    assert renderer.fallback == Renderer.IN_PROCESS
    assert got.pngs() == reference
