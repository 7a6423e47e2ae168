"""Distances at the edge: heavylegs works in metres and shows kilometres or miles."""

from __future__ import annotations

#: Metres in a kilometre.
M_PER_KM = 1000.0
#: Metres in an international mile (exact by definition, 1959).
M_PER_MILE = 1609.344
#: Metres per unit shown at the edge (``--units``).
UNIT_M = {"km": M_PER_KM, "mi": M_PER_MILE}
