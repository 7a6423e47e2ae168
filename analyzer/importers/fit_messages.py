"""FIT messages read with fitparse: the record fields kept, and the other messages the
importer needs (file_id, session, lap, activity, ...).

Both FIT decoders read through here: ``fit.py`` for a whole file fastfit cannot
take, ``fastfit.py`` for the small file of summary messages it cuts out of a file.
"""

from __future__ import annotations

import io

import fitparse
import fitparse.records
import fitparse.utils

from .. import columns as C
from .fit_profile import PLAIN_COLUMNS

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
    except Exception as err:  # noqa: BLE001 - fitparse raises many types on damaged input
        error = _fit_error_reason(err)
    return records, dev_names, others, error
