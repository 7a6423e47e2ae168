"""per_run.compute on numpy columns: the same two frames, bit for bit, as the pandas
path (dynamics.form_summary merged with load.efficiency, and load.hr_histogram, over a
batch of files' activities and samples), without their groupby, merge and
intermediate frames: the cost of the features in the import workers was mostly pandas.

The arithmetic of each of those functions is mirrored step by step (its comments name
the pandas line it stands for); the grouped reductions are in run_kernels.py. Inputs
this does not mirror (no samples, timestamps that are not datetimes or are missing,
columns missing or not float64, a run listed twice, NaN in the efficiency sums, a heart
rate of -0.0) return None: the caller then takes the pandas path, which gives those
their usual answer (or raises as it does).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import columns as C
from . import dynamics as D
from . import run_kernels as K
from .load import aerobic
from .load.common import PAUSE_S

#: Columns of the efficiency part (load.efficiency), in their order.
EFFICIENCY_COLUMNS = (C.EF_M_PER_BEAT, C.DECOUPLING_PCT, C.MOVING_S, C.HR_COVERAGE_PCT, C.MEAN_TEMPERATURE_C)
#: Quantiles of form_summary's groupby quantile.
QUARTILES = (0.25, 0.5, 0.75)
#: Sample columns the batch reads (float64), NaN where the samples have none.
FLOAT_COLUMNS = (C.SPEED_M_S, C.HEART_RATE_BPM, C.TEMPERATURE_C, *D.FORM_METRICS.values())
#: Sample columns the numpy path needs (besides activity_id and timestamp): without
#: one, the pandas path gives the answer.
NEEDED_COLUMNS = (C.SPEED_M_S, C.HEART_RATE_BPM, C.TEMPERATURE_C, C.STANCE_TIME_MS)
#: Ticks per second of each datetime64 unit (numpy's units).
TICKS_PER_S = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
#: Heart rates below this [bpm] are grouped by counting (a bin per integer bpm); others
#: (none a watch records) by sorting (heavylegs convention: 4096 bins per activity).
COUNTED_HR_LIMIT = 4096


class Unmirrored(Exception):
    """Inputs this path does not mirror: the caller takes the pandas path."""


@dataclass
class Batch:
    """A batch's samples as numpy columns, grouped by activity code (runs first)."""

    ids: np.ndarray  # activity_id of each code: the runs', then the other activities'
    nruns: int
    gpx: np.ndarray  # per run: its format is GPX
    starts: np.ndarray  # rows of code k: starts[k]:starts[k + 1]
    moved: np.ndarray | None  # position in the sample table of each row, when grouping moved rows
    ts: np.ndarray  # timestamps, int64 ticks of `unit`
    unit: str
    cols: dict[str, np.ndarray]  # float64 sample columns (NaN where the table has none)

    def to_frame(self, rows: np.ndarray) -> np.ndarray | None:
        """The order that puts ``rows`` (grouped positions, ascending) back in the sample
        table's order (None when it is theirs already)."""
        return None if self.moved is None else np.argsort(self.moved[rows], kind="stable")


def compute(activities: pd.DataFrame, samples) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(run features, heart-rate histogram) as per_run.compute_reference gives them, or
    None for inputs this path does not mirror. ``samples``: a sample frame, or the
    samples' columns (importers.columnar.BatchColumns: no frame is made)."""
    try:
        b = batch(activities, samples) if isinstance(samples, pd.DataFrame) else batch_of_columns(activities, samples)
        dt = moving_dt(b)
        figures = {**form(b), **efficiency(b, dt)}
    except Unmirrored:
        return None
    # One float block, then the two other columns (a frame from a dict of 21 columns
    # costs more than all the arithmetic).
    reason = figures.pop(C.FORM_REASON)
    features = pd.DataFrame(np.stack(list(figures.values()), axis=1), columns=list(figures))
    features.insert(0, C.ACTIVITY_ID, b.ids[: b.nruns])
    features.insert(features.columns.get_loc(C.STEADY_S) + 1, C.FORM_REASON, reason)
    hist = histogram(b, dt)
    hist[C.ACTIVITY_ID] = b.ids[hist[C.ACTIVITY_ID].to_numpy(dtype="int64")]
    return features, hist


