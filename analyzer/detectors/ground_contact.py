"""Ground contact time above the runner's own pace-adjusted baseline."""

from __future__ import annotations

from ..features import dynamics
from .base import Threshold
from .citations import BANDS_SOURCE, BASELINE_SOURCE
from .form_signal import MIN_EFFECT, Z_LIMIT, FormSignal


class GroundContact(FormSignal):
    id = "ground_contact"
    rank = 1
    needs = ("ground_contact",)
    metric, label, unit, sign, band_col = "gct_ms", "ground contact time", "ms", 1.0, "band_gct"
    thresholds = (
        Threshold("worst bands", f"> {dynamics.GCT_BAND_EDGES_MS[2]:g}", "ms", BANDS_SOURCE),
        Threshold("above own baseline", f"z >= {Z_LIMIT:g} and +{MIN_EFFECT['gct_ms']:g}", "ms", BASELINE_SOURCE),
    )
    description = (
        "Ground contact time well above the runner's own pace-adjusted baseline and rising, and/or in the worst bands."
    )
