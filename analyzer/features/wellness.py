"""Wellness by day, and the runner's own ratings of runs: which runs they called heavy.

``daily_wellness`` turns the long table of readings (columns.wellness) into one row per
local day with one column per metric and the file each value came from. ``run_ratings``
puts each run's ratings (feel, RPE, the diary's legs_heavy of its day) beside whether
the runner called it heavy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C

#: A run rated 'weak' or 'very weak' on Garmin's "How did you feel?" (FIT workout_feel
#: 0/25 of 0-100) is a heavy-legs run (heavylegs convention, issue 17: the two lowest of
#: the watch's five answers).
HEAVY_FEEL_MAX = 25.0
#: A run rated this hard or harder (Borg CR10 7-8 'very hard'; Borg G, Borg's Perceived
#: Exertion and Pain Scales 1998) at an easy pace is a heavy-legs run: hard effort
#: where the pace asked for little (heavylegs convention, issue 17).
HEAVY_RPE_MIN = 8.0
#: A diary legs_heavy_0_10 at or above this is a heavy-legs day (heavylegs convention:
#: the upper part of the 0-10 scale).
HEAVY_DIARY_MIN = 6.0
#: An easy pace is slower than the runner's median pace over this many days before
#: the run (heavylegs convention, issue 17).
EASY_PACE_WINDOW_D = 60
#: ...judged only with at least this many runs in that window (fewer: not judged).
EASY_PACE_MIN_RUNS = 5


def daily_wellness(wellness: pd.DataFrame, weights: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per local day (DAILY_WELLNESS_COLUMNS): each metric's value (text for
    TEXT_METRICS) and ``<metric>_source``, the file it came from. Where two sources give
    the same metric for a day, the first kind in columns.ORIGINS wins (a device over
    the diary), then the first file; stand-ins (columns.NOT_DAILY_ORIGINS) are left out. ``weights`` (History.weights) gives weight_kg: the
    day's last reading (by UTC date: weights carry no local offset)."""
    frames = []
    if wellness is not None and len(wellness):
        wellness = wellness[~wellness[C.ORIGIN].isin(C.NOT_DAILY_ORIGINS)]
    if wellness is not None and len(wellness):
        rank = {origin: i for i, origin in enumerate(C.ORIGINS)}
        w = wellness.assign(_rank=wellness[C.ORIGIN].map(rank).fillna(len(rank)), _order=np.arange(len(wellness)))
        w = w.sort_values(["_rank", "_order"], kind="stable").drop_duplicates([C.DATE, C.METRIC], keep="first")
        is_text = w[C.METRIC].isin(C.TEXT_METRICS)
        values = w[~is_text].pivot(index=C.DATE, columns=C.METRIC, values=C.VALUE)
        texts = w[is_text].pivot(index=C.DATE, columns=C.METRIC, values=C.TEXT)
        sources = w.pivot(index=C.DATE, columns=C.METRIC, values=C.WELLNESS_SOURCE).add_suffix(C.SOURCE_SUFFIX)
        frames += [values, texts, sources]
    if weights is not None and len(weights):
        ordered = weights.sort_values(C.TIMESTAMP, kind="stable")
        day = ordered[C.TIMESTAMP].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
        last = ordered.assign(**{C.DATE: day}).groupby(C.DATE).last()
        frames.append(
            pd.DataFrame(
                {
                    C.WELLNESS_WEIGHT_KG: last[C.WEIGHT_KG],
                    C.WELLNESS_WEIGHT_KG + C.SOURCE_SUFFIX: last[C.SOURCE].astype(str),
                }
            )
        )
    if not frames:
        return _empty_daily()
    out = pd.concat(frames, axis=1, sort=False).sort_index()
    out.index = pd.DatetimeIndex(out.index).astype("datetime64[ns]")
    out.index.name = C.DATE
    for metric in [*C.METRICS, C.WELLNESS_WEIGHT_KG]:
        if metric not in out:
            out[metric] = "" if metric in C.TEXT_METRICS else np.nan
        if metric + C.SOURCE_SUFFIX not in out:
            out[metric + C.SOURCE_SUFFIX] = ""
    for metric in [*C.METRICS, C.WELLNESS_WEIGHT_KG]:
        if metric in C.TEXT_METRICS:
            out[metric] = out[metric].fillna("").astype(str)
        else:
            out[metric] = pd.to_numeric(out[metric], errors="coerce").astype(np.float64)
        out[metric + C.SOURCE_SUFFIX] = out[metric + C.SOURCE_SUFFIX].fillna("").astype(str)
    return out[list(_daily_order())].reset_index()


def _daily_order() -> list[str]:
    cols = [*C.METRICS, C.WELLNESS_WEIGHT_KG]
    return cols + [c + C.SOURCE_SUFFIX for c in cols]


