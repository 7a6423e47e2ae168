"""The runner's local wall-clock time of every activity."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from ..importers.base import LOCAL_CLOCK_ONLY


def fill_local_time(acts: pd.DataFrame) -> pd.DataFrame:
    """Add START_LOCAL: start + offset; where the offset is unknown, the offset of the
    nearest activity in time with a known one (a runner mostly stays in one zone),
    else UTC, and the activity's note says which. Rows come out in start order (ties by
    activity_id, so the order never depends on where the rows were read from)."""
    acts = acts.sort_values([C.START_UTC, C.ACTIVITY_ID], kind="stable").reset_index(drop=True)
    offset = acts[C.UTC_OFFSET_S].astype("float64")
    # Device-relative FIT times placed by the watch's local clock are local already.
    offset = offset.mask(acts[C.UTC_OFFSET_SOURCE] == LOCAL_CLOCK_ONLY, 0.0)
    known = offset.notna()
    assumed = offset.copy()
    if known.any() and not known.all():
        t = acts[C.START_UTC].dt.as_unit("ns").astype("int64").to_numpy()
        kt, kv = t[known.to_numpy()], offset[known].to_numpy()
        for i in np.flatnonzero(~known.to_numpy()):
            j = int(np.argmin(np.abs(kt - t[i])))
            assumed.iat[i] = kv[j]
    assumed = assumed.fillna(0.0)
    notes = acts[C.NOTE].copy()
    for i in np.flatnonzero(~known.to_numpy()):
        how = (
            f"UTC{assumed.iat[i] / 3600:+g} h assumed from the nearest activity with a known offset"
            if known.any()
            else "UTC assumed"
        )
        notes.iat[i] = "; ".join(x for x in (notes.iat[i], f"local time: {how}") if x)
    acts[C.NOTE] = notes
    local = acts[C.START_UTC] + pd.to_timedelta(assumed, unit="s")
    acts[C.START_LOCAL] = local.dt.tz_localize(None)
    return acts
