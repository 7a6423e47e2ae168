"""Where everything in a cache folder lives, and under which format version.

    <root>/v<entries>/<sha[:2]>/<sha>.entry  one entry per file content (store.py, entryfile.py)
    <root>/tmp/                            entries and catalogs being written
    <root>/catalog/v<entries>/             CURRENT, gen-*/ (catalog.py), inputs.json (inputs.py)
    <root>/derived/v<entries>/<name>_v<version>.parquet   kept results (kept.py)
    <root>/derived/charts/<stem>-<key>.png                kept charts (charts.py)

``entries`` is the version of the code that made the entries (the importer's): a new
one starts a new set of entries, catalog and kept results beside the old ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_cache_dir() -> Path:
    """The per-user cache folder (platformdirs), e.g. ~/.cache/heavylegs on Linux."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("heavylegs", appauthor=False))


@dataclass(frozen=True)
class CacheLayout:
    """The folders and files of one cache (see the module docstring)."""

    root: Path
    entries_version: str
    features_version: str

    @classmethod
    def at(cls, root: str | os.PathLike | None, *, entries_version: str, features_version: str) -> CacheLayout:
        base = Path(root) if root is not None else default_cache_dir()
        return cls(base, entries_version, features_version)

    @property
    def entries(self) -> Path:
        return self.root / f"v{self.entries_version}"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def catalog(self) -> Path:
        return self.root / "catalog" / f"v{self.entries_version}"

    @property
    def input_memo(self) -> Path:
        return self.catalog / "inputs.json"

    def kept(self, name: str, version: str) -> Path:
        return self.root / "derived" / f"v{self.entries_version}" / f"{name}_v{version}.parquet"

    @property
    def charts(self) -> Path:
        return self.root / "derived" / "charts"

    @property
    def features_table(self) -> str:
        """Name of the per-run features table (entries and catalog) of this version."""
        return f"features_v{self.features_version}"

    @property
    def hr_table(self) -> str:
        """Name of the per-run heart-rate histogram table of this version."""
        return f"hr_v{self.features_version}"
