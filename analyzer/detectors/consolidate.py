"""One event, one finding: the stage after the detectors.

Each detector measures one signal. A long run in a quiet month can fire the spike, the
weekly change and the acute:chronic ratio at once; three form metrics move together in one
tired block. A runner told three alarms for one run learns to ignore them all, so:

* **Load**: findings of the load measures (load_rules.LEAD_ORDER) whose windows overlap
  are one event, led by its best-supported measure, whose severity it takes; every
  measure stays as evidence, with the strength of its science. Only a leading measure
  (the spike) may be HIGH: a supporting one (weekly change, ACWR, monotony, comeback)
  leads only when no spike fired, and is then at most MEDIUM.
* **Form**: form findings (ground contact, oscillation, cadence) over one window are one
  ``running_form`` finding with each metric as evidence.
* **Recovery**: a load event followed by a week without running, or by two weeks of
  running no more than before it, is history (the timeline keeps it), not a current cause.
"""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from ..features.load import ACUTE_DAYS
from .base import SEVERITIES, SEVERITY_BASE, STRENGTH_WEIGHT, Evidence, Finding, iso, score
from .form_signal import NEW_DEVICE_METRIC
from .load_rules import GRADES, LEAD_ORDER, RATIO_WINDOW_DAYS

FORM_SIGNALS = ("ground_contact", "vertical_oscillation", "cadence")
FORM_CAUSE = "running_form"
#: A load event is history after this many days in a row without a run, or after this
#: many days of running no more than the weekly volume before it: fatigue from a block
#: of training dissipates over one to two weeks of reduced load (Mujika I, Padilla S, Med
#: Sci Sports Exerc 2003;35:1182, tapering).
RECOVERY_BREAK_DAYS = 7
RECOVERY_EASY_DAYS = 14
RECOVERY_SOURCE = "Mujika & Padilla, Med Sci Sports Exerc 2003;35:1182 (fatigue dissipates in 1-2 weeks of less load)"


def consolidate(found: list[Finding], ctx) -> tuple[list[Finding], dict[str, int]]:
    """Every finding, with the load findings of one event and the form findings of one
    window each gathered into one (see the module docstring); and, per detector, how many
    of its findings were dropped for being ratios over too few runs with nothing else on
    the same event (``sparse``: evidence, never an alarm of their own)."""
    load = [f for f in found if f.cause in GRADES]
    form = [f for f in found if f.cause in FORM_SIGNALS]
    rest = [f for f in found if f not in load and f not in form]
    events, unjudged = [], {}
    for group in _overlapping(load):
        if all(f.sparse for f in group):
            for f in group:
                unjudged[f.cause] = unjudged.get(f.cause, 0) + 1
        else:
            events.append(_load_event(group, ctx))
    forms = [_form_finding(group, ctx) for group in _overlapping(form)]
    return rest + events + forms, unjudged


def recovered(f: Finding, ctx) -> str:
    """Why a load finding is history by the analysis date ('' when it is not)."""
    if f.category != "overtraining":
        return ""
    # From the event's last run: a ratio stays raised for a week after the run that
    # raised it, with no running in it, which is recovery, not more load (load_end).
    start, end = pd.Timestamp(f.window["start"]), pd.Timestamp(f.load_end or f.window["end"])
    inside = [d for d in ctx.runs[C.DATE] if start <= d <= end]
    end = max(inside, default=end)
    dates = sorted(d for d in ctx.runs[C.DATE] if end < d <= ctx.as_of_ts)
    edges = [end, *dates, ctx.as_of_ts + pd.Timedelta(days=1)]
    longest = max(((b - a).days - 1 for a, b in zip(edges, edges[1:], strict=False)), default=0)
    if longest >= RECOVERY_BREAK_DAYS:
        return f"history: {longest} days without a run after it"
    since = (ctx.as_of_ts - end).days
    if since >= RECOVERY_EASY_DAYS and _weekly_after(ctx, end) <= _weekly_before(ctx, start):
        return f"history: {since} days since, running no more than before it"
    return ""


def _weekly_after(ctx, end: pd.Timestamp) -> float:
    runs = ctx.runs[(ctx.runs[C.DATE] > end) & (ctx.runs[C.DATE] <= ctx.as_of_ts)]
    days = max((ctx.as_of_ts - end).days, 1)
    return float(runs[C.DISTANCE_M].sum()) / days * 7


def _weekly_before(ctx, start: pd.Timestamp) -> float:
    window = (ctx.runs[C.DATE] < start) & (ctx.runs[C.DATE] >= start - pd.Timedelta(days=RATIO_WINDOW_DAYS))
    return float(ctx.runs.loc[window, C.DISTANCE_M].sum()) / (RATIO_WINDOW_DAYS / 7)


