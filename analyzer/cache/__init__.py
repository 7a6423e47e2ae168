"""The on-disk cache: everything heavylegs keeps between runs, in one folder.

`Cache` opens one cache folder through its `CacheLayout`, which names every folder and
the format version each is kept under. The cache only stores tables (it knows their
columns and versions, never how they were decoded); the ingest layer decides what goes
in. Everything is written atomically (`analyzer.atomic` for files, a rename of a whole
folder for entries), so a crash never leaves anything that reads as good.

store.py    one entry per distinct file content: meta.json and parquet tables
catalog.py  the small tables of every entry gathered in a few files (warm reads)
inputs.py   the input memo: what each file held, under the file's identity
kept.py     results derived from many runs, kept under a key naming their inputs
charts.py   the report's chart PNGs, kept under a key over what they show
parquet.py  frames to and from parquet (arrow columns, no pandas metadata)
"""

from __future__ import annotations

from .layout import CacheLayout, default_cache_dir

__all__ = ["Cache", "CacheLayout", "default_cache_dir"]


class Cache:
    """One cache folder: its layout, its entries (`store`) and their `catalog`.

    root : the folder (default: the per-user cache dir); entries_version : the version
    of the code that made the entries (the importer's); features_version : the version
    of the per-run feature tables.
    """

    def __init__(self, root=None, *, entries_version: str, features_version: str) -> None:
        from .catalog import Catalog
        from .store import Store

        self.layout = CacheLayout.at(root, entries_version=entries_version, features_version=features_version)
        self.store = Store(self.layout)
        self.catalog = Catalog(self.layout, self.store)

    def has(self, sha256: str) -> bool:
        """Whether the entry of this content exists (in the catalog or on disk)."""
        return sha256 in self.catalog.metas or self.store.has(sha256)

    def meta(self, sha256: str) -> dict | None:
        """The entry's metadata (from the catalog when it covers it), or None."""
        return self.catalog.metas.get(sha256) or self.store.meta(sha256)

    def input_memo(self):
        """The input memo of this cache (inputs.InputMemo), trusting only what has an entry."""
        from .inputs import InputMemo

        return InputMemo(self.layout.input_memo, known=self.has)

    def kept(self, name: str, version: str):
        """The kept results table ``name`` at ``version`` (kept.KeptResults)."""
        from .kept import KeptResults

        return KeptResults(self.layout.kept(name, version))

    def charts(self):
        """The kept chart PNGs (charts.ChartStore)."""
        from .charts import ChartStore

        return ChartStore(self.layout.charts)
