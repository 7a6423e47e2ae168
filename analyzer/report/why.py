"""One run explained (`heavylegs why`): the run picked by date or id, the analysis as of
its date, its numbers and what came before it (why_facts.py, why_wellness.py), and the
terminal text. The page is why_html.py, the run's charts plot_run.py."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import columns as C
from ..detectors import Context
from ..detectors.run import Analysis, run_detectors
from ..errors import AnalyzerError
from ..features import load
from ..units import UNIT_M
from .model import finding_views
from .why_facts import BEFORE, RUN, Fact, before_facts, run_facts
from .why_wellness import wellness_facts

#: What a DATE argument looks like (a local calendar date); anything else is an activity id.
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Longest piece of a run argument repeated in an error message (an id is 16 hex digits
#: and an index; more is not an id).
SHOWN_ARGUMENT = 40
NOTHING_STANDS_OUT = "Nothing stands out: no cause is active on that day and every number is within its usual range."
SECTIONS = {RUN: "The run", BEFORE: "What came before"}


class RunNotFound(AnalyzerError):
    """The date has no run, or no activity has the id, or the activity is not a run."""


@dataclass
class RunExplained:
    """One run explained: ``run`` (its activity row), ``note`` (how it was picked when
    its day had several runs, or it was a duplicate), ``analysis`` (detectors.run.Analysis
    as of its date), ``facts`` (why_facts.Fact rows, the run's then what came before) and
    ``written`` (files written: {'page': why-<date>.html})."""

    run: pd.Series
    note: str
    analysis: Analysis
    facts: tuple[Fact, ...]
    samples: pd.DataFrame = field(repr=False)
    written: dict[str, Path] = field(default_factory=dict)

    @property
    def activity_id(self) -> str:
        return str(self.run[C.ACTIVITY_ID])

    @property
    def date(self) -> dt.date:
        return pd.Timestamp(self.run[C.START_LOCAL]).date()

    @property
    def findings(self) -> list:
        """The findings active on the run's date, most likely first."""
        return self.analysis.findings

    def fact(self, key: str) -> Fact:
        """The fact named ``key`` (KeyError when the run has none)."""
        for f in self.facts:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def unusual(self) -> list[Fact]:
        """The facts that stand out, with why."""
        return [f for f in self.facts if f.unusual]

    @property
    def nothing_stands_out(self) -> bool:
        return not self.findings and not self.unusual


def _shown(text: str) -> str:
    one = " ".join(str(text).split())
    return repr(one if len(one) <= SHOWN_ARGUMENT else one[:SHOWN_ARGUMENT] + "...")


def pick_run(history, run: str, units: str = "km") -> tuple[pd.Series, str]:
    """The run named by ``run``: a local date (YYYY-MM-DD: the longest run of that day)
    or an activity id (a duplicate's id gives the copy kept), and a note on how it was
    picked ('' when there was nothing to choose). Raises RunNotFound."""
    runs = load.runs_only(history.activities)
    text = str(run).strip()
    if DATE_PATTERN.fullmatch(text):
        try:
            day = pd.Timestamp(dt.date.fromisoformat(text))
        except ValueError:
            raise RunNotFound(f"{_shown(text)} is not a date (YYYY-MM-DD)") from None
        return _longest_of_day(runs, day, units)
    found = runs[runs[C.ACTIVITY_ID] == text]
    if len(found):
        return found.iloc[0], ""
    every = getattr(history, "all_activities", history.activities)
    other = every[every[C.ACTIVITY_ID] == text]
    if not len(other):
        raise RunNotFound(f"no activity has the id {_shown(text)} (give a run's id or its date, YYYY-MM-DD)")
    kept = str(other.iloc[0].get(C.DUPLICATE_OF) or "")
    if kept and (runs[C.ACTIVITY_ID] == kept).any():
        return runs[runs[C.ACTIVITY_ID] == kept].iloc[0], f"{text} is a duplicate; the copy kept, {kept}, is explained."
    sport = "/".join(x for x in (other.iloc[0][C.SPORT], other.iloc[0][C.SUB_SPORT]) if x) or "no sport"
    raise RunNotFound(f"the activity {_shown(text)} is not a run ({sport})")


def _longest_of_day(runs: pd.DataFrame, day: pd.Timestamp, units: str) -> tuple[pd.Series, str]:
    that_day = runs[runs[C.DATE] == day]
    if not len(that_day):
        span = f" (runs from {runs[C.DATE].min():%Y-%m-%d} to {runs[C.DATE].max():%Y-%m-%d})" if len(runs) else ""
        raise RunNotFound(f"no run on {day:%Y-%m-%d} in the history{span}")
    ordered = that_day.assign(_d=that_day[C.DISTANCE_M].fillna(0.0), _t=that_day[C.DURATION_S].fillna(0.0))
    best = ordered.sort_values(["_d", "_t"], ascending=False, kind="stable").iloc[0]
    run = that_day.loc[best.name]
    if len(that_day) == 1:
        return run, ""
    others = ", ".join(
        f"{pd.Timestamp(r[C.START_LOCAL]):%H:%M} ({r[C.DISTANCE_M] / UNIT_M[units]:.1f} {units})"
        for _, r in that_day.iterrows()
        if r.name != best.name
    )
    return run, f"{len(that_day)} runs on {day:%Y-%m-%d}: the longest is explained (the others: {others})."


def explain(history, run: str, *, shoes=None, units: str = "km", overrides=None) -> RunExplained:
    """Explain one run of ``history`` (read_history's History): pick it (pick_run), run the
    detectors as of its local date, and gather its facts. Raises RunNotFound."""
    row, note = pick_run(history, run, units)
    day = pd.Timestamp(row[C.START_LOCAL]).normalize()
    ctx = Context(history, as_of=day.date(), shoes=shoes, units=units, overrides=overrides)
    analysis = run_detectors(ctx)
    samples = history.load_samples([row[C.ACTIVITY_ID]])
    facts = run_facts(ctx, row, samples) + before_facts(ctx, row) + wellness_facts(ctx, day)
    return RunExplained(row, note, analysis, tuple(facts), samples)


def title(ex: RunExplained) -> str:
    """'The 16.46 km run of Sat 08 Aug 2026, 13:30'."""
    start = pd.Timestamp(ex.run[C.START_LOCAL])
    return f"The {ex.analysis.context.fmt_dist(ex.run[C.DISTANCE_M], 2)} run of {start:%a %d %b %Y, %H:%M}"


def why_lines(ex: RunExplained, width: int = 100) -> list[str]:
    """The run explained in plain text, for the terminal: its numbers, what came before,
    the findings active that day, and what stands out (or that nothing does)."""
    wrap = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="      ")
    lines = [f"heavylegs why: {title(ex)} ({ex.run[C.SOURCE]})"]
    if ex.note:
        lines.append(ex.note)
    for section, heading in SECTIONS.items():
        lines += ["", f"{heading}:"]
        for f in ex.facts:
            if f.section == section and f.text:
                lines += wrap.wrap(f"{f.label}: {f.text}" + (f"  [stands out: {f.unusual}]" if f.unusual else ""))
    lines += [
        "",
        f"Causes active on {ex.date.isoformat()}, most likely first:" if ex.findings else "Causes: none active.",
    ]
    for v in finding_views(ex.findings):
        lines.append(f"{v.rank:>2}. [{v.severity.upper()}] {v.cause} ({v.category}), {v.start} to {v.end}")
        lines += wrap.wrap(v.message)
    lines.append("")
    if ex.nothing_stands_out:
        lines.append(NOTHING_STANDS_OUT)
    elif ex.unusual:
        lines.append("Stands out: " + "; ".join(f"{f.label} ({f.text or f.value})" for f in ex.unusual))
    return lines
