"""A squad on Dask distributed: every athlete analysed by `api.analyze_to` on a worker.

Without a scheduler address, `run_squad` starts a local cluster (one single-threaded
worker process per core) and closes it when done, also on Ctrl-C or an error; with one
(``tcp://host:8786``) it runs the same tasks on that cluster. Per athlete, a `survey`
task counts its input files; an athlete with more than LARGE_ATHLETE_FILES first gets
`decode_batch` tasks, each decoding a share of its files into its cache, so that one
athlete with 5,000 runs is decoded by every worker; its `analyze_athlete` task then
finds a warm cache. Larger athletes are scheduled first (Dask priorities).

Dask retries the tasks of a worker that died (``distributed.scheduler.allowed-failures``,
3 by default); an athlete whose tasks killed workers more often than that gets a FAILED
row. Workers write into the output folder and the athletes' caches (tasks.py: each
athlete's folder appears whole), so on a cluster both must be on storage every worker
sees, at the same path.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import signal
import sys
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from ..errors import AnalyzerError
from ..units import UNIT_M
from . import tasks
from .model import AthleteRow
from .roster import Athlete, read_roster

#: An athlete with more input files than this is decoded by batch tasks spread over the
#: workers before its analysis (heavylegs convention: at ~25 ms a file, 400 files are
#: ~10 s on one worker, when a squad's task costs a few seconds).
LARGE_ATHLETE_FILES = 400
#: Input files per batch task of a large athlete (heavylegs convention: ~2.5 s of
#: decoding, against Dask's ~1 ms per task).
BATCH_FILES = 100
#: The squad's cache folder under DIR when --cache is not given (on the storage the
#: workers already share, since they write DIR): one cache per athlete under it.
DEFAULT_CACHE = ".cache"
#: How long to wait for a scheduler to answer and for a first worker to join it [s].
CONNECT_TIMEOUT_S = 30.0
WORKER_WAIT_S = 60.0
#: Priority of the survey tasks: before every decoding and analysis.
SURVEY_PRIORITY = 10**9


class SchedulerError(AnalyzerError):
    """The Dask scheduler cannot be reached or its workers cannot run heavylegs."""


class IgnoreInterrupt(WorkerPlugin):
    """Worker plugin of the local cluster: its workers, also those restarted after a
    crash, ignore SIGINT (tasks.ignore_interrupt)."""

    idempotent = True
    name = "heavylegs-ignore-sigint"

    def setup(self, worker) -> None:
        tasks.ignore_interrupt()


@contextmanager
def _interrupt_ignored():
    """SIGINT ignored while the local cluster starts its worker processes, so that they
    inherit it (a Ctrl-C reaches every process of the terminal's job); only the main
    thread can change it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _show(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


@contextmanager
def connect(scheduler: str | None, workers: int | None, show: bool):
    """A Dask client: to ``scheduler``, or to a local cluster of ``workers`` processes
    (default: one per core) started here; both are closed on the way out, however left."""
    from distributed import Client, LocalCluster

    cluster = client = None
    try:
        if scheduler is None:
            with _interrupt_ignored():
                cluster = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster)
            client.register_plugin(IgnoreInterrupt())
        else:
            try:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as err:
                raise SchedulerError(
                    f"cannot reach the Dask scheduler at {scheduler}: {' '.join(str(err).split())}"
                ) from None
        if show:
            print(f"Dask dashboard: {client.dashboard_link}", file=sys.stderr)
        _check_workers(client, scheduler)
        yield client
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _check_workers(client, scheduler: str | None) -> None:
    """A worker has joined and every worker runs this version of heavylegs."""
    import analyzer

    where = scheduler or "the local cluster"
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError:
        raise SchedulerError(f"no Dask worker joined {where} within {WORKER_WAIT_S:g} s") from None
    try:
        versions = client.run(tasks.worker_version)
    except Exception as err:  # noqa: BLE001 - the worker's reason, in one line
        raise SchedulerError(
            f"a Dask worker of {where} cannot run heavylegs (install the package on every worker): "
            f"{type(err).__name__}: {' '.join(str(err).split())[:200]}"
        ) from None
    other = {addr: v for addr, v in versions.items() if v != analyzer.__version__}
    if other:
        addr, version = next(iter(other.items()))
        raise SchedulerError(f"the Dask worker {addr} runs heavylegs {version}, this command {analyzer.__version__}")


def plan_batches(
    counts: list[tuple[str, int]], batch_files: int = BATCH_FILES
) -> list[tuple[tuple[str, ...], int, int]]:
    """The decode_batch tasks of a large athlete: (files, part, parts) each. Files are
    grouped up to ``batch_files`` (default BATCH_FILES) inputs; a zip holding more is shared out by place
    (part k of n decodes every n-th of its inputs)."""
    batch_files = batch_files or BATCH_FILES
    batches: list[tuple[tuple[str, ...], int, int]] = []
    group: list[str] = []
    size = 0
    for path, n in counts:
        if n > batch_files:
            parts = -(-n // batch_files)
            batches += [((path,), k, parts) for k in range(parts)]
            continue
        if group and size + n > batch_files:
            batches.append((tuple(group), 0, 1))
            group, size = [], 0
        group.append(path)
        size += n
    if group:
        batches.append((tuple(group), 0, 1))
    return batches


def _job(athlete: Athlete, out: Path, cache: Path, as_of, units: str) -> tasks.Job:
    return tasks.Job(
        athlete_id=athlete.athlete_id,
        name=athlete.name,
        paths=(str(athlete.path.resolve()),),
        out=str(out.resolve()),
        cache=str((cache / athlete.athlete_id).resolve()),
        as_of=as_of.isoformat() if isinstance(as_of, dt.date) else as_of,
        units=units,
        shoes=str(athlete.shoes.resolve()) if athlete.shoes else None,
        diary=str(athlete.diary.resolve()) if athlete.diary else None,
    )


def run_squad(
    roots,
    out: str | os.PathLike,
    *,
    as_of: dt.date | str | None = None,
    units: str = "km",
    scheduler: str | None = None,
    workers: int | None = None,
    cache: str | os.PathLike | None = None,
    progress: bool | None = None,
) -> list[AthleteRow]:
    """Analyse every athlete under ``roots`` (roster.py) into ``out``/<athlete>/ and
    return their rows, in roster order (FAILED rows say why). ``cache``: the folder of
    the athletes' caches (default ``out``/.cache), one per athlete. ``progress``: a bar
    on stderr (default: when stderr is a terminal). Raises RosterError, InputFileError
    (athletes.csv) or SchedulerError, each one line; KeyboardInterrupt closes the
    cluster before it propagates."""
    if units not in UNIT_M:
        raise ValueError(f"unknown units {units!r} (known: {', '.join(sorted(UNIT_M))})")
    out = Path(out)
    cache_root = Path(cache) if cache is not None else out / DEFAULT_CACHE
    athletes = read_roster(roots, skip=(out, cache_root))
    if not athletes:
        raise AnalyzerError(
            f"no athlete under {', '.join(map(str, roots))}: one folder or .zip per athlete is expected"
        )
    jobs = [_job(a, out, cache_root, as_of, units) for a in athletes]
    show = _show(progress)
    with connect(scheduler, workers, show) as client:
        out.mkdir(parents=True, exist_ok=True)
        rows = _run(client, jobs, show)
    shutil.rmtree(out / tasks.TMP_FOLDER, ignore_errors=True)
    return [rows[job.athlete_id] for job in jobs]


def _run(client, jobs: list[tasks.Job], show: bool) -> dict[str, AthleteRow]:
    """Submit the tasks and gather the rows as they come (module docstring)."""
    from distributed import as_completed
    from tqdm import tqdm

    run = uuid.uuid4().hex[:8]
    what: dict = {}  # future -> (kind, job)
    for job in jobs:
        what[client.submit(tasks.survey, job.paths, key=f"survey-{job.athlete_id}-{run}", priority=SURVEY_PRIORITY)] = (
            "survey",
            job,
        )
    rows: dict[str, AthleteRow] = {}
    batch_decoded: dict[str, int] = {}
    decoded = 0
    pending = as_completed(list(what))
    with tqdm(total=len(jobs), unit="athlete", desc="squad", file=sys.stderr, disable=not show) as bar:
        for future in pending:
            kind, job = what.pop(future)
            try:
                result, error = future.result(), None
            except Exception as err:  # noqa: BLE001 - a task's failure is its athlete's row
                result, error = None, err
            future.release()
            if kind == "survey":
                pending.update(_submit(client, job, result or [], run, what))
            elif kind == "batch":
                batch_decoded[job.athlete_id] = batch_decoded.get(job.athlete_id, 0) + (result or 0)
                decoded += result or 0
            else:
                row = result if isinstance(result, AthleteRow) else tasks.failed_row(job, _task_reason(error))
                decoded += max(0, row.decoded - batch_decoded.get(job.athlete_id, 0))
                rows[job.athlete_id] = row
                bar.update(1)
            bar.set_postfix_str(f"{decoded} files decoded", refresh=False)
    return rows


def _submit(client, job: tasks.Job, counts: list[tuple[str, int]], run: str, what: dict) -> list:
    """The athlete's batch tasks (when it is large) and its analysis task after them."""
    total = sum(n for _, n in counts)
    batches = plan_batches(counts) if total > LARGE_ATHLETE_FILES else []
    futures = []
    for i, (paths, part, parts) in enumerate(batches):
        key = f"batch-{job.athlete_id}-{i}-{run}"
        future = client.submit(tasks.decode_batch, paths, part, parts, job.cache, key=key, priority=total)
        what[future] = ("batch", job)
        futures.append(future)
    analysis = client.submit(tasks.analyze_athlete, job, futures, key=f"analyze-{job.athlete_id}-{run}", priority=total)
    what[analysis] = ("analyze", job)
    return [*futures, analysis]


def _task_reason(error: BaseException | None) -> str:
    from distributed import KilledWorker

    if isinstance(error, KilledWorker):
        return "the Dask workers analysing this athlete died each time (out of memory, or killed): not analysed"
    if error is None:
        return "the analysis returned nothing"
    return tasks.one_line(error)
