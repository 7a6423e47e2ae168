"""Per-run features on numpy columns (features/run_numpy.py over run_kernels.py, what
per_run.compute runs) against the pandas path they replace (per_run.compute_reference:
dynamics.form_summary merged with load.efficiency, and load.hr_histogram): the same two
frames, bit for bit (columns, order, dtypes, rows, values), on every sample and real
activity file, alone and in batches as the import workers make them, on made awkward
runs, and on batches altered so that every branch of the kernels is taken (sums that
are not exact in float64, rows out of order)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer.features import per_run, run_kernels, run_numpy
from analyzer.importers import decode
from analyzer.importers.columnar import batch_columns
from tests.conftest import REAL, requires_real
from tests.fitmake import Leg, fit_bytes, run

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "activities"
T0 = dt.datetime(2024, 5, 4, 8, 0, 0)


def _decoded(paths) -> list:
    """The activity files among ``paths`` that decode, decoded (others skipped)."""
    out = []
    for path in paths:
        data = path.read_bytes()
        try:
            d = decode(data, path.name, hashlib.sha256(data).hexdigest())
        except Exception:  # noqa: BLE001 - a file that does not decode is not this test's
            continue
        if hasattr(d, "samples") and C.ACTIVITY_ID in d.samples:
            out.append(d)
    return out


def _batch(decoded: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The activities and samples of several files, concatenated as ingest.pool does."""
    acts = pd.concat([d.activities for d in decoded], ignore_index=True)
    frames = [d.samples for d in decoded if len(d.samples)] or [decoded[0].samples]
    return acts, pd.concat(frames, ignore_index=True)


def _same(acts: pd.DataFrame, samples: pd.DataFrame, mirrored: bool = True) -> None:
    """per_run.compute gives what the pandas path gives, and (``mirrored``) by numpy."""
    expected = per_run.compute_reference(acts, samples)
    if mirrored:
        assert run_numpy.compute(acts, samples) is not None
    got = per_run.compute(acts, samples)
    for g, e in zip(got, expected, strict=True):
        pd.testing.assert_frame_equal(g, e, check_exact=True)


def _same_from_columns(decoded: list) -> bool:
    """When every file of ``decoded`` is held as columns of one shape (as the import
    workers batch them: columnar.batch_columns), the features computed from those
    columns, without a sample frame, are the pandas path's. Whether they were."""
    columns = batch_columns(decoded)
    if columns is None:
        return False
    acts, samples = _batch(decoded)
    expected = per_run.compute_reference(acts, samples)
    fast = run_numpy.compute(acts, columns)
    assert fast is not None
    for got in (fast, per_run.compute(acts, columns)):
        for g, e in zip(got, expected, strict=True):
            pd.testing.assert_frame_equal(g, e, check_exact=True)
    return True


def _in_batches(decoded: list, size: int, seed: int) -> list[list]:
    order = np.random.default_rng(seed).permutation(len(decoded))
    return [[decoded[i] for i in order[k : k + size]] for k in range(0, len(order), size)]


@pytest.fixture(scope="module")
def sample_files() -> list:
    return _decoded(sorted(SAMPLE.iterdir()))


@pytest.fixture(scope="module")
def real_files() -> list:
    if not REAL.is_dir():
        pytest.skip(f"{REAL} is absent")
    paths = [*(REAL / "fit").iterdir(), *(REAL / "gpx").iterdir(), *(REAL / "other").glob("*.fit")]
    return _decoded(sorted(paths))


def test_every_sample_file_alone_and_in_batches(sample_files):
    assert len(sample_files) >= 20
    assert {d.activities[C.FORMAT].iloc[0] for d in sample_files} == {"fit", "gpx"}
    assert not all(d.activities[C.IS_RUN].all() for d in sample_files)  # strength sessions too
    for d in sample_files:
        _same(d.activities, d.samples)
    from_columns = 0
    for size, seed in ((5, 1), (16, 2)):
        for part in _in_batches(sample_files, size, seed):
            _same(*_batch(part))
        fit = [d for d in sample_files if d.activities[C.FORMAT].iloc[0] == "fit"]
        from_columns += sum(_same_from_columns(part) for part in _in_batches(fit, size, seed))
    assert from_columns >= 3


