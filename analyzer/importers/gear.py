"""Gear exports: the Strava bulk export's ``activities.csv`` (both of its schemas).

Recognised here so an import can say what the file is; the shoe features read the
table this returns (one row per Strava activity: when, what sport, which gear, the
file of the activity in the export, and what the runner recorded with it: perceived
exertion, body mass). ``importers.strava_csv`` turns the table into the file's ratings
and weight readings.
"""

from __future__ import annotations

import io

import pandas as pd
from dateutil import parser as dateparser

from ..errors import NotAnActivity, UnreadableExport

#: Column names of the gear table (distance_m [m] and elapsed_s [s] from the CSV itself,
#: so mileage needs no activity files; weather_temperature_c [degC]: the air temperature
#: of the activity, NaN where the CSV does not give it; rpe_0_10: the runner's
#: "Perceived Exertion" (1-10), NaN when not rated; prefer_perceived_exertion: the row's
#: "Prefer Perceived Exertion" flag (Strava computes the activity's Relative Effort from
#: the rating instead of heart rate); athlete_weight_kg [kg]: the "Athlete Weight" of
#: the runner's profile at the activity, NaN when 0 or empty).
GEAR_COLUMNS = (
    "strava_id",
    "start_utc",
    "name",
    "type",
    "gear",
    "filename",
    "distance_m",
    "elapsed_s",
    "weather_temperature_c",
    "rpe_0_10",
    "prefer_perceived_exertion",
    "athlete_weight_kg",
)

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
#: The current export has two "Distance" columns (pandas renames the second
#: "Distance.1"): the first in the athlete's display units (km or miles, rounded to
#: 0.01), the second in metres. Checked on the shared set's two current-format CSVs:
#: "Distance.1" / "Distance" = 1000 +- 1.5 % (rounding) on every row. The two "Elapsed
#: Time" columns are both seconds and agree on every row.
NEW_DISTANCE_M = "Distance.1"
NEW_DISTANCE_DISPLAY_KM = "Distance"
NEW_ELAPSED_S = "Elapsed Time"
#: The current export's air temperature at the activity [degC], from a weather service
#: ("Apparent Temperature" is the felt temperature, "Average Temperature" the device's
#: sensor). Checked on the shared set's two current-format CSVs: -3.0 to 26.8, blank on
#: 101 of 192 and 4 of 32 rows. The old export has no weather.
NEW_WEATHER_TEMPERATURE_C = "Weather Temperature"
#: An air temperature outside this range [degC] is not one (NaN): the recorded extremes
#: of air temperature on Earth, -89.2 degC (Vostok, 1983) and 56.7 degC (Death Valley,
#: 1913) in the WMO's archive of weather and climate extremes, rounded outwards.
AIR_TEMPERATURE_RANGE_C = (-90.0, 60.0)
#: The current export's runner's rating of the activity, its flag and the body mass of
#: the runner's profile [kg] (one column each, none repeated; checked on the four
#: current-format CSVs of the shared sets: "Perceived Exertion" 3.0-8.0 or empty,
#: "Prefer Perceived Exertion" 0.0 or empty, "Athlete Weight" 0.0 or empty). The old
#: export has none of them.
NEW_PERCEIVED_EXERTION = "Perceived Exertion"
NEW_PREFER_PERCEIVED_EXERTION = "Prefer Perceived Exertion"
NEW_ATHLETE_WEIGHT_KG = "Athlete Weight"
#: Strava's perceived-exertion scale: 1 (easy) to 10 (max effort), the slider of an
#: activity's "Perceived Exertion" (empty when not rated; ../shared/DOMAIN.md: values
#: 2-8 seen in real exports); a value off the scale is not a rating (NaN).
PERCEIVED_EXERTION_RANGE = (1.0, 10.0)
#: A body mass [kg] outside this range is not the runner's (NaN): Strava writes 0.0 when
#: the profile has none (seen on 108 of 371 rows of the shared set's esimms999 CSV); the
#: bounds are heavylegs convention, wide around any adult runner (a typing error or a
#: pounds/kilograms mix-up lands outside or shows as a jump in weight_gain's evidence).
ATHLETE_WEIGHT_RANGE_KG = (20.0, 300.0)
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
#: The old export's distance is in metres and elapsed_time in seconds (checked: its 13
#: runs in the shared set match their GPX files' distance within 1 % and elapsed time
#: within 1 s).
OLD_DISTANCE_M = "distance"
OLD_ELAPSED_S = "elapsed_time"

