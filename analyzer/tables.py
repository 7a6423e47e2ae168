"""Typed empty and row-built tables: the activity and weight tables with every column
and its type, so that every room builds them the same way."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from . import columns as C


def _empty_weights() -> pd.DataFrame:
    return pd.DataFrame(
        {
            C.TIMESTAMP: pd.array([], dtype="datetime64[ns, UTC]"),
            C.WEIGHT_KG: np.array([], dtype=np.float64),
            C.SOURCE: np.array([], dtype=object),
        }
    )


@functools.cache
def _empty(kind: str) -> pd.DataFrame:
    """The empty table of a kind, built once per process (every decoded file without
    weights, wellness or ratings carries one: building each cost ~0.3 ms a file)."""
    build = {"weights": _empty_weights, "wellness": lambda: _wellness_frame([]), "ratings": lambda: _ratings_frame([])}
    return build[kind]()


def empty_weights() -> pd.DataFrame:
    # A shallow copy: copy-on-write (pandas 3) keeps the kept table as it was.
    return _empty("weights").copy(deep=False)


#: The activity columns an importer writes (START_LOCAL is added on import), by type.
ACTIVITY_TIME_COLUMNS = (C.START_UTC, C.END_UTC)
ACTIVITY_FLOAT_COLUMNS = (
    C.UTC_OFFSET_S,
    C.ELAPSED_S,
    C.TIMER_S,
    C.DURATION_S,
    C.DISTANCE_M,
    C.AVG_HR,
    C.WEATHER_TEMPERATURE_C,
    C.FEEL,
    C.RPE,
)
ACTIVITY_BOOL_COLUMNS = (C.IS_RUN, C.SUSPECT, C.HAS_HR, C.HAS_DYNAMICS)
ACTIVITY_INT_COLUMNS = (C.SESSION_INDEX, C.N_SAMPLES)
# Every other activity column is text.


def _activity_column(name: str, values: list):
    """One activity column, typed: UTC datetimes, float64, bool (False where missing),
    int64, or text (str dtype, "" where the value is missing: None, NaN)."""
    if name in ACTIVITY_TIME_COLUMNS:
        return pd.to_datetime(values, utc=True).array
    if name in ACTIVITY_FLOAT_COLUMNS:
        return np.array(values, dtype=np.float64)
    if name in ACTIVITY_BOOL_COLUMNS:
        # A flag a row does not give is false (bool(NaN) would be true).
        return np.array([False if v is None or v != v else bool(v) for v in values], dtype=bool)
    if name in ACTIVITY_INT_COLUMNS:
        return np.array(values, dtype=np.int64)
    if all(type(v) is str for v in values):
        # The usual case, made directly (a third of pd.array's cost, the same array).
        return repeated_text(values, [1] * len(values))
    text = np.array(values, dtype=object)
    text[pd.isna(text)] = ""
    return pd.array(text, dtype=str)


@functools.cache
def text_type():
    """pandas' text dtype ("str": Arrow storage, NaN as missing) and its array class."""
    empty = pd.array([], dtype=str)
    return empty.dtype, type(empty)


def repeated_text(values: list[str], counts: list[int]):
    """A text array (pandas' str dtype, as pd.array(..., dtype=str) makes it) of each of
    ``values`` repeated its count, made as Arrow arrays directly: from the distinct
    strings, not a Python string per row (a tenth of pd.array's cost for a column of
    activity ids)."""
    import pyarrow as pa

    dtype, cls = text_type()
    text = pa.array(values, pa.large_string())
    if any(c != 1 for c in counts):
        text = text.take(pa.array(np.repeat(np.arange(len(values)), counts)))
    return cls(pa.chunked_array([text]), dtype=dtype)


def activity_frame(rows: list[dict]) -> pd.DataFrame:
    """The activity rows of one file as a typed frame with every column (all of
    ACTIVITY_COLUMNS but START_LOCAL). A column a row lacks reads as NaN, as in a
    frame built from the rows: NaN for numbers, "" for text."""
    cols = [c for c in C.ACTIVITY_COLUMNS if c != C.START_LOCAL]
    return pd.DataFrame({c: _activity_column(c, [row.get(c, np.nan) for row in rows]) for c in cols})


def empty_samples() -> pd.DataFrame:
    """A sample table with its native columns and no rows."""
    return pd.DataFrame(columns=[C.ACTIVITY_ID, C.TIMESTAMP, *C.NUMERIC_SAMPLE_COLUMNS])


def wellness_frame(rows: list[dict]) -> pd.DataFrame:
    """Wellness readings as a typed table (see _wellness_frame)."""
    return _wellness_frame(rows) if rows else empty_wellness()


def _wellness_frame(rows: list[dict]) -> pd.DataFrame:
    """Wellness readings as a typed table (WELLNESS_COLUMNS): ``date`` a naive local
    midnight (datetime64[ns]), ``value`` float64 (NaN for a text metric), ``metric``,
    ``text``, ``origin`` and ``source`` text. Each row is a dict with those keys;
    ``text`` and ``value`` may be left out."""
    dates = pd.to_datetime([r[C.DATE] for r in rows]).normalize() if rows else pd.DatetimeIndex([])
    if getattr(dates, "tz", None) is not None:
        dates = dates.tz_localize(None)
    return pd.DataFrame(
        {
            C.DATE: np.asarray(dates, dtype="datetime64[ns]"),
            C.METRIC: pd.array([r[C.METRIC] for r in rows], dtype=str),
            C.VALUE: np.array([r.get(C.VALUE, np.nan) for r in rows], dtype=np.float64),
            C.TEXT: pd.array([r.get(C.TEXT) or "" for r in rows], dtype=str),
            C.ORIGIN: pd.array([r[C.ORIGIN] for r in rows], dtype=str),
            C.WELLNESS_SOURCE: pd.array([r.get(C.WELLNESS_SOURCE) or "" for r in rows], dtype=str),
        }
    )


def empty_wellness() -> pd.DataFrame:
    return _empty("wellness").copy(deep=False)


def ratings_frame(rows: list[dict]) -> pd.DataFrame:
    """Ratings of activities as a typed table (see _ratings_frame)."""
    return _ratings_frame(rows) if rows else empty_ratings()


def _ratings_frame(rows: list[dict]) -> pd.DataFrame:
    """Ratings of activities given by a file other than the activity's own (RATING_COLUMNS):
    start_utc (UTC), feel_0_100 and rpe_0_10 (float64, NaN when not rated), rating_source."""
    return pd.DataFrame(
        {
            C.START_UTC: pd.to_datetime([r[C.START_UTC] for r in rows], utc=True).array
            if rows
            else pd.array([], dtype="datetime64[ns, UTC]"),
            C.FEEL: np.array([r.get(C.FEEL, np.nan) for r in rows], dtype=np.float64),
            C.RPE: np.array([r.get(C.RPE, np.nan) for r in rows], dtype=np.float64),
            C.RATING_SOURCE: pd.array([r.get(C.RATING_SOURCE) or "" for r in rows], dtype=str),
        }
    )


def empty_ratings() -> pd.DataFrame:
    return _empty("ratings").copy(deep=False)
