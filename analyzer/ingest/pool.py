"""Decoding files in worker processes, each file within a time budget, each batch of
files stored in the cache with its runs' features."""

from __future__ import annotations

import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import pandas as pd

from .. import columns as C
from ..cache import compact
from ..cache.layout import CacheLayout
from ..cache.parquet import to_arrow
from ..cache.store import Store
from ..errors import NotAnActivity, UnreadableExport
from ..features import per_run
from ..importers import decode
from ..importers.columnar import batch_activities, batch_columns, batch_samples, sample_shape, time_units
from .deadline import OverBudget, deadline

#: Time budget for decoding one file [s]. The slowest honest case, a 24-hour activity at
#: 1 s recording through the fitparse fallback (~5,000 records/s), takes ~20 s; a file
#: that takes longer is hostile or pathological and is skipped with this reason. Not
#: cached, so a faster machine may try again.
DECODE_BUDGET_S = 120.0
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
#: glibc malloc settings of a decoding worker [bytes] (mallopt(3), M_MMAP_THRESHOLD and
#: M_TRIM_THRESHOLD; Linux man-pages): allocations under the first come from the heap,
#: and freed memory is given back to the system only above the second. By default a
#: batch's arrays (~0.5 MB each) are mapped and unmapped on every allocation, ~200
#: page faults a file and ~0.5 ms of system time (heavylegs convention: a worker's
#: peak is ~150 MB, so it keeps what it used; benchmarks/README.md, issue 20).
WORKER_MMAP_THRESHOLD = 64 * 2**20
WORKER_TRIM_THRESHOLD = 256 * 2**20
#: Key of a meta that is not to be cached (an exceeded time budget).
NOT_CACHED = "not_cached"
#: The tables of a decoded file (importers.base.Decoded) that its cache entry keeps.
ENTRY_TABLES = ("activities", "samples", "weights", "gear", "shoes", "wellness", "ratings")


def decode_one(label: str, data: bytes, sha256: str) -> tuple[dict, object]:
    """Decode one file within DECODE_BUDGET_S (deadline.py: a timer signal in a main
    thread, a watchdog in any other, such as a Dask worker's). Returns (meta, Decoded or None)."""
    decoded = None
    try:
        with deadline(DECODE_BUDGET_S):
            decoded = decode(data, label, sha256)
        meta = {"kind": decoded.kind, "note": decoded.note, "reason": ""}
    except OverBudget:
        decoded = None
        meta = {"kind": "error", "reason": f"decoding took longer than {DECODE_BUDGET_S:g} s: not read", NOT_CACHED: 1}
    except NotAnActivity as err:
        meta = {"kind": "not_activity", "reason": err.reason}
    except UnreadableExport as err:
        meta = {"kind": "error", "reason": err.reason}
    except Exception as err:  # noqa: BLE001 - one bad file must never stop a batch
        meta = {"kind": "error", "reason": f"importer failed: {type(err).__name__}: {' '.join(str(err).split())[:200]}"}
    return meta, decoded


def run_features(decoded: list, samples=None, acts: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(run features, heart-rate histograms) of the activities of every Decoded, each
    row with its file's file_sha256: computed over all of them at once (``samples``
    and ``acts``: their batch_samples, or batch_columns, and batch_activities, when
    already made), else (a failure) file by file; a file whose features cannot be
    computed gets them with its form_reason saying why."""
    if not decoded:
        return per_run.empty()
    try:
        acts = batch_activities(decoded)[0] if acts is None else acts
        feats, hist = per_run.compute(acts, batch_samples(decoded) if samples is None else samples)
    except Exception:  # noqa: BLE001 - find the file that fails, below
        if len(decoded) > 1:
            parts = [run_features([d]) for d in decoded]
            return tuple(pd.concat([p[i] for p in parts], ignore_index=True) for i in range(2))  # type: ignore[return-value]
        d = decoded[0]
        acts = d.activities
        feats, hist = per_run.unavailable(d.activities, d.samples, "features could not be computed from the samples")
    _with_owner(acts, feats, hist)
    return feats, hist


def _with_owner(acts: pd.DataFrame, *frames: pd.DataFrame) -> None:
    """Each frame's file_sha256: the file of its row's activity in ``acts`` (the last
    row of an id listed twice), in the activity table's type."""
    ids, shas = pd.Index(acts[C.ACTIVITY_ID]), acts[C.FILE_SHA256]
    for frame in frames:
        at = ids.get_indexer(frame[C.ACTIVITY_ID]) if ids.is_unique else None
        if at is not None and (at >= 0).all():
            frame[C.FILE_SHA256] = shas.array.take(at)  # what the mapping below gives, by position
        else:
            owner = dict(zip(ids, shas, strict=True))
            frame[C.FILE_SHA256] = frame[C.ACTIVITY_ID].map(owner).astype(shas.dtype)


