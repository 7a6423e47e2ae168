"""Outputs before and after a change, byte for byte.

Writes what heavylegs produces for a fixed set of cases into a folder, each case
with a fresh cache, through the installed ``heavylegs`` command:

* ``heavylegs analyze`` (findings.json, weekly.csv, activities.csv, every chart PNG,
  report.html) on sample_data/ in km, in miles and at an earlier ``--as-of``; on the
  whole of ../shared/data/real and on its two single-runner series (NRC GPX runs; the
  Strava export with its activities.csv); and on the 2,000-run benchmark corpus
  (bench_import.build_corpus, built once into ``--corpus``);
* ``heavylegs import --json`` on sample_data/ and on ../shared/data/real;
* every case's cache as read back (``cache/``): each entry's metadata (without the
  importer version) and each of its tables through ``Store.table``, as CSV with
  floats written exactly (for the corpus, every CORPUS_DUMP_STEP-th entry), so a
  change of the cache's storage that keeps what it holds compares equal.

Then ``--compare A B`` lists every file that differs or is missing between two such
folders (exit 1 if any).

    .venv/bin/python benchmarks/compare_outputs.py --out /tmp/before      # at the old commit
    .venv/bin/python benchmarks/compare_outputs.py --out /tmp/after       # at the new one
    .venv/bin/python benchmarks/compare_outputs.py --compare /tmp/before /tmp/after

``--skip-corpus`` leaves out the 2,000-run case (about two minutes).
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_REAL = ROOT.parent / "shared" / "data" / "real"
SAMPLE = ROOT / "sample_data"
HEAVYLEGS = str(Path(sys.executable).with_name("heavylegs"))


def cases(corpus: Path | None) -> dict[str, list[str]]:
    """{case name: heavylegs arguments (without --out / --cache)}."""
    acts, shoes = str(SAMPLE / "activities"), str(SAMPLE / "shoes.csv")
    out = {
        "sample_km": ["analyze", acts, "--shoes", shoes],
        "sample_mi": ["analyze", acts, "--shoes", shoes, "--units", "mi"],
        "sample_asof": ["analyze", acts, "--shoes", shoes, "--as-of", "2026-08-20"],
        "import_sample": ["import", acts, "--json"],
    }
    if SHARED_REAL.is_dir():
        gpx = SHARED_REAL / "gpx"
        nrc = sorted(str(p) for p in gpx.glob("corriporai__nrc-run-*"))
        strava = sorted(str(p) for p in gpx.glob("AhmedAldahshoury__strava-run-*"))
        strava.append(str(SHARED_REAL / "other" / "AhmedAldahshoury__strava-export-old-format-activities.csv"))
        out.update(
            {
                "real_all": ["analyze", str(SHARED_REAL)],
                "real_nrc": ["analyze", *nrc],
                "real_strava": ["analyze", *strava],
                "import_real": ["import", str(SHARED_REAL), "--json"],
            }
        )
    if corpus is not None:
        out["corpus_2000"] = ["analyze", str(corpus)]
    return out


def ensure_corpus(path: Path, n: int) -> Path:
    """The benchmark corpus of ``n`` runs in ``path`` (built when missing), with its
    files' times set in the past (the input memo remembers only settled files)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_import import build_corpus

    if not path.is_dir() or len(list(path.glob("*.fit"))) != n:
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        build_corpus(n, path)
    return path


#: Fields of an entry's metadata left out of the dump: the version of the code that
#: wrote it, and the names of its stored files (a storage detail).
VOLATILE_META = ("importer_version", "tables")

DUMP_SCRIPT = """
import json, sys
from pathlib import Path
from analyzer.ingest.history import open_cache
root, out = Path(sys.argv[1]), Path(sys.argv[2])
cache = open_cache(root)
store = cache.store
shas = store.shas() if hasattr(store, "shas") else sorted(
    p.name for p in store.root.glob("*/*") if (p / "meta.json").is_file())
volatile = set(sys.argv[3].split(","))
for sha in shas[:: int(sys.argv[4])]:
    meta = store.meta(sha)
    target = out / sha[:2] / sha
    target.mkdir(parents=True)
    tables = meta.get("tables", [])
    kept = {k: v for k, v in meta.items() if k not in volatile}
    (target / "meta.json").write_text(json.dumps(kept, sort_keys=True, indent=1))
    for name in sorted(tables):
        frame = store.table(sha, name)
        (target / f"{name}.csv").write_text(frame.to_csv(index=False, float_format=repr) + repr(dict(frame.dtypes)))
"""


#: Of the 2,000-run corpus's entries, every this many (by content hash) are dumped.
CORPUS_DUMP_STEP = 40


def dump_cache(cache: Path, target: Path, step: int = 1) -> None:
    """Write ``cache``'s entries (every ``step``-th by content hash) as read back into
    ``target`` (see the module docstring)."""
    subprocess.run(
        [sys.executable, "-c", DUMP_SCRIPT, str(cache), str(target), ",".join(VOLATILE_META), str(step)],
        check=True,
        cwd=ROOT,
    )


def run_all(out: Path, corpus: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in cases(corpus).items():
            target = out / name
            shutil.rmtree(target, ignore_errors=True)
            cache = Path(tmp) / name
            t = time.perf_counter()
            if args[0] == "import":
                proc = subprocess.run(
                    [HEAVYLEGS, *args, "--cache", str(cache)], capture_output=True, text=True, check=False
                )
                target.mkdir(parents=True)
                (target / "import.json").write_text(proc.stdout)
                (target / "exit").write_text(f"{proc.returncode}\n")
            else:
                proc = subprocess.run(
                    [HEAVYLEGS, *args, "--out", str(target), "--cache", str(cache)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                (target / "exit").write_text(f"{proc.returncode}\n")
            print(f"{name}: exit {proc.returncode}, {time.perf_counter() - t:.1f} s", flush=True)
            if cache.is_dir():
                dump_cache(cache, target / "cache", CORPUS_DUMP_STEP if name == "corpus_2000" else 1)
            if proc.returncode:
                print(proc.stderr[-2000:], file=sys.stderr)


def compare(a: Path, b: Path) -> int:
    """Print every file that differs or exists on one side only; the count."""
    bad = 0
    names = sorted(
        {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
        | {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    )
    for rel in names:
        pa, pb = a / rel, b / rel
        if not pa.exists() or not pb.exists():
            print(f"only in {'B' if not pa.exists() else 'A'}: {rel}")
            bad += 1
        elif not filecmp.cmp(pa, pb, shallow=False):
            print(f"differs: {rel}")
            bad += 1
    print(f"{len(names)} files compared, {bad} differ")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write every case's outputs here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"))
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "heavylegs-corpus-2000")
    parser.add_argument("--n", type=int, default=2000, help="runs in the corpus")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    if args.compare:
        return 1 if compare(*args.compare) else 0
    if not args.out:
        parser.error("give --out DIR or --compare A B")
    corpus = None if args.skip_corpus else ensure_corpus(args.corpus, args.n)
    run_all(args.out, corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
