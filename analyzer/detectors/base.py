"""The detector framework: Threshold, Evidence, Finding, Skipped, Detector, Context.

A detector is one small class per cause of heavy legs. It declares the inputs it
needs and its thresholds (each with a required published source), and returns
findings, or a Skipped with the reason when its data is missing: never a silent
all-clear.

Scores are comparable across causes: ``score = SEVERITY_BASE[severity] + 0.25 *
strength``, times a recency weight. ``strength`` (0-1) is how far past its threshold the
evidence goes (``exceedance``), and the recency weight halves every RECENCY_HALF_LIFE_DAYS
between the end of the finding's window and the analysis date. A high finding
therefore always outranks a medium one of the same age, and within a severity the
clearer and more recent evidence ranks first.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

SEVERITIES = ("high", "medium", "low")
SEVERITY_BASE = {"high": 0.70, "medium": 0.40, "low": 0.10}
#: Half-life [days] of a finding's weight after its window ends (heavylegs convention:
#: legs feel a load spike for days to a couple of weeks, not months).
RECENCY_HALF_LIFE_DAYS = 14.0
#: Findings whose window ended longer ago than this [days] before the analysis date
#: are history, not causes of today's heavy legs (kept for the timeline).
LOOKBACK_DAYS = 28

CATEGORIES = ("overtraining", "performance", "form", "shoes", "strength", "heat", "weight")


@dataclass(frozen=True)
class Threshold:
    """A named threshold with its published source (required, never empty)."""

    name: str
    value: float | str
    unit: str
    source: str

    def __post_init__(self) -> None:
        if not self.source or not self.source.strip():
            raise ValueError(f"threshold {self.name!r} has no source")

    def text(self) -> str:
        return f"{self.value} {self.unit}".strip()


@dataclass(frozen=True)
class Evidence:
    metric: str
    value: float | str | None
    unit: str
    threshold: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Finding:
    cause: str
    category: str
    severity: str
    score: float
    window: dict[str, str]
    evidence: list[Evidence]
    message: str
    advice: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Skipped:
    detector: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def exceedance(value: float, threshold: float, span: float) -> float:
    """How far ``value`` lies past ``threshold``, as 0-1 over ``span`` (same units)."""
    if not (math.isfinite(value) and math.isfinite(threshold)) or span <= 0:
        return 0.0
    return max(0.0, min(1.0, (value - threshold) / span))


def score(severity: str, strength: float, days_since_end: float) -> float:
    """The ranking key (see the module docstring)."""
    recency = 0.5 ** (max(0.0, days_since_end) / RECENCY_HALF_LIFE_DAYS)
    return round((SEVERITY_BASE[severity] + 0.25 * max(0.0, min(1.0, strength))) * recency, 4)


class Detector:
    """Base class: subclasses set the class attributes and implement ``detect``.

    id : the cause id used in findings.json; category : one of CATEGORIES;
    inputs : what the detector reads (shown by ``heavylegs detectors``);
    thresholds : its Threshold constants; advice : the seed article's advice.
    """

    id: str = ""
    category: str = ""
    inputs: tuple[str, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    advice: str = ""
    description: str = ""

    def detect(self, ctx) -> list[Finding] | Skipped:  # pragma: no cover - abstract
        raise NotImplementedError

    def skipped(self, reason: str) -> Skipped:
        return Skipped(detector=self.id, reason=reason)

    def finding(
        self, ctx, severity: str, strength: float, start, end, evidence: list[Evidence], message: str
    ) -> Finding:
        days = (ctx.as_of - _date(end)).days
        return Finding(
            cause=self.id,
            category=self.category,
            severity=severity,
            score=score(severity, strength, days),
            window={"start": _date(start).isoformat(), "end": _date(end).isoformat()},
            evidence=evidence,
            message=message,
            advice=self.advice,
        )


def _date(value):
    import pandas as pd

    return pd.Timestamp(value).date()
