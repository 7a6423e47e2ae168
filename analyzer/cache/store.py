"""The cache's entries: one per distinct file content.

``<entries>/<sha[:2]>/<sha>.entry`` is one file (entryfile.py) holding the entry's
metadata (what the file was, its reason and notes) and its tables (activities, samples,
weights, gear, shoes, wellness, ratings and the per-run feature tables) as Arrow IPC
streams. It is written whole under a temporary name and renamed into place in one step,
so a crash mid-write leaves only a temporary file (cleared later), never an entry that
reads as good. Decoding failures are entries too: a corrupt file is not decoded again
on every run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from pathlib import Path

import pandas as pd

from . import entryfile
from .layout import CacheLayout
from .parquet import to_arrow

#: Temporary files older than this [s] belong to a crashed run and are removed.
STALE_TMP_S = 3600
#: Suffix of an entry file.
SUFFIX = ".entry"


class Store:
    """Content-addressed entries of decoded files (see the module docstring)."""

    def __init__(self, layout: CacheLayout) -> None:
        self.layout = layout
        self.root = layout.entries
        self._root_str = str(self.root)
        self.tmp = layout.tmp
        self._tmp_str = str(self.tmp)
        self._folders: set[str] = set()  # entry folders made by this store
        self.root.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self._clear_stale()

    def _clear_stale(self) -> None:
        now = time.time()
        for entry in self.tmp.iterdir():
            try:
                if now - entry.stat().st_mtime > STALE_TMP_S:
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
            except OSError:
                continue

    def path(self, sha256: str) -> Path:
        return Path(self._file(sha256))

    def _file(self, sha256: str) -> str:
        """The entry file's path as a string (looked up for every file of an import,
        where pathlib costs more than the lookup)."""
        return os.path.join(self._root_str, sha256[:2], sha256 + SUFFIX)

    def has(self, sha256: str) -> bool:
        """Whether an entry exists (entries are renamed into place whole)."""
        return os.path.isfile(self._file(sha256))

    def shas(self) -> list[str]:
        """The content hashes of every entry, sorted."""
        return sorted(p.name[: -len(SUFFIX)] for p in self.root.glob(f"??/*{SUFFIX}"))

    def meta(self, sha256: str) -> dict | None:
        """The entry's metadata, or None when there is no whole entry."""
        try:
            meta = entryfile.read_meta(self._file(sha256))
        except (OSError, entryfile.BadEntry):
            return None
        return meta if meta.get("sha256") == sha256 else None

    def _read(self, sha256: str) -> bytes | None:
        try:
            with open(self._file(sha256), "rb") as fh:
                return fh.read()
        except OSError:
            return None

    def arrow(self, sha256: str, name: str):
        """The entry's table ``name`` as an arrow table, None when it has none."""
        data = self._read(sha256)
        if data is None:
            return None
        try:
            return entryfile.read_table(data, name)
        except entryfile.BadEntry:
            return None

    def table(self, sha256: str, name: str) -> pd.DataFrame:
        """The entry's table ``name`` (an empty frame when it has none)."""
        table = self.arrow(sha256, name)
        return table.to_pandas() if table is not None else pd.DataFrame()

    def has_table(self, sha256: str, name: str) -> bool:
        meta = self.meta(sha256)
        return meta is not None and name in meta.get("tables", [])

    def tables(self, shas, name: str, wanted: set[str] | None = None) -> pd.DataFrame:
        """Table ``name`` of several entries as one frame: their columns unified
        (developer fields differ between files), rows filtered to the activity ids in
        ``wanted`` when given, converted to pandas once."""
        from .parquet import arrow_rows

        parts = [t for t in (self.arrow(sha, name) for sha in shas) if t is not None]
        return arrow_rows(parts, wanted)

    def add_table(self, sha256: str, name: str, frame: pd.DataFrame) -> None:
        """Add a table to a whole entry (a derived table, such as the per-run features
        of a newer version): the entry is written again, atomically."""
        data = self._read(sha256)
        if data is None:
            return
        try:
            meta, tables = entryfile.unpack(data)
            if meta.get("sha256") != sha256:
                return
            tables[name] = to_arrow(frame)
            meta["tables"] = sorted(tables)
            self._write(sha256, entryfile.pack(meta, tables))
        except (OSError, entryfile.BadEntry):
            pass  # derived data: computed again next time

    def put(self, sha256: str, meta: dict, tables: dict, derived: dict | None = None) -> dict:
        """Write an entry atomically; returns the metadata stored.

        tables : the file's tables by name (frames or arrow tables; empty ones are left
        out); derived : tables computed from them (the per-run features), written even
        when empty ("computed, nothing found"). If another process wrote the same entry
        first, theirs is kept (same content, same result)."""
        meta = {**meta, "sha256": sha256, "importer_version": self.layout.entries_version}
        if self.meta(sha256) is not None:
            return meta
        kept = {name: frame for name, frame in tables.items() if frame is not None and len(frame)}
        kept.update({name: frame for name, frame in (derived or {}).items() if frame is not None})
        meta["tables"] = sorted(kept)
        arrow = {
            name: frame if not isinstance(frame, pd.DataFrame) else to_arrow(frame) for name, frame in kept.items()
        }
        self._write(sha256, entryfile.pack(meta, arrow))
        return meta

    def _write(self, sha256: str, data: bytes) -> None:
        """Write an entry file under a temporary name in the cache's tmp folder (cleared
        of a crashed run's leftovers), then rename it into place: a concurrent writer of
        the same content writes the same entry."""
        final = self._file(sha256)
        folder = os.path.dirname(final)
        if folder not in self._folders:  # made once a store (each costs a system call or two)
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        work = os.path.join(self._tmp_str, f"{sha256[:16]}-{uuid.uuid4().hex}{SUFFIX}")
        try:
            with open(work, "wb") as fh:
                fh.write(data)
            try:
                os.replace(work, final)
            except FileNotFoundError:  # its folder removed since (the cache cleared meanwhile)
                os.makedirs(folder, exist_ok=True)
                os.replace(work, final)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(work)
            raise
