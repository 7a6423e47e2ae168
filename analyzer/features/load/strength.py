"""Strength sessions per local week."""

from __future__ import annotations

import pandas as pd

from ... import columns as C
from .common import up_to, week_start

#: Strength sessions: FIT sport 'training' with sub-sport 'strength_training' (FIT
#: profile), any sport with that sub-sport, and other vendors' names for it.
STRENGTH_SUB_SPORTS = frozenset({"strength_training"})
STRENGTH_SPORTS = frozenset({"strength_training", "weight_training", "weighttraining", "crossfit"})


def is_strength(activities: pd.DataFrame) -> pd.Series:
    sport = activities[C.SPORT].fillna("").str.lower()
    sub = activities[C.SUB_SPORT].fillna("").str.lower()
    return sub.isin(STRENGTH_SUB_SPORTS) | sport.isin(STRENGTH_SPORTS)


def strength_sessions(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Strength sessions per local week: FIT sport 'training' / sub-sport
    'strength_training' and other vendors' strength codes.

    Returns a frame indexed by week_start: sessions [-], duration_s [s]; weeks between
    the first and last activity of the history are all present (zeros).
    """
    acts = up_to(activities, as_of)
    if C.DUPLICATE_OF in acts:
        acts = acts[acts[C.DUPLICATE_OF].fillna("") == ""]
    if acts.empty:
        return pd.DataFrame(columns=[C.SESSIONS, C.DURATION_S], index=pd.DatetimeIndex([], name=C.WEEK_START))
    local = pd.to_datetime(acts[C.START_LOCAL])
    first = week_start(pd.Series([local.min()])).iloc[0]
    last = week_start(pd.Series([pd.Timestamp(as_of) if as_of is not None else local.max()])).iloc[0]
    weeks = pd.date_range(first, last, freq="7D", name=C.WEEK_START)
    st = acts[is_strength(acts)]
    per = st.groupby(week_start(pd.to_datetime(st[C.START_LOCAL])).to_numpy()).agg(
        **{C.SESSIONS: (C.ACTIVITY_ID, "size"), C.DURATION_S: (C.DURATION_S, "sum")}
    )
    out = per.reindex(weeks, fill_value=0)
    out[C.SESSIONS] = out[C.SESSIONS].astype("int64")
    return out
