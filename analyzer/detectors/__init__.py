"""Detectors of the likely causes of heavy legs: one module per detector, each a small
class that registers itself when its module is imported (every module of this package
is imported here, so a new cause is one new file). See base.py for the framework,
needs.py for the data a detector may need, context.py for what they read, run.py for
running them all."""

from __future__ import annotations

import importlib
import pkgutil

from .base import CATEGORIES, LOOKBACK_DAYS, Detector, Evidence, Finding, Skipped, Threshold, registered
from .context import Context
from .not_detectable import NOT_DETECTABLE

#: Modules of this package that are the framework, not detectors.
FRAMEWORK = frozenset(
    {
        "base",
        "needs",
        "context",
        "run",
        "citations",
        "not_detectable",
        "form_signal",
        "load_rules",
        "consolidate",
        "heavy_days",
        "heavy_signals",
        "pattern",
        "consolidate_wellness",
        "wellness_rules",
    }
)

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in FRAMEWORK:
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "CATEGORIES",
    "LOOKBACK_DAYS",
    "NOT_DETECTABLE",
    "Context",
    "Detector",
    "Evidence",
    "Finding",
    "Skipped",
    "Threshold",
    "registered",
]
