"""The issue-20 figure (stages.py's `heavylegs import` CPU per file) for this checkout
and other ones, taken in turns: this virtual machine's speed drifts by up to 25 % within
minutes, so one best-of-two per version can land on a fast or a slow phase; runs taken
in turns share the phases, and their medians compare.

    .venv/bin/python benchmarks/alternate.py /tmp/heavylegs-bench-stages/lean-2000 \\
        --other /tmp/before --rounds 5

Each round imports, for each version in turn, one file and then the whole folder, each
into a new cache folder, none deleted before the end (stages._import_once and its
module docstring: its process and decoding workers, bytecode not cached),
and counts (CPU of the folder - CPU of the one file) / (files - 1). The folder is one that
stages.py built (its corpora). Prints every run, then each version's median and range.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stages  # noqa: E402 - after its folder is on the path

HERE = Path(__file__).resolve().parent.parent


def per_file_ms(folder: Path, checkout: Path, work: Path) -> tuple[float, float, float]:
    """(CPU per file [ms], CPU of the folder's import [s], of the one file's [s]) with
    ``checkout``'s heavylegs (PYTHONPATH; this checkout: the installed one)."""
    if checkout == HERE:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = str(checkout)
    files = sorted(folder.glob("*.fit"))
    one = work / "one"
    one.mkdir(exist_ok=True)
    (one / files[0].name).write_bytes(files[0].read_bytes())
    start = stages._import_once(one, work, None)[0]
    full = stages._import_once(folder, work, None)[0]
    return 1000 * (full - start) / (len(files) - 1), full, start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="a corpus folder of FIT files (stages.py builds them)")
    ap.add_argument("--other", type=Path, action="append", default=[], help="another checkout (repeatable)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    versions = [HERE, *(p.resolve() for p in args.other)]
    figures: dict[Path, list[float]] = {v: [] for v in versions}
    with tempfile.TemporaryDirectory(prefix="heavylegs-alternate-") as tmp:
        for r in range(args.rounds):
            for v in versions:
                ms, full, start = per_file_ms(args.folder, v, Path(tmp))
                figures[v].append(ms)
                print(
                    f"{time.strftime('%H:%M:%S')} round {r + 1} {v}: {full:.2f} s, one file {start:.2f} s, {ms:.2f} ms a file",
                    flush=True,
                )
    for v, got in figures.items():
        print(
            f"{v}: median {statistics.median(got):.2f} ms a file, range {min(got):.2f}-{max(got):.2f} ms, {len(got)} runs"
        )


if __name__ == "__main__":
    main()
