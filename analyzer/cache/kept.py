"""Results derived from many runs, kept between analyses under a key that names every
input they depend on (the ingest layer makes the keys): one parquet table per kind of
result, replaced atomically. A table that cannot be read or written only costs the time
of computing its results again."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import write_atomic
from .parquet import parquet_bytes

#: The key column of a kept table.
KEY = "window_key"


class KeptResults:
    """One table of kept results (rows keyed by KEY)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
        """(which of ``keys`` are kept, their rows in that order, indexed by key)."""
        try:
            kept = pd.read_parquet(self.path)
        except (OSError, ValueError):
            kept = pd.DataFrame(columns=[KEY])
        known = kept.drop_duplicates(KEY).set_index(KEY)
        have = pd.Index(keys).isin(known.index)
        return have, known.loc[keys[have]]

    def keep(self, table: pd.DataFrame) -> None:
        """Replace the kept table by ``table`` (which has a KEY column)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, parquet_bytes(table))
        except OSError:
            pass
