"""Vertical oscillation above the runner's own pace-adjusted baseline."""

from __future__ import annotations

from .. import columns as C
from ..features import dynamics
from .form_signal import FormSignal


class VerticalOscillation(FormSignal, id="vertical_oscillation", rank=2, needs=("vertical_oscillation",)):
    metric, label, unit, sign, band_col = C.FORM_VO_MM, "vertical oscillation", "mm", 1.0, C.BAND_VO
    band_edges = dynamics.VO_BAND_EDGES_MM
    description = "Vertical oscillation well above the pace-adjusted baseline and rising, and/or in the worst bands."
