"""The lean corpus of issue 20: one-hour 1 Hz runs as a watch writes them with only
what heavylegs reads. Each record carries timestamp, distance, speed, heart rate,
cadence and the five running-dynamics fields (stance time, vertical oscillation,
vertical ratio, step length, stance time balance); besides the records there are only
file_id, the timer start and stop events, one lap per kilometre (auto-lap), the
session and the activity (~80 KB a file).

Two template runs (an easy and a steady one) are written with fit-tool (the FIT SDK's
encoding, as sample_data/generate.py does), then copied with every date_time moved
whole weeks back (bench_import.shifted), so the corpus is N distinct runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

#: One hour at 1 s recording [s].
RUN_S = 3600
#: Seconds from the Unix epoch to the FIT epoch (FIT profile, date_time).
FIT_EPOCH_S = 631_065_600
#: (name, speed [m/s], heart rate [bpm], steps/min, start) of the two templates.
TEMPLATES = (
    ("easy", 2.9, 142.0, 166.0, "2026-06-01T06:30:00"),
    ("steady", 3.4, 156.0, 174.0, "2026-06-03T18:00:00"),
)


def _series(speed: float, hr: float, spm: float, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(RUN_S + 1, dtype=float)
    wobble = np.sin(t / 97.0) * 0.15 + rng.normal(0, 0.05, len(t))
    v = np.clip(speed + wobble, 1.0, None)
    return {
        "t": t,
        "speed": v,
        "dist": np.concatenate([[0.0], np.cumsum(v[1:])]),
        "hr": np.round(hr - 20 * np.exp(-t / 300.0) + rng.normal(0, 1.5, len(t))),
        "spm": np.round(spm + rng.normal(0, 2, len(t))),
        "gct": np.round(250 - 12 * (v - speed) + rng.normal(0, 4, len(t)), 1),
        "vo": np.round(88 + rng.normal(0, 2, len(t)), 1),
        "ratio": np.round(8.1 + rng.normal(0, 0.2, len(t)), 2),
        "step": np.round(v / (spm / 60.0) * 1000, 1),
        "balance": np.round(49.8 + rng.normal(0, 0.4, len(t)), 2),
    }


def template(name: str, speed: float, hr: float, spm: float, start_iso: str) -> bytes:
    """One lean one-hour run as FIT bytes (fit-tool)."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.activity_message import ActivityMessage
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import Event, EventType, FileType, Manufacturer, Sport

    d = _series(speed, hr, spm, seed=len(name))
    start = dt.datetime.fromisoformat(start_iso).replace(tzinfo=dt.UTC)
    t0 = int(start.timestamp() * 1000)
    end = t0 + RUN_S * 1000
    b = FitFileBuilder(auto_define=True, min_string_size=0)
    fid = FileIdMessage()
    fid.type, fid.manufacturer, fid.product, fid.serial_number, fid.time_created = (
        FileType.ACTIVITY, Manufacturer.GARMIN.value, 3990, 3_400_000_001, t0)  # fmt: skip
    b.add(fid)

    def event(when: int, kind) -> None:
        ev = EventMessage()
        ev.timestamp, ev.event, ev.event_type = when, Event.TIMER, kind
        b.add(ev)

    event(t0, EventType.START)
    km = np.floor(d["dist"] / 1000.0).astype(int)
    lap_ends = set((np.flatnonzero(np.diff(km)) + 1).tolist()) | {RUN_S}
    first = 0
    for i in range(RUN_S + 1):
        r = RecordMessage()
        r.timestamp = t0 + i * 1000
        r.distance, r.speed, r.heart_rate = float(d["dist"][i]), float(d["speed"][i]), int(d["hr"][i])
        r.cadence = int(d["spm"][i]) // 2
        r.stance_time, r.vertical_oscillation = float(d["gct"][i]), float(d["vo"][i])
        r.vertical_ratio, r.step_length = float(d["ratio"][i]), float(d["step"][i])
        r.stance_time_balance = float(d["balance"][i])
        b.add(r)
        if i in lap_ends:
            lap = LapMessage()
            lap.timestamp, lap.start_time = t0 + i * 1000, t0 + first * 1000
            lap.event, lap.event_type, lap.sport = Event.LAP, EventType.STOP, Sport.RUNNING
            lap.total_elapsed_time = lap.total_timer_time = float(i - first)
            lap.total_distance = float(d["dist"][i] - d["dist"][first])
            b.add(lap)
            first = i
    event(end, EventType.STOP_ALL)
    s = SessionMessage()
    s.timestamp, s.start_time, s.sport = end, t0, Sport.RUNNING
    s.event, s.event_type = Event.SESSION, EventType.STOP
    s.total_elapsed_time = s.total_timer_time = float(RUN_S)
    s.total_distance = float(d["dist"][-1])
    s.num_laps = len(lap_ends)
    b.add(s)
    a = ActivityMessage()
    a.timestamp, a.total_timer_time, a.num_sessions = end, float(RUN_S), 1
    a.event, a.event_type = Event.ACTIVITY, EventType.STOP
    a.local_timestamp = end // 1000 + 7200 - FIT_EPOCH_S  # UTC+2
    b.add(a)
    return b.build_bytes()


def build_lean_corpus(n: int, out: Path, templates_dir: Path | None = None) -> list[Path]:
    """``n`` lean runs in ``out``: the templates (written once into ``templates_dir``
    when given, and reused) copied with their times moved back by whole weeks."""
    from bench_import import WEEK_S, _date_time_fields, shifted, time_offsets

    fields = _date_time_fields()
    prepared = []
    for spec in TEMPLATES:
        cached = templates_dir / f"lean_{spec[0]}.fit" if templates_dir is not None else None
        if cached is not None and cached.is_file():
            data = cached.read_bytes()
        else:
            data = template(*spec)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(data)
        prepared.append((spec[0], data, time_offsets(data, fields)[0]))
    paths = []
    for i in range(n):
        name, data, offsets = prepared[i % len(prepared)]
        week = i // len(prepared) + 1
        path = out / f"lean{week:04d}_{name}.fit"
        path.write_bytes(shifted(data, offsets, -week * WEEK_S))
        paths.append(path)
    return paths
