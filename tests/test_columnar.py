"""The fast path's column-held files (importers/columnar.py) and the batch tables the
worker makes of them (ingest/pool.py): the same frames, values and types as the
per-file frames concatenated (pd.concat is the reference), and the same summaries as
the pandas functions give."""

from __future__ import annotations

import hashlib
import pickle
import platform
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer.cache.layout import CacheLayout
from analyzer.importers import decode
from analyzer.importers.base import choose_offset, has_dynamics, summarise
from analyzer.importers.columnar import ColumnDecoded, SampleColumns, batch_activities, batch_columns, batch_samples
from analyzer.ingest import pool
from tests.conftest import REAL
from tests.test_run_kernels import SAMPLE, _in_batches


def _activity_files(paths) -> list:
    """(label, bytes, sha256, Decoded) of the activity files among ``paths``."""
    out = []
    for path in paths:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        try:
            d = decode(data, path.name, sha)
        except Exception:  # noqa: BLE001 - a file that does not decode is not this test's
            continue
        if d.kind == "activity":
            out.append((path.name, data, sha, d))
    return out


@pytest.fixture(scope="module")
def files() -> list:
    paths = sorted(SAMPLE.iterdir())
    if REAL.is_dir():
        paths += sorted([*(REAL / "fit").iterdir(), *(REAL / "other").glob("*.fit"), *(REAL / "gpx").iterdir()])[::3]
    return _activity_files(paths)


def test_most_fit_files_are_held_as_columns(files):
    kinds = [(label.endswith(".fit"), isinstance(d, ColumnDecoded)) for label, *_x, d in files]
    fit = [held for is_fit, held in kinds if is_fit]
    assert len(fit) >= 15 and sum(fit) >= 0.9 * len(fit)
    assert not any(held for is_fit, held in kinds if not is_fit)  # GPX files keep frames


def test_batch_frames_are_the_files_frames_concatenated(files):
    decoded = [d for *_x, d in files]
    batches = [[d] for d in decoded[:10]]
    for size, seed in ((4, 1), (16, 2), (len(decoded), 3)):
        batches += _in_batches(decoded, size, seed)
    only_columns = [d for d in decoded if isinstance(d, ColumnDecoded)]
    batches += _in_batches(only_columns, 16, 4)
    held = 0
    for part in batches:
        acts, same_units = batch_activities(part)
        samples = batch_samples(part)
        # The reference: each file's own frames (a ColumnDecoded makes them from its
        # columns when asked), concatenated as pandas does.
        expected = pd.concat([d.activities for d in part], ignore_index=True)
        pd.testing.assert_frame_equal(acts, expected, check_exact=True)
        if same_units:  # each file's own frame has the batch's time units
            for d in part:
                assert d.activities[C.START_UTC].dtype == acts[C.START_UTC].dtype
        frames = [d.samples for d in part if len(d.samples)]
        expected = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        pd.testing.assert_frame_equal(samples, expected, check_exact=True)
        columns = batch_columns(part)
        if columns is not None:  # what the worker holds instead of the frame
            pd.testing.assert_frame_equal(columns.frame(), expected, check_exact=True)
            held += 1
    assert held >= 10


def test_chunk_results_travel_as_their_batch_tables(files, tmp_path):
    """decode_chunk's results pickled (worker to main process) come back equal, each
    file's tables rebuilt from the batch's tables sent once."""
    items = [(label, data, sha) for label, data, sha, _d in files[:16]]
    results = pool.decode_chunk(items, CacheLayout(tmp_path / "cache", "x", "y"))
    data = pickle.dumps(results)
    back = pickle.loads(data)
    assert [r["sha256"] for r in back] == [sha for _l, _d, sha in items]
    for a, b in zip(results, back, strict=True):
        assert a.keys() == b.keys()
        for key, value in a.items():
            assert value.equals(b[key]) if hasattr(value, "equals") else value == b[key]
    # Each result pickled on its own would carry its batch's whole tables (a slice pickles
    # its parent): sent once, the results are several times smaller.
    assert len(data) * 4 < sum(len(pickle.dumps(dict(r))) for r in results)


