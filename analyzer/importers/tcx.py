"""TCX importer: each <Activity> becomes an activity, its trackpoints samples.

The XML is read by ``tcx_xml.py`` (the GPX importer's guards: lxml, no entities, no
network). Times are UTC; laps give the timer time and distance (trackpoints and
positions stand in where laps do not); the device comes from <Creator>. Cadence is in
steps/min on foot: Garmin's TPX ``RunCadence`` counts one foot and is always doubled;
a plain trackpoint ``<Cadence>`` on a run (Polar, Suunto) is doubled when its values
can only be strides (STRIDE_CADENCE_CEILING). TCX carries no running dynamics: those
columns stay NaN, never zero.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import NotAnActivity
from ..tables import activity_frame
from .base import STRIDE_CADENCE_CEILING, Decoded, activity_id, choose_offset, finish_samples, is_run, summarise
from .gpx import GPX_TYPE_MAP, PAUSE_GAP_S, RUN_SPEED_BAND_M_S, haversine_m
from .plausible import judge_run
from .tcx_xml import RawActivity, read_activities

#: TCX Activity@Sport (TrainingCenterDatabasev2.xsd Sport_t: Running, Biking, Other)
#: -> FIT sport names. Garmin writes Running for every running sub-sport (road, trail,
#: treadmill, track) and Other for every sport but running and cycling (walks, hikes,
#: skiing, rowing, strength): Other is FIT's 'generic', never guessed to be a run from
#: its speed (skiing and rowing move at running speeds). Values outside the schema go
#: through the GPX importer's vendor map (GPX_TYPE_MAP); a missing Sport is inferred
#: from speed as for an untyped GPX (RUN_SPEED_BAND_M_S).
TCX_SPORT_MAP = {"running": "running", "biking": "cycling", "other": "generic"}

#: First word of <Creator><Name> (lower case) -> FIT manufacturer name. Polar and
#: Suunto name themselves ('Polar V800', 'Suunto Spartan Ultra'); Garmin writes the
#: product line only ('Forerunner 945', 'fenix 6', 'Edge 530'): its lines are listed.
CREATOR_MANUFACTURERS = {
    "garmin": "garmin",
    "polar": "polar",
    "suunto": "suunto",
    **{
        line: "garmin"
        for line in (
            "forerunner",
            "fenix",
            "fēnix",
            "edge",
            "epix",
            "enduro",
            "instinct",
            "venu",
            "vivoactive",
            "vívoactive",
            "approach",
            "descent",
            "quatix",
            "tactix",
            "marq",
        )
    },
}

#: A TCX activity spans at most this long [s]: trackpoints and laps further from its
#: start are damaged times, dropped with a count, and a lap time longer is not one
#: (heavylegs convention: the longest foot races run non-stop, such as the Tor des
#: Geants with its 150-hour limit, end within a week).
MAX_ACTIVITY_S = 7 * 86400.0
#: A lap's distance beyond this [m] is not one (heavylegs convention: 10,000 km is
#: farther than anyone moves under their own power in a week).
MAX_LAP_M = 1e7

_ZONE = re.compile(r"(?:Z|([+-])([0-9]{2}):([0-9]{2}))$")
_NS_MIN = pd.Timestamp.min.tz_localize("UTC")
_NS_MAX = pd.Timestamp.max.tz_localize("UTC")

_SAMPLE_OF = {
    "lat": C.LATITUDE_DEG,
    "lon": C.LONGITUDE_DEG,
    "alt": C.ALTITUDE_M,
    "hr": C.HEART_RATE_BPM,
    "watts": C.POWER_W,
}


def decode_tcx(data: bytes, label: str, sha256: str) -> Decoded:
    """Decode one TCX file into its activities (one per <Activity>) and samples."""
    raws = read_activities(data, label)
    if not raws:
        raise NotAnActivity(label, "TCX holds no <Activity> (a course or workout file?): not an activity")
    rows, frames, skipped = [], [], []
    for index, raw in enumerate(raws):
        built = _activity(raw, index, label, sha256)
        if built is None:
            skipped.append(index)
            continue
        rows.append(built[0])
        frames.append(built[1])
    file_notes = []
    if skipped:
        file_notes.append(f"{len(skipped)} of {len(raws)} activities hold no time at all: not read")
    if not rows:
        raise NotAnActivity(label, f"TCX activities hold no lap start and no trackpoint time ({len(raws)} activities)")
    for row in rows:
        row[C.NOTE] = "; ".join(x for x in (*file_notes, row[C.NOTE]) if x)
    notes = list(dict.fromkeys(n for row in rows for n in row[C.NOTE].split("; ") if n))
    return Decoded(
        kind="activity",
        activities=activity_frame([judge_run(row) for row in rows]),
        samples=pd.concat(frames, ignore_index=True),
        note="; ".join(notes),
    )


def _times(texts: list[str]) -> tuple[pd.DatetimeIndex, float | None, int]:
    """TCX times (xsd:dateTime) as UTC [ns] (NaT where not a time, or outside what a
    nanosecond time can hold); the UTC offset [s] the first time states (None when it
    is UTC or states none); how many times state no zone (read as UTC)."""
    stamps = pd.to_datetime(pd.Series(texts, dtype=object), utc=True, format="ISO8601", errors="coerce")
    stamps = stamps.where((stamps >= _NS_MIN) & (stamps <= _NS_MAX))
    zones = [_ZONE.search(t) for t in texts]
    offset = None
    for text, zone in zip(texts, zones, strict=True):
        if text:
            if zone and zone.group(1):
                sign = 1 if zone.group(1) == "+" else -1
                offset = sign * (int(zone.group(2)) * 3600 + int(zone.group(3)) * 60) or None
            break
    naive = sum(1 for text, zone in zip(texts, zones, strict=True) if text and not zone)
    return pd.DatetimeIndex(stamps).as_unit("ns"), offset, naive


def _points(raw: RawActivity, notes: list[str]) -> tuple[pd.DataFrame, float | None]:
    """The trackpoints with a time, in time order, one row per time (the first value of
    each column where points share a time), times UTC; and the zone offset [s] the
    first time states."""
    p = raw.points
    stamps, offset, naive = _times(p["time"])
    frame = pd.DataFrame({"_track": np.asarray(p["track"], dtype=np.int64)})
    frame[C.TIMESTAMP] = stamps
    for key, col in _SAMPLE_OF.items():
        frame[col] = np.asarray(p[key], dtype=np.float64)
    for key in ("dist", "speed", "cad", "runcad"):
        frame["_" + key] = np.asarray(p[key], dtype=np.float64)
    if naive:
        notes.append(f"{naive} TCX times carry no time zone: read as UTC")
    timed = frame[C.TIMESTAMP].notna()
    if not timed.all():
        notes.append(f"{int((~timed).sum())} trackpoints without a usable time dropped")
        frame = frame[timed]
    ns = frame[C.TIMESTAMP].astype("int64").to_numpy()
    if (np.diff(ns) < 0).any():
        notes.append(f"{int((np.diff(ns) < 0).sum())} backward time steps: trackpoints re-ordered by time")
        frame = frame.sort_values(C.TIMESTAMP, kind="stable")
    if frame[C.TIMESTAMP].duplicated().any():
        frame = frame.groupby(C.TIMESTAMP, sort=False, as_index=False).first()
    return frame.reset_index(drop=True), offset


def _distance_and_speed(frame: pd.DataFrame) -> None:
    """Cumulative distance [m] (the trackpoints' DistanceMeters, carried over points
    without one; else summed from positions, none across <Track> breaks) and speed
    [m/s] (TPX Speed, else distance over time since the previous point of its track)."""
    track = frame["_track"].to_numpy()
    first_of_track = np.concatenate([[True], track[1:] != track[:-1]]) if len(track) else np.array([], bool)
    dist = frame["_dist"]
    if dist.notna().any():
        cum = dist.ffill().fillna(0.0).to_numpy()
    else:
        lat, lon = frame[C.LATITUDE_DEG].to_numpy(), frame[C.LONGITUDE_DEG].to_numpy()
        fixed = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
        step = np.zeros(len(frame))
        if len(fixed) > 1:
            hop = haversine_m(lat[fixed], lon[fixed])
            same_track = track[fixed[1:]] == track[fixed[:-1]]
            step[fixed[1:]] = np.where(same_track, hop, 0.0)
        cum = np.cumsum(step) if fixed.size else np.full(len(frame), np.nan)
    frame[C.SAMPLE_DISTANCE_M] = cum
    secs = frame[C.TIMESTAMP].astype("int64").to_numpy() / 1e9
    dt_s = np.diff(secs, prepend=np.nan)
    with np.errstate(all="ignore"):  # a damaged distance of 1e308 is no reason to warn
        derived = np.where((dt_s > 0) & ~first_of_track, np.diff(cum, prepend=np.nan) / dt_s, np.nan)
    frame[C.SPEED_M_S] = frame["_speed"].fillna(pd.Series(derived, index=frame.index))
    frame["_moving"] = (dt_s > 0) & (dt_s <= PAUSE_GAP_S) & ~first_of_track


def _sport(raw: RawActivity, frame: pd.DataFrame, notes: list[str]) -> tuple[str, str]:
    """(FIT sport, sport_source) of an activity: its Sport attribute mapped
    (TCX_SPORT_MAP, then GPX_TYPE_MAP), else inferred from the median moving speed as
    for an untyped GPX; the note says what was inferred and why."""
    key = raw.sport.lower().replace(" ", "_")
    if key in TCX_SPORT_MAP:
        if key == "other":
            notes.append("TCX sport 'Other' (any sport but running and cycling): not counted as a run")
        return TCX_SPORT_MAP[key], "file"
    if key:
        return GPX_TYPE_MAP.get(key, key), "file"
    moving = frame["_moving"].to_numpy(bool)
    speed = frame[C.SPEED_M_S].to_numpy(float)[moving]
    median = float(np.nanmedian(speed)) if np.isfinite(speed).any() else math.nan
    low, high = RUN_SPEED_BAND_M_S
    inside = low <= median <= high
    notes.append(
        f"no Sport in the TCX activity: median moving speed {median:.2f} m/s is "
        f"{'within' if inside else 'outside'} {low}-{high} m/s, {'' if inside else 'not '}counted as a run"
    )
    return ("running" if inside else "unknown"), "inferred"


def _cadence(frame: pd.DataFrame, sport: str, notes: list[str]) -> bool:
    """Set CADENCE_SPM from the trackpoints; True when it is twice the recorded value.
    Garmin's TPX RunCadence counts one foot (DOMAIN.md): always doubled. A plain
    <Cadence> on a foot sport (Polar, Suunto) is doubled when its median over the
    points faster than a walk is under STRIDE_CADENCE_CEILING (it can only be strides);
    on a bike it is rpm, kept as recorded."""
    runcad = frame["_runcad"]
    if runcad.notna().any():
        frame[C.CADENCE_SPM] = runcad * 2.0
        return True
    cad = frame["_cad"]
    frame[C.CADENCE_SPM] = cad
    if not cad.notna().any() or sport not in ("running", "walking", "hiking"):
        return False
    fast = frame[C.SPEED_M_S] > RUN_SPEED_BAND_M_S[0]
    stepping = cad > 0
    ref = cad[fast & stepping] if (fast & stepping).any() else cad[stepping]
    if len(ref) and ref.median() < STRIDE_CADENCE_CEILING:
        frame[C.CADENCE_SPM] = cad * 2.0
        notes.append(
            f"TCX <Cadence> counts strides (one foot; median {ref.median():.0f}/min, "
            f"under {STRIDE_CADENCE_CEILING:.0f}): doubled to steps/min"
        )
        return True
    return False


def _device(creator: dict[str, str]) -> tuple[str, str, str]:
    """(manufacturer, product, serial) from <Creator>: the maker where its Name says it
    (CREATOR_MANUFACTURERS), the product as named without the maker's word, and the
    UnitId (Garmin's serial number) when it is not 0."""
    name = creator.get("Name", "")
    words = name.split()
    first = words[0].lower() if words else ""
    maker = CREATOR_MANUFACTURERS.get(first, "")
    product = " ".join(words[1:]) if maker == first and len(words) > 1 else name
    unit = creator.get("UnitId", "")
    serial = unit if unit.isascii() and unit.isdigit() and int(unit) != 0 else ""
    return maker, product, serial


def _near(stamps: pd.Series | pd.DatetimeIndex, anchor: pd.Timestamp) -> np.ndarray:
    """Which of ``stamps`` lie within MAX_ACTIVITY_S of ``anchor`` (in float seconds:
    no overflow however far apart)."""
    ns = np.asarray(stamps, dtype="datetime64[ns]").astype("int64").astype(float)
    return ~np.isnat(np.asarray(stamps, dtype="datetime64[ns]")) & (np.abs(ns - anchor.value) <= MAX_ACTIVITY_S * 1e9)


def _span(raw: RawActivity, frame: pd.DataFrame, notes: list[str]) -> tuple | None:
    """(trackpoints kept, start, end, summed lap time [s] or NaN, summed lap distance [m]
    or NaN) of an activity; None when it holds no time at all. The anchor is the first
    lap's start, else the median trackpoint time, else the Id; trackpoints and laps
    more than MAX_ACTIVITY_S from it are damaged times, left out with a count."""
    starts = _times([lap.start for lap in raw.laps])[0]
    times = np.array([lap.time_s for lap in raw.laps], dtype=float)
    dists = np.array([lap.distance_m for lap in raw.laps], dtype=float)
    valid = starts[starts.notna()]
    stamps = frame[C.TIMESTAMP]
    anchor = valid[0] if len(valid) else stamps.sort_values().iloc[len(stamps) // 2] if len(stamps) else pd.NaT
    if pd.isna(anchor):
        anchor = _times([raw.id_text])[0][0]
    if pd.isna(anchor):
        return None
    far = ~_near(stamps, anchor)
    if far.any():
        notes.append(f"{int(far.sum())} trackpoints more than a week from the activity's start dropped (damaged times)")
        frame = frame[~far].reset_index(drop=True)
    bad = np.isfinite(times) & ~((times >= 0) & (times <= MAX_ACTIVITY_S))
    bad_m = np.isfinite(dists) & ~((dists >= 0) & (dists <= MAX_LAP_M))
    if bad.any() or bad_m.any():
        notes.append(f"{int(bad.sum() + bad_m.sum())} lap times or distances out of range ignored (damaged)")
        times, dists = np.where(bad, np.nan, times), np.where(bad_m, np.nan, dists)
    starts = starts.where(_near(starts, anchor))
    ends = starts + pd.to_timedelta(np.nan_to_num(times), unit="s")
    firsts = [t for t in (starts.min(), frame[C.TIMESTAMP].min()) if pd.notna(t)]
    start = min(firsts) if firsts else anchor
    end = max(t for t in (ends.max(), frame[C.TIMESTAMP].max(), start) if pd.notna(t))
    timer = float(np.nansum(times)) if np.isfinite(times).any() else math.nan
    distance = float(np.nansum(dists)) if np.isfinite(dists).any() else math.nan
    return frame, start, end, timer, distance


def _activity(raw: RawActivity, index: int, label: str, sha256: str) -> tuple[dict, pd.DataFrame] | None:
    """One activity row and its samples; None when the activity holds no time."""
    notes: list[str] = []
    frame, zone_offset = _points(raw, notes)
    span = _span(raw, frame, notes)
    if span is None:
        return None
    frame, start, end, lap_timer, lap_distance = span
    _distance_and_speed(frame)
    sport, sport_source = _sport(raw, frame, notes)
    doubled = _cadence(frame, sport, notes)
    aid = activity_id(sha256, index)
    frame[C.ACTIVITY_ID] = aid
    samples = finish_samples(frame, sport, cadence_doubled=doubled)
    moving = frame["_moving"].to_numpy(bool)
    secs = np.diff(frame[C.TIMESTAMP].astype("int64").to_numpy() / 1e9, prepend=np.nan)
    timer = lap_timer if np.isfinite(lap_timer) else float(np.nansum(np.where(moving, secs, 0.0)))
    elapsed = (end - start).total_seconds()
    if timer > MAX_ACTIVITY_S:
        notes.append(f"laps time {timer:.0f} s is more than a week: the trackpoints' moving time is used")
        timer = float(np.nansum(np.where(moving, secs, 0.0)))
    if timer > elapsed + 1.0:
        notes.append(f"laps time {timer:.0f} s exceeds the recorded span {elapsed:.0f} s: the laps' time is used")
        elapsed = timer
    if raw.bad_numbers:
        notes.append(
            f"{raw.bad_numbers} values that are not numbers, or outside the TCX schema's range, read as missing"
        )
    last = samples[C.SAMPLE_DISTANCE_M].iloc[-1] if len(samples) else math.nan
    distance = next((d for d in (lap_distance, last) if np.isfinite(d) and d > 0), None)
    if distance is None:
        distance = 0.0 if np.isfinite(lap_distance) or np.isfinite(last) else math.nan
    offset, offset_source, offset_note = choose_offset(zone_offset, "tcx time zone", samples, start)
    if offset_note:
        notes.append(offset_note)
    manufacturer, product, serial = _device(raw.creator)
    row = {
        C.ACTIVITY_ID: aid,
        C.SOURCE: label,
        C.FILE_SHA256: sha256,
        C.FORMAT: "tcx",
        C.SESSION_INDEX: index,
        C.MANUFACTURER: manufacturer,
        C.PRODUCT: product,
        C.DEVICE_SERIAL: serial,
        C.SPORT: sport,
        C.SUB_SPORT: "",
        C.SPORT_SOURCE: sport_source,
        C.IS_RUN: is_run(sport),
        C.START_UTC: start,
        C.END_UTC: start + pd.Timedelta(seconds=elapsed),
        C.UTC_OFFSET_S: offset,
        C.UTC_OFFSET_SOURCE: offset_source,
        C.ELAPSED_S: elapsed,
        C.TIMER_S: timer,
        C.DURATION_S: timer if timer > 0 else elapsed,
        C.DISTANCE_M: distance,
        **summarise(samples, sport),
        C.DUPLICATE_OF: "",
        C.NOTE: "; ".join(notes),
    }
    if not len(samples):
        row[C.NOTE] = "; ".join(x for x in (row[C.NOTE], "laps only, no trackpoints: no samples") if x)
    return row, samples
