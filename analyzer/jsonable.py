"""One converter from what the tables and findings hold to plain JSON values."""

from __future__ import annotations

import math


def jsonable(value):
    """``value`` with every NaN, infinity, NaT and None as None, timestamps as ISO 8601,
    numpy scalars as Python numbers, recursively through dicts, lists and tuples."""
    if value is None:
        return None
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if type(value).__name__ == "NaTType":
        return None
    if hasattr(value, "isoformat") and hasattr(value, "tz_localize"):  # a pandas Timestamp
        return value.isoformat()
    if hasattr(value, "item"):
        return jsonable(value.item())
    return value
