"""The report's colours, chosen to stay apart for readers with colour-vision deficiency.

Severity (the findings' borders on the page, the weekly bars of load findings, the cause
timeline, the long-run spike bands) uses three colours of Okabe and Ito's palette, and
the running-dynamics population bands five of Paul Tol's diverging "sunset" scheme, at
half strength over white (pale backgrounds behind the runs). tests/test_palette.py
simulates deuteranopia and protanopia (Machado et al. 2009, via colorspacious) and holds
every neighbouring pair to a minimum colour difference; README "The report" lists them.

Plain constants, no import: the figure helper, the page and the squad page share them.
"""

from __future__ import annotations

#: Okabe M, Ito K. Color Universal Design (CUD): how to make figures and presentations
#: that are friendly to colorblind people. J*Fly, 2002 (jfly.uni-koeln.de/color): eight
#: colours that stay distinct under the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Severity, worst first: vermillion, orange, yellow (Okabe & Ito), ordered in lightness
#: as well as hue, so that the order reads in grey too.
SEVERITY_COLOURS = {
    "high": OKABE_ITO["vermillion"],
    "medium": OKABE_ITO["orange"],
    "low": OKABE_ITO["yellow"],
}
#: The long-run chart's Frandsen bands (features.load.spikes.SPIKE_BANDS over 10 %) in the
#: severity colours, lowest risk to highest: the runs the chart marks.
SPIKE_BAND_COLOURS = {
    ">10-30%": SEVERITY_COLOURS["low"],
    ">30-100%": SEVERITY_COLOURS["medium"],
    ">100%": SEVERITY_COLOURS["high"],
}
#: A week of the weekly chart without a load finding (Okabe & Ito's sky blue).
NORMAL_WEEK = OKABE_ITO["sky_blue"]

#: Tol P. Colour Schemes. SRON technical note SRON/EPS/TN/09-002, issue 3.2, 2021
#: (personal.sron.nl/~pault): the diverging scheme "sunset", designed to stay readable
#: for colour-blind readers and in grey. The five used here, best band to worst.
TOL_SUNSET_BANDS = ("#4A7BB7", "#98CAE1", "#EAECCC", "#FDB366", "#DD3D2D")
#: How strongly the bands are drawn: each colour mixed with this share of itself over
#: white (heavylegs convention: pale enough for the runs' dark points to read on every
#: band, strong enough that neighbouring bands stay apart under deuteranopia and
#: protanopia, see tests/test_palette.py).
BAND_STRENGTH = 0.5


def over_white(colour: str, strength: float) -> str:
    """``colour`` ('#RRGGBB') drawn at ``strength`` (0-1) over white, as an opaque colour."""
    rgb = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(strength * c + (1 - strength) * 255):02X}" for c in rgb)


#: The running-dynamics population bands as drawn (opaque), best to worst: Garmin's
#: purple, blue, green, orange and red zones (features.bands.BAND_NAMES) in that order.
BAND_FILL = tuple(over_white(c, BAND_STRENGTH) for c in TOL_SUNSET_BANDS)
#: The runs and the personal baseline over the bands.
RUN_POINTS = "#222222"
BASELINE_LINE = OKABE_ITO["blue"]
