"""Running form: per-run summaries of running dynamics over steady running, the
population colour bands, and within-run drift (the pace-adjusted personal baseline is
in baseline.py).

Pure functions: frames in, frames out; inputs are never modified. Every number is in
the units of :mod:`analyzer.columns` (ms, mm, %, steps/min, m/s).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from .bands import BAND_NAMES, CADENCE_BAND_EDGES_SPM, GCT_BAND_EDGES_MS, VO_BAND_EDGES_MM, VR_BAND_EDGES_PCT

# --- what counts as steady running ------------------------------------------------
#: Samples at or below this speed are walking or standing, not running [m/s].
#: Source: comfortable adult walking speed is ~1.3-1.4 m/s (Bohannon RW, Age Ageing
#: 1997;26:15-19) and the preferred walk-run transition ~2.0 m/s (Hreljac A, Med Sci
#: Sports Exerc 1993;25:1158-1162); 1.6 m/s (~10:25 min/km) sits between the two so
#: slow running is kept and walking breaks are dropped. A convention, not a finding.
WALK_SPEED_M_S = 1.6
#: Warm-up dropped from the start of each run [s] (convention: dynamics and heart
#: rate settle during the first minutes).
WARMUP_S = 300.0
#: Runs shorter than this [s] of moving time drop only a fraction of their length...
SHORT_RUN_S = 900.0
#: ...this fraction (1/3, so the rule is continuous: 1/3 of 15 min = 5 min), instead of
#: WARMUP_S, so a short run is never dropped entirely.
SHORT_RUN_WARMUP_FRACTION = WARMUP_S / SHORT_RUN_S
#: A gap between two samples longer than this [s] is a pause (auto-pause, stop at a
#: light): the sample after it is excluded, and the gap does not count as moving time.
#: Convention: Garmin "smart recording" writes a sample at least every ~8 s while moving.
PAUSE_GAP_S = 10.0

# --- a run that was walked ---------------------------------------------------------
#: A run whose steady samples are walking is not summarised as running form: its median
#: steady speed is under this [m/s]: the preferred walk-run transition speed, ~2.0 m/s
#: (Hreljac A, Med Sci Sports Exerc 1993;25:1158-1162; "commonly ~2.1 m/s", Hum Mov Sci
#: 2023;90:103117)...
WALKING_MEDIAN_SPEED_M_S = 2.0
#: ...and its median cadence under this [steps/min]: adults change from walking to
#: running near 140 steps/min (gait classified 91 % right by it: Hum Mov Sci
#: 2023;90:103117; J Sports Sci 2021;39:1039-1045); walking at moderate intensity starts
#: near 100 steps/min (Tudor-Locke C et al., Br J Sports Med 2018;52:776-788). Both must
#: hold (heavylegs convention): a slow jog under 2 m/s keeps a running cadence, and a
#: brisk walk may pass 2 m/s.
WALKING_MEDIAN_CADENCE_SPM = 140.0

# --- the metrics ------------------------------------------------------------------
#: Short names used in output column names -> sample column (unit in the column name);
#: defined in columns.py, where baseline.py names them too.
FORM_METRICS = C.FORM_METRICS
#: Metrics whose within-run drift is reported.
DRIFT_METRICS = (C.FORM_GCT_MS, C.FORM_VO_MM, C.FORM_CADENCE_SPM)

NO_DYNAMICS_GPX = "no running dynamics in this file (GPX carries none)"
NO_GCT = "device recorded no ground contact time"
NO_STEADY = (
    f"no steady running with ground contact time (all samples at or below {WALK_SPEED_M_S} m/s, "
    "in the warm-up, or after pauses)"
)

# --- population bands ---------------------------------------------------------------
# BAND_NAMES and the GCT / VO / VR / cadence band edges (Garmin's percentile colour zones
# with Runalyze's edges) are defined, with their sources, in bands.py (imported above),
# which the report's charts import without pandas.
#: Ground contact time balance [% left]: green inside this range (Garmin/Runalyze)...
GCT_BALANCE_GREEN_PCT = (49.2, 50.7)
#: ...orange between green and these outer edges, red beyond them.
GCT_BALANCE_OUTER_PCT = (47.7, 52.2)

# --- drift ------------------------------------------------------------------------------
#: Fewest seconds of steady running for a first-third/last-third comparison
#: (convention: at least ~3 min per third).
MIN_DRIFT_STEADY_S = 600.0


def only_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Rows that are runs (all rows when there is no ``is_run`` column), as they are
    (unlike load.runs_only: duplicates kept, no column added, order unchanged)."""
    return runs[runs[C.IS_RUN].astype(bool)] if C.IS_RUN in runs.columns else runs


