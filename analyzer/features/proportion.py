"""A share and its confidence interval: how often a signal was present, out of the days
that had data on it."""

from __future__ import annotations

import math
from statistics import NormalDist

#: The confidence level of the intervals heavylegs shows (95 %, the usual level).
CONFIDENCE = 0.95
WILSON_SOURCE = "Wilson EB. J Am Stat Assoc 1927;22:209 (score interval)"


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """The Wilson score interval of a share of ``k`` out of ``n`` (Wilson 1927), as
    (lower, upper) in 0-1; None when ``n`` is 0. Unlike the normal approximation it
    stays inside 0-1 and is honest for small ``n`` and for shares near 0 or 1:

        centre = (k + z²/2) / (n + z²)
        half   = z / (n + z²) * sqrt(k (n - k) / n + z²/4)

    with z the standard normal quantile of (1 + confidence) / 2 (1.96 for 95 %)."""
    if n <= 0:
        return None
    if not 0 <= k <= n:
        raise ValueError(f"k = {k} is not between 0 and n = {n}")
    z = NormalDist().inv_cdf((1.0 + confidence) / 2.0)
    z2 = z * z
    centre = (k + z2 / 2.0) / (n + z2)
    half = z / (n + z2) * math.sqrt(k * (n - k) / n + z2 / 4.0)
    return max(0.0, centre - half), min(1.0, centre + half)
