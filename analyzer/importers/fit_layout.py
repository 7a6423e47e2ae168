"""The layout of a FIT file, for the vectorised decoder: framing, message headers and
definition messages, walked in Python without decoding any record.

``walk`` checks the file header and CRC and walks every message header (normal and
compressed-timestamp headers, definition messages with their developer-field
definitions; a run of record messages of one definition is taken at once). It notes
where each record definition's data messages start, lists the summary messages
(OTHER_MESGS) and their definitions for ``fit_summary.py`` (``Layout.summary``; on
demand, ``Layout.others`` cuts them into a small FIT file of their own for fitparse),
and reads the timestamps of compressed-header records. Anything unusual raises
:class:`Fallback` with the reason.

Message layout, header bits and the CRC: FIT SDK (FIT protocol, fit.h, FitCRC_Get16),
as in fitparse/records.py and fitparse/base.py.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .fit_profile import BASE_SIZE, BASE_TYPES, RECORD_MESG, TIMESTAMP_FIELD, WELLNESS_MESGS

#: Global message numbers of the summary messages (FIT profile mesg_num): file_id 0,
#: device_settings 2, user_profile 3, sport 12, session 18, lap 19, weight_scale 30,
#: activity 34, monitoring_info 103, timestamp_correlation 162, the wellness messages
#: (fit_profile.WELLNESS_MESGS: monitoring_hr_data 211, sleep_level 275,
#: sleep_assessment 346, hrv_status_summary 370, hrv_value 371), and the
#: developer-field descriptions field_description 206 and developer_data_id 207 that
#: name developer fields.
OTHER_MESGS = frozenset({0, 2, 3, 12, 18, 19, 30, 34, 103, 162, 206, 207, *WELLNESS_MESGS})
DEV_DESCRIPTION_MESGS = frozenset({206, 207})
#: Message headers read at once when taking a run of record messages of one definition.
RUN_WINDOW = 64

#: CRC-16/ARC (poly 0x8005 reflected, init 0): the FIT SDK's FitCRC_Get16, of any
#: bytes-like object. fastcrc (Rust, slice-by-16) checks a one-hour run's 82 KB in ~2 us,
#: where crcmod's C loop took ~230 us, a tenth of decoding the file (benchmarks/README.md,
#: issue 20); the nibble table below stands in where fastcrc cannot be installed.
try:
    from fastcrc.crc16 import arc as crc16
except ImportError:  # pragma: no cover - fastcrc is a dependency
    _CRC_TABLE = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
                  0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)  # fmt: skip

    def crc16(data, crc: int = 0) -> int:
        """FIT CRC-16 (FIT SDK FitCRC_Get16), nibble table."""
        table = _CRC_TABLE
        for byte in bytes(data):
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
class Definition:
    """One definition message: its fields (number, size, base type, offset in the
    message body), developer fields (number, size, developer index, offset)."""

    mesg: int
    big_endian: bool
    fields: list[tuple[int, int, int, int]]
    dev_fields: list[tuple[int, int, int, int]]
    size: int
    #: [body offset, count] of each run of its record messages written back to back
    runs: list[list[int]] = field(default_factory=list)
    #: why fitparse refuses it ("" if it does not): a field of a message heavylegs skips
    #: whose size is not a multiple of its base type's
    refused: str = ""
    key: bytes = b""  # the definition's bytes (its header's developer bit first): identical ones share a key

    def count(self) -> int:
        """How many record messages its runs hold."""
        return sum(n for _start, n in self.runs)

    def positions(self) -> np.ndarray:
        """The body offsets of its record messages (int64, in file order), from its runs."""
        runs = np.array(self.runs, dtype=np.int64).reshape(-1, 2)
        starts, counts = runs[:, 0], runs[:, 1]
        index = np.arange(counts.sum(), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(starts, counts) + index * (self.size + 1)


@dataclass
class Layout:
    """What ``walk`` found in one file.

    summary : the messages in OTHER_MESGS and their definitions, in file order: (the
        definition, the body offset of a data message in ``data``, or -1 for the
        definition message itself)
    refused : why fitparse would refuse a definition of a message heavylegs skips ("" if
        none), the first such
    """

    header_size: int
    data_end: int
    record_defs: list[Definition]
    compressed_times: dict[int, int]  # record body offset -> timestamp from a compressed header
    data: bytes = field(repr=False)
    kept: list[tuple[int, int]]  # byte spans of the messages in ``summary``
    summary: list[tuple[Definition, int]]
    refused: str = ""

    @cached_property
    def others(self) -> bytes:
        """A FIT file holding only the messages in OTHER_MESGS and their definitions
        (for fitparse), made on first use."""
        return _others_file(self.data, self.header_size, self.kept)


def parse_definition(data: bytes, pos: int, header: int) -> tuple[Definition, int]:
    """The definition message at ``pos`` (header byte ``header``) and its length in bytes.
    Raises IndexError when it runs past the data, Fallback for a field of a message
    heavylegs reads whose size is not a multiple of its base type's (in a message it
    skips: noted in Definition.refused)."""
    big = data[pos + 2] != 0  # architecture: 0 little endian, 1 big endian (fitparse: any non-zero)
    mesg = int.from_bytes(data[pos + 3 : pos + 5], "big" if big else "little")
    n = data[pos + 5]
    p = pos + 6
    fields = []
    offset = 0
    refused = ""
    for _ in range(n):
        num, size, base = data[p], data[p + 1], data[p + 2]
        p += 3
        if size % BASE_SIZE.get(base, 1):
            reason = f"field {num} of message {mesg} has size {size}, not a multiple of its base type"
            if mesg == RECORD_MESG or mesg in OTHER_MESGS:
                raise Fallback(reason)
            # A message heavylegs skips (a COROS event whose uint32 field is one byte) is
            # skipped by its size, whatever its fields say; fitparse would stop there.
            refused = refused or reason
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
    return Definition(mesg, big, fields, dev_fields, offset, refused=refused), p - pos


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

    def defined(self, d: Definition) -> None:
        for num, _size, index, _off in d.dev_fields:
            self.uses.append(((index, num), self.version.get((index, num))))

    def described(self, data: bytes, body: int, d: Definition) -> None:
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


def walk(data: bytes) -> Layout:
    """Check the header and CRC, walk every message header; raise Fallback on anything unusual."""
    header_size, end = _check_framing(data)
    record_defs, kept, summary, compressed, refused = _walk_messages(data, header_size, end)
    # Compressed headers matter for the records' timestamps only.
    times = _compressed_times(data, header_size, end) if compressed and record_defs else {}
    return Layout(header_size, end, record_defs, times, data, kept, summary, refused)


def _check_framing(data: bytes) -> tuple[int, int]:
    """The file header's size and the end of the data (where the file CRC starts), after
    checking the header, the file's length and both CRCs (FIT SDK: a header CRC of 0
    is not checked)."""
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
    if crc16(memoryview(data)[:end]) != int.from_bytes(data[end : end + 2], "little"):
        raise Fallback("CRC mismatch")
    return header_size, end


def _walk_messages(data: bytes, pos: int, end: int):
    """Walk the message headers from ``pos`` to ``end``. Returns (the record definitions
    that have data messages, each with their positions; the (start, end) byte spans of
    the messages in OTHER_MESGS and of their definitions; the same messages as
    (definition, body offset or -1 for a definition: Layout.summary); whether any
    message has a compressed-timestamp header; why fitparse would refuse a definition of
    a message heavylegs skips, or "")."""
    local: dict[int, Definition] = {}
    known: dict[bytes, Definition] = {}  # identical definitions share one (Suunto redefines often)
    record_defs: dict[int, Definition] = {}
    kept: list[tuple[int, int]] = []
    summary: list[tuple[Definition, int]] = []
    compressed = False
    refused = ""
    dev = _DevTracker()
    try:
        while pos < end:
            h = data[pos]
            if h & 0xC0 == 0x40:  # definition message
                length = _definition_length(data, pos, h)
                raw = bytes([h & 0x20]) + data[pos + 1 : pos + length]
                d = known.get(raw)
                if d is None:
                    d = known[raw] = parse_definition(data, pos, h)[0]
                    d.key = raw
                    refused = refused or d.refused
                    if d.mesg == RECORD_MESG:
                        record_defs[id(d)] = d
                local[h & 0x0F] = d
                if d.mesg in OTHER_MESGS:  # fitparse needs no other definition
                    kept.append((pos, pos + length))
                    summary.append((d, -1))
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
                    d.runs.append([pos + 1, count])
                    pos += count * step
                    continue
                runs = d.runs
                if runs and runs[-1][0] + runs[-1][1] * step == pos + 1:
                    runs[-1][1] += 1  # right after the last (a compressed-timestamp header differs)
                else:
                    runs.append([pos + 1, 1])
            elif mesg in OTHER_MESGS:
                if h & 0x80:
                    raise Fallback("compressed-timestamp header on a session/lap/summary message")
                if mesg in DEV_DESCRIPTION_MESGS:
                    dev.described(data, pos + 1, d)
                kept.append((pos, pos + 1 + d.size))
                summary.append((d, pos + 1))
            pos += step
    except IndexError:
        raise Fallback("message runs past the end of the data (damaged file)") from None
    if pos != end:
        raise Fallback("last message runs past the data size in the header (damaged file)")
    dev.check()
    return [d for d in record_defs.values() if d.runs], kept, summary, compressed, refused


def _others_file(data: bytes, header_size: int, kept: list[tuple[int, int]]) -> bytes:
    """A FIT file of the original header (its data size and CRC set anew) and the
    ``kept`` byte spans of ``data``."""
    body = b"".join(data[a:b] for a, b in kept)
    head = bytearray(data[:header_size])
    head[4:8] = len(body).to_bytes(4, "little")
    if header_size == 14:
        head[12:14] = b"\x00\x00"  # zero: no header CRC (FIT SDK)
    others = bytes(head) + body
    return others + crc16(others).to_bytes(2, "little")


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
    local: dict[int, Definition] = {}
    readers: dict[int, tuple[int, struct.Struct, int | None] | None] = {}
    last = 0
    out: dict[int, int] = {}
    while pos < end:
        h = data[pos]
        if h & 0xC0 == 0x40:
            d, length = parse_definition(data, pos, h)
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
