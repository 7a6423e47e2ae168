"""Narrower columns for a cache entry's large tables (cache/compact.py): every table of
the sample and real files reads back bit for bit, each encoding is checked on values
worked by hand, and what no encoding reads back exactly (-0.0, a NaN of other bits,
infinity, mixed scales, out of range) is kept as it was."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pytest

from analyzer.cache import compact, entryfile
from analyzer.cache.layout import CacheLayout
from analyzer.cache.parquet import to_arrow
from analyzer.cache.store import Store
from analyzer.ingest import pool
from tests.test_columnar import files  # noqa: F401 - the fixture


def _bits(column) -> tuple[np.ndarray, np.ndarray]:
    """(null flags, the 64-bit patterns with nulls as 0) of a float column."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    nulls = array.is_null().to_numpy(zero_copy_only=False)
    return nulls, array.fill_null(0.0).to_numpy().view(np.int64)


def assert_same(table, back) -> None:
    """``back`` is ``table``: schema, and each float column's bits (NaN, -0.0)."""
    assert back.schema == table.schema
    assert back.schema.metadata == table.schema.metadata
    for name in table.column_names:
        if pa.types.is_floating(table.schema.field(name).type):
            for a, b in zip(_bits(table[name]), _bits(back[name]), strict=True):
                np.testing.assert_array_equal(a, b, err_msg=name)
        else:
            assert back[name].combine_chunks().equals(table[name].combine_chunks()), name


def _stored(table):
    """(the encoded table, what an entry file reads back)."""
    data = entryfile.pack({}, {"t": table})
    return compact.encode(table), entryfile.unpack(data)[1]["t"]


def test_every_table_of_the_sample_and_real_files_reads_back_bit_for_bit(files):  # noqa: F811
    encodings = set()
    for *_x, d in files:
        for name in ("activities", "samples", "weights", "wellness"):
            frame = getattr(d, name)
            if not len(frame):
                continue
            for nan_as_null in (False, True):
                table = to_arrow(frame, nan_as_null)
                encoded = compact.encode(table)
                assert_same(table, compact.decode(encoded))
                assert_same(table, _stored(table)[1])
                encodings |= {f.metadata[compact.ENCODING_KEY] for f in encoded.schema if f.metadata}
    # The sample files alone use the decimal scales, FIT's positions and altitude, runs
    # of activity ids and columns of NaN only.
    for name in (b"scale:1.0:0.0", b"scale:100.0:0.0", b"scale:semicircles:0.0", b"scale:5.0:500.0", b"runs", b"nan"):
        assert name in encodings


def test_encodings_worked_by_hand():
    cases = {
        # FIT enhanced_speed (mm/s, scale 1000), a missing reading as null
        "speed": ([2.867, 3.0, np.nan, 0.001], pa.int16(), [2867, 3000, None, 1], b"scale:1000.0:0.0"),
        # FIT positions: degrees = semicircles x 180 / 2^31
        "lat": (
            np.array([565_010_000, -1, 0]) * (180.0 / 2**31),
            pa.int32(),
            [565_010_000, -1, 0],
            b"scale:semicircles:0.0",
        ),
        # FIT altitude: raw / 5 - 500 m
        "alt": (np.array([0, 2500, 2501, 3000]) / 5.0 - 500.0, pa.int16(), [0, 2500, 2501, 3000], b"scale:5.0:500.0"),
        # distance in cm / 100: beyond int16, so int32
        "dist": ([0.0, 10_442.43, 20_000_000.0], pa.int32(), [0, 1_044_243, 2_000_000_000], b"scale:100.0:0.0"),
    }
    for name, (values, kind, ints, encoding) in cases.items():
        t = pa.table({name: np.asarray(values, dtype=np.float64)})
        encoded, back = _stored(t)
        field = encoded.schema.field(name)
        assert field.type == kind and field.metadata[compact.ENCODING_KEY] == encoding, name
        assert encoded[name].to_pylist() == ints, name
        assert_same(t, back)
    ids = pa.table({"id": pa.array(["a-0"] * 5 + ["a-1"] * 3, pa.large_string()), "nan": np.full(8, np.nan)})
    encoded, back = _stored(ids)
    assert encoded.schema.field("nan").type == pa.null()
    assert encoded["id"].combine_chunks().run_ends.to_pylist() == [5, 8]
    assert_same(ids, back)


