"""The report's colours stay apart for readers with colour-vision deficiency.

Deuteranopia and protanopia are simulated with colorspacious (its "sRGB1+CVD" space, the
model of Machado, Oliveira & Fernandes, IEEE TVCG 2009;15:1291, at severity 100: the
dichromat), and colour differences are measured in CAM02-UCS (Luo, Cui & Li, Color Res
Appl 2006;31:320), where 1 unit is about one just-noticeable difference. The figures are
printed (pytest -s) and listed in README "The report"."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from analyzer.report import palette

#: The vision simulated: normal, and the two red-green dichromacies (together about 2 % of
#: men; deuteranomaly, the milder form, about 5 %: Birch, J Opt Soc Am A 2012;29:313).
VISIONS = {"normal": None, "deuteranopia": "deuteranomaly", "protanopia": "protanomaly"}
#: Least CAM02-UCS difference between two severity colours, or a severity colour and the
#: weekly chart's normal weeks, under every vision (heavylegs convention: a dozen
#: just-noticeable differences, room for uncalibrated screens and small marks, where the
#: needed difference grows as marks shrink: Stone, Szafir & Setlur, Color and Imaging
#: Conference 2014).
MIN_SEVERITY_DELTA_E = 12.0
#: Least difference between neighbouring population bands of the dynamics chart (large
#: areas, behind the runs: heavylegs convention, eight just-noticeable differences).
MIN_BAND_DELTA_E = 8.0


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0


def seen(colour: str, vision: str | None) -> np.ndarray:
    """``colour`` as a reader with ``vision`` sees it (sRGB 0-1)."""
    if vision is None:
        return rgb(colour)
    space = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
    return np.clip(cspace_convert(rgb(colour), space, "sRGB1"), 0, 1)


def differences(pairs) -> list[tuple[str, str, dict[str, float]]]:
    """(colour, colour, {vision: CAM02-UCS difference}) per pair."""
    return [
        (a, b, {name: float(deltaE(seen(a, v), seen(b, v), input_space="sRGB1")) for name, v in VISIONS.items()})
        for a, b in pairs
    ]


def _print(title: str, rows) -> None:
    print(f"\n{title} (CAM02-UCS difference: normal / deuteranopia / protanopia)")
    for a, b, d in rows:
        print(f"  {a} vs {b}: " + " / ".join(f"{d[name]:.1f}" for name in VISIONS))


def test_severity_colours_stay_apart():
    colours = [*palette.SEVERITY_COLOURS.values(), palette.NORMAL_WEEK]
    rows = differences(itertools.combinations(colours, 2))
    _print("Severity colours and the weekly chart's normal weeks", rows)
    for a, b, d in rows:
        for name, value in d.items():
            assert value >= MIN_SEVERITY_DELTA_E, (a, b, name, round(value, 1))


def test_neighbouring_band_colours_stay_apart():
    bands = palette.BAND_FILL
    assert len(bands) == 5
    rows = differences(zip(bands, bands[1:], strict=False))
    _print("Running-dynamics population bands, neighbours, as drawn", rows)
    for a, b, d in rows:
        for name, value in d.items():
            assert value >= MIN_BAND_DELTA_E, (a, b, name, round(value, 1))


def test_the_simulation_is_the_dichromats():
    """The simulation does what it claims: red and green that differ by far for normal vision
    nearly meet for a deuteranope (Machado 2009's classic confusion), and the old palette's
    orange and red population bands (at their 10 % opacity) were under 3 units apart."""
    red, green = "#D03A2F", "#5E8C31"
    normal = deltaE(seen(red, None), seen(green, None), input_space="sRGB1")
    deutan = deltaE(seen(red, "deuteranomaly"), seen(green, "deuteranomaly"), input_space="sRGB1")
    assert normal > 30 and deutan < normal / 3, (normal, deutan)
    old = [palette.over_white(c, 0.10) for c in ("#e67e22", "#e74c3c")]
    assert deltaE(seen(old[0], "deuteranomaly"), seen(old[1], "deuteranomaly"), input_space="sRGB1") < 3


def test_over_white_mixes_with_white():
    assert palette.over_white("#000000", 0.5) == "#808080"
    assert palette.over_white("#4A7BB7", 0.5) == "#A4BDDB"  # (0x4A + 0xFF) / 2 = 0xA4, ...
    assert palette.over_white("#D55E00", 1.0) == "#D55E00"


@pytest.fixture(scope="module")
def drawn(sample_history):
    from analyzer import analyze
    from analyzer.report import charts, draw
    from tests.conftest import SAMPLE

    data = charts.plot_data(analyze(sample_history, shoes=SAMPLE / "shoes.csv"))
    return {stem: draw.draw(data, stem) for stem in ("weekly", "dynamics", "timeline", "long_runs")}


def _hex(rgba) -> str:
    return "#" + "".join(f"{round(255 * c):02X}" for c in rgba[:3])


def test_the_charts_draw_these_colours(drawn):
    from matplotlib.collections import PolyCollection

    # Dynamics: the five bands behind each metric, in palette order (best to worst).
    ax = drawn["dynamics"].axes[0]
    spans = [p for p in ax.patches if p.get_zorder() == 0]
    assert {_hex(p.get_facecolor()) for p in spans} == set(palette.BAND_FILL)
    # Weekly: normal weeks and the weeks of the season's low and medium load findings.
    bars = next(c for c in drawn["weekly"].axes[0].collections if isinstance(c, PolyCollection))
    assert {_hex(c) for c in bars.get_facecolors()} == {
        palette.NORMAL_WEEK,
        palette.SEVERITY_COLOURS["low"],
        palette.SEVERITY_COLOURS["medium"],
    }
    # Timeline: every finding's bar in its severity's colour.
    lanes = [c for c in drawn["timeline"].axes[0].collections if isinstance(c, PolyCollection)]
    assert {_hex(c) for lane in lanes for c in lane.get_facecolors()} <= set(palette.SEVERITY_COLOURS.values())
    # Long runs: the Frandsen bands' marks in the severity colours.
    marks = {_hex(c) for coll in drawn["long_runs"].axes[0].collections for c in coll.get_facecolors()}
    assert {palette.SEVERITY_COLOURS["low"], palette.SEVERITY_COLOURS["medium"]} <= marks


def test_the_pages_use_the_palette():
    from analyzer.report.html import CSS
    from analyzer.squad.page import SQUAD_CSS

    for sev, colour in palette.SEVERITY_COLOURS.items():
        assert f".{sev}{{border-color:{colour}}}" in CSS
        assert f".squad td.sev-{sev}{{border-left-color:{colour}}}" in SQUAD_CSS
