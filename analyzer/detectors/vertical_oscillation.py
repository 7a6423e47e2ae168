"""Vertical oscillation above the runner's own pace-adjusted baseline."""

from __future__ import annotations

from ..features import dynamics
from .form_signal import FormSignal


class VerticalOscillation(FormSignal, id="vertical_oscillation", rank=2, needs=("vertical_oscillation",)):
    metric, label, unit, sign, band_col = "vo_mm", "vertical oscillation", "mm", 1.0, "band_vo"
    band_edges = dynamics.VO_BAND_EDGES_MM
    description = "Vertical oscillation well above the pace-adjusted baseline and rising, and/or in the worst bands."
