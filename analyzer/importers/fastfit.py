"""A vectorised FIT decoder for the common case: record messages decoded with numpy.

The message headers are walked in Python (``fit_layout.py``: normal and
compressed-timestamp headers, definition messages with their developer-field
definitions; a run of record messages of one definition is taken at once); the record
data messages of each definition are then gathered and decoded at once as a numpy
structured array in the definition's byte order. Invalid values (the base type's
invalid value: all ones, 0x7F.. for signed types, 0 for the ``z`` types, NaN for
floats) become NaN; the FIT profile's scale and offset are applied the way fitparse
applies them (``float(raw) / scale - offset``), so values are bit-identical.

The few other messages the importer reads (file_id, session, lap, activity, ...) are
read by ``fit_summary.py`` exactly as fitparse reads them (tests/test_fit_summary.py
compares the two on every file); where it cannot be sure of that, fitparse reads them
from a small FIT file holding only them and their definitions.

Anything unusual raises :class:`Fallback` with the reason, and the caller decodes the
whole file with fitparse instead: CRC failure, truncation or damage, chained FIT files,
compressed_speed_distance, device-relative timestamps, developer fields described
after they are first defined, fields of an unexpected layout. A file without records
(monitoring, sleep, HRV, weight) gives its summary messages only, and falls back when
fitparse, reading the whole file, would stop at a definition it refuses. (fitparse reading
a whole file can also stop at a data message it cannot convert, in a message heavylegs
skips; the fast path, which never converts those, reads on, for files with or without
records alike.)

Field numbers, scales and offsets: FIT SDK profile (Profile.xlsx, message ``record``
= 20), as in fitparse/profile.py, in ``fit_profile.py``; ``tests/test_fastfit.py``
checks them against it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import fitparse.records
import numpy as np
import pandas as pd

from .. import columns as C
from . import fit_summary
from .fit_layout import Definition, Fallback, walk
from .fit_messages import Clock, read_messages, samples_frame
from .fit_profile import (
    BASE_TYPES,
    FIT_ABSOLUTE_MIN,
    FIT_EPOCH_UNIX_S,
    PLAIN_COLUMNS,
    RECORD_COMPONENTS,
    RECORD_FIELDS,
    RECORD_UNSUPPORTED,
    SEMICIRCLE_TO_DEG,
    TIMESTAMP_FIELD,
    UINT16,
    UINT32,
)


@dataclass
class FastDecode:
    """What the fast path read from one file.

    arrays : sample columns before session assignment, rows with a timestamp, as numpy
        arrays: C.TIMESTAMP in int64 nanoseconds since the Unix epoch (UTC), the
        others float64 (what the importer builds its tables from, without a frame)
    dropped : record messages without a usable timestamp
    n_records : record messages in the file
    others : the non-record messages ``fit_messages.read_messages`` keeps, as it gives them
    samples : ``arrays`` as a frame, exactly what ``fit_messages.samples_frame`` gives
        (made on first use)
    """

    arrays: dict[str, np.ndarray]
    dropped: int
    n_records: int
    others: dict[str, list[dict]]
    _kept: np.ndarray | None = field(default=None, repr=False)  # which records have a timestamp
    _frame: pd.DataFrame | None = field(default=None, repr=False)  # the frame, when made already

    @functools.cached_property
    def samples(self) -> pd.DataFrame:
        if self._frame is not None:
            return self._frame
        frame = frame_of(self.arrays)
        if self.dropped:  # indexed by record, as samples_frame leaves the rows it keeps
            frame.index = np.flatnonzero(self._kept)
        return frame


def _values(block: np.ndarray, name: str, base: int, scale, offset) -> np.ndarray:
    """One field of a structured block as float64: invalid -> NaN, then / scale - offset."""
    raw = block[name]
    values = raw.astype("float64")
    invalid = BASE_TYPES[base][2]
    if invalid is not None:
        values[raw == invalid] = np.nan
    if scale:
        np.divide(values, scale, out=values)  # in place: the same values as values / scale
    if offset:
        np.subtract(values, offset, out=values)
    return values


#: One value read from a record block: (output name, dtype field, base type, scale,
#: offset); output names are fitparse's field names, or 'dev:<name>' for developer fields.
_Source = tuple[str, str, int, float | None, float | None]


def _record_layout(d: Definition, dev_types: dict) -> tuple[list[tuple[str, str, int]], list[_Source], bool]:
    """What to read from the record messages of one definition: the dtype fields (name,
    format, offset in the message body), the values in fitparse's order of writing, and
    whether the records carry a timestamp field. Raises Fallback for a field of an
    unexpected layout or a developer field that is not described."""
    endian = ">" if d.big_endian else "<"
    fields: list[tuple[str, str, int]] = []
    sources: list[_Source] = []
    has_stamp = False
    for i, (num, size, base, off) in enumerate(d.fields):
        if num in RECORD_UNSUPPORTED:
            raise Fallback(f"record field {RECORD_UNSUPPORTED[num]}")
        if num != TIMESTAMP_FIELD and num not in RECORD_FIELDS:
            continue
        if base not in BASE_TYPES or size != BASE_TYPES[base][1]:
            raise Fallback(f"record field {num} has base type {base:#x} and size {size}")
        key = f"f{i}"
        fields.append((key, endian + BASE_TYPES[base][0], off))
        if num == TIMESTAMP_FIELD:
            if base != UINT32:
                raise Fallback(f"record timestamp of base type {base:#x}")
            has_stamp = True  # several: the last valid one wins in _decode_definition
            sources.append(("timestamp", key, base, None, None))
            continue
        if num in RECORD_COMPONENTS:
            if base != UINT16:
                raise Fallback(f"record field {num} (with components) of base type {base:#x}")
            component, c_scale, c_offset = RECORD_COMPONENTS[num]
            sources.append((component, key, base, c_scale, c_offset))
        name, scale, offset = RECORD_FIELDS[num]
        sources.append((name, key, base, scale, offset))
    for i, (num, size, index, off) in enumerate(d.dev_fields):
        dev = dev_types.get(index, {}).get("fields", {}).get(num)
        if dev is None:
            raise Fallback(f"developer field {index}/{num} is not described")
        if not isinstance(dev.name, str):
            raise Fallback("a developer field's name is not text (damaged field description)")
        base = dev.type.identifier
        if base not in BASE_TYPES:
            continue  # strings and bytes are never numbers: fitparse's path skips them too
        if size % BASE_TYPES[base][1]:
            raise Fallback(f"developer field {dev.name} has size {size} for base type {base:#x}")
        if size != BASE_TYPES[base][1]:
            continue  # an array (or nothing): fitparse gives a tuple, which the importer skips
        key = f"d{i}"
        fields.append((key, endian + BASE_TYPES[base][0], off))
        sources.append((C.DEV_PREFIX + dev.name, key, base, None, None))
    return fields, sources, has_stamp


#: Record bodies are read as strided views of the file when they come in runs (back to
#: back, one header byte apart) of at least this many on average; shorter runs are
#: gathered byte by byte (a view per run would cost more).
STRIDED_RUN_MIN = 8


def _bodies(u8: np.ndarray, d: Definition, dtype: np.dtype) -> np.ndarray:
    """The bodies of the record messages of ``d`` (its runs: [body offset, count] of
    those written back to back, one header byte apart, in the file ``u8``), ``d.size``
    bytes each, as one structured array of ``dtype``: each run is copied out of a
    strided view of the file (the same bytes as a gather of every byte, without its
    index array)."""
    size, count = d.size, d.count()
    if len(d.runs) * STRIDED_RUN_MIN > count:
        gather = d.positions()[:, None] + np.arange(size, dtype=np.int64)
        return u8[gather].reshape(-1).view(dtype)
    out = np.empty((count, size), dtype=np.uint8)
    row = 0
    for start, n in d.runs:
        # The run's bodies seen in place: ``n`` rows of ``size`` bytes, a header byte apart.
        out[row : row + n] = np.ndarray((n, size), np.uint8, u8, start, (size + 1, 1))
        row += n
    return out.reshape(-1).view(dtype)


def _decode_definition(u8: np.ndarray, d: Definition, dev_types: dict, times: dict[int, int]):
    """Decode every record message of one definition.

    Returns (timestamps [raw FIT seconds, float64, NaN when missing], {field name: values}),
    where field names are fitparse's and developer fields are 'dev:<name>'."""
    fields, sources, has_stamp = _record_layout(d, dev_types)
    positions = None if has_stamp else d.positions()
    if positions is not None and not all(int(p) in times for p in positions):
        raise Fallback("record messages without a timestamp")
    names, formats, offsets = ([f[i] for f in fields] for i in range(3))
    dtype = np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": max(d.size, 1)})
    if d.size:
        block = _bodies(u8, d, dtype)
    else:
        block = np.zeros(d.count(), dtype=dtype)
    columns: dict[str, np.ndarray] = {}
    for name, key, base, scale, offset in sources:
        values = _values(block, key, base, scale, offset)
        previous = columns.get(name)
        columns[name] = values if previous is None else np.where(np.isnan(values), previous, values)
    stamps = columns.pop("timestamp", None)
    if stamps is None:
        stamps = np.array([times[int(p)] for p in positions], dtype="float64")
    return stamps, columns