def device_of(runs: pd.DataFrame) -> np.ndarray:
    """The device that recorded each run (C.DEVICE): manufacturer, product and
    '#serial', those the activity table gives, e.g. 'garmin fr920xt #3892803602'; ""
    when it gives none, and for a GPX file (its creator is the app that wrote it, not
    the device)."""
    maker, product, serial = (
        runs[col].fillna("").astype(str).tolist() if col in runs else [""] * len(runs)
        for col in (C.MANUFACTURER, C.PRODUCT, C.DEVICE_SERIAL)
    )
    if C.FORMAT in runs:
        gpx = (runs[C.FORMAT] == "gpx").to_numpy()
        maker = [m if not g else "" for m, g in zip(maker, gpx, strict=True)]
    labels = [
        " ".join(p for p in (m, pr, f"#{s}" if s else "") if p) for m, pr, s in zip(maker, product, serial, strict=True)
    ]
    return np.array(labels, dtype=object)


def _clean_samples(runs: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """Samples of the given runs only, sorted, with non-positive dynamics as NaN
    (a 0 ms contact time or 0 steps/min is a standing watch, not a measurement)."""
    keep = [C.ACTIVITY_ID, C.TIMESTAMP, C.SPEED_M_S, C.HEART_RATE_BPM, *FORM_METRICS.values()]
    s = samples.loc[samples[C.ACTIVITY_ID].isin(runs[C.ACTIVITY_ID]), [c for c in keep if c in samples.columns]]
    s = s.reindex(columns=keep).sort_values([C.ACTIVITY_ID, C.TIMESTAMP], kind="stable").reset_index(drop=True)
    for col in FORM_METRICS.values():
        s[col] = s[col].astype("float64").where(s[col] > 0)
    return s


def steady_samples(runs: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """The samples of ``runs`` that are steady running.

    Steady: faster than WALK_SPEED_M_S, not the first sample after a gap longer than
    PAUSE_GAP_S, and past the warm-up (WARMUP_S of moving time, or
    SHORT_RUN_WARMUP_FRACTION of the run's moving time for runs under SHORT_RUN_S).

    Parameters
    ----------
    runs : DataFrame
        Activity table rows of runs (``activity_id`` used).
    samples : DataFrame
        Sample table; rows of other activities are ignored.

    Returns
    -------
    DataFrame
        The steady samples (activity_id, timestamp, speed [m/s], heart rate [bpm] and
        the dynamics columns, non-positive dynamics as NaN) plus ``moving_s``: moving
        time since the start of the run [s], and ``dt_s``: time since the previous
        sample [s].
    """
    s = _clean_samples(only_runs(runs), samples)
    t = pd.to_datetime(s[C.TIMESTAMP], utc=True).dt.as_unit("ns").astype("int64") / 1e9
    dt = t.groupby(s[C.ACTIVITY_ID]).diff()
    gap = dt > PAUSE_GAP_S
    moving_dt = dt.where(~gap, 0.0).fillna(0.0)
    moving = moving_dt.groupby(s[C.ACTIVITY_ID]).cumsum()
    total = moving.groupby(s[C.ACTIVITY_ID]).transform("max")
    warmup = np.where(total < SHORT_RUN_S, total * SHORT_RUN_WARMUP_FRACTION, WARMUP_S)
    steady = (s[C.SPEED_M_S] > WALK_SPEED_M_S) & ~gap & (moving >= warmup)
    return s.assign(**{C.MOVING_S: moving, C.DT_S: moving_dt})[steady.to_numpy()].reset_index(drop=True)


def _reasons(runs: pd.DataFrame, samples: pd.DataFrame, steady: pd.DataFrame) -> pd.Series:
    """form_reason per run (index activity_id): empty when there is a summary."""
    ids = runs[C.ACTIVITY_ID]
    has_gct = samples.loc[samples[C.STANCE_TIME_MS] > 0, C.ACTIVITY_ID].unique() if len(samples) else []
    steady_gct = steady.loc[steady[C.STANCE_TIME_MS].notna(), C.ACTIVITY_ID].unique()
    fmt = runs[C.FORMAT] if C.FORMAT in runs else pd.Series("fit", index=runs.index)
    reason = np.select(
        [fmt.eq("gpx").to_numpy(), ~ids.isin(has_gct).to_numpy(), ~ids.isin(steady_gct).to_numpy()],
        [NO_DYNAMICS_GPX, NO_GCT, NO_STEADY],
        default="",
    )
    return pd.Series(reason, index=ids.to_numpy())


def form_summary(runs: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """Median and interquartile range of each running-dynamics metric over steady running.

    Parameters
    ----------
    runs : DataFrame
        Activity table rows of runs (``History.runs``): activity_id, start_utc,
        start_local, format. Pass runs only: a walk with dynamics is not a run.
    samples : DataFrame
        Sample table (``History.samples``).

    Returns
    -------
    DataFrame
        One row per run, in the order of ``runs`` (rows whose ``is_run`` is False, such
        as a walk with dynamics, are dropped): activity_id, start_utc, start_local,
        device (device_of); for each metric ``median_<m>`` and ``iqr_<m>`` (75th minus 25th percentile) with
        m in gct_ms [ms], vo_mm [mm], vr_pct [%], cadence_spm [steps/min],
        step_length_mm [mm], gct_balance_pct [% left]; ``median_speed_m_s`` [m/s] of the
        same steady samples; ``steady_s`` [s] of steady running; ``form_reason``: why the
        dynamics are NaN ("" when they are not). Dynamics are NaN, never 0, where the
        file carries none, and every form metric (cadence too) is NaN for a run whose
        steady samples are walking (median speed under WALKING_MEDIAN_SPEED_M_S and
        median cadence under WALKING_MEDIAN_CADENCE_SPM).
    """
    runs = only_runs(runs)
    steady = steady_samples(runs, samples)
    g = steady.groupby(C.ACTIVITY_ID)
    cols = list(FORM_METRICS.values())
    q = g[cols].quantile([0.25, 0.5, 0.75])
    out = pd.DataFrame(index=pd.Index(runs[C.ACTIVITY_ID].to_numpy(), name=C.ACTIVITY_ID))
    for short, col in FORM_METRICS.items():
        wide = q[col].unstack() if len(q) else pd.DataFrame(columns=[0.25, 0.5, 0.75])
        out[C.form_column(C.MEDIAN, short)] = wide[0.5].reindex(out.index).astype("float64")
        out[C.form_column(C.IQR, short)] = (wide[0.75] - wide[0.25]).reindex(out.index).astype("float64")
    out[C.MEDIAN_SPEED_M_S] = g[C.SPEED_M_S].median().reindex(out.index).astype("float64")
    out[C.STEADY_S] = g[C.DT_S].sum().reindex(out.index).fillna(0.0).astype("float64")
    reason = _reasons(runs, samples, steady).reindex(out.index)
    dyn = [C.form_column(p, m) for m in FORM_METRICS if m != C.FORM_CADENCE_SPM for p in (C.MEDIAN, C.IQR)]
    # GPX carries no dynamics: NaN whatever a converter may have written. A FIT file
    # without ground contact time keeps what it did record (e.g. COROS step length).
    out.loc[(reason == NO_DYNAMICS_GPX).to_numpy(), dyn] = np.nan
    out[C.FORM_REASON] = reason.to_numpy()
    _not_running_form(out)
    out = out.reset_index()
    out.insert(1, C.START_UTC, runs[C.START_UTC].to_numpy())
    out.insert(2, C.START_LOCAL, runs[C.START_LOCAL].to_numpy() if C.START_LOCAL in runs else pd.NaT)
    out.insert(3, C.DEVICE, device_of(runs))
    return out


def _not_running_form(out: pd.DataFrame) -> None:
    """Clear the form metrics of the rows (of form_summary, by activity_id) whose steady
    samples are walking: median speed under WALKING_MEDIAN_SPEED_M_S and median cadence
    under WALKING_MEDIAN_CADENCE_SPM; their form_reason says so, with the numbers."""
    speed = out[C.MEDIAN_SPEED_M_S]
    cadence = out[C.form_column(C.MEDIAN, C.FORM_CADENCE_SPM)]
    walking = (speed < WALKING_MEDIAN_SPEED_M_S) & (cadence < WALKING_MEDIAN_CADENCE_SPM)
    if not walking.any():
        return
    metrics = [C.form_column(p, m) for m in FORM_METRICS for p in (C.MEDIAN, C.IQR)]
    reasons = [
        f"steady samples are walking (median {v:.1f} m/s, {c:.0f} steps/min): no running form"
        for v, c in zip(speed[walking], cadence[walking], strict=True)
    ]
    out.loc[walking, metrics] = np.nan
    out.loc[walking, C.FORM_REASON] = reasons


def _band(values: pd.Series, edges: tuple[float, ...]) -> pd.Series:
    """Band name of each value; edges best to worst (ascending or descending)."""
    v = values.to_numpy(dtype="float64")
    e = np.asarray(edges)
    # A value on an edge goes to the worse band (edges as upper limits of better bands).
    idx = np.searchsorted(e, v, side="right") if e[0] < e[-1] else np.searchsorted(-e, -v, side="right")
    names = np.asarray(BAND_NAMES, dtype=object)[np.minimum(idx, len(BAND_NAMES) - 1)]
    return pd.Series(np.where(np.isnan(v), None, names), index=values.index, dtype=object)


def _balance_band(values: pd.Series) -> pd.Series:
    v = values.to_numpy(dtype="float64")
    lo, hi = GCT_BALANCE_GREEN_PCT
    olo, ohi = GCT_BALANCE_OUTER_PCT
    band = np.select([np.isnan(v), (v >= lo) & (v <= hi), (v >= olo) & (v <= ohi)], [None, "green", "orange"], "red")
    return pd.Series(band, index=values.index, dtype=object)


def form_bands(summary: pd.DataFrame) -> pd.DataFrame:
    """Garmin's population colour band of each run's median, per metric.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`form_summary`.

    Returns
    -------
    DataFrame
        activity_id and ``band_gct``, ``band_vo``, ``band_vr``, ``band_cadence``,
        ``band_gct_balance``: 'purple', 'blue', 'green', 'orange' or 'red' (balance:
        'green', 'orange', 'red'); missing (test with ``pandas.isna``) where the
        median is NaN.
    """

    def median(metric: str) -> pd.Series:
        return summary[C.form_column(C.MEDIAN, metric)]

    return pd.DataFrame(
        {
            C.ACTIVITY_ID: summary[C.ACTIVITY_ID].to_numpy(),
            C.BAND_GCT: _band(median(C.FORM_GCT_MS), GCT_BAND_EDGES_MS).to_numpy(),
            C.BAND_VO: _band(median(C.FORM_VO_MM), VO_BAND_EDGES_MM).to_numpy(),
            C.BAND_VR: _band(median(C.FORM_VR_PCT), VR_BAND_EDGES_PCT).to_numpy(),
            C.BAND_CADENCE: _band(median(C.FORM_CADENCE_SPM), CADENCE_BAND_EDGES_SPM).to_numpy(),
            C.BAND_GCT_BALANCE: _balance_band(median(C.FORM_GCT_BALANCE_PCT)).to_numpy(),
        }
    )


def form_drift(runs: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """Change within a run: last third against first third of its steady running.

    Thirds are by steady moving time. Dynamics compare medians; heart rate at pace
    compares mean heart rate / mean speed (as in Friel's aerobic decoupling).

    Parameters
    ----------
    runs : DataFrame
        Activity table rows of runs (rows whose ``is_run`` is False are dropped).
    samples : DataFrame
        Sample table.

    Returns
    -------
    DataFrame
        One row per run: activity_id; ``drift_gct_ms`` [ms], ``drift_vo_mm`` [mm],
        ``drift_cadence_spm`` [steps/min] (last-third median minus first-third median);
        ``drift_hr_per_speed_pct`` [%]: change of (mean HR / mean speed) from the first
        to the last third, positive when heart rate at pace rose; ``steady_s`` [s];
        ``drift_reason`` (why NaN, "" otherwise).
    """
    runs = only_runs(runs)
    steady = steady_samples(runs, samples)
    aid = steady[C.ACTIVITY_ID]
    clock = steady[C.DT_S].groupby(aid).cumsum()
    total = clock.groupby(aid).transform("max")
    frac = clock / total.where(total > 0)
    third = pd.Series(np.select([frac <= 1 / 3, frac > 2 / 3], ["first", "last"], ""), index=steady.index)
    parts = steady[third != ""].assign(third=third[third != ""])
    cols = [FORM_METRICS[m] for m in DRIFT_METRICS]
    g = parts.groupby([C.ACTIVITY_ID, "third"])
    med = g[cols].median().unstack("third")
    means = g[[C.HEART_RATE_BPM, C.SPEED_M_S]].mean().unstack("third")
    index = pd.Index(runs[C.ACTIVITY_ID].to_numpy(), name=C.ACTIVITY_ID)
    out = pd.DataFrame(index=index)

    def part(frame: pd.DataFrame, col: str, which: str) -> pd.Series:
        key = (col, which)
        return frame[key].reindex(index) if key in frame.columns else pd.Series(np.nan, index=index)

    for m in DRIFT_METRICS:
        col = FORM_METRICS[m]
        out[C.form_column(C.DRIFT, m)] = (part(med, col, "last") - part(med, col, "first")).astype("float64")
    ratio_first = part(means, C.HEART_RATE_BPM, "first") / part(means, C.SPEED_M_S, "first")
    ratio_last = part(means, C.HEART_RATE_BPM, "last") / part(means, C.SPEED_M_S, "last")
    out[C.DRIFT_HR_PER_SPEED_PCT] = ((ratio_last / ratio_first - 1.0) * 100.0).astype("float64")
    out[C.STEADY_S] = steady.groupby(C.ACTIVITY_ID)[C.DT_S].sum().reindex(index).fillna(0.0)
    short = out[C.STEADY_S] < MIN_DRIFT_STEADY_S
    drift_cols = [*(C.form_column(C.DRIFT, m) for m in DRIFT_METRICS), C.DRIFT_HR_PER_SPEED_PCT]
    out.loc[short, drift_cols] = np.nan
    out[C.DRIFT_REASON] = np.select(
        [short.to_numpy(), out[C.form_column(C.DRIFT, C.FORM_GCT_MS)].isna().to_numpy()],
        [
            f"less than {MIN_DRIFT_STEADY_S / 60:g} min of steady running (above {WALK_SPEED_M_S} m/s)",
            "no ground contact time in the steady running (heart rate at pace only)",
        ],
        "",
    )
    return out.reset_index()
