"""Which CSV a CSV input is: Strava's activities.csv (English headers), the runner's
shoes.csv or diary.csv, or a Strava CSV whose headers heavylegs does not know; each
decoded into its tables, or refused with the reason."""

from __future__ import annotations

import io

from ..errors import InputFileError, NotAnActivity, UnreadableExport
from .base import Decoded
from .diary import diary_summary, is_diary_header, read_diary
from .shoes import read_shoes_csv
from .strava_csv import decode_strava_csv, foreign_strava_reason


def _header(data: bytes) -> set[str]:
    """The CSV's first line's names, stripped and lower-cased."""
    head = data[:512].decode("utf-8-sig", errors="replace").splitlines()[:1]
    return {c.strip().lower() for c in head[0].split(",")} if head else set()


def decode_csv(data: bytes, label: str) -> Decoded:
    """Decode a CSV input. Raises UnreadableExport (a shoe list or diary with a bad row,
    a Strava CSV in another language: the reason says which) or NotAnActivity."""
    try:
        return decode_strava_csv(data, label)
    except NotAnActivity as not_strava:
        columns = _header(data)
        if {"name", "first_used"} <= columns:
            try:
                shoes = read_shoes_csv(io.BytesIO(data), label=label)
            except InputFileError as err:
                raise UnreadableExport(label, f"shoe list: {err.reason}") from err
            note = f"shoe list: {len(shoes)} pairs (used for shoe mileage)"
            return Decoded.without_activity("shoes", note, shoes=shoes)
        if is_diary_header(columns):
            try:
                wellness = read_diary(io.BytesIO(data), label=label)
            except InputFileError as err:
                raise UnreadableExport(label, f"diary: {err.reason}") from err
            return Decoded.without_activity("wellness", f"diary: {diary_summary(wellness)}", wellness=wellness)
        reason = foreign_strava_reason(data, label)
        if reason is not None:
            raise UnreadableExport(label, reason) from not_strava
        raise