def decode(data: bytes) -> FastDecode:
    """Decode a FIT file's records with numpy and its other messages with fitparse.

    Raises Fallback (with the reason) for anything this decoder does not handle."""
    layout = walk(data)
    if not layout.record_defs:
        return _without_records(data, layout)
    others, dev_types = _summary(data, layout)

    u8 = np.frombuffer(data, dtype=np.uint8)
    parts = [_decode_definition(u8, d, dev_types, layout.compressed_times) for d in layout.record_defs]
    stamps, columns = _in_file_order(layout.record_defs, parts)
    valid = ~np.isnan(stamps)
    if (stamps[valid] < FIT_ABSOLUTE_MIN).any():
        raise Fallback("device-relative record timestamps")
    dropped = int((~valid).sum())
    arrays = _arrays(stamps, valid, columns)
    return FastDecode(arrays, dropped, len(stamps), others, valid)


def _without_records(data: bytes, layout) -> FastDecode:
    """A file without record messages (a monitoring, sleep, HRV or weight file; sessions
    without records): its summary messages, and the samples fitparse's path makes of no
    records. fitparse reading the whole file would stop at a definition it refuses (in a
    message heavylegs skips): such a file falls back, so that its note says so."""
    if layout.refused:
        raise Fallback(f"no record messages, and fitparse refuses a definition: {layout.refused}")
    others, _dev_types = _summary(data, layout)
    samples, dropped = samples_frame([], Clock(others))
    return FastDecode({C.TIMESTAMP: np.array([], dtype=np.int64)}, dropped, 0, others, _frame=samples)


