"""Gear exports: the Strava bulk export's ``activities.csv`` (both of its schemas).

Recognised here so an import can say what the file is; the shoe features read the
table this returns (one row per Strava activity: when, what sport, which gear, and
the file of the activity in the export).
"""

from __future__ import annotations

import io

import pandas as pd
from dateutil import parser as dateparser

from ..errors import NotAnActivity, UnreadableExport

#: Column names of the gear table.
GEAR_COLUMNS = ("strava_id", "start_utc", "name", "type", "gear", "filename")

#: Strava's current export (2020 on): capitalised headers, "Activity Gear", dates
#: like "Aug 15, 2022, 3:09:27 PM" (US locale) or "22 May 2024, 08:19:26".
NEW_SCHEMA = {
    "strava_id": "Activity ID",
    "start_utc": "Activity Date",
    "name": "Activity Name",
    "type": "Activity Type",
    "gear": "Activity Gear",
    "filename": "Filename",
}
#: Strava's old export (to 2018): id,date,name,type,description,elapsed_time,distance,
#: commute,gear,filename with ISO dates.
OLD_SCHEMA = {
    "strava_id": "id",
    "start_utc": "date",
    "name": "name",
    "type": "type",
    "gear": "gear",
    "filename": "filename",
}


def _parse_date(text: object) -> pd.Timestamp:
    if not isinstance(text, str) or not text.strip():
        return pd.NaT
    try:
        # Both schemas give the start in UTC (Strava export documentation; the
        # shared set's old-format CSV matches its GPX start times exactly).
        return pd.Timestamp(dateparser.parse(text)).tz_localize("UTC")
    except (ValueError, OverflowError):
        return pd.NaT


def decode_gear_csv(data: bytes, label: str) -> pd.DataFrame:
    """Parse a Strava activities.csv into the gear table, or raise NotAnActivity when
    the CSV is something else."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnreadableExport(label, "CSV is not UTF-8 text") from err
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        raise NotAnActivity(label, f"CSV that is not a known gear export ({' '.join(str(err).split())[:120]})") from err
    cols = set(raw.columns)
    for schema in (NEW_SCHEMA, OLD_SCHEMA):
        if {schema["strava_id"], schema["start_utc"], schema["type"], schema["gear"]} <= cols:
            break
    else:
        raise NotAnActivity(label, "CSV that is not a known gear export (expected Strava's activities.csv)")
    table = pd.DataFrame({key: raw[col] if col in cols else "" for key, col in schema.items()})
    table["start_utc"] = pd.to_datetime(table["start_utc"].map(_parse_date), utc=True)
    return table[list(GEAR_COLUMNS)].reset_index(drop=True)
