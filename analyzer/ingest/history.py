"""Read a runner's whole history: every input accounted for, decoded once (cached),
in parallel, duplicates resolved, into one activity table and its per-run features."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from .. import columns as C
from ..cache import Cache
from ..features.per_run import RUN_FEATURES_VERSION, empty
from ..features.wellness import daily_wellness
from ..importers import IMPORTER_VERSION
from ..importers.gear import GEAR_COLUMNS
from ..importers.plausible import NOT_A_RUN
from ..tables import activity_frame, empty_ratings, empty_samples, empty_weights, empty_wellness
from .duplicates import find_duplicates
from .entries import entry_tables
from .local_time import fill_local_time
from .pool import Decoder, progress_bar
from .ratings import apply_ratings
from .sources import iter_inputs, read_again
from .strava_rows import csv_activities, csv_run_features, matched_weather, with_row_ratings


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
    gear : rows of gear exports (Strava activities.csv); the rows whose activity file
        was not read are activities too (format 'strava_csv', ingest.strava_rows)
    shoes : the runner's shoe list(s) found among the inputs (shoes.csv)
    wellness : wellness readings, one row per day, metric and file (WELLNESS_COLUMNS);
        ``daily_wellness`` is one row per day
    ratings : ratings of activities given by other files than the activities' own
        (RATING_COLUMNS), already applied to the activity table's feel/RPE columns
    decoded : how many files were decoded in this call (the rest came from the cache)
    cache : the cache the history was read from (analyzer.cache.Cache)
    features : per-run features of every run (features.per_run.compute), cached
    hr_hist : per-run heart-rate histograms (features.load.hr_histogram), cached
    """

    files: list[FileResult]
    all_activities: pd.DataFrame
    weights: pd.DataFrame
    gear: pd.DataFrame
    shoes: pd.DataFrame
    decoded: int
    cache: Cache
    features: pd.DataFrame = field(default_factory=pd.DataFrame)
    hr_hist: pd.DataFrame = field(default_factory=pd.DataFrame)
    wellness: pd.DataFrame = field(default_factory=empty_wellness)
    ratings: pd.DataFrame = field(default_factory=empty_ratings)

    @property
    def daily_wellness(self) -> pd.DataFrame:
        """One row per local day with wellness readings or a weight (features.wellness)."""
        if not hasattr(self, "_daily_wellness"):
            self._daily_wellness = daily_wellness(self.wellness, self.weights)
        return self._daily_wellness

    def add_wellness(self, frame: pd.DataFrame | None) -> None:
        """Append readings from outside the inputs (a --diary file); the daily table is remade."""
        if frame is not None and len(frame):
            self.wellness = pd.concat([x for x in (self.wellness, frame) if len(x)], ignore_index=True)
            self.__dict__.pop("_daily_wellness", None)

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
            empty_feats, empty_hist = empty()
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
        shas, partial = [], False
        for sha, ids in per_file.items():
            hit = [a for a in ids if a in wanted]
            if hit:
                shas.append(sha)
                partial |= len(hit) < len(ids)
        frame = self.cache.store.tables(shas, "samples", wanted if partial else None)
        return empty_samples() if frame.empty else frame

    def counts(self) -> dict[str, int]:
        out = {status: 0 for status in C.FILE_STATUSES}
        for f in self.files:
            out[f.status] += 1
        return out

    def read_any(self) -> bool:
        return any(f.status != C.SKIPPED for f in self.files)

    def unread(self) -> list[tuple[str, str]]:
        """(path, reason) of every input file that was skipped."""
        return [(f.path, f.reason) for f in self.files if f.status == C.SKIPPED]


def open_cache(cache: str | os.PathLike | None = None) -> Cache:
    """The cache at ``cache`` (default: the per-user cache dir) for this version of the
    importer and of the per-run features."""
    return Cache(cache, entries_version=IMPORTER_VERSION, features_version=RUN_FEATURES_VERSION)


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
    opened = open_cache(cache)
    files, metas, fresh = _scan(paths, opened, workers or os.cpu_count() or 1, progress)
    sorted_files = _sort_by_kind(files, metas, opened)
    all_acts, run_feats, hr_hist = entry_tables(opened, fresh, metas, sorted_files.activity_shas)
    if all_acts.empty:
        all_acts = activity_frame([])
    all_acts, csv_feats = _resolve_activities(files, all_acts, sorted_files)
    ratings = pd.concat(sorted_files.ratings, ignore_index=True) if sorted_files.ratings else empty_ratings()
    from_csv = ratings[C.RATING_SOURCE].isin([r.path for r, _, _ in sorted_files.gear_files])  # with_row_ratings
    all_acts = apply_ratings(all_acts, ratings[~from_csv])
    if len(csv_feats):
        run_feats = pd.concat([x for x in (run_feats, csv_feats) if len(x)], ignore_index=True)
    return History(
        files=files,
        all_activities=all_acts,
        weights=pd.concat(sorted_files.weights, ignore_index=True) if sorted_files.weights else empty_weights(),
        gear=pd.concat(sorted_files.gear, ignore_index=True)
        if sorted_files.gear
        else pd.DataFrame(columns=list(GEAR_COLUMNS)),
        shoes=(
            pd.concat(sorted_files.shoes, ignore_index=True).drop_duplicates("name", keep="last")
            if sorted_files.shoes
            else pd.DataFrame()
        ),
        decoded=len(fresh),
        cache=opened,
        features=run_feats,
        hr_hist=hr_hist,
        wellness=pd.concat(sorted_files.wellness, ignore_index=True) if sorted_files.wellness else empty_wellness(),
        ratings=ratings,
    )