@pytest.mark.parametrize(
    "values",
    [
        [-0.0, 1.0, 2.0],  # -0.0 would read back as 0.0
        [np.inf, 1.0, 2.0],
        [1.0, 2.0, 1e12],  # beyond int32
        [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625, 1 / 3],  # no scale
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.12345],  # 10^5, after CHECKS_AT_MOST failed scales
    ],
)
def test_what_no_encoding_reads_back_exactly_is_kept(values):
    t = pa.table({"x": np.array(values)})
    encoded, back = _stored(t)
    assert encoded.schema.field("x").type == pa.float64()
    assert_same(t, back)


def test_a_nan_of_other_bits_is_kept_with_its_bits():
    odd = np.array([0x7FF8000000000001], dtype=np.int64).view(np.float64)[0]
    for values in ([1.0, odd, 2.0], [odd, odd]):
        t = pa.table({"x": np.array(values)})
        encoded, back = _stored(t)
        assert encoded.schema.field("x").type == pa.float64()
        assert_same(t, back)


def test_entries_of_a_batch_read_back_as_the_files_samples(files, tmp_path):  # noqa: F811
    layout = CacheLayout(tmp_path, "t", "t")
    items = [(label, data, sha) for label, data, sha, _d in files[:24]]
    results = pool.decode_chunk(items, layout)
    store = Store(layout)
    checked = 0
    for (label, data, sha), r in zip(items, results, strict=True):
        _meta, decoded = pool.decode_one(label, data, hashlib.sha256(data).hexdigest())
        assert r["sha256"] == sha
        if decoded is None or decoded.kind != "activity" or not len(decoded.samples):
            continue
        assert_same(to_arrow(decoded.samples, False), store.arrow(sha, "samples"))
        checked += 1
    assert checked >= 10


def test_text_runs_are_the_runs_encode_makes():
    """text_runs (a batch's activity ids, made from the distinct strings) is what
    encode makes of the plain column: runs when there are at most one per RUNS_AT_MOST
    rows (equal neighbours one run), else the plain column; and reads back as it."""
    import pyarrow.compute as pc

    cases = [(["a", "a", "b"], [4, 4, 8]), (["x"], [5]), (["a", "b", "c"], [1, 1, 1]), (["a", "b"], [3, 1])]
    for values, counts in cases:
        plain = pa.array(np.repeat(values, counts).tolist(), pa.large_string())
        got = compact.text_runs(values, counts)
        table = pa.table({"id": plain})
        encoded = compact.encode(table)
        assert got.equals(encoded["id"].chunk(0)), (values, counts)
        made = compact.encode(pa.table({"id": got}))
        assert made.schema == encoded.schema
        assert_same(table, compact.decode(made))
    runs = compact.text_runs(["a", "a", "b"], [4, 4, 8])
    assert runs.run_ends.to_pylist() == [8, 16] and runs.values.to_pylist() == ["a", "b"]
    assert pc.run_end_decode(runs).to_pylist() == ["a"] * 8 + ["b"] * 8
    assert compact.text_runs(["a", "b"], [3, 1]).to_pylist() == ["a", "a", "a", "b"]  # 2 runs > 4 // 4


def test_a_batch_of_column_held_files_is_stored_as_its_frame_would_be(files):  # noqa: F811
    """The worker's sample table made from the files' columns (pool._columns_table, no
    frame) encodes to the bytes the frame's table encodes to."""
    from analyzer.importers.columnar import batch_columns, batch_samples

    decoded = [d for *_x, d in files]
    alike: dict[tuple, list] = {}
    for d in decoded:
        columns = batch_columns([d])
        if columns is not None:
            alike.setdefault(tuple(columns.names), []).append(d)
    compared = 0
    for group in alike.values():
        for part in ([group[0]], group[:16]):
            columns = batch_columns(part)
            expected = compact.encode(to_arrow(batch_samples(part), False))
            got = compact.encode(pool._columns_table(columns))
            assert got.schema.equals(expected.schema, check_metadata=True)
            assert entryfile.pack({}, {"s": got}) == entryfile.pack({}, {"s": expected})
            compared += 1
    assert compared >= 4
