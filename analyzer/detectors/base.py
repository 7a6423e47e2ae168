"""The detector framework: Threshold, Evidence, Finding, Skipped, Detector and the
registry of detectors.

A detector measures one signal of one cause of heavy legs, in its own module
(``detectors/<id>.py``). Defining the class registers it (no list to keep by hand).
It declares the data it ``needs`` (see needs.py: the framework skips it with the
need's standard reason when the data is missing, never a silent all-clear) and its
thresholds, each with a published source or said to be a heavylegs convention, and
returns its findings with their evidence.

Scores are comparable across causes: ``score = SEVERITY_BASE[severity] + 0.25 *
strength``, times a recency weight. ``strength`` (0-1) is how far past its threshold the
evidence goes (``exceedance``), and the recency weight halves every RECENCY_HALF_LIFE_DAYS
between the end of the finding's window and the analysis date. A high finding
therefore always outranks a medium one of the same age, and within a severity the
clearer and more recent evidence ranks first.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from .needs import NEEDS

SEVERITIES = ("high", "medium", "low")
SEVERITY_BASE = {"high": 0.70, "medium": 0.40, "low": 0.10}
#: Weight of a finding's strength in its score (heavylegs convention: strength orders
#: findings within a severity, never across: 0.25 < the gap between severity bases).
STRENGTH_WEIGHT = 0.25
#: Half-life [days] of a finding's weight after its window ends (heavylegs convention:
#: legs feel a load spike for days to a couple of weeks, not months).
RECENCY_HALF_LIFE_DAYS = 14.0
#: Findings whose window ended longer ago than this [days] before the analysis date
#: are history, not causes of today's heavy legs (kept for the timeline).
LOOKBACK_DAYS = 28

CATEGORIES = (
    "overtraining",
    "performance",
    "form",
    "shoes",
    "strength",
    "heat",
    "weight",
    "sleep",
    "recovery",
    "hydration",
    "diet",
)


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
    """A likely cause, with its evidence. ``signals``: the detectors whose findings it
    gathers (consolidate.py: one event, one finding), itself alone for one signal;
    ``brief``: a few words of what it measured, for a finding that gathers it; ``sparse``:
    a ratio over too few runs to judge, evidence for another finding but no alarm of its
    own; ``load_end``: the last day of the load it is about when that is not its window's
    end (a ratio raised by a run stays raised for the week after it): where recovery
    counts from (none of the three in findings.json)."""

    cause: str
    category: str
    severity: str
    score: float
    window: dict[str, str]
    evidence: list[Evidence]
    message: str
    advice: str
    signals: tuple[str, ...] = ()
    brief: str = field(default="", compare=False)
    sparse: bool = field(default=False, compare=False)
    load_end: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for internal in ("brief", "sparse", "load_end"):
            out.pop(internal)
        out["signals"] = list(self.signals or (self.cause,))
        return out


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
    return round((SEVERITY_BASE[severity] + STRENGTH_WEIGHT * max(0.0, min(1.0, strength))) * recency, 4)


def rounded(value, digits: int = 1) -> float | None:
    """``value`` rounded for evidence; None when it is missing or not a number."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return round(v, digits) if math.isfinite(v) else None


def iso(value) -> str:
    """The local date of a timestamp or date, as YYYY-MM-DD."""
    return _date(value).isoformat()


#: Every registered detector class by id (registration order).
_REGISTRY: dict[str, type[Detector]] = {}


class Detector:
    """Base class: subclasses set the class attributes and implement ``detect``.

    id : the cause id used in findings.json (setting it registers the class);
    these four are given as class keywords: ``class X(Detector, id="x", category=...)``;
    category : one of CATEGORIES; rank : its place among its category's detectors in
    listings (lower first); needs : names in needs.NEEDS, checked before ``detect``;
    thresholds : its Threshold constants; advice : the seed article's advice.
    """

    id: str = ""
    category: str = ""
    rank: int = 100
    needs: tuple[str, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    advice: str = ""
    description: str = ""

    def __init_subclass__(cls, *, id=None, category=None, rank=None, needs=None, **kwargs) -> None:  # noqa: A002
        """``class X(Detector, id=..., category=..., rank=..., needs=(...))`` sets those
        attributes and registers the detector."""
        super().__init_subclass__(**kwargs)
        for name, value in (("id", id), ("category", category), ("rank", rank), ("needs", needs)):
            if value is not None:
                setattr(cls, name, value)
        if not cls.id:
            return  # a shared base of several detectors
        if cls.category not in CATEGORIES:
            raise ValueError(f"detector {cls.id!r}: category {cls.category!r} is not one of {CATEGORIES}")
        unknown = [n for n in cls.needs if n not in NEEDS]
        if unknown:
            raise ValueError(f"detector {cls.id!r}: unknown needs {unknown} (known: {sorted(NEEDS)})")
        if cls.id in _REGISTRY and _REGISTRY[cls.id].__qualname__ != cls.__qualname__:
            raise ValueError(f"two detectors named {cls.id!r}: {_REGISTRY[cls.id]} and {cls}")
        _REGISTRY[cls.id] = cls

    def run(self, ctx) -> list[Finding] | Skipped:
        """``detect``, or Skipped with the standard reason of the first need missing."""
        for name in self.needs:
            need = NEEDS[name]
            if not need.present(ctx):
                return self.skipped(need.reason)
        return self.detect(ctx)

    def detect(self, ctx) -> list[Finding] | Skipped:  # pragma: no cover - abstract
        raise NotImplementedError

    def skipped(self, reason: str) -> Skipped:
        return Skipped(detector=self.id, reason=reason)

    def finding(
        self, ctx, severity: str, strength: float, start, end, evidence: list[Evidence], message: str, brief: str = ""
    ) -> Finding:
        days = (ctx.as_of - _date(end)).days
        return Finding(
            cause=self.id,
            category=self.category,
            severity=severity,
            score=score(severity, strength, days),
            window={"start": iso(start), "end": iso(end)},
            evidence=evidence,
            message=message,
            advice=self.advice,
            signals=(self.id,),
            brief=brief,
        )

    @staticmethod
    def distance(ctx, metric: str, metres: float, date=None, threshold: str | None = None, unit: str = "") -> Evidence:
        """Evidence of a distance, in the report's units (rounded to 0.1)."""
        return Evidence(metric, round(ctx.dist(metres), 1), unit or ctx.units, threshold, date)


def registered() -> list[type[Detector]]:
    """Every registered detector, in listing order: by category, then rank, then id."""
    return sorted(_REGISTRY.values(), key=lambda d: (CATEGORIES.index(d.category), d.rank, d.id))


def unregister(detector_id: str) -> None:
    """Forget a detector (for tests that register one of their own)."""
    _REGISTRY.pop(detector_id, None)


def _date(value):
    import pandas as pd

    return pd.Timestamp(value).date()
