"""Ground contact time above the runner's own pace-adjusted baseline."""

from __future__ import annotations

from .. import columns as C
from ..features import dynamics
from .form_signal import FormSignal


class GroundContact(FormSignal, id="ground_contact", rank=1, needs=("ground_contact",)):
    metric, label, unit, sign, band_col = C.FORM_GCT_MS, "ground contact time", "ms", 1.0, C.BAND_GCT
    band_edges = dynamics.GCT_BAND_EDGES_MS
    description = (
        "Ground contact time well above the runner's own pace-adjusted baseline and rising, and/or in the worst bands."
    )
