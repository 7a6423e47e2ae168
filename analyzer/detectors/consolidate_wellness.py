"""One event, one finding, for the wellness signals: a stage after consolidate.py.

* **Recovery**: sleep debt, suppressed HRV and a raised resting heart rate over
  overlapping weeks are one finding (``poor_recovery``) with each measure as evidence.
  Its message triangulates (Buchheit 2014; Meeusen et al. 2013): HRV down and resting HR
  up with training load up is functional overreaching; the same at normal load points
  to illness or life stress; one marker alone is said to be one marker. One marker is
  at most MEDIUM (each detector's own cap); two agreeing are MEDIUM, HIGH when both are
  MEDIUM; all three are HIGH when one of them is MEDIUM (heavylegs convention on
  Buchheit 2014: no single marker tells fatigue from illness or noise, agreement does).
* **Hydration**: a heat finding (heart-rate drift on a long run) whose run falls in a
  week the fluid log calls dry is one finding with the log as evidence. A heat finding
  with no fluid finding beside it is left exactly as it is.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .. import columns as C
from ..features import load
from .base import SEVERITIES, Evidence, Finding, iso, score
from .citations import MEEUSEN, REST_ADVICE
from .consolidate import _overlapping, _strength
from .load_rules import too_little_running
from .sleep_debt import SLEEP_MIN_NIGHTS
from .wellness_rules import MIN_MARKER_DAYS, WEEK_DAYS, Week, band, daily

SLEEP, HRV, RHR = "sleep_debt", "hrv_suppressed", "resting_hr_up"
RECOVERY_SIGNALS = (SLEEP, HRV, RHR)
RECOVERY_CAUSE = "poor_recovery"
HEAT, DRY = "heat_dehydration", "dehydration"
#: How strong each signal's science is (the `measure:` row of a gathered finding).
WHY = {
    SLEEP: "consensus: adults need at least 7 h (Watson et al., Sleep 2015; AASM/SRS)",
    HRV: "your own baseline: 7-day ln rMSSD (Plews et al. 2012; Buchheit 2014)",
    RHR: "your own baseline: 7-day resting HR (Buchheit, Front Physiol 2014)",
    DRY: "your fluid log against EFSA 2010's adequate intake (a population reference, not for athletes)",
    HEAT: "heart-rate drift on a long run (Coyle & Gonzalez-Alonso 2001)",
}
TRIANGULATION_SOURCE = f"Buchheit M, Front Physiol 2014;5:73; {MEEUSEN}"
ILLNESS_ADVICE = (
    "Take easy days until HRV and resting heart rate are back in your usual range; if you feel ill, do not train "
    "hard. If it lasts more than a week or two, see a physician."
)
#: ACWR at or above the sweet spot's top is load up for the triangulation (Gabbett
#: 2016's 1.3), when the chronic window has enough runs to judge a ratio.
LOAD_UP_ACWR = load.ACWR_SWEET_SPOT[1]


def consolidate_wellness(found: list[Finding], ctx) -> list[Finding]:
    """``found`` (after consolidate.consolidate) with the recovery signals of one event
    gathered into one finding and a heat finding joined by the fluid log of its week."""
    recovery = [f for f in found if f.cause in RECOVERY_SIGNALS]
    events = [_recovery_event(group, found, ctx) for group in _overlapping(recovery)]
    # A lone statistical marker one SWC off is what a week shows by chance about one
    # time in eleven (wellness_rules.MEDIUM_SWC_MULTIPLE): not a finding (precision
    # before recall); sleep debt is a consensus rule and stays.
    events = [e for e in events if not _chance_level(e)]
    gathered = list(recovery)
    for group in _overlapping([f for f in found if f.cause in (HEAT, DRY)]):
        if {f.cause for f in group} == {HEAT, DRY}:
            events.append(_hydration_event(group, ctx))
            gathered += group
    # Every other finding stays as it was, in its place.
    return [f for f in found if not any(f is g for g in gathered)] + events


def _chance_level(f: Finding) -> bool:
    """A recovery finding of one statistical marker (HRV or resting HR) at LOW."""
    return set(f.signals or (f.cause,)) <= {HRV, RHR} and len(set(f.signals or (f.cause,))) == 1 and f.severity == "low"


def recovered_wellness(f: Finding, ctx) -> str:
    """Why a sleep or recovery finding is history by the analysis date ('' when it is
    not): it ended before the analysis date's week, and that week was judged on every
    marker of the finding (the days each detector needs to judge a week; the
    detectors found nothing in it, or it would not have ended before)."""
    if f.category not in ("sleep", "recovery"):
        return ""
    week_start = ctx.as_of_ts - pd.Timedelta(days=WEEK_DAYS - 1)
    if pd.Timestamp(f.window["end"]) >= week_start:
        return ""
    needed = {SLEEP: (C.SLEEP_S, SLEEP_MIN_NIGHTS), HRV: (C.HRV_NIGHT_MS, MIN_MARKER_DAYS)}
    needed[RHR] = (C.RESTING_HR_BPM, MIN_MARKER_DAYS)
    for cause in f.signals or (f.cause,):
        metric, least = needed.get(cause, ("", 0))
        if metric and len(daily(ctx, metric, week_start, ctx.as_of_ts)) < least:
            return ""
    names = ", ".join(cause.replace("_", " ") for cause in (f.signals or (f.cause,)))
    return f"history: back within your usual range in the {WEEK_DAYS} days to {ctx.as_of_ts:%d %b %Y} ({names})"


def _measure_rows(f: Finding) -> list[Evidence]:
    head = Evidence(f"measure: {f.cause.replace('_', ' ')}", f.brief or f.severity, "", None, None, WHY.get(f.cause))
    return [head, *f.evidence]


def _agreed(group: list[Finding]) -> str:
    """The severity of markers that agree (module docstring)."""
    n = len({f.cause for f in group})
    mediums = sum(f.severity != "low" for f in group)
    if n == 1:
        return group[0].severity
    if n == 2:
        return "high" if mediums >= 2 else "medium"
    return "high" if mediums >= 1 else "medium"


def _gather(group: list[Finding], cause: str, category: str, severity: str, message: str, advice: str, ctx):
    lead = sorted(group, key=lambda f: (SEVERITIES.index(f.severity), -f.score))[0]
    start = min(f.window["start"] for f in group)
    end = max(f.window["end"] for f in group)
    return Finding(
        cause=cause,
        category=category,
        severity=severity,
        score=score(severity, _strength(lead, ctx), (ctx.as_of - pd.Timestamp(end).date()).days),
        window={"start": start, "end": end},
        evidence=[row for f in group for row in _measure_rows(f)],
        message=message,
        advice=advice,
        signals=tuple(dict.fromkeys(f.cause for f in group)),
        brief=lead.brief,
    )


def _recovery_event(group: list[Finding], found: list[Finding], ctx) -> Finding:
    """One recovery finding of the signals of one event, its message triangulated."""
    causes = {f.cause for f in group}
    start, end = min(f.window["start"] for f in group), max(f.window["end"] for f in group)
    load_text = load_up(ctx, found, start, end)
    reading, advice = triangulate(causes, load_text, ctx, pd.Timestamp(end))
    if len(causes) == 1 and len(group) == 1:
        f = group[0]
        return replace(f, message=f"{f.message} {reading}".strip(), advice=advice or f.advice)
    group = sorted(group, key=lambda f: RECOVERY_SIGNALS.index(f.cause))
    message = (
        f"Your recovery markers agree from {pd.Timestamp(start):%d %b} to {pd.Timestamp(end):%d %b %Y}: "
        f"{'; '.join(f.brief for f in group)}. {reading}"
    ).strip()
    advice = advice or group[0].advice
    category = "recovery" if causes & {HRV, RHR} else "sleep"
    return _gather(group, RECOVERY_CAUSE, category, _agreed(group), message, advice, ctx)


def triangulate(causes: set[str], load_text: str, ctx, end: pd.Timestamp) -> tuple[str, str]:
    """What the markers together say (Buchheit 2014; Meeusen et al. 2013), and the
    advice that goes with it ('' when the members' own advice stands)."""
    sleep = " Short sleep may be part of it." if SLEEP in causes else ""
    if {HRV, RHR} <= causes:
        if load_text:
            return (
                f"HRV down and resting heart rate up while your training load rose ({load_text}): the pattern of "
                f"functional overreaching (Buchheit 2014; Meeusen et al. 2013).{sleep}",
                REST_ADVICE,
            )
        return (
            "HRV down and resting heart rate up at normal training load: the pattern of illness or life stress "
            f"rather than training (Buchheit 2014; Meeusen et al. 2013).{sleep}",
            ILLNESS_ADVICE,
        )
    if not causes & {HRV, RHR}:
        return "", ""
    marker, other = ("HRV is down", RHR) if HRV in causes else ("Resting heart rate is up", HRV)
    state = _other_state(ctx, other, end)
    if load_text:
        return (
            f"{marker} with your training load up ({load_text}), {state}: likely the fatigue of that load, "
            f"not yet overreaching (Buchheit 2014).{sleep}",
            REST_ADVICE,
        )
    return (
        f"{marker} at normal training load, {state}: one marker alone may be illness, stress or day-to-day "
        f"noise; watch the next days (Buchheit 2014).{sleep}",
        "",
    )


def _other_state(ctx, cause: str, end: pd.Timestamp) -> str:
    """How the other physiological marker stood in the week to ``end``."""
    metric, name = (C.HRV_NIGHT_MS, "HRV") if cause == HRV else (C.RESTING_HR_BPM, "resting heart rate")
    b = band(ctx, metric, Week(end), np.log if cause == HRV else None)
    return f"{name} not recorded enough to compare" if isinstance(b, str) else f"{name} in your usual range"


def load_up(ctx, found: list[Finding], start: str, end: str) -> str:
    """Whether training load was up over the week before ``start`` to ``end`` (ISO):
    a current load event (consolidated, not a too-sparse ratio) reaching into it, or the
    ACWR at ``end`` at or above LOAD_UP_ACWR with runs enough to judge it; in words,
    '' when the load was normal."""
    reach = iso(pd.Timestamp(start) - pd.Timedelta(days=WEEK_DAYS))
    for f in sorted(found, key=lambda f: -f.score):
        # From the load's last day: a spike event's load is its one run (its window's first
        # day; the window runs on for the week its ratios stay raised, which is rest, not
        # more load); a ratio's, its load_end where it has one.
        last = f.window["start"] if f.cause == "long_run_spike" else (f.load_end or f.window["end"])
        if f.category == "overtraining" and not f.sparse and last >= reach and f.window["start"] <= end:
            return f"{f.cause.replace('_', ' ')}: {f.brief}" if f.brief else f.cause.replace("_", " ")
    day = pd.Timestamp(end)
    d = ctx.daily
    if len(d) and day in d.index and not too_little_running(ctx, day):
        ratio = float(d.loc[day, C.ACWR])
        if np.isfinite(ratio) and ratio >= LOAD_UP_ACWR:
            return f"ACWR {ratio:.2f}"
    return ""


def _hydration_event(group: list[Finding], ctx) -> Finding:
    """A heat finding and the fluid log's finding of its week: one finding."""
    hot = sorted((f for f in group if f.cause == HEAT), key=lambda f: (SEVERITIES.index(f.severity), -f.score))
    dry = [f for f in group if f.cause == DRY]
    lead = hot[0]
    severity = min((f.severity for f in group), key=SEVERITIES.index)
    message = f"{lead.message} Your fluid log agrees: {'; '.join(f.brief for f in dry)}."
    if lead.severity == "low":
        message += " Of heat, dehydration or fatigue, the log points to too little fluid."
    advice = f"{dry[0].advice} {lead.advice}" if lead.severity != "low" else dry[0].advice
    return _gather([*hot, *dry], HEAT, lead.category, severity, message, advice, ctx)
