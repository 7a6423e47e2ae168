"""Features: pure functions over the activity and sample tables (frames in, frames out).

load.py      weekly volume, acute:chronic load, long-run spikes, comebacks, monotony,
             efficiency and decoupling, strength sessions (issue 4)
dynamics.py  per-run form summaries, population bands, pace-adjusted baseline, drift (issue 5)
shoes.py     mileage per pair of shoes (issue 5)
"""

from .dynamics import form_bands, form_drift, form_summary, pace_adjusted_form
from .shoes import (
    ShoeFileError,
    ShoeMileage,
    assign_shoes,
    form_vs_shoe_mileage,
    gear_mileage,
    read_shoe_overrides,
    read_shoes_csv,
    shoe_mileage,
)

__all__ = [
    "ShoeFileError",
    "ShoeMileage",
    "assign_shoes",
    "form_bands",
    "form_drift",
    "form_summary",
    "form_vs_shoe_mileage",
    "gear_mileage",
    "pace_adjusted_form",
    "read_shoe_overrides",
    "read_shoes_csv",
    "shoe_mileage",
]
