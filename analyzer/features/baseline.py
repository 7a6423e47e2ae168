"""The runner's pace-adjusted personal baseline of running form.

Ground contact time, oscillation and cadence change with pace, so a run is compared
with the runner's own metric-speed relation over the runs before it (a robust
Theil-Sen line per window), not with a population band. Pure functions: frames in,
frames out; inputs are never modified. Units are those of :mod:`analyzer.columns`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C

#: Metrics compared with the runner's own pace-adjusted baseline.
BASELINE_METRICS = (C.FORM_GCT_MS, C.FORM_VO_MM, C.FORM_VR_PCT, C.FORM_CADENCE_SPM)
#: Days before a run whose runs form its baseline (convention: about a training block).
BASELINE_WINDOW_DAYS = 90
#: Fewest baseline runs for a fit (convention: Theil-Sen needs a handful of points to
#: resist an outlier; 8 runs is about three weeks of training).
MIN_BASELINE_RUNS = 8
#: Scales the median absolute deviation to the standard deviation of a normal
#: distribution (1 / Phi^-1(3/4); Rousseeuw & Croux, JASA 1993;88:1273-1283).
MAD_TO_SD = 1.4826


def theil_sen(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Theil-Sen robust line y = intercept + slope * x.

    Slope: median of the pairwise slopes over pairs with distinct x (Sen 1968, JASA
    63:1379); intercept: median of y - slope * x. Where all x are equal the slope is 0.

    Returns
    -------
    (intercept, slope)
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    i, j = np.triu_indices(len(x), k=1)
    dx = x[j] - x[i]
    ok = dx != 0
    slope = float(np.median((y[j] - y[i])[ok] / dx[ok])) if ok.any() else 0.0
    return float(np.median(y - slope * x)), slope


def theil_sen_within(x: np.ndarray, y: np.ndarray, strata: np.ndarray) -> float:
    """Theil-Sen slope over the pairs of points in the same stratum only: the median of
    the pairwise slopes (pairs with distinct x) within every stratum, pooled. It is the
    seasonal Kendall slope estimator (Hirsch, Slack & Smith, Water Resour Res
    1982;18:107-121) with strata for seasons: a step between strata (a new device reading
    higher) does not enter it. One stratum gives theil_sen's slope; 0 where every pair
    has equal x, NaN where no stratum has two points."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    strata = np.asarray(strata)
    slopes, pairs = [], 0
    for value in pd.unique(strata):
        k = np.flatnonzero(strata == value)
        i, j = np.triu_indices(len(k), k=1)
        dx = x[k[j]] - x[k[i]]
        ok = dx != 0
        slopes.append((y[k[j]] - y[k[i]])[ok] / dx[ok])
        pairs += len(i)
    if not pairs:
        return float("nan")
    pooled = np.concatenate(slopes)
    return float(np.median(pooled)) if len(pooled) else 0.0