#: Strava activity types (the current export's display names, "Trail Run", and the old
#: export's and the API's, "TrailRun", compared without spaces, hyphens or case) ->
#: (FIT sport, FIT sub-sport), FIT profile names. A type not listed keeps its own name
#: in lower case with underscores ("Golf" -> "golf"): another sport, never a run.
STRAVA_SPORTS = {
    "run": ("running", ""),
    "trailrun": ("running", "trail"),
    "virtualrun": ("running", "virtual_activity"),
    "ride": ("cycling", ""),
    "mountainbikeride": ("cycling", "mountain"),
    "gravelride": ("cycling", "gravel_cycling"),
    "ebikeride": ("cycling", "e_bike_fitness"),
    "emountainbikeride": ("cycling", "e_bike_mountain"),
    "virtualride": ("cycling", "virtual_activity"),
    "velomobile": ("cycling", ""),
    "handcycle": ("cycling", "hand_cycling"),
    "swim": ("swimming", ""),
    "walk": ("walking", ""),
    "hike": ("hiking", ""),
    "rowing": ("rowing", ""),
    "virtualrow": ("rowing", "indoor_rowing"),
    "weighttraining": ("training", "strength_training"),
    "crossfit": ("training", "strength_training"),
    "workout": ("training", ""),
    "hiit": ("training", "cardio_training"),
    "yoga": ("training", "yoga"),
    "pilates": ("training", "pilates"),
    "elliptical": ("fitness_equipment", "elliptical"),
    "stairstepper": ("fitness_equipment", "stair_climbing"),
    "nordicski": ("cross_country_skiing", ""),
    "backcountryski": ("alpine_skiing", "backcountry"),
    "alpineski": ("alpine_skiing", ""),
    "snowboard": ("snowboarding", ""),
    "snowshoe": ("snowshoeing", ""),
    "iceskate": ("ice_skating", ""),
    "inlineskate": ("inline_skating", ""),
    "kayaking": ("kayaking", ""),
    "canoeing": ("paddling", ""),
    "standuppaddling": ("stand_up_paddleboarding", ""),
    "rockclimbing": ("rock_climbing", ""),
    "rockclimb": ("rock_climbing", ""),
}


def strava_sport(activity_type: object) -> tuple[str, str]:
    """(FIT sport, FIT sub-sport) of a Strava activity type (see STRAVA_SPORTS); an
    unlisted type is its own name in lower case with underscores; empty: ('', '')."""
    text = str(activity_type).strip() if isinstance(activity_type, str) else ""
    key = "".join(ch for ch in text.lower() if ch.isalnum())
    if key in STRAVA_SPORTS:
        return STRAVA_SPORTS[key]
    return "_".join(text.lower().replace("-", " ").split()), ""


def is_strava_run(activity_type: object) -> bool:
    """True for Strava's running types (Run, Trail Run, Virtual Run, either spelling)."""
    return strava_sport(activity_type)[0] == "running"


def _parse_date(text: object) -> pd.Timestamp:
    if not isinstance(text, str) or not text.strip():
        return pd.NaT
    try:
        # Both schemas give the start in UTC (Strava export documentation; the
        # shared set's old-format CSV matches its GPX start times exactly).
        return pd.Timestamp(dateparser.parse(text)).tz_localize("UTC")
    except (ValueError, OverflowError):
        return pd.NaT


