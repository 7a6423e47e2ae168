"""What the training-load detectors share: how strong each measure's science is, when
running is too sparse for ratios to mean anything, and what a runner's usual run is.

The single-run spike against the longest run of the previous 30 days is the best
supported load signal (Frandsen 2025: a prospective cohort of 5,205 runners). The weekly
change (Nielsen 2014: HR 1.59, 95 % CI 0.96-2.66, distance-related injuries only) and the
acute:chronic ratio (Gabbett 2016; contested by Lolli 2019 and Impellizzeri 2020/2021)
support it; monotony (Foster 1998) and the comeback rule (a convention) likewise. Only a
spike, on a run longer than the runner's usual runs, can make a load finding HIGH.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import columns as C
from .base import Evidence, Finding, iso, score


@dataclass(frozen=True)
class Grade:
    """How far a measure's science goes: ``leads`` (it may make a finding HIGH), and one
    line a runner can check."""

    leads: bool
    why: str


GRADES = {
    "long_run_spike": Grade(
        True, "best supported: a prospective cohort of 5,205 runners (Frandsen et al., Br J Sports Med 2025;59:1203)"
    ),
    "mileage_jump": Grade(
        False,
        "supporting only: distance-related injuries, HR 1.59 with a 95 % CI of 0.96-2.66 "
        "(Nielsen et al., J Orthop Sports Phys Ther 2014;44:739)",
    ),
    "acute_load": Grade(
        False,
        "supporting only: the acute:chronic ratio is contested (Lolli et al., Br J Sports Med 2019;53:921; "
        "Impellizzeri et al., Sports Med 2021, doi 10.1007/s40279-020-01378-6)",
    ),
    "comeback": Grade(False, "supporting only: return-to-running guidance, no trial sets its figures"),
    "monotony": Grade(
        False, "supporting only: monotony relates to illness in trained athletes (Foster, Med Sci Sports Exerc 1998)"
    ),
}
#: The measure that leads an event when several fire, best supported first.
LEAD_ORDER = ("long_run_spike", "comeback", "mileage_jump", "acute_load", "monotony")

#: Ratios (weekly change, ACWR, monotony) need a base: at least this many runs in the 28
#: days of the chronic window (heavylegs convention: with fewer than two runs a week, one
#: run more or less moves the acute week by half or more, and the ratios measure the
#: calendar, not the load; the ratios were derived on athletes training most days,
#: Gabbett 2016).
MIN_RUNS_FOR_RATIOS = 8
RATIO_WINDOW_DAYS = 28
#: A run no longer than this percentile of the runner's runs of the previous
#: USUAL_WINDOW_DAYS is one of their usual runs: a spike against a quiet month, not a new
#: demand; at most LOW (heavylegs convention: the 90th percentile of three months still
#: counts the runner's regular long run).
USUAL_RUN_PERCENTILE = 90.0
USUAL_WINDOW_DAYS = 90


def runs_before(ctx, end) -> int:
    """Runs in the RATIO_WINDOW_DAYS local days that end on ``end`` (a date)."""
    day = pd.Timestamp(end).normalize()
    dates = ctx.runs[C.DATE]
    return int(((dates > day - pd.Timedelta(days=RATIO_WINDOW_DAYS)) & (dates <= day)).sum())


def too_little_running(ctx, end) -> bool:
    """Whether the chronic window ending on ``end`` has too few runs for ratios."""
    return runs_before(ctx, end) < MIN_RUNS_FOR_RATIOS


def too_little_reason(checked: int) -> str:
    """Why a ratio detector whose every flagged period had too few runs raised nothing."""
    return (
        f"too little running to judge: each of the {checked} periods past its limit had fewer than "
        f"{MIN_RUNS_FOR_RATIOS} runs in its {RATIO_WINDOW_DAYS} days (a ratio of so few runs measures the calendar)"
    )


SPARSE_SOURCE = (
    "heavylegs convention: with fewer than two runs a week one run moves the ratio by half or more; "
    "the ratios were derived on athletes training most days (Gabbett, Br J Sports Med 2016)"
)


def judged(f: Finding, ctx, end) -> Finding:
    """``f`` as it stands when the chronic window ending on ``end`` has too few runs:
    LOW, ``sparse`` (no alarm of its own: evidence for another finding of the same event),
    its runs counted in the evidence; unchanged otherwise."""
    n = runs_before(ctx, end)
    if n >= MIN_RUNS_FOR_RATIOS:
        return f
    row = Evidence(
        f"runs in the {RATIO_WINDOW_DAYS} days before",
        n,
        "runs",
        f">= {MIN_RUNS_FOR_RATIOS} to judge a ratio",
        iso(end),
        SPARSE_SOURCE,
    )
    days = (ctx.as_of - pd.Timestamp(f.window["end"]).date()).days
    return replace(
        f,
        severity="low",
        score=score("low", 0.0, days),
        evidence=[*f.evidence, row],
        brief=f"{f.brief} (too little running to judge: {n} runs in {RATIO_WINDOW_DAYS} days)",
        sparse=True,
    )


#: A spike needs a base too: with fewer than this many runs in the 30 days before it,
#: "the longest run of the previous 30 days" is one or two runs, not what the legs are
#: used to, and the spike is at most MEDIUM (heavylegs convention: Frandsen 2025's
#: cohort ran regularly; a runner back from a layoff is the comeback rule's case).
SPIKE_MIN_BASE_RUNS = 3
SPIKE_BASE_SOURCE = (
    "heavylegs convention: one or two runs in a month are no base to measure a spike against "
    "(Frandsen et al., Br J Sports Med 2025, followed runners who ran regularly)"
)


def runs_in_spike_window(ctx, start) -> int:
    """Runs in the 30 days before ``start`` (a run's local start), the spike's base."""
    from ..features.load import SPIKE_WINDOW_DAYS

    t = pd.Timestamp(start)
    local = pd.to_datetime(ctx.runs[C.START_LOCAL])
    return int(((local < t) & (local >= t - pd.Timedelta(days=SPIKE_WINDOW_DAYS))).sum())


def usual_longest(ctx, start) -> float:
    """USUAL_RUN_PERCENTILE of the distances [m] of the runner's runs in the
    USUAL_WINDOW_DAYS before ``start``; NaN without any."""
    t = pd.Timestamp(start)
    local = pd.to_datetime(ctx.runs[C.START_LOCAL])
    before = ctx.runs.loc[(local < t) & (local >= t - pd.Timedelta(days=USUAL_WINDOW_DAYS)), C.DISTANCE_M]
    before = before[np.isfinite(before)]
    return float(np.percentile(before, USUAL_RUN_PERCENTILE)) if len(before) else float("nan")
