"""FIT importer (fitparse): sessions become activities, records become samples.

The common case goes through the vectorised decoder in ``fastfit.py`` (identical
output, checked by tests/test_fastfit.py); anything it does not handle falls back to
fitparse for the whole file.

FIT facts this module relies on (FIT SDK profile; DOMAIN.md):

* timestamps count seconds from 1989-12-31 UTC; values below 0x10000000 are
  device-relative (seconds since power-on), and fitparse leaves them as ints;
* running cadence is strides per minute: steps/min = 2 x (cadence + fractional_cadence);
* stance_time [ms], vertical_oscillation [mm], vertical_ratio [%], step_length [mm],
  stance_time_balance [% left] arrive already scaled by fitparse;
* enhanced_speed / enhanced_altitude supersede speed / altitude;
* positions are semicircles: degrees = value x 180 / 2^31;
* invalid values (all ones) are decoded as None, so they become NaN, never 0.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import NotAnActivity, UnreadableExport
from ..tables import activity_frame, empty_weights
from . import fastfit
from .base import (
    LOCAL_CLOCK_ONLY,
    Decoded,
    activity_id,
    choose_offset,
    finish_samples,
    is_run,
    summarise,
    to_utc,
)
from .fit_messages import read_messages
from .fit_profile import FIT_EPOCH, PLAIN_COLUMNS, SEMICIRCLE_TO_DEG

#: Records this long [s] after a session's end still belong to it (devices write the
#: last record a moment after the session's timestamp).
SESSION_TAIL_S = 60.0


class _Clock:
    """Turns FIT timestamps (absolute datetimes or device-relative ints) into UTC."""

    def __init__(self, others: dict[str, list[dict]]):
        self.shift_s: float | None = None  # relative -> UTC seconds since 1989-12-31
        self.note = ""
        for corr in others.get("timestamp_correlation", []):
            ts, sys_ts = corr.get("timestamp"), corr.get("system_timestamp")
            if isinstance(ts, dt.datetime) and isinstance(sys_ts, (int, float)):
                self.shift_s = (ts - FIT_EPOCH).total_seconds() - sys_ts
                self.note = "device-relative timestamps placed by timestamp_correlation"
                return
        for settings in others.get("device_settings", []):
            offs = settings.get("time_offset")
            offs = offs[0] if isinstance(offs, (tuple, list)) else offs
            if isinstance(offs, (int, float)) and offs > 0:
                self.shift_s = float(offs)
                self.note = "device-relative timestamps placed by device_settings.time_offset"
                return
        for act in others.get("activity", []):
            ts, local = act.get("timestamp"), act.get("local_timestamp")
            if isinstance(ts, int) and isinstance(local, dt.datetime):
                # Only the wall clock at the end is known, and some devices (FR70) write
                # the download time there: say so; the offset stays unknown.
                self.shift_s = (local - FIT_EPOCH).total_seconds() - ts
                self.note = (
                    "timestamps are device-relative (seconds since power-on); placed in time by "
                    f"activity.local_timestamp ({local:%Y-%m-%d %H:%M} local, read as UTC), which "
                    "some watches write at download: date uncertain"
                )
                self.assumed_local = True
                return

    assumed_local = False
    used = False  # True once a device-relative value was converted

    def utc(self, value) -> pd.Timestamp | None:
        if isinstance(value, dt.datetime):
            return to_utc(value)
        if isinstance(value, (int, np.integer)) and self.shift_s is not None:
            self.used = True
            return pd.Timestamp(FIT_EPOCH + dt.timedelta(seconds=float(value) + self.shift_s), tz="UTC")
        return None


def _samples_frame(records: list[dict], clock: _Clock) -> tuple[pd.DataFrame, int]:
    """Records -> sample columns (before session assignment). Returns (frame, dropped)."""
    raw = pd.DataFrame.from_records(records)
    if raw.empty or "timestamp" not in raw:
        return pd.DataFrame({C.TIMESTAMP: pd.Series([], dtype="datetime64[ns, UTC]")}), len(raw)
    ts = raw["timestamp"]
    is_dt = ts.map(lambda v: isinstance(v, dt.datetime))
    out = pd.DataFrame(index=raw.index)
    stamps = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    if is_dt.any():
        stamps[is_dt] = pd.to_datetime(ts[is_dt].astype("datetime64[ns]")).dt.tz_localize("UTC")
    rel = ts.map(lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool))
    if rel.any() and clock.shift_s is not None:
        clock.used = True
        secs = ts[rel].astype("float64") + clock.shift_s
        stamps[rel] = pd.Timestamp(FIT_EPOCH, tz="UTC") + pd.to_timedelta(secs, unit="s")
    out[C.TIMESTAMP] = stamps.dt.as_unit("ns")

    def num(name: str) -> pd.Series:
        if name not in raw:
            return pd.Series(np.nan, index=raw.index)
        return pd.to_numeric(raw[name], errors="coerce").astype("float64")

    for field, col in PLAIN_COLUMNS.items():
        out[col] = num(field)
    out[C.SPEED_M_S] = num("enhanced_speed").fillna(num("speed"))
    out[C.ALTITUDE_M] = num("enhanced_altitude").fillna(num("altitude"))
    out[C.LATITUDE_DEG] = num("position_lat") * SEMICIRCLE_TO_DEG
    out[C.LONGITUDE_DEG] = num("position_long") * SEMICIRCLE_TO_DEG
    # Strides/min -> steps/min for foot sports (finish_samples moves it for others).
    out[C.CADENCE_SPM] = 2.0 * (num("cadence") + num("fractional_cadence").fillna(0.0))
    for col in raw.columns:
        if col.startswith(C.DEV_PREFIX):
            out[col] = num(col)
    dropped = int(out[C.TIMESTAMP].isna().sum())
    return out[out[C.TIMESTAMP].notna()], dropped


def _read_fast(data: bytes) -> fastfit.FastDecode | None:
    """The common case through the vectorised decoder (fastfit); None when the file
    needs fitparse (fastfit.Fallback says why: damage, chained files, ...)."""
    try:
        return fastfit.decode(data)
    except fastfit.Fallback:
        return None
    except Exception:  # noqa: BLE001 - any surprise in the fast path: the reference decoder decides
        return None


def _product(file_id: dict) -> tuple[str, str]:
    manufacturer = file_id.get("manufacturer")
    product = file_id.get("product_name") or file_id.get("garmin_product") or file_id.get("product")
    return (str(manufacturer) if manufacturer is not None else "", str(product) if product is not None else "")


def decode_fit(data: bytes, label: str, sha256: str) -> Decoded:
    """Decode one FIT file (bytes) into activities and samples.

    Raises UnreadableExport when nothing usable can be read, NotAnActivity for FIT
    files that hold no activity (monitoring, settings, ...)."""
    if len(data) < 12 or data[8:12] != b".FIT":
        raise UnreadableExport(label, "not a FIT file: no '.FIT' signature in the header (renamed or damaged file)")
    fast = _read_fast(data)
    if fast is not None:
        n_records, others, error = fast.n_records, fast.others, None
    else:
        records, _dev, others, error = read_messages(data)
        n_records = len(records)
    file_id = (others.get("file_id") or [{}])[0]
    file_type = file_id.get("type")
    sessions = others.get("session", [])
    weights = _weights(others, label)

    if not n_records and not sessions:
        if len(weights):
            return Decoded(
                kind="weight",
                activities=activity_frame([]),
                samples=pd.DataFrame(),
                weights=weights,
                note=f"weight readings: {len(weights)} (no activity)" + (f"; {error}" if error else ""),
            )
        if error:
            raise UnreadableExport(label, error)
        if file_type not in (None, "activity"):
            raise NotAnActivity(label, f"FIT file type '{file_type}' is not an activity")
        raise NotAnActivity(label, "FIT file holds no sessions and no records")

    clock = _Clock(others)
    samples, no_time = (fast.samples, fast.dropped) if fast is not None else _samples_frame(records, clock)
    notes = []
    if error and error.startswith("CRC"):
        notes.append(f"all {n_records} records read, but the {error}: the data may be damaged")
    elif error:
        notes.append(f"partial read, {n_records} records kept: {error}")
    if no_time:
        notes.append(
            f"{no_time} records without a usable timestamp dropped"
            + ("" if clock.shift_s is not None or not n_records else " (device-relative time and no anchor)")
        )
    if samples.empty and not sessions:
        raise UnreadableExport(label, "; ".join(notes) or "no records with timestamps")

    manufacturer, product = _product(file_id)
    activity = (others.get("activity") or [{}])[0]
    device_offset = None
    a_ts, a_local = activity.get("timestamp"), activity.get("local_timestamp")
    if isinstance(a_ts, dt.datetime) and isinstance(a_local, dt.datetime):
        device_offset = (a_local - a_ts).total_seconds()

    spans = _session_spans(sessions, samples, clock, others)
    if clock.used:
        notes.append(clock.note)
    if not spans:
        raise UnreadableExport(label, "; ".join(notes) or "sessions carry no start time")
    starts = np.array([s["start"].value for s in spans])
    sample_ns = (
        samples[C.TIMESTAMP].dt.as_unit("ns").astype("int64").to_numpy() if len(samples) else np.array([], "int64")
    )
    owner = np.searchsorted(starts, sample_ns, side="right") - 1
    owner[owner < 0] = 0  # a record written a moment before the first session starts

    rows, frames = [], []
    for i, span in enumerate(spans):
        aid = activity_id(sha256, i)
        limit = span["end"] + pd.Timedelta(seconds=SESSION_TAIL_S)
        mask = (owner == i) & (sample_ns <= limit.value)
        part = finish_samples(samples[mask].assign(**{C.ACTIVITY_ID: aid}), span["sport"])
        frames.append(part)
        row_notes = list(notes)
        distance = span["distance"]
        dist_span = part[C.SAMPLE_DISTANCE_M].max() - part[C.SAMPLE_DISTANCE_M].min() if len(part) else np.nan
        if not (distance and distance > 0):
            if np.isfinite(dist_span):
                distance = float(dist_span)
                row_notes.append("session has no distance: taken from the records")
            else:
                distance = 0.0 if span["sport"] in ("training",) else np.nan
        if clock.assumed_local:
            offset, source, offset_note = np.nan, LOCAL_CLOCK_ONLY, ""
        else:
            offset, source, offset_note = choose_offset(
                device_offset, "fit activity.local_timestamp", part, span["start"]
            )
            if manufacturer == "coros" and source.startswith("fit") and offset == 0:
                offset, source = np.nan, "unknown: COROS writes local time = UTC and there is no GPS fix"
        if offset_note:
            row_notes.append(offset_note)
        timer = span["timer"]
        elapsed = span["elapsed"]
        rows.append(
            {
                C.ACTIVITY_ID: aid,
                C.SOURCE: label,
                C.FILE_SHA256: sha256,
                C.FORMAT: "fit",
                C.SESSION_INDEX: i,
                C.MANUFACTURER: manufacturer,
                C.PRODUCT: product,
                C.SPORT: span["sport"] or "",
                C.SUB_SPORT: span["sub_sport"] or "",
                C.SPORT_SOURCE: "file" if span["sport"] else "unknown",
                C.IS_RUN: is_run(span["sport"]),
                C.START_UTC: span["start"],
                C.END_UTC: span["end"],
                C.UTC_OFFSET_S: offset,
                C.UTC_OFFSET_SOURCE: source,
                C.ELAPSED_S: elapsed,
                C.TIMER_S: timer,
                C.DURATION_S: timer if np.isfinite(timer) and timer > 0 else elapsed,
                C.DISTANCE_M: distance,
                **summarise(part),
                C.DUPLICATE_OF: "",
                C.NOTE: "; ".join(row_notes),
            }
        )
    return Decoded(
        kind="activity",
        activities=activity_frame(rows),
        samples=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
        weights=weights,
        note="; ".join(notes),
    )


def _fnum(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("nan")


def _session_spans(sessions, samples, clock, others) -> list[dict]:
    """Start/end/sport/totals per session, in time order. A file without sessions (a
    watch that died mid-run) becomes one span over its records."""
    spans = []
    for s in sessions:
        start = clock.utc(s.get("start_time")) or clock.utc(s.get("timestamp"))
        if start is None:
            continue
        elapsed = _fnum(s.get("total_elapsed_time"))
        timer = _fnum(s.get("total_timer_time"))
        end_ts = clock.utc(s.get("timestamp"))
        ends = [t for t in (end_ts,) if t is not None]
        for secs in (elapsed, timer):
            if np.isfinite(secs):
                ends.append(start + pd.Timedelta(seconds=secs))
        end = max(ends) if ends else start
        sport = s.get("sport")
        sub = s.get("sub_sport")
        spans.append(
            {
                "start": start,
                "end": end,
                "elapsed": (end - start).total_seconds() if not np.isfinite(elapsed) else elapsed,
                "timer": timer,
                "distance": _fnum(s.get("total_distance")),
                "sport": str(sport) if sport is not None else "",
                "sub_sport": str(sub) if sub is not None and sub != "generic" else "",
            }
        )
    if not spans and len(samples):
        # No session (a watch that died mid-run, a truncated file): the sport message,
        # else the laps written so far say what it was.
        sport_msg = (others.get("sport") or [{}])[0]
        if sport_msg.get("sport") is None:
            lap_sports = [lap.get("sport") for lap in others.get("lap", []) if lap.get("sport") is not None]
            if lap_sports:
                sport_msg = {
                    "sport": max(set(lap_sports), key=lap_sports.count),
                    "sub_sport": next(
                        (
                            lap.get("sub_sport")
                            for lap in others.get("lap", [])
                            if lap.get("sub_sport") not in (None, "generic")
                        ),
                        "",
                    ),
                }
        sport = sport_msg.get("sport")
        start, end = samples[C.TIMESTAMP].min(), samples[C.TIMESTAMP].max()
        spans.append(
            {
                "start": start,
                "end": end,
                "elapsed": (end - start).total_seconds(),
                "timer": float("nan"),
                "distance": float("nan"),
                "sport": str(sport) if sport is not None else "",
                "sub_sport": str(sport_msg.get("sub_sport") or ""),
            }
        )
    spans.sort(key=lambda s: s["start"])
    return spans


def _weights(others: dict[str, list[dict]], label: str) -> pd.DataFrame:
    """Body-mass readings: weight_scale messages, and user_profile.weight at the
    file's creation time."""
    rows = []
    for w in others.get("weight_scale", []):
        kg, ts = w.get("weight"), w.get("timestamp")
        if isinstance(kg, (int, float)) and isinstance(ts, dt.datetime):
            rows.append({C.TIMESTAMP: to_utc(ts), C.WEIGHT_KG: float(kg), C.SOURCE: label})
    created = (others.get("file_id") or [{}])[0].get("time_created")
    for p in others.get("user_profile", []):
        kg = p.get("weight")
        if isinstance(kg, (int, float)) and isinstance(created, dt.datetime):
            rows.append({C.TIMESTAMP: to_utc(created), C.WEIGHT_KG: float(kg), C.SOURCE: label})
    if not rows:
        return empty_weights()
    return pd.DataFrame(rows).drop_duplicates()
