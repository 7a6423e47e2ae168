"""A vectorised FIT decoder for the common case: record messages decoded with numpy.

The message headers are walked in Python (normal and compressed-timestamp headers,
definition messages with their developer-field definitions; a run of record
messages of one definition is taken at once); the record data
messages of each definition are then gathered and decoded at once as a numpy
structured array in the definition's byte order. Invalid values (the base type's
invalid value: all ones, 0x7F.. for signed types, 0 for the ``z`` types, NaN for
floats) become NaN; the FIT profile's scale and offset are applied the way fitparse
applies them (``float(raw) / scale - offset``), so values are bit-identical.

The few other messages the importer reads (file_id, session, lap, activity, ...) are
decoded by fitparse from a small FIT file holding only them and their definitions, so
their output is fitparse's by construction.

Anything unusual raises :class:`Fallback` with the reason, and the caller decodes the
whole file with fitparse instead: CRC failure, truncation or damage, chained FIT files,
compressed_speed_distance, device-relative timestamps, developer fields described
after they are first defined, fields of an unexpected layout, no records at all.

Field numbers, scales and offsets: FIT SDK profile (Profile.xlsx, message ``record``
= 20), as in fitparse/profile.py, in ``fit_profile.py``; ``tests/test_fastfit.py``
checks them against it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import fitparse.records
import numpy as np
import pandas as pd

from .. import columns as C
from .fit_messages import read_messages
from .fit_profile import (
    BASE_SIZE,
    BASE_TYPES,
    FIT_ABSOLUTE_MIN,
    FIT_EPOCH_UNIX_S,
    PLAIN_COLUMNS,
    RECORD_COMPONENTS,
    RECORD_FIELDS,
    RECORD_MESG,
    RECORD_UNSUPPORTED,
    SEMICIRCLE_TO_DEG,
    TIMESTAMP_FIELD,
    UINT16,
    UINT32,
)

#: Global message numbers decoded by fitparse (FIT profile mesg_num): file_id 0,
#: device_settings 2, user_profile 3, sport 12, session 18, lap 19, weight_scale 30,
#: activity 34, timestamp_correlation 162, and the developer-field descriptions
#: field_description 206 and developer_data_id 207 that fitparse needs to name fields.
OTHER_MESGS = frozenset({0, 2, 3, 12, 18, 19, 30, 34, 162, 206, 207})
DEV_DESCRIPTION_MESGS = frozenset({206, 207})
#: Message headers read at once when taking a run of record messages of one definition.
RUN_WINDOW = 64

try:  # a C CRC (crcmod) runs at hundreds of MB/s; the table version at a few
    import crcmod.predefined

    #: CRC-16/ARC (poly 0x8005 reflected, init 0): the FIT SDK's FitCRC_Get16.
    crc16 = crcmod.predefined.mkCrcFun("crc-16")
except ImportError:  # pragma: no cover - crcmod is a dependency
    _CRC_TABLE = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
                  0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)  # fmt: skip

    def crc16(data: bytes, crc: int = 0) -> int:
        """FIT CRC-16 (FIT SDK FitCRC_Get16), nibble table."""
        table = _CRC_TABLE
        for byte in data:
            tmp = table[crc & 0xF]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[byte & 0xF]
            tmp = table[crc & 0xF]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[(byte >> 4) & 0xF]
        return crc


class Fallback(Exception):
    """This file needs the full fitparse decoder; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(eq=False)
class _Definition:
    """One definition message: its fields (number, size, base type, offset in the
    message body), developer fields (number, size, developer index, offset)."""

    mesg: int
    big_endian: bool
    fields: list[tuple[int, int, int, int]]
    dev_fields: list[tuple[int, int, int, int]]
    size: int
    positions: list[int] = field(default_factory=list)  # body offsets of its record messages


@dataclass
class _Layout:
    header_size: int
    data_end: int
    record_defs: list[_Definition]
    others: bytes  # a FIT file holding only the messages in OTHER_MESGS and their definitions
    compressed_times: dict[int, int]  # record body offset -> timestamp from a compressed header


@dataclass
class FastDecode:
    """What the fast path read from one file.

    samples : sample columns before session assignment, rows with a timestamp
        (exactly what ``fit._samples_frame`` gives)
    dropped : record messages without a usable timestamp
    n_records : record messages in the file
    others : the non-record messages ``fit_messages.read_messages`` keeps, decoded by fitparse
    """

    samples: pd.DataFrame
    dropped: int
    n_records: int
    others: dict[str, list[dict]]


