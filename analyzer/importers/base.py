"""What every importer returns, and the helpers they share (time zones, sports, samples)."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import columns as C
from ..tables import activity_frame, empty_ratings, empty_weights, empty_wellness, repeated_text

#: FIT sport names (and their GPX/vendor spellings, mapped to them) that count as running.
#: Sub-sports of running (trail, treadmill, track, street, indoor, virtual) are all runs.
RUN_SPORTS = frozenset({"running"})

#: A UTC offset read from a device is believed only if it is a whole number of quarter
#: hours within +-14 h: every civil time zone satisfies both (IANA tz database), and
#: DOMAIN.md lists devices that write nonsense (COROS local = UTC, FR70 download time).
OFFSET_QUANTUM_S = 900
OFFSET_LIMIT_S = 14 * 3600

#: Cadence below this [1/min] on a foot sport is taken to count one foot (strides):
#: FIT always does (FIT profile, record.cadence "rpm"); GPX extensions do not say, and
#: running step rates sit at 150-200 steps/min, strides at 75-100 (Heiderscheit 2011,
#: Med Sci Sports Exerc 43:296), so a median under 120 can only be strides.
STRIDE_CADENCE_CEILING = 120.0

#: utc_offset_source of activities whose times come from the watch's local clock only
#: (device-relative FIT timestamps anchored on activity.local_timestamp): their start
#: is local wall-clock time, their UTC offset unknown.
LOCAL_CLOCK_ONLY = "unknown: device-relative time placed by the watch's local clock"

FOOT_SPORTS = frozenset({"running", "walking", "hiking", "generic", "unknown"})

#: A session has running dynamics when at least this share of its moving samples carry
#: ground contact time or vertical oscillation (heavylegs convention: less is a sensor
#: that dropped out, or the boundary samples of the next leg of a multisport file, too
#: little to summarise form from).
DYNAMICS_MIN_SHARE = 0.5


@dataclass
class Decoded:
    """One file's decoded content, before batch-level duplicate detection.

    kind : 'activity', 'weight' (a weight-scale file), 'gear' (a gear export),
        'shoes' (the runner's shoes.csv) or 'wellness' (sleep, HRV, resting heart rate,
        hydration, a diary, or ratings of activities, and no activity)
    activities : one row per activity (ACTIVITY_COLUMNS, without START_LOCAL)
    samples : one row per sample (SAMPLE_COLUMNS), keyed by activity_id
    weights : body-mass readings (WEIGHT_COLUMNS)
    gear : a gear export's rows (see importers.gear)
    shoes : a shoe list's rows (shoes.csv, see importers.shoes.read_shoes_csv)
    wellness : wellness readings (WELLNESS_COLUMNS, tables.wellness_frame)
    ratings : ratings of activities this file gives for other files' activities
        (RATING_COLUMNS, tables.ratings_frame), matched by start time on import
    note : what the importer had to say about the file as a whole (partial read, ...)
    """

    kind: str
    activities: pd.DataFrame
    samples: pd.DataFrame
    weights: pd.DataFrame = field(default_factory=lambda: empty_weights())
    gear: pd.DataFrame = field(default_factory=pd.DataFrame)
    shoes: pd.DataFrame = field(default_factory=pd.DataFrame)
    wellness: pd.DataFrame = field(default_factory=lambda: empty_wellness())
    ratings: pd.DataFrame = field(default_factory=lambda: empty_ratings())
    note: str = ""

    def table_items(self, names) -> dict:
        """{name: table} of the tables ``names`` that may have rows (a subclass leaves out
        those it knows to be empty)."""
        return {n: getattr(self, n) for n in names}

    @classmethod
    def without_activity(cls, kind: str, note: str, **tables: pd.DataFrame) -> Decoded:
        """A file that holds no activity but a table heavylegs uses (weights, gear, shoes,
        wellness, ratings)."""
        return cls(kind=kind, activities=activity_frame([]), samples=pd.DataFrame(), note=note, **tables)


def activity_id(sha256: str, session_index: int) -> str:
    return f"{sha256[:16]}-{session_index}"


def is_run(sport: str | None) -> bool:
    return sport in RUN_SPORTS


def sane_offset(offset_s: float | None) -> bool:
    """True when ``offset_s`` [s] could be a civil UTC offset (see OFFSET_QUANTUM_S)."""
    if offset_s is None or not np.isfinite(offset_s):
        return False
    return abs(offset_s) <= OFFSET_LIMIT_S and offset_s % OFFSET_QUANTUM_S == 0


@functools.lru_cache(maxsize=1)
def _timezone_finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def offset_at_position(lat: float, lon: float, when: pd.Timestamp) -> tuple[float, str] | None:
    """The civil UTC offset [s] at a position and instant, from the IANA time zone that
    contains the point (timezonefinder + zoneinfo, so daylight saving is right).
    None when the point is not in a known zone."""
    if not (np.isfinite(lat) and np.isfinite(lon)) or (lat == 0 and lon == 0):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None  # not a place on Earth (a damaged file): no time zone from it
    name = _timezone_finder().timezone_at(lng=float(lon), lat=float(lat))
    if not name:
        return None
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    offset = when.to_pydatetime().astimezone(zone).utcoffset()
    return (offset.total_seconds() if offset is not None else None), name


def choose_offset(
    device_offset_s: float | None,
    device_label: str,
    samples: pd.DataFrame,
    start: pd.Timestamp,
) -> tuple[float, str, str]:
    """Decide the runner's local UTC offset for an activity.

    The device's own statement (FIT activity.local_timestamp, a GPX time zone) is used
    when it is sane; the time zone at the first GPS fix confirms it, or replaces it
    when the two disagree (COROS writes local time = UTC) or when the device said
    nothing usable. Returns (offset [s] or NaN, source, note).
    """
    position = None
    lat = floats(samples, C.LATITUDE_DEG) if C.LATITUDE_DEG in samples else np.array([])
    fixes = np.flatnonzero(~np.isnan(lat))
    if len(fixes):
        position = offset_at_position(lat[fixes[0]], floats(samples, C.LONGITUDE_DEG)[fixes[0]], start)
    device_ok = sane_offset(device_offset_s)
    if device_ok and position is None:
        return float(device_offset_s), device_label, ""
    if position is not None and position[0] is not None:
        pos_offset, zone = position
        if device_ok and pos_offset == device_offset_s:
            return float(device_offset_s), device_label, ""
        note = ""
        if device_ok:
            note = (
                f"{device_label} says UTC{device_offset_s / 3600:+g} h but the first GPS fix "
                f"is in {zone} (UTC{pos_offset / 3600:+g} h): position used"
            )
        elif device_offset_s is not None:
            note = f"{device_label} gives an impossible offset ({device_offset_s / 3600:+.2f} h): ignored"
        return float(pos_offset), f"position ({zone})", note
    if device_offset_s is not None and not device_ok:
        return (
            float("nan"),
            f"unknown: {device_label} gives an impossible offset ({device_offset_s / 3600:+.2f} h) and there is no GPS fix",
            "",
        )
    return float("nan"), "unknown: the file states no local time and has no GPS fix", ""


def finish_samples(
    frame: pd.DataFrame, sport: str | None, cadence_doubled: bool = False, activity: str | None = None
) -> pd.DataFrame:
    """Order, type and complete a sample frame: one row per timestamp, every native
    column present (NaN where the file has nothing), cadence in the sport's unit.

    ``frame`` holds ACTIVITY_ID, TIMESTAMP (UTC), any of the native numeric columns and
    any developer columns; the result has a fresh index, ACTIVITY_ID, TIMESTAMP [ns],
    NUMERIC_SAMPLE_COLUMNS as float64, then the developer columns by name.
    ``cadence_doubled``: the frame's CADENCE_SPM is twice the recorded cadence (FIT:
    strides to steps); for a sport that is not on foot it goes back to the recorded rpm.
    ``activity``: the activity id of every row, when ``frame`` has no ACTIVITY_ID column."""
    stamps = frame[C.TIMESTAMP].dt.as_unit("ns")
    ns = stamps.to_numpy(dtype="datetime64[ns]")
    strictly_increasing = not np.isnat(ns).any() and bool((np.diff(ns) > np.timedelta64(0, "ns")).all())
    if not strictly_increasing:  # else already in order, one row per timestamp
        if activity is not None:
            frame, activity = frame.assign(**{C.ACTIVITY_ID: activity}), None
        frame = frame.assign(**{C.TIMESTAMP: stamps}).sort_values(C.TIMESTAMP, kind="stable")
        if frame[C.TIMESTAMP].duplicated().any():
            # Some devices (Suunto Ambit) write GPS and sensor data in separate records
            # that share a timestamp: merge them, first non-missing value per column.
            frame = frame.groupby(C.TIMESTAMP, sort=False, as_index=False).first()
        stamps = frame[C.TIMESTAMP]
    ids = frame[C.ACTIVITY_ID].array if activity is None else _ids(activity, len(frame))

    def column(name: str):
        if name.startswith(C.DEV_PREFIX):
            return frame[name].array
        return frame[name].to_numpy(dtype=np.float64) if name in frame else None

    return _sample_frame(ids, stamps.array, column, frame.columns, sport, cadence_doubled)


def _ids(activity: str, n: int):
    """The activity id column of ``n`` rows (text)."""
    return repeated_text([activity], [n])


def _sample_frame(ids, stamps, column, names, sport: str | None, cadence_doubled: bool) -> pd.DataFrame:
    """The finished sample frame (finish_samples): ``ids`` and ``stamps`` (UTC, ns), then
    sample_columns."""
    columns = {C.ACTIVITY_ID: ids, C.TIMESTAMP: stamps}
    columns.update(sample_columns(len(stamps), column, names, sport, cadence_doubled))
    return pd.DataFrame(columns)


def sample_columns(n: int, column, names, sport: str | None, cadence_doubled: bool) -> dict:
    """The finished sample columns after the ids and times (finish_samples), ``n`` rows:
    NUMERIC_SAMPLE_COLUMNS as float64 (``column(name)``; NaN where it gives None),
    cadence in the sport's unit, then the developer columns among ``names``, sorted."""
    columns = {}
    for col in C.NUMERIC_SAMPLE_COLUMNS:
        values = column(col)
        columns[col] = np.full(n, np.nan) if values is None else values
    if sport not in FOOT_SPORTS:
        # Cycling rpm, swim strokes: not steps (halving a doubled value is exact).
        columns[C.CADENCE_RPM] = columns[C.CADENCE_SPM] / 2.0 if cadence_doubled else columns[C.CADENCE_SPM]
        columns[C.CADENCE_SPM] = np.full(n, np.nan)
    for col in sorted(c for c in names if c.startswith(C.DEV_PREFIX)):
        columns[col] = column(col)
    return columns