def _scan(paths, cache: Cache, workers: int, progress) -> tuple[list[FileResult], dict[str, dict], dict[str, dict]]:
    """Every input file with its content hash (or why it was not read), the cache
    metadata of every content, and the results of decoding the new ones."""
    files: list[FileResult] = []
    known: dict[str, dict] = {}
    # Files unchanged since an earlier import are not read again (their content hash
    # is remembered under their identity), when their cache entries exist.
    memo = cache.input_memo()
    with progress_bar(progress) as bar:
        decoder = Decoder(cache.layout, workers, bar)
        for item in iter_inputs(paths, memo):
            rec = FileResult(path=item.label)
            if item.sha256 is not None and not (item.sha256 in known or cache.has(item.sha256)):
                item = read_again(item)  # remembered, but its entry went since: read it after all
            if item.error is not None:
                rec.status, rec.reason = C.SKIPPED, item.error
            else:
                rec.sha256 = sha = item.sha256 or hashlib.sha256(item.data).hexdigest()
                if sha not in known and sha not in decoder.queued:
                    meta = cache.meta(sha)
                    if meta is None:
                        decoder.add(item.label, item.data, sha)
                    else:
                        known[sha] = meta
            memo.note(item.source, item.identity, item.label, rec.sha256 or None)
            files.append(rec)
        fresh = decoder.finish()
    memo.save()
    return files, {**known, **{sha: r["meta"] for sha, r in fresh.items()}}, fresh


@dataclass
class _Sorted:
    """What the files hold, by kind."""

    activity_shas: list[str] = field(default_factory=list)
    weights: list[pd.DataFrame] = field(default_factory=list)
    gear: list[pd.DataFrame] = field(default_factory=list)
    shoes: list[pd.DataFrame] = field(default_factory=list)
    wellness: list[pd.DataFrame] = field(default_factory=list)
    ratings: list[pd.DataFrame] = field(default_factory=list)
    first_label: dict[str, str] = field(default_factory=dict)
    #: each gear export with its file: (FileResult, SHA-256, gear table)
    gear_files: list[tuple[FileResult, str, pd.DataFrame]] = field(default_factory=list)


def _sort_by_kind(files: list[FileResult], metas: dict[str, dict], cache: Cache) -> _Sorted:
    """Give every file that is not an activity file its status; gather the data files'
    tables and the activity files' entries (identical bytes are one file)."""
    out, store = _Sorted(), cache.store
    for rec in files:
        if rec.status:
            continue
        meta = metas.get(rec.sha256)
        if meta is None:
            rec.status, rec.reason = C.SKIPPED, "the cache entry could not be written or read"
            continue
        if rec.sha256 in out.first_label:
            rec.status = C.DUPLICATE
            rec.reason = f"identical bytes to {out.first_label[rec.sha256]}"
            continue
        out.first_label[rec.sha256] = rec.path
        kind = meta["kind"]
        if kind not in ("error", "not_activity"):
            _gather_wellness(out, store, rec, meta)
        if kind in ("error", "not_activity"):
            rec.status, rec.reason = C.SKIPPED, meta["reason"]
        elif kind == "wellness":
            rec.status, rec.reason = C.IMPORTED, meta.get("note", "")
        elif kind in ("gear", "shoes"):
            rec.status, rec.reason = C.IMPORTED, meta.get("note", "")
            (out.gear if kind == "gear" else out.shoes).append(store.table(rec.sha256, kind))
            if kind == "gear":
                out.gear_files.append((rec, rec.sha256, out.gear[-1]))
        elif kind == "weight":
            rec.status, rec.reason = C.NOT_RUN, meta.get("note", "")
            out.weights.append(store.table(rec.sha256, "weights").assign(**{C.SOURCE: rec.path}))
        else:
            rec.reason = meta.get("note", "")
            out.activity_shas.append(rec.sha256)
            has_weights = "weights" in meta["tables"] if "tables" in meta else store.has_table(rec.sha256, "weights")
            if has_weights:
                out.weights.append(store.table(rec.sha256, "weights").assign(**{C.SOURCE: rec.path}))
    return out


