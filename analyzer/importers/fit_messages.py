"""The fitparse path: FIT messages read with fitparse, their timestamps placed in UTC,
their records turned into sample columns.

``read_messages`` keeps the record fields the importer uses and the other messages it
needs (file_id, session, lap, activity, ...), and the wellness messages fitparse's
profile does not know (sleep, HRV, resting heart rate: ``fit_profile.WELLNESS_MESGS``),
read by field number with the FIT profile's scale. ``fit.py`` reads a whole file
fastfit cannot take through it, ``fastfit.py`` the small file of summary messages it
cuts out of a file when ``fit_summary.py`` (which gives exactly what it gives, checked
by tests/test_fit_summary.py) cannot be sure. ``samples_frame`` is the reference for
fastfit's sample columns (identical output, checked by tests/test_fastfit.py).

FIT facts relied on (FIT SDK profile; DOMAIN.md):

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
import io

import fitparse
import fitparse.records
import fitparse.utils
import numpy as np
import pandas as pd

from .. import columns as C
from .base import to_utc
from .fit_profile import FIT_ABSOLUTE_MIN, FIT_EPOCH, PLAIN_COLUMNS, SEMICIRCLE_TO_DEG, TIMESTAMP_FIELD, WELLNESS_MESGS

#: Record fields read and combined by the importer (speed, altitude, position, cadence).
COMBINED_FIELDS = {
    "timestamp",
    "speed",
    "enhanced_speed",
    "altitude",
    "enhanced_altitude",
    "position_lat",
    "position_long",
    "cadence",
    "fractional_cadence",
}
#: Every record field kept: the plain ones and the combined ones.
RECORD_FIELDS = frozenset(PLAIN_COLUMNS) | COMBINED_FIELDS

#: The non-record messages kept (by fitparse name).
MESSAGES_KEPT = frozenset(
    {
        "file_id",
        "session",
        "lap",
        "activity",
        "sport",
        "weight_scale",
        "user_profile",
        "timestamp_correlation",
        "device_settings",
        "monitoring_info",
    }
)


def _fit_error_reason(err: Exception) -> str:
    text = " ".join(str(err).split())
    if isinstance(err, fitparse.utils.FitCRCError):
        return f"CRC check failed ({text})"
    if isinstance(err, fitparse.utils.FitEOFError):
        return f"file ends early: truncated ({text})"
    if isinstance(err, fitparse.utils.FitHeaderError):
        return f"invalid FIT header ({text})"
    if isinstance(err, fitparse.utils.FitParseError):
        return f"FIT decode error ({text})"
    return f"decoder failed: {type(err).__name__}: {text}"


def read_messages(data: bytes):
    """Decode every message fitparse can read. Returns (records, dev_columns, others, error).

    On a decode error the messages read so far are kept and ``error`` says why."""
    fitparse.records.DEV_TYPES.clear()  # fitparse keeps developer definitions globally
    records: list[dict] = []
    others: dict[str, list[dict]] = {}
    dev_names: set[str] = set()
    error = None
    dev_field_type = fitparse.records.DevField
    try:
        ff = fitparse.FitFile(io.BytesIO(data), check_crc=True)
        for msg in ff.get_messages():
            name = msg.name
            if name == "record":
                row = {}
                for fd in msg.fields:
                    f = fd.field
                    v = fd.value
                    if f is None or v is None:
                        continue
                    if type(f) is dev_field_type:
                        if isinstance(v, (int, float)) and not isinstance(v, bool):
                            key = C.DEV_PREFIX + str(f.name)
                            row[key] = v
                            dev_names.add(key)
                    elif f.name in RECORD_FIELDS:
                        row[f.name] = v
                records.append(row)
            elif name in MESSAGES_KEPT:
                others.setdefault(name, []).append({fd.name: fd.value for fd in msg.fields if fd.value is not None})
            elif msg.mesg_num in WELLNESS_MESGS:
                mesg_name, fields = WELLNESS_MESGS[msg.mesg_num]
                pairs = ((fd.def_num, fd.raw_value) for fd in msg.fields if type(fd.field) is not dev_field_type)
                others.setdefault(mesg_name, []).append(by_number(pairs, fields))
    except Exception as err:  # noqa: BLE001 - fitparse raises many types on damaged input
        error = _fit_error_reason(err)
    return records, dev_names, others, error


def by_number(pairs, fields: dict) -> dict:
    """A message's fields named and scaled by the FIT profile (``fields``: number ->
    (name, scale)) from its raw values (``pairs``: (field number, raw value) in the
    message's order, developer fields left out), whether or not fitparse knows the
    message; a date_time (field 253) becomes a naive UTC datetime as fitparse gives it,
    device-relative values stay ints. Invalid values (None) and arrays are left out.
    Both summary decoders use it (``read_messages`` and ``fit_summary``)."""
    out = {}
    for def_num, raw in pairs:
        spec = fields.get(def_num)
        if spec is None or isinstance(raw, bool) or not isinstance(raw, (int, float)):
            continue
        name, scale = spec
        if def_num == TIMESTAMP_FIELD:
            out[name] = FIT_EPOCH + dt.timedelta(seconds=int(raw)) if raw >= FIT_ABSOLUTE_MIN else int(raw)
        else:
            out[name] = raw / scale if scale else raw
    return out


class Clock:
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


def samples_frame(records: list[dict], clock: Clock) -> tuple[pd.DataFrame, int]:
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