def pace_adjusted_form(
    summary: pd.DataFrame,
    window_days: float = BASELINE_WINDOW_DAYS,
    min_runs: int = MIN_BASELINE_RUNS,
    only: np.ndarray | None = None,
) -> pd.DataFrame:
    """Each run against the runner's own metric-speed relation before it.

    For every run and metric, the runs of the previous ``window_days`` (start_utc in
    [start - window, start)) recorded by the same device with the metric and a speed
    give a Theil-Sen line metric ~ median speed; the run's deviation is its median minus the line at its
    median speed, and its robust z-score is deviation / (MAD_TO_SD x MAD of the
    baseline runs' residuals). Running faster along the same relation gives
    deviation ~ 0; the same pace with longer contact gives a positive deviation.

    Devices read running dynamics differently (a new watch may read ground contact
    20 ms longer at the same pace), so a run is compared only with runs of its own
    device (``device`` column, dynamics.device_of; all runs are one device without
    it) and runs of no known device (""): the baseline restarts at a new device, with
    no fit until MIN_BASELINE_RUNS runs on it, and ``baseline_reason`` says how many
    runs of other devices were left out. A run of no known device is compared with
    every run.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`analyzer.features.dynamics.form_summary` (the runner's whole
        history).
    window_days : float
        Baseline window [days].
    min_runs : int
        Fewest baseline runs for a fit.
    only : boolean array, optional
        Fit only these runs (in ``summary``'s row order; their windows still draw on
        every run); the others get NaN expected, deviation and z. For a caller that
        holds the others' results from before (analyzer.derived).

    Returns
    -------
    DataFrame
        activity_id, start_utc and, for m in gct_ms [ms], vo_mm [mm], vr_pct [%],
        cadence_spm [steps/min]: ``expected_<m>`` (baseline prediction at the run's
        pace), ``deviation_<m>`` (same unit), ``z_<m>`` (dimensionless),
        ``baseline_n_<m>`` (runs of the run's device in the window) and
        ``baseline_reason_<m>`` (why NaN).
    """
    order = np.argsort(summary[C.START_UTC].to_numpy(), kind="stable")
    s = summary.iloc[order].reset_index(drop=True)
    wanted = np.ones(len(s), dtype=bool) if only is None else np.asarray(only, dtype=bool)[order]
    t = pd.to_datetime(s[C.START_UTC], utc=True).dt.as_unit("ns").astype("int64").to_numpy() / 1e9
    speed = s[C.MEDIAN_SPEED_M_S].to_numpy(dtype="float64")
    out = pd.DataFrame({C.ACTIVITY_ID: s[C.ACTIVITY_ID].to_numpy(), C.START_UTC: s[C.START_UTC].to_numpy()})
    ys = {m: s[C.form_column(C.MEDIAN, m)].to_numpy(dtype="float64") for m in BASELINE_METRICS}
    # Metrics recorded on the same runs share their windows: fitted together.
    groups: dict[bytes, list[str]] = {}
    for m, y in ys.items():
        groups.setdefault((np.isfinite(y) & np.isfinite(speed)).tobytes(), []).append(m)
    device = s[C.DEVICE].fillna("").astype(str).to_numpy() if C.DEVICE in s else np.full(len(s), "")
    for metrics in groups.values():
        fitted = _fit_by_device(t, speed, {m: ys[m] for m in metrics}, wanted, device, window_days, min_runs)
        _note_other_devices(t, np.isfinite(ys[metrics[0]]) & np.isfinite(speed), metrics, fitted, window_days, min_runs)
        for name, values in fitted.items():
            out[name] = values
    # Columns in the documented order, whatever the grouping.
    cols = [
        C.form_column(p, m)
        for m in BASELINE_METRICS
        for p in (C.EXPECTED, C.DEVIATION, C.Z, C.BASELINE_N, C.BASELINE_REASON)
    ]
    out = out[[C.ACTIVITY_ID, C.START_UTC, *cols]]
    # Back to the caller's row order.
    return out.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def _fit_group(
    t: np.ndarray,
    speed: np.ndarray,
    ys: dict[str, np.ndarray],
    wanted: np.ndarray,
    window_days: float,
    min_runs: int,
) -> dict[str, np.ndarray]:
    """pace_adjusted_form's columns for metrics recorded on the same runs (so sharing
    their windows), runs sorted by start time ``t`` [s]: for each metric m of ``ys``,
    expected_m, deviation_m, z_m, baseline_n_m and baseline_reason_m."""
    metrics = list(ys)
    usable = np.isfinite(ys[metrics[0]]) & np.isfinite(speed)
    # Each usable run's window among the usable runs (sorted by start): [lo, hi).
    u = np.flatnonzero(usable)
    lo = np.searchsorted(t[u], t[u] - window_days * 86400.0, side="left")
    hi = np.searchsorted(t[u], t[u], side="left")
    fit = np.flatnonzero((hi - lo >= min_runs) & wanted[u])
    rows = u[fit]
    y_all = np.column_stack([ys[m] for m in metrics])
    a, b, mad = theil_sen_windows(speed[u], y_all[u], lo[fit], hi[fit])
    out: dict[str, np.ndarray] = {}
    for col, m in enumerate(metrics):
        y = ys[m]
        expected = np.full(len(t), np.nan)
        z = np.full(len(t), np.nan)
        n = np.zeros(len(t), dtype="int64")
        reason = np.full(len(t), "the run has no value for this metric", dtype=object)
        n[u] = hi - lo
        reason[u] = [
            f"{k} runs with this metric on this device in the previous {window_days:g} days (need {min_runs})"
            for k in hi - lo
        ]
        expected[rows] = a[:, col] + b[:, col] * speed[rows]
        spread = mad[:, col] > 0
        z[rows[spread]] = (y[rows[spread]] - expected[rows[spread]]) / (MAD_TO_SD * mad[spread, col])
        reason[rows] = np.where(spread, "", "baseline residuals have no spread (z-score undefined)")
        out[C.form_column(C.EXPECTED, m)] = expected
        out[C.form_column(C.DEVIATION, m)] = y - expected
        out[C.form_column(C.Z, m)] = z
        out[C.form_column(C.BASELINE_N, m)] = n
        out[C.form_column(C.BASELINE_REASON, m)] = reason
    return out


def _fit_by_device(
    t: np.ndarray,
    speed: np.ndarray,
    ys: dict[str, np.ndarray],
    wanted: np.ndarray,
    device: np.ndarray,
    window_days: float,
    min_runs: int,
) -> dict[str, np.ndarray]:
    """_fit_group's columns, each run's window holding only the runs of its device and
    the runs of no known device (device ""; a GPX file names the app that wrote it, not
    the device). A run of no known device is compared with every run: nothing says its
    device changed."""
    n = len(t)
    unknown = device == ""
    known = [d for d in pd.unique(device) if d != ""]
    everyone = np.ones(n, dtype=bool)
    plan = [(everyone, everyone)]  # (runs fitted, runs of their windows)
    if len(known) > 1:
        plan = [(device == d, (device == d) | unknown) for d in known] + [(unknown, everyone)]
    fitted: dict[str, np.ndarray] = {}
    for target, members in plan:
        rows = np.flatnonzero(members)
        part = _fit_group(
            t[rows], speed[rows], {m: y[rows] for m, y in ys.items()}, (wanted & target)[rows], window_days, min_runs
        )
        put = target[rows]
        for name, values in part.items():
            fitted.setdefault(name, np.empty(n, dtype=values.dtype))[rows[put]] = values[put]
    return fitted