def _gather_wellness(out: _Sorted, store, rec: FileResult, meta: dict) -> None:
    """Add a file's wellness readings and ratings of activities (any kind of file may
    carry them), and a data file's weights (Strava's Athlete Weight), each naming the file."""
    tables = meta.get("tables", ())
    if "weights" in tables and meta["kind"] not in ("weight", "activity"):
        out.weights.append(store.table(rec.sha256, "weights").assign(**{C.SOURCE: rec.path}))
    if "wellness" in tables:
        out.wellness.append(store.table(rec.sha256, "wellness").assign(**{C.WELLNESS_SOURCE: rec.path}))
    if "ratings" in tables:
        out.ratings.append(store.table(rec.sha256, "ratings").assign(**{C.RATING_SOURCE: rec.path}))


def _resolve_activities(
    files: list[FileResult], all_acts: pd.DataFrame, sorted_files: _Sorted
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Name each activity's source, add the Strava CSV rows whose activity was not read
    from a file, mark duplicates, give each activity file its status, and fill local
    times: (the activity table in its final form, the features of the CSV's runs)."""
    all_acts[C.SOURCE] = all_acts[C.FILE_SHA256].map(sorted_files.first_label).astype(str)
    all_acts, csv_feats = _add_csv_rows(all_acts, sorted_files.gear_files)
    ids_of: dict[str, list[str]] = {}
    for sha, aid in zip(all_acts[C.FILE_SHA256], all_acts[C.ACTIVITY_ID], strict=True):
        ids_of.setdefault(sha, []).append(aid)
    for rec in files:
        if not rec.status and sorted_files.first_label.get(rec.sha256) == rec.path:
            rec.activity_ids = ids_of.get(rec.sha256, [])
    dups = find_duplicates(all_acts, {f.path: i for i, f in enumerate(files)})
    if dups:
        all_acts[C.DUPLICATE_OF] = all_acts[C.ACTIVITY_ID].map(lambda a: dups.get(a, ("",))[0])
    facts = {
        aid: (dup, run, _sport_label(sp, sub, note))
        for aid, dup, run, sp, sub, note in zip(
            all_acts[C.ACTIVITY_ID],
            all_acts[C.DUPLICATE_OF],
            all_acts[C.IS_RUN],
            all_acts[C.SPORT],
            all_acts[C.SUB_SPORT],
            all_acts[C.NOTE],
            strict=True,
        )
    }
    for rec in files:
        _activity_file_status(rec, facts, dups)
    return fill_local_time(all_acts)[list(C.ACTIVITY_COLUMNS)], csv_feats


def _add_csv_rows(all_acts: pd.DataFrame, gear_files) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The activities read from files plus those of each Strava CSV's rows not read from
    a file (strava_rows.csv_activities); the CSV's file result lists them and says how
    its rows were used. An activity read from a file takes the weather temperature of
    the row matched to it (strava_rows.matched_weather; the first CSV that gives one).
    Also the per-run features of the runs among them."""
    read_from_files = all_acts
    added = []
    for rec, sha, gear in gear_files:
        rows, account = csv_activities(gear, sha, rec.path, read_from_files, note=rec.reason)
        rec.reason, rec.activity_ids = account, rows[C.ACTIVITY_ID].tolist()
        if len(rows):
            added.append(rows)
        weather = all_acts[C.WEATHER_TEMPERATURE_C]
        all_acts[C.WEATHER_TEMPERATURE_C] = weather.fillna(pd.Series(matched_weather(gear, all_acts), weather.index))
        all_acts = with_row_ratings(all_acts, gear, rec.path)
    if not added:
        return all_acts, pd.DataFrame()
    rows = pd.concat(added, ignore_index=True)
    feats = csv_run_features(rows)
    if all_acts.empty:
        return rows, feats
    # The same time zone object as the cached rows' (UTC as zoneinfo or as
    # datetime.timezone would otherwise concatenate as objects).
    rows = rows.astype({col: all_acts[col].dtype for col in (C.START_UTC, C.END_UTC)})
    return pd.concat([all_acts, rows], ignore_index=True), feats


def _sport_label(sport: str, sub_sport: str, note: str) -> str:
    """What an activity was, for a file's reason: its sport, and why a session of a
    running sport was not counted as a run."""
    label = "/".join(x for x in (sport, sub_sport) if x) or "unknown sport"
    why = next((part for part in note.split("; ") if part.startswith(NOT_A_RUN)), "")
    return f"{label} ({why})" if why else label


def _activity_file_status(rec: FileResult, facts: dict, dups: dict) -> None:
    """The status of an activity file from what became of its activities."""
    if rec.status or not rec.activity_ids:
        if not rec.status:
            rec.status, rec.reason = C.SKIPPED, rec.reason or "no activity in the file"
        return
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
