"""A cache entry's large tables in narrower columns that read back bit for bit.

A run's samples are float64 columns whose values a watch recorded as small integers
with a scale (FIT: speed in mm/s, distance in cm, positions in semicircles; GPX and
TCX: decimal text), the id of its activity on every row, and columns no sample has
(NaN throughout). Stored as they are, a one-hour run is ~560 KB, and compressing it
(LZ4) cost more CPU than decoding the FIT file (benchmarks/README.md, issue 20).
Stored here as:

* ``scale``: a float64 column whose every value is ``integer / s - o`` (or ``integer
  * k``) for one of ENCODINGS, as int16 or int32 integers, NaN as null;
* ``nan``: a float64 column of NaN only, as a null column;
* ``runs``: a text column as runs of equal values (Arrow's run-end encoding).

Each is kept only when the column computed back from it equals the original bit for
bit (``-0.0``, a NaN's bits: anything else keeps the column as it was), so reading an
entry gives the table that was written. A field's ``ENCODING_KEY`` metadata names its
encoding; a table without such fields is read as it is (an entry written before).
"""

from __future__ import annotations

import math

import numpy as np

#: Field metadata naming a column's encoding, and schema metadata marking a table
#: with encoded columns.
ENCODING_KEY = b"heavylegs.encoding"
#: The linear forms a float64 column is tried in, as (divisor, offset): value =
#: integer / divisor - offset; the divisor "semicircles" stands for value = integer x
#: SEMICIRCLE_DEG. The decimal scales of the FIT profile and of text formats, FIT's
#: altitude (scale 5, offset 500 m: FIT SDK Profile.xlsx, record altitude and
#: enhanced_altitude) and FIT's positions (semicircles: degrees = value x 180 / 2^31).
ENCODINGS = (
    *((10.0**k, 0.0) for k in range(8)),
    (5.0, 500.0),
    ("semicircles", 0.0),
)
#: Each encoding's name in the field metadata, and back.
_NAMES = {(d, o): f"scale:{d}:{o!r}".encode() for d, o in ENCODINGS}
_FORMS = {name: form for form, name in _NAMES.items()}
#: Degrees per semicircle (an exact binary fraction, so integer x it is exact): the FIT
#: profile's (importers.fit_profile.SEMICIRCLE_TO_DEG; the cache does not import the
#: importers).
SEMICIRCLE_DEG = 180.0 / 2**31
#: Values of a column the encodings are first tried on; the whole column is then
#: checked against each encoding those values allow, at most CHECKS_AT_MOST of them
#: (heavylegs convention: a column of mixed scales, rare, is kept as float64 rather
#: than checked against every encoding).
PROBE_VALUES = 8
CHECKS_AT_MOST = 3
#: A text column is stored as runs when it has at most one run per this many rows.
RUNS_AT_MOST = 4
#: The bits of numpy's NaN: the only NaN a null reads back as.
NAN_BITS = np.array([np.nan]).view(np.int64)[0]
_INT16 = (int(np.iinfo(np.int16).min), int(np.iinfo(np.int16).max))
_INT32 = (int(np.iinfo(np.int32).min), int(np.iinfo(np.int32).max))


def _fits(values: list[float], divisor, offset: float) -> bool:
    """Whether each of ``values`` (finite floats) is integer / divisor - offset exactly."""
    for x in values:
        if divisor == "semicircles":
            back = round(x / SEMICIRCLE_DEG) * SEMICIRCLE_DEG
        else:
            back = round((x + offset) * divisor) / divisor - offset
        if back != x:
            return False
    return True


def _computed(ints: np.ndarray, divisor, offset: float) -> np.ndarray:
    """The float64 values of ``ints`` (integers as float64) in a linear form: the one
    formula the encoder checks with and the decoder reads with."""
    if divisor == "semicircles":
        return ints * SEMICIRCLE_DEG
    out = ints / divisor
    if offset:
        out -= offset
    return out


def _integers(values: np.ndarray, divisor, offset: float) -> np.ndarray:
    """The nearest integers to ``values`` in a linear form, as float64 (NaN kept), each
    as an integer type gives it back: + 0.0 makes a -0.0 the 0.0 it reads back as."""
    if divisor == "semicircles":
        out = values / SEMICIRCLE_DEG
    elif offset:
        out = values + offset
        out *= divisor
    else:
        out = values * divisor
    np.rint(out, out=out)
    return np.add(out, 0.0, out=out)