@pytest.mark.parametrize("seed", range(6))
def test_summaries_of_columns_are_those_of_frames(seed):
    """summarise, has_dynamics and choose_offset give the same on SampleColumns as on the
    frame, and the average heart rate is pandas' mean to the last bit."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 4000))
    columns = {name: rng.normal(100, 40, n) for name in C.NUMERIC_SAMPLE_COLUMNS}
    for values in columns.values():
        values[rng.random(n) < rng.choice([0.0, 0.3, 1.0])] = np.nan
    columns[C.LATITUDE_DEG] = np.where(np.arange(n) < rng.integers(0, n + 1), np.nan, 52.37 + rng.random(n))
    columns[C.LONGITUDE_DEG] = np.full(n, 4.89)
    ns = 1_700_000_000 * 10**9 + np.arange(n, dtype=np.int64) * 10**9
    part = SampleColumns("a-0", ns, columns)
    frame = part.frame()
    assert list(frame.columns) == part.names
    hr = frame[C.HEART_RATE_BPM]
    for sport in ("running", "cycling"):
        got, want = summarise(part, sport), summarise(frame, sport)
        assert got.keys() == want.keys()
        for key in got:
            assert got[key] == want[key] or (np.isnan(got[key]) and np.isnan(want[key]))
        assert has_dynamics(part, sport) == has_dynamics(frame, sport)
        if hr.notna().any():
            assert got[C.AVG_HR] == float(hr.mean())
    start = pd.Timestamp(ns[0], tz="UTC")
    assert choose_offset(3600.0, "device", part, start) == choose_offset(3600.0, "device", frame, start)


WORKER_FAULTS = """
import resource, sys
import numpy as np
if sys.argv[1] == "worker":
    from analyzer.ingest.pool import worker_start
    worker_start()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    batch = [np.ones(2**17) for _ in range(8)]  # 8 MiB held, then freed, as a batch's arrays are
    del batch
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_a_decoding_worker_keeps_freed_memory_for_the_next_batch():
    """pool.worker_start: a worker reuses freed memory instead of giving it back and
    faulting it in afresh (8 MiB of arrays held and freed 50 times: by default glibc
    trims the freed heap each time, 256 page faults a MiB on the next batch)."""
    faults = {
        who: int(
            subprocess.run(
                [sys.executable, "-c", WORKER_FAULTS, who], capture_output=True, text=True, check=True
            ).stdout
        )
        for who in ("default", "worker")
    }
    assert faults["default"] > 50 * 8 * 200  # ~256 a MiB, every time
    assert faults["worker"] < faults["default"] / 20


def test_each_feature_row_gets_its_activitys_file():
    """pool._with_owner: a row's file_sha256 is its activity's file (the last row of an
    id listed twice, as a mapping by id gives), in the activity table's text type."""
    from analyzer.tables import repeated_text

    acts = pd.DataFrame(
        {
            C.ACTIVITY_ID: repeated_text(["r1", "r2", "r3"], [1, 1, 1]),
            C.FILE_SHA256: repeated_text(["s1", "s2", "s2"], [1, 1, 1]),
        }
    )
    feats = pd.DataFrame({C.ACTIVITY_ID: ["r2", "r1"]})
    hist = pd.DataFrame({C.ACTIVITY_ID: ["r3", "r3", "r1"]})
    pool._with_owner(acts, feats, hist)
    assert feats[C.FILE_SHA256].tolist() == ["s2", "s1"]
    assert hist[C.FILE_SHA256].tolist() == ["s2", "s2", "s1"]
    assert feats[C.FILE_SHA256].dtype == acts[C.FILE_SHA256].dtype == hist[C.FILE_SHA256].dtype
    twice = pd.DataFrame({C.ACTIVITY_ID: ["r1", "r2", "r1"], C.FILE_SHA256: ["s1", "s2", "s9"]})
    feats = pd.DataFrame({C.ACTIVITY_ID: ["r1", "r2"]})
    pool._with_owner(twice, feats)
    assert feats[C.FILE_SHA256].tolist() == ["s9", "s2"]
