"""The small tables of a history's cache entries (activity rows, run features,
heart-rate histograms), gathered from this import's results, the catalog and the
entries themselves; features an entry lacks (an older version) are computed again from
its cached samples."""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from ..cache import Cache
from ..cache.catalog import ACTIVITIES
from ..cache.parquet import concat
from ..features import per_run
from .pool import NOT_CACHED

#: Cache entries whose samples are read together when features must be computed
#: again (a newer features version, an entry from an older heavylegs): bounds memory.
FEATURE_BATCH_FILES = 64


def entry_tables(
    cache: Cache, fresh: dict[str, dict], metas: dict[str, dict], shas: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The activity rows, run features and heart-rate histograms of the cache entries
    ``shas``: from this import's results (``fresh``), from the catalog, else from the
    entries; the catalog then learns what it lacked (``metas``: every entry's meta)."""
    store, catalog = cache.store, cache.catalog
    names = (ACTIVITIES, *catalog.tables[1:])
    new_rows = {name: [] for name in names}
    for sha in shas:
        r = fresh.get(sha)
        if r is not None and ACTIVITIES in r:
            for name in names:
                new_rows[name].append(r[name])
    from_fresh = {sha for sha in shas if sha in fresh}
    in_catalog = [sha for sha in shas if sha not in from_fresh and sha in catalog.metas]
    from_entries = [sha for sha in shas if sha not in from_fresh and sha not in catalog.metas]
    if from_entries:
        new_rows[ACTIVITIES].append(store.tables(from_entries, ACTIVITIES))
    featured = _features_of_entries(cache, new_rows, from_fresh, [*in_catalog, *from_entries])
    acts_new = concat(new_rows[ACTIVITIES])
    feats_new, hist_new = (concat(new_rows[name]) for name in names[1:])
    # The catalog learns the entries it did not cover (not the uncached outcomes).
    learn = {sha: m for sha, m in metas.items() if sha not in catalog.metas and not m.get(NOT_CACHED)}
    catalog.update(learn, dict(zip(names, (acts_new, feats_new, hist_new), strict=True)), featured)
    acts = concat([catalog.rows(ACTIVITIES, in_catalog), acts_new])
    covered = [sha for sha in in_catalog if sha in catalog.featured and sha not in featured]
    feats = concat([catalog.rows(names[1], covered), feats_new])
    hist = concat([catalog.rows(names[2], covered), hist_new])
    return acts, feats, hist


def _features_of_entries(cache: Cache, new_rows: dict, fresh: set[str], older: list[str]) -> set[str]:
    """Add to ``new_rows`` the feature tables of the ``older`` entries the catalog does
    not cover: from the entries where they have them, else computed from their samples.
    Returns the entries whose features are in ``new_rows`` (``fresh`` included)."""
    store, catalog = cache.store, cache.catalog
    features_table, hr_table = catalog.tables[1:]
    featured = set(fresh)
    unfeatured = [sha for sha in older if sha not in catalog.featured]
    have = [sha for sha in unfeatured if store.has_table(sha, features_table)]
    for name in (features_table, hr_table):  # entry feature tables carry file_sha256
        parts = [store.table(sha, name) for sha in have]
        new_rows[name].extend(p for p in parts if len(p))
    featured.update(have)
    missing = [sha for sha in unfeatured if sha not in featured]
    if missing:
        # Their activity rows: read from the entries in this call, else from the catalog
        # (when every entry is in the catalog, nothing was read from the entries).
        acts_new = concat(new_rows[ACTIVITIES])
        parts = [catalog.rows(ACTIVITIES, missing)]
        if len(acts_new):
            parts.insert(0, acts_new[acts_new[C.FILE_SHA256].isin(missing)])
        acts_missing = concat(parts)
        feats, hist = compute_features(cache, acts_missing)
        new_rows[features_table].append(feats)
        new_rows[hr_table].append(hist)
        featured.update(missing)
    return featured


def compute_features(cache: Cache, acts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run features and heart-rate histograms of cached entries that lack them, from
    their cached samples (FEATURE_BATCH_FILES entries at a time); each entry keeps
    its tables for next time."""
    store = cache.store
    features_table, hr_table = cache.catalog.tables[1:]
    feats, hists = [], []
    shas = list(dict.fromkeys(acts[C.FILE_SHA256]))
    for i in range(0, len(shas), FEATURE_BATCH_FILES):
        batch = shas[i : i + FEATURE_BATCH_FILES]
        samples = store.tables(batch, "samples")
        part = acts[acts[C.FILE_SHA256].isin(batch)]
        f, h = per_run.features_from_samples(part, samples)
        owner = dict(zip(part[C.ACTIVITY_ID], part[C.FILE_SHA256], strict=True))
        f[C.FILE_SHA256] = f[C.ACTIVITY_ID].map(owner)
        h[C.FILE_SHA256] = h[C.ACTIVITY_ID].map(owner)
        for sha in batch:
            store.add_table(sha, features_table, f[f[C.FILE_SHA256] == sha])
            store.add_table(sha, hr_table, h[h[C.FILE_SHA256] == sha])
        feats.append(f)
        hists.append(h)
    return concat(feats), concat(hists)
