"""Results derived from many runs, kept in the cache between analyses.

The pace-adjusted baseline of a run (features.dynamics.pace_adjusted_form) depends
only on the run and the runs of its baseline window, and each of those is fixed by its
file's content. So a run's result is kept under a key naming exactly that: the run,
the runs in its window, the window's parameters, and the versions of the code that
computed them. A later analysis recomputes only the runs whose key is new (a run just
imported, or one whose window gained a run imported late). The table lives in
``<cache>/derived/v<IMPORTER_VERSION>/`` and is replaced in one rename.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from . import columns as C
from .features import dynamics
from .features.per_run import RUN_FEATURES_VERSION
from .importers import IMPORTER_VERSION
from .store import write_parquet

#: Bump when pace_adjusted_form's results change: kept results of another version are
#: not used.
BASELINE_VERSION = "1"

KEY = "window_key"


def window_keys(summary: pd.DataFrame, window_days: float, min_runs: int) -> np.ndarray:
    """The key of each run's baseline result (in ``summary``'s row order)."""
    order = np.argsort(summary[C.START_UTC].to_numpy(), kind="stable")
    t = pd.to_datetime(summary[C.START_UTC], utc=True).dt.as_unit("ns").astype("int64").to_numpy()[order]
    ids = summary[C.ACTIVITY_ID].to_numpy()[order]
    lo = np.searchsorted(t, t - int(window_days * 86400e9), side="left")
    hi = np.searchsorted(t, t, side="left")
    head = f"{BASELINE_VERSION}|{RUN_FEATURES_VERSION}|{window_days!r}|{min_runs}"
    keys = np.empty(len(ids), dtype=object)
    for k in range(len(ids)):
        text = "|".join([head, ids[k], *sorted(ids[lo[k] : hi[k]])])
        keys[order[k]] = hashlib.sha1(text.encode()).hexdigest()
    return keys


def pace_adjusted_form(
    summary: pd.DataFrame,
    cache_root: str | os.PathLike,
    window_days: float = dynamics.BASELINE_WINDOW_DAYS,
    min_runs: int = dynamics.MIN_BASELINE_RUNS,
) -> pd.DataFrame:
    """dynamics.pace_adjusted_form(summary), reusing the results kept in the cache at
    ``cache_root`` and keeping the new ones (best effort: a cache that cannot be read
    or written only costs the time of computing)."""
    path = Path(cache_root) / "derived" / f"v{IMPORTER_VERSION}" / f"baseline_v{BASELINE_VERSION}.parquet"
    keys = window_keys(summary, window_days, min_runs)
    try:
        kept = pd.read_parquet(path)
    except (OSError, ValueError):
        kept = pd.DataFrame(columns=[KEY])
    known = kept.drop_duplicates(KEY).set_index(KEY)
    have = pd.Index(keys).isin(known.index)
    fresh = dynamics.pace_adjusted_form(summary, window_days, min_runs, only=~have)
    out = fresh.copy()
    if have.any():
        reused = known.loc[keys[have]]
        for col in reused.columns.intersection(out.columns).drop(C.ACTIVITY_ID, errors="ignore"):
            out.loc[have, col] = reused[col].to_numpy()
    if not have.all():
        table = out.drop(columns=[C.START_UTC]).assign(**{KEY: keys})
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_parquet(table, tmp)
            os.replace(tmp, path)
        except OSError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return out
