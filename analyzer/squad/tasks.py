"""What the Dask workers run for a squad (engine.py schedules it).

- `survey`: how many inputs an athlete has, file by file (cheap: names and zip
  directories, no decoding), so that the engine can split a large athlete;
- `decode_batch`: decode a share of a large athlete's inputs into the athlete's cache
  (the entries its analysis then finds: a warm cache);
- `analyze_athlete`: the athlete's analysis, exactly `api.analyze_to` (as `heavylegs
  analyze`), its cohort tables, and its row of the squad page. It never raises: an
  athlete whose analysis fails gets a FAILED row with a one-line reason.

Decoding runs inside the task (``workers=1``): a Dask worker's processes are daemonic
and cannot start a process pool; the cluster is the parallelism. The per-file time
budget holds there too (ingest.deadline: a watchdog, since signals reach only the main
thread). An athlete's folder ``DIR/<id>`` is written whole or not at all: the analysis
writes into ``DIR/.tmp/<id>-<random>/``, renamed into place when complete, so a task
retried after its worker died leaves exactly one complete folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import AnalyzerError
from . import uptodate
from .model import FAILED, AthleteRow

#: Longest reason kept for a failed athlete [characters] (heavylegs convention: one line
#: of the squad page).
MAX_REASON_CHARS = 300
#: Folder under DIR where athletes' outputs are written before they are renamed into place.
TMP_FOLDER = ".tmp"
#: Folder under DIR of the cohort dataset (cohort.py writes DIR/cohort/<table>/athlete=<id>/).
COHORT_FOLDER = "cohort"


@dataclass(frozen=True)
class Job:
    """One athlete's analysis, as the worker is given it (plain values: it is pickled).

    paths : the athlete's folder or zip; shoes, diary : from athletes.csv (or None)
    out : the squad's output folder DIR; cache : the athlete's cache folder
    as_of : ISO date or None (each athlete's last activity); units : km or mi
    """

    athlete_id: str
    name: str
    paths: tuple[str, ...]
    out: str
    cache: str
    as_of: str | None = None
    units: str = "km"
    shoes: str | None = None
    diary: str | None = None


def _thread_lock_for_tqdm() -> None:
    """Give tqdm (ingest's decoding bar, disabled here) a thread lock before it makes its
    default one, a process semaphore that a worker killed by its nanny (Ctrl-C, a
    restart) would leave to the resource tracker's "leaked semaphore" warning."""
    from tqdm import tqdm

    if "_lock" not in vars(tqdm):
        tqdm.set_lock(threading.RLock())


def one_line(err: BaseException) -> str:
    """The reason shown for an athlete whose analysis raised ``err``: one line, never a
    traceback."""
    text = str(err) if isinstance(err, AnalyzerError) else f"analysis failed: {type(err).__name__}: {err}"
    return " ".join(text.split())[:MAX_REASON_CHARS]


def failed_row(job: Job, reason: str, decoded: int = 0) -> AthleteRow:
    return AthleteRow(job.athlete_id, job.name, FAILED, reason=reason, decoded=decoded)


def _zip_inputs(fileobj, depth: int) -> int:
    """Files inside a zip, counting through zips inside it (as ingest.sources reads them)."""
    from ..ingest.sources import JUNK_PREFIXES, MAX_ARCHIVE_DEPTH, MAX_FILE_BYTES, MAX_RATIO, RATIO_FLOOR_BYTES

    count = 0
    with zipfile.ZipFile(fileobj) as archive:
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith(JUNK_PREFIXES):
                continue
            # The import's limits: a zip inside that it would refuse is not opened here either.
            size_ok = info.file_size <= min(MAX_FILE_BYTES, max(RATIO_FLOOR_BYTES, MAX_RATIO * info.compress_size))
            if info.filename.lower().endswith(".zip") and depth < MAX_ARCHIVE_DEPTH and size_ok:
                try:
                    with archive.open(info) as inner:
                        count += _zip_inputs(inner, depth + 1)
                    continue
                except Exception:  # noqa: BLE001 - an estimate: the import says what is wrong
                    pass
            count += 1
    return count


def _file_inputs(path: str) -> int:
    try:
        with open(path, "rb") as fh:
            if fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06"):
                fh.seek(0)
                return max(1, _zip_inputs(fh, 1))
    except Exception:  # noqa: BLE001 - an estimate: the import says what is wrong
        pass
    return 1


def survey(paths: tuple[str, ...]) -> list[tuple[str, int]]:
    """(file, inputs in it) of every file under ``paths``, in ingest.sources.iter_inputs'
    order: 1 for a file, the members of a zip. No file is decoded."""
    out = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                out += [(os.path.join(root, name), _file_inputs(os.path.join(root, name))) for name in sorted(files)]
        else:
            out.append((path, _file_inputs(path)))
    return out


def decode_batch(paths: tuple[str, ...], part: int, parts: int, cache: str) -> int:
    """Decode the inputs of ``paths`` whose place in the input stream is ``part`` modulo
    ``parts`` and that the cache ``cache`` lacks, storing their entries (ingest.pool).
    Returns how many files were decoded. A file that fails is an entry too (with its
    reason); whatever else goes wrong is left to the athlete's analysis. A file the
    cache's input memo knows unchanged is not read (cache/inputs.py)."""
    from ..ingest.history import open_cache
    from ..ingest.pool import CHUNK_FILES, decode_chunk
    from ..ingest.sources import iter_inputs

    _thread_lock_for_tqdm()
    decoded = 0
    try:
        opened = open_cache(cache)
        todo: list[tuple[str, bytes, str]] = []
        seen: set[str] = set()
        for i, item in enumerate(iter_inputs(list(paths), opened.input_memo())):
            if i % parts != part or item.data is None:
                continue
            sha = hashlib.sha256(item.data).hexdigest()
            if sha in seen or opened.has(sha):
                continue
            seen.add(sha)
            todo.append((item.label, item.data, sha))
            if len(todo) >= CHUNK_FILES:
                decoded += len(decode_chunk(todo, opened.layout))
                todo = []
        if todo:
            decoded += len(decode_chunk(todo, opened.layout))
    except Exception:  # noqa: BLE001 - the analysis decodes what is left, and says why
        pass
    return decoded


def publish(work: Path, final: Path) -> None:
    """Move the finished folder ``work`` to ``final`` (replacing an older one): at every
    moment ``final`` is a complete folder or absent."""
    for _ in range(5):
        try:
            os.rename(work, final)
            return
        except OSError:
            if not final.exists():
                raise
        old = work.parent / f"old-{final.name}-{uuid.uuid4().hex}"
        try:
            os.rename(final, old)
        except FileNotFoundError:
            continue  # another copy of this task moved it away meanwhile
        shutil.rmtree(old, ignore_errors=True)
    os.rename(work, final)


def discard(out: Path, athlete_id: str) -> None:
    """Remove what an earlier run wrote for an athlete that failed this time (its folder
    and its cohort partitions), so that neither the page nor the cohort shows stale results."""
    final = out / athlete_id
    if final.is_dir():
        old = out / TMP_FOLDER / f"old-{athlete_id}-{uuid.uuid4().hex}"
        try:
            old.parent.mkdir(parents=True, exist_ok=True)
            os.rename(final, old)
            shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    cohort = out / COHORT_FOLDER
    if cohort.is_dir():
        for table in cohort.iterdir():
            shutil.rmtree(table / f"athlete={athlete_id}", ignore_errors=True)


def analyze_athlete(job: Job, batches: list[int] = ()) -> AthleteRow:
    """The athlete's analysis (api.analyze_to, as ``heavylegs analyze``), its cohort tables
    and its row; a FAILED row with the reason when anything goes wrong. ``batches``: files
    decoded beforehand by this athlete's decode_batch tasks. An athlete whose outputs are
    up to date (uptodate.py) gets its recorded row, without an analysis."""
    start_ns = time.time_ns()
    try:
        inputs = uptodate.input_identities(job)
    except OSError:
        inputs = None  # the analysis says what cannot be read
    if inputs is not None and (row := uptodate.recorded_row(job, inputs)) is not None:
        row.decoded = sum(batches)
        return row
    from .. import api

    _thread_lock_for_tqdm()
    uptodate.forget(job)
    out = Path(job.out)
    work = out / TMP_FOLDER / f"{job.athlete_id}-{uuid.uuid4().hex}"
    earlier = sum(batches)
    try:
        from . import cohort, page

        report = api.analyze_to(
            list(job.paths),
            work,
            as_of=job.as_of,
            shoes=job.shoes,
            diary=job.diary,
            units=job.units,
            cache=job.cache,
            workers=1,
            progress=False,
            helper=not draws_here(),
        )
        history = report.analysis.history
        parts = cohort.write_athlete_cohort(report.analysis, job.athlete_id, out / COHORT_FOLDER)
        final = out / job.athlete_id
        publish(work, final)
        written = {kind: _moved(Path(p), work, final) for kind, p in report.written.items()}
        done = api.Report(report.analysis, written)
        row = page.row_from_report(done, job.athlete_id, job.name, out, len(history.files), history.decoded + earlier)
        if inputs is not None and (job.as_of is not None or len(history.activities)):
            uptodate.save(job, start_ns, inputs, row, uptodate.output_files(final, parts.values()))
        return row
    except Exception as err:  # noqa: BLE001 - one athlete's failure is its row, never the squad's
        discard(out, job.athlete_id)
        return failed_row(job, one_line(err), earlier)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def draws_here() -> bool:
    """Whether this task draws the report's charts in its own process: in a Dask worker
    with one thread (the local cluster's), whose matplotlib is imported once for all its
    athletes, rather than a helper process per athlete importing it each time. A worker
    with several threads keeps the helper (matplotlib is not thread-safe), as does a call
    outside Dask."""
    try:
        from distributed import get_worker

        return get_worker().state.nthreads == 1
    except (ImportError, ValueError, AttributeError):
        return False


def _moved(path: Path, work: Path, final: Path) -> Path:
    try:
        return final / path.relative_to(work)
    except ValueError:
        return path


def worker_version() -> str:
    """The heavylegs version a worker runs (checked against the command's: a worker
    without the package cannot even run this)."""
    import analyzer

    return analyzer.__version__


def ignore_interrupt() -> None:
    """Ignore SIGINT in this worker (local cluster): a Ctrl-C in the terminal reaches
    every process of the command, and the command closes its workers itself."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        pass  # not the main thread: nothing to do