def _parse_definition(data: bytes, pos: int, header: int) -> tuple[_Definition, int]:
    big = data[pos + 2] != 0  # architecture: 0 little endian, 1 big endian (fitparse: any non-zero)
    mesg = int.from_bytes(data[pos + 3 : pos + 5], "big" if big else "little")
    n = data[pos + 5]
    p = pos + 6
    fields = []
    offset = 0
    for _ in range(n):
        num, size, base = data[p], data[p + 1], data[p + 2]
        p += 3
        if size % BASE_SIZE.get(base, 1):
            raise Fallback(f"field {num} of message {mesg} has size {size}, not a multiple of its base type")
        fields.append((num, size, base, offset))
        offset += size
    dev_fields = []
    if header & 0x20:
        nd = data[p]
        p += 1
        for _ in range(nd):
            dev_fields.append((data[p], data[p + 1], data[p + 2], offset))
            offset += data[p + 1]
            p += 3
    if p > len(data):
        raise IndexError
    return _Definition(mesg, big, fields, dev_fields, offset), p - pos


def _definition_length(data: bytes, pos: int, header: int) -> int:
    n = data[pos + 5]
    p = pos + 6 + 3 * n
    if header & 0x20:
        p += 1 + 3 * data[p]
    if p > len(data):
        raise IndexError
    return p - pos


class _DevTracker:
    """Developer-field descriptions in file order. The records are decoded with the
    descriptions fitparse holds at the end of the file, so every definition must use
    the description that is still the final one (fitparse keeps one per field and
    forgets an application's fields when its developer_data_id comes again)."""

    def __init__(self) -> None:
        self.version: dict[tuple[int, int], int] = {}
        self.uses: list[tuple[tuple[int, int], int | None]] = []
        self.events = 0

    def defined(self, d: _Definition) -> None:
        for num, _size, index, _off in d.dev_fields:
            self.uses.append(((index, num), self.version.get((index, num))))

    def described(self, data: bytes, body: int, d: _Definition) -> None:
        def byte(field_num: int) -> int:
            for num, size, _base, off in d.fields:
                if num == field_num and size == 1:
                    return data[body + off]
            raise Fallback(f"developer description message {d.mesg} without field {field_num}")

        self.events += 1
        if d.mesg == 207:  # developer_data_id: field 3 developer_data_index
            index = byte(3)
            for key in [k for k in self.version if k[0] == index]:
                del self.version[key]
        else:  # field_description: 0 developer_data_index, 1 field_definition_number
            self.version[(byte(0), byte(1))] = self.events

    def check(self) -> None:
        for key, version in self.uses:
            if version is None or self.version.get(key) != version:
                raise Fallback(f"developer field {key[0]}/{key[1]} is described differently over the file")


def _walk(data: bytes) -> _Layout:
    """Check the header and CRC, walk every message header; raise Fallback on anything unusual."""
    if len(data) < 12 or data[8:12] != b".FIT":
        raise Fallback("no FIT header")
    header_size = data[0]
    if header_size not in (12, 14):
        raise Fallback(f"unusual header size {header_size}")
    data_size = int.from_bytes(data[4:8], "little")
    end = header_size + data_size
    if len(data) < end + 2:
        raise Fallback("file ends early (truncated)")
    if len(data) > end + 2:
        raise Fallback("bytes after the first FIT file's CRC (chained FIT files)")
    if header_size == 14:
        header_crc = int.from_bytes(data[12:14], "little")
        if header_crc and header_crc != crc16(data[:12]):
            raise Fallback("header CRC mismatch")
    if crc16(data[:end]) != int.from_bytes(data[end : end + 2], "little"):
        raise Fallback("CRC mismatch")

    local: dict[int, _Definition] = {}
    known: dict[bytes, _Definition] = {}  # identical definitions share one (Suunto redefines often)
    record_defs: dict[int, _Definition] = {}
    kept: list[tuple[int, int]] = []
    compressed = False
    dev = _DevTracker()
    pos = header_size
    try:
        while pos < end:
            h = data[pos]
            if h & 0xC0 == 0x40:  # definition message
                length = _definition_length(data, pos, h)
                raw = bytes([h & 0x20]) + data[pos + 1 : pos + length]
                d = known.get(raw)
                if d is None:
                    d = known[raw] = _parse_definition(data, pos, h)[0]
                    if d.mesg == RECORD_MESG:
                        record_defs[id(d)] = d
                local[h & 0x0F] = d
                if d.mesg in OTHER_MESGS:  # fitparse needs no other definition
                    kept.append((pos, pos + length))
                if d.dev_fields:
                    dev.defined(d)
                pos += length
                continue
            if h & 0x80:
                compressed = True
                d = local.get((h >> 5) & 0x03)
            else:
                d = local.get(h & 0x0F)
            if d is None:
                raise Fallback("data message with an undefined local message type (damaged file)")
            mesg = d.mesg
            step = 1 + d.size
            if mesg == RECORD_MESG:
                if pos + step < end and data[pos + step] == h:
                    # A run of records of one definition (the same header byte, so the
                    # same local message type), as many devices write them: take the
                    # whole run at once.
                    count = _run_length(data, pos, end, step)
                    d.positions.extend(range(pos + 1, pos + 1 + count * step, step))
                    pos += count * step
                    continue
                d.positions.append(pos + 1)
            elif mesg in OTHER_MESGS:
                if h & 0x80:
                    raise Fallback("compressed-timestamp header on a session/lap/summary message")
                if mesg in DEV_DESCRIPTION_MESGS:
                    dev.described(data, pos + 1, d)
                kept.append((pos, pos + 1 + d.size))
            pos += step
    except IndexError:
        raise Fallback("message runs past the end of the data (damaged file)") from None
    if pos != end:
        raise Fallback("last message runs past the data size in the header (damaged file)")
    dev.check()

    body = b"".join(data[a:b] for a, b in kept)
    head = bytearray(data[:header_size])
    head[4:8] = len(body).to_bytes(4, "little")
    if header_size == 14:
        head[12:14] = b"\x00\x00"  # zero: no header CRC (FIT SDK)
    others = bytes(head) + body
    others += crc16(others).to_bytes(2, "little")
    times = _compressed_times(data, header_size, end) if compressed else {}
    return _Layout(header_size, end, [d for d in record_defs.values() if d.positions], others, times)


