"""Read a runner's whole history: every input accounted for, decoded once (cached),
in parallel, duplicates resolved, into one activity table and one sample table."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import columns as C
from .catalog import FEATURES_TABLE, HR_TABLE, Catalog
from .errors import NotAnActivity, UnreadableExport
from .features import per_run
from .importers import decode
from .importers.base import LOCAL_CLOCK_ONLY
from .importers.gear import GEAR_COLUMNS
from .importers.sources import InputMemo, iter_inputs, read_again
from .store import Store, to_arrow
from .tables import activity_frame, empty_samples, empty_weights

#: Two recordings are the same run when they start within this many seconds...
DUPLICATE_START_S = 120.0
#: ...and their durations and distances differ by at most this fraction.
#: (Issue 2's rule: a FIT and a GPX copy of a run, or two exports of it.)
DUPLICATE_TOLERANCE = 0.05


@dataclass
class FileResult:
    """What became of one input file. ``status`` is one of columns.FILE_STATUSES."""

    path: str
    status: str = ""
    reason: str = ""
    activity_ids: list[str] = field(default_factory=list)
    sha256: str = ""

    def as_dict(self) -> dict:
        return {"path": self.path, "status": self.status, "reason": self.reason, "activity_ids": self.activity_ids}


@dataclass
class History:
    """A runner's imported history.

    files : one FileResult per input file, in input order
    all_activities : every activity found, duplicates included (``duplicate_of`` set)
    weights : body-mass readings [kg]
    gear : rows of gear exports (Strava activities.csv)
    shoes : the runner's shoe list(s) found among the inputs (shoes.csv)
    decoded : how many files were decoded in this call (the rest came from the cache)
    store : the cache the history was read from
    features : per-run features of every run (features.per_run.compute), cached
    hr_hist : per-run heart-rate histograms (features.load.hr_histogram), cached
    """

    files: list[FileResult]
    all_activities: pd.DataFrame
    weights: pd.DataFrame
    gear: pd.DataFrame
    shoes: pd.DataFrame
    decoded: int
    store: Store
    features: pd.DataFrame = field(default_factory=pd.DataFrame)
    hr_hist: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def activities(self) -> pd.DataFrame:
        """One row per distinct activity (duplicates removed), runs and other sports."""
        return self.all_activities[self.all_activities[C.DUPLICATE_OF] == ""].reset_index(drop=True)

    @property
    def runs(self) -> pd.DataFrame:
        acts = self.activities
        return acts[acts[C.IS_RUN]].reset_index(drop=True)

    @property
    def samples(self) -> pd.DataFrame:
        """One row per sample of the distinct activities (loaded from the cache on use)."""
        if not hasattr(self, "_samples"):
            self._samples = self.load_samples(self.activities[C.ACTIVITY_ID])
        return self._samples

    def run_features(self, activity_ids: Iterable[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(per-run features, heart-rate histograms) of the given activities' runs,
        from the cache (features.per_run): what the detectors need from the samples."""
        ids = set(activity_ids)
        feats, hist = self.features, self.hr_hist
        if not len(feats) or not len(hist):
            empty_feats, empty_hist = per_run.empty()
            feats = feats if len(feats) else empty_feats
            hist = hist if len(hist) else empty_hist
        return (
            feats[feats[C.ACTIVITY_ID].isin(ids)].drop(columns=C.FILE_SHA256, errors="ignore"),
            hist[hist[C.ACTIVITY_ID].isin(ids)].drop(columns=C.FILE_SHA256, errors="ignore"),
        )

    def load_samples(self, activity_ids: Iterable[str]) -> pd.DataFrame:
        """Samples of the given activities only (one batched parquet read)."""
        wanted = set(activity_ids)
        acts = self.all_activities
        per_file: dict[str, list[str]] = {}
        for sha, aid in zip(acts[C.FILE_SHA256], acts[C.ACTIVITY_ID], strict=True):
            per_file.setdefault(sha, []).append(aid)
        paths, partial = [], False
        for sha, ids in per_file.items():
            hit = [a for a in ids if a in wanted]
            path = self.store.table_path(sha, "samples") if hit else None
            if path is not None:
                paths.append(path)
                partial |= len(hit) < len(ids)
        frame = _read_parquets(paths, wanted if partial else None)
        if frame.empty:
            return empty_samples()
        return frame

    def counts(self) -> dict[str, int]:
        out = {status: 0 for status in C.FILE_STATUSES}
        for f in self.files:
            out[f.status] += 1
        return out

    def read_any(self) -> bool:
        return any(f.status != C.SKIPPED for f in self.files)


