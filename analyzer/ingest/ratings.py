"""The runner's ratings of activities given by another file than the activity's own
(Garmin's summarizedActivities.json, the Connect API's activity JSON, Strava's
activities.csv): matched to the activities read from files by start time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from ..features.shoes import GEAR_MATCH_S


def apply_ratings(activities: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """``activities`` with FEEL, RPE and RATING_SOURCE filled, where the activity file
    gave no rating, from the rating (RATING_COLUMNS) whose start is nearest the
    activity's and within GEAR_MATCH_S (the tolerance the shoes, the Strava rows and
    the duplicate rule use). A rating the activity's own file gave is kept."""
    if ratings is None or ratings.empty or activities.empty:
        return activities
    rated = ratings[ratings[C.FEEL].notna() | ratings[C.RPE].notna()]
    if rated.empty:
        return activities
    rated = rated.assign(_t=pd.to_datetime(rated[C.START_UTC], utc=True)).dropna(subset=["_t"])
    rated = rated.sort_values("_t", kind="stable").drop_duplicates("_t", keep="first")
    r_ns = rated["_t"].dt.as_unit("ns").astype("int64").to_numpy()
    a_t = pd.to_datetime(activities[C.START_UTC], utc=True).dt.as_unit("ns")
    known = a_t.notna().to_numpy()
    a_ns = a_t.astype("int64").to_numpy()
    pos = np.clip(np.searchsorted(r_ns, a_ns), 1, max(1, len(r_ns) - 1)) if len(r_ns) > 1 else np.zeros(len(a_ns), int)
    left = np.clip(pos - 1, 0, len(r_ns) - 1)
    right = np.clip(pos, 0, len(r_ns) - 1)
    take = np.where(np.abs(r_ns[left] - a_ns) <= np.abs(r_ns[right] - a_ns), left, right)
    gap_s = np.abs(r_ns[take] - a_ns) / 1e9
    unrated = activities[C.FEEL].isna().to_numpy() & activities[C.RPE].isna().to_numpy()
    use = known & unrated & (gap_s <= GEAR_MATCH_S)
    if not use.any():
        return activities
    out = activities.copy()
    rows = rated.iloc[take[use]]
    out.loc[use, C.FEEL] = rows[C.FEEL].to_numpy(dtype=float)
    out.loc[use, C.RPE] = rows[C.RPE].to_numpy(dtype=float)
    out.loc[use, C.RATING_SOURCE] = rows[C.RATING_SOURCE].astype(str).to_numpy()
    return out