def batch(activities: pd.DataFrame, samples: pd.DataFrame) -> Batch:
    """The samples of ``activities`` grouped by code; raises Unmirrored (see the module)."""
    if not len(samples) or any(c not in samples for c in (C.ACTIVITY_ID, C.TIMESTAMP, *NEEDED_COLUMNS)):
        raise Unmirrored("no samples, or sample columns missing")
    runs = _runs(activities)
    fcodes, uniques = pd.factorize(samples[C.ACTIVITY_ID])
    code = np.append(pd.Index(runs.ids).get_indexer(uniques), -1)[fcodes]  # fcodes -1 (missing): -1
    ts = samples[C.TIMESTAMP].array
    if not isinstance(ts, pd.arrays.DatetimeArray) or ts.unit not in TICKS_PER_S:
        raise Unmirrored("timestamps are not datetimes")
    for name in FLOAT_COLUMNS:
        if name in samples and samples[name].dtype != np.float64:
            raise Unmirrored(f"{name} is not float64")
    cols = {name: samples[name].to_numpy() for name in FLOAT_COLUMNS if name in samples}
    return _grouped(runs, code, ts.asi8, ts.unit, cols)


def batch_of_columns(activities: pd.DataFrame, samples) -> Batch:
    """batch() of samples held as columns (importers.columnar.BatchColumns: float64
    columns, UTC times in ns): each part's rows get its activity's code at once."""
    if not len(samples) or any(c not in samples.names for c in NEEDED_COLUMNS):
        raise Unmirrored("no samples, or sample columns missing")
    runs = _runs(activities)
    code = np.repeat(pd.Index(runs.ids).get_indexer(samples.ids), samples.lengths)
    cols = {name: samples.block[j] for j, name in enumerate(samples.names) if name in FLOAT_COLUMNS}
    return _grouped(runs, code, samples.ns, "ns", cols)


@dataclass
class _Runs:
    """The codes' activities (batch's ids, nruns and gpx)."""

    ids: np.ndarray
    nruns: int
    gpx: np.ndarray


def _runs(activities: pd.DataFrame) -> _Runs:
    """per_run.compute's codes: the runs' first, then the other activities'."""
    if C.ACTIVITY_ID not in activities or C.START_UTC not in activities:
        raise Unmirrored("activity columns missing")
    is_run = activities[C.IS_RUN].astype(bool).to_numpy() if C.IS_RUN in activities else np.ones(len(activities), bool)
    all_ids = activities[C.ACTIVITY_ID].to_numpy(dtype=object)
    run_ids = pd.unique(all_ids[is_run])
    ids = np.asarray(pd.unique(np.concatenate([run_ids, all_ids])), dtype=object)
    if len(run_ids) != is_run.sum() or pd.isna(ids).any():
        raise Unmirrored("a run listed twice (a row each), or an activity without id")
    gpx = activities[C.FORMAT].eq("gpx").to_numpy(dtype=bool)[is_run] if C.FORMAT in activities else ~is_run[is_run]
    return _Runs(ids, len(run_ids), gpx)