def _by_file(table):
    """(rows, span) of ``table`` (an arrow table with a file_sha256 column), split in
    one pass: ``rows(sha)`` gives a file's rows in table order (none, with the table's
    columns, for a file without rows); ``span(sha)`` their (start, length) when they
    are a zero-copy slice of ``table`` (a file's rows are together in batch order; a
    file without rows has the empty slice at 0), None when they were taken."""
    rows: dict[str, list[int]] = {}
    for i, sha in enumerate(table[C.FILE_SHA256].to_pylist()):
        rows.setdefault(sha, []).append(i)
    spans = {sha: (r[0], len(r)) for sha, r in rows.items() if r[-1] - r[0] == len(r) - 1}
    parts = {sha: table.slice(*spans[sha]) if sha in spans else table.take(r) for sha, r in rows.items()}
    empty = table.slice(0, 0)
    return (lambda sha: parts.get(sha, empty)), (lambda sha: spans.get(sha) if sha in parts else (0, 0))


class ChunkResults(list):
    """decode_chunk's results, one dict per file, whose small tables are slices of the
    batch's tables (``batch``: {name: arrow table}; ``spans``: {sha: {name: (start,
    length)}} of the slices). Pickled (from a worker to the main process), the batch's
    tables go once and the slices are made again on the other side: pickling a slice of
    an arrow table copies the whole of its table."""

    def __init__(self, results=(), batch: dict | None = None, spans: dict | None = None) -> None:
        super().__init__(results)
        self.batch = batch or {}
        self.spans = spans or {}

    def __reduce__(self):
        plain = [{k: v for k, v in r.items() if k not in self.spans.get(r["sha256"], ())} for r in self]
        return _chunk_results, (plain, self.batch, self.spans)


def _chunk_results(plain: list[dict], batch: dict, spans: dict) -> ChunkResults:
    for r in plain:
        for name, (start, length) in spans.get(r["sha256"], {}).items():
            r[name] = batch[name].slice(start, length)
    return ChunkResults(plain, batch, spans)


def _with_own_times(table, units: dict[str, str]):
    """``table`` (a file's rows cut from its batch's arrow table) with its datetime
    columns in the file's own ``units`` ({column: unit}, columnar.time_units): a batch of
    files whose times came in different units (us, ns) is converted in the finest, and
    each entry keeps what its file gave."""
    import pyarrow as pa

    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            unit = units.get(field.name)
            if unit is not None and field.type.unit != unit:
                table = table.set_column(i, field.name, table[field.name].cast(pa.timestamp(unit, tz=field.type.tz)))
    return table


def _cut(table, shapes: list[tuple[int, list[str], dict[str, str]]]) -> list:
    """Each file's rows of ``table``, the arrow table of the files' samples concatenated
    in order (batch_samples), cut back to the file's rows and columns (a developer field
    of one file is not another's) in its own units; ``shapes``: (rows, columns, units)
    of each file (columnar.sample_shape). None for a file without rows."""
    out, start = [], 0
    for n, names, units in shapes:
        out.append(_with_own_times(table.slice(start, n).select(names), units) if n else None)
        start += n
    return out


def _columns_table(samples):
    """The arrow table of a batch's samples held as columns (columnar.BatchColumns):
    to_arrow(samples.frame(), False)'s, its activity ids as compact.encode stores them
    (runs), its float columns not copied."""
    import pyarrow as pa

    columns = {
        C.ACTIVITY_ID: compact.text_runs(samples.ids, samples.lengths),
        C.TIMESTAMP: pa.array(samples.ns, pa.timestamp("ns", tz="UTC")),
    }
    for j, name in enumerate(samples.names):
        columns[name] = pa.array(samples.block[j])
    return pa.table(columns)


