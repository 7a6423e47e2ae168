"""FIT importer: sessions become activities, records become samples.

The common case goes through the vectorised decoder in ``fastfit.py`` (identical
output, checked by tests/test_fastfit.py); anything it does not handle falls back to
fitparse for the whole file (``fit_messages.py``, which also states the FIT facts the
record conversion relies on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import NotAnActivity, UnreadableExport
from ..tables import activity_frame, empty_weights, empty_wellness
from . import fastfit
from .base import (
    LOCAL_CLOCK_ONLY,
    Decoded,
    activity_id,
    choose_offset,
    finish_samples,
    floats,
    is_run,
    sane_offset,
    summarise,
    to_utc,
)
from .columnar import ColumnDecoded, SampleColumns, finish_arrays
from .fit_messages import Clock, read_messages, samples_frame
from .fit_sessions import (
    extend_ns,
    extend_to_records,
    rebase_clock_jumps,
    rebase_ns,
    session_of,
    session_of_ns,
    session_spans,
)
from .fit_wellness import holds_wellness, monitoring_offset, wellness_readings
from .plausible import judge_run


def _read_fast(data: bytes) -> fastfit.FastDecode | None:
    """The common case through the vectorised decoder (fastfit); None when the file
    needs fitparse (fastfit.Fallback says why: damage, chained files, ...)."""
    try:
        return fastfit.decode(data)
    except fastfit.Fallback:
        return None
    except Exception:  # noqa: BLE001 - any surprise in the fast path: the reference decoder decides
        return None


def _device(file_id: dict) -> tuple[str, str, str]:
    """(manufacturer, product, serial number) of the recording device, from file_id;
    "" for what the file does not give (fitparse reads an invalid serial, 0, as None)."""
    manufacturer = file_id.get("manufacturer")
    product = file_id.get("product_name") or file_id.get("garmin_product") or file_id.get("product")
    serial = file_id.get("serial_number")
    return tuple("" if v is None else str(v) for v in (manufacturer, product, serial))  # type: ignore[return-value]


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
    sessions = others.get("session", [])
    weights = _weights(others, label)  # None: the file has none
    if not n_records and not sessions:
        return _without_activity(others, empty_weights() if weights is None else weights, error, label)

    clock = Clock(others)
    if fast is not None:
        # The fast path keeps numpy arrays; the frame is made only where one is needed.
        no_time, has_samples = fast.dropped, len(fast.arrays[C.TIMESTAMP]) > 0
    else:
        samples, no_time = samples_frame(records, clock)
        has_samples = not samples.empty
    notes = _read_notes(error, n_records, no_time, clock)
    if not has_samples and not sessions:
        raise UnreadableExport(label, "; ".join(notes) or "no records with timestamps")
    if fast is not None:
        # The records' own span is needed only when no session gives a start (no
        # samples given: nothing to make a frame of when one does).
        spans = session_spans(sessions, (), clock, others)
        spans = spans or (session_spans(sessions, fast.samples, clock, others) if has_samples else [])
    else:
        spans = session_spans(sessions, samples, clock, others)
    if clock.used:
        notes.append(clock.note)
    if not spans:
        raise UnreadableExport(label, "; ".join(notes) or "sessions carry no start time")

    manufacturer, product, serial = _device((others.get("file_id") or [{}])[0])
    facts = _FileFacts(label, sha256, manufacturer, product, serial, _device_offset(others), clock)
    if fast is not None:
        frames = _fast_session_samples(fast, spans, sha256)
    else:
        samples = rebase_clock_jumps(samples, spans)
        extend_to_records(samples, spans)
        frames = _session_samples(samples, spans, sha256)
    rows = [
        _activity_row(facts, i, span, part, notes) for i, (span, part) in enumerate(zip(spans, frames, strict=True))
    ]
    # The activity's own offset dates the readings an activity file carries (the user
    # profile's resting heart rate); their note parts stay out of the activity's note.
    offsets = [facts.device_offset, *(row[C.UTC_OFFSET_S] for row in rows)]
    wellness = None  # the file has none
    if holds_wellness(others):
        wellness, _parts = wellness_readings(others, clock, label, next((o for o in offsets if sane_offset(o)), None))
    if frames and all(isinstance(f, SampleColumns) for f in frames):
        # The fast path: the frames are made for a batch of files at once (ingest.pool).
        return ColumnDecoded(rows, frames, weights, wellness, "; ".join(notes))
    frames = [f.frame() if isinstance(f, SampleColumns) else f for f in frames]
    return Decoded(
        kind="activity",
        activities=activity_frame(rows),
        samples=(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]) if frames else pd.DataFrame(),
        weights=empty_weights() if weights is None else weights,
        wellness=empty_wellness() if wellness is None else wellness,
        note="; ".join(notes),
    )


def _without_activity(others: dict[str, list[dict]], weights: pd.DataFrame, error: str | None, label: str) -> Decoded:
    """A FIT file with no records and no sessions: its weight readings and wellness
    readings (sleep, HRV, resting heart rate: fit_wellness), else raise why it holds no
    activity. A file with weights stays kind 'weight' (its wellness rides along)."""
    offset = monitoring_offset(others)
    wellness, parts = wellness_readings(
        others, Clock(others), label, offset if offset is not None else _device_offset(others)
    )
    tail = parts + ([error] if error else [])
    if len(weights):
        note = "; ".join([f"weight readings: {len(weights)} (no activity)", *tail])
        return Decoded.without_activity("weight", note, weights=weights, wellness=wellness)
    if len(wellness):
        return Decoded.without_activity("wellness", "; ".join(tail), wellness=wellness)
    if error:
        raise UnreadableExport(label, error)
    file_type = (others.get("file_id") or [{}])[0].get("type")
    if parts:  # wellness messages that gave nothing, and why
        raise NotAnActivity(label, f"FIT file type '{file_type}' holds no activity; " + "; ".join(parts))
    if file_type not in (None, "activity"):
        raise NotAnActivity(label, f"FIT file type '{file_type}' is not an activity")
    raise NotAnActivity(label, "FIT file holds no sessions and no records")


def _read_notes(error: str | None, n_records: int, no_time: int, clock: Clock) -> list[str]:
    """What the file's notes say about the read: a damaged or partial read, records
    dropped for want of a timestamp."""
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
    return notes


def _device_offset(others: dict[str, list[dict]]) -> float | None:
    """The UTC offset [s] the device states: activity.local_timestamp - timestamp."""
    activity = (others.get("activity") or [{}])[0]
    a_ts, a_local = activity.get("timestamp"), activity.get("local_timestamp")
    if isinstance(a_ts, dt.datetime) and isinstance(a_local, dt.datetime):
        return (a_local - a_ts).total_seconds()
    return None


def _session_samples(samples: pd.DataFrame, spans: list[dict], sha256: str) -> list[pd.DataFrame]:
    """Each session's samples (fit_sessions.session_of), finished (finish_samples: FIT
    cadence counts strides, doubled to steps on foot) and keyed by its activity id."""
    owner = session_of(samples, spans)
    return [
        finish_samples(
            samples if (owner == i).all() else samples[owner == i],
            span["sport"],
            cadence_doubled=True,
            activity=activity_id(sha256, i),
        )
        for i, span in enumerate(spans)
    ]


def _fast_session_samples(fast: fastfit.FastDecode, spans: list[dict], sha256: str) -> list:
    """_session_samples from the fast path's numpy arrays: clock jumps rebased,
    sessions lengthened to their records and each session's samples finished as the
    frame path does, as SampleColumns (columnar.finish_arrays; a session whose times
    are out of order goes through finish_samples, a frame)."""
    arrays = fast.arrays
    ns = rebase_ns(arrays[C.TIMESTAMP], spans)
    if ns is not arrays[C.TIMESTAMP]:
        arrays = {**arrays, C.TIMESTAMP: ns}
    extend_ns(ns, spans)
    owner = session_of_ns(ns, spans)
    frames = []
    for i, span in enumerate(spans):
        rows = owner == i
        every = bool(rows.all())
        aid = activity_id(sha256, i)
        frame = finish_arrays(arrays, None if every else rows, aid, span["sport"], cadence_doubled=True)
        if frame is None:
            samples = fastfit.frame_of(arrays)
            frame = finish_samples(samples if every else samples[rows], span["sport"], True, aid)
        frames.append(frame)
    return frames


@dataclass(frozen=True)
class _FileFacts:
    """What every activity of one FIT file shares."""

    label: str
    sha256: str
    manufacturer: str
    product: str
    serial: str
    device_offset: float | None  # [s], see _device_offset
    clock: Clock


def _activity_row(facts: _FileFacts, i: int, span: dict, part, notes: list[str]) -> dict:
    """The activity row of session ``i`` (``span``) and its samples ``part`` (a frame
    or SampleColumns); ``notes`` are the file's, to which the row adds its own."""
    row_notes = list(notes) + span["notes"]
    distance = span["distance"]
    dist = floats(part, C.SAMPLE_DISTANCE_M)
    dist = dist[~np.isnan(dist)]
    dist_span = dist.max() - dist.min() if len(dist) else np.nan
    if not (distance and distance > 0):
        if np.isfinite(dist_span):
            distance = float(dist_span)
            row_notes.append("session has no distance: taken from the records")
        else:
            distance = 0.0 if span["sport"] in ("training",) else np.nan
    if facts.clock.assumed_local:
        offset, source, offset_note = np.nan, LOCAL_CLOCK_ONLY, ""
    else:
        offset, source, offset_note = choose_offset(
            facts.device_offset, "fit activity.local_timestamp", part, span["start"]
        )
        if facts.manufacturer == "coros" and source.startswith("fit") and offset == 0:
            offset, source = np.nan, "unknown: COROS writes local time = UTC and there is no GPS fix"
    if offset_note:
        row_notes.append(offset_note)
    timer = span["timer"]
    elapsed = span["elapsed"]
    row = {
        C.ACTIVITY_ID: activity_id(facts.sha256, i),
        C.SOURCE: facts.label,
        C.FILE_SHA256: facts.sha256,
        C.FORMAT: "fit",
        C.SESSION_INDEX: i,
        C.MANUFACTURER: facts.manufacturer,
        C.PRODUCT: facts.product,
        C.DEVICE_SERIAL: facts.serial,
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
        C.FEEL: span["feel"],
        C.RPE: span["rpe"],
        C.RATING_SOURCE: "file" if np.isfinite(span["feel"]) or np.isfinite(span["rpe"]) else "",
        **summarise(part, span["sport"]),
        C.DUPLICATE_OF: "",
        C.NOTE: "; ".join(row_notes),
    }
    return judge_run(row)


def _weights(others: dict[str, list[dict]], label: str) -> pd.DataFrame | None:
    """Body-mass readings: weight_scale messages, and user_profile.weight at the
    file's creation time; None when the file has none."""
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
        return None
    return pd.DataFrame(rows).drop_duplicates()
