"""The long fuzz run of issue 9: the mutations of tests/test_hostile.py, applied to whole
real files (not the CI-sized cuts), through ``analyzer.importers.decode``.

    .venv/bin/python benchmarks/fuzz_long.py [--cases 10000] [--seed 9] [--ci-seeds]

Prints the number of cases, crashes (exceptions other than UnreadableExport /
NotAnActivity, grouped by type and message, with a reproducer saved under --out), known
library bugs (tests/test_hostile.py KNOWN_BUGS) apart, the slowest case [s] and the
peak RSS [MiB]. Exit status 1 when there was a new crash or a case over the limit.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_hostile import (  # noqa: E402
    CASE_LIMIT_S,
    Hang,
    decode_case,
    known_bug,
    mutate,
    peak_rss_mb,
    seeds,
    time_limit,
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--ci-seeds", action="store_true", help="start from the CI-sized cuts (faster)")
    ap.add_argument("--out", type=Path, default=Path("test-artifacts/fuzz-crashes"))
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    pool = seeds(ci=args.ci_seeds)
    outcomes: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    known: Counter[str] = Counter()
    slowest, slowest_case = 0.0, ""
    start = time.perf_counter()
    for i in range(args.cases):
        label, original = rng.choice(pool)
        data, names = mutate(label, original, rng, rng.choice((1, 1, 1, 2, 3)))
        t0 = time.perf_counter()
        try:
            with time_limit(CASE_LIMIT_S):
                outcome, _ = decode_case(label, data)
            outcomes[outcome] += 1
        except Hang:
            outcomes["hang"] += 1
            crashes[f"hang over {CASE_LIMIT_S} s"] += 1
            _save(args.out, i, label, data, names, "hang")
        except Exception as err:  # noqa: BLE001 - counting them is the point
            bug = known_bug(err)
            if bug:
                known[bug] += 1
                outcomes["known-bug"] += 1
            else:
                key = f"{type(err).__name__}: {' '.join(str(err).split())[:120]}"
                if not crashes[key]:
                    _save(args.out, i, label, data, names, traceback.format_exc())
                crashes[key] += 1
                outcomes["crash"] += 1
        took = time.perf_counter() - t0
        if took > slowest:
            slowest, slowest_case = took, f"case {i}: {label} {'+'.join(names)} ({len(data)} bytes)"
        if (i + 1) % 1000 == 0:
            print(f"  {i + 1} cases, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)

    print(f"cases: {args.cases} ({len(pool)} seed files, {'CI cuts' if args.ci_seeds else 'whole files'})")
    print(f"outcomes: {dict(outcomes)}")
    print(f"crashes (not UnreadableExport/NotAnActivity, not known): {sum(crashes.values())}")
    for key, n in crashes.most_common():
        print(f"  {n:5d}  {key}")
    print(f"known library bugs hit: {sum(known.values())}")
    for key, n in known.most_common():
        print(f"  {n:5d}  {key}")
    print(f"max seconds per case: {slowest:.2f} ({slowest_case})")
    print(f"peak RSS: {peak_rss_mb():.0f} MiB")
    print(f"wall time: {time.perf_counter() - start:.0f} s")
    return 1 if crashes else 0


def _save(folder: Path, i: int, label: str, data: bytes, names: list[str], why: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / f"case{i:06d}-{'+'.join(names)}-{label}"
    base.write_bytes(data)
    base.with_name(base.name + ".txt").write_text(why, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
