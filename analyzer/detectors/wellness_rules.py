"""What the wellness detectors share: the weeks they judge, the runner's own band of a
daily marker, and how much data a week and a baseline need.

A week is the 7 local days ending on the analysis date, and, for each run in the
lookback that the runner rated heavy (features.wellness.run_ratings), the 7 days ending
on that run's day (a night is dated by the day the runner woke up: the night before a
morning run is on the run's day). A marker's band is the runner's own: the mean of its
daily values over the BASELINE_DAYS before the week, give or take the smallest
worthwhile change, SWC_SD_FRACTION x their standard deviation (Plews 2012; Buchheit
2014). Population cut-offs are not used: HRV and resting heart rate differ between
people far more than they move within one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import columns as C
from .base import LOOKBACK_DAYS, Finding, iso

#: A week: the 7 nights (days) that end on its last day (Plews 2012: the 7-day rolling mean).
WEEK_DAYS = 7
#: The runner's baseline: the days before the week (Plews 2012 and Buchheit 2014 judge
#: against the athlete's own recent weeks; 60 days, issue 17, covers two training blocks
#: and leaves the week out, so a bad week does not lower its own band).
BASELINE_DAYS = 60
#: The smallest worthwhile change is this fraction of the baseline's between-day SD
#: (Buchheit M, Front Physiol 2014;5:73; Plews et al. 2012).
SWC_SD_FRACTION = 0.5
#: At least this many valid days in a week (Plews DJ et al., Int J Sports Physiol Perform
#: 2014;9:783: three nights a week give a valid weekly HRV; heavylegs uses the same for
#: resting heart rate).
MIN_MARKER_DAYS = 3
#: A baseline needs at least this many days with a value (heavylegs convention: three
#: weeks, as Garmin's HRV Status needs about three weeks of nights before it shows a
#: baseline; fewer days give an SD too unsure to set a band).
MIN_BASELINE_DAYS = 21
BASELINE_SOURCE = (
    "heavylegs convention: three weeks of values before a band is set, as Garmin's HRV Status waits "
    "about three weeks; fewer give too unsure an SD"
)
#: A marker this many smallest worthwhile changes past its band edge is MEDIUM (heavylegs
#: convention: the 7-day mean of independent days has an SD of 0.38 x the daily SD, so a
#: mean one SWC (0.5 SD) off happens about one week in eleven by chance, two SWCs (1 SD)
#: about one in 250); alone a marker is never HIGH (Buchheit 2014: one marker does not
#: tell fatigue from illness or noise).
MEDIUM_SWC_MULTIPLE = 2.0
SEVERITY_SOURCE = (
    "heavylegs convention: a 7-day mean one SWC off happens about one week in eleven by chance, two SWCs "
    "about one in 250; one marker alone is never HIGH (Buchheit 2014)"
)


@dataclass(frozen=True)
class Week:
    """A week judged: its last day (naive local midnight) and, for the week before a run
    the runner rated heavy, why it was heavy ('' for the analysis date's week)."""

    end: pd.Timestamp
    heavy: str = ""
    #: a week of the history before the lookback's (for the timeline), not a current one
    past: bool = False

    @property
    def start(self) -> pd.Timestamp:
        return self.end - pd.Timedelta(days=WEEK_DAYS - 1)

    def words(self, what: str = "nights") -> str:
        """'the 7 nights to 10 Mar 2024', or '... before your run of 8 Mar 2024, rated heavy (why)'."""
        if not self.heavy:
            return f"the {WEEK_DAYS} {what} to {self.end:%d %b %Y}"
        return f"the {WEEK_DAYS} {what} to your run of {self.end:%d %b %Y}, which you rated heavy ({self.heavy})"


def weeks(ctx) -> list[Week]:
    """The analysis date's week, then the week before each day in the lookback on which
    a run was rated heavy, latest first; then, for the timeline, the history's earlier
    weeks (``past``): the weeks before older heavy-rated runs and the weeks ending every
    7 days back from the analysis date to the first wellness reading."""
    heavy: dict[pd.Timestamp, str] = {}
    r = ctx.ratings
    first = ctx.as_of_ts - pd.Timedelta(days=LOOKBACK_DAYS)
    if len(r):
        rated = r[r[C.HEAVY] & (r["date"] <= ctx.as_of_ts)]
        for day, rows in rated.groupby("date"):
            heavy[pd.Timestamp(day)] = "; ".join(dict.fromkeys(rows[C.HEAVY_REASON]))
    out = [Week(ctx.as_of_ts, heavy.pop(ctx.as_of_ts, ""))]
    out += [Week(day, why) for day, why in sorted(heavy.items(), reverse=True) if day > first]
    past = [Week(day, why, past=True) for day, why in heavy.items() if day <= first]
    w = ctx.wellness
    if len(w):
        start = pd.Timestamp(w[C.DATE].min()) + pd.Timedelta(days=WEEK_DAYS - 1)
        end = ctx.as_of_ts - pd.Timedelta(days=WEEK_DAYS)
        while end >= start:
            past.append(Week(end, past=True))
            end -= pd.Timedelta(days=WEEK_DAYS)
    return out + sorted(past, key=lambda week: week.end, reverse=True)


def daily(ctx, metric: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """The valid (finite, positive) values of ``metric`` from ``start`` to ``end``
    (inclusive), indexed by day."""
    w = ctx.wellness
    if metric not in w or not len(w):
        return pd.Series([], dtype=float)
    inside = (w[C.DATE] >= start) & (w[C.DATE] <= end)
    values = pd.Series(w.loc[inside, metric].to_numpy(dtype=float), index=w.loc[inside, C.DATE])
    return values[np.isfinite(values) & (values > 0)]


@dataclass(frozen=True)
class Band:
    """A week's mean of a daily marker against the runner's band (in the marker's
    transformed unit: ln ms for HRV, bpm for resting heart rate)."""

    week_mean: float
    week_days: int
    base_mean: float
    base_sd: float
    base_days: int

    @property
    def swc(self) -> float:
        return SWC_SD_FRACTION * self.base_sd

    def past(self, direction: int) -> float:
        """How far the week's mean lies past the band's edge on the side ``direction``
        (-1 below, +1 above), in SWCs; negative when inside the band."""
        if self.swc <= 0:
            return -math.inf
        return (direction * (self.week_mean - self.base_mean) - self.swc) / self.swc


def band(ctx, metric: str, week: Week, transform: Callable[[np.ndarray], np.ndarray] | None = None) -> Band | str:
    """The week's mean of ``metric`` (transformed) against its BASELINE_DAYS baseline;
    a reason (str) when the week or the baseline has too few days."""
    f = transform or (lambda x: x)
    days = daily(ctx, metric, week.start, week.end)
    if len(days) < MIN_MARKER_DAYS:
        return f"{len(days)} of {week.words('days')} recorded, at least {MIN_MARKER_DAYS} needed"
    base_end = week.start - pd.Timedelta(days=1)
    base = daily(ctx, metric, base_end - pd.Timedelta(days=BASELINE_DAYS - 1), base_end)
    if len(base) < MIN_BASELINE_DAYS:
        return (
            f"{len(base)} days recorded in the {BASELINE_DAYS} days before {week.words('days')}, at least "
            f"{MIN_BASELINE_DAYS} needed for your own baseline"
        )
    values, ref = f(days.to_numpy(dtype=float)), f(base.to_numpy(dtype=float))
    return Band(float(values.mean()), len(days), float(ref.mean()), float(ref.std(ddof=1)), len(base))


class ByWeek:
    """A detector that judges weeks (mixed in before Detector): its ``_week(ctx, week)``
    gives a Finding, None or a reason, and ``detect`` is judge_weeks over them."""

    def detect(self, ctx):
        got = judge_weeks(ctx, lambda week: self._week(ctx, week))
        return self.skipped(got) if isinstance(got, str) else got


#: How a detector's reason begins when no week had data enough to judge.
TOO_LITTLE = "too little data to judge: "


def judge_weeks(ctx, judge: Callable[[Week], Finding | str | None]) -> list[Finding] | str:
    """``judge`` on every week (weeks), latest first: the findings of weeks that do not
    overlap a week already found; or, when no current week could be judged and no week
    gave a finding, the analysis date's reason (str). ``judge`` returns a Finding, None (judged: nothing), or a reason (str:
    too little data)."""
    found: list[Finding] = []
    reasons: list[str] = []
    judged = False
    for week in weeks(ctx):
        if any(iso(week.start) <= f.window["end"] and f.window["start"] <= iso(week.end) for f in found):
            continue
        got = judge(week)
        if isinstance(got, str):
            if not week.past:
                reasons.append(got)
            continue
        judged |= not week.past
        if got is not None:
            found.append(got)
    if not judged and not found:
        return TOO_LITTLE + reasons[0]
    return found


def severity_of(past_swc: float) -> str:
    """LOW past the band, MEDIUM past MEDIUM_SWC_MULTIPLE smallest worthwhile changes
    (``past_swc`` from Band.past: 0 at the edge, 1 one more SWC beyond it)."""
    return "medium" if past_swc >= MEDIUM_SWC_MULTIPLE - 1 else "low"


def mode_text(ctx, metric: str, start: pd.Timestamp, end: pd.Timestamp) -> tuple[str, int, int]:
    """The most frequent text of ``metric`` (a device's status) from ``start`` to
    ``end``, how many days said it, and how many days had one ('' when none)."""
    w = ctx.wellness
    if metric not in w or not len(w):
        return "", 0, 0
    inside = (w[C.DATE] >= start) & (w[C.DATE] <= end)
    texts = w.loc[inside, metric].astype(str).str.strip().str.lower()
    texts = texts[texts != ""]
    if texts.empty:
        return "", 0, 0
    counts = texts.value_counts()
    return str(counts.index[0]), int(counts.iloc[0]), len(texts)


#: Body-mass readings outside this range [kg] are not a runner's: a profile left at 0
#: (Strava's Athlete Weight 0.0 when not set) or a unit slip (heavylegs convention).
PLAUSIBLE_KG = (25.0, 300.0)


def plausible_weights(weights: pd.DataFrame) -> pd.DataFrame:
    """The readings of ``weights`` (History.weights layout) within PLAUSIBLE_KG."""
    if weights is None or not len(weights):
        return weights
    kg = pd.to_numeric(weights[C.WEIGHT_KG], errors="coerce")
    return weights[kg.between(*PLAUSIBLE_KG)].reset_index(drop=True)
