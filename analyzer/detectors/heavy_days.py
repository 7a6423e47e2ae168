"""The runner's own heavy-legs days: the runs they rated heavy, and how often each signal
of a cause was present on them against the other runs.

A run is heavy-rated when features.wellness.run_ratings says so (feel <= 25, RPE >= 8 at
an easy pace, or the diary's legs_heavy_0_10 >= 6). For each run up to the analysis date
every signal in SIGNALS is present (1), absent (0) or unknown (no data); the table counts,
per signal, the heavy-rated runs with it out of those with data, and the other runs
(every run not rated heavy, rated or not: a runner who rates only the bad days still
has a comparison; a heavy run left unrated only blurs the contrast) likewise, each share
with its 95 % Wilson interval. The table is shown from MIN_HEAVY_RUNS heavy-rated runs
on; pattern.py ranks the findings of an over-represented signal higher.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import columns as C
from ..features.proportion import WILSON_SOURCE, wilson_interval
from .heavy_signals import SIGNALS, Signal, run_signals
from .needs import NEEDS

#: Heavy-rated runs needed before the table is shown and the ranking uses it (heavylegs
#: convention, issue 17): with fewer, even a signal present on every heavy run has a
#: 95 % Wilson interval reaching down to 65 % (7 of 7), too wide to learn from.
MIN_HEAVY_RUNS = 8
NO_DATA = "no data"


@dataclass(frozen=True)
class SignalRow:
    """One row of the table: heavy-rated runs with the signal out of those with data on
    it, the same for the other runs, and each share's 95 % Wilson interval (None
    without data)."""

    signal: Signal
    heavy_with: int
    heavy_data: int
    other_with: int
    other_data: int

    @property
    def heavy_ci(self) -> tuple[float, float] | None:
        return wilson_interval(self.heavy_with, self.heavy_data)

    @property
    def other_ci(self) -> tuple[float, float] | None:
        return wilson_interval(self.other_with, self.other_data)

    @property
    def has_data(self) -> bool:
        return self.heavy_data + self.other_data > 0

    @property
    def over_represented(self) -> bool:
        """pattern.py's rule: at least MIN_HEAVY_RUNS heavy-rated runs with data on it,
        and the lower bound of their share above the upper bound of the other runs'."""
        if self.heavy_data < MIN_HEAVY_RUNS or self.other_data == 0:
            return False
        return self.heavy_ci[0] > self.other_ci[1]

    def as_dict(self) -> dict:
        s = self.signal
        out = {"signal": s.id, "label": s.label, "category": s.category, "threshold": s.threshold}
        out["source"] = s.source
        if not self.has_data:
            return {**out, "note": NO_DATA}
        return {
            **out,
            "heavy_with": self.heavy_with,
            "heavy_with_data": self.heavy_data,
            "heavy_share_ci95": _ci_list(self.heavy_ci),
            "other_with": self.other_with,
            "other_with_data": self.other_data,
            "other_share_ci95": _ci_list(self.other_ci),
            "over_represented": self.over_represented,
        }


def _ci_list(ci) -> list[float] | None:
    return None if ci is None else [round(ci[0], 4), round(ci[1], 4)]


@dataclass(frozen=True)
class HeavyRun:
    """A heavy-rated run: its day, distance [m], ratings, why it is heavy, and the
    signals present on it (SIGNALS ids)."""

    activity_id: str
    date: str
    distance_m: float
    feel: float
    rpe: float
    legs_heavy: float
    reason: str
    signals: tuple[str, ...]


@dataclass(frozen=True)
class HeavyDays:
    """The analysis of the runner's heavy-legs days.

    rated_runs : runs with a rating (feel, RPE or the diary's legs_heavy);
    runs : the heavy-rated runs, oldest first; rows : the table (empty under
    MIN_HEAVY_RUNS); note : what is said instead of, or before, the table.
    """

    rated_runs: int = 0
    runs: tuple[HeavyRun, ...] = ()
    rows: tuple[SignalRow, ...] = ()
    note: str = field(default_factory=lambda: NEEDS["ratings"].reason[0].upper() + NEEDS["ratings"].reason[1:] + ".")

    @property
    def over_represented(self) -> list[SignalRow]:
        return [r for r in self.rows if r.over_represented]

    def as_dict(self, dist) -> dict:
        """findings.json's heavy_days; ``dist`` turns metres into the report's units."""
        return {
            "rated_runs": self.rated_runs,
            "heavy_rated_runs": len(self.runs),
            "min_heavy_runs": MIN_HEAVY_RUNS,
            "note": self.note,
            "runs": [
                {
                    "date": r.date,
                    "activity_id": r.activity_id,
                    "distance": _num(round(dist(r.distance_m), 2)),
                    C.FEEL: _num(r.feel),
                    C.RPE: _num(r.rpe),
                    C.LEGS_HEAVY: _num(r.legs_heavy),
                    "reason": r.reason,
                    "signals": list(r.signals),
                }
                for r in self.runs
            ],
            "signals": [r.as_dict() for r in self.rows],
            "rule": PATTERN_RULE,
            "interval": WILSON_SOURCE,
        }


