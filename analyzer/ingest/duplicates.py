"""Two files that record the same outing: the richer copy is kept."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C

#: Two recordings are the same run when they start within this many seconds...
DUPLICATE_START_S = 120.0
#: ...and their durations and distances differ by at most this fraction.
#: (Issue 2's rule: a FIT and a GPX copy of a run, or two exports of it.)
DUPLICATE_TOLERANCE = 0.05


def _close(a: float, b: float) -> bool:
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    return abs(a - b) <= DUPLICATE_TOLERANCE * max(abs(a), abs(b)) or (a == b)


def find_duplicates(acts: pd.DataFrame, order: dict[str, int]) -> dict[str, tuple[str, str]]:
    """Activities that record the same outing as a richer one.

    Returns {duplicate activity_id: (kept activity_id, reason)}. Same outing: starts
    within DUPLICATE_START_S, durations (elapsed or timer) and distances within
    DUPLICATE_TOLERANCE: two files of one run, or two sessions of one file that copy
    each other (chained FIT files repeat a session). The richer copy is kept: a whole
    recording over a truncated one, then running dynamics, heart rate, FIT over GPX,
    more samples, an intact CRC, and last the earlier input.
    """
    if acts.empty:
        return {}
    acts = acts.sort_values(C.START_UTC, kind="stable").reset_index(drop=True)
    start = acts[C.START_UTC].dt.as_unit("ns").astype("int64").to_numpy() / 1e9
    out = {}
    for members in _same_outings(acts, start):
        keep = max(members, key=lambda i: _richness(acts.iloc[i], order))
        k = acts.iloc[keep]
        for i in members:
            if i != keep:
                d = acts.iloc[i]
                out[d[C.ACTIVITY_ID]] = (k[C.ACTIVITY_ID], _reason(d, k, abs(start[i] - start[keep])))
    return out


def _same_outings(acts: pd.DataFrame, start: np.ndarray) -> list[list[int]]:
    """Groups (two or more rows) of activities that record one outing."""
    parent = list(range(len(acts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(acts)):
        for j in range(i + 1, len(acts)):
            if start[j] - start[i] > DUPLICATE_START_S:
                break
            a, b = acts.iloc[i], acts.iloc[j]
            same_time = _close(a[C.ELAPSED_S], b[C.ELAPSED_S]) or _close(a[C.TIMER_S], b[C.TIMER_S])
            same_dist = _close(a[C.DISTANCE_M], b[C.DISTANCE_M]) or (a[C.DISTANCE_M] == 0 and b[C.DISTANCE_M] == 0)
            if same_time and same_dist:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(acts)):
        groups.setdefault(find(i), []).append(i)
    return [members for members in groups.values() if len(members) > 1]


def _richness(r: pd.Series, order: dict[str, int]) -> tuple:
    """What makes one copy of an outing better than another, most important first."""
    return (
        "partial read" not in r[C.NOTE],
        r[C.HAS_DYNAMICS],
        r[C.HAS_HR],
        r[C.FORMAT] == "fit",
        r[C.N_SAMPLES],
        "CRC check failed" not in r[C.NOTE],
        -order.get(r[C.SOURCE], 0),
    )


def _reason(d: pd.Series, k: pd.Series, apart_s: float) -> str:
    """Why ``d`` is a duplicate of the kept ``k``."""
    ddist = abs(d[C.DISTANCE_M] - k[C.DISTANCE_M]) / max(k[C.DISTANCE_M], d[C.DISTANCE_M], 1e-9) * 100
    if d[C.FILE_SHA256] == k[C.FILE_SHA256]:
        return (
            f"a copy of session {k[C.SESSION_INDEX]} of the same file (chained FIT files repeat a session; "
            f"starts {apart_s:.0f} s apart, distances {ddist:.1f} % apart): the richer copy is kept"
        )
    return (
        f"same run as {k[C.SOURCE]} (starts {apart_s:.0f} s apart, distances {ddist:.1f} % apart); "
        "the richer copy is kept"
    )