class _Batch:
    """The tables of a batch's activity files, each made once for all of them (the
    samples, activity rows, run features and heart-rate histograms) and cut per file."""

    def __init__(self, activity: list, layout: CacheLayout) -> None:
        # The samples as columns when the files were decoded to columns (the fast path),
        # else as one frame.
        samples = batch_columns(activity)
        if samples is None:
            samples = batch_samples(activity)
        acts, self.same_units = batch_activities(activity)
        feats, hist = (to_arrow(f) for f in run_features(activity, samples, acts))
        self.names = ("activities", layout.features_table, layout.hr_table)
        self.tables = dict(zip(self.names, (to_arrow(acts), feats, hist), strict=True))
        self.cut = {name: _by_file(t) for name, t in self.tables.items()}
        # Samples keep NaN (a reading the file lacks) as NaN, and are narrowed for the
        # cache entries once for the batch (cache/compact.py: each entry's are slices).
        table = to_arrow(samples, False) if isinstance(samples, pd.DataFrame) else _columns_table(samples)
        own = _cut(compact.encode(table), [sample_shape(d) for d in activity])
        self.samples = dict(zip(map(id, activity), own, strict=True))

    def of(self, sha: str, decoded) -> tuple[dict, dict]:
        """(the file's small tables by name, {name: (start, length)} of those that are
        slices of the batch's: not an activity table converted to the file's own times)."""
        small = {name: rows(sha) for name, (rows, _span) in self.cut.items()}
        spans = {name: span(sha) for name, (_rows, span) in self.cut.items()}
        if not self.same_units:
            own = _with_own_times(small["activities"], time_units(decoded.activities))
            if own is not small["activities"]:
                small["activities"], spans["activities"] = own, None
        return small, {name: span for name, span in spans.items() if span is not None}


def decode_chunk(items: list[tuple[str, bytes, str]], layout: CacheLayout) -> list[dict]:
    """Decode files and store each with its runs' features (runs in a worker process).

    Returns one result per file (ChunkResults): sha256, meta and, for activity files,
    the small tables the main process needs (activities, run features, heart-rate
    histogram), as arrow tables (each converted once for the whole batch, then cut per
    file)."""
    store = Store(layout)
    done = [(sha, *decode_one(label, data, sha)) for label, data, sha in items]
    activity = [d for _, _, d in done if d is not None and d.kind == "activity"]
    results = ChunkResults()
    batch = _Batch(activity, layout) if activity else None
    if batch is not None:
        results.batch = batch.tables
    for sha, meta, decoded in done:
        out = {"sha256": sha}
        if meta.get(NOT_CACHED):
            results.append({**out, "meta": {**meta, "sha256": sha}})
            continue
        is_activity = decoded is not None and decoded.kind == "activity"
        own = ("activities", "samples") if is_activity else ()  # cut from the batch's, below
        tables = decoded.table_items([n for n in ENTRY_TABLES if n not in own]) if decoded is not None else {}
        derived = {}
        if batch is not None and is_activity:
            # What the main process gathers for the catalog (concatenated at once).
            small, results.spans[sha] = batch.of(sha, decoded)
            derived = {name: small[name] for name in batch.names[1:]}
            tables.update(activities=small["activities"], samples=batch.samples[id(decoded)])
            out.update(small)
        out["meta"] = store.put(sha, meta, tables, derived)
        results.append(out)
    return results


def worker_start() -> None:
    """Set up a decoding worker process: glibc malloc keeps freed memory for the next
    batch (WORKER_MMAP_THRESHOLD, WORKER_TRIM_THRESHOLD); nothing where the C library
    is not glibc."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, WORKER_MMAP_THRESHOLD)  # M_MMAP_THRESHOLD (malloc.h)
        libc.mallopt(-1, WORKER_TRIM_THRESHOLD)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


def progress_bar(enabled: bool | None):
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(disable=not enabled, file=sys.stderr, unit="file", desc="decoding", leave=False)


class Decoder:
    """Decodes files in batches as they are found, in worker processes, with at most
    TASKS_PER_WORKER batches per worker in flight (so a long history's bytes are never
    all in memory). A batch whose worker died is decoded again here, file by file."""

    def __init__(self, layout: CacheLayout, workers: int, progress) -> None:
        self.layout = layout
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
                self._collect(decode_chunk(rest, self.layout))
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
            self._collect(decode_chunk(batch, self.layout))
            return
        if self._pool is None:
            if any(data[8:12] == b".FIT" for _label, data, _sha in batch):
                # The FIT importer (and fitparse) imported once here, before the workers
                # fork, rather than in each worker (~50 ms of CPU a worker).
                from ..importers import fit  # noqa: F401
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=worker_start)
        self._wait(self.workers * TASKS_PER_WORKER - 1)
        try:
            self._futures[self._pool.submit(decode_chunk, batch, self.layout)] = batch
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
            self._collect(decode_chunk([item], self.layout))

    def _collect(self, results: list[dict]) -> None:
        for r in results:
            self.results[r["sha256"]] = r
        self._bar.update(len(results))
