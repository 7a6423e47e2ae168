"""Vertical oscillation above the runner's own pace-adjusted baseline."""

from __future__ import annotations

from ..features import dynamics
from .base import Threshold
from .citations import BANDS_SOURCE, BASELINE_SOURCE
from .form_signal import MIN_EFFECT, Z_LIMIT, FormSignal


class VerticalOscillation(FormSignal):
    id = "vertical_oscillation"
    rank = 2
    needs = ("vertical_oscillation",)
    metric, label, unit, sign, band_col = "vo_mm", "vertical oscillation", "mm", 1.0, "band_vo"
    thresholds = (
        Threshold("worst bands", f"> {dynamics.VO_BAND_EDGES_MM[2]:g}", "mm", BANDS_SOURCE),
        Threshold("above own baseline", f"z >= {Z_LIMIT:g} and +{MIN_EFFECT['vo_mm']:g}", "mm", BASELINE_SOURCE),
    )
    description = "Vertical oscillation well above the pace-adjusted baseline and rising, and/or in the worst bands."
