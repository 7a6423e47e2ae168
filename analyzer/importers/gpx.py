"""GPX importer (gpxpy): track points become samples, one activity per file.

GPX carries no running dynamics: those columns stay NaN, never zero. Heart rate,
cadence, temperature and power come from Garmin's TrackPointExtension (any prefix)
and the other common extension spellings (see EXTENSION_MAP).
"""

from __future__ import annotations

import datetime as dt
import re

import gpxpy
import gpxpy.gpx
import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import NotAnActivity, UnreadableExport
from ..tables import activity_frame
from .base import STRIDE_CADENCE_CEILING, Decoded, activity_id, choose_offset, finish_samples, is_run, summarise
from .plausible import judge_run

#: Extension element local names (lower case) -> our sample column. Garmin
#: TrackPointExtension v1/v2 (hr, cad, atemp, wtemp), Strava/Runkeeper (hr, cad),
#: Huami Amazfit (heartrate), Cluetrust gpxdata (hr, cadence, temp), power (gpxtpx v2
#: and Strava's <power>).
EXTENSION_MAP = {
    "hr": C.HEART_RATE_BPM,
    "heartrate": C.HEART_RATE_BPM,
    "heart_rate": C.HEART_RATE_BPM,
    "cad": C.CADENCE_SPM,
    "cadence": C.CADENCE_SPM,
    "runcadence": C.CADENCE_SPM,
    "atemp": C.TEMPERATURE_C,
    "temp": C.TEMPERATURE_C,
    "temperature": C.TEMPERATURE_C,
    "power": C.POWER_W,
    "watts": C.POWER_W,
}

#: GPX <type> values (lower case) -> FIT sport names. Garmin Connect writes FIT names
#: ("running"); Strava's GPX export writes a numeric code, of which only 9 = Run is
#: confirmed (the real Strava exports in shared/data/real, typed Run in their
#: activities.csv); other codes are not guessed: they fall back to speed inference.
GPX_TYPE_MAP = {
    "running": "running",
    "run": "running",
    "trail_running": "running",
    "treadmill_running": "running",
    "street_running": "running",
    "track_running": "running",
    "virtualrun": "running",
    "9": "running",
    "cycling": "cycling",
    "ride": "cycling",
    "biking": "cycling",
    "road_biking": "cycling",
    "mountain_biking": "cycling",
    "virtualride": "cycling",
    "walking": "walking",
    "walk": "walking",
    "hiking": "hiking",
    "hike": "hiking",
    "swimming": "swimming",
    "swim": "swimming",
}

#: An untyped GPX counts as a run when its median moving speed lies in this band [m/s].
#: Lower edge: comfortable walking speed tops out near 1.5 m/s (Bohannon 1997, Age
#: Ageing 26:15); upper edge: 6 m/s is faster than marathon world-record pace
#: (5.9 m/s), so a track whose median is above it was ridden or driven. A convention,
#: stated in the activity's note whenever it is applied.
RUN_SPEED_BAND_M_S = (1.6, 6.0)

#: A gap between points longer than this [s] is a pause: excluded from timer time.
#: Convention (auto-pause and smart recording write points every 1-10 s while moving).
PAUSE_GAP_S = 60.0

#: Mean Earth radius [m] (IUGG), for haversine distances between points.
EARTH_RADIUS_M = 6_371_008.8

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_GPX11 = b"http://www.topografix.com/GPX/1/1"


