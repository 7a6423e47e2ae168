"""The runner's shoe files: ``shoes.csv`` (the pairs and the dates each was worn) and
per-activity override files (``activity_id,shoe``).

Input formats, read here into tables; ``analyzer.features.shoes`` assigns runs to
pairs and sums each pair's mileage. A file that cannot be used raises
:class:`analyzer.errors.InputFileError` naming the file and the row.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import InputFileError
from ..units import M_PER_KM, M_PER_MILE


def _read_csv(path, what: str, label: str | None = None) -> pd.DataFrame:
    name = label or str(path)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise InputFileError(name, f"{what} not found") from err
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as err:
        raise InputFileError(name, f"not a readable CSV ({' '.join(str(err).split())[:120]})") from err


def _dates(path: str, frame: pd.DataFrame, col: str, required: bool) -> pd.Series:
    text = frame[col].str.strip() if col in frame.columns else pd.Series("", index=frame.index)
    parsed = pd.to_datetime(text.where(text != ""), format="ISO8601", errors="coerce")
    bad = (text != "") & parsed.isna()
    if required:
        bad |= text == ""
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputFileError(path, f"{col} {text.iloc[i]!r} is not an ISO date (YYYY-MM-DD)", row=i + 2)
    return parsed.dt.normalize()


def read_shoes_csv(path, label: str | None = None) -> pd.DataFrame:
    """Read the runner's shoes.csv.

    Header ``name,first_used,retired,initial_km``: one pair per row; ISO dates
    (YYYY-MM-DD), read in the runner's local calendar; ``retired`` optional (empty =
    still in use); ``initial_km`` optional distance the pair had before the history
    starts, or ``initial_miles`` instead.

    Parameters
    ----------
    path : str, PathLike or a binary file object
    label : the name used in error messages (default: the path)

    Returns
    -------
    DataFrame
        name, first_used, retired (naive dates, NaT = in use), initial_m [m].

    Raises
    ------
    InputFileError
        With a one-line reason naming the file (missing column, empty name, bad date,
        retired before first_used, bad distance).
    """
    raw = _read_csv(path, "shoes file", label)
    path = label or str(path)
    raw.columns = [c.strip().lower() for c in raw.columns]
    missing = [c for c in ("name", "first_used") if c not in raw.columns]
    if missing:
        raise InputFileError(path, f"missing column {', '.join(missing)} (header: name,first_used,retired,initial_km)")
    if "initial_km" in raw.columns and "initial_miles" in raw.columns:
        raise InputFileError(path, "give initial_km or initial_miles, not both")
    names = raw["name"].str.strip()
    if (names == "").any():
        raise InputFileError(path, "empty shoe name", row=int(np.flatnonzero((names == "").to_numpy())[0]) + 2)
    if names.duplicated().any():
        raise InputFileError(path, f"shoe {names[names.duplicated()].iloc[0]!r} listed twice")
    first = _dates(path, raw, "first_used", required=True)
    retired = _dates(path, raw, "retired", required=False)
    backwards = retired < first
    if backwards.any():
        i = int(np.flatnonzero(backwards.to_numpy())[0])
        raise InputFileError(path, f"retired {retired.iloc[i]:%Y-%m-%d} is before first_used", row=i + 2)
    col, scale = ("initial_miles", M_PER_MILE) if "initial_miles" in raw.columns else ("initial_km", M_PER_KM)
    text = raw[col].str.strip() if col in raw.columns else pd.Series("", index=raw.index)
    value = pd.to_numeric(text.where(text != "", "0"), errors="coerce")
    bad = value.isna() | (value < 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputFileError(path, f"{col} {text.iloc[i]!r} is not a distance (a number >= 0)", row=i + 2)
    return pd.DataFrame(
        {"name": names.to_numpy(), "first_used": first, "retired": retired, "initial_m": value.to_numpy() * scale}
    )


def read_shoe_overrides(path: str | os.PathLike) -> pd.DataFrame:
    """Read a per-activity override file: CSV ``activity_id,shoe``.

    Returns
    -------
    DataFrame
        activity_id, shoe (an empty shoe means "no known pair" for that run).
    """
    path = str(path)
    raw = _read_csv(path, "shoe override file")
    raw.columns = [c.strip().lower() for c in raw.columns]
    if not {"activity_id", "shoe"} <= set(raw.columns):
        raise InputFileError(path, "expected the header activity_id,shoe")
    out = pd.DataFrame({C.ACTIVITY_ID: raw["activity_id"].str.strip(), C.SHOE: raw["shoe"].str.strip()})
    if (out[C.ACTIVITY_ID] == "").any():
        raise InputFileError(path, "empty id", row=int(np.flatnonzero((out[C.ACTIVITY_ID] == "").to_numpy())[0]) + 2)
    return out.drop_duplicates(C.ACTIVITY_ID, keep="last").reset_index(drop=True)
