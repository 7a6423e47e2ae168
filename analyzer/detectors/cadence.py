"""Cadence below the runner's own pace-adjusted baseline."""

from __future__ import annotations

from ..features import dynamics
from .base import Threshold
from .citations import BANDS_SOURCE, BASELINE_SOURCE
from .form_signal import MIN_EFFECT, Z_LIMIT, FormSignal


class Cadence(FormSignal):
    id = "cadence"
    rank = 3
    needs = ("cadence",)
    metric, label, unit, sign, band_col = "cadence_spm", "cadence", "steps/min", -1.0, "band_cadence"
    thresholds = (
        Threshold("worst bands", f"< {dynamics.CADENCE_BAND_EDGES_SPM[2]:g}", "steps/min", BANDS_SOURCE),
        Threshold(
            "below own baseline", f"z <= -{Z_LIMIT:g} and -{MIN_EFFECT['cadence_spm']:g}", "steps/min", BASELINE_SOURCE
        ),
    )
    description = "Cadence well below the pace-adjusted baseline and falling, and/or in the worst bands."
