"""One cache entry as one file (cache/entryfile.py, cache/store.py): every table reads back
as the frame parquet gave before (the reference: pyarrow's parquet writer and reader),
and a damaged or cut file is never taken for an entry."""

from __future__ import annotations

import hashlib
import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analyzer.cache import compact, entryfile
from analyzer.cache.layout import CacheLayout
from analyzer.cache.parquet import to_arrow, write_parquet
from analyzer.cache.store import Store
from analyzer.importers import decode

from .conftest import SAMPLE


def _parquet_roundtrip(frame: pd.DataFrame) -> pd.DataFrame:
    sink = io.BytesIO()
    write_parquet(frame, sink)
    return pd.read_parquet(io.BytesIO(sink.getvalue()))


@pytest.fixture(scope="module")
def decoded():
    path = sorted((SAMPLE / "activities").glob("*_long.fit"))[0]
    data = path.read_bytes()
    return decode(data, path.name, hashlib.sha256(data).hexdigest())


def test_tables_read_back_as_parquet_gave_them(tmp_path, decoded):
    store = Store(CacheLayout(tmp_path, "t", "t"))
    sha = "ab" * 32
    tables = {"activities": decoded.activities, "samples": decoded.samples, "weights": decoded.weights}
    meta = store.put(sha, {"kind": "activity", "note": "n", "reason": ""}, tables)
    assert meta["tables"] == ["activities", "samples"]  # an empty table is left out
    assert store.meta(sha) == meta
    for name in ("activities", "samples"):
        pd.testing.assert_frame_equal(store.table(sha, name), _parquet_roundtrip(tables[name]), check_exact=True)
    assert store.table(sha, "weights").empty and not store.has_table(sha, "weights")
    assert store.shas() == [sha]
    # A table added later (a newer features version) joins the entry; the others stay.
    store.add_table(sha, "features_vX", decoded.activities[["activity_id"]])
    assert store.meta(sha)["tables"] == ["activities", "features_vX", "samples"]
    pd.testing.assert_frame_equal(store.table(sha, "samples"), _parquet_roundtrip(decoded.samples), check_exact=True)


def test_large_tables_are_narrowed_small_ones_not(decoded):
    samples, acts = to_arrow(decoded.samples), to_arrow(decoded.activities)
    cells = [t.num_rows * t.num_columns for t in (samples, acts)]
    assert cells[0] > entryfile.COMPRESS_CELLS > cells[1]
    data = entryfile.pack({"sha256": "x"}, {"samples": samples, "activities": acts})
    meta, back = entryfile.unpack(data)
    assert meta == {"sha256": "x"}
    assert back["samples"].equals(samples) and back["activities"].equals(acts)
    # Narrowed (cache/compact.py): the file is well under the arrow size of its tables
    # (measured ~4x); the small table is stored as it is.
    assert len(data) < 0.4 * (samples.nbytes + acts.nbytes)
    header, start = entryfile._header(data)
    stored = {
        name: pa.ipc.open_stream(pa.py_buffer(data).slice(start + offset, size)).read_all()
        for name, (offset, size) in header["tables"].items()
    }
    assert stored["activities"].schema == acts.schema
    assert stored["samples"].schema.metadata == {compact.ENCODING_KEY: b"1"}


def test_several_entries_read_as_one_table_with_columns_unified(tmp_path):
    store = Store(CacheLayout(tmp_path, "t", "t"))
    a = pd.DataFrame({"activity_id": ["a-0", "a-0"], "x": [1.0, np.nan]})
    b = pd.DataFrame({"activity_id": ["b-0"], "x": [3.0], "dev:power": [250.0]})
    store.put("a" * 64, {}, {"samples": a})
    store.put("b" * 64, {}, {"samples": b})
    both = store.tables(["a" * 64, "b" * 64], "samples")
    assert list(both.columns) == ["activity_id", "x", "dev:power"]
    assert both["x"].tolist()[::2] == [1.0, 3.0] and np.isnan(both["x"][1])
    assert np.isnan(both["dev:power"][:2]).all() and both["dev:power"][2] == 250.0
    only_b = store.tables(["a" * 64, "b" * 64], "samples", wanted={"b-0"})
    assert only_b["activity_id"].tolist() == ["b-0"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: b"",
        lambda d: d[:7],
        lambda d: b"PAR1" + d[4:],
        lambda d: d[: len(d) // 2],  # cut short: a table runs past the end
        lambda d: d[:12] + b"{not json" + d[21:],
    ],
)
def test_a_damaged_entry_is_no_entry(tmp_path, damage, decoded):
    store = Store(CacheLayout(tmp_path, "t", "t"))
    sha = "cd" * 32
    store.put(sha, {"kind": "activity"}, {"samples": decoded.samples})
    path = store.path(sha)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(entryfile.BadEntry):
        entryfile.unpack(path.read_bytes())
    assert store.arrow(sha, "samples") is None
    assert store.meta(sha) is None  # so the file is decoded again and its entry written anew
    store.put(sha, {"kind": "activity"}, {"samples": decoded.samples})
    assert store.arrow(sha, "samples").num_rows == len(decoded.samples)


def test_read_meta_reads_only_the_header(tmp_path):
    table = pa.table({"activity_id": ["x"] * 100_000})
    path = tmp_path / "e.entry"
    path.write_bytes(entryfile.pack({"sha256": "s", "kind": "activity"}, {"samples": table}))
    with open(path, "r+b") as fh:  # damage the table, not the length: the header still reads
        fh.seek(-100, 2)
        fh.write(b"\0" * 100)
    assert entryfile.read_meta(path) == {"sha256": "s", "kind": "activity"}
    with pytest.raises(entryfile.BadEntry):
        entryfile.unpack(path.read_bytes())


@pytest.mark.parametrize("index", [{"samples": "x"}, {"samples": [0]}, {"samples": [-1, 5]}, ["samples"]])
def test_a_header_whose_table_index_is_damaged_is_no_entry(tmp_path, index):
    """Valid JSON with a table index that is not name: [offset, length]: BadEntry (the
    store reads it as no entry), never another exception out of the cache."""
    header = json.dumps({"meta": {"sha256": "s"}, "tables": index}).encode()
    data = entryfile.MAGIC + len(header).to_bytes(4, "little") + header
    path = tmp_path / "e.entry"
    path.write_bytes(data)
    for read in (lambda: entryfile.unpack(data), lambda: entryfile.read_meta(path)):
        with pytest.raises(entryfile.BadEntry):
            read()


def test_an_entry_is_written_when_its_folder_was_removed_meanwhile(tmp_path):
    """A store makes each entry folder once; one removed since (the cache cleared by
    another process) is made again for the next entry written into it."""
    import shutil

    store = Store(CacheLayout(tmp_path, "t", "t"))
    frame = pd.DataFrame({"activity_id": ["a-0"], "x": [1.0]})
    store.put("ab" + "0" * 62, {}, {"samples": frame})
    folder = store._file("ab" + "0" * 62).rsplit("/", 1)[0]
    shutil.rmtree(folder)
    store.put("ab" + "1" * 62, {"kind": "activity"}, {"samples": frame})
    assert store.meta("ab" + "1" * 62)["kind"] == "activity"
    assert store.tables(["ab" + "1" * 62], "samples")["x"].tolist() == [1.0]
