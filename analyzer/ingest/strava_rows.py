"""Strava's activities.csv rows as activities.

A row of the CSV whose activity was not read from a file (its file is not among the
inputs, or could not be read) is an activity of its own: its sport from the Strava
type, its distance and elapsed time from the CSV, no samples. A row whose activity was
read from a file (matched by file name, else by start time) is that activity, and is
not added a second time. The CSV gives UTC times only: the rows are placed in the
runner's calendar later, with the offset of the nearest activity whose offset is known
(local_time.fill_local_time), and their note says so.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import columns as C
from ..features import per_run
from ..features.shoes import GEAR_MATCH_S
from ..importers.gear import strava_sport
from ..importers.plausible import judge_run
from ..tables import activity_frame

#: The activity table's ``format`` of an activity made from a CSV row.
STRAVA_CSV_FORMAT = "strava_csv"
#: Its utc_offset_source: the offset is borrowed from the nearest known one.
CSV_OFFSET_SOURCE = "unknown: Strava activities.csv gives UTC times only"
CSV_NOTE = (
    "from a row of Strava's activities.csv (its activity file is not among the inputs): "
    "distance and elapsed time from the CSV, no samples"
)
#: The gear table's air temperature [degC] (importers.gear: Strava's Weather Temperature).
WEATHER = "weather_temperature_c"
#: The gear table's runner's rating (importers.gear: Strava's Perceived Exertion, 1-10).
RPE = "rpe_0_10"
#: form_reason of a run made from a CSV row.
CSV_FORM_REASON = "no samples: a row of Strava's activities.csv (no activity file)"


def _tail(source: str) -> str:
    """The part of a source label a Strava filename can match: after the last '!'
    (inside an archive), with backslashes as slashes."""
    return str(source).replace("\\", "/").rsplit("!", 1)[-1]


def match_rows(gear: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """The pairs (row of a gear table, activity read from a file) that are one activity:
    the activity's source ends with the row's filename (the path after the export's
    root, e.g. 'activities/123.fit.gz'), or the activity (any sport) starts within
    GEAR_MATCH_S of the row (the tolerance the shoes and the duplicate rule use).

    Returns one row per pair: ``row`` and ``activity`` (positions in ``gear`` and
    ``activities``), ``by_file`` (matched by file name) and ``gap_s`` (|start
    difference| [s], NaN where a start is unknown).
    """
    pairs = pd.DataFrame({"row": pd.Series([], dtype="int64"), "activity": pd.Series([], dtype="int64")})
    if len(gear) == 0 or activities.empty:
        return pairs.assign(by_file=pd.Series([], dtype=bool), gap_s=pd.Series([], dtype="float64"))
    by_base: dict[str, list[tuple[int, str]]] = {}
    for j, source in enumerate(activities[C.SOURCE].astype(str)):
        tail = _tail(source)
        by_base.setdefault(tail.rsplit("/", 1)[-1], []).append((j, tail))
    names = gear["filename"].fillna("").astype(str).str.strip().str.replace("\\", "/", regex=False)
    by_file = [
        (i, j)
        for i, fn in enumerate(names)
        if fn
        for j, t in by_base.get(fn.rsplit("/", 1)[-1], ())
        if t == fn or t.endswith("/" + fn)
    ]
    act_ns, act_known = _ns(activities[C.START_UTC])
    row_ns, row_known = _ns(gear["start_utc"])
    order = np.flatnonzero(act_known)
    order = order[np.argsort(act_ns[order], kind="stable")]
    starts, rows = act_ns[order], np.flatnonzero(row_known)
    tol = int(GEAR_MATCH_S * 1e9)
    lo = np.searchsorted(starts, row_ns[rows] - tol, "left")
    hi = np.searchsorted(starts, row_ns[rows] + tol, "right")
    near = [(i, j) for i, a, b in zip(rows, lo, hi, strict=True) for j in order[a:b]]
    pairs = pd.DataFrame(by_file + near, columns=["row", "activity"], dtype="int64")
    pairs["by_file"] = np.arange(len(pairs)) < len(by_file)
    pairs = pairs.drop_duplicates(["row", "activity"]).reset_index(drop=True)  # by file name first
    i, j = pairs["row"].to_numpy(), pairs["activity"].to_numpy()
    gap = np.abs(act_ns[j] - row_ns[i]) / 1e9
    pairs["gap_s"] = np.where(act_known[j] & row_known[i], gap, np.nan)
    return pairs


def _ns(times: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(UTC times as int64 nanoseconds, where they are known)."""
    t = pd.to_datetime(times, utc=True).dt.as_unit("ns")
    return t.astype("int64").to_numpy(), t.notna().to_numpy()


