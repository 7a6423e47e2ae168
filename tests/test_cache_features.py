"""Per-run features cached at import, the cache's catalog, and the vectorised
pace-adjusted baseline (issue 8): each gives what the direct computation gives."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer import read_history
from analyzer.features import baseline, dynamics, per_run
from analyzer.features import load as L
from analyzer.ingest import open_cache

from .conftest import SAMPLE


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[C.FILE_SHA256], errors="ignore")
    return frame.sort_values(C.ACTIVITY_ID).reset_index(drop=True)


def test_cached_features_equal_the_features_of_the_samples(sample_history):
    """What the import workers computed per batch of files equals form_summary and
    efficiency computed over the whole history's samples at once."""
    runs = sample_history.runs
    samples = sample_history.load_samples(runs[C.ACTIVITY_ID])
    cached, hist = sample_history.run_features(runs[C.ACTIVITY_ID])
    assert len(cached) == len(runs)
    direct = dynamics.form_summary(runs, samples).drop(columns=[C.START_UTC, C.START_LOCAL, C.DEVICE])
    got = _by_id(cached)[list(direct.columns)]
    pd.testing.assert_frame_equal(got, _by_id(direct), check_exact=False, rtol=1e-12)
    eff = L.efficiency(samples, runs)
    pd.testing.assert_frame_equal(per_run.efficiency_of(cached).sort_index(), eff.sort_index(), rtol=1e-12)
    # The histogram holds every heart-rate sample of the runs.
    assert hist["samples"].sum() == samples[C.HEART_RATE_BPM].notna().sum()


def test_trimp_from_the_histogram_equals_the_sum_over_samples(sample_history):
    """Banister TRIMP summed sample by sample here (HRmax the 99.9th percentile of the
    samples, numpy) against trimp() from the cached heart-rate histograms."""
    runs = sample_history.runs.iloc[:12]
    samples = sample_history.load_samples(runs[C.ACTIVITY_ID])
    _, hist = sample_history.run_features(runs[C.ACTIVITY_ID])
    hr_max = float(np.nanpercentile(samples[C.HEART_RATE_BPM], 99.9))
    got = L.trimp(histogram=hist)
    for aid, s in samples.groupby(C.ACTIVITY_ID):
        s = s.sort_values(C.TIMESTAMP)
        gap = s[C.TIMESTAMP].diff().dt.total_seconds()
        minutes = gap.where(gap <= L.PAUSE_S, 0.0).fillna(0.0) / 60.0
        hrr = ((s[C.HEART_RATE_BPM] - L.DEFAULT_HR_REST) / (hr_max - L.DEFAULT_HR_REST)).clip(0, 1)
        want = float(np.nansum(minutes * hrr * 0.64 * np.exp(1.92 * hrr)))
        assert got[aid] == pytest.approx(want, rel=1e-9)


def _sample_folder(tmp_path, n: int):
    """A folder with the first ``n`` FIT files of the sample season, and a cache path."""
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted((SAMPLE / "activities").glob("*.fit"))[:n]:
        shutil.copy(p, folder / p.name)
    return folder, tmp_path / "cache"


def test_warm_read_uses_the_catalog_and_equals_the_cold_read(tmp_path):
    folder, cache = _sample_folder(tmp_path, 24)
    cold = read_history([folder], cache=cache, workers=2, progress=False)
    assert cold.decoded == 24
    catalog = cache / "catalog"
    assert any(catalog.rglob("activities.parquet"))
    warm = read_history([folder], cache=cache, workers=2, progress=False)
    assert warm.decoded == 0
    pd.testing.assert_frame_equal(warm.all_activities, cold.all_activities)
    pd.testing.assert_frame_equal(_by_id(warm.features), _by_id(cold.features))
    # Without the catalog, the entries give the same tables (and the catalog comes back).
    shutil.rmtree(catalog)
    again = read_history([folder], cache=cache, workers=1, progress=False)
    pd.testing.assert_frame_equal(again.all_activities, cold.all_activities)
    pd.testing.assert_frame_equal(_by_id(again.features), _by_id(cold.features))
    assert any(catalog.rglob("activities.parquet"))


