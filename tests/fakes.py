"""A hand-built stand-in for analyzer.History: what Context reads from one."""

from __future__ import annotations

import pandas as pd

from analyzer import columns as C
from analyzer.features import per_run


class FakeHistory:
    """Activities, samples and weights given by the test; no gear, no shoe list."""

    def __init__(
        self, activities: pd.DataFrame, samples: pd.DataFrame | None = None, weights: pd.DataFrame | None = None
    ) -> None:
        self.activities = activities
        self._samples = (
            samples
            if samples is not None
            else pd.DataFrame(columns=[C.ACTIVITY_ID, C.TIMESTAMP, C.SPEED_M_S, C.HEART_RATE_BPM, C.TEMPERATURE_C])
        )
        self.weights = weights if weights is not None else pd.DataFrame(columns=[C.TIMESTAMP, C.WEIGHT_KG, C.SOURCE])
        self.files = []

    def load_samples(self, ids):
        return self._samples[self._samples[C.ACTIVITY_ID].isin(set(ids))]

    def run_features(self, ids):
        """What read_history caches per run, computed here from the samples."""
        runs = self.activities[self.activities[C.ACTIVITY_ID].isin(set(ids))]
        return per_run.features_from_samples(runs, self.load_samples(ids))
