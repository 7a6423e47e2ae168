"""Ground contact time above the runner's own pace-adjusted baseline."""

from __future__ import annotations

from ..features import dynamics
from .form_signal import FormSignal


class GroundContact(FormSignal, id="ground_contact", rank=1, needs=("ground_contact",)):
    metric, label, unit, sign, band_col = "gct_ms", "ground contact time", "ms", 1.0, "band_gct"
    band_edges = dynamics.GCT_BAND_EDGES_MS
    description = (
        "Ground contact time well above the runner's own pace-adjusted baseline and rising, and/or in the worst bands."
    )
