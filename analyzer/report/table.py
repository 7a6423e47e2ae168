"""`Table`: the numpy columns a chart reads of a DataFrame, picklable and readable
without pandas (the figure helper draws from them)."""

from __future__ import annotations

import numpy as np


class Table:
    """A frame-like set of equally long numpy columns (and an optional index): what the
    charts (plots.py) read of a DataFrame, picklable and readable without pandas."""

    def __init__(self, columns: dict[str, np.ndarray], index: np.ndarray | None = None) -> None:
        self.columns = dict(columns)
        self.index = index

    @classmethod
    def of(cls, frame, columns=None, index: bool = False) -> Table:
        """The named ``columns`` (default all) of a DataFrame, and its index if asked:
        numbers as float (NaN for missing), datetimes as datetime64, anything else as
        str or None, so that nothing in it needs pandas to unpickle. None gives an
        empty table."""
        if frame is None:
            return cls({})
        names = [c for c in (frame.columns if columns is None else columns) if c in frame.columns]
        return cls({c: _plain(frame[c]) for c in names}, _plain(frame.index) if index else None)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


def _plain(values) -> np.ndarray:
    """A pandas Series or Index as a numpy array of float, datetime64 or str/None."""
    kind = getattr(values.dtype, "kind", "O")
    if kind in "biuf":
        return values.to_numpy(dtype=float, na_value=np.nan)
    if kind == "M":
        return values.to_numpy(dtype="datetime64[ns]")
    return np.array([v if isinstance(v, str) else None for v in values], dtype=object)