def floats(samples, name: str) -> np.ndarray:
    """Column ``name`` of finished samples (a frame, or columnar.SampleColumns) as a
    float64 numpy array."""
    return np.asarray(samples[name], dtype=np.float64)


def has_dynamics(samples: pd.DataFrame, sport: str | None) -> bool:
    """Whether a session on foot carries running dynamics: ground contact time or
    vertical oscillation on at least DYNAMICS_MIN_SHARE of its moving samples (speed
    above 0, or unknown). ``samples``: finished (finish_samples: float64 columns)."""
    if sport not in FOOT_SPORTS or not len(samples):
        return False
    moving = ~(floats(samples, C.SPEED_M_S) <= 0)
    carried = ~np.isnan(floats(samples, C.STANCE_TIME_MS)) | ~np.isnan(floats(samples, C.VERTICAL_OSCILLATION_MM))
    return bool(moving.any() and carried[moving].mean() >= DYNAMICS_MIN_SHARE)


def summarise(samples: pd.DataFrame, sport: str | None) -> dict:
    """Per-activity figures derived from its samples (finished: float64 columns; a
    frame or columnar.SampleColumns)."""
    hr = floats(samples, C.HEART_RATE_BPM)
    present = ~np.isnan(hr)
    has_hr = bool(present.any())
    # The mean as pandas takes it (nanops.nanmean): the sum with NaN as 0, by the count.
    avg = float(np.where(present, hr, 0.0).sum() / present.sum()) if has_hr else float("nan")
    return {C.N_SAMPLES: len(samples), C.HAS_HR: has_hr, C.HAS_DYNAMICS: has_dynamics(samples, sport), C.AVG_HR: avg}


def to_utc(value: dt.datetime) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
