"""Strava's activities.csv as one input file: its gear table (importers.gear), the
runner's ratings of its activities ("Perceived Exertion") and the body mass of the
runner's profile at each activity ("Athlete Weight"), and a note saying what of it was
read and what was not.

Only the English export's headers are recognised. A CSV that is Strava's but whose
headers are in another language ("Esfuerzo Percibido", "Peso del deportista") is
recognised as Strava's by its rows' file names (``activities/<id>.gpx``) or by Strava's
untranslated-header HTML, and skipped with a reason naming the headers not found,
instead of being read in part silently.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import NotAnActivity, UnreadableExport
from ..tables import empty_weights, ratings_frame
from .base import Decoded
from .gear import (
    ATHLETE_WEIGHT_RANGE_KG,
    NEW_ATHLETE_WEIGHT_KG,
    NEW_PERCEIVED_EXERTION,
    NEW_SCHEMA,
    OLD_SCHEMA,
    PERCEIVED_EXERTION_RANGE,
    gear_schema,
    gear_table,
    read_csv_text,
)

#: Strava's exporter writes a header it has no translation for as HTML naming this key
#: (``<span class="translation_missing" title="translation missing: en-US.lib.export.
#: portability_exporter.activities.horton_values.type">Type</span>``): 11 such headers
#: in each current-format CSV of the shared sets. Such a column is never read.
STRAVA_UNTRANSLATED = "portability_exporter.activities"
#: A Strava export's "Filename" cell: the activity's file in the export's folder.
STRAVA_FILENAME = re.compile(r"activities/\d+\.(fit|gpx|tcx)(\.gz)?", re.IGNORECASE)
#: The English export's headers heavylegs reads (the current schema), and what is lost
#: without each.
NEEDED_HEADERS = (
    (NEW_SCHEMA["strava_id"], "rows"),
    (NEW_SCHEMA["start_utc"], "rows"),
    (NEW_SCHEMA["type"], "rows"),
    (NEW_SCHEMA["gear"], "rows"),
    (NEW_PERCEIVED_EXERTION, "ratings"),
    (NEW_ATHLETE_WEIGHT_KG, "weights"),
)
ANOTHER_LANGUAGE = "(headers in another language?)"


def decode_strava_csv(data: bytes, label: str) -> Decoded:
    """A Strava activities.csv as a Decoded of kind 'gear': the gear table, the rated
    rows as ratings (RPE = Perceived Exertion, start_utc the row's), the rows with an
    Athlete Weight as weight readings at the activity's start. Raises NotAnActivity
    when the CSV is not an English Strava export."""
    raw = read_csv_text(data, label)
    schema = gear_schema(raw.columns)
    if schema is None:
        raise NotAnActivity(label, "CSV that is not a known gear export (expected Strava's activities.csv)")
    gear = gear_table(raw, schema)
    with_gear = int((gear["gear"].str.len() > 0).sum())
    head = f"Strava activities.csv: {len(gear)} activities, {with_gear} with gear (used for shoe mileage)"
    note = "; ".join([head, *content_notes(raw, gear, schema)])
    return Decoded.without_activity(
        "gear", note, gear=gear, ratings=csv_ratings(gear, label), weights=csv_weights(gear, label)
    )


def csv_ratings(gear: pd.DataFrame, label: str) -> pd.DataFrame:
    """The rated rows of a gear table as ratings (RATING_COLUMNS): RPE from Perceived
    Exertion, no feel; rows without a readable date are left out."""
    rpe = gear["rpe_0_10"].to_numpy(dtype=float)
    starts = pd.to_datetime(gear["start_utc"], utc=True)
    use = np.isfinite(rpe) & starts.notna().to_numpy()
    return ratings_frame(
        [{C.START_UTC: t, C.RPE: r, C.RATING_SOURCE: label} for t, r in zip(starts[use], rpe[use], strict=True)]
    )


def csv_weights(gear: pd.DataFrame, label: str) -> pd.DataFrame:
    """The rows' Athlete Weight as weight readings (WEIGHT_COLUMNS) at each activity's
    start; rows with none (0 or empty) or without a readable date give none."""
    kg = gear["athlete_weight_kg"].to_numpy(dtype=float)
    starts = pd.to_datetime(gear["start_utc"], utc=True)
    use = np.isfinite(kg) & starts.notna().to_numpy()
    if not use.any():
        return empty_weights()
    return pd.DataFrame(
        {
            C.TIMESTAMP: starts[use].dt.as_unit("ns").reset_index(drop=True),
            C.WEIGHT_KG: kg[use],
            C.SOURCE: np.full(int(use.sum()), label, dtype=object),
        }
    )


def _ignored(raw: pd.DataFrame, header: str, read: pd.Series, zero_is_none: bool) -> int:
    """How many of a column's non-empty cells were not read (not a number, off the
    scale); a 0 is no value when ``zero_is_none``."""
    text = raw[header].astype(str).str.strip()
    given = text != ""
    if zero_is_none:
        given &= pd.to_numeric(text, errors="coerce") != 0
    return int((given & read.isna()).sum())


def content_notes(raw: pd.DataFrame, gear: pd.DataFrame, schema: dict) -> list[str]:
    """What the CSV gives beside its rows and gear: how many rows the runner rated and
    how many carry a body mass, or which needed header was not recognised."""
    if schema is OLD_SCHEMA:
        return ["no ratings or weights (Strava's old export has no 'Perceived Exertion' or 'Athlete Weight' column)"]
    low, high = PERCEIVED_EXERTION_RANGE
    notes = []
    if NEW_PERCEIVED_EXERTION not in raw.columns:
        notes.append(f"no '{NEW_PERCEIVED_EXERTION}' column recognised {ANOTHER_LANGUAGE}: ratings not read")
    else:
        rated = int(gear["rpe_0_10"].notna().sum())
        preferred = int((gear["prefer_perceived_exertion"] & gear["rpe_0_10"].notna()).sum())
        if rated:
            text = f"{rated} rated (Perceived Exertion {low:g}-{high:g}"
            notes.append(text + (f", {preferred} with 'Prefer Perceived Exertion')" if preferred else ")"))
        else:
            notes.append("none rated (Perceived Exertion empty)")
        bad = _ignored(raw, NEW_PERCEIVED_EXERTION, gear["rpe_0_10"], zero_is_none=False)
        if bad:
            notes.append(f"{bad} Perceived Exertion values not on the {low:g}-{high:g} scale ignored")
    low, high = ATHLETE_WEIGHT_RANGE_KG
    if NEW_ATHLETE_WEIGHT_KG not in raw.columns:
        notes.append(f"no '{NEW_ATHLETE_WEIGHT_KG}' column recognised {ANOTHER_LANGUAGE}: weights not read")
    else:
        weighed = int(gear["athlete_weight_kg"].notna().sum())
        notes.append(f"{weighed} with an Athlete Weight" if weighed else "no Athlete Weight (0 or empty)")
        bad = _ignored(raw, NEW_ATHLETE_WEIGHT_KG, gear["athlete_weight_kg"], zero_is_none=True)
        if bad:
            notes.append(f"{bad} Athlete Weight values outside {low:g}-{high:g} kg ignored")
    return notes


def foreign_strava_reason(data: bytes, label: str) -> str | None:
    """Why a CSV that is Strava's activities.csv but not in the English export's headers
    is not read (naming the headers not found), or None when it is not Strava's: its
    header carries Strava's untranslated-header HTML, or a column's cells are Strava
    file names (``activities/123.gpx``)."""
    try:
        raw = read_csv_text(data, label)
    except (NotAnActivity, UnreadableExport):
        return None
    headers = [str(c) for c in raw.columns]
    untranslated = any(STRAVA_UNTRANSLATED in h for h in headers)
    file_names = any(raw[c].astype(str).str.strip().str.fullmatch(STRAVA_FILENAME).any() for c in raw.columns)
    if not (untranslated or file_names):
        return None
    missing = [(name, lost) for name, lost in NEEDED_HEADERS if name not in headers]
    names = ", ".join(f"'{name}'" for name, _ in missing)
    lost = ", ".join(dict.fromkeys(what for _, what in missing))
    return (
        f"Strava activities.csv: no {names} column recognised {ANOTHER_LANGUAGE}: {lost} not read "
        "(only the English export's headers are known: export with Strava's language set to English)"
    )