def _empty_daily() -> pd.DataFrame:
    data = {C.DATE: np.array([], dtype="datetime64[ns]")}
    for col in _daily_order():
        text = col in C.TEXT_METRICS or col.endswith(C.SOURCE_SUFFIX)
        data[col] = np.array([], dtype=object if text else np.float64)
    return pd.DataFrame(data)


def easy_pace(runs: pd.DataFrame, only: np.ndarray | None = None) -> pd.Series:
    """Per run: True when its pace [s/m] is slower than the median pace of the runner's
    runs in the EASY_PACE_WINDOW_D days before it (at least EASY_PACE_MIN_RUNS of
    them); False when faster or not judged. ``only`` (bool per run): judge only those
    (the others are False), e.g. the runs rated hard enough to ask."""
    if runs.empty:
        return pd.Series([], dtype=bool)
    t = pd.to_datetime(runs[C.START_LOCAL]).to_numpy(dtype="datetime64[ns]")
    pace = (runs[C.DURATION_S] / runs[C.DISTANCE_M].where(runs[C.DISTANCE_M] > 0)).to_numpy(dtype=float)
    order = np.argsort(t, kind="stable")
    t_sorted, pace_sorted = t[order], pace[order]
    window = np.timedelta64(EASY_PACE_WINDOW_D, "D")
    out = np.zeros(len(runs), dtype=bool)
    wanted = np.ones(len(runs), dtype=bool) if only is None else np.asarray(only, dtype=bool)
    for i in np.flatnonzero(wanted & np.isfinite(pace)):
        lo = np.searchsorted(t_sorted, t[i] - window, side="left")
        hi = np.searchsorted(t_sorted, t[i], side="left")
        before = pace_sorted[lo:hi]
        before = before[np.isfinite(before)]
        if len(before) >= EASY_PACE_MIN_RUNS:
            out[i] = pace[i] > np.median(before)
    return pd.Series(out, index=runs.index)


def run_ratings(runs: pd.DataFrame, daily: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per run (RUN_RATING_COLUMNS): its feel and RPE, the diary's legs_heavy of
    its local day, whether its pace was easy, and whether the runner called it heavy
    (HEAVY_FEEL_MAX, HEAVY_RPE_MIN at an easy pace, HEAVY_DIARY_MIN) and why."""
    if runs.empty:
        return pd.DataFrame({name: pd.Series([], dtype=_rating_dtype(name)) for name in C.RUN_RATING_COLUMNS})
    day = pd.to_datetime(runs[C.START_LOCAL]).dt.normalize().astype("datetime64[ns]")
    legs = pd.Series(np.nan, index=runs.index)
    if daily is not None and len(daily):
        by_day = daily.set_index(C.DATE)[C.LEGS_HEAVY]
        legs = day.map(by_day).astype(float)
    feel = runs[C.FEEL].astype(float) if C.FEEL in runs else pd.Series(np.nan, index=runs.index)
    rpe = runs[C.RPE].astype(float) if C.RPE in runs else pd.Series(np.nan, index=runs.index)
    # Only a run rated hard enough asks whether its pace was easy.
    easy = easy_pace(runs, only=(rpe >= HEAVY_RPE_MIN).to_numpy())
    reasons = []
    for f, r, e, leg in zip(feel, rpe, easy, legs, strict=True):
        why = []
        if f <= HEAVY_FEEL_MAX:
            why.append(f"felt {'very weak' if f < HEAVY_FEEL_MAX else 'weak'} ({f:g}/100)")
        if r >= HEAVY_RPE_MIN and e:
            why.append(f"perceived effort {r:g}/10 at an easy pace")
        if leg >= HEAVY_DIARY_MIN:
            why.append(f"diary: legs heavy {leg:g}/10")
        reasons.append("; ".join(why))
    return pd.DataFrame(
        {
            "activity_id": runs[C.ACTIVITY_ID].to_numpy(),
            "date": day.to_numpy(),
            C.FEEL: feel.to_numpy(dtype=float),
            C.RPE: rpe.to_numpy(dtype=float),
            C.LEGS_HEAVY: legs.to_numpy(dtype=float),
            "easy_pace": easy.to_numpy(dtype=bool),
            C.HEAVY: np.array([bool(x) for x in reasons], dtype=bool),
            C.HEAVY_REASON: np.array(reasons, dtype=object),
        }
    )


def _rating_dtype(name: str) -> str:
    if name in (C.FEEL, C.RPE, C.LEGS_HEAVY):
        return "float64"
    if name in ("easy_pace", C.HEAVY):
        return "bool"
    if name == "date":
        return "datetime64[ns]"
    return "object"