def _encode_floats(v: np.ndarray):
    """(arrow array, encoding) of a float64 column, or None to keep it as it is."""
    import pyarrow as pa

    bits = v.view(np.int64)
    if len(v) and math.isnan(v[0]) and (bits == NAN_BITS).all():
        return pa.nulls(len(v)), b"nan"
    head = v[: 4 * PROBE_VALUES]
    probe = head[~np.isnan(head)][:PROBE_VALUES].tolist() or v[~np.isnan(v)][:PROBE_VALUES].tolist()
    if not probe or not all(map(math.isfinite, probe)):
        return None
    tries = 0
    for divisor, offset in ENCODINGS:
        if tries == CHECKS_AT_MOST:
            return None
        if not _fits(probe, divisor, offset):
            continue
        tries += 1
        r = _integers(v, divisor, offset)  # NaN stays NaN
        if not np.array_equal(_computed(r, divisor, offset).view(np.int64), bits):
            continue
        lo, hi = r.min(), r.max()  # NaN when there is one
        nan = None
        if math.isnan(lo):
            nan = np.isnan(v)
            if not (bits[nan] == NAN_BITS).all():
                return None  # a NaN with other bits would read back as numpy's
            r[nan] = 0.0
            lo, hi = r.min(), r.max()
        if _INT16[0] <= lo and hi <= _INT16[1]:
            kind = np.int16
        elif _INT32[0] <= lo and hi <= _INT32[1]:
            kind = np.int32
        else:
            return None
        return pa.array(r.astype(kind), mask=nan), _NAMES[divisor, offset]
    return None


def text_runs(values: list[str], counts: list[int]):
    """A text column (large_string) of each of ``values`` repeated its count, as encode
    stores it: as runs (equal neighbours one run) when there is at most one per
    RUNS_AT_MOST rows, else as the plain column. Made from the distinct strings, not
    a string per row."""
    import pyarrow as pa

    ends, kept = [], []
    total = 0
    for value, count in zip(values, counts, strict=True):
        total += count
        if not count:
            continue
        if kept and kept[-1] == value:
            ends[-1] = total
        else:
            ends.append(total)
            kept.append(value)
    text = pa.array(kept, pa.large_string())
    if len(ends) <= total // RUNS_AT_MOST:
        return pa.RunEndEncodedArray.from_arrays(pa.array(ends, pa.int32()), text)
    return text.take(pa.array(np.repeat(np.arange(len(kept)), np.diff(ends, prepend=0))))


def encode(table):
    """``table`` with its columns in the narrowest encoding that reads back the same
    (the module docstring); the table itself when none applies."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.schema.metadata:
        return table  # encoded already (a slice of an encoded table), or metadata of its own
    fields, columns, changed = [], [], False
    for field, column in zip(table.schema, table.columns, strict=True):
        encoded = None
        plain = column.num_chunks == 1 and field.nullable and not field.metadata
        if plain and column.null_count == 0 and field.type == pa.float64():
            encoded = _encode_floats(column.chunk(0).to_numpy())
        elif plain and _is_text(field.type):
            runs = pc.run_end_encode(column.chunk(0))
            if len(runs.run_ends) <= len(column) // RUNS_AT_MOST:
                encoded = runs, b"runs"
        elif plain and pa.types.is_run_end_encoded(field.type) and _is_text(field.type.value_type):
            encoded = column.chunk(0), b"runs"  # text_runs' column
        if encoded is None:
            fields.append(field)
            columns.append(column)
            continue
        array, name = encoded
        fields.append(pa.field(field.name, array.type, metadata={ENCODING_KEY: name}))
        columns.append(array)
        changed = True
    if not changed:
        return table
    return pa.Table.from_arrays(columns, schema=pa.schema(fields, metadata={ENCODING_KEY: b"1"}))


def _is_text(kind) -> bool:
    import pyarrow as pa

    return pa.types.is_large_string(kind) or pa.types.is_string(kind)


def decode(table):
    """The table ``encode`` was given, from what it returned (a table it left as it
    was is returned as it is)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    metadata = table.schema.metadata
    if not metadata or ENCODING_KEY not in metadata:
        return table
    fields, columns = [], []
    for field, column in zip(table.schema, table.columns, strict=True):
        name = (field.metadata or {}).get(ENCODING_KEY)
        if name is None:
            fields.append(field)
            columns.append(column)
            continue
        if name == b"runs":
            array = pa.chunked_array([pc.run_end_decode(c) for c in column.chunks], column.type.value_type)
        elif name == b"nan":
            array = pa.array(np.full(len(column), np.nan))
        else:
            divisor, offset = _FORMS[name]  # KeyError: a damaged entry (entryfile.BadEntry)
            ints = column.to_numpy().astype(np.float64) if column.null_count == 0 else _with_nan(column)
            array = pa.array(_computed(ints, divisor, offset))
        fields.append(pa.field(field.name, array.type))
        columns.append(array)
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def _with_nan(column) -> np.ndarray:
    """An integer column's values as float64, NaN where it is null."""
    import pyarrow.compute as pc

    ints = pc.fill_null(column, 0).to_numpy().astype(np.float64)
    ints[column.is_null().to_numpy(zero_copy_only=False)] = np.nan
    return ints
