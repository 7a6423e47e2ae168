"""Findings that match the runner's own heavy-legs pattern rank higher.

A signal is part of the runner's pattern when heavy_days' table shows it over-represented
on their heavy-rated runs (SignalRow.over_represented: at least MIN_HEAVY_RUNS heavy runs
with data on it, and the lower bound of its 95 % Wilson interval on them above the upper
bound on the other runs: the two intervals do not overlap). A finding whose category is
that signal's (heavy_signals.SIGNALS: sleep, recovery, overtraining, shoes, heat,
strength), or that gathers the measure of a detector of that category, then

* ranks one severity step higher: its score gains PATTERN_BONUS times its recency weight
  (base.score), as if its severity were one step up at the same age and strength;
* says so: "On 6 of your 9 heavy days you had slept under 6 h, against 5 % of your other
  runs.", with an evidence row per matching signal.

Findings of other categories, and every finding when no signal is over-represented (too
few heavy-rated runs, or no ratings at all), are left exactly as they were.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .base import RECENCY_HALF_LIFE_DAYS, SEVERITY_BASE, Evidence, Finding, registered
from .heavy_days import PATTERN_RULE, HeavyDays, SignalRow
from .heavy_days import WILSON_SOURCE as _WILSON

#: The bonus of a finding that matches the runner's pattern, before its recency weight:
#: one severity step (the gap between the bases of high and medium, and of medium and
#: low; heavylegs convention: the runner's own ratings are direct evidence for this
#: runner, worth a step, never more, so that a LOW finding with the pattern ranks with a
#: MEDIUM one of the same age, not above a HIGH one).
PATTERN_BONUS = round(SEVERITY_BASE["high"] - SEVERITY_BASE["medium"], 4)
PATTERN_SOURCE = f"heavylegs convention on your own ratings: {PATTERN_RULE} Interval: {_WILSON}"


def rank_by_pattern(findings: list[Finding], heavy: HeavyDays, ctx) -> list[Finding]:
    """``findings`` with those of the runner's pattern scored up and saying why."""
    by_category: dict[str, list[SignalRow]] = {}
    for row in heavy.over_represented:
        by_category.setdefault(row.signal.category, []).append(row)
    if not by_category:
        return list(findings)
    total = len(heavy.runs)
    out = []
    for f in findings:
        rows = [row for category in _categories(f) for row in by_category.get(category, [])]
        out.append(_matched(f, list(dict.fromkeys(rows)), total, ctx) if rows else f)
    return out


def _categories(f: Finding) -> list[str]:
    """The finding's category, then those of the detectors whose measures it gathers (a
    recovery finding that gathers a sleep detector's is a sleep finding too)."""
    of = {cls.id: cls.category for cls in registered()}
    return list(dict.fromkeys([f.category, *(of[s] for s in f.signals if s in of)]))


def _pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def pattern_sentence(row: SignalRow, total: int) -> str:
    """'On 6 of your 9 heavy days you had slept under 6 h, against 5 % of your other runs.'"""
    with_data = "" if row.heavy_data == total else f" with data ({total} in all)"
    other = row.other_with / row.other_data
    return (
        f"On {row.heavy_with} of your {row.heavy_data} heavy days{with_data} {row.signal.had}, "
        f"against {_pct(other)} of your other runs."
    )


def pattern_evidence(row: SignalRow) -> Evidence:
    (hl, hh), (ol, oh) = row.heavy_ci, row.other_ci
    return Evidence(
        f"your heavy days: {row.signal.label}",
        f"{row.heavy_with} of {row.heavy_data}",
        "",
        f"95 % CI {100 * hl:.0f}-{100 * hh:.0f} % vs other runs {row.other_with} of {row.other_data} "
        f"({100 * ol:.0f}-{100 * oh:.0f} %)",
        None,
        PATTERN_SOURCE,
    )


def _matched(f: Finding, rows: list[SignalRow], total: int, ctx) -> Finding:
    days = (ctx.as_of - pd.Timestamp(f.window["end"]).date()).days
    recency = 0.5 ** (max(0, days) / RECENCY_HALF_LIFE_DAYS)  # base.score's weight
    message = f.message + " " + " ".join(pattern_sentence(r, total) for r in rows)
    message += " This matches your own heavy-legs pattern, so it ranks higher."
    return replace(
        f,
        score=round(f.score + PATTERN_BONUS * recency, 4),
        message=message,
        evidence=[*f.evidence, *(pattern_evidence(r) for r in rows)],
    )