def _run_length(data: bytes, pos: int, end: int, step: int) -> int:
    """How many messages from ``pos`` on, each ``step`` bytes long, start with the
    same header byte as the one at ``pos``: data messages of the same local message
    type, so of the same definition (only a definition message, whose header differs,
    can change it). Reads RUN_WINDOW headers at a time, so short runs cost little."""
    header = data[pos : pos + 1]
    count = 0
    while True:
        start = pos + count * step
        window = data[start : min(end, start + step * RUN_WINDOW) : step]
        same = len(window) - len(window.lstrip(header))
        count += same
        if same < RUN_WINDOW:
            return count


def _accumulate(offset: int, last: int) -> int:
    """A compressed header's 5-bit time offset on top of the last timestamp (FIT SDK)."""
    value = offset + (last & ~0x1F)
    if offset < (last & 0x1F):
        value += 0x20
    return value


def _compressed_times(data: bytes, pos: int, end: int) -> dict[int, int]:
    """Timestamps of the record messages with compressed headers. Any message's
    timestamp field (253) resets the running timestamp, as in the FIT SDK and fitparse."""
    local: dict[int, _Definition] = {}
    readers: dict[int, tuple[int, struct.Struct, int | None] | None] = {}
    last = 0
    out: dict[int, int] = {}
    while pos < end:
        h = data[pos]
        if h & 0xC0 == 0x40:
            d, length = _parse_definition(data, pos, h)
            local[h & 0x0F] = d
            if any(num == TIMESTAMP_FIELD for num, *_ in d.dev_fields):
                raise Fallback("developer field numbered 253 alongside compressed timestamps")
            stamp = [(off, base) for num, _size, base, off in d.fields if num == TIMESTAMP_FIELD]
            reader = None
            if stamp:
                off, base = stamp[-1]
                if base not in BASE_TYPES or len(stamp) > 1:
                    raise Fallback("unusual timestamp field alongside compressed timestamps")
                np_type, size, invalid = BASE_TYPES[base]
                fmt = {"u1": "B", "i1": "b", "u2": "H", "i2": "h", "u4": "I", "i4": "i", "u8": "Q", "i8": "q"}.get(
                    np_type
                )
                if fmt is None:
                    raise Fallback("floating-point timestamp field")
                reader = (off, struct.Struct((">" if d.big_endian else "<") + fmt), invalid)
            readers[id(d)] = reader
            pos += length
            continue
        d = local[(h >> 5) & 0x03] if h & 0x80 else local[h & 0x0F]
        reader = readers[id(d)]
        if reader is not None:
            off, fmt, invalid = reader
            raw = fmt.unpack_from(data, pos + 1 + off)[0]
            if raw != invalid:
                last = raw
        if h & 0x80:
            if reader is not None and d.mesg == RECORD_MESG:
                raise Fallback("record with both a timestamp field and a compressed-timestamp header")
            last = _accumulate(h & 0x1F, last)
            if d.mesg == RECORD_MESG:
                out[pos + 1] = last
        pos += 1 + d.size
    return out


def _values(block: np.ndarray, name: str, base: int, scale, offset) -> np.ndarray:
    """One field of a structured block as float64: invalid -> NaN, then / scale - offset."""
    raw = block[name]
    values = raw.astype("float64")
    invalid = BASE_TYPES[base][2]
    if invalid is not None:
        values[raw == invalid] = np.nan
    if scale:
        values = values / scale
    if offset:
        values = values - offset
    return values


