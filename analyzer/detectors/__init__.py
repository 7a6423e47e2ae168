"""Detectors of the likely causes of heavy legs: one small class per cause, grouped
by category in overtraining.py, others.py (performance, strength, heat, weight) and
form.py (form and shoes). Adding a cause is one class here plus one test."""

from __future__ import annotations

from .base import CATEGORIES, LOOKBACK_DAYS, Detector, Evidence, Finding, Skipped, Threshold
from .context import Context
from .form import Cadence, GroundContact, VerticalOscillation, WornShoes
from .not_detectable import NOT_DETECTABLE
from .others import DecliningPerformance, HeatDehydration, StrengthLoad, WeightGain
from .overtraining import AcuteLoad, Comeback, LongRunSpike, MileageJump, Monotony

DETECTORS: tuple[type[Detector], ...] = (
    MileageJump,
    AcuteLoad,
    LongRunSpike,
    Comeback,
    Monotony,
    DecliningPerformance,
    GroundContact,
    VerticalOscillation,
    Cadence,
    WornShoes,
    StrengthLoad,
    HeatDehydration,
    WeightGain,
)

__all__ = [
    "CATEGORIES",
    "DETECTORS",
    "LOOKBACK_DAYS",
    "NOT_DETECTABLE",
    "Context",
    "Detector",
    "Evidence",
    "Finding",
    "Skipped",
    "Threshold",
]