def rows_read_from_files(gear: pd.DataFrame, activities: pd.DataFrame) -> np.ndarray:
    """For each row of a gear table, True when its activity was read from a file (it
    is matched to one: match_rows)."""
    return np.isin(np.arange(len(gear)), match_rows(gear, activities)["row"])


def matched_weather(gear: pd.DataFrame, activities: pd.DataFrame) -> np.ndarray:
    """For each activity read from a file, the air temperature [degC] of the CSV row
    matched to it (match_rows) that gives one: the row its file name matches, else the
    row starting nearest it; NaN when no matched row gives one."""
    out = np.full(len(activities), np.nan)
    pairs = match_rows(gear, activities)
    temps = gear[WEATHER].to_numpy(dtype="float64", na_value=np.nan)[pairs["row"].to_numpy()]
    pairs = pairs.assign(temp=temps)[np.isfinite(temps)]
    best = pairs.sort_values(["by_file", "gap_s"], ascending=[False, True], kind="stable")
    best = best.drop_duplicates("activity")
    out[best["activity"].to_numpy()] = best["temp"].to_numpy()
    return out


def own_rows(gear: pd.DataFrame, activities: pd.DataFrame) -> np.ndarray:
    """For each activity read from a file, the position of its own row in the gear
    table: the row its file name matches, else the row starting nearest it within
    GEAR_MATCH_S (match_rows); -1 when none is."""
    out = np.full(len(activities), -1, dtype=np.int64)
    pairs = match_rows(gear, activities)
    best = pairs.sort_values(["by_file", "gap_s"], ascending=[False, True], kind="stable")
    best = best.drop_duplicates("activity")
    out[best["activity"].to_numpy()] = best["row"].to_numpy()
    return out


def with_row_ratings(activities: pd.DataFrame, gear: pd.DataFrame, label: str) -> pd.DataFrame:
    """``activities`` (read from files) where each one its own file did not rate (no
    feel, no RPE) takes the Perceived Exertion of its own CSV row (own_rows: by file
    name, else the nearest start) as its RPE, with the CSV's ``label`` as its
    rating_source. A rating is one activity's: a neighbouring row's (another activity
    within GEAR_MATCH_S) is never taken, and a row matched by file name gives its
    rating however far its start is. This is how a Strava CSV's ratings reach the
    activities; read_history keeps them out of apply_ratings (by start only)."""
    if RPE not in gear or activities.empty:
        return activities
    row = own_rows(gear, activities)
    rpe = np.full(len(activities), np.nan)
    has = row >= 0
    rpe[has] = gear[RPE].to_numpy(dtype="float64", na_value=np.nan)[row[has]]
    use = np.isfinite(rpe) & activities[C.FEEL].isna().to_numpy() & activities[C.RPE].isna().to_numpy()
    if not use.any():
        return activities
    out = activities.copy()
    out.loc[use, C.RPE] = rpe[use]
    out.loc[use, C.RATING_SOURCE] = label
    return out


def _float(value) -> float:
    """A gear-table number as a float (NaN where missing)."""
    return float(value) if pd.notna(value) else math.nan


