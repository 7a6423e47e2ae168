"""CPU per file of the import, by stage and in all (issue 20).

``stage_figures`` imports a corpus in this process (one worker: the batches are
decoded here) with timers wrapped around the import's functions, and splits the CPU
time (user + system, ``time.process_time``) per file into:

* **decode records**: the FIT framing walk and the numpy record decoder (fastfit),
* **decode other messages**: file_id, session, lap, event, activity, ... (fitparse
  before issue 20, the fast summary decoder after it),
* **frames**: from the decoded messages to the activity and sample tables (sessions,
  time zone, the file's notes),
* **features**: the per-run features of each batch of files,
* **cache writes**: the batch's tables made (since the second part of issue 20, the
  batch's sample and activity frames too: the fast path keeps a file's samples as numpy
  columns) and converted, and each entry written,
* **main process**: reading and hashing the files, the input memo, the catalog and the
  history's tables (everything of ``read_history`` outside the batches).

``import_cpu`` is the figure of the issue's "Done when": the CPU time (user + system)
of ``heavylegs import`` over the corpus, the command's process and its decoding workers
together, minus the same for a one-file import (start-up: Python, imports, workers),
divided by the other files.

Both work on any checkout of heavylegs (put it first on PYTHONPATH): a stage a version
lacks is timed as 0.

Every import writes into a cache folder of its own, and no cache is deleted until the
figures are taken (``fresh_cache``). On an ext4 file system without a journal (this
machine's), creating a file passes over, one by one, every free inode of its group
deleted in the last 60 to 360 s (fs/ext4/ialloc.c, ``recently_deleted``, checked only
when there is no journal): deleting a 2,000-entry cache just before the next import,
as these scripts did until issue 20's fourth part, made each of its entries cost up to
~0.4 ms more kernel time, more at every round. A runner's import never follows such a
deletion; where it does, a journaled ext4 (the usual one) skips no inode.
"""

from __future__ import annotations

import functools
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Stages in the order printed.
STAGES = ("decode records", "decode other messages", "frames", "features", "cache writes", "main process")
#: (module, function) timed, by key. "others" lists every name the summary-message
#: decoder had (the first that exists is timed).
TIMED = {
    "walk": [("analyzer.importers.fastfit", "walk")],
    "fast": [("analyzer.importers.fit", "fastfit.decode")],
    "others": [("analyzer.importers.fastfit", "_summary"), ("analyzer.importers.fastfit", "read_messages")],
    "fit": [("analyzer.importers.fit", "decode_fit")],
    "one": [("analyzer.ingest.pool", "decode_one")],
    "features": [("analyzer.ingest.pool", "run_features")],
    "chunk": [("analyzer.ingest.pool", "decode_chunk")],
}


class _Timers:
    """Wraps the TIMED functions with CPU timers; ``spent[key]`` [s]."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(TIMED, 0.0)
        self._undo = []
        for key, candidates in TIMED.items():
            for module_name, attr in candidates:
                owner = importlib.import_module(module_name)
                *path, name = attr.split(".")
                for part in path:
                    owner = getattr(owner, part)
                if hasattr(owner, name):
                    self._wrap(key, owner, name)
                    break

    def _wrap(self, key: str, owner, name: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            t = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[key] += time.process_time() - t

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)


def fresh_cache(parent: Path) -> Path:
    """A cache folder under ``parent`` never used before (see the module docstring: no
    cache is deleted between the imports of a set of figures)."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="cache-", dir=parent)) / "cache"


def stage_figures(paths: list[Path], workdir: Path) -> dict[str, float]:
    """CPU per file [ms] of each stage (STAGES), and "total", importing ``paths`` into a
    fresh cache in this process (see the module docstring)."""
    from analyzer import read_history

    corpus = workdir / "stages-in"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    for p in paths:
        os.link(p, corpus / p.name) if p.stat().st_dev == corpus.stat().st_dev else shutil.copy(p, corpus)
    warm = workdir / "stages-warmup"
    shutil.rmtree(warm, ignore_errors=True)
    warm.mkdir()
    shutil.copy(paths[0], warm)  # imports, time zone finder, first-call costs: not counted
    read_history([warm], cache=fresh_cache(workdir), workers=1, progress=False)
    timers = _Timers()
    try:
        t = time.process_time()
        read_history([corpus], cache=fresh_cache(workdir), workers=1, progress=False)
        total = time.process_time() - t
    finally:
        timers.restore()
    s = timers.spent
    records = s["fast"] - s["others"]
    out = {
        "decode records": records,
        "decode other messages": s["others"],
        "frames": s["fit"] - s["fast"],
        "features": s["features"],
        "cache writes": s["chunk"] - s["one"] - s["features"],
        "main process": total - s["chunk"],
        "total": total,
    }
    return {k: 1000 * v / len(paths) for k, v in out.items()}


