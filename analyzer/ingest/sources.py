"""Turn what the user names (files, folders, .gz, .zip, nested zips) into a stream of
(label, bytes) inputs, each a single candidate activity file.

Archives are read in memory: member names are only ever labels, never paths, so a
``../`` name cannot write anywhere; such names are still refused, since no honest
export has them. Size and ratio limits stop decompression bombs with a reason.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

#: Largest single file heavylegs reads, after decompression [bytes]. A 24-hour
#: activity at 1 s recording is about 5 MB of FIT or 30 MB of GPX.
MAX_FILE_BYTES = 256 * 2**20
#: Largest total decompressed from one top-level archive [bytes]: a decade of
#: 1-second FIT files is a few GB.
MAX_ARCHIVE_BYTES = 16 * 2**30
#: Highest compression ratio accepted for a member larger than RATIO_FLOOR_BYTES.
#: FIT compresses 2-5x and GPX 5-15x; zip bombs reach 1000x and more.
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 2**20
#: Deepest nesting of archives (a Garmin export's zip holds UploadedFiles_*.zip).
MAX_ARCHIVE_DEPTH = 3
#: Archive members that are operating-system junk, not user files.
JUNK_PREFIXES = ("__MACOSX/",)

_CHUNK = 2**20
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"


@dataclass
class Input:
    """One candidate file: its label (path, or 'archive!member'), and its bytes or the
    reason it could not be read.

    sha256 : set instead of data when the input memo knew the file (not read again)
    source : the file it came from (the archive, for a member)
    identity : that file's `file_identity` when it was looked at
    """

    label: str
    data: bytes | None = None
    error: str | None = None
    sha256: str | None = None
    source: str | None = None
    identity: tuple[int, ...] | None = None


def file_identity(info: os.stat_result) -> tuple[int, ...]:
    """(device, inode, size, modification time, change time) [ns]: writing to a file, or
    replacing it, changes at least one of them."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class _Budget:
    def __init__(self) -> None:
        self.used = 0


class _TooBig(Exception):
    pass


def _bounded_read(stream, compressed_size: int, budget: _Budget) -> bytes:
    """Read a decompressing stream, stopping at the size and ratio limits."""
    ratio_cap = max(RATIO_FLOOR_BYTES, MAX_RATIO * max(compressed_size, 1))
    cap = min(MAX_FILE_BYTES, ratio_cap, MAX_ARCHIVE_BYTES - budget.used)
    parts, total = [], 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > cap:
            if cap == ratio_cap:
                raise _TooBig(
                    f"decompresses beyond {MAX_RATIO}:1 of its {compressed_size} compressed bytes "
                    "(decompression-bomb guard)"
                )
            if cap == MAX_FILE_BYTES:
                raise _TooBig(f"larger than {MAX_FILE_BYTES // 2**20} MiB when decompressed (size limit)")
            raise _TooBig(f"archive decompresses beyond {MAX_ARCHIVE_BYTES // 2**30} GiB in all (size limit)")
        parts.append(chunk)
    budget.used += total
    return b"".join(parts)


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def _expand(label: str, data: bytes, depth: int, budget: _Budget) -> Iterator[Input]:
    """Yield the inputs inside ``data``: itself, its gunzipped content, or its members."""
    if data.startswith(_GZIP_MAGIC):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                inner = _bounded_read(gz, len(data), budget)
        except _TooBig as err:
            yield Input(label, error=f"gzip {err}")
            return
        except (OSError, EOFError, zlib.error) as err:
            yield Input(label, error=f"damaged gzip file ({' '.join(str(err).split())})")
            return
        if not inner.startswith((_ZIP_MAGIC, _EMPTY_ZIP, _GZIP_MAGIC)):
            yield Input(label, data=inner)
        elif depth < MAX_ARCHIVE_DEPTH:
            yield from _expand(label, inner, depth + 1, budget)
        else:
            yield Input(label, error=f"archives nested deeper than {MAX_ARCHIVE_DEPTH} levels")
        return
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP)):
        if depth >= MAX_ARCHIVE_DEPTH:
            yield Input(label, error=f"archives nested deeper than {MAX_ARCHIVE_DEPTH} levels")
            return
        yield from _zip_members(label, io.BytesIO(data), depth + 1, budget)
        return
    yield Input(label, data=data)


