"""Distances at the edge: heavylegs works in metres and shows kilometres or miles."""

from __future__ import annotations

#: Metres in an international mile (exact by definition, 1959).
M_PER_MILE = 1609.344
#: Metres per unit shown at the edge (``--units``).
UNIT_M = {"km": 1000.0, "mi": M_PER_MILE}
