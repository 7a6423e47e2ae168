"""Read a runner's whole history: every input accounted for, decoded once (cached),
in parallel, duplicates resolved, into one activity table and one sample table."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import columns as C
from .errors import NotAnActivity, UnreadableExport
from .importers import decode
from .importers.base import LOCAL_CLOCK_ONLY, activity_frame, empty_weights
from .importers.gear import GEAR_COLUMNS
from .importers.sources import iter_inputs
from .store import Store

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
    """

    files: list[FileResult]
    all_activities: pd.DataFrame
    weights: pd.DataFrame
    gear: pd.DataFrame
    shoes: pd.DataFrame
    decoded: int
    store: Store

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
            return pd.DataFrame(columns=[C.ACTIVITY_ID, C.TIMESTAMP, *C.NUMERIC_SAMPLE_COLUMNS])
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


def _decode_entry(label: str, data: bytes, sha256: str, cache_root: str) -> dict:
    """Decode one file and store the result (runs in a worker process), within
    DECODE_BUDGET_S where a timer signal can be used (the main thread of a process)."""
    import signal
    import threading

    store = Store(cache_root)
    decoded = None
    timed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous = signal.signal(signal.SIGALRM, _alarm) if timed else None
    try:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, DECODE_BUDGET_S)
        decoded = decode(data, label, sha256)
        meta = {"kind": decoded.kind, "note": decoded.note, "reason": ""}
    except _OverBudget:
        return {
            "kind": "error",
            "reason": f"decoding took longer than {DECODE_BUDGET_S:g} s: not read",
            "sha256": sha256,
        }
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
    return store.put(sha256, meta, decoded)


def _progress(total: int, enabled: bool | None):
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, disable=not enabled, file=sys.stderr, unit="file", desc="decoding", leave=False)


def _decode_pending(pending: dict[str, tuple[str, bytes]], store: Store, workers: int, progress) -> dict[str, dict]:
    """Decode every pending file into the store; returns each file's metadata (outcomes
    that are not cached, such as an exceeded time budget, live only here)."""
    root = str(store.root.parent)
    failed: list[str] = []
    metas: dict[str, dict] = {}
    with _progress(len(pending), progress) as bar:
        if workers <= 1 or len(pending) <= 1:
            for sha, (label, data) in pending.items():
                metas[sha] = _decode_entry(label, data, sha, root)
                bar.update()
            return metas
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(_decode_entry, label, data, sha, root): sha for sha, (label, data) in pending.items()
            }
            for fut in as_completed(futures):
                try:
                    metas[futures[fut]] = fut.result()
                except Exception:  # noqa: BLE001 - a dead worker: retried below, in this process
                    failed.append(futures[fut])
                bar.update()
    for sha in failed:
        label, data = pending[sha]
        metas[sha] = _decode_entry(label, data, sha, root)
    return metas


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
    else UTC, and the activity's note says which."""
    acts = acts.sort_values(C.START_UTC, kind="stable").reset_index(drop=True)
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
    workers = workers or os.cpu_count() or 1
    files: list[FileResult] = []
    pending: dict[str, tuple[str, bytes]] = {}
    for item in iter_inputs(paths):
        rec = FileResult(path=item.label)
        if item.error is not None:
            rec.status, rec.reason = C.SKIPPED, item.error
        else:
            rec.sha256 = hashlib.sha256(item.data).hexdigest()
            if rec.sha256 not in pending and store.meta(rec.sha256) is None:
                pending[rec.sha256] = (item.label, item.data)
        files.append(rec)
    transient = _decode_pending(pending, store, workers, progress)
    decoded = len(pending)
    pending.clear()

    order = {f.path: i for i, f in enumerate(files)}
    act_frames, weights, gear, shoes = [], [], [], []
    first_label: dict[str, str] = {}
    for rec in files:
        if rec.status:
            continue
        meta = store.meta(rec.sha256) or transient.get(rec.sha256)
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
            act_frames.append(store.table_path(rec.sha256, "activities"))
            if store.table_path(rec.sha256, "weights") is not None:
                w = store.table(rec.sha256, "weights")
                weights.append(w.assign(**{C.SOURCE: rec.path}))

    # All activity tables in one read (one arrow -> pandas conversion, not one per file).
    all_acts = _read_parquets([p for p in act_frames if p is not None])
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
    )
