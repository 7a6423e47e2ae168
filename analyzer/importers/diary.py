"""The runner's diary: ``diary.csv``, one row per day, for what no device records.

Header ``date`` and any of the columns of DIARY_COLUMNS and ``note``; each row is read
into wellness readings (columns.wellness, origin 'diary') in SI units. A file that
cannot be used raises :class:`analyzer.errors.InputFileError` naming the file, the
row (the CSV line the record starts on) and the problem; nothing of it is read then.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re

import pandas as pd

from .. import columns as C
from ..errors import InputFileError
from ..tables import wellness_frame

DATE_COLUMN = "date"
NOTE_COLUMN = "note"

#: A score on the diary's own 0-10 scales (0 none, 10 the worst).
SCALE_0_10 = (0.0, 10.0)
#: Hours slept in a night [h]: a night is no longer than a day.
SLEEP_H_RANGE = (0.0, 24.0)
#: Carbohydrate eaten in a day [g] (heavylegs convention: 2000 g is twice the most the
#: ACSM/AND/DC position stand advises for any athlete, 8-12 g/kg/day for 4-5 h of daily
#: training, at 80 kg; Thomas, Erdman, Burke, Med Sci Sports Exerc 2016;48:543: more is a
#: typing error).
CARBS_G_RANGE = (0.0, 2000.0)
#: Fluids drunk in a day [L] (heavylegs convention: 20 L is eight times the adequate
#: intake of 2.0-2.5 L/day, EFSA Journal 2010;8(3):1459; more is millilitres typed as
#: litres).
FLUIDS_L_RANGE = (0.0, 20.0)
#: Minutes spent stretching in a day: a day has 1440 minutes.
STRETCHING_MIN_RANGE = (0.0, 1440.0)
#: Serum ferritin [ug/L = ng/mL] (heavylegs convention: adults' values lie within about
#: 15-300 ug/L; outside 1-1000 is a unit slip, e.g. pmol/L = 2.247 x ug/L, or a disease a
#: running diary cannot weigh).
FERRITIN_UG_L_RANGE = (1.0, 1000.0)

#: diary column -> (wellness metric, factor to the metric's unit, allowed range in the
#: column's own unit, that unit as said in messages)
DIARY_COLUMNS: dict[str, tuple[str, float, tuple[float, float], str]] = {
    "sleep_h": (C.SLEEP_S, 3600.0, SLEEP_H_RANGE, " h"),
    "legs_heavy_0_10": (C.LEGS_HEAVY, 1.0, SCALE_0_10, ""),
    "soreness_0_10": (C.SORENESS, 1.0, SCALE_0_10, ""),
    "carbs_g": (C.CARBS_G, 1.0, CARBS_G_RANGE, " g"),
    "fluids_l": (C.FLUIDS_L, 1.0, FLUIDS_L_RANGE, " L"),
    "stretching_min": (C.STRETCHING_S, 60.0, STRETCHING_MIN_RANGE, " min"),
    "ferritin_ug_l": (C.FERRITIN_UG_L, 1.0, FERRITIN_UG_L_RANGE, " ug/L"),
}
KNOWN_COLUMNS = (DATE_COLUMN, *DIARY_COLUMNS, NOTE_COLUMN)
HEADER_HELP = f"header: {DATE_COLUMN} and any of {', '.join(KNOWN_COLUMNS[1:])}"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_diary_header(columns) -> bool:
    """True for a CSV header (names already stripped and lower-cased) with ``date`` and
    at least one diary column: how a diary.csv among the inputs is recognised."""
    names = set(columns)
    return DATE_COLUMN in names and any(c in names for c in KNOWN_COLUMNS[1:])


def _text(source, name: str) -> str:
    try:
        if hasattr(source, "read"):
            data = source.read()
        else:
            with open(source, "rb") as fh:
                data = fh.read()
    except FileNotFoundError as err:
        raise InputFileError(name, "diary file not found") from err
    except OSError as err:
        raise InputFileError(name, f"diary file not readable ({err.strerror or err})") from err
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputFileError(name, "not UTF-8 text (save the diary as CSV UTF-8)") from err


def _records(text: str, name: str):
    """(line number the record starts on, its cells) of each non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise InputFileError(name, f"not a readable CSV ({err})", row=start) from err
        if any(c.strip() for c in cells):
            yield start, cells


