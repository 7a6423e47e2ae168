"""The on-disk cache of imported files.

One entry per distinct file content: ``<root>/v<IMPORTER_VERSION>/<sha[:2]>/<sha>/``
holding ``meta.json`` (status, reason, notes) and parquet tables (activities,
samples, weights, gear). An entry is written in a private temporary folder and
renamed into place in one step, so a crash mid-write leaves only a temporary folder
(cleared later), never an entry that reads as good. Decoding failures are cached
too: a corrupt file is not re-decoded on every run.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from .importers import IMPORTER_VERSION
from .importers.base import Decoded

#: Temporary folders older than this [s] belong to a crashed run and are removed.
STALE_TMP_S = 3600

TABLES = ("activities", "samples", "weights", "gear", "shoes")


def to_arrow(frame: pd.DataFrame):
    """A frame as an arrow table, column by column: Table.from_pandas spends more on its
    pandas metadata than on the data for the small tables of one file, and the tables
    read back as the same frames without it (tests/test_cache_features.py)."""
    import pyarrow as pa

    def column(values: pd.Series):
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiub":
            return pa.array(values.to_numpy(), from_pandas=True)  # numpy numbers: no inference
        return pa.array(values, from_pandas=True)

    return pa.table({str(c): column(v) for c, v in frame.items()})


def write_parquet(frame, path: Path) -> None:
    """A frame (or an arrow table) as parquet, without index and without column
    statistics (every read takes whole tables; filters apply after the read)."""
    import pyarrow.parquet as pq

    table = frame if not isinstance(frame, pd.DataFrame) else to_arrow(frame)
    pq.write_table(table, path, write_statistics=False)


def default_cache_dir() -> Path:
    """The per-user cache folder (platformdirs), e.g. ~/.cache/heavylegs on Linux."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("heavylegs", appauthor=False))


class Store:
    """Content-addressed cache of decoded files."""

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        base = Path(root) if root is not None else default_cache_dir()
        self.root = base / f"v{IMPORTER_VERSION}"
        self._root_str = str(self.root)
        self.tmp = base / "tmp"
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

    def add_table(self, sha256: str, name: str, frame: pd.DataFrame) -> None:
        """Add a table to a complete entry (a derived table, such as the per-run
        features of a newer version): written beside, moved in with one rename."""
        final = self.path(sha256)
        if self.meta(sha256) is None:
            return
        tmp = self.tmp / f"{sha256[:16]}-{uuid.uuid4().hex}.parquet"
        try:
            write_parquet(frame, tmp)
            os.replace(tmp, final / f"{name}.parquet")
        except OSError:
            pass  # derived data: computed again next time
        finally:
            tmp.unlink(missing_ok=True)

    def table_path(self, sha256: str, name: str) -> Path | None:
        path = self.path(sha256) / f"{name}.parquet"
        return path if path.exists() else None

    def put(self, sha256: str, meta: dict, decoded: Decoded | None, extra: dict | None = None) -> dict:
        """Write an entry atomically; returns the metadata stored. ``extra``: more
        tables by name (the per-run features). If another process wrote the same entry
        first, theirs is kept (same content, same result)."""
        meta = {**meta, "sha256": sha256, "importer_version": IMPORTER_VERSION}
        final = self.path(sha256)
        if final.exists() and self.meta(sha256) is not None:
            return meta
        work = self.tmp / f"{sha256[:16]}-{uuid.uuid4().hex}"
        work.mkdir(parents=True)
        try:
            tables = {name: getattr(decoded, name) for name in TABLES} if decoded is not None else {}
            tables = {name: frame for name, frame in tables.items() if frame is not None and len(frame)}
            # Derived tables are written even when empty: "computed, nothing found".
            tables.update({name: frame for name, frame in (extra or {}).items() if frame is not None})
            for name, frame in tables.items():
                write_parquet(frame, work / f"{name}.parquet")
            meta["tables"] = sorted(tables)
            with open(work / "meta.json", "w", encoding="utf-8") as fh:
                json.dump(meta, fh)
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(work, final)
            except OSError:
                # A complete entry appeared meanwhile (a concurrent import), or a
                # broken one is in the way: replace only a broken one.
                if self.meta(sha256) is None and final.exists():
                    shutil.rmtree(final, ignore_errors=True)
                    os.rename(work, final)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
        return meta
