"""One cache entry as one file: its metadata and all its tables, written in one go.

An entry used to be a folder of a meta.json and one parquet file per table (five files
and a folder rename for a run). Writing them cost more than decoding the FIT file; one
file of Arrow IPC streams costs a fraction (benchmarks/README.md, issue 20). Layout:

    MAGIC (8 bytes) | header length (uint32, little endian) | header (UTF-8 JSON) | streams

The header is ``{"meta": {...}, "tables": {name: [offset, length]}}``, offsets counted
from the first byte after the header. Each table is one Arrow IPC stream (the Arrow
columnar format, read back without copying). A table of more than COMPRESS_CELLS (a
run's samples) is stored in narrower columns that read back bit for bit (compact.py:
integers with a scale, runs of text); when a float column of it cannot be narrowed,
its buffers are also compressed with LZ4 frame (Arrow IPC's own buffer compression). A
small table is stored as it is (narrowing or compressing a few KB costs more than it
saves).
"""

from __future__ import annotations

import functools
import json
import os
import struct

from . import compact

#: First bytes of an entry file ("heavylegs entry, format 1").
MAGIC = b"HLENTRY1"
_LENGTH = struct.Struct("<I")
#: Tables of more cells (rows x columns) than this, ~32 KB of float64, are narrowed, and
#: compressed with LZ4 when a float column is left (heavylegs convention: a one-hour
#: run's samples narrow from ~560 to ~115 KB for ~0.2 ms of CPU, where LZ4 took ~0.9 ms
#: to make them ~150 KB; the small tables of a run, a few KB, are left as they are).
#: Cells, not Arrow's nbytes: that of a slice of a batch's table costs ~50-80 us.
COMPRESS_CELLS = 4096


class BadEntry(ValueError):
    """The bytes are not a whole entry file (another format, cut short, damaged)."""


def pack(meta: dict, tables: dict) -> bytes:
    """The bytes of an entry file holding ``meta`` and ``tables`` ({name: arrow table})."""
    import pyarrow as pa

    sink, index = pa.BufferOutputStream(), {}  # the streams one after another
    for name, table in tables.items():
        compression = None
        if table.num_rows * table.num_columns > COMPRESS_CELLS:
            table = compact.encode(table)
            if pa.float64() in table.schema.types:
                compression = "lz4"
        start = sink.tell()
        with pa.ipc.new_stream(sink, table.schema, options=_options(compression)) as w:
            w.write_table(table)
        index[name] = [start, sink.tell() - start]
    header = json.dumps({"meta": meta, "tables": index}).encode("utf-8")
    return b"".join([MAGIC, _LENGTH.pack(len(header)), header, memoryview(sink.getvalue())])


@functools.cache
def _options(compression: str | None):
    """Arrow IPC write options: ``compression`` of the buffers, in this thread."""
    import pyarrow as pa

    return pa.ipc.IpcWriteOptions(compression=compression, use_threads=False)


_PREFIX = len(MAGIC) + _LENGTH.size


def _header_length(prefix: bytes) -> int:
    """The header's length from an entry file's first _PREFIX bytes."""
    if len(prefix) < _PREFIX or prefix[: len(MAGIC)] != MAGIC:
        raise BadEntry("not a heavylegs cache entry")
    return _LENGTH.unpack_from(prefix, len(MAGIC))[0]


def _parse_header(raw: bytes) -> dict:
    """The header from its bytes, checked: a metadata dict and a table index of
    ``name: [offset, length]`` pairs of non-negative integers."""
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise BadEntry(f"damaged header: {err}") from None
    if not isinstance(header, dict) or not isinstance(header.get("meta"), dict):
        raise BadEntry("damaged header")
    tables = header.get("tables", {})
    if not isinstance(tables, dict):
        raise BadEntry("damaged header")
    for span in tables.values():
        if not (isinstance(span, list) and len(span) == 2 and all(type(v) is int and v >= 0 for v in span)):
            raise BadEntry("damaged header")
    return header


def _size(header: dict, length: int) -> int:
    """The length of the whole entry file whose header (of ``length`` bytes) is ``header``."""
    return _PREFIX + length + sum(size for _offset, size in header.get("tables", {}).values())


def _header(data: bytes | memoryview) -> tuple[dict, int]:
    """(header, where the streams start) of an entry file's bytes."""
    length = _header_length(bytes(data[:_PREFIX]))
    header = _parse_header(bytes(data[_PREFIX : _PREFIX + length]))
    end = _PREFIX + length
    for offset, size in header.get("tables", {}).values():
        if end + offset + size > len(data):
            raise BadEntry("cut short")
    return header, end


def read_meta(path) -> dict:
    """The metadata of the entry file at ``path``, reading its header only (and checking
    that the file is as long as the header says)."""
    with open(path, "rb") as fh:
        length = _header_length(fh.read(_PREFIX))
        header = _parse_header(fh.read(length))
        size = os.fstat(fh.fileno()).st_size
    # A whole entry ends where its last table ends: a file cut short is no entry.
    if size != _size(header, length):
        raise BadEntry("cut short")
    return header["meta"]


def unpack(data: bytes) -> tuple[dict, dict]:
    """(metadata, {name: arrow table}) of an entry file's bytes."""
    header, start = _header(data)
    return header["meta"], {name: _table(data, start, span) for name, span in header.get("tables", {}).items()}


def read_table(data: bytes, name: str):
    """The arrow table ``name`` of an entry file's bytes, None when it has none."""
    header, start = _header(data)
    span = header.get("tables", {}).get(name)
    return None if span is None else _table(data, start, span)


def table_names(data: bytes) -> list[str]:
    return list(_header(data)[0].get("tables", {}))


def _table(data: bytes, start: int, span: list[int]):
    import pyarrow as pa

    offset, size = span
    try:
        return compact.decode(pa.ipc.open_stream(pa.py_buffer(data).slice(start + offset, size)).read_all())
    except (OSError, ValueError, TypeError, KeyError) as err:  # arrow's errors among them
        raise BadEntry(f"damaged table: {err}") from None
