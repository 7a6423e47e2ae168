"""Garmin Connect JSON: the bulk export's wellness and activity-summary files, and the
Connect API responses downloaders save (garth, python-garminconnect, GarminDB).

A file is recognised by its name and its shape (importers.garmin_shapes). The bulk
export names its files (``DI_CONNECT/DI-Connect-Wellness/*_sleepData.json``,
``UDSFile_*.json``, ...): a file so named must have the shape of its kind, and any
other JSON file inside a ``DI_CONNECT`` tree is a Garmin export file heavylegs does not
use (the export holds dozens: profile, gear, personal records...). Elsewhere the shape
alone says what an API response is (``dailySleepDTO``, ``hrvSummary``,
``dailyWeightSummaries``...). What a file holds becomes wellness readings (kind
'wellness'), body-mass readings (kind 'weight', as a weight-scale FIT file: the
history gathers the weights of 'weight' files) or ratings of activities (kind
'wellness', matched to the activity files by start time on import).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import NotAnActivity, UnreadableExport
from ..tables import ratings_frame, wellness_frame
from . import garmin_readings as R
from . import garmin_shapes as S
from .base import Decoded
from .garmin_common import base_name, load_json, records, span


@dataclass(frozen=True)
class Kind:
    """What a Garmin JSON file is: its title and unit of count for the note, the table
    its readings go to ('wellness', 'weights' or 'ratings'), and its reader."""

    title: str
    noun: str
    table: str
    read: Callable


KINDS: dict[str, Kind] = {
    "sleep": Kind("Garmin sleep", "nights", "wellness", R.sleep),
    "sleep_scores": Kind("Garmin sleep scores", "nights", "wellness", R.sleep_scores),
    "hrv": Kind("Garmin HRV", "nights", "wellness", R.hrv),
    "health_status": Kind("Garmin health status (HRV)", "days", "wellness", R.health_status),
    "daily": Kind("Garmin daily summaries", "days", "wellness", R.daily),
    "hydration": Kind("Garmin hydration", "days", "wellness", R.hydration),
    "resting_hr": Kind("Garmin resting heart rate", "days", "wellness", R.resting_hr_metrics),
    "weight": Kind("Garmin weight", "readings", "weights", R.weights),
    "ratings": Kind("Garmin activity ratings", "activities", "ratings", R.ratings),
}

_NOT_USED = "Garmin export file heavylegs does not use"


def decode_garmin_json(data: bytes, label: str) -> Decoded:
    """Decode one Garmin Connect JSON file; NotAnActivity for a JSON file heavylegs does
    not use, UnreadableExport for one it cannot read."""
    doc = load_json(data, label)
    name = base_name(label)
    name = name[:-3] if name.lower().endswith(".gz") else name
    named = S.export_kind(name)
    if named is not None:
        kind = KINDS[named]
        if isinstance(doc, list) and not records(doc):
            raise NotAnActivity(label, f"{kind.title}: no entries")
        found = S.SHAPES[named](doc, name)
        if found is None:
            raise UnreadableExport(label, f"named like a {kind.title} export file but not laid out like one")
        return _decoded(kind, found, C.ORIGIN_GARMIN_EXPORT, label)
    unused = S.unused_export_file(name)
    if S.in_export_tree(label):
        raise NotAnActivity(label, f"{_NOT_USED} ({unused})" if unused else _NOT_USED)
    for key, shape in S.SHAPES.items():
        found = shape(doc, name)
        if found:
            return _decoded(KINDS[key], found, C.ORIGIN_GARMIN_API, label)
    if unused:
        raise NotAnActivity(label, f"{_NOT_USED} ({unused})")
    raise NotAnActivity(label, _unknown(doc))


def _unknown(doc) -> str:
    """Why a JSON file that is no Garmin file heavylegs knows is not read."""
    if not records(doc):
        return "JSON file with no objects in it: heavylegs reads Garmin Connect JSON only"
    return (
        "JSON file heavylegs does not read: not a Garmin Connect sleep, HRV, heart-rate, "
        "weight, hydration or activity-rating file"
    )


def _count(n: int, noun: str) -> str:
    """'1 night', '31 nights', '1 entry', '3 entries', '1 activity'."""
    if n != 1:
        return f"{n} {noun}"
    return f"1 {noun[:-3]}y" if noun.endswith("ies") else f"1 {noun[:-1]}"


def _entries(n: int) -> str:
    return _count(n, "entries")


def _nothing(kind: Kind, n: int) -> str:
    """Why a file of ``kind`` with ``n`` entries and no reading is not used."""
    if kind.table == "ratings":
        return f"{kind.title}: none of its {_count(n, 'activities')} rated ('how did you feel' or perceived effort)"
    return f"{kind.title}: no reading heavylegs uses in its {_entries(n)}"


def _decoded(kind: Kind, recs: list[dict], origin: str, label: str) -> Decoded:
    """The Decoded of a file of ``kind`` whose records are ``recs``, with its note; or
    NotAnActivity when none of them holds anything heavylegs uses."""
    n = len(recs)
    if kind.table == "wellness":
        rows, used = kind.read(recs, origin, label)
        dates = sorted({r[C.DATE] for r in rows})
    else:
        rows = kind.read(recs, label)
        when = C.TIMESTAMP if kind.table == "weights" else C.START_UTC
        dates = sorted({r[when].date().isoformat() for r in rows})
        used = len(rows)
    if not rows:
        raise NotAnActivity(label, _nothing(kind, n))
    if kind.table == "ratings":
        note = f"{kind.title}: {used} of {_count(n, 'activities')} rated ({span(dates)}), matched to the activity files by start time"
        return Decoded.without_activity("wellness", note, ratings=ratings_frame(rows))
    if kind.table == "weights":
        note = f"{kind.title}: {_count(used, kind.noun)} ({span(dates)})"
        return Decoded.without_activity("weight", note, weights=_weights_frame(rows))
    note = f"{kind.title}: {_count(len(dates), kind.noun)} ({span(dates)})"
    if kind is not KINDS["hydration"] and n > used:
        note += f"; {n - used} of {_entries(n)} without a reading heavylegs uses"
    return Decoded.without_activity("wellness", note, wellness=wellness_frame(rows))


def _weights_frame(rows: list[dict]) -> pd.DataFrame:
    """Weight rows as the weights table (tables.empty_weights: UTC ns times, kg, source)."""
    return pd.DataFrame(
        {
            C.TIMESTAMP: pd.to_datetime([r[C.TIMESTAMP] for r in rows], utc=True).as_unit("ns"),
            C.WEIGHT_KG: np.array([r[C.WEIGHT_KG] for r in rows], dtype=np.float64),
            C.SOURCE: np.array([r[C.SOURCE] for r in rows], dtype=object),
        }
    )
