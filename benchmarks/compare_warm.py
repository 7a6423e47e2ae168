"""Warm `heavylegs analyze` of two versions of the code, in one run, on one corpus.

Each version (a checkout of the repository: its ``analyzer`` package is put first on
PYTHONPATH, with this checkout's installed dependencies) gets its own cache, filled by
one cold run first. Then, taking turns so that both see the same machine, each version
runs the whole command in a fresh process, ``--rounds`` times, two ways:

* **charts drawn**: the kept charts removed first (every chart drawn again);
* **charts kept**: nothing changed since the last run.

Prints the median and range of each. Python's bytecode cache is on (the first run
writes it), as on a runner's machine. The corpus is bench_import.build_corpus's
(``--corpus``, built when missing).

    git worktree add /tmp/before <old commit>
    .venv/bin/python benchmarks/compare_warm.py --before /tmp/before --after . --n 2000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEAVYLEGS = str(Path(sys.executable).with_name("heavylegs"))


def run(tree: Path, corpus: Path, cache: Path, out: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree.resolve()))
    # Bytecode is cached, as on a runner's machine (pip compiles on install): without
    # it every module is compiled from source on every run, which times the compiler.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t = time.perf_counter()
    # From the cache's folder: an older figure helper ran with the current folder first
    # on its path, and a checkout there would shadow the version under test.
    subprocess.run(
        [HEAVYLEGS, "analyze", str(corpus), "--out", str(out), "--cache", str(cache)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=cache.parent,
    )
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, required=True, help="checkout of the old code")
    ap.add_argument("--after", type=Path, required=True, help="checkout of the new code")
    ap.add_argument("--n", type=int, default=2000, help="runs in the corpus")
    ap.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "heavylegs-corpus-2000")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from compare_outputs import ensure_corpus

    corpus = ensure_corpus(args.corpus, args.n)
    versions = {"before": args.before, "after": args.after}
    times: dict[tuple[str, str], list[float]] = {(v, w): [] for v in versions for w in ("drawn", "kept")}
    with tempfile.TemporaryDirectory() as tmp:
        caches = {v: Path(tmp) / v / "cache" for v in versions}
        for cache in caches.values():
            cache.parent.mkdir(parents=True)
        for v, tree in versions.items():
            cold = run(tree, corpus, caches[v], Path(tmp) / v / "out")
            print(f"{v}: cold run {cold:.1f} s ({tree})", flush=True)
        for _ in range(args.rounds):
            for v, tree in versions.items():
                shutil.rmtree(caches[v] / "derived" / "charts", ignore_errors=True)
                times[(v, "drawn")].append(run(tree, corpus, caches[v], Path(tmp) / v / "out"))
                times[(v, "kept")].append(run(tree, corpus, caches[v], Path(tmp) / v / "out"))
    print(f"warm `heavylegs analyze` on {args.n} runs, {args.rounds} rounds (median, range):")
    for way in ("drawn", "kept"):
        for v in versions:
            ts = times[(v, way)]
            print(f"  charts {way:5} {v:6}: {statistics.median(ts):.2f} s ({min(ts):.2f}-{max(ts):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