def _grouped(runs: _Runs, code: np.ndarray, ts: np.ndarray, unit: str, columns: dict[str, np.ndarray]) -> Batch:
    """The Batch of the rows of known activities (``code`` >= 0), grouped by code:
    ``ts`` their int64 times in ``unit``, ``columns`` the float64 ones it has."""
    rows = np.flatnonzero(code >= 0)
    moved = None
    if not np.all(code[rows][1:] >= code[rows][:-1]):
        rows = moved = rows[np.argsort(code[rows], kind="stable")]
    whole = len(rows) == len(code)

    def take(x: np.ndarray) -> np.ndarray:
        return x if whole and moved is None else x[rows]

    i8 = take(ts)
    if (i8 == np.iinfo(np.int64).min).any():
        raise Unmirrored("a timestamp is missing (NaT)")
    cols = {name: take(columns[name]) if name in columns else np.full(len(rows), np.nan) for name in FLOAT_COLUMNS}
    if np.any((cols[C.HEART_RATE_BPM] == 0) & np.signbit(cols[C.HEART_RATE_BPM])):
        raise Unmirrored("a heart rate of -0.0")
    starts = K.starts_of(take(code), len(runs.ids))
    return Batch(runs.ids, runs.nruns, runs.gpx, starts, moved, i8, unit, cols)


def moving_dt(b: Batch) -> np.ndarray:
    """load.common.moving_dt of every row: the time since the previous sample of the
    activity [s] (pandas' Timedelta.total_seconds of the difference), 0.0 after a pause
    (> PAUSE_S) and on an activity's first sample."""
    n = len(b.ts)
    diff = np.zeros(n, dtype=np.int64)
    diff[1:] = b.ts[1:] - b.ts[:-1]
    first = K.firsts(b.starts, n)
    diff[first] = 0
    # The seconds as pandas counts them (its formula has changed between versions).
    seconds = pd.TimedeltaIndex(diff.view(f"m8[{b.unit}]")).total_seconds().to_numpy(dtype="float64")
    return np.where(first | ~(seconds <= PAUSE_S), 0.0, seconds)