def test_features_missing_from_the_cache_are_computed_again(tmp_path):
    """An entry without feature tables (a newer features version, an older cache) gets
    them from its cached samples: the same values, and they are stored."""
    folder, cache = _sample_folder(tmp_path, 6)
    cold = read_history([folder], cache=cache, workers=1, progress=False)
    shutil.rmtree(cache / "catalog")
    opened = open_cache(cache)
    layout = opened.layout
    assert _drop_tables(opened.store, {layout.features_table, layout.hr_table}) == 12
    again = read_history([folder], cache=cache, workers=1, progress=False)
    assert again.decoded == 0
    pd.testing.assert_frame_equal(_by_id(again.features), _by_id(cold.features), rtol=1e-12)
    pd.testing.assert_frame_equal(_by_id(again.hr_hist), _by_id(cold.hr_hist), rtol=1e-12)
    assert sum(open_cache(cache).store.has_table(sha, layout.features_table) for sha in opened.store.shas()) == 6


def _drop_tables(store, names: set[str]) -> int:
    """Rewrite every entry of ``store`` without the tables ``names`` (an older cache's
    entries, or a features version bumped); returns how many tables were dropped."""
    from analyzer.cache import entryfile

    dropped = 0
    for sha in store.shas():
        meta, tables = entryfile.unpack(store.path(sha).read_bytes())
        kept = {k: v for k, v in tables.items() if k not in names}
        dropped += len(tables) - len(kept)
        meta["tables"] = sorted(kept)
        store.path(sha).write_bytes(entryfile.pack(meta, kept))
    return dropped


def _theil_sen_loop(x, y, lo, hi):
    out = []
    for a, b in zip(lo, hi, strict=True):
        icpt, slope = baseline.theil_sen(x[a:b], y[a:b])
        resid = y[a:b] - (icpt + slope * x[a:b])
        out.append((icpt, slope, float(np.median(np.abs(resid - np.median(resid))))))
    return np.array(out)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_windowed_theil_sen_equals_one_fit_per_window(seed, monkeypatch):
    """Many windows at once (in small blocks, to use the blocking) against theil_sen
    window by window; ties in x (equal paces) and even and odd window sizes included."""
    rng = np.random.default_rng(seed)
    n = 300
    x = np.round(rng.uniform(2.5, 4.5, n), 1)  # paces repeat: pairs with dx = 0
    y = 300 - 20 * x + rng.normal(0, 5, n)
    lo = rng.integers(0, n - 20, 80)
    hi = lo + rng.integers(1, 20, 80)
    monkeypatch.setattr(baseline, "WINDOW_BLOCK_ELEMENTS", 500)
    got = np.column_stack(baseline.theil_sen_windows(x, y, lo, hi))
    np.testing.assert_array_equal(got, _theil_sen_loop(x, y, lo, hi))
    # All paces equal: slope 0, intercept the median.
    same = np.full(9, 3.0)
    a, b, _ = baseline.theil_sen_windows(same, y[:9], np.array([0]), np.array([9]))
    assert (b[0], a[0]) == (0.0, float(np.median(y[:9])))
    assert [len(r) for r in baseline.theil_sen_windows(x, y, np.array([], int), np.array([], int))] == [0, 0, 0]


def test_kept_baseline_results_equal_a_fresh_computation(sample_history, tmp_path, monkeypatch):
    """analyzer.ingest.kept_baseline keeps each run's pace-adjusted result under a key
    naming its window: a later history that adds runs reuses the untouched runs' results
    and recomputes the rest, and every row equals a computation from scratch."""
    from analyzer.ingest import kept_baseline

    runs = sample_history.runs
    feats, _ = sample_history.run_features(runs[C.ACTIVITY_ID])
    summary = per_run.form_summary_of(feats, runs)
    part = summary.drop(index=range(40, 60)).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        kept_baseline.pace_adjusted_form(part, open_cache(tmp_path)), baseline.pace_adjusted_form(part)
    )

    fitted = []
    real = baseline.pace_adjusted_form

    def counting(*args, only=None, **kwargs):
        fitted.append(int(np.sum(only)) if only is not None else len(args[0]))
        return real(*args, only=only, **kwargs)

    monkeypatch.setattr(baseline, "pace_adjusted_form", counting)
    got = kept_baseline.pace_adjusted_form(summary, open_cache(tmp_path))
    # The 40 runs before the gap kept their windows; the 20 added runs are new.
    assert 20 <= fitted[-1] <= len(summary) - 40
    pd.testing.assert_frame_equal(got, real(summary))
    again = kept_baseline.pace_adjusted_form(summary, open_cache(tmp_path))
    assert fitted[-1] == 0
    pd.testing.assert_frame_equal(again, real(summary))