def _reach(f: Finding) -> str:
    """The first day a finding's measure looks at (ISO): its window's start, or for the
    acute:chronic ratio the first day of the 7-day acute window of its first day: a
    ratio raised on Monday by Saturday's long run is the same event as the run."""
    back = ACUTE_DAYS - 1 if f.cause == "acute_load" else 0
    return iso(pd.Timestamp(f.window["start"]) - pd.Timedelta(days=back))


def _overlapping(findings: list[Finding]) -> list[list[Finding]]:
    """Groups of findings whose windows (from their `_reach`) overlap, directly or
    through another."""
    groups: list[list[Finding]] = []
    end = None
    for f in sorted(findings, key=lambda f: (_reach(f), f.window["end"])):
        if groups and _reach(f) <= end:
            groups[-1].append(f)
            end = max(end, f.window["end"])
        else:
            groups.append([f])
            end = f.window["end"]
    return groups


def _capped(f: Finding) -> str:
    """A measure's severity as it may count: a supporting measure is at most MEDIUM."""
    leads = GRADES[f.cause].leads if f.cause in GRADES else True
    return f.severity if leads or f.severity != "high" else "medium"


def _strength(f: Finding, ctx) -> float:
    """The 0-1 strength behind a finding's score (base.score inverted)."""
    days = (ctx.as_of - pd.Timestamp(f.window["end"]).date()).days
    recency = score(f.severity, 0.0, days) / SEVERITY_BASE[f.severity]
    return max(0.0, min(1.0, (f.score / max(recency, 1e-12) - SEVERITY_BASE[f.severity]) / STRENGTH_WEIGHT))


def _measure_rows(f: Finding) -> list[Evidence]:
    """A member finding's evidence, headed by a row naming the measure and its science."""
    grade = GRADES.get(f.cause)
    head = Evidence(f"measure: {f.cause.replace('_', ' ')}", f.brief or f.severity, "", None, None, grade and grade.why)
    return [head, *f.evidence]


def _gathered(group: list[Finding], lead: Finding, severity: str, cause: str, message: str, ctx) -> Finding:
    start = min(f.window["start"] for f in group)
    end = max(f.window["end"] for f in group)
    days = (ctx.as_of - pd.Timestamp(end).date()).days
    return Finding(
        cause=cause,
        category=lead.category,
        severity=severity,
        score=score(severity, _strength(lead, ctx), days),
        window={"start": iso(start), "end": iso(end)},
        evidence=[row for f in group for row in _measure_rows(f)],
        message=message,
        advice=lead.advice,
        signals=tuple(dict.fromkeys(f.cause for f in group)),
        brief=lead.brief,
        # The load the event is about ends with its judged measures (a sparse ratio is
        # evidence only, it does not hold the event open).
        load_end=max((f.load_end or f.window["end"]) for f in group if not f.sparse or f is lead),
    )


def _load_event(group: list[Finding], ctx) -> Finding:
    """One load event: led by its best-supported measure, the others as evidence."""
    rank = {cause: i for i, cause in enumerate(LEAD_ORDER)}
    group = sorted(group, key=lambda f: (f.sparse, rank[f.cause], SEVERITIES.index(f.severity), -f.score))
    lead = group[0]
    # The severity of the best-supported measure (a supporting one leads only alone).
    severity = _capped(lead)
    others = [f.brief for f in group[1:] if f.brief]
    message = lead.message
    if others:
        message += f" The same event also shows {'; '.join(dict.fromkeys(others))}."
    if GRADES[lead.cause].leads:
        if len(group) > 1:
            message += " The spike is the best-supported of these measures; the others only support it."
    else:
        message += " No single run stood out: these measures are supporting evidence, never HIGH on their own."
    return _gathered(group, lead, severity, lead.cause, message, ctx)


def _form_finding(group: list[Finding], ctx) -> Finding:
    """One running-form finding of the form metrics that moved over one window."""
    if len(group) == 1:
        return group[0]
    group = sorted(group, key=lambda f: (SEVERITIES.index(f.severity), -f.score))
    lead = group[0]
    parts = [f.brief or f.cause.replace("_", " ") for f in group]
    message = (
        f"Your running form changed in {len(group)} measures at once, against your own baseline at the same "
        f"pace: {'; '.join(parts)}."
    )
    # A new device the members name (form_signal's evidence row), said once for them all.
    devices = {(e.value, e.date) for f in group for e in f.evidence if e.metric == NEW_DEVICE_METRIC}
    for device, since in sorted(devices, key=str):
        message += (
            f" A new device ({device}) from {since} may read running dynamics differently: its runs are "
            "compared only among themselves."
        )
    return _gathered(group, lead, lead.severity, FORM_CAUSE, message, ctx)