def _summary(data: bytes, layout) -> tuple[dict[str, list[dict]], dict]:
    """(others, developer-field descriptions): read by fit_summary, or by fitparse from
    the small file of summary messages where fit_summary cannot be sure of fitparse's
    values (fit_summary.Unsupported)."""
    try:
        return fit_summary.read(data, layout)
    except fit_summary.Unsupported:
        pass
    records, _dev, others, error = read_messages(layout.others)
    if error:
        raise Fallback(f"fitparse could not read the summary messages: {error}")
    if records:  # pragma: no cover - the walk keeps no record data
        raise Fallback("record messages among the summary messages")
    return others, fitparse.records.DEV_TYPES


def _in_file_order(defs: list[Definition], parts: list) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Every definition's decoded records (``parts``, from _decode_definition) merged in
    the order the records appear in the file: (timestamps, {field name: values}), NaN
    where a definition lacks a field."""
    if len(parts) == 1:
        return parts[0][0], dict(parts[0][1])  # one definition: its records are in file order
    positions = [d.positions() for d in defs]
    every = np.concatenate(positions)
    n = len(every)
    order = np.argsort(every, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)

    stamps = np.full(n, np.nan)
    columns: dict[str, np.ndarray] = {}
    start = 0
    for at, (part_stamps, part_columns) in zip(positions, parts, strict=True):
        rows = rank[start : start + len(at)]
        start += len(at)
        stamps[rows] = part_stamps
        for name, values in part_columns.items():
            if name not in columns:
                columns[name] = np.full(n, np.nan)
            columns[name][rows] = values
    return stamps, columns


def _arrays(stamps: np.ndarray, valid: np.ndarray, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Our sample columns from the records' fields, rows with a valid timestamp only, as
    numpy arrays (FastDecode.arrays), combined as ``fit_messages.samples_frame`` combines
    them (tests/test_fastfit.py compares FastDecode.samples with it)."""
    every = bool(valid.all())

    def col(name: str) -> np.ndarray | None:
        values = columns.get(name)
        return values if values is None or every else values[valid]

    n = int(valid.sum())
    nan = np.full(n, np.nan)
    out = {C.TIMESTAMP: (stamps[valid].astype(np.int64) + FIT_EPOCH_UNIX_S) * 1_000_000_000}
    for name, column in PLAIN_COLUMNS.items():
        values = col(name)
        out[column] = nan if values is None else values

    def first(preferred: str, other: str) -> np.ndarray:
        a, b = col(preferred), col(other)
        if a is None or b is None:
            return nan if a is None and b is None else (a if b is None else b)
        return np.where(np.isnan(a), b, a)

    out[C.SPEED_M_S] = first("enhanced_speed", "speed")
    out[C.ALTITUDE_M] = first("enhanced_altitude", "altitude")
    lat, lon = col("position_lat"), col("position_long")
    out[C.LATITUDE_DEG] = nan if lat is None else lat * SEMICIRCLE_TO_DEG
    out[C.LONGITUDE_DEG] = nan if lon is None else lon * SEMICIRCLE_TO_DEG
    cadence, frac = col("cadence"), col("fractional_cadence")
    cadence = nan if cadence is None else cadence
    out[C.CADENCE_SPM] = 2.0 * (cadence + (0.0 if frac is None else np.where(np.isnan(frac), 0.0, frac)))
    for name, values in columns.items():
        if name.startswith(C.DEV_PREFIX) and not np.isnan(values).all():
            out[name] = values if every else values[valid]
    return out


def frame_of(arrays: dict[str, np.ndarray]) -> pd.DataFrame:
    """FastDecode.arrays (or rows of them) as a sample frame like FastDecode.samples
    (fresh index)."""
    out = {C.TIMESTAMP: pd.Series(arrays[C.TIMESTAMP].view("datetime64[ns]")).dt.tz_localize("UTC")}
    out.update({name: values for name, values in arrays.items() if name != C.TIMESTAMP})
    return pd.DataFrame(out)
