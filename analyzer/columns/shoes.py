"""The shoe mileage tables (analyzer.features.shoes)."""

from __future__ import annotations

from .imported import ACTIVITY_ID, DISTANCE_M, START_LOCAL

SHOE = "shoe"
SHOE_SOURCE = "shoe_source"
CUMULATIVE_M = "cumulative_m"
CUMULATIVE_KM = "cumulative_km"
CUMULATIVE_MI = "cumulative_mi"

SHOE_RUN_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "A run with a known pair (a Strava activities.csv row without its file is a run too)."),
    SHOE: ("", "The pair: shoes.csv name, Strava gear, or an override."),
    START_LOCAL: ("local", "The run's local start."),
    DISTANCE_M: ("m", "The run's distance."),
    CUMULATIVE_M: ("m", "The pair's initial distance plus every run up to and including this one."),
    CUMULATIVE_KM: ("km", "The same in kilometres."),
    CUMULATIVE_MI: ("mi", "The same in miles."),
}
