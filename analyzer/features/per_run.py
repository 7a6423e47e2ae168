"""Per-run features: everything the detectors need from a run's samples, computed once
per run and cached beside its imported samples, so an analysis never reloads them.

A run's features depend on its own samples only (the cross-run work, such as the
pace-adjusted baseline and the maximal heart rate for TRIMP, is done later on these
small tables), so they are computed where the samples already are: in the import
workers, a batch of files at a time (vectorised over the batch).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from ..tables import activity_frame
from . import dynamics, load, run_numpy

#: Bump when what compute or load.hr_histogram returns changes: cached feature
#: tables of another version are recomputed from the cached samples. (4: heart-rate
#: histograms of every activity, not only runs: other sports' TRIMP.)
RUN_FEATURES_VERSION = "4"

#: Columns of the efficiency part (load.efficiency).
EFFICIENCY_COLUMNS = run_numpy.EFFICIENCY_COLUMNS


def compute(activities: pd.DataFrame, samples) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(run features of the runs of ``activities``, heart-rate histogram of all of them).

    Run features: one row per run, the columns of dynamics.form_summary (without
    start_utc, start_local and device, which the activity table holds) and of load.efficiency
    (NaN for a run without moving heart-rate samples). Heart-rate histogram:
    load.hr_histogram of every activity, runs and other sports (what TRIMP needs: the
    weekly table's other_sports_trimp is the other sports' TRIMP).

    Parameters
    ----------
    activities : activity rows (runs are picked by ``is_run``).
    samples : the samples of those activities (others are ignored): a frame, or
        their columns (importers.columnar.BatchColumns, whose frame is made only for
        compute_reference).

    Computed on numpy columns (run_numpy.py: the same frames, bit for bit, at a fraction
    of the cost), or by compute_reference for inputs that path does not mirror.
    """
    fast = run_numpy.compute(activities, samples)
    if fast is not None:
        return fast
    return compute_reference(activities, samples if isinstance(samples, pd.DataFrame) else samples.frame())


def compute_reference(activities: pd.DataFrame, samples: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """compute, by the pandas functions themselves (form_summary, efficiency,
    hr_histogram): what run_numpy.compute must give, and the path for inputs it does
    not mirror.

    The runs are grouped by integer codes while the work is done: on a batch of a few
    files, grouping by the activity_id strings costs more than the arithmetic.
    """
    runs = dynamics.only_runs(activities)
    # Runs first, so that a run's code is the same among the runs and among them all.
    run_ids = pd.unique(runs[C.ACTIVITY_ID].to_numpy(dtype=object))
    all_ids = activities[C.ACTIVITY_ID].to_numpy(dtype=object)
    ids = np.asarray(pd.unique(np.concatenate([run_ids, all_ids])), dtype=object)
    index = pd.Index(ids)
    code = index.get_indexer(samples[C.ACTIVITY_ID].to_numpy(dtype=object))
    coded_all = samples[code >= 0].assign(**{C.ACTIVITY_ID: code[code >= 0]})
    coded = coded_all[coded_all[C.ACTIVITY_ID].to_numpy() < len(run_ids)]
    coded_runs = runs.assign(**{C.ACTIVITY_ID: index.get_indexer(runs[C.ACTIVITY_ID].to_numpy(dtype=object))})
    summary = dynamics.form_summary(coded_runs, coded).drop(columns=[C.START_UTC, C.START_LOCAL, C.DEVICE])
    eff = load.efficiency(coded).reindex(columns=list(EFFICIENCY_COLUMNS)).astype("float64")
    features = summary.merge(eff, left_on=C.ACTIVITY_ID, right_index=True, how="left")
    hist = load.hr_histogram(coded_all)
    features[C.ACTIVITY_ID] = ids[features[C.ACTIVITY_ID].to_numpy(dtype="int64")]
    hist[C.ACTIVITY_ID] = ids[hist[C.ACTIVITY_ID].to_numpy(dtype="int64")]
    return features, hist


def features_from_samples(activities: pd.DataFrame, samples: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """compute(activities, samples), where sample columns
    the frame lacks count as not recorded."""
    full = [C.ACTIVITY_ID, C.TIMESTAMP, *C.NUMERIC_SAMPLE_COLUMNS]
    samples = samples.reindex(columns=[*full, *[c for c in samples.columns if c not in full]])
    samples[C.TIMESTAMP] = pd.to_datetime(samples[C.TIMESTAMP], utc=True)
    return compute(activities, samples)


def empty() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(run features, heart-rate histogram) with their columns and no rows."""
    return features_from_samples(activity_frame([]), pd.DataFrame())


def unavailable(activities: pd.DataFrame, samples: pd.DataFrame, reason: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(run features, heart-rate histogram) for runs whose samples could not be used:
    one row per run, every figure NaN, ``form_reason`` = ``reason``."""
    feats, hist = compute(activities, samples.iloc[:0])
    feats[C.FORM_REASON] = reason
    return feats, hist


def efficiency_of(features: pd.DataFrame) -> pd.DataFrame:
    """load.efficiency's frame (indexed by activity_id, runs with heart rate only)
    from a run-features table (compute)."""
    rows = features[features[C.MOVING_S].notna()]
    return rows.set_index(C.ACTIVITY_ID)[list(EFFICIENCY_COLUMNS)]


def form_summary_of(features: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """dynamics.form_summary's frame for ``runs`` (in their order) from a run-features
    table."""
    cols = [c for c in features.columns if c not in EFFICIENCY_COLUMNS]
    runs = dynamics.only_runs(runs)
    head = runs[[C.ACTIVITY_ID, C.START_UTC, C.START_LOCAL]].assign(**{C.DEVICE: dynamics.device_of(runs)})
    out = head.merge(features[cols], on=C.ACTIVITY_ID, how="left")
    return out[[C.ACTIVITY_ID, C.START_UTC, C.START_LOCAL, C.DEVICE, *[c for c in cols if c != C.ACTIVITY_ID]]]
