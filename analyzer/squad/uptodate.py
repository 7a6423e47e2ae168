"""An athlete whose outputs are up to date is not analysed again by a squad's rerun.

After an athlete's analysis is published (tasks.analyze_athlete), a record is kept in the
athlete's cache folder (RECORD): what its outputs were made from and what they are.

- the code: every module of this package (its bytes) and the versions of the libraries
  that shape the outputs (`code_version`);
- the job: the athlete's paths, options (as-of, units, shoes and diary files), output and
  cache folders, id and name (tasks.Job);
- every input file's identity (device, inode, size, modification and change times, as the
  input memo keeps it: cache/inputs.py), including the shoes and diary files; kept only
  when every time is SETTLE_S old, so that a write within the file system's time
  resolution cannot go unseen;
- every output file's size and modification time: the athlete's folder DIR/<id>/ and its
  cohort partitions;
- the athlete's row of the squad page.

A rerun whose code, job, inputs and outputs all match the record gets the recorded row
back (nothing decoded) without analysing: the analysis would write the same bytes again
(an analysis depends on nothing else: with no as-of, the date is the athlete's last
activity; an athlete without activities, whose date would be today, is never recorded).
Anything else (a new or changed file, an output touched or removed, another version, a
record that cannot be read) analyses the athlete. A failed athlete is never recorded.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from pathlib import Path

from ..atomic import write_atomic
from ..cache.inputs import InputMemo
from .model import AthleteRow

#: The record's file in the athlete's cache folder.
RECORD = "squad-outputs.json"
#: 1: the first form of the record.
VERSION = 1
#: How old an input's times must be before it is recorded [s]: the input memo's rule.
SETTLE_S = InputMemo.SETTLE_S
#: Libraries whose versions change what the outputs hold (numbers, parquet, PNG bytes).
LIBRARIES = ("numpy", "pandas", "pyarrow", "matplotlib", "scipy")


@functools.cache
def code_version() -> str:
    """SHA-256 over this package's modules and the versions of LIBRARIES (once a process)."""
    from importlib.metadata import PackageNotFoundError, version

    import analyzer

    h = hashlib.sha256(f"{analyzer.__version__}|".encode())
    package = Path(analyzer.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(f"{path.relative_to(package).as_posix()}|".encode())
        h.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"|{name}={version(name)}".encode())
        except PackageNotFoundError:
            h.update(f"|{name}=-".encode())
    return h.hexdigest()


def _identity(path: str) -> list[int]:
    info = os.stat(path)
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def input_identities(job) -> dict[str, list[int]]:
    """{file: identity} of every file under the job's paths (folders walked as the import
    walks them, links to folders not followed), and of its shoes and diary files.
    Raises OSError when one cannot be looked at."""
    found: dict[str, list[int]] = {}
    for path in (*job.paths, job.shoes, job.diary):
        if path is None:
            continue
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path, followlinks=False, onerror=_raise):
                dirs.sort()
                for name in sorted(files):
                    found[os.path.join(root, name)] = _identity(os.path.join(root, name))
        else:
            found[path] = _identity(path)
    return found


def _raise(err: OSError) -> None:
    raise err


def output_files(folder: Path, cohort_files) -> dict[str, list[int]]:
    """{file: [size, modification time]} of every file under the athlete's folder and of
    its cohort files."""
    paths = [Path(root, name) for root, _, files in os.walk(folder) for name in files]
    found = {}
    for path in sorted({*paths, *map(Path, cohort_files)}):
        info = os.stat(path)
        found[str(path)] = [info.st_size, info.st_mtime_ns]
    return found


def _record_path(job) -> Path:
    return Path(job.cache) / RECORD


def _key(job) -> dict:
    """What the record is kept under, as JSON gives it back (tuples are lists)."""
    return json.loads(json.dumps({"version": VERSION, "code": code_version(), "job": dataclasses.asdict(job)}))


def settled_since(start_ns: int, identities: dict[str, list[int]]) -> bool:
    """Whether every input's times were SETTLE_S old when the analysis started."""
    limit = start_ns - int(SETTLE_S * 1e9)
    return all(max(ident[3], ident[4]) < limit for ident in identities.values())


def save(job, start_ns: int, identities: dict[str, list[int]], row: AthleteRow, outputs: dict) -> None:
    """Record the athlete's finished analysis (best effort: a record that cannot be written
    only costs the next run an analysis). ``identities``: the inputs as they were before
    the analysis started at ``start_ns`` (time.time_ns); the record is removed instead
    when they were not settled then."""
    path = _record_path(job)
    try:
        if not settled_since(start_ns, identities):
            path.unlink(missing_ok=True)
            return
        record = {**_key(job), "inputs": identities, "outputs": outputs, "row": row.as_dict()}
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(record, separators=(",", ":")))
    except (OSError, TypeError, ValueError):
        pass


def forget(job) -> None:
    """Remove the athlete's record (before its outputs are replaced or removed)."""
    try:
        _record_path(job).unlink(missing_ok=True)
    except OSError:
        pass


def recorded_row(job, identities: dict[str, list[int]]) -> AthleteRow | None:
    """The athlete's recorded row (with nothing decoded) when its code, job, inputs (their
    ``identities`` now: `input_identities`) and outputs match the record; else None."""
    try:
        with open(_record_path(job), encoding="utf-8") as fh:
            record = json.load(fh)
        key = _key(job)
        if any(record.get(name) != value for name, value in key.items()):
            return None
        if record["inputs"] != identities:
            return None
        outputs = record["outputs"]
        folder = Path(job.out) / job.athlete_id
        cohort = [p for p in outputs if not Path(p).is_relative_to(folder)]
        if output_files(folder, cohort) != outputs:
            return None
        row = AthleteRow(**record["row"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    row.decoded = 0
    return row