def _note_other_devices(
    t: np.ndarray,
    usable: np.ndarray,
    metrics: list[str],
    fitted: dict[str, np.ndarray],
    window_days: float,
    min_runs: int,
) -> None:
    """Add to the baseline_reason of each run left without a fit (too few runs of its
    device) how many runs of other devices its window held: the baseline restarted."""
    u = np.flatnonzero(usable)
    every = np.searchsorted(t[u], t[u], side="left") - np.searchsorted(t[u], t[u] - window_days * 86400.0, side="left")
    n = fitted[C.form_column(C.BASELINE_N, metrics[0])][u]
    other = every - n
    note = (other > 0) & (n < min_runs)
    for m in metrics:
        reason = fitted[C.form_column(C.BASELINE_REASON, m)]
        for row, k in zip(u[note], other[note], strict=True):
            reason[row] = (
                f"{reason[row]}; {k} runs recorded by other devices are not compared (a new device restarts it)"
            )


#: Most elements in one block of theil_sen_windows' work arrays (bounds its memory at
#: about 8 bytes x this x the number of metrics, whatever the history's size).
WINDOW_BLOCK_ELEMENTS = 1_000_000


def _masked_median(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Median along axis 1 over the valid entries (numpy.median's value); NaN where a
    row has none. ``values``: (rows, n) or (rows, n, metrics); ``valid``: (rows, n),
    the same for every metric."""
    count = valid.sum(axis=1)
    mask = valid if values.ndim == 2 else valid[:, :, None]
    filled = np.where(mask, values, np.inf)  # invalid entries sort last
    median = np.full((len(values), *values.shape[2:]), np.nan)
    # Rows with the same count share their middle positions: one partition per count.
    for c in np.unique(count[count > 0]):
        rows = np.flatnonzero(count == c)
        mid = sorted({(c - 1) // 2, c // 2})
        part = np.partition(filled[rows], mid, axis=1)
        # numpy.median: the mean of the two middle values (the middle one, odd counts).
        median[rows] = (part[:, (c - 1) // 2] + part[:, c // 2]) / 2.0
    return median


def theil_sen_windows(
    x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """theil_sen over many windows of the same points at once, and the median absolute
    deviation of each window's residuals.

    Window k holds the points lo[k] <= i < hi[k]. ``y`` is one metric (n,) or several
    sharing x and the windows (n, metrics). Returns (intercept, slope, mad), one value
    per window (and metric); equal to calling theil_sen on each window. Vectorised:
    the slope of every pair of points less than a window apart is computed once, and
    each block of windows gathers its pairs from them.
    """
    y2 = np.asarray(y, dtype="float64")
    y2 = y2[:, None] if y2.ndim == 1 else y2
    k, n = len(lo), len(x)
    shape = (k, y2.shape[1])
    intercept, slope, mad = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    if k and n:
        width = int((hi - lo).max())
        # Pair (i, i + d) for d = 1 .. width - 1: its slope, and whether it has one.
        d = np.arange(1, max(width, 2))
        j = np.arange(n)[:, None] + d[None, :]
        inside = j < n
        j = np.minimum(j, n - 1)
        dx = x[j] - x[:, None]
        has_slope = inside & (dx != 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            band = (y2[j] - y2[:, None, :]) / dx[:, :, None]
        band_flat = band.reshape(-1, y2.shape[1])
        pi, pj = np.triu_indices(width, k=1)
        block = max(1, WINDOW_BLOCK_ELEMENTS // max(len(pi), width, 1))
        for start in range(0, k, block):
            sl = slice(start, start + block)
            b_lo, size = lo[sl, None], (hi - lo)[sl, None]
            # The pairs (i < j) inside each window, as rows of the band.
            row = np.minimum(b_lo + pi[None, :], n - 1)
            flat = row * len(d) + (pj - pi - 1)[None, :]
            ok = (pj[None, :] < size) & has_slope.reshape(-1)[flat]
            b = _masked_median(band_flat[flat], ok)
            b = np.where(ok.any(axis=1)[:, None], b, 0.0)  # all x equal: slope 0
            # The window's points, for the intercept and the residuals.
            pos = np.arange(width)[None, :]
            in_window = pos < size
            idx = np.minimum(b_lo + pos, n - 1)
            xs, ys = x[idx][:, :, None], y2[idx]
            a = _masked_median(ys - b[:, None, :] * xs, in_window)
            resid = ys - (a[:, None, :] + b[:, None, :] * xs)
            centre = _masked_median(resid, in_window)
            intercept[sl], slope[sl], mad[sl] = a, b, _masked_median(np.abs(resid - centre[:, None, :]), in_window)
    if y.ndim == 1:
        return intercept[:, 0], slope[:, 0], mad[:, 0]
    return intercept, slope, mad