@requires_real
def test_every_real_file_alone_and_in_batches(real_files):
    assert len(real_files) >= 100
    for d in real_files:
        _same(d.activities, d.samples)
    for part in _in_batches(real_files, 16, 3):
        _same(*_batch(part))
    held = [d for d in real_files if batch_columns([d]) is not None]
    assert sum(_same_from_columns([d]) for d in held) >= 30
    # Batches of files with the same sample columns (one watch's files, as a history has).
    alike: dict[tuple, list] = {}
    for d in held:
        alike.setdefault(tuple(batch_columns([d]).names), []).append(d)
    batches = [part for group in alike.values() if len(group) > 1 for part in _in_batches(group, 16, 4)]
    assert sum(_same_from_columns(part) for part in batches) >= 3


# --- made runs: each awkward case of the pandas code ---------------------------------------


def _varying(leg: Leg, seed: int) -> Leg:
    """``leg`` with speed, cadence, heart rate and ground contact that vary from second to
    second (quartiles between two values, many heart-rate bins)."""
    rng = np.random.default_rng(seed)
    n = len(leg.t)
    leg.speed = leg.speed + rng.normal(0, 0.25, n)
    leg.cadence = np.round(leg.cadence + rng.normal(0, 2, n))
    if leg.heart_rate is not None:
        leg.heart_rate = np.round(leg.heart_rate + rng.normal(0, 6, n))
    leg.stance_time = np.round(250 + rng.normal(0, 12, n), 1)
    return leg


def _paused(seconds: int, pauses: tuple[tuple[int, int], ...], seed: int) -> Leg:
    """A 1 Hz run with the watch stopped ``pauses`` ((at [s], for [s]), ...)."""
    t = np.arange(seconds + 1, dtype=float)
    for at, length in pauses:
        t[t >= at] += length
    n = len(t)
    return _varying(Leg("running", t, np.full(n, 3.1), np.full(n, 84.0), np.full(n, 148.0)), seed)


def _made_files() -> list:
    """An hour's run; a run without heart rate; a walked "run"; a run with pauses; a
    10-minute run (warm-up: a third of it); a run, a ride and a run in one file."""
    hour = _varying(run(2400, speed=3.3, hr=152), 1)
    no_hr = _varying(run(1800, speed=3.0), 2)
    no_hr.heart_rate = None
    walk = _varying(run(1200, speed=1.8, cadence=58, hr=105), 3)
    walk.speed = np.clip(walk.speed, 1.65, 1.95)  # steady (> 1.6 m/s) but walked
    ten = _varying(run(600, speed=3.5, hr=160), 4)
    ride_t = 700 + np.arange(1201, dtype=float)
    ride = Leg("cycling", ride_t, np.full(1201, 8.0), np.full(1201, 80.0), np.full(1201, 135.0))
    legs = [
        [hour],
        [no_hr],
        [walk],
        [_paused(2400, ((600, 40), (1500, 300)), 5)],
        [ten],
        [_varying(run(600, hr=150), 6), ride, _varying(run(600, t0=2000, hr=155), 7)],
    ]
    out = []
    for i, leg in enumerate(legs):
        data = fit_bytes(leg, T0 + dt.timedelta(days=i))
        out.append(decode(data, f"made{i}.fit", hashlib.sha256(data).hexdigest()))
    return out


@pytest.fixture(scope="module")
def made_files() -> list:
    return _made_files()


def test_made_runs_alone_and_together(made_files):
    feats, _ = per_run.compute(*_batch(made_files))
    reasons = feats[C.FORM_REASON].tolist()
    assert reasons[0] == "" and reasons[2].startswith("steady samples are walking")
    assert feats[C.EF_M_PER_BEAT].isna().tolist()[:3] == [False, True, False]
    assert list(_batch(made_files)[0][C.SPORT]).count("cycling") == 1
    for d in made_files:
        _same(d.activities, d.samples)
    _same(*_batch(made_files))


def test_a_run_without_samples_and_samples_of_no_activity(made_files, sample_files):
    acts, samples = _batch(made_files + sample_files[:3])
    gone = acts[C.ACTIVITY_ID].iloc[0]
    stray = samples[samples[C.ACTIVITY_ID] == gone].head(100).assign(**{C.ACTIVITY_ID: "not in the batch"})
    altered = pd.concat([stray, samples[samples[C.ACTIVITY_ID] != gone]], ignore_index=True)
    _same(acts, altered)
    feats, _ = per_run.compute(acts, altered)
    assert feats.loc[0, C.STEADY_S] == 0.0 and feats.loc[0, C.FORM_REASON] == run_numpy.D.NO_GCT