def _read_parquets(paths: list, wanted: set[str] | None = None) -> pd.DataFrame:
    """Several parquet tables as one frame: one pyarrow dataset over the files (their
    columns unified: developer fields differ between files), rows filtered to the
    activity ids in ``wanted`` when given, converted to pandas once."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    if not paths:
        return pd.DataFrame()
    names = [str(p) for p in paths]
    schema = pa.unify_schemas([pq.read_schema(p) for p in names], promote_options="permissive")
    table = ds.dataset(names, format="parquet", schema=schema).to_table()
    if wanted is not None:
        table = table.filter(pc.is_in(table[C.ACTIVITY_ID], value_set=pa.array(sorted(wanted), pa.string())))
    return table.to_pandas()


#: Time budget for decoding one file [s]. The slowest honest case, a 24-hour activity at
#: 1 s recording through the fitparse fallback (~5,000 records/s), takes ~20 s; a file
#: that takes longer is hostile or pathological and is skipped with this reason. Not
#: cached, so a faster machine may try again.
DECODE_BUDGET_S = 120.0


class _OverBudget(Exception):
    pass


def _alarm(_signum, _frame):
    raise _OverBudget


#: Files per worker task: a task decodes them one by one, then computes the per-run
#: features of all of them at once (vectorised over the batch; per-file pandas calls
#: cost more than the decoding).
CHUNK_FILES = 16
#: ...and at most this many bytes of input per task.
CHUNK_BYTES = 64 * 2**20
#: Tasks queued or running per worker process: bounds the file bytes held in memory.
TASKS_PER_WORKER = 2
#: At most this many files to decode, and no worker started yet: they are decoded in
#: this process (a worker costs about 0.3 s to start and feed; a file about 50 ms).
IN_PROCESS_FILES = 2


def _decode_one(label: str, data: bytes, sha256: str) -> tuple[dict, object]:
    """Decode one file within DECODE_BUDGET_S where a timer signal can be used (the
    main thread of a process). Returns (meta, Decoded or None)."""
    import signal
    import threading

    decoded = None
    timed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous = signal.signal(signal.SIGALRM, _alarm) if timed else None
    try:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, DECODE_BUDGET_S)
        decoded = decode(data, label, sha256)
        meta = {"kind": decoded.kind, "note": decoded.note, "reason": ""}
    except _OverBudget:
        meta = {"kind": "error", "reason": f"decoding took longer than {DECODE_BUDGET_S:g} s: not read", _NOT_CACHED: 1}
    except NotAnActivity as err:
        meta = {"kind": "not_activity", "reason": err.reason}
    except UnreadableExport as err:
        meta = {"kind": "error", "reason": err.reason}
    except Exception as err:  # noqa: BLE001 - one bad file must never stop a batch
        meta = {"kind": "error", "reason": f"importer failed: {type(err).__name__}: {' '.join(str(err).split())[:200]}"}
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return meta, decoded


#: Key of a meta that is not to be cached (an exceeded time budget).
_NOT_CACHED = "not_cached"


def _features(decoded: list) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """(run features, heart-rate histogram) of each Decoded: computed over all of them
    at once, else (a failure) file by file; a file whose features cannot be computed
    gets them with its form_reason saying why."""
    if not decoded:
        return []
    try:
        acts = pd.concat([d.activities for d in decoded], ignore_index=True)
        samples = pd.concat([d.samples for d in decoded if len(d.samples)], ignore_index=True)
        feats, hist = per_run.compute(acts, samples)
    except Exception:  # noqa: BLE001 - find the file that fails, below
        if len(decoded) > 1:
            return [pair for d in decoded for pair in _features([d])]
        d = decoded[0]
        return [per_run.unavailable(d.activities, d.samples, "features could not be computed from the samples")]
    out = []
    for d in decoded:
        ids = set(d.activities[C.ACTIVITY_ID])
        out.append(
            (
                feats[feats[C.ACTIVITY_ID].isin(ids)].reset_index(drop=True),
                hist[hist[C.ACTIVITY_ID].isin(ids)].reset_index(drop=True),
            )
        )
    return out


def _decode_chunk(items: list[tuple[str, bytes, str]], cache_root: str) -> list[dict]:
    """Decode files and store each with its runs' features (runs in a worker process).

    Returns one result per file: sha256, meta and, for activity files, the small
    tables the main process needs (activities, run features, heart-rate histogram)."""
    store = Store(cache_root)
    done = [(sha, *_decode_one(label, data, sha)) for label, data, sha in items]
    activity = [d for _, _, d in done if d is not None and d.kind == "activity"]
    features = dict(zip((id(d) for d in activity), _features(activity), strict=True))
    results = []
    for sha, meta, decoded in done:
        out = {"sha256": sha}
        if meta.get(_NOT_CACHED):
            results.append({**out, "meta": {**meta, "sha256": sha}})
            continue
        extra = {}
        if id(decoded) in features:
            # Arrow tables, each row naming its entry: what the main process gathers
            # for the catalog (concatenated at once, not frame by frame).
            feats, hist = (_arrow_with_sha(f, sha) for f in features[id(decoded)])
            extra = {FEATURES_TABLE: feats, HR_TABLE: hist}
            out.update({"activities": to_arrow(decoded.activities), FEATURES_TABLE: feats, HR_TABLE: hist})
        out["meta"] = store.put(sha, meta, decoded, extra)
        results.append(out)
    return results


def _progress(enabled: bool | None):
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(disable=not enabled, file=sys.stderr, unit="file", desc="decoding", leave=False)


class _Decoder:
    """Decodes files in batches as they are found, in worker processes, with at most
    TASKS_PER_WORKER batches per worker in flight (so a long history's bytes are never
    all in memory). A batch whose worker died is decoded again here, file by file."""

    def __init__(self, store: Store, workers: int, progress) -> None:
        self.root = str(store.root.parent)
        self.workers = workers
        self.results: dict[str, dict] = {}
        self.queued: set[str] = set()
        self._batch: list[tuple[str, bytes, str]] = []
        self._bytes = 0
        self._pool = None
        self._futures: dict = {}
        self._bar = progress

    def add(self, label: str, data: bytes, sha256: str) -> None:
        if sha256 in self.queued:
            return
        self.queued.add(sha256)
        self._batch.append((label, data, sha256))
        self._bytes += len(data)
        if len(self._batch) >= CHUNK_FILES or self._bytes >= CHUNK_BYTES:
            self._submit(self._batch)
            self._batch, self._bytes = [], 0

    def finish(self) -> dict[str, dict]:
        """Decode what is left; returns {sha256: result} of every file decoded."""
        rest, self._batch = self._batch, []
        if self._pool is None and len(rest) <= IN_PROCESS_FILES:
            # A few new files (the run synced today): starting worker processes costs
            # more than decoding them here.
            if rest:
                self._collect(_decode_chunk(rest, self.root))
            return self.results
        # Spread the last files over the workers instead of leaving one a full batch.
        share = max(1, -(-len(rest) // max(1, self.workers)))
        for i in range(0, len(rest), share):
            self._submit(rest[i : i + share])
        self._wait(0)
        if self._pool is not None:
            self._pool.shutdown()
        return self.results

    def _submit(self, batch: list) -> None:
        if self.workers <= 1:
            self._collect(_decode_chunk(batch, self.root))
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        self._wait(self.workers * TASKS_PER_WORKER - 1)
        try:
            self._futures[self._pool.submit(_decode_chunk, batch, self.root)] = batch
        except Exception:  # noqa: BLE001 - a broken pool: decode here
            self._retry(batch)

    def _wait(self, at_most: int) -> None:
        while len(self._futures) > at_most:
            done, _ = wait(self._futures, return_when=FIRST_COMPLETED)
            for fut in done:
                batch = self._futures.pop(fut)
                try:
                    self._collect(fut.result())
                except Exception:  # noqa: BLE001 - a dead worker: retried here
                    self._retry(batch)

    def _retry(self, batch: list) -> None:
        for item in batch:
            self._collect(_decode_chunk([item], self.root))

    def _collect(self, results: list[dict]) -> None:
        for r in results:
            self.results[r["sha256"]] = r
        self._bar.update(len(results))


def _close(a: float, b: float) -> bool:
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    return abs(a - b) <= DUPLICATE_TOLERANCE * max(abs(a), abs(b)) or (a == b)


def find_duplicates(acts: pd.DataFrame, order: dict[str, int]) -> dict[str, tuple[str, str]]:
    """Activities that record the same outing as a richer one.

    Returns {duplicate activity_id: (kept activity_id, reason)}. Same outing: starts
    within DUPLICATE_START_S, durations (elapsed or timer) and distances within
    DUPLICATE_TOLERANCE. The richer copy is kept: a whole recording over a truncated
    one, then running dynamics, heart rate, FIT over GPX, more samples, an intact CRC,
    and last the earlier input.
    """
    if acts.empty:
        return {}
    acts = acts.sort_values(C.START_UTC, kind="stable").reset_index(drop=True)
    start = acts[C.START_UTC].dt.as_unit("ns").astype("int64").to_numpy() / 1e9
    parent = list(range(len(acts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(acts)):
        for j in range(i + 1, len(acts)):
            if start[j] - start[i] > DUPLICATE_START_S:
                break
            a, b = acts.iloc[i], acts.iloc[j]
            if a[C.FILE_SHA256] == b[C.FILE_SHA256]:
                continue  # sessions of one file are never copies of each other
            same_time = _close(a[C.ELAPSED_S], b[C.ELAPSED_S]) or _close(a[C.TIMER_S], b[C.TIMER_S])
            same_dist = _close(a[C.DISTANCE_M], b[C.DISTANCE_M]) or (a[C.DISTANCE_M] == 0 and b[C.DISTANCE_M] == 0)
            if same_time and same_dist:
                parent[find(j)] = find(i)

    groups: dict[int, list[int]] = {}
    for i in range(len(acts)):
        groups.setdefault(find(i), []).append(i)
    out = {}
    for members in groups.values():
        if len(members) < 2:
            continue

        def richness(i: int):
            r = acts.iloc[i]
            whole = "partial read" not in r[C.NOTE]
            crc_ok = "CRC check failed" not in r[C.NOTE]
            return (
                whole,
                r[C.HAS_DYNAMICS],
                r[C.HAS_HR],
                r[C.FORMAT] == "fit",
                r[C.N_SAMPLES],
                crc_ok,
                -order.get(r[C.SOURCE], 0),
            )

        keep = max(members, key=richness)
        k = acts.iloc[keep]
        for i in members:
            if i == keep:
                continue
            d = acts.iloc[i]
            apart = abs(start[i] - start[keep])
            ddist = abs(d[C.DISTANCE_M] - k[C.DISTANCE_M]) / max(k[C.DISTANCE_M], d[C.DISTANCE_M], 1e-9) * 100
            out[d[C.ACTIVITY_ID]] = (
                k[C.ACTIVITY_ID],
                f"same run as {k[C.SOURCE]} (starts {apart:.0f} s apart, distances {ddist:.1f} % apart); "
                "the richer copy is kept",
            )
    return out


def _fill_local_time(acts: pd.DataFrame) -> pd.DataFrame:
    """Add START_LOCAL: start + offset; where the offset is unknown, the offset of the
    nearest activity in time with a known one (a runner mostly stays in one zone),
    else UTC, and the activity's note says which. Rows come out in start order (ties by
    activity_id, so the order never depends on where the rows were read from)."""
    acts = acts.sort_values([C.START_UTC, C.ACTIVITY_ID], kind="stable").reset_index(drop=True)
    offset = acts[C.UTC_OFFSET_S].astype("float64")
    # Device-relative FIT times placed by the watch's local clock are local already.
    offset = offset.mask(acts[C.UTC_OFFSET_SOURCE] == LOCAL_CLOCK_ONLY, 0.0)
    known = offset.notna()
    assumed = offset.copy()
    if known.any() and not known.all():
        t = acts[C.START_UTC].dt.as_unit("ns").astype("int64").to_numpy()
        kt, kv = t[known.to_numpy()], offset[known].to_numpy()
        for i in np.flatnonzero(~known.to_numpy()):
            j = int(np.argmin(np.abs(kt - t[i])))
            assumed.iat[i] = kv[j]
    assumed = assumed.fillna(0.0)
    notes = acts[C.NOTE].copy()
    for i in np.flatnonzero(~known.to_numpy()):
        how = (
            f"UTC{assumed.iat[i] / 3600:+g} h assumed from the nearest activity with a known offset"
            if known.any()
            else "UTC assumed"
        )
        notes.iat[i] = "; ".join(x for x in (notes.iat[i], f"local time: {how}") if x)
    acts[C.NOTE] = notes
    local = acts[C.START_UTC] + pd.to_timedelta(assumed, unit="s")
    acts[C.START_LOCAL] = local.dt.tz_localize(None)
    return acts


#: Cache entries whose samples are read together when features must be computed
#: again (a newer features version, an entry from an older heavylegs): bounds memory.
FEATURE_BATCH_FILES = 64
#: The input memo's file in the catalog folder (importers.sources.InputMemo).
INPUT_MEMO = "inputs.json"


def _arrow_with_sha(frame: pd.DataFrame, sha: str):
    """to_arrow(frame) with a file_sha256 column naming its cache entry."""
    import pyarrow as pa

    table = to_arrow(frame.drop(columns=C.FILE_SHA256, errors="ignore"))
    return table.append_column(C.FILE_SHA256, pa.array([sha] * len(frame), pa.string()))


def _entry_tables(
    store: Store, catalog: Catalog, fresh: dict[str, dict], metas: dict[str, dict], shas: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The activity rows, run features and heart-rate histograms of the cache entries
    ``shas``: from this import's results, from the catalog, else from the entries (whose
    features are computed again where missing); the catalog then learns what it lacked."""
    new_rows = {name: [] for name in ("activities", FEATURES_TABLE, HR_TABLE)}
    for sha in shas:
        r = fresh.get(sha)
        if r is not None and "activities" in r:
            for name in new_rows:
                new_rows[name].append(r[name])
    from_fresh = {sha for sha in shas if sha in fresh}
    in_catalog = [sha for sha in shas if sha not in from_fresh and sha in catalog.metas]
    from_entries = [sha for sha in shas if sha not in from_fresh and sha not in catalog.metas]
    if from_entries:
        paths = [store.table_path(sha, "activities") for sha in from_entries]
        new_rows["activities"].append(_read_parquets([p for p in paths if p is not None]))
    featured = set(from_fresh)
    unfeatured = [sha for sha in [*in_catalog, *from_entries] if sha not in catalog.featured]
    have = [sha for sha in unfeatured if store.table_path(sha, FEATURES_TABLE) is not None]
    for name in (FEATURES_TABLE, HR_TABLE):  # entry feature tables carry file_sha256
        parts = [pd.read_parquet(store.table_path(sha, name)) for sha in have]
        new_rows[name].extend(p for p in parts if len(p))
    featured.update(have)
    missing = [sha for sha in unfeatured if sha not in featured]
    acts_new = _concat(new_rows["activities"])
    if missing:
        acts_missing = pd.concat(
            [acts_new[acts_new[C.FILE_SHA256].isin(missing)], catalog.rows("activities", missing)], ignore_index=True
        )
        feats, hist = _compute_features(store, acts_missing)
        new_rows[FEATURES_TABLE].append(feats)
        new_rows[HR_TABLE].append(hist)
        featured.update(missing)
    feats_new, hist_new = _concat(new_rows[FEATURES_TABLE]), _concat(new_rows[HR_TABLE])
    # The catalog learns the entries it did not cover (not the uncached outcomes).
    learn = {sha: m for sha, m in metas.items() if sha not in catalog.metas and not m.get(_NOT_CACHED)}
    catalog.update(learn, {"activities": acts_new, FEATURES_TABLE: feats_new, HR_TABLE: hist_new}, featured)
    acts = _concat([catalog.rows("activities", in_catalog), acts_new])
    covered = [sha for sha in in_catalog if sha in catalog.featured and sha not in featured]
    feats = _concat([catalog.rows(FEATURES_TABLE, covered), feats_new])
    hist = _concat([catalog.rows(HR_TABLE, covered), hist_new])
    return acts, feats, hist