def _decode_definition(data: bytes, u8: np.ndarray, d: _Definition, dev_types: dict, times: dict[int, int]):
    """Decode every record message of one definition.

    Returns (timestamps [raw FIT seconds, float64, NaN when missing], {field name: values}),
    where field names are fitparse's and developer fields are 'dev:<name>'."""
    positions = np.asarray(d.positions, dtype=np.int64)
    n = len(positions)
    endian = ">" if d.big_endian else "<"
    names, formats, offsets = [], [], []
    #: (output name, dtype field, base type, scale, offset) in fitparse's order of writing
    sources: list[tuple[str, str, int, float | None, float | None]] = []
    stamp_field = None
    for i, (num, size, base, off) in enumerate(d.fields):
        if num in RECORD_UNSUPPORTED:
            raise Fallback(f"record field {RECORD_UNSUPPORTED[num]}")
        if num != TIMESTAMP_FIELD and num not in RECORD_FIELDS:
            continue
        if base not in BASE_TYPES or size != BASE_TYPES[base][1]:
            raise Fallback(f"record field {num} has base type {base:#x} and size {size}")
        key = f"f{i}"
        names.append(key)
        formats.append(endian + BASE_TYPES[base][0])
        offsets.append(off)
        if num == TIMESTAMP_FIELD:
            if base != UINT32:
                raise Fallback(f"record timestamp of base type {base:#x}")
            stamp_field = key  # several: the last valid one wins below
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
        names.append(key)
        formats.append(endian + BASE_TYPES[base][0])
        offsets.append(off)
        sources.append((C.DEV_PREFIX + dev.name, key, base, None, None))

    if stamp_field is None and not all(int(p) in times for p in positions):
        raise Fallback("record messages without a timestamp")
    dtype = np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": max(d.size, 1)})
    if d.size:
        gather = positions[:, None] + np.arange(d.size, dtype=np.int64)
        block = u8[gather].reshape(-1).view(dtype)
    else:
        block = np.zeros(n, dtype=dtype)
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
    layout = _walk(data)
    if not layout.record_defs:
        raise Fallback("no record messages")
    records, _dev, others, error = read_messages(layout.others)
    if error:
        raise Fallback(f"fitparse could not read the summary messages: {error}")
    if records:  # pragma: no cover - the walk keeps no record data
        raise Fallback("record messages among the summary messages")
    dev_types = fitparse.records.DEV_TYPES

    u8 = np.frombuffer(data, dtype=np.uint8)
    parts = [_decode_definition(data, u8, d, dev_types, layout.compressed_times) for d in layout.record_defs]
    positions = np.concatenate([np.asarray(d.positions, dtype=np.int64) for d in layout.record_defs])
    n = len(positions)
    order = np.argsort(positions, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)

    stamps = np.full(n, np.nan)
    columns: dict[str, np.ndarray] = {}
    start = 0
    for d, (part_stamps, part_columns) in zip(layout.record_defs, parts, strict=True):
        rows = rank[start : start + len(d.positions)]
        start += len(d.positions)
        stamps[rows] = part_stamps
        for name, values in part_columns.items():
            if name not in columns:
                columns[name] = np.full(n, np.nan)
            columns[name][rows] = values

    valid = ~np.isnan(stamps)
    if (stamps[valid] < FIT_ABSOLUTE_MIN).any():
        raise Fallback("device-relative record timestamps")
    ns = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    ns[valid] = (stamps[valid].astype(np.int64) + FIT_EPOCH_UNIX_S) * 1_000_000_000
    nan = np.full(n, np.nan)

    def col(name: str) -> np.ndarray:
        return columns.get(name, nan)

    def first(preferred: str, other: str) -> np.ndarray:
        a, b = col(preferred), col(other)
        return np.where(np.isnan(a), b, a)

    frac = col("fractional_cadence")
    out = {C.TIMESTAMP: pd.Series(ns.view("datetime64[ns]")).dt.tz_localize("UTC")}
    for name, column in PLAIN_COLUMNS.items():
        out[column] = col(name)
    out[C.SPEED_M_S] = first("enhanced_speed", "speed")
    out[C.ALTITUDE_M] = first("enhanced_altitude", "altitude")
    out[C.LATITUDE_DEG] = col("position_lat") * SEMICIRCLE_TO_DEG
    out[C.LONGITUDE_DEG] = col("position_long") * SEMICIRCLE_TO_DEG
    # Strides/min -> steps/min, as fit._samples_frame does.
    out[C.CADENCE_SPM] = 2.0 * (col("cadence") + np.where(np.isnan(frac), 0.0, frac))
    for name, values in columns.items():
        if name.startswith(C.DEV_PREFIX) and not np.isnan(values).all():
            out[name] = values
    frame = pd.DataFrame(out)
    dropped = int((~valid).sum())
    if dropped:
        frame = frame[valid]
    return FastDecode(samples=frame, dropped=dropped, n_records=n, others=others)