def test_kept_baseline_key_names_the_devices(sample_history, tmp_path):
    """A run's kept result depends on the device of every run of its window (a run is
    compared only with runs of its device): relabelling one window run's device changes
    the keys of the runs whose windows hold it, and a kept result is not reused for them."""
    from analyzer.ingest import kept_baseline

    runs = sample_history.runs
    feats, _ = sample_history.run_features(runs[C.ACTIVITY_ID])
    summary = per_run.form_summary_of(feats, runs)
    # One watch recorded every FIT run (the 4 GPX runs name the app that wrote them: no known device).
    assert set(summary[C.DEVICE]) == {"garmin 4024 #3345678901", ""}
    args = (baseline.BASELINE_WINDOW_DAYS, baseline.MIN_BASELINE_RUNS)
    before = kept_baseline.window_keys(summary, *args)
    order = summary[C.START_UTC].sort_values(kind="stable").index
    changed = summary.copy()
    changed.loc[order[30], C.DEVICE] = "garmin fr965 #7"
    after = kept_baseline.window_keys(changed, *args)
    t = summary[C.START_UTC]
    holds = (t > t[order[30]]) & (t <= t[order[30]] + pd.Timedelta(days=baseline.BASELINE_WINDOW_DAYS))
    assert ((before != after) == (holds | (summary.index == order[30]))).all()
    kept_baseline.pace_adjusted_form(summary, open_cache(tmp_path))
    pd.testing.assert_frame_equal(
        kept_baseline.pace_adjusted_form(changed, open_cache(tmp_path)), baseline.pace_adjusted_form(changed)
    )


def test_cache_tables_read_back_as_written(tmp_path):
    """cache.parquet.write_parquet (arrow columns, no pandas metadata) then pandas.read_parquet
    gives back the decoder's frames exactly: values, dtypes, column order."""
    from analyzer.cache.parquet import write_parquet
    from analyzer.importers import decode

    for path in sorted((SAMPLE / "activities").iterdir())[:3] + sorted((SAMPLE / "activities").glob("*.gpx"))[:1]:
        decoded = decode(path.read_bytes(), path.name, "f" * 64)
        feats, hist = per_run.compute(decoded.activities, decoded.samples)
        for name, frame in (("s", decoded.samples), ("a", decoded.activities), ("f", feats), ("h", hist)):
            write_parquet(frame, tmp_path / f"{name}.parquet")
            pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"), frame, check_exact=True)


def test_a_few_new_files_are_decoded_without_worker_processes(tmp_path, monkeypatch):
    """The run synced today is decoded in this process: starting workers costs more."""
    import analyzer.ingest.pool as H

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started for a few files")

    monkeypatch.setattr(H, "ProcessPoolExecutor", no_pool)
    folder = tmp_path / "in"
    folder.mkdir()
    runs = sorted((SAMPLE / "activities").glob("*_easy.fit"))[: H.IN_PROCESS_FILES]
    for p in runs:
        shutil.copy(p, folder / p.name)
    h = read_history([folder], cache=tmp_path / "cache", workers=2, progress=False)
    assert h.decoded == len(runs) == H.IN_PROCESS_FILES
    assert len(h.runs) == len(runs) and h.features["activity_id"].nunique() == len(runs)


def test_a_new_features_version_over_a_warm_catalog_computes_them_again(tmp_path, monkeypatch):
    """Every entry in the catalog, none with the features of the new version: they are
    computed from the cached samples (found by a session that bumped the version: the
    activity rows then come from the catalog alone)."""
    import analyzer.ingest.history as H

    folder, cache = _sample_folder(tmp_path, 4)
    cold = read_history([folder], cache=cache, workers=1, progress=False)
    monkeypatch.setattr(H, "RUN_FEATURES_VERSION", "999-test")
    again = read_history([folder], cache=cache, workers=1, progress=False)
    assert again.decoded == 0
    pd.testing.assert_frame_equal(_by_id(again.features), _by_id(cold.features), rtol=1e-12)
    store = open_cache(cache).store
    assert sum(store.has_table(sha, "features_v999-test") for sha in store.shas()) == 4