def _sample(files: list, stem: str):
    return next(d for d in files if d.activities[C.SOURCE].iloc[0].startswith(stem))


EDGES = {
    "no activities": lambda run, other: (run.activities.iloc[:0], run.samples),
    "only another sport": lambda run, other: (other.activities, other.samples),
    "a run without samples beside another sport": lambda run, other: (
        pd.concat([run.activities, other.activities], ignore_index=True),
        other.samples,
    ),
    "no heart rate": lambda run, other: (run.activities, run.samples.assign(**{C.HEART_RATE_BPM: np.nan})),
    "heart rate 0": lambda run, other: (run.activities, run.samples.assign(**{C.HEART_RATE_BPM: 0.0})),
    "one heart rate": lambda run, other: (run.activities, run.samples.assign(**{C.HEART_RATE_BPM: 140.0})),
    "no speed": lambda run, other: (run.activities, run.samples.assign(**{C.SPEED_M_S: np.nan})),
    "one sample": lambda run, other: (run.activities, run.samples.iloc[:1]),
    "two samples": lambda run, other: (run.activities, run.samples.iloc[:2]),
    "no is_run nor format": lambda run, other: (run.activities.drop(columns=[C.IS_RUN, C.FORMAT]), run.samples),
}


@pytest.mark.parametrize("edge", EDGES)
def test_edge_inputs(edge, sample_files):
    run, other = _sample(sample_files, "2026-05-14_1845_easy"), _sample(sample_files, "2026-05-11_1830_strength")
    assert run.activities[C.IS_RUN].all() and not other.activities[C.IS_RUN].any()
    _same(*EDGES[edge](run, other))


# --- altered batches: the kernels' other branches -------------------------------------------


