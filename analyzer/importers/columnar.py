"""A decoded FIT file held as numpy columns and activity rows (the fast path), its
frames made only on demand: a batch of files gets one sample frame and one activity
frame for all of them (ingest.pool), instead of ~30 pandas constructions per file
(issue 20; benchmarks/README.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from ..tables import activity_frame, empty_ratings, empty_weights, empty_wellness, repeated_text
from .base import Decoded, sample_columns


class SampleColumns:
    """One session's finished samples (base.finish_samples' frame) as columns:
    ``activity`` (the activity id of every row), ``ns`` (the times, UTC, int64 ns since
    the Unix epoch, strictly increasing) and ``columns`` ({name: float64 array}, the
    frame's columns after activity_id and timestamp, in its order). Indexing by a
    column name gives its array, as a frame gives its Series."""

    __slots__ = ("activity", "ns", "columns")

    def __init__(self, activity: str, ns: np.ndarray, columns: dict[str, np.ndarray]) -> None:
        self.activity = activity
        self.ns = ns
        self.columns = columns

    def __len__(self) -> int:
        return len(self.ns)

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def names(self) -> list[str]:
        return [C.ACTIVITY_ID, C.TIMESTAMP, *self.columns]

    def frame(self) -> pd.DataFrame:
        return sample_frame([self])  # type: ignore[return-value]


def finish_arrays(
    arrays: dict[str, np.ndarray], rows: np.ndarray | None, activity: str, sport: str | None, cadence_doubled: bool
) -> SampleColumns | None:
    """base.finish_samples for samples held as numpy arrays (C.TIMESTAMP in int64 ns
    since the Unix epoch, UTC; other columns float64; only the ``rows`` of a boolean
    mask, all when None): the same samples, as SampleColumns. None when the times are
    not strictly increasing (finish_samples orders and merges those rows)."""
    ns = arrays[C.TIMESTAMP] if rows is None else arrays[C.TIMESTAMP][rows]
    if len(ns) > 1 and not bool((np.diff(ns) > 0).all()):
        return None

    def column(name: str) -> np.ndarray | None:
        values = arrays.get(name)
        return values if values is None or rows is None else values[rows]

    return SampleColumns(activity, ns, sample_columns(len(ns), column, arrays, sport, cadence_doubled))


def utc_times(ns: np.ndarray):
    """int64 ns since the Unix epoch as a UTC datetime array [ns]."""
    return pd.Series(ns.view("datetime64[ns]")).dt.tz_localize("UTC").array


class BatchColumns:
    """The samples of several SampleColumns one after the other, their columns of one
    name, order and type float64 in all: ``ids`` and ``lengths`` (each part's activity
    id and rows), ``ns`` (the times, int64 ns since the Unix epoch, UTC), ``names`` and
    ``block`` (the float columns, a row of the 2-D array each, copied once). What
    sample_frame gives as a frame, held without one (issue 20: the per-run features and
    the cache entries are made from these arrays)."""

    __slots__ = ("ids", "lengths", "ns", "names", "block")

    def __init__(self, parts: list[SampleColumns]) -> None:
        self.ids = [p.activity for p in parts]
        self.lengths = [len(p) for p in parts]
        self.ns = parts[0].ns if len(parts) == 1 else np.concatenate([p.ns for p in parts])
        self.names = list(parts[0].columns)
        self.block = np.empty((len(self.names), len(self.ns)))
        start = 0
        for p in parts:
            for j, name in enumerate(self.names):
                self.block[j, start : start + len(p)] = p.columns[name]
            start += len(p)

    def __len__(self) -> int:
        return len(self.ns)

    @classmethod
    def of(cls, parts: list[SampleColumns]) -> BatchColumns | None:
        """The parts' BatchColumns; None when their columns differ (in name, order or
        type: pd.concat unifies those) or one is not float64."""
        first = parts[0].columns
        names = list(first)
        if not all(first[n].dtype == np.float64 for n in names):
            return None
        for p in parts[1:]:
            if list(p.columns) != names or any(p.columns[n].dtype != np.float64 for n in names):
                return None
        return cls(parts)

    def frame(self) -> pd.DataFrame:
        """The samples as a frame: sample_frame's."""
        # The float columns are the frame's block (pd.DataFrame of a dict of columns
        # would copy them a second time).
        frame = pd.DataFrame(self.block.T, columns=self.names, copy=False)
        frame.insert(0, C.TIMESTAMP, utc_times(self.ns))
        frame.insert(0, C.ACTIVITY_ID, repeated_text(self.ids, self.lengths))
        return frame


def sample_frame(parts: list[SampleColumns]) -> pd.DataFrame | None:
    """The frame of ``parts`` one after the other: what pd.concat of their frames
    gives, made at once. None when their columns differ (in name, order or type:
    pd.concat unifies those, the caller concatenates frames)."""
    if len(parts) > 1:
        columns = BatchColumns.of(parts)
        if columns is not None:
            return columns.frame()
    first = parts[0].columns
    names = list(first)
    for p in parts[1:]:
        if list(p.columns) != names or any(p.columns[n].dtype != first[n].dtype for n in names):
            return None
    one = len(parts) == 1
    ns = parts[0].ns if one else np.concatenate([p.ns for p in parts])
    out = {
        C.ACTIVITY_ID: repeated_text([p.activity for p in parts], [len(p) for p in parts]),
        C.TIMESTAMP: utc_times(ns),
    }
    for name in names:
        out[name] = first[name] if one else np.concatenate([p.columns[name] for p in parts])
    return pd.DataFrame(out)