#: Runs `heavylegs` and reports, at exit, the CPU time of its process and its (waited
#: for) decoding workers, and the peak RSS of the process and of its largest worker.
CLI_SCRIPT = """
import resource, runpy, sys
sys.argv = ["heavylegs", *sys.argv[1:]]
try:
    runpy.run_module("analyzer", run_name="__main__")
except SystemExit as exit:
    if exit.code:
        raise
finally:
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    sys.stderr.write(f"\\nCPU_RSS {cpu} {own.ru_maxrss} {kids.ru_maxrss}\\n")
"""


def _import_once(folder: Path, work: Path, workers: int | None) -> tuple[float, float, float]:
    """(CPU [s], peak RSS of the process [MB], of its largest worker [MB]) of one
    `heavylegs import` into a fresh cache under ``work`` (kept: see the module docstring)."""
    cache = fresh_cache(work)
    args = [sys.executable, "-c", CLI_SCRIPT, "import", str(folder), "--cache", str(cache), "--json"]
    if workers:
        args += ["--workers", str(workers)]
    # cwd outside any checkout (the script's path comes first), so PYTHONPATH picks the version.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cache.parent
    )
    line = [x for x in done.stderr.decode().splitlines() if x.startswith("CPU_RSS")][-1]
    cpu, own, kids = (float(v) for v in line.split()[1:])
    return cpu, own / 1024, kids / 1024


def import_cpu(paths: list[Path], workers: int | None = None, repeat: int = 3) -> dict[str, float]:
    """The issue's figure (module docstring): best of ``repeat`` of each import [s],
    the CPU per file [ms], and the peak RSS of the process and its largest worker [MB]."""
    with tempfile.TemporaryDirectory(prefix="heavylegs-cpu-") as tmp:
        one = Path(tmp) / "one"
        one.mkdir()
        shutil.copy(paths[0], one)
        folder = paths[0].parent
        start = min(_import_once(one, Path(tmp), workers)[0] for _ in range(repeat))
        runs = [_import_once(folder, Path(tmp), workers) for _ in range(repeat)]
    n = len(list(folder.glob("*.fit")))
    full = min(r[0] for r in runs)
    return {
        "files": n,
        "one_file_s": start,
        "all_s": full,
        "per_file_ms": 1000 * (full - start) / (n - 1),
        "rss_main_mb": max(r[1] for r in runs),
        "rss_worker_mb": max(r[2] for r in runs),
    }


def main() -> None:
    import argparse

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="files timed stage by stage (default 200)")
    ap.add_argument("--cpu-n", type=int, default=2000, help="files of the timed imports (default 2000)")
    ap.add_argument("--corpus", choices=("bench", "lean", "both"), default="both")
    ap.add_argument("--workers", type=int, default=None, help="decoding processes of the import (default all cores)")
    ap.add_argument("--repeat", type=int, default=3, help="imports timed, the best kept (default 3)")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "heavylegs-bench-stages")
    args = ap.parse_args()
    analyzer = importlib.import_module("analyzer")  # first: bench_import puts this checkout on the path
    from bench_import import build_corpus
    from lean_corpus import build_lean_corpus

    print(f"heavylegs at {Path(analyzer.__file__).parent.parent}, {os.cpu_count()} cores, load {os.getloadavg()}")
    kinds = ("bench", "lean") if args.corpus == "both" else (args.corpus,)

    def corpus(kind: str, n: int) -> list[Path]:
        folder = args.dir / f"{kind}-{n}"
        if not folder.is_dir() or len(list(folder.glob("*.fit"))) != n:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            if kind == "bench":
                build_corpus(n, folder)
            else:
                build_lean_corpus(n, folder, args.dir / "templates")
            time.sleep(3.0)  # older than the input memo's settling time
        return sorted(folder.glob("*.fit"))

    for kind in kinds:
        paths = corpus(kind, args.n)
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        stages = stage_figures(paths, args.dir / "work")
        cpu = import_cpu(corpus(kind, args.cpu_n), args.workers, args.repeat)
        print(f"\n{kind} corpus: {len(paths)} files timed by stage, {size:.0f} KB a file")
        print("| stage | CPU per file |\n|---|---|")
        for name in (*STAGES, "total"):
            print(f"| {name} | {stages[name]:.2f} ms |")
        print(
            f"`heavylegs import` (process + workers, best of {args.repeat}): {cpu['all_s']:.2f} s for "
            f"{cpu['files']} files, {cpu['one_file_s']:.2f} s for one; per file {cpu['per_file_ms']:.2f} ms; "
            f"peak RSS {cpu['rss_main_mb']:.0f} MB (process), {cpu['rss_worker_mb']:.0f} MB (largest worker)"
        )
    for cache in (args.dir / "work").glob("cache-*"):  # the stage figures' caches, at the end
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
