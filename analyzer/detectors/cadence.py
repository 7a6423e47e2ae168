"""Cadence below the runner's own pace-adjusted baseline."""

from __future__ import annotations

from .. import columns as C
from ..features import dynamics
from .form_signal import FormSignal


class Cadence(FormSignal, id="cadence", rank=3, needs=("cadence",)):
    metric, label, unit, sign, band_col = C.FORM_CADENCE_SPM, "cadence", "steps/min", -1.0, C.BAND_CADENCE
    band_edges = dynamics.CADENCE_BAND_EDGES_SPM
    description = "Cadence well below the pace-adjusted baseline and falling, and/or in the worst bands."
