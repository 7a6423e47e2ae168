"""Run every registered detector for an analysis date: the `Analysis`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .base import LOOKBACK_DAYS, Finding, Skipped, registered
from .consolidate import consolidate, recovered
from .consolidate_wellness import consolidate_wellness, recovered_wellness
from .context import Context
from .heavy_days import HeavyDays, heavy_days
from .load_rules import too_little_reason
from .not_detectable import NOT_DETECTABLE, not_detectable
from .pattern import rank_by_pattern


@dataclass
class Analysis:
    """The answer for one analysis date.

    findings : the causes active in the LOOKBACK_DAYS before as_of and not recovered from
        (consolidate.py: one event, one finding), most likely first
    timeline : every finding up to as_of (older and recovered ones included)
    skipped_detectors : detectors that could not run, with the reason
    heavy_days : the runner's heavy-rated runs and how often each signal was present on
        them against the other runs (heavy_days.py); findings of a signal over-represented
        on them rank higher (pattern.py)
    not_detectable : the causes this history has no data for, each with the file that
        would show it, and the recovery markers judged normal (not_detectable.py)
    """

    as_of: dt.date
    units: str
    context: Context
    findings: list[Finding]
    timeline: list[Finding]
    skipped_detectors: list[Skipped]
    not_detectable: tuple[dict, ...] = field(default=NOT_DETECTABLE)
    heavy_days: HeavyDays = field(default_factory=HeavyDays)

    @property
    def history(self):
        return self.context.history


def analyze(history, as_of=None, shoes=None, units: str = "km", overrides=None) -> Analysis:
    """Run every detector on ``history`` up to ``as_of`` (default: the last activity)."""
    return run_detectors(Context(history, as_of=as_of, shoes=shoes, units=units, overrides=overrides))


def run_detectors(ctx: Context, pattern: bool = True) -> Analysis:
    """`analyze` on a context made beforehand (whose features may already be computed).
    ``pattern``: rank the findings that match the runner's heavy-legs pattern higher
    (pattern.py; False only to compare with the ranking without it)."""
    found: list[Finding] = []
    skipped: list[Skipped] = []
    for cls in registered():
        result = cls().run(ctx)
        if isinstance(result, Skipped):
            skipped.append(result)
        else:
            found.extend(result)
    gathered, unjudged = consolidate(found, ctx)
    gathered = consolidate_wellness(gathered, ctx)
    # A ratio detector whose findings were all too sparse to judge says so, as a skip.
    signals = {cause for f in gathered for cause in f.signals}
    order = {cls.id: i for i, cls in enumerate(registered())}
    skipped += [Skipped(cause, too_little_reason(n)) for cause, n in unjudged.items() if cause not in signals]
    skipped.sort(key=lambda s: order.get(s.detector, len(order)))
    heavy = heavy_days(ctx)
    if pattern:
        gathered = rank_by_pattern(gathered, heavy, ctx)
    horizon = ctx.as_of - dt.timedelta(days=LOOKBACK_DAYS)
    ranked = sorted(gathered, key=lambda f: (-f.score, f.cause, f.window["end"]))
    active = [
        f
        for f in ranked
        if dt.date.fromisoformat(f.window["end"]) >= horizon
        and not recovered(f, ctx)
        and not recovered_wellness(f, ctx)
    ]
    return Analysis(
        as_of=ctx.as_of,
        units=ctx.units,
        context=ctx,
        findings=active,
        timeline=ranked,
        skipped_detectors=skipped,
        heavy_days=heavy,
        not_detectable=not_detectable(ctx, active, skipped),
    )