def _header(cells: list[str], name: str) -> list[str]:
    header = [c.strip().lower() for c in cells]
    if DATE_COLUMN not in header:
        raise InputFileError(name, f"missing column {DATE_COLUMN} ({HEADER_HELP})")
    unknown = [c for c in header if c not in KNOWN_COLUMNS]
    if unknown:
        raise InputFileError(name, f"unknown column {unknown[0]!r} ({HEADER_HELP})")
    twice = [c for i, c in enumerate(header) if c in header[:i]]
    if twice:
        raise InputFileError(name, f"column {twice[0]!r} given twice")
    if len(header) == 1:
        raise InputFileError(name, f"no diary column ({HEADER_HELP})")
    return header


def _date(text: str, name: str, row: int) -> dt.date:
    text = text.strip()
    if not text:
        raise InputFileError(name, "empty date", row=row)
    try:
        if _ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise InputFileError(name, f"date {text!r} is not an ISO date (YYYY-MM-DD)", row=row)


def _number(col: str, text: str, name: str, row: int) -> float:
    """The cell's number in the column's unit, checked against its range."""
    _, _, (low, high), unit = DIARY_COLUMNS[col]
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        hint = " (use a decimal point)" if "," in text else ""
        raise InputFileError(name, f"{col} {text!r} is not a number{hint}", row=row)
    if not low <= value <= high:
        raise InputFileError(name, f"{col} {text} is out of range ({low:g}-{high:g}{unit})", row=row)
    return value


def read_diary(source, label: str | None = None) -> pd.DataFrame:
    """Read the runner's diary.csv into wellness readings.

    Header ``date`` and any of: ``sleep_h`` (hours slept the night before the day),
    ``legs_heavy_0_10``, ``soreness_0_10``, ``carbs_g``, ``fluids_l``,
    ``stretching_min``, ``ferritin_ug_l`` (from a blood test taken that day), ``note``
    (any text). One row per day, ISO dates (YYYY-MM-DD) in the runner's local calendar;
    an empty cell is "not recorded". Header names are not case-sensitive.

    Parameters
    ----------
    source : str, PathLike or a binary file object
    label : the name used in messages and as the readings' source (default: the path)

    Returns
    -------
    DataFrame
        WELLNESS_COLUMNS (tables.wellness_frame): one row per day and recorded column,
        origin 'diary', values in the metric's unit (sleep s, stretching s).

    Raises
    ------
    InputFileError
        One line naming the file, the row and the problem: a missing ``date`` column, an
        unknown column, a bad date, a date given twice, a cell that is not a number or
        out of its column's range, a row with more cells than the header.
    """
    name = label or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "diary")
    records = _records(_text(source, name), name)
    first = next(records, None)
    if first is None:
        raise InputFileError(name, f"empty diary ({HEADER_HELP})")
    header = _header(first[1], name)
    rows, seen = [], {}
    for row, cells in records:
        if len(cells) > len(header):
            raise InputFileError(
                name, f"{len(cells)} cells where the header has {len(header)} (quote a note with commas)", row=row
            )
        cell = dict(zip(header, [c.strip() for c in cells], strict=False))
        day = _date(cell.get(DATE_COLUMN, ""), name, row)
        if day in seen:
            raise InputFileError(name, f"date {day} given twice (first in row {seen[day]})", row=row)
        seen[day] = row
        for col, (metric, factor, _, _) in DIARY_COLUMNS.items():
            if cell.get(col):
                value = _number(col, cell[col], name, row) * factor
                rows.append({C.DATE: day, C.METRIC: metric, C.VALUE: value, C.ORIGIN: C.ORIGIN_DIARY})
        if cell.get(NOTE_COLUMN):
            rows.append({C.DATE: day, C.METRIC: C.DIARY_NOTE, C.TEXT: cell[NOTE_COLUMN], C.ORIGIN: C.ORIGIN_DIARY})
    frame = wellness_frame(rows)
    frame[C.WELLNESS_SOURCE] = pd.array([name] * len(frame), dtype=str)
    return frame


def diary_summary(frame: pd.DataFrame) -> str:
    """What a diary gave, in its own column names: '3 days (sleep_h 3, note 1)'."""
    column = {metric: col for col, (metric, *_) in DIARY_COLUMNS.items()} | {C.DIARY_NOTE: NOTE_COLUMN}
    days = frame[C.DATE].nunique()
    counts = frame.groupby(C.METRIC, sort=False)[C.DATE].nunique()
    parts = ", ".join(f"{column.get(metric, metric)} {n}" for metric, n in counts.items())
    return f"{days} days" + (f" ({parts})" if parts else "")