def _zip_members(label: str, fileobj, depth: int, budget: _Budget) -> Iterator[Input]:
    try:
        archive = zipfile.ZipFile(fileobj)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        yield Input(label, error=f"damaged zip archive ({' '.join(str(err).split())})")
        return
    found = 0
    with archive:
        for info in infos:
            name = info.filename
            if info.is_dir() or name.startswith(JUNK_PREFIXES):
                continue
            found += 1
            member = f"{label}!{name}"
            mode = info.external_attr >> 16
            if _unsafe_name(name):
                yield Input(member, error="archive member name is absolute or climbs out with '..': not read")
                continue
            if stat.S_ISLNK(mode):
                yield Input(member, error="symbolic link inside the archive: not followed")
                continue
            if info.flag_bits & 0x1:
                yield Input(member, error="encrypted archive member: cannot be read without its password")
                continue
            if info.file_size > MAX_FILE_BYTES:
                yield Input(member, error=f"larger than {MAX_FILE_BYTES // 2**20} MiB when decompressed (size limit)")
                continue
            try:
                with archive.open(info) as stream:
                    data = _bounded_read(stream, info.compress_size, budget)
            except _TooBig as err:
                yield Input(member, error=str(err))
                continue
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as err:
                yield Input(member, error=f"damaged archive member ({' '.join(str(err).split())})")
                continue
            yield from _expand(member, data, depth, budget)
    if not found:
        yield Input(label, error="archive holds no files")


def _read_path(path: str, memo=None) -> Iterator[Input]:
    """The inputs of the file ``path``, each tagged with the file and its identity.
    ``memo`` (cache.inputs.InputMemo) may know them: then they carry their SHA-256 and
    the file is not read."""
    try:
        info = os.stat(path)
    except OSError as err:
        yield Input(path, error=f"cannot read file ({err.strerror or err})", source=path)
        return
    identity = file_identity(info)
    kept = memo.inputs(path, identity) if memo is not None else None
    if kept is not None:
        for label, sha in kept:
            yield Input(label, sha256=sha, source=path, identity=identity)
        return
    for item in _read_file(path, info):
        item.source, item.identity = path, identity
        yield item


def _read_file(path: str, info: os.stat_result) -> Iterator[Input]:
    try:
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device would block a read forever.
            yield Input(path, error="not a regular file (a pipe, socket or device): not read")
            return
        size = info.st_size
        with open(path, "rb") as fh:
            head = fh.read(len(_ZIP_MAGIC))
            # A zip is known by its first bytes; one larger than a single file may be
            # (a whole export) is also looked for by its end record (self-extracting).
            if head.startswith((_ZIP_MAGIC, _EMPTY_ZIP)) or (size > MAX_FILE_BYTES and zipfile.is_zipfile(fh)):
                fh.seek(0)
                yield from _zip_members(path, fh, 1, _Budget())
                return
            if size > MAX_FILE_BYTES:
                yield Input(path, error=f"larger than {MAX_FILE_BYTES // 2**20} MiB (size limit)")
                return
            data = head + fh.read()
    except OSError as err:
        yield Input(path, error=f"cannot read file ({err.strerror or err})")
        return
    yield from _expand(path, data, 0, _Budget())


def read_again(item: Input) -> Input:
    """``item`` with its bytes, read from its file (for an input the memo knew)."""
    for fresh in _read_path(item.source or item.label):
        if fresh.label == item.label:
            return fresh
    return Input(item.label, error="changed while it was being read: run the import again", source=item.source)


def iter_inputs(paths: Iterable[str | os.PathLike], memo=None) -> Iterator[Input]:
    """Every candidate file under ``paths``, in a stable order (folders recursively,
    sorted; symbolic links to folders are not followed, so loops cannot trap us). With
    a ``memo``, a file it knows unchanged is not read (its inputs carry sha256, not
    data)."""
    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path):
            errors: list[OSError] = []
            for root, dirs, files in os.walk(path, onerror=errors.append, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    yield from _read_path(os.path.join(root, name), memo)
                while errors:
                    err = errors.pop(0)
                    yield Input(err.filename or path, error=f"cannot read folder ({err.strerror or err})")
            while errors:
                err = errors.pop(0)
                yield Input(err.filename or path, error=f"cannot read folder ({err.strerror or err})")
        elif os.path.lexists(path):
            yield from _read_path(path, memo)
        else:
            yield Input(path, error="no such file or directory")