#: How the table ranks findings (pattern.py), as said in the report.
PATTERN_RULE = (
    f"A signal is part of your pattern when at least {MIN_HEAVY_RUNS} heavy-rated runs have data on it and the "
    "lower end of its 95 % interval on those runs lies above the upper end of its interval on your other runs; "
    "findings of its kind then rank one severity step higher."
)


def _num(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def has_ratings(ctx) -> bool:
    """Whether any run up to the analysis date has a feel or RPE, or any day a diary
    legs_heavy (cheap: without computing ctx.ratings)."""
    runs = ctx.runs
    rated = any(col in runs and bool(runs[col].notna().any()) for col in (C.FEEL, C.RPE))
    return rated or ctx.has_wellness(C.LEGS_HEAVY)


def heavy_rated(ctx) -> pd.DataFrame:
    """ctx.ratings' heavy-rated rows with the run's distance (empty without ratings)."""
    if not has_ratings(ctx):
        return pd.DataFrame({"activity_id": [], "date": pd.Series([], dtype="datetime64[ns]"), C.DISTANCE_M: []})
    r = ctx.ratings.assign(**{C.DISTANCE_M: ctx.runs[C.DISTANCE_M].to_numpy(dtype=float)})
    return r[r[C.HEAVY]].reset_index(drop=True)


def heavy_days(ctx) -> HeavyDays:
    """The heavy-legs days of the runner up to ctx.as_of (see the module docstring)."""
    if not has_ratings(ctx):
        return HeavyDays()
    ratings = ctx.ratings
    rated = int(ratings[[C.FEEL, C.RPE, C.LEGS_HEAVY]].notna().any(axis=1).sum())
    heavy = ratings[C.HEAVY].to_numpy(dtype=bool)
    n = int(heavy.sum())
    present = run_signals(ctx) if n else pd.DataFrame()
    runs = tuple(
        HeavyRun(
            activity_id=str(ratings["activity_id"].iloc[i]),
            date=pd.Timestamp(ratings["date"].iloc[i]).date().isoformat(),
            distance_m=float(ctx.runs[C.DISTANCE_M].iloc[i]),
            feel=float(ratings[C.FEEL].iloc[i]),
            rpe=float(ratings[C.RPE].iloc[i]),
            legs_heavy=float(ratings[C.LEGS_HEAVY].iloc[i]),
            reason=str(ratings[C.HEAVY_REASON].iloc[i]),
            signals=tuple(s.id for s in SIGNALS if present[s.id].iloc[i] == 1.0),
        )
        for i in np.flatnonzero(heavy)
    )
    if n < MIN_HEAVY_RUNS:
        word = "run" if n == 1 else "runs"
        return HeavyDays(
            rated, runs, (), f"{n} heavy-rated {word}: at least {MIN_HEAVY_RUNS} are needed to learn your pattern."
        )
    rows = tuple(_row(s, present[s.id].to_numpy(dtype=float), heavy) for s in SIGNALS)
    note = f"{n} heavy-rated runs of {len(heavy)} runs ({rated} rated)."
    return HeavyDays(rated, runs, rows, note)


def _row(signal: Signal, values: np.ndarray, heavy: np.ndarray) -> SignalRow:
    known = np.isfinite(values)
    on = known & (values == 1.0)
    return SignalRow(
        signal,
        heavy_with=int((on & heavy).sum()),
        heavy_data=int((known & heavy).sum()),
        other_with=int((on & ~heavy).sum()),
        other_data=int((known & ~heavy).sum()),
    )
