"""What the Garmin Connect JSON importers share: reading the JSON within limits, and
reading the values Garmin writes (numbers that may be null or text, calendar dates,
epoch-millisecond and GMT-string times) without ever failing on one.

Every reader here returns None for a value that is missing, null, of the wrong type
or impossible, so that a file with an unknown key, a null or an odd entry is read for
what it holds and never stops the import.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import pandas as pd

from .. import columns as C
from ..errors import UnreadableExport

#: Largest JSON file read [bytes] (heavylegs convention). A decade of Garmin daily
#: summaries or sleep is a few MB; summarizedActivities.json of 10,000 activities is
#: about 30 MB; Python's parser holds several times the text in memory, so the 256 MiB
#: limit on any single input (ingest.sources.MAX_FILE_BYTES) would cost gigabytes in
#: every worker.
MAX_JSON_BYTES = 64 * 2**20

#: Garmin writes times as milliseconds from the Unix epoch (Connect API, bulk export).
MS_PER_S = 1000.0
#: Garmin writes volumes in millilitres and body mass in grams.
ML_PER_L = 1000.0
G_PER_KG = 1000.0
#: A weight reading that gives only its calendar date is placed at noon UTC of that
#: date (heavylegs convention: the middle of the day, so the reading stays on its date
#: in every time zone from UTC-11 to UTC+11).
DATE_ONLY_HOUR_UTC = 12

_GMT_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")
_LONG_DATE_FORMATS = ("%b %d, %Y %I:%M:%S %p", "%b %d, %Y")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def load_json(data: bytes, label: str):
    """The parsed JSON document, or UnreadableExport with the parser's line and column.
    NaN and Infinity (not JSON, but Python's parser takes them) read as null."""
    if len(data) > MAX_JSON_BYTES:
        raise UnreadableExport(label, f"JSON file larger than {MAX_JSON_BYTES // 2**20} MiB (size limit)")
    try:
        return json.loads(data, parse_constant=lambda _name: None)
    except json.JSONDecodeError as err:
        hint = " (an HTML or XML page saved as .json?)" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else ""
        raise UnreadableExport(
            label, f"malformed JSON at line {err.lineno} column {err.colno}: {err.msg}{hint}"
        ) from None
    except UnicodeDecodeError as err:
        raise UnreadableExport(label, f"not JSON text: undecodable byte at offset {err.start} ({err.reason})") from None
    except RecursionError:
        raise UnreadableExport(label, "JSON nested deeper than the parser allows (not a Garmin file)") from None
    except ValueError as err:  # an integer of thousands of digits
        raise UnreadableExport(label, f"malformed JSON: {' '.join(str(err).split())[:120]}") from None


def base_name(label: str) -> str:
    """The file's own name: the last part of a path or of an 'archive!member' label."""
    return re.split(r"[/\\!]", label)[-1]


def records(doc) -> list[dict]:
    """The objects of a JSON document: itself when an object, its objects when an array
    (anything else in the array is ignored)."""
    if isinstance(doc, dict):
        return [doc]
    if isinstance(doc, list):
        return [item for item in doc if isinstance(item, dict)]
    return []


def obj(value) -> dict:
    """``value`` when it is a JSON object, else an empty one (a null, a list...)."""
    return value if isinstance(value, dict) else {}


def num(value) -> float | None:
    """A finite number, from a JSON number or numeric text; None for null, booleans,
    other text and non-finite values."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)):
        return None
    try:
        out = float(value)
    except OverflowError:
        return None
    return out if math.isfinite(out) else None


def positive(value) -> float | None:
    """A number above zero (Garmin writes 0 or null for 'not measured'), else None."""
    out = num(value)
    return out if out is not None and out > 0 else None


def first(record: dict, *keys: str):
    """The first of ``keys`` that ``record`` gives a non-null value for."""
    for key in keys:
        value = record.get(key)
        if value is not None:
            return value
    return None


def day(value) -> str | None:
    """A calendar date 'YYYY-MM-DD' from Garmin's calendarDate: ISO text (a date or a
    date-time, first ten characters), an object with a 'date' (older exports), or
    epoch milliseconds (the UTC date). None when there is no valid date."""
    if isinstance(value, dict):
        return day(value.get("date"))
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DAY.match(text):
            try:
                return dt.date.fromisoformat(text[:10]).isoformat()
            except ValueError:
                return None
        for fmt in _LONG_DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        return None
    stamp = instant(value)
    return stamp.date().isoformat() if stamp is not None else None


def instant(value) -> pd.Timestamp | None:
    """A UTC instant from a Garmin GMT time: epoch milliseconds (a number), or GMT
    text like '2026-07-17T20:39:00.0' or '2026-01-08 14:10:21'. None otherwise."""
    if isinstance(value, str):
        text = value.strip().removesuffix("Z")
        for fmt in _GMT_FORMATS:
            try:
                return pd.Timestamp(dt.datetime.strptime(text, fmt)).tz_localize("UTC")
            except ValueError:
                continue
        return None
    ms = num(value)
    if ms is None:
        return None
    try:
        return pd.Timestamp(int(ms), unit="ms", tz="UTC")
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return None


def noon_utc(date: str) -> pd.Timestamp:
    """Noon UTC of a 'YYYY-MM-DD' date (DATE_ONLY_HOUR_UTC)."""
    return pd.Timestamp(date).tz_localize("UTC") + pd.Timedelta(hours=DATE_ONLY_HOUR_UTC)


def reading(date: str, metric: str, origin: str, label: str, value: float | None = None, text: str = "") -> dict:
    """One row of the wellness table (tables.wellness_frame)."""
    return {
        C.DATE: date,
        C.METRIC: metric,
        C.VALUE: float("nan") if value is None else float(value),
        C.TEXT: text,
        C.ORIGIN: origin,
        C.WELLNESS_SOURCE: label,
    }


def span(dates: list[str]) -> str:
    """'2026-06-01..2026-07-01' (or one date) for a note; '' when there is none."""
    if not dates:
        return ""
    lo, hi = min(dates), max(dates)
    return lo if lo == hi else f"{lo}..{hi}"