def _concat(frames: list) -> pd.DataFrame:
    """Frames and arrow tables as one frame (arrow tables joined first, converted once);
    empty ones are left out."""
    import pyarrow as pa

    frames = [f for f in frames if f is not None and len(f)]
    tables = [f for f in frames if isinstance(f, pa.Table)]
    frames = [f for f in frames if not isinstance(f, pa.Table)]
    if tables:
        frames.append(pa.concat_tables(tables, promote_options="permissive").to_pandas())
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)


def _compute_features(store: Store, acts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run features and heart-rate histograms of cached entries that lack them, from
    their cached samples (FEATURE_BATCH_FILES entries at a time); each entry keeps
    its tables for next time."""
    feats, hists = [], []
    shas = list(dict.fromkeys(acts[C.FILE_SHA256]))
    for i in range(0, len(shas), FEATURE_BATCH_FILES):
        batch = shas[i : i + FEATURE_BATCH_FILES]
        paths = [store.table_path(sha, "samples") for sha in batch]
        samples = _read_parquets([p for p in paths if p is not None])
        part = acts[acts[C.FILE_SHA256].isin(batch)]
        f, h = per_run.features_from_samples(part, samples)
        owner = dict(zip(part[C.ACTIVITY_ID], part[C.FILE_SHA256], strict=True))
        f[C.FILE_SHA256] = f[C.ACTIVITY_ID].map(owner)
        h[C.FILE_SHA256] = h[C.ACTIVITY_ID].map(owner)
        for sha in batch:
            store.add_table(sha, FEATURES_TABLE, f[f[C.FILE_SHA256] == sha])
            store.add_table(sha, HR_TABLE, h[h[C.FILE_SHA256] == sha])
        feats.append(f)
        hists.append(h)
    return _concat(feats), _concat(hists)


def read_history(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    cache: str | os.PathLike | None = None,
    workers: int | None = None,
    progress: bool | None = None,
) -> History:
    """Import FIT/GPX files, folders, .gz and .zip exports into one history.

    Parameters
    ----------
    paths : files and folders (recursive); archives are opened in memory.
    cache : cache folder; default the per-user cache dir (platformdirs).
    workers : decoding processes; default all cores.
    progress : progress bar on stderr; default only when stderr is a terminal.

    Every input file ends in exactly one status (imported, duplicate, not_run, skipped)
    with a reason where there is one. The user's files are only ever read.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    store = Store(cache)
    catalog = Catalog(store)
    workers = workers or os.cpu_count() or 1
    files: list[FileResult] = []
    known: dict[str, dict] = {}

    # Files unchanged since an earlier import are not read again (their content hash
    # is remembered under their identity), when their cache entries exist.
    def cached(sha: str) -> bool:
        return sha in catalog.metas or store.has(sha)

    memo = InputMemo(catalog.dir / INPUT_MEMO, known=cached)
    with _progress(progress) as bar:
        decoder = _Decoder(store, workers, bar)
        for item in iter_inputs(paths, memo):
            rec = FileResult(path=item.label)
            if item.sha256 is not None and not (item.sha256 in known or cached(item.sha256)):
                item = read_again(item)  # remembered, but its entry went since: read it after all
            if item.error is not None:
                rec.status, rec.reason = C.SKIPPED, item.error
            else:
                rec.sha256 = sha = item.sha256 or hashlib.sha256(item.data).hexdigest()
                if sha not in known and sha not in decoder.queued:
                    meta = catalog.metas.get(sha) or store.meta(sha)
                    if meta is None:
                        decoder.add(item.label, item.data, sha)
                    else:
                        known[sha] = meta
            memo.note(item, rec.sha256 or None)
            files.append(rec)
        fresh = decoder.finish()
    memo.save()
    decoded = len(fresh)
    metas = {**known, **{sha: r["meta"] for sha, r in fresh.items()}}

    order = {f.path: i for i, f in enumerate(files)}
    act_shas, weights, gear, shoes = [], [], [], []
    first_label: dict[str, str] = {}
    for rec in files:
        if rec.status:
            continue
        meta = metas.get(rec.sha256)
        if meta is None:
            rec.status, rec.reason = C.SKIPPED, "the cache entry could not be written or read"
            continue
        if rec.sha256 in first_label:
            rec.status = C.DUPLICATE
            rec.reason = f"identical bytes to {first_label[rec.sha256]}"
            continue
        first_label[rec.sha256] = rec.path
        kind = meta["kind"]
        if kind in ("error", "not_activity"):
            rec.status, rec.reason = C.SKIPPED, meta["reason"]
        elif kind == "gear":
            rec.status, rec.reason = C.IMPORTED, meta.get("note", "")
            gear.append(store.table(rec.sha256, "gear"))
        elif kind == "shoes":
            rec.status, rec.reason = C.IMPORTED, meta.get("note", "")
            shoes.append(store.table(rec.sha256, "shoes"))
        elif kind == "weight":
            rec.status, rec.reason = C.NOT_RUN, meta.get("note", "")
            w = store.table(rec.sha256, "weights")
            weights.append(w.assign(**{C.SOURCE: rec.path}))
        else:
            rec.reason = meta.get("note", "")
            act_shas.append(rec.sha256)
            has_weights = "weights" in meta["tables"] if "tables" in meta else store.table_path(rec.sha256, "weights")
            if has_weights:
                w = store.table(rec.sha256, "weights")
                weights.append(w.assign(**{C.SOURCE: rec.path}))

    all_acts, run_feats, hr_hist = _entry_tables(store, catalog, fresh, metas, act_shas)
    if all_acts.empty:
        all_acts = activity_frame([])
    all_acts[C.SOURCE] = all_acts[C.FILE_SHA256].map(first_label).astype(str)
    ids_of: dict[str, list[str]] = {}
    for sha, aid in zip(all_acts[C.FILE_SHA256], all_acts[C.ACTIVITY_ID], strict=True):
        ids_of.setdefault(sha, []).append(aid)
    for rec in files:
        if not rec.status and first_label.get(rec.sha256) == rec.path:
            rec.activity_ids = ids_of.get(rec.sha256, [])
    dups = find_duplicates(all_acts, order)
    if dups:
        all_acts[C.DUPLICATE_OF] = all_acts[C.ACTIVITY_ID].map(lambda a: dups.get(a, ("",))[0])
    facts = {
        aid: (dup, run, "/".join(x for x in (sp, sub) if x) or "unknown sport")
        for aid, dup, run, sp, sub in zip(
            all_acts[C.ACTIVITY_ID],
            all_acts[C.DUPLICATE_OF],
            all_acts[C.IS_RUN],
            all_acts[C.SPORT],
            all_acts[C.SUB_SPORT],
            strict=True,
        )
    }
    for rec in files:
        if rec.status or not rec.activity_ids:
            if not rec.status:
                rec.status, rec.reason = C.SKIPPED, rec.reason or "no activity in the file"
            continue
        kept = [facts[a] for a in rec.activity_ids if facts[a][0] == ""]
        if not kept:
            rec.status = C.DUPLICATE
            why = "; ".join(dict.fromkeys(dups[a][1] for a in rec.activity_ids))
            rec.reason = "; ".join(x for x in (why, rec.reason) if x)
        elif not any(run for _, run, _ in kept):
            rec.status = C.NOT_RUN
            sports = ", ".join(dict.fromkeys(sport for _, _, sport in kept))
            rec.reason = "; ".join(x for x in (f"not a run: {sports}", rec.reason) if x)
        else:
            rec.status = C.IMPORTED
    all_acts = _fill_local_time(all_acts)
    all_acts = all_acts[list(C.ACTIVITY_COLUMNS)]
    return History(
        files=files,
        all_activities=all_acts,
        weights=pd.concat(weights, ignore_index=True) if weights else empty_weights(),
        gear=pd.concat(gear, ignore_index=True) if gear else pd.DataFrame(columns=list(GEAR_COLUMNS)),
        shoes=pd.concat(shoes, ignore_index=True).drop_duplicates("name", keep="last") if shoes else pd.DataFrame(),
        decoded=decoded,
        store=store,
        features=run_feats,
        hr_hist=hr_hist,
    )
