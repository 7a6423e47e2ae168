"""The pace-adjusted baseline of every run, kept in the cache between analyses.

A run's result (features.baseline.pace_adjusted_form) depends only on the run and the
runs of its baseline window, each fixed by its file's content, and on the device that
recorded each of them (a run is compared only with runs of its device). So it is kept
under a key naming exactly that: the run and its device, the runs in its window and
their devices, the window's parameters and the versions of the code that computed them.
The device is named in the key, not left to the run's id: the id comes from the file's
bytes, the device from what the importer reads in them (an older importer read no
serial number). A later analysis computes only the runs
whose key is new (a run just imported, or one whose window gained a run imported late).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .. import columns as C
from ..cache import Cache
from ..cache.kept import KEY
from ..features import baseline
from ..features.per_run import RUN_FEATURES_VERSION

#: Name of the kept table, and its version: bump when pace_adjusted_form's results
#: change, so that kept results of another version are not used.
BASELINE_TABLE = "baseline"
BASELINE_VERSION = "2"


def window_keys(summary: pd.DataFrame, window_days: float, min_runs: int) -> np.ndarray:
    """The key of each run's baseline result (in ``summary``'s row order)."""
    order = np.argsort(summary[C.START_UTC].to_numpy(), kind="stable")
    t = pd.to_datetime(summary[C.START_UTC], utc=True).dt.as_unit("ns").astype("int64").to_numpy()[order]
    device = summary[C.DEVICE].fillna("").astype(str) if C.DEVICE in summary else pd.Series("", index=summary.index)
    ids = (summary[C.ACTIVITY_ID].astype(str) + "@" + device).to_numpy()[order]
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
    cache: Cache | None,
    window_days: float = baseline.BASELINE_WINDOW_DAYS,
    min_runs: int = baseline.MIN_BASELINE_RUNS,
) -> pd.DataFrame:
    """baseline.pace_adjusted_form(summary), reusing the results kept in ``cache`` and
    keeping the new ones (without a cache: computed)."""
    if cache is None:
        return baseline.pace_adjusted_form(summary, window_days, min_runs)
    kept = cache.kept(BASELINE_TABLE, BASELINE_VERSION)
    keys = window_keys(summary, window_days, min_runs)
    have, reused = kept.lookup(keys)
    out = baseline.pace_adjusted_form(summary, window_days, min_runs, only=~have).copy()
    if have.any():
        for col in reused.columns.intersection(out.columns).drop(C.ACTIVITY_ID, errors="ignore"):
            out.loc[have, col] = reused[col].to_numpy()
    if not have.all():
        kept.keep(out.drop(columns=[C.START_UTC]).assign(**{KEY: keys}))
    return out