def _number(raw: pd.DataFrame, col: str) -> pd.Series:
    """A numeric column: NaN where absent or not a plain number (a "3,01" is not
    guessed at: decimal comma or thousands separator would be ambiguous)."""
    if col not in raw.columns:
        return pd.Series(float("nan"), index=raw.index)
    return pd.to_numeric(raw[col].astype(str).str.strip(), errors="coerce").astype("float64")


def _distance_elapsed(raw: pd.DataFrame, new: bool) -> tuple[pd.Series, pd.Series]:
    """Distance [m] and elapsed time [s] of each row."""
    if not new:
        return _number(raw, OLD_DISTANCE_M), _number(raw, OLD_ELAPSED_S)
    metres = _number(raw, NEW_DISTANCE_M)
    if NEW_DISTANCE_M not in raw.columns:
        # Only the display column: assume km (a miles-display export would need x 1609.344).
        metres = _number(raw, NEW_DISTANCE_DISPLAY_KM) * 1000.0
    return metres, _number(raw, NEW_ELAPSED_S)


def _air_temperature(raw: pd.DataFrame) -> pd.Series:
    """Air temperature [degC] of each row: the current export's Weather Temperature,
    NaN outside AIR_TEMPERATURE_RANGE_C (and everywhere in the old export, which has none)."""
    low, high = AIR_TEMPERATURE_RANGE_C
    temp = _number(raw, NEW_WEATHER_TEMPERATURE_C)
    return temp.where(temp.between(low, high))


def _in_range(values: pd.Series, bounds: tuple[float, float]) -> pd.Series:
    low, high = bounds
    return values.where(values.between(low, high))


def read_csv_text(data: bytes, label: str) -> pd.DataFrame:
    """The CSV's cells as text (a header repeated is renamed 'Name.1' by pandas), or
    raise NotAnActivity when it is not a readable CSV (UnreadableExport: not UTF-8)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnreadableExport(label, "CSV is not UTF-8 text") from err
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        raise NotAnActivity(label, f"CSV that is not a known gear export ({' '.join(str(err).split())[:120]})") from err


def gear_schema(columns) -> dict | None:
    """NEW_SCHEMA or OLD_SCHEMA when the header has its id, date, type and gear columns."""
    cols = set(columns)
    for schema in (NEW_SCHEMA, OLD_SCHEMA):
        if {schema["strava_id"], schema["start_utc"], schema["type"], schema["gear"]} <= cols:
            return schema
    return None


def gear_table(raw: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """The gear table (GEAR_COLUMNS) of a Strava CSV read as text in ``schema``."""
    cols = set(raw.columns)
    table = pd.DataFrame({key: raw[col] if col in cols else "" for key, col in schema.items()})
    table["distance_m"], table["elapsed_s"] = _distance_elapsed(raw, schema is NEW_SCHEMA)
    table["weather_temperature_c"] = _air_temperature(raw)
    table["rpe_0_10"] = _in_range(_number(raw, NEW_PERCEIVED_EXERTION), PERCEIVED_EXERTION_RANGE)
    table["prefer_perceived_exertion"] = _number(raw, NEW_PREFER_PERCEIVED_EXERTION).fillna(0.0) > 0
    table["athlete_weight_kg"] = _in_range(_number(raw, NEW_ATHLETE_WEIGHT_KG), ATHLETE_WEIGHT_RANGE_KG)
    table["start_utc"] = pd.to_datetime(table["start_utc"].map(_parse_date), utc=True)
    return table[list(GEAR_COLUMNS)].reset_index(drop=True)


def decode_gear_csv(data: bytes, label: str) -> pd.DataFrame:
    """Parse a Strava activities.csv into the gear table, or raise NotAnActivity when
    the CSV is something else."""
    raw = read_csv_text(data, label)
    schema = gear_schema(raw.columns)
    if schema is None:
        raise NotAnActivity(label, "CSV that is not a known gear export (expected Strava's activities.csv)")
    return gear_table(raw, schema)
