"""The cache's entries: one per distinct file content.

``<entries>/<sha[:2]>/<sha>/`` holds ``meta.json`` (what the file was, its reason and
notes) and one parquet file per table (activities, samples, weights, gear, shoes, and
the per-run feature tables). An entry is written in a private temporary folder and
renamed into place in one step, so a crash mid-write leaves only a temporary folder
(cleared later), never an entry that reads as good. Decoding failures are entries
too: a corrupt file is not decoded again on every run.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pandas as pd

from ..atomic import write_atomic
from .layout import CacheLayout
from .parquet import parquet_bytes, write_parquet

#: Temporary folders older than this [s] belong to a crashed run and are removed.
STALE_TMP_S = 3600


class Store:
    """Content-addressed entries of decoded files (see the module docstring)."""

    def __init__(self, layout: CacheLayout) -> None:
        self.layout = layout
        self.root = layout.entries
        self._root_str = str(self.root)
        self.tmp = layout.tmp
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
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        """Whether a complete entry exists (entries are moved into place whole)."""
        return os.path.isfile(os.path.join(self._root_str, sha256[:2], sha256, "meta.json"))

    def meta(self, sha256: str) -> dict | None:
        """The entry's metadata, or None when there is no complete entry."""
        try:
            with open(self.path(sha256) / "meta.json", encoding="utf-8") as fh:
                meta = json.load(fh)
        except (OSError, ValueError):
            return None
        return meta if meta.get("sha256") == sha256 else None

    def table(self, sha256: str, name: str) -> pd.DataFrame:
        path = self.path(sha256) / f"{name}.parquet"
        if not path.exists():
            return pd.DataFrame()
        return pd.read_parquet(path)

    def table_path(self, sha256: str, name: str) -> Path | None:
        path = self.path(sha256) / f"{name}.parquet"
        return path if path.exists() else None

    def add_table(self, sha256: str, name: str, frame: pd.DataFrame) -> None:
        """Add a table to a complete entry (a derived table, such as the per-run
        features of a newer version), written atomically."""
        if self.meta(sha256) is None:
            return
        try:
            write_atomic(self.path(sha256) / f"{name}.parquet", parquet_bytes(frame))
        except OSError:
            pass  # derived data: computed again next time

    def put(self, sha256: str, meta: dict, tables: dict, derived: dict | None = None) -> dict:
        """Write an entry atomically; returns the metadata stored.

        tables : the file's tables by name (empty ones are left out); derived : tables
        computed from them (the per-run features), written even when empty ("computed,
        nothing found"). If another process wrote the same entry first, theirs is kept
        (same content, same result)."""
        meta = {**meta, "sha256": sha256, "importer_version": self.layout.entries_version}
        final = self.path(sha256)
        if final.exists() and self.meta(sha256) is not None:
            return meta
        work = self.tmp / f"{sha256[:16]}-{uuid.uuid4().hex}"
        work.mkdir(parents=True)
        try:
            kept = {name: frame for name, frame in tables.items() if frame is not None and len(frame)}
            kept.update({name: frame for name, frame in (derived or {}).items() if frame is not None})
            for name, frame in kept.items():
                write_parquet(frame, work / f"{name}.parquet")
            meta["tables"] = sorted(kept)
            with open(work / "meta.json", "w", encoding="utf-8") as fh:
                json.dump(meta, fh)
            self._move_in(work, final, sha256)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
        return meta

    def _move_in(self, work: Path, final: Path, sha256: str) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(work, final)
        except OSError:
            # A complete entry appeared meanwhile (a concurrent import), or a broken
            # one is in the way: replace only a broken one.
            if self.meta(sha256) is None and final.exists():
                shutil.rmtree(final, ignore_errors=True)
                os.rename(work, final)
