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
#: form_reason of a run made from a CSV row.
CSV_FORM_REASON = "no samples: a row of Strava's activities.csv (no activity file)"


def _tail(source: str) -> str:
    """The part of a source label a Strava filename can match: after the last '!'
    (inside an archive), with backslashes as slashes."""
    return str(source).replace("\\", "/").rsplit("!", 1)[-1]


def rows_read_from_files(gear: pd.DataFrame, activities: pd.DataFrame) -> np.ndarray:
    """For each row of a gear table, True when its activity was read from a file: an
    activity's source ends with the row's filename (the path after the export's root,
    e.g. 'activities/123.fit.gz'), else an activity (any sport) starts within
    GEAR_MATCH_S of the row (the tolerance the shoes and the duplicate rule use)."""
    n = len(gear)
    if n == 0 or activities.empty:
        return np.zeros(n, dtype=bool)
    by_base: dict[str, list[str]] = {}
    for source in activities[C.SOURCE].astype(str):
        tail = _tail(source)
        by_base.setdefault(tail.rsplit("/", 1)[-1], []).append(tail)
    names = gear["filename"].fillna("").astype(str).str.strip().str.replace("\\", "/", regex=False)
    by_file = np.array(
        [
            bool(fn) and any(t == fn or t.endswith("/" + fn) for t in by_base.get(fn.rsplit("/", 1)[-1], ()))
            for fn in names
        ],
        dtype=bool,
    )
    starts = np.sort(activities[C.START_UTC].dropna().dt.as_unit("ns").astype("int64").to_numpy())
    row_t = pd.to_datetime(gear["start_utc"], utc=True).dt.as_unit("ns")
    known = row_t.notna().to_numpy()
    t = row_t.astype("int64").to_numpy()
    near = np.zeros(n, dtype=bool)
    if len(starts):
        pos, last = np.searchsorted(starts, t), len(starts) - 1
        before, after = starts[np.clip(pos - 1, 0, last)], starts[np.clip(pos, 0, last)]
        gap = np.minimum(np.abs(t - before), np.abs(after - t))
        near = known & (gap <= GEAR_MATCH_S * 1e9)
    return by_file | near


def _row(i: int, r, sha: str, label: str) -> dict:
    """The activity row of CSV row ``i`` (``r``: its gear-table row)."""
    sport, sub_sport = strava_sport(r["type"])
    start = pd.Timestamp(r["start_utc"])
    elapsed = float(r["elapsed_s"]) if pd.notna(r["elapsed_s"]) else math.nan
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
        C.DISTANCE_M: float(r["distance_m"]) if pd.notna(r["distance_m"]) else math.nan,
        C.N_SAMPLES: 0,
        C.HAS_HR: False,
        C.HAS_DYNAMICS: False,
        C.AVG_HR: math.nan,
        C.DUPLICATE_OF: "",
        C.NOTE: CSV_NOTE,
    }
    # The importers' two checks of a run (too short to be one; faster than any human).
    return judge_run(row)


def csv_activities(gear: pd.DataFrame, sha: str, label: str, activities: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """(the activity rows of the CSV rows not read from a file, a one-line account).

    Parameters
    ----------
    gear : one CSV's gear table (importers.gear.decode_gear_csv).
    sha, label : the CSV's SHA-256 and its label (path) among the inputs.
    activities : the activities read from files (their source and start_utc).

    Each new activity is '<first 16 hex of the CSV's SHA-256>-<row>' with the row's
    index as its session index, source '<label> (Strava activity <id>)', format
    'strava_csv', no samples; rows without a readable date are left out (counted).
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
    return activity_frame(rows), "; ".join(parts)


def csv_run_features(rows: pd.DataFrame) -> pd.DataFrame:
    """The per-run features of runs made from CSV rows: every figure NaN, form_reason
    saying why (they have no samples)."""
    feats, _ = per_run.features_from_samples(rows, pd.DataFrame())
    feats[C.FORM_REASON] = CSV_FORM_REASON
    return feats