class ColumnDecoded(Decoded):
    """A Decoded activity file whose ``activities`` and ``samples`` are kept as
    activity rows (dicts, as tables.activity_frame takes them) and SampleColumns,
    one per session; the frames are made when first asked for."""

    def __init__(self, rows: list[dict], parts: list[SampleColumns], weights, wellness, note: str) -> None:
        self.kind = "activity"
        self.rows = rows
        self.parts = parts
        self._weights, self._wellness = weights, wellness  # None: the file has none
        self.note = note
        self._frames: dict[str, pd.DataFrame] = {}

    # A FIT activity file gives no gear, shoe list or ratings of other files, and
    # seldom weights or wellness readings: empty tables, made when asked for (each costs
    # ~20-80 us, a tenth of a small file's frames).
    gear = property(lambda self: pd.DataFrame())
    shoes = property(lambda self: pd.DataFrame())
    ratings = property(lambda self: empty_ratings())
    weights = property(lambda self: empty_weights() if self._weights is None else self._weights)
    wellness = property(lambda self: empty_wellness() if self._wellness is None else self._wellness)

    def table_items(self, names) -> dict:
        held = {"activities": True, "samples": True, "weights": self._weights is not None}
        held["wellness"] = self._wellness is not None
        return {n: getattr(self, n) for n in names if held.get(n)}

    @property
    def activities(self) -> pd.DataFrame:  # type: ignore[override]
        if "activities" not in self._frames:
            self._frames["activities"] = activity_frame(self.rows)
        return self._frames["activities"]

    @property
    def samples(self) -> pd.DataFrame:  # type: ignore[override]
        if "samples" not in self._frames:
            frames = [p.frame() for p in self.parts]
            self._frames["samples"] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return self._frames["samples"]

    @property
    def n_samples(self) -> int:
        return sum(len(p) for p in self.parts)


def batch_activities(decoded: list[Decoded]) -> tuple[pd.DataFrame, bool]:
    """(the activity rows of every Decoded as one frame, whether each file's own frame
    has the batch's time units): rows of ColumnDecoded files are made into one frame at
    once when their times are all Timestamps of one unit (a file's own frame has that
    unit too); else the files' frames are concatenated."""
    if all(isinstance(d, ColumnDecoded) for d in decoded):
        rows = [row for d in decoded for row in d.rows]  # type: ignore[attr-defined]
        units = {
            getattr(row.get(c), "unit", None) if type(row.get(c)) is pd.Timestamp else None
            for row in rows
            for c in (C.START_UTC, C.END_UTC)
        }
        if rows and len(units) == 1 and None not in units:
            return activity_frame(rows), True
    return pd.concat([d.activities for d in decoded], ignore_index=True), False


def batch_samples(decoded: list[Decoded]) -> pd.DataFrame:
    """The samples of every Decoded in one frame, in their order (an empty, typed sample
    table when no file has samples: activities without them, such as a TCX of laps
    only, still get their features)."""
    if all(isinstance(d, ColumnDecoded) for d in decoded):
        parts = [p for d in decoded for p in d.parts if len(p)]  # type: ignore[attr-defined]
        frame = sample_frame(parts) if parts else None
        if frame is not None:
            return frame
    frames = [d.samples for d in decoded if len(d.samples)] or [d.samples for d in decoded][:1]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def batch_columns(decoded: list[Decoded]) -> BatchColumns | None:
    """The samples of every Decoded as BatchColumns, when they are all ColumnDecoded
    with samples of the same float columns (else None: batch_samples makes their frame)."""
    if not all(isinstance(d, ColumnDecoded) for d in decoded):
        return None
    parts = [p for d in decoded for p in d.parts if len(p)]  # type: ignore[attr-defined]
    return BatchColumns.of(parts) if parts else None


def sample_shape(d: Decoded) -> tuple[int, list[str], dict[str, str]]:
    """(rows, column names, {datetime column: unit}) of a Decoded's sample frame,
    without making it when it is held as columns."""
    if isinstance(d, ColumnDecoded):
        return d.n_samples, d.parts[0].names if d.parts else [], {C.TIMESTAMP: "ns"}
    return len(d.samples), [str(c) for c in d.samples.columns], time_units(d.samples)


def time_units(frame: pd.DataFrame) -> dict[str, str]:
    """{column: unit} of a frame's datetime columns."""
    return {str(c): unit for c, t in frame.dtypes.items() if (unit := getattr(t, "unit", None)) is not None}


__all__ = [
    "BatchColumns",
    "ColumnDecoded",
    "SampleColumns",
    "batch_activities",
    "batch_columns",
    "batch_samples",
    "finish_arrays",
    "sample_frame",
    "sample_shape",
    "time_units",
    "utc_times",
]
