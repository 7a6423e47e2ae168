"""FIT files made for tests with fit-tool (the FIT SDK's encoding, from Stages Cycling's
fit-tool package): sessions of given sports with their records, written as a watch
writes them (file_id, timer events, records, one lap and one session per leg, the
activity), so a test can hold exactly the defect it is about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

#: Seconds from the Unix epoch to the FIT epoch (FIT profile, date_time).
FIT_EPOCH_S = 631065600


@dataclass
class Leg:
    """One session: ``t`` [s from the file's start] of each record, and per record
    values (arrays as long as ``t``, NaN for "not recorded"); totals default to what
    the records say.

    cadence : FIT record cadence as the watch writes it (strides/min on foot, rpm on a bike)
    """

    sport: str
    t: np.ndarray
    speed: np.ndarray | None = None
    cadence: np.ndarray | None = None
    heart_rate: np.ndarray | None = None
    stance_time: np.ndarray | None = None
    distance: np.ndarray | None = None  # cumulative [m]; default: integrated speed
    sub_sport: str = "generic"
    start: float | None = None  # session start_time [s]; default t[0]
    elapsed: float | None = None  # total_elapsed_time [s]; default t[-1] - start
    total_distance: float | None = field(default=None)  # None: the records' distance; NaN: not written
    written: float | None = None  # the session message's timestamp [s]; default start + elapsed
    feel: int | None = None  # session workout_feel (field 192), 0-100
    rpe: int | None = None  # session workout_rpe (field 193), RPE x 10
    #: developer fields (developer data index 0, uint16, described by
    #: ``developer_descriptions``): field number -> per record values (all finite)
    developer: dict[int, np.ndarray] | None = None
    #: developer fields written on the lap and the session: field number -> value
    session_developer: dict[int, int] | None = None


def run(seconds: int, speed: float = 3.0, cadence: float = 85.0, hr: float = 150.0, t0: float = 0.0, **kw) -> Leg:
    """A 1 Hz run leg starting at ``t0`` [s], at a steady speed, cadence and heart rate."""
    t = t0 + np.arange(seconds + 1, dtype=float)
    n = len(t)
    return Leg("running", t, np.full(n, speed), np.full(n, cadence), np.full(n, hr), **kw)


def fit_bytes(legs: list[Leg], start_utc: dt.datetime, utc_offset_s: int = 0, extra: list | None = None) -> bytes:
    """A whole FIT activity file of ``legs`` (one session each), starting at ``start_utc``;
    ``extra``: fit_tool messages written after file_id (a user_profile, ...)."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.activity_message import ActivityMessage
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.profile_type import Activity, Event, EventType, FileType, Manufacturer

    t0 = int(start_utc.replace(tzinfo=dt.UTC).timestamp() * 1000)
    builder = FitFileBuilder(auto_define=True, min_string_size=0)
    fid = FileIdMessage()
    fid.type = FileType.ACTIVITY
    fid.manufacturer = Manufacturer.GARMIN.value
    fid.product = 3113
    fid.serial_number = 1234567890
    fid.time_created = t0
    builder.add(fid)
    for message in extra or []:
        builder.add(message)
    ev = EventMessage()
    ev.timestamp, ev.event, ev.event_type = t0, Event.TIMER, EventType.START
    builder.add(ev)
    last = t0
    for index, leg in enumerate(legs):
        last = max(last, _add_leg(builder, leg, index, t0))
    act = ActivityMessage()
    act.timestamp = last
    act.total_timer_time = (last - t0) / 1000
    act.num_sessions = len(legs)
    act.type = Activity.MANUAL
    act.event, act.event_type = Event.ACTIVITY, EventType.STOP
    act.local_timestamp = last // 1000 + utc_offset_s - FIT_EPOCH_S
    builder.add(act)
    return builder.build_bytes()


def _add_leg(builder, leg: Leg, index: int, t0: int) -> int:
    """Add one leg's records, lap and session; returns the session's timestamp [ms]."""
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import Event, EventType, Sport, SubSport

    t = np.asarray(leg.t, dtype=float)
    distance = leg.distance
    if distance is None and leg.speed is not None:
        distance = np.concatenate([[0.0], np.cumsum(leg.speed[1:] * np.diff(t))])
    for i in range(len(t)):
        rec = RecordMessage(
            local_id=1, developer_fields=_developer_fields({n: v[i] for n, v in (leg.developer or {}).items()})
        )
        rec.timestamp = t0 + int(round(t[i] * 1000))
        for name, values in (
            ("speed", leg.speed),
            ("cadence", leg.cadence),
            ("heart_rate", leg.heart_rate),
            ("stance_time", leg.stance_time),
            ("distance", distance),
        ):
            if values is not None and np.isfinite(values[i]):
                setattr(rec, name, int(values[i]) if name in ("cadence", "heart_rate") else float(values[i]))
        builder.add(rec)
    start = t[0] if leg.start is None else leg.start
    elapsed = float(t[-1] - start) if leg.elapsed is None else leg.elapsed
    written = t0 + int(round(((start + elapsed) if leg.written is None else leg.written) * 1000))
    total = float(distance[-1]) if leg.total_distance is None and distance is not None else leg.total_distance
    sport, sub = Sport[leg.sport.upper()], SubSport[leg.sub_sport.upper()]
    on_session = leg.session_developer or {}
    for message in (
        LapMessage(local_id=2, developer_fields=_developer_fields(on_session)),
        SessionMessage(local_id=3, developer_fields=_developer_fields(on_session)),
    ):
        message.message_index = index
        message.timestamp = written
        message.start_time = t0 + int(round(start * 1000))
        message.event = Event.LAP if isinstance(message, LapMessage) else Event.SESSION
        message.event_type = EventType.STOP
        message.sport, message.sub_sport = sport, sub
        message.total_elapsed_time = elapsed
        message.total_timer_time = elapsed
        if total is not None and np.isfinite(total):
            message.total_distance = total
        if isinstance(message, SessionMessage) and leg.feel is not None:
            message.workout_feel = leg.feel
        if isinstance(message, SessionMessage) and leg.rpe is not None:
            message.workout_rpe = leg.rpe
        builder.add(message)
    return written


def developer_descriptions(names: list[str], units: str = "") -> list:
    """fit-tool messages describing developer fields: developer_data_id (developer data
    index 0) and one uint16 field_description per name, numbered by position (for
    ``fit_bytes``'s ``extra``)."""
    from fit_tool.base_type import BaseType
    from fit_tool.profile.messages.developer_data_id_message import DeveloperDataIdMessage
    from fit_tool.profile.messages.field_description_message import FieldDescriptionMessage

    app = DeveloperDataIdMessage()
    app.developer_data_index, app.application_version = 0, 1
    out = [app]
    for number, name in enumerate(names):
        d = FieldDescriptionMessage()
        d.developer_data_index, d.field_definition_number = 0, number
        d.fit_base_type_id, d.field_name, d.units = BaseType.UINT16, name, units
        out.append(d)
    return out


def _developer_fields(values: dict[int, float]) -> list:
    """fit-tool developer fields (index 0, uint16) holding ``values`` (number -> value)."""
    from fit_tool.base_type import BaseType
    from fit_tool.developer_field import DeveloperField

    out = []
    for number, value in values.items():
        f = DeveloperField(field_id=number, base_type=BaseType.UINT16, size=2, developer_data_index=0)
        f.set_value(0, int(value))
        out.append(f)
    return out


def ms(when: dt.datetime) -> int:
    """A naive UTC datetime as fit-tool's timestamps: milliseconds since the Unix epoch."""
    return int(when.replace(tzinfo=dt.UTC).timestamp() * 1000)


def fit_seconds(when: dt.datetime) -> int:
    """A naive datetime as a raw FIT date_time: seconds since 1989-12-31 (for
    local_timestamp fields, which fit-tool writes as given)."""
    return int(when.replace(tzinfo=dt.UTC).timestamp()) - FIT_EPOCH_S


def messages_fit_bytes(messages: list, created: dt.datetime, file_type: str = "MONITORING_B") -> bytes:
    """A FIT file of a file_id (``file_type`` a fit-tool FileType name, created at the
    naive UTC ``created``) and the given fit-tool messages, as a watch writes its
    monitoring, sleep or HRV files."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer

    builder = FitFileBuilder(auto_define=True, min_string_size=0)
    fid = FileIdMessage()
    fid.type = FileType[file_type]
    fid.manufacturer = Manufacturer.GARMIN.value
    fid.product = 3113
    fid.serial_number = 1234567890
    fid.time_created = ms(created)
    builder.add(fid)
    for message in messages:
        builder.add(message)
    return builder.build_bytes()
