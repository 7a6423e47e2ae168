"""A made-up detector, added the way a newcomer adds a cause: this one module is all it
takes (tests/test_detector_registry.py imports it and shows it registered, listed and
skipped with the standard reason when its data is missing)."""

from __future__ import annotations

from analyzer.detectors.base import Detector, Evidence, Threshold, rounded

#: A made-up limit for a made-up signal (test convention, no study).
MADE_UP_GAIN_KG = 1.0


class MadeUpSignal(Detector):
    id = "made_up_signal"
    category = "weight"
    needs = ("body_mass",)
    thresholds = (Threshold("made-up gain", MADE_UP_GAIN_KG, "kg", "test convention: made up for a test"),)
    advice = "Nothing: this detector is made up for a test."
    description = "Body mass up by 1 kg or more between the first and the last reading (made up)."

    def detect(self, ctx):
        w = ctx.weights
        gain = float(w["weight_kg"].iloc[-1] - w["weight_kg"].iloc[0])
        if gain < MADE_UP_GAIN_KG:
            return []
        ev = [Evidence("gain", rounded(gain), "kg", f">= {MADE_UP_GAIN_KG:g} kg", None, self.thresholds[0].source)]
        first, last = w["timestamp"].iloc[0], w["timestamp"].iloc[-1]
        return [self.finding(ctx, "low", 0.0, first, last, ev, f"Up {gain:.1f} kg (a made-up signal).")]
