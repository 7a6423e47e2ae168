"""Other sports: rides, swims, rowing, strength and other sessions, a whole-body load
beside the running load (hours per week, and Banister TRIMP where heart rate exists)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import columns as C
from .common import up_to, week_start
from .intensity import hr_max_of, trimp

#: Activities that are not another sport's training (heavylegs convention): running
#: sessions (a run is running load; a running session too short to count as a run is
#: not another sport either); walks and golf rounds (everyday and leisure activity,
#: not training sessions); multisport transitions (the changeover, not a sport); and
#: activities whose sport the file does not say ('', 'unknown', FIT 'generic'),
#: which may be a walk or a drive.
NOT_OTHER_SPORTS = frozenset({"running", "walking", "golf", "transition", "", "unknown", "generic"})

#: How a sport is named in a message (FIT sport, FIT sub-sport); others are their FIT
#: name with spaces.
SPORT_WORDS = {
    ("training", "strength_training"): "strength training",
    ("cross_country_skiing", ""): "cross-country skiing",
    ("fitness_equipment", ""): "gym machines",
    ("stand_up_paddleboarding", ""): "paddleboarding",
}


def is_other_sport(activities: pd.DataFrame) -> pd.Series:
    """True for the activities that are other sports' training: not runs, not a
    duplicate, and not one of NOT_OTHER_SPORTS."""
    sport = activities[C.SPORT].fillna("").astype(str).str.strip().str.lower()
    keep = ~activities[C.IS_RUN].astype(bool) & ~sport.isin(NOT_OTHER_SPORTS)
    if C.DUPLICATE_OF in activities:
        keep &= activities[C.DUPLICATE_OF].fillna("") == ""
    return keep


def sport_word(sport: str, sub_sport: str = "") -> str:
    """A sport's name in a message: 'cycling', 'strength training', 'swimming'."""
    sport = str(sport or "").lower()
    sub = str(sub_sport or "").lower()
    for key in ((sport, sub), (sport, "")):
        if key in SPORT_WORDS:
            return SPORT_WORDS[key]
    return sport.replace("_", " ")


def sports_named(activities: pd.DataFrame) -> str:
    """The sports of some other-sport activities by time, most first: 'cycling',
    'cycling and swimming', 'cycling, swimming and rowing' ('' when there are none)."""
    if activities.empty:
        return ""
    words = [sport_word(s, sub) for s, sub in zip(activities[C.SPORT], activities[C.SUB_SPORT], strict=True)]
    by_time = pd.Series(activities[C.DURATION_S].fillna(0.0).to_numpy(), index=words).groupby(level=0).sum()
    names = by_time.sort_values(ascending=False, kind="stable").index.tolist()
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def other_sports(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """The other-sport activities up to ``as_of`` (is_other_sport), with a local
    ``date`` column, in start order."""
    acts = up_to(activities, as_of)
    out = acts[is_other_sport(acts)].copy()
    out[C.DATE] = pd.to_datetime(out[C.START_LOCAL]).dt.normalize()
    return out.sort_values(C.START_LOCAL, kind="stable").reset_index(drop=True)


def other_sports_weekly(
    activities: pd.DataFrame,
    weeks: pd.DatetimeIndex,
    as_of=None,
    hr_hist: pd.DataFrame | None = None,
    hr_max: float | None = None,
) -> pd.DataFrame:
    """Other sports per local week: hours and Banister TRIMP.

    Parameters
    ----------
    activities : the activity table (runs and other sports).
    weeks : the week starts (Mondays) of the table returned.
    hr_hist : heart-rate histograms (load.hr_histogram) of any activities; those of
        the other sports give their TRIMP.
    hr_max : the runner's maximal heart rate [bpm] for TRIMP (the one the runs' TRIMP
        uses); default the 99.9th percentile of the other sports' histograms.

    Returns a frame indexed by ``weeks``: other_sports_h [h] (time of the week's other
    sports, strength included), other_sports_trimp [a.u.] (their TRIMP: 0 in a week
    without other sports, NaN in a week whose other sports have no heart rate; the sum
    over those with heart rate otherwise).
    """
    acts = other_sports(activities, as_of)
    week = week_start(acts[C.DATE]).to_numpy()
    hours = (acts[C.DURATION_S].fillna(0.0) / 3600.0).groupby(week).sum()
    out = pd.DataFrame(index=weeks)
    out[C.OTHER_SPORTS_H] = hours.reindex(weeks, fill_value=0.0).astype("float64").to_numpy()
    trimps = pd.Series(dtype="float64")
    if hr_hist is not None and len(hr_hist) and len(acts):
        hist = hr_hist[hr_hist[C.ACTIVITY_ID].isin(acts[C.ACTIVITY_ID])]
        if len(hist):
            hr_max = hr_max if hr_max is not None and np.isfinite(hr_max) else hr_max_of(hist)
            trimps = trimp(histogram=hist, hr_max=hr_max)
    per_act = acts[C.ACTIVITY_ID].map(trimps).astype("float64")
    summed = per_act.groupby(week).sum(min_count=1).reindex(weeks)
    sessions = per_act.groupby(week).size().reindex(weeks, fill_value=0)
    out[C.OTHER_SPORTS_TRIMP] = np.where(sessions.to_numpy() == 0, 0.0, summed.to_numpy())
    return out
