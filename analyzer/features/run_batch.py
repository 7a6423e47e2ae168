"""The input side of run_numpy: the activities and samples of one table, or of several
files' tables as if they were concatenated, as numpy columns grouped by activity code
(a Batch), without concatenating the frames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import columns as C
from . import dynamics as D
from . import run_kernels as K

#: Ticks per second of each datetime64 unit (numpy's units).
TICKS_PER_S = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
#: Sample columns a batch reads (float64), NaN where a table has none.
FLOAT_COLUMNS = (C.SPEED_M_S, C.HEART_RATE_BPM, C.TEMPERATURE_C, *D.FORM_METRICS.values())
#: Sample columns the pandas path cannot do without.
NEEDED = (C.ACTIVITY_ID, C.TIMESTAMP, C.SPEED_M_S, C.HEART_RATE_BPM, C.TEMPERATURE_C, C.STANCE_TIME_MS)


class Unmirrored(Exception):
    """Inputs this path does not mirror: the caller takes the pandas path."""


@dataclass
class Batch:
    """A batch's samples as numpy columns, grouped by activity code (runs first)."""

    ids: np.ndarray  # activity_id of each code: the runs', then the other activities'
    nruns: int
    gpx: np.ndarray  # per run: its format is GPX
    starts: np.ndarray  # rows of code k: starts[k]:starts[k + 1]
    moved: np.ndarray | None  # position in the sample table of each row, when grouping moved rows
    ts: np.ndarray  # timestamps, int64 ticks of `unit`
    unit: str
    cols: dict[str, np.ndarray]  # float64 sample columns (NaN where the table has none)

    def to_frame(self, rows: np.ndarray) -> np.ndarray | None:
        """The order that puts ``rows`` (grouped positions, ascending) back in the sample
        table's order (None when it is theirs already)."""
        return None if self.moved is None else np.argsort(self.moved[rows], kind="stable")


def batch(files: list[tuple[pd.DataFrame, pd.DataFrame]]) -> Batch:
    """The samples of the files' activities grouped by code, the files' (activities,
    samples) read as ingest.pool concatenates them (every activity table, the sample
    tables that have rows); raises Unmirrored (see run_numpy)."""
    acts = [a for a, _ in files]
    frames = [s for _, s in files if len(s)]
    if not frames or any(C.ACTIVITY_ID not in a or C.START_UTC not in a for a in acts):
        raise Unmirrored("no samples, or activity columns missing")
    if any(c not in s for s in frames for c in NEEDED):
        raise Unmirrored("sample columns missing")
    # per_run.compute_reference: codes of the runs first, then of the other activities.
    is_run = _joined([a[C.IS_RUN].astype(bool).to_numpy() if C.IS_RUN in a else np.ones(len(a), bool) for a in acts])
    gpx = _joined(
        [a[C.FORMAT].eq("gpx").to_numpy(dtype=bool) if C.FORMAT in a else np.zeros(len(a), bool) for a in acts]
    )
    all_ids = _joined([a[C.ACTIVITY_ID].to_numpy(dtype=object) for a in acts])
    run_ids = pd.unique(all_ids[is_run])
    ids = np.asarray(pd.unique(np.concatenate([run_ids, all_ids])), dtype=object)
    if len(run_ids) != is_run.sum() or pd.isna(ids).any():
        raise Unmirrored("a run listed twice (a row each), or an activity without id")
    index, dtype = pd.Index(ids), frames[0][C.TIMESTAMP].dtype
    codes, stamps = [], []
    for s in frames:
        ts = s[C.TIMESTAMP].array
        if s[C.TIMESTAMP].dtype != dtype or not isinstance(ts, pd.arrays.DatetimeArray) or ts.unit not in TICKS_PER_S:
            raise Unmirrored("timestamps are not datetimes of one type")
        if any(name in s and s[name].dtype != np.float64 for name in FLOAT_COLUMNS):
            raise Unmirrored("a sample column is not float64")
        found, uniques = pd.factorize(s[C.ACTIVITY_ID])
        codes.append(np.append(index.get_indexer(uniques), -1)[found])  # found -1 (missing): -1
        stamps.append(ts.asi8)
    cols = {
        name: _joined([s[name].to_numpy() if name in s else np.full(len(s), np.nan) for s in frames])
        for name in FLOAT_COLUMNS
    }
    return _grouped(
        ids, len(run_ids), gpx[is_run], _joined(codes), _joined(stamps), frames[0][C.TIMESTAMP].array.unit, cols
    )


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _grouped(ids, nruns, gpx, code, i8, unit, cols) -> Batch:
    """The Batch of the rows of known activities (code >= 0), grouped by code."""
    rows = np.flatnonzero(code >= 0)
    moved = None
    if not np.all(code[rows][1:] >= code[rows][:-1]):
        rows = moved = rows[np.argsort(code[rows], kind="stable")]
    whole = len(rows) == len(code)

    def take(x: np.ndarray) -> np.ndarray:
        return x if whole and moved is None else x[rows]

    i8 = take(i8)
    if (i8 == np.iinfo(np.int64).min).any():
        raise Unmirrored("a timestamp is missing (NaT)")
    cols = {name: take(v) for name, v in cols.items()}
    if np.any((cols[C.HEART_RATE_BPM] == 0) & np.signbit(cols[C.HEART_RATE_BPM])):
        raise Unmirrored("a heart rate of -0.0")
    return Batch(ids, nruns, gpx, K.starts_of(take(code), len(ids)), moved, i8, unit, cols)
