"""The cache's catalog: the small tables of every entry gathered in a few files, so a
history of thousands of files is read back in one go.

Each entry (store.py) stays the source of truth; the catalog is derived from the
entries and only speeds up reading them. It holds, for the entries it covers, their
metadata (meta.json), their activity rows and, per features version, their runs'
feature tables. It lives in the layout's catalog folder: a generation folder with one
file per table, written complete in a private folder and then named by the ``CURRENT``
file, which is replaced atomically. A reader sees one whole generation or none. Two
imports that update it at once may each drop the other's additions: those entries are
then read from the entries themselves and added again next time.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pandas as pd

from .. import columns as C
from ..atomic import write_atomic
from .layout import CacheLayout
from .parquet import write_parquet
from .store import Store

#: The table of activity rows (the other two are the layout's feature tables).
ACTIVITIES = "activities"


class Catalog:
    """The catalog of one cache (read once when made).

    metas : {sha256: meta} of the entries it covers
    featured : the entries whose runs' features (of the layout's features version) it holds
    """

    def __init__(self, layout: CacheLayout, store: Store) -> None:
        self.layout = layout
        self.store = store
        self.dir = layout.catalog
        self.tables = (ACTIVITIES, layout.features_table, layout.hr_table)
        self.metas: dict[str, dict] = {}
        self.featured: set[str] = set()
        self._tables: dict[str, object] = {}
        self._generation: Path | None = None
        try:
            name = (self.dir / "CURRENT").read_text(encoding="utf-8").strip()
            generation = self.dir / name
            with open(generation / "index.json", encoding="utf-8") as fh:
                index = json.load(fh)
        except (OSError, ValueError):
            return
        # An entry removed from the cache is not covered, whatever the catalog says.
        metas = {sha: m for sha, m in index.get("metas", {}).items() if store.has(sha)}
        featured = set(index.get("featured", {}).get(layout.features_version, [])) & set(metas)
        self._generation, self.metas, self.featured = generation, metas, featured

    def _arrow(self, name: str):
        """The whole table ``name`` of the current generation, as an arrow table (None
        when absent)."""
        import pyarrow.parquet as pq

        if name not in self._tables:
            table = None
            if self._generation is not None:
                try:
                    table = pq.read_table(self._generation / f"{name}.parquet")
                except FileNotFoundError:
                    table = None  # no rows of this kind
                except (OSError, ValueError):
                    # Unreadable (removed by a concurrent update): nothing is covered.
                    self.metas, self.featured = {}, set()
            self._tables[name] = table
        return self._tables[name]

    def table(self, name: str) -> pd.DataFrame:
        """The whole table ``name`` of the current generation (empty when absent)."""
        table = self._arrow(name)
        return table.to_pandas() if table is not None else pd.DataFrame()

    def rows(self, name: str, shas) -> pd.DataFrame:
        """Rows of table ``name`` that belong to the entries ``shas`` (filtered before
        the conversion to pandas)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        table = self._arrow(name)
        if table is None or not len(table):
            return pd.DataFrame()
        keep = pc.is_in(table[C.FILE_SHA256], value_set=pa.array(sorted(set(shas)), pa.string()))
        return table.filter(keep).to_pandas()

    def update(self, metas: dict[str, dict], tables: dict[str, pd.DataFrame], featured: set[str]) -> None:
        """Write a new generation: the current one plus ``metas`` (entries added or
        replaced), their rows in ``tables``, and ``featured`` (entries whose features
        are in the feature tables). Best effort: a failure leaves the old generation."""
        if not metas and not featured:
            return
        all_metas = {**self.metas, **metas}
        all_featured = (self.featured | featured) & set(all_metas)
        work = self.layout.tmp / f"catalog-{uuid.uuid4().hex}"
        try:
            work.mkdir(parents=True)
            self._write_tables(work, tables, replaced=set(metas), refeatured=set(metas) | featured)
            index = {"metas": all_metas, "featured": {self.layout.features_version: sorted(all_featured)}}
            # json.dumps, not json.dump: only the one-shot encoder is json's C one.
            (work / "index.json").write_text(json.dumps(index), encoding="utf-8")
            self.dir.mkdir(parents=True, exist_ok=True)
            generation = self.dir / f"gen-{uuid.uuid4().hex}"
            os.rename(work, generation)
            write_atomic(self.dir / "CURRENT", generation.name)
        except OSError:
            shutil.rmtree(work, ignore_errors=True)
            return
        # Older generations go; the one just replaced stays for a reader still on it.
        for old_gen in self.dir.glob("gen-*"):
            if old_gen not in (generation, self._generation):
                shutil.rmtree(old_gen, ignore_errors=True)
        self._generation, self.metas, self.featured, self._tables = generation, all_metas, all_featured, {}

    def _write_tables(self, work: Path, tables: dict, replaced: set[str], refeatured: set[str]) -> None:
        """Each table of the new generation: the current rows of the entries not
        replaced, then the new rows."""
        for name in self.tables:
            old = self.table(name)
            new = tables.get(name)
            if not old.empty:
                old = old[~old[C.FILE_SHA256].isin(replaced if name == ACTIVITIES else refeatured)]
            parts = [f for f in (old, new) if f is not None and not f.empty]
            if parts:
                frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
                write_parquet(frame.reset_index(drop=True), work / f"{name}.parquet")