def _row(i: int, r, sha: str, label: str) -> dict:
    """The activity row of CSV row ``i`` (``r``: its gear-table row)."""
    sport, sub_sport = strava_sport(r["type"])
    start = pd.Timestamp(r["start_utc"])
    elapsed = _float(r["elapsed_s"])
    rpe = _float(r.get(RPE))
    row = {
        C.ACTIVITY_ID: f"{sha[:16]}-{i}",
        C.SOURCE: f"{label} (Strava activity {r['strava_id']})",
        C.FILE_SHA256: sha,
        C.FORMAT: STRAVA_CSV_FORMAT,
        C.SESSION_INDEX: i,
        C.MANUFACTURER: "",
        C.PRODUCT: "",
        C.SPORT: sport,
        C.SUB_SPORT: sub_sport,
        C.SPORT_SOURCE: "file",
        C.IS_RUN: sport == "running",
        C.START_UTC: start,
        C.END_UTC: start + pd.Timedelta(seconds=elapsed if math.isfinite(elapsed) else 0.0),
        C.UTC_OFFSET_S: math.nan,
        C.UTC_OFFSET_SOURCE: CSV_OFFSET_SOURCE,
        C.ELAPSED_S: elapsed,
        C.TIMER_S: math.nan,
        C.DURATION_S: elapsed,
        C.DISTANCE_M: _float(r["distance_m"]),
        C.N_SAMPLES: 0,
        C.HAS_HR: False,
        C.HAS_DYNAMICS: False,
        C.AVG_HR: math.nan,
        C.WEATHER_TEMPERATURE_C: _float(r[WEATHER]),
        C.FEEL: math.nan,
        C.RPE: rpe,
        C.RATING_SOURCE: label if math.isfinite(rpe) else "",
        C.DUPLICATE_OF: "",
        C.NOTE: CSV_NOTE,
    }
    # The importers' two checks of a run (too short to be one; faster than any human).
    return judge_run(row)


def csv_activities(
    gear: pd.DataFrame, sha: str, label: str, activities: pd.DataFrame, note: str = ""
) -> tuple[pd.DataFrame, str]:
    """(the activity rows of the CSV rows not read from a file, a one-line account).

    Parameters
    ----------
    gear : one CSV's gear table (importers.gear.decode_gear_csv).
    sha, label : the CSV's SHA-256 and its label (path) among the inputs.
    activities : the activities read from files (their source and start_utc).
    note : the CSV's note from its import (importers.strava_csv): what it says after
        its first part (ratings, weights, headers not recognised) ends the account.

    Each new activity is '<first 16 hex of the CSV's SHA-256>-<row>' with the row's
    index as its session index, source '<label> (Strava activity <id>)', format
    'strava_csv', its RPE the row's Perceived Exertion, no samples; rows without a
    readable date are left out (counted).
    """
    read = rows_read_from_files(gear, activities)
    dated = pd.to_datetime(gear["start_utc"], utc=True).notna().to_numpy()
    rows = [_row(i, gear.iloc[i], sha, label) for i in np.flatnonzero(~read & dated)]
    with_gear = int((gear["gear"].fillna("").astype(str).str.strip() != "").sum())
    parts = [
        f"Strava activities.csv: {len(gear)} activities, {with_gear} with gear",
        f"{int(read.sum())} read from their files",
        f"{len(rows)} added from its rows (no activity file among the inputs)",
    ]
    if (~dated).any():
        parts.append(f"{int((~dated).sum())} without a readable date left out")
    parts += [p for p in note.split("; ")[1:] if p]
    return activity_frame(rows), "; ".join(parts)


def csv_run_features(rows: pd.DataFrame) -> pd.DataFrame:
    """The per-run features of runs made from CSV rows: every figure NaN, form_reason
    saying why (they have no samples)."""
    feats, _ = per_run.features_from_samples(rows, pd.DataFrame())
    feats[C.FORM_REASON] = CSV_FORM_REASON
    return feats