def _altered(acts: pd.DataFrame, samples: pd.DataFrame, how: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    s, a = samples.copy(), acts.copy()
    if how == "milliseconds":  # steps that are not whole seconds: sums that are not exact
        s[C.TIMESTAMP] = s[C.TIMESTAMP] + pd.to_timedelta(rng.integers(0, 1000, len(s)), unit="ms")
    elif how == "shuffled":  # rows out of order: activities interleaved, time not sorted
        s = s.iloc[rng.permutation(len(s))].reset_index(drop=True)
    elif how == "files reversed":  # activities' samples in the other order than their codes
        ids = pd.unique(s[C.ACTIVITY_ID])
        s = pd.concat([s[s[C.ACTIVITY_ID] == i] for i in ids[::-1]], ignore_index=True)
    elif how == "fractions":  # heart rates and temperatures that are not integers
        s[C.HEART_RATE_BPM] = s[C.HEART_RATE_BPM] + rng.choice([0.0, 0.5, 0.3], len(s))
        s[C.TEMPERATURE_C] = s[C.TEMPERATURE_C] + 0.1
    elif how == "activities reversed":
        a = a.iloc[::-1].reset_index(drop=True)
    elif how == "microseconds, no time zone":
        s[C.TIMESTAMP] = s[C.TIMESTAMP].dt.as_unit("us").dt.tz_localize(None)
    elif how == "repeated samples":
        s = pd.concat([s, s.sample(frac=0.1, random_state=seed)], ignore_index=True)
    elif how == "pauses":
        s[C.TIMESTAMP] = s[C.TIMESTAMP] + pd.to_timedelta(np.cumsum(rng.random(len(s)) < 0.01) * 15, unit="s")
    return a, s


ALTERATIONS = (
    "milliseconds",
    "shuffled",
    "files reversed",
    "fractions",
    "activities reversed",
    "microseconds, no time zone",
    "repeated samples",
    "pauses",
)


@pytest.mark.parametrize("how", ALTERATIONS)
def test_altered_batches(how, sample_files, made_files):
    for seed, part in enumerate(_in_batches(sample_files + made_files, 9, 4)):
        _same(*_altered(*_batch(part), how, seed))


def test_steps_of_milliseconds_are_summed_by_pandas(sample_files):
    """The altered batch does reach the pandas sums (steps that are not whole seconds)."""
    acts, samples = _altered(*_batch(sample_files[:4]), "milliseconds", 0)
    b = run_numpy.batch(acts, samples)
    assert not run_kernels.is_exact(run_numpy.moving_dt(b))
    assert run_kernels.is_exact(run_numpy.moving_dt(run_numpy.batch(*_batch(sample_files[:4]))))


def test_inputs_not_mirrored_take_the_pandas_path(sample_files):
    acts, samples = _batch(sample_files[:3])
    nat = samples.copy()
    nat.loc[5, C.TIMESTAMP] = pd.NaT
    assert run_numpy.compute(acts, nat) is None
    _same(acts, nat, mirrored=False)
    assert run_numpy.compute(acts, samples.iloc[:0]) is None
    _same(acts, samples.iloc[:0], mirrored=False)
    twice = pd.concat([acts, acts[acts[C.IS_RUN]].iloc[:1]], ignore_index=True)
    assert run_numpy.compute(twice, samples) is None
    _same(twice, samples, mirrored=False)
    assert len(per_run.compute(twice, samples)[0]) == twice[C.IS_RUN].sum()  # a row per run listed


# --- the kernels against pandas' groupby -------------------------------------------------------


def _groups(rng, ngroups: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted group codes (some groups empty) and their starts."""
    sizes = rng.integers(0, 200, ngroups)
    sizes[rng.integers(0, ngroups)] = 1
    codes = np.repeat(np.arange(ngroups), sizes)
    return codes, run_kernels.starts_of(codes, ngroups)


@pytest.mark.parametrize("seed", range(6))
def test_quantiles_and_median_are_pandas(seed):
    rng = np.random.default_rng(seed)
    codes, starts = _groups(rng, 7)
    block = np.round(rng.normal(250, 20, (3, len(codes))), 1)  # ties, as recorded values have
    block[0, rng.random(len(codes)) < 0.2] = np.nan
    block[1, codes == 3] = np.nan
    quant, median = run_kernels.quantiles_and_median(block, starts, (0.25, 0.5, 0.75))
    present = np.unique(codes)
    for i, row in enumerate(block):
        g = pd.Series(row).groupby(codes)
        q = g.quantile([0.25, 0.5, 0.75]).unstack()
        np.testing.assert_array_equal(quant[present, i, :], q.to_numpy())
        np.testing.assert_array_equal(median[present, i], g.median().to_numpy())
    assert np.isnan(quant[np.setdiff1d(np.arange(7), present)]).all()
    # Sorted in place (the import's form features): the same figures, each group's rows sorted.
    scratch = block.copy()
    again = run_kernels.quantiles_and_median(scratch, starts, (0.25, 0.5, 0.75), in_place=True)
    for got, want in zip(again, (quant, median), strict=True):
        np.testing.assert_array_equal(got, want)
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        np.testing.assert_array_equal(scratch[:, a:b], np.sort(block[:, a:b], axis=1))


@pytest.mark.parametrize("seed", range(6))
def test_sums_and_cumsum_are_pandas(seed):
    rng = np.random.default_rng(seed)
    codes, starts = _groups(rng, 9)
    for values in (rng.normal(0, 1, len(codes)) / 7, rng.integers(0, 5, len(codes)).astype("float64")):
        expected = pd.Series(values).groupby(codes)
        present = np.unique(codes)
        np.testing.assert_array_equal(run_kernels.cumsum(values, starts), expected.cumsum().to_numpy())
        for kw in ({}, {"starts": starts}):
            np.testing.assert_array_equal(run_kernels.sums(values, codes, 9, **kw)[present], expected.sum().to_numpy())
            got = run_kernels.sums(values, codes, 9, mean=True, **kw)[present]
            np.testing.assert_array_equal(got, expected.mean().to_numpy())
        shuffled = rng.permutation(len(codes))  # pandas sums other than in sorted groups
        got = run_kernels.sums(values, codes, 9, order=shuffled)[present]
        np.testing.assert_array_equal(got, pd.Series(values[shuffled]).groupby(codes[shuffled]).sum().to_numpy())


def test_is_exact():
    assert run_kernels.is_exact(np.array([1.0, 2.0, np.nan, 0.0]))
    assert not run_kernels.is_exact(np.array([1.0, 0.5]))
    assert not run_kernels.is_exact(np.array([1.0, -0.0]))
    assert not run_kernels.is_exact(np.array([2.0**52, 2.0**52]))
    assert not run_kernels.is_exact(np.array([np.inf]))