def haversine_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distance [m] between consecutive points (length n-1), great-circle (haversine)."""
    la, lo = np.radians(lat), np.radians(lon)
    a = np.sin(np.diff(la) / 2) ** 2 + np.cos(la[:-1]) * np.cos(la[1:]) * np.sin(np.diff(lo) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _parse(data: bytes, label: str) -> tuple[gpxpy.gpx.GPX, int]:
    """Parse with gpxpy, refusing entity declarations and dropping points without
    coordinates. Returns (gpx, dropped_points)."""
    root_at = data.find(b"<gpx")
    if root_at < 0:
        raise NotAnActivity(label, "XML file without a <gpx> root: not a GPX track")
    if _ENTITY.search(data):
        # No GPX writer declares entities; refusing any declaration (wherever it hides,
        # comments included) shuts out entity expansion and external entities alike.
        raise UnreadableExport(label, "GPX declares XML entities: refused as a possible entity-expansion attack")
    # gpxpy reads extensions only in GPX 1.1; some writers say version="1.0" while
    # using the 1.1 namespace (sportractive), so trust the namespace.
    version = "1.1" if _GPX11 in data[root_at : root_at + 4096] else None
    text = data.decode("utf-8", errors="replace")
    try:
        return gpxpy.parse(text, version=version), 0
    except (gpxpy.gpx.GPXXMLSyntaxException, ValueError) as err:
        # ValueError: lxml refuses a malformed namespace declaration (xmlns:a="x y=").
        raise UnreadableExport(label, f"malformed GPX XML ({_one_line(err)})") from err
    except gpxpy.gpx.GPXException as err:
        if "mandatory" not in str(err):
            raise UnreadableExport(label, f"invalid GPX ({_one_line(err)})") from err
    cleaned, dropped = _drop_points_without_position(data, label)
    try:
        return gpxpy.parse(cleaned, version=version), dropped
    except (gpxpy.gpx.GPXException, ValueError) as err:
        raise UnreadableExport(label, f"invalid GPX ({_one_line(err)})") from err


def _drop_points_without_position(data: bytes, label: str) -> tuple[str, int]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as err:
        raise UnreadableExport(label, f"malformed GPX XML ({_one_line(err)})") from err
    dropped = 0
    for el in list(root.iter("{*}trkpt", "{*}rtept", "{*}wpt")):
        if el.get("lat") in (None, "") or el.get("lon") in (None, ""):
            el.getparent().remove(el)
            dropped += 1
    return etree.tostring(root, encoding="unicode"), dropped


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())[:200]


def _extensions(point) -> dict[str, float]:
    values: dict[str, float] = {}
    for ext in point.extensions:
        for el in ext.iter():
            tag = el.tag if isinstance(el.tag, str) else ""
            col = EXTENSION_MAP.get(tag.rsplit("}", 1)[-1].lower())
            if col and col not in values and el.text:
                try:
                    values[col] = float(el.text)
                except ValueError:
                    continue
    return values


def _sport(gpx: gpxpy.gpx.GPX) -> tuple[str, str]:
    """(FIT sport name or '', the raw <type> when it was not recognised)."""
    for track in gpx.tracks:
        if track.type and track.type.strip():
            raw = track.type.strip()
            key = raw.lower().replace(" ", "_")
            if key in GPX_TYPE_MAP:
                return GPX_TYPE_MAP[key], ""
            if not key.isdigit():
                return key, ""
            return "", raw
    return "", ""


def _utc_times(times: list) -> tuple[pd.DatetimeIndex, float | None, str]:
    """GPX point times as UTC, the offset [s] the first point states (None when UTC or
    unstated), and a note. GPX times are UTC by the schema: a time without a zone (all
    of a file's, or some of them in a damaged file) is read as UTC and the note says so."""
    naive = sum(t.tzinfo is None for t in times)
    if naive == len(times):
        return pd.to_datetime(times).tz_localize("UTC"), None, "GPX times carry no time zone: read as UTC"
    note = ""
    if naive:
        note = f"{naive} of {len(times)} GPX times carry no time zone: read as UTC"
        times = [t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t for t in times]
    first = times[0].utcoffset()
    offset = first.total_seconds() if first is not None and first.total_seconds() != 0 else None
    return pd.to_datetime(times, utc=True), offset, note


def decode_gpx(data: bytes, label: str, sha256: str) -> Decoded:
    """Decode one GPX file into one activity and its samples."""
    gpx, dropped = _parse(data, label)
    rows = _points(gpx)
    notes = []
    if dropped:
        notes.append(f"{dropped} track points without coordinates dropped")
    if not rows:
        raise NotAnActivity(label, "GPX holds no track points" + (f" ({notes[0]})" if notes else ""))
    raw, zone_offset = _timed_points(pd.DataFrame(rows), label, notes)
    raw, dt_s = _with_distance_and_speed(raw)
    moving = (dt_s > 0) & (dt_s <= PAUSE_GAP_S)
    median_speed = float(np.nanmedian(raw[C.SPEED_M_S].to_numpy()[moving])) if moving.any() else float("nan")
    sport, sport_source = _sport_or_inferred(gpx, median_speed, notes)

    aid = activity_id(sha256, 0)
    raw[C.ACTIVITY_ID] = aid
    samples = finish_samples(raw, sport)
    _strides_to_steps(samples, sport, notes)

    start, end = samples[C.TIMESTAMP].iloc[0], samples[C.TIMESTAMP].iloc[-1]
    elapsed = (end - start).total_seconds()
    timer = float(np.nansum(np.where(moving, dt_s, 0.0)))
    offset, source, offset_note = choose_offset(zone_offset, "gpx time zone", samples, start)
    if offset_note:
        notes.append(offset_note)
    row = {
        C.ACTIVITY_ID: aid,
        C.SOURCE: label,
        C.FILE_SHA256: sha256,
        C.FORMAT: "gpx",
        C.SESSION_INDEX: 0,
        C.MANUFACTURER: (gpx.creator or "").strip(),
        C.PRODUCT: "",
        C.SPORT: sport,
        C.SUB_SPORT: "",
        C.SPORT_SOURCE: sport_source,
        C.IS_RUN: is_run(sport),
        C.START_UTC: start,
        C.END_UTC: end,
        C.UTC_OFFSET_S: offset,
        C.UTC_OFFSET_SOURCE: source,
        C.ELAPSED_S: elapsed,
        C.TIMER_S: timer,
        C.DURATION_S: timer if timer > 0 else elapsed,
        C.DISTANCE_M: float(samples[C.SAMPLE_DISTANCE_M].iloc[-1]),
        **summarise(samples, sport),
        C.DUPLICATE_OF: "",
        C.NOTE: "; ".join(notes),
    }
    return Decoded(kind="activity", activities=activity_frame([judge_run(row)]), samples=samples, note="; ".join(notes))


def _points(gpx: gpxpy.gpx.GPX) -> list[dict]:
    """Every track point: time, position, elevation, extension values, and whether it
    starts a segment."""
    rows = []
    for track in gpx.tracks:
        for _seg_no, segment in enumerate(track.segments):
            first = True
            for p in segment.points:
                row = {
                    C.TIMESTAMP: p.time,
                    C.LATITUDE_DEG: p.latitude,
                    C.LONGITUDE_DEG: p.longitude,
                    C.ALTITUDE_M: p.elevation,
                    "_segment_start": first,
                }
                first = False
                if p.extensions:
                    row.update(_extensions(p))
                rows.append(row)
    return rows


def _timed_points(raw: pd.DataFrame, label: str, notes: list[str]) -> tuple[pd.DataFrame, float | None]:
    """The points with a time, in time order, times in UTC [ns]; and the UTC offset [s]
    the first point states (None when UTC or unstated). Adds to ``notes`` what it had
    to do; raises NotAnActivity when no point has a time."""
    timed = raw[C.TIMESTAMP].notna()
    if not timed.any():
        raise NotAnActivity(label, f"GPX track of {len(raw)} points has no timestamps: not a recorded activity")
    if not timed.all():
        notes.append(f"{int((~timed).sum())} track points without time dropped")
        raw = raw[timed]
    stamps, zone_offset, zone_note = _utc_times(raw[C.TIMESTAMP].tolist())
    if zone_note:
        notes.append(zone_note)
    # Times must fit nanoseconds since 1970 (pandas: 1677-09-21 to 2262-04-11); a point
    # dated outside is a damaged time, dropped (a year 3026 for 2026, say).
    lo, hi = (t.tz_localize("UTC").as_unit(stamps.unit) for t in (pd.Timestamp.min, pd.Timestamp.max))
    inside = np.asarray((stamps >= lo) & (stamps <= hi))
    if not inside.all():
        if not inside.any():
            raise UnreadableExport(label, f"every GPX time lies outside {lo.year}-{hi.year}: damaged times")
        notes.append(f"{int((~inside).sum())} track points dated outside {lo.year}-{hi.year} dropped (damaged times)")
        raw, stamps = raw[inside], stamps[inside]
    raw = raw.assign(**{C.TIMESTAMP: stamps.as_unit("ns")})
    backwards = int((np.diff(raw[C.TIMESTAMP].astype("int64").to_numpy()) < 0).sum())
    if backwards:
        notes.append(f"{backwards} backward time steps: points re-ordered by time")
        raw = raw.sort_values(C.TIMESTAMP, kind="stable")
    return raw, zone_offset


def _with_distance_and_speed(raw: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The points with cumulative distance (haversine, none across segment breaks) and
    speed [m/s] from the previous point; and the seconds since the previous point."""
    lat = raw[C.LATITUDE_DEG].to_numpy(float)
    lon = raw[C.LONGITUDE_DEG].to_numpy(float)
    step = np.concatenate([[0.0], haversine_m(lat, lon)])
    step[raw["_segment_start"].to_numpy(bool)] = 0.0  # no distance across segment breaks
    raw[C.SAMPLE_DISTANCE_M] = np.cumsum(step)
    secs = raw[C.TIMESTAMP].astype("int64").to_numpy() / 1e9
    dt_s = np.concatenate([[np.nan], np.diff(secs)])
    with np.errstate(divide="ignore", invalid="ignore"):
        raw[C.SPEED_M_S] = np.where(dt_s > 0, step / dt_s, np.nan)
    return raw.drop(columns="_segment_start"), dt_s


def _sport_or_inferred(gpx: gpxpy.gpx.GPX, median_speed: float, notes: list[str]) -> tuple[str, str]:
    """(sport, sport_source): the file's <type>, else a run when the median moving speed
    [m/s] lies in RUN_SPEED_BAND_M_S, else 'unknown'; the note says which and why."""
    sport, unknown_type = _sport(gpx)
    if sport:
        return sport, "file"
    low, high = RUN_SPEED_BAND_M_S
    if unknown_type:
        notes.append(f"activity type code {unknown_type!r} not recognised")
    if low <= median_speed <= high:
        notes.append(
            f"no activity type in the file: median moving speed {median_speed:.2f} m/s is within "
            f"{low}-{high} m/s, counted as a run"
        )
        return "running", "inferred"
    notes.append(
        f"no activity type in the file: median moving speed {median_speed:.2f} m/s is outside "
        f"{low}-{high} m/s, not counted as a run"
    )
    return "unknown", "inferred"


def _strides_to_steps(samples: pd.DataFrame, sport: str, notes: list[str]) -> None:
    """Double a foot sport's cadence in place when it counts strides (one foot): its
    median, over the points faster than a walk, is below STRIDE_CADENCE_CEILING."""
    cad = samples[C.CADENCE_SPM]
    fast = samples[C.SPEED_M_S] > RUN_SPEED_BAND_M_S[0]
    if cad.notna().any() and sport in ("running", "walking", "hiking"):
        ref = cad[fast & (cad > 0)] if (fast & (cad > 0)).any() else cad[cad > 0]
        if len(ref) and ref.median() < STRIDE_CADENCE_CEILING:
            samples[C.CADENCE_SPM] = cad * 2.0
            notes.append("GPX cadence counts strides (one foot): doubled to steps/min")
