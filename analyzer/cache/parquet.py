"""Frames to and from parquet: arrow columns without pandas metadata, no statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C


def to_arrow(frame: pd.DataFrame, nan_as_null: bool = True):
    """A frame as an arrow table, column by column: Table.from_pandas spends more on its
    pandas metadata than on the data for the small tables of one file, and the tables
    read back as the same frames without it (tests/test_cache_features.py).
    ``nan_as_null=False`` keeps NaN as a float value (the column is not scanned, and
    a contiguous one is not copied): it reads back to pandas as the same NaN."""
    import pyarrow as pa

    def column(values: pd.Series):
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiub":
            # numpy numbers: no inference
            return pa.array(values.to_numpy(), from_pandas=nan_as_null or values.dtype.kind != "f")
        return pa.array(values, from_pandas=True)

    return pa.table({str(c): column(v) for c, v in frame.items()})


def write_parquet(frame, path) -> None:
    """A frame (or an arrow table) as parquet, without index and without column
    statistics (every read takes whole tables; filters apply after the read)."""
    import pyarrow.parquet as pq

    table = frame if not isinstance(frame, pd.DataFrame) else to_arrow(frame)
    pq.write_table(table, path, write_statistics=False)


def arrow_rows(tables: list, wanted: set[str] | None = None) -> pd.DataFrame:
    """Several arrow tables as one frame: their columns unified (developer fields differ
    between files; a column missing from a table is null there), rows filtered to the
    activity ids in ``wanted`` when given, converted to pandas once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not tables:
        return pd.DataFrame()
    table = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
    if wanted is not None:
        table = table.filter(pc.is_in(table[C.ACTIVITY_ID], value_set=pa.array(sorted(wanted), pa.string())))
    return table.to_pandas()


def concat(frames: list) -> pd.DataFrame:
    """Frames and arrow tables as one frame (arrow tables joined first, converted once);
    empty ones are left out."""
    import pyarrow as pa

    frames = [f for f in frames if f is not None and len(f)]
    tables = [f for f in frames if isinstance(f, pa.Table)]
    frames = [f for f in frames if not isinstance(f, pa.Table)]
    if tables:
        frames.append(pa.concat_tables(tables, promote_options="permissive").to_pandas())
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)


def parquet_bytes(frame) -> bytes:
    """A frame (or an arrow table) as the bytes of a parquet file (write_parquet's)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    write_parquet(frame, sink)
    return sink.getvalue().to_pybytes()
