"""Features: pure functions over the activity and sample tables (frames in, frames out).

load.py      weekly volume, acute:chronic load, long-run spikes, comebacks, monotony,
             efficiency and decoupling, strength sessions (issue 4)
dynamics.py  per-run form summaries, population bands, pace-adjusted baseline, drift (issue 5)
shoes.py     mileage per pair of shoes (issue 5)
bands.py     the published bands and limits the report's charts draw (no pandas)
"""

from __future__ import annotations

from ..lazy import lazy_exports

# Loaded on first use (PEP 562): bands.py must be importable without pandas.
_PUBLIC = {
    "form_bands": ".dynamics",
    "form_drift": ".dynamics",
    "form_summary": ".dynamics",
    "pace_adjusted_form": ".dynamics",
    "ShoeMileage": ".shoes",
    "assign_shoes": ".shoes",
    "form_vs_shoe_mileage": ".shoes",
    "gear_mileage": ".shoes",
    "shoe_mileage": ".shoes",
}

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
