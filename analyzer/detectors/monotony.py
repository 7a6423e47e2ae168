"""Monotony: the same load day after day at one of the runner's highest strains."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import FOSTER
from .load_rules import judged

#: A week's strain counts as high above this percentile of the runner's own weekly
#: strains (heavylegs convention; Foster 1998 relates illness to strain peaks).
STRAIN_PERCENTILE = 90.0
#: Fewest weeks with a strain before the runner's own percentile means anything
#: (heavylegs convention: about a month).
MIN_STRAIN_WEEKS = 4
#: Strength grows from the warning level to full one unit above it (heavylegs convention).
MONOTONY_SCORE_SPAN = 1.0


class Monotony(Detector, id="monotony", category="overtraining", rank=5, needs=("runs",)):
    thresholds = (
        Threshold("monotony (critical)", load.MONOTONY_CRITICAL, "", FOSTER),
        Threshold("monotony (warning)", load.MONOTONY_WARN, "", FOSTER),
        Threshold("high strain", f"> P{STRAIN_PERCENTILE:g} of own weeks", "", "heavylegs convention on Foster 1998"),
    )
    advice = "Vary the load: alternate hard and easy days and keep real rest days."
    description = "Weekly monotony (mean/SD of daily distance) >= 1.5 together with strain above the runner's own 90th percentile."

    def detect(self, ctx):
        w = ctx.weekly
        strain = w[C.STRAIN].dropna() if len(w) else pd.Series(dtype=float)
        if len(strain) < MIN_STRAIN_WEEKS:
            return self.skipped("fewer than 4 complete weeks with varied daily load")
        high_strain = float(np.percentile(strain, STRAIN_PERCENTILE))
        flagged = (w[C.MONOTONY] >= load.MONOTONY_WARN) & (w[C.STRAIN] >= high_strain)
        # Monotony of a week of a few runs is evidence at most (load_rules.judged).
        return [
            judged(self._finding(ctx, week, r, high_strain), ctx, min(week + pd.Timedelta(days=6), ctx.as_of_ts))
            for week, r in w[flagged].iterrows()
        ]

    def _finding(self, ctx, week: pd.Timestamp, r: pd.Series, high_strain: float):
        severity = "medium" if r[C.MONOTONY] >= load.MONOTONY_CRITICAL else "low"
        day = iso(week)
        ev = [
            Evidence("monotony", rounded(r[C.MONOTONY], 2), "", f">= {load.MONOTONY_WARN}", day, FOSTER),
            Evidence(
                "strain", round(ctx.dist(r[C.STRAIN]), 1), ctx.units, f">= {ctx.dist(high_strain):.1f}", day, FOSTER
            ),
        ]
        msg = (
            f"The week of {week:%d %b %Y} was monotonous (monotony {r[C.MONOTONY]:.2f}) at one of your highest "
            "strains: the same load day after day without easy days."
        )
        end = min(week + pd.Timedelta(days=6), ctx.as_of_ts)
        strength = exceedance(r[C.MONOTONY], load.MONOTONY_WARN, MONOTONY_SCORE_SPAN)
        return self.finding(ctx, severity, strength, week, end, ev, msg, brief=f"monotony {r[C.MONOTONY]:.2f}")