def form(b: Batch) -> dict[str, np.ndarray]:
    """dynamics.form_summary's columns after device, one value per run."""
    rs = b.starts[: b.nruns + 1]
    n = rs[-1]
    code = K.codes_of(rs)
    ts = b.ts[:n]
    first = K.firsts(rs, n)
    order = None
    if np.any(ts[1:][~first[1:]] < ts[:-1][~first[1:]]):
        order = np.lexsort((ts, code))  # _clean_samples: sort_values([id, timestamp], stable)
        ts = ts[order]
    # steady_samples: seconds since the epoch as float, their steps within each run.
    ns = ts if b.unit == "ns" else ts * (10**9 // TICKS_PER_S[b.unit])
    t = ns.astype("float64") / 1e9
    dt = np.full(n, np.nan)
    dt[1:] = t[1:] - t[:-1]
    dt[first] = np.nan
    gap = dt > D.PAUSE_GAP_S
    step = np.where(gap | first, 0.0, dt)
    exact = K.is_exact(step)
    moving = K.cumsum(step, rs, exact=exact)
    total = np.repeat(K.maxima(moving, rs), np.diff(rs))
    warmup = np.where(total < D.SHORT_RUN_S, total * D.SHORT_RUN_WARMUP_FRACTION, D.WARMUP_S)
    speed = b.cols[C.SPEED_M_S][:n] if order is None else b.cols[C.SPEED_M_S][order]
    is_steady = (speed > D.WALK_SPEED_M_S) & ~gap & (moving >= warmup)
    steady = np.flatnonzero(is_steady)
    sc = code[steady]
    ss = K.starts_of(sc, b.nruns)
    # _clean_samples: non-positive dynamics are NaN; then the quartiles and the median speed.
    block = np.empty((len(D.FORM_METRICS) + 1, len(steady)))
    for i, name in enumerate(D.FORM_METRICS.values()):
        if order is None:
            np.compress(is_steady, b.cols[name][:n], out=block[i])  # the steady rows, as a mask takes them
        else:
            block[i] = b.cols[name][order[steady]]
        with np.errstate(invalid="ignore"):
            block[i][~(block[i] > 0)] = np.nan
    gct = block[list(D.FORM_METRICS.values()).index(C.STANCE_TIME_MS)]
    steady_gct = K.any_of(~np.isnan(gct), ss)  # before the block is sorted (in place, below)
    np.compress(is_steady, speed, out=block[-1])
    quant, median = K.quantiles_and_median(block, ss, QUARTILES, in_place=True)
    out = {}
    for i, short in enumerate(D.FORM_METRICS):
        out[C.form_column(C.MEDIAN, short)] = quant[:, i, 1]
        out[C.form_column(C.IQR, short)] = quant[:, i, 2] - quant[:, i, 0]
    out[C.MEDIAN_SPEED_M_S] = median[:, -1]
    out[C.STEADY_S] = K.sums(step[steady], sc, b.nruns, starts=ss, exact=exact)
    # _reasons: a ground contact time in the run's samples, and in its steady samples.
    with np.errstate(invalid="ignore"):
        has_gct = K.any_of(b.cols[C.STANCE_TIME_MS][:n] > 0, rs)
    reason = np.select([b.gpx, ~has_gct, ~steady_gct], [D.NO_DYNAMICS_GPX, D.NO_GCT, D.NO_STEADY], default="")
    return _without_form(out, reason, b.gpx)


def _without_form(out: dict[str, np.ndarray], reason: np.ndarray, gpx: np.ndarray) -> dict[str, np.ndarray]:
    """form_summary's last steps: no dynamics for GPX files, no running form for runs
    whose steady samples are walking (dynamics._not_running_form), form_reason."""
    metrics = D.FORM_METRICS
    for m in metrics:
        if m != C.FORM_CADENCE_SPM:
            for p in (C.MEDIAN, C.IQR):
                out[C.form_column(p, m)] = np.where(gpx, np.nan, out[C.form_column(p, m)])
    speed, cadence = out[C.MEDIAN_SPEED_M_S], out[C.form_column(C.MEDIAN, C.FORM_CADENCE_SPM)]
    walking = (speed < D.WALKING_MEDIAN_SPEED_M_S) & (cadence < D.WALKING_MEDIAN_CADENCE_SPM)
    # pd.Series(np.select(...)).to_numpy(): the column's type as form_summary makes it.
    reason = pd.Series(reason).to_numpy()
    if walking.any():
        for m in metrics:
            for p in (C.MEDIAN, C.IQR):
                out[C.form_column(p, m)] = np.where(walking, np.nan, out[C.form_column(p, m)])
        for i in np.flatnonzero(walking):
            reason[i] = (
                f"steady samples are walking (median {speed[i]:.1f} m/s, {cadence[i]:.0f} steps/min): no running form"
            )
    out[C.FORM_REASON] = reason
    return out


def efficiency(b: Batch, dt: np.ndarray) -> dict[str, np.ndarray]:
    """load.efficiency's columns, one value per run (NaN where it has no row)."""
    n = b.starts[b.nruns]
    speed, hr, temp = (b.cols[c][:n] for c in (C.SPEED_M_S, C.HEART_RATE_BPM, C.TEMPERATURE_C))
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero((speed >= aerobic.MOVING_SPEED_M_S) & (dt[:n] > 0))
    if not rows.size or np.isnan(hr).all():
        return {c: np.full(b.nruns, np.nan) for c in EFFICIENCY_COLUMNS}
    # The moving samples' columns (m), their sums per run and per half of each run.
    step, bpm = dt[rows], hr[rows]
    with np.errstate(invalid="ignore"):
        has_hr = bpm > 0
    hr_dt = np.where(has_hr, step, 0.0)
    cols = {"sv": speed[rows] * hr_dt, "sh": np.where(has_hr, bpm, 0.0) * hr_dt, "dt": step, "hr_dt": hr_dt}
    if any(np.isnan(v).any() for v in cols.values()):
        raise Unmirrored("NaN in efficiency's sums")  # pandas would sum all four by Kahan's method
    exact_dt = K.is_exact(step)
    exact = {"sv": K.is_exact(cols["sv"]), "sh": K.is_exact(cols["sh"]), "dt": exact_dt, "hr_dt": exact_dt}
    code = K.codes_of(b.starts[: b.nruns + 1])[rows]
    starts, to_frame = K.starts_of(code, b.nruns), b.to_frame(rows)
    t = K.cumsum(step, starts, exact=exact_dt)
    total = K.sums(step, code, b.nruns, starts=starts, order=to_frame, exact=exact_dt)[code]
    half = code * 2 + np.where(t <= total / 2, 0, 1)
    hstarts = K.starts_of(half, 2 * b.nruns) if np.all(half[1:] >= half[:-1]) else None
    in_half = np.bincount(half, minlength=2 * b.nruns) > 0
    whole, halves = {}, {}
    for k, v in cols.items():
        whole[k] = K.sums(v, code, b.nruns, starts=starts, order=to_frame, exact=exact[k])
        part = K.sums(v, half, 2 * b.nruns, starts=hstarts, order=to_frame, exact=exact[k])
        halves[k] = np.where(in_half, part, np.nan)
    first, second = ({k: v[i::2] for k, v in halves.items()} for i in (0, 1))
    share = aerobic.HR_MIN_COVERAGE_PCT / 100.0
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio1, ratio2 = first["sv"] / first["sh"], second["sv"] / second["sh"]
        covered = (first["hr_dt"] >= share * first["dt"]) & (second["hr_dt"] >= share * second["dt"])
        coverage = 100.0 * whole["hr_dt"] / whole["dt"]
        ef = np.where(coverage >= aerobic.HR_MIN_COVERAGE_PCT, (whole["sv"] / whole["sh"]) * 60.0, np.nan)
        decoupling = np.where(covered, 100.0 * (ratio1 - ratio2) / ratio1, np.nan)
    mean_temp = K.sums(temp[rows], code, b.nruns, mean=True, starts=starts, order=to_frame)
    kept = (np.diff(starts) > 0) & (whole["hr_dt"] > 0)
    values = (ef, decoupling, whole["dt"], coverage, mean_temp)
    return {c: np.where(kept, v, np.nan) for c, v in zip(EFFICIENCY_COLUMNS, values, strict=True)}


def histogram(b: Batch, dt: np.ndarray) -> pd.DataFrame:
    """load.hr_histogram of every activity (activity_id as codes): samples and moving
    minutes per (activity, heart rate), sorted by both."""
    hr = b.cols[C.HEART_RATE_BPM]
    rows = np.flatnonzero(~np.isnan(hr))
    code, bpm = K.codes_of(b.starts)[rows], hr[rows]
    if len(bpm) and np.all(bpm >= 0) and bpm.max() < COUNTED_HR_LIMIT and np.all(np.trunc(bpm) == bpm):
        width = int(bpm.max()) + 1
        key = code * width + bpm.astype(np.int64)
        counts = np.bincount(key, minlength=len(b.ids) * width)
        present = np.flatnonzero(counts)
        bins = (np.cumsum(counts > 0) - 1)[key]
        bin_code, bin_hr, samples = present // width, (present % width).astype("float64"), counts[present]
    else:
        order = np.lexsort((bpm, code))
        new = np.ones(len(order), dtype=bool)
        new[1:] = (code[order][1:] != code[order][:-1]) | (bpm[order][1:] != bpm[order][:-1])
        bins = np.empty(len(order), dtype=np.intp)
        bins[order] = np.cumsum(new) - 1
        bin_code, bin_hr = code[order][new], bpm[order][new]
        samples = np.bincount(bins, minlength=len(bin_code))
    moving_min = K.sums(dt[rows] / 60.0, bins, len(bin_code), order=b.to_frame(rows))  # bins are not grouped
    return pd.DataFrame(
        {
            C.ACTIVITY_ID: bin_code.astype("int64"),
            C.HEART_RATE_BPM: bin_hr.astype("float64"),
            C.SAMPLES: samples.astype("int64"),
            C.MOVING_MIN: moving_min,
        }
    )
